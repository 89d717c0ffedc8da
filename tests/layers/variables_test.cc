#include "layers/variables.h"

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::Tensor;

TEST(VariablesTest, CreateRegistersVariableAndInitializer) {
  Scope s = Scope::NewRootScope();
  Scope dense = s.NewSubScope("dense");
  Output k = CreateVariable(dense, "kernel", ops::Const(dense, Tensor::Of<float>({1, 2}, {2})));
  Output count = CreateVariable(dense, "count", ops::Const(dense, int64_t{7}), /*trainable=*/false);
  Output step = GetOrCreateGlobalStep(dense);
  EXPECT_EQ(count.node->name(), "dense/count");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(k.node->name(), "dense/kernel");
  EXPECT_EQ(step.node->name(), "global_step");
  EXPECT_EQ(GetOrCreateGlobalStep(s).node, step.node);
  ASSERT_EQ(TrainableVariables(s).size(), 1u);
  EXPECT_EQ(TrainableVariables(s)[0], k);
  EXPECT_EQ(GlobalVariables(s).size(), 3u);
  graph::Node* init = InitializeAllVariables(s);
  graph::Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({init}).ok());
  EXPECT_THAT(sess.ReadVariable("dense/kernel")->ToVector<float>(), ::testing::ElementsAre(1, 2));
  EXPECT_EQ(sess.ReadVariable("dense/count")->data<int64_t>()[0], 7);
  EXPECT_EQ(sess.ReadVariable("global_step")->data<int64_t>()[0], 0);
}

TEST(VariablesTest, GlobalStepNameClashIsAnError) {
  Scope s = Scope::NewRootScope();
  ops::Const(s.WithOpName("global_step"), 1.0f);
  EXPECT_FALSE(GetOrCreateGlobalStep(s).valid());
  EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("the name global_step is taken"));
}

}  // namespace
}  // namespace layers
