// End-to-end training in one static graph: forward, backward and optimizer update compiled once, run many
// times.
#include <random>

#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/adam.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "layers/pooling.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Shape;
using graph::Tensor;

TEST(TrainingTest, SmallMlpLearnsXor) {
  Scope s = Scope::NewRootScope(/*seed=*/11);
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  auto labels = ops::Placeholder(s, DType::kInt32, {Shape::kUnknownDim});
  auto h = Dense(s, x, {.units = 8, .activation = "tanh"});
  auto logits = Dense(s, h, {.units = 2});
  auto loss = SparseSoftmaxCrossEntropy(s, labels, logits);
  Adam adam({.learning_rate = 0.05f});
  graph::Node* train = adam.Minimize(s, loss);
  auto predicted = ops::ArgMax(s, logits, 1, DType::kInt32);
  ASSERT_TRUE(s.ok()) << s.status();
  graph::Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(s)}).ok());
  std::vector<graph::Feed> feeds = {{x, Tensor::Of<float>({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2})},
                                    {labels, Tensor::Of<int32_t>({0, 1, 1, 0}, {4})}};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, {loss}, &out).ok());
  const float initial = out[0].data<float>()[0];
  std::vector<graph::Node*> targets = {train};
  for (int step = 0; step < 300; ++step) ASSERT_TRUE(sess.Run(feeds, {}, targets, nullptr).ok());
  ASSERT_TRUE(sess.Run(feeds, {loss, predicted}, &out).ok());
  EXPECT_LT(out[0].data<float>()[0], 0.05f) << "initial loss " << initial;
  EXPECT_THAT(out[1].ToVector<int32_t>(), ::testing::ElementsAre(0, 1, 1, 0));
  EXPECT_EQ(sess.ReadVariable("global_step")->data<int64_t>()[0], 300);
}

TEST(TrainingTest, SmallCnnOverfitsOneBatch) {
  constexpr int kBatch = 16, kClasses = 4;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor images(DType::kFloat32, {kBatch, 8, 8, 1});
  for (float& v : images.flat<float>()) v = u(rng);
  Tensor ys(DType::kInt64, {kBatch});
  for (int i = 0; i < kBatch; ++i) ys.data<int64_t>()[i] = i % kClasses;

  Scope s = Scope::NewRootScope(/*seed=*/7);
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 8, 8, 1});
  auto labels = ops::Placeholder(s, DType::kInt64, {Shape::kUnknownDim});
  auto c = Conv2D(
      s, x, {.filters = 8, .kernel_size = {3, 3}, .padding = ops::Padding::kSame, .activation = "relu"});
  auto p = MaxPool2D(s, c);
  auto c2 = Conv2D(
      s, p, {.filters = 8, .kernel_size = {3, 3}, .padding = ops::Padding::kSame, .activation = "relu"});
  auto flat = Flatten(s, AvgPool2D(s, c2));
  auto logits = Dense(s, flat, {.units = kClasses});
  auto loss = SparseSoftmaxCrossEntropy(s, labels, logits);
  Adam adam({.learning_rate = 0.01f});
  graph::Node* train = adam.Minimize(s, loss);
  ASSERT_TRUE(s.ok()) << s.status();
  graph::Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(s)}).ok());
  std::vector<graph::Feed> feeds = {{x, images}, {labels, ys}};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, {loss}, &out).ok());
  const float initial = out[0].data<float>()[0];
  EXPECT_NEAR(initial, std::log(4.0f), 0.5f);
  std::vector<graph::Node*> targets = {train};
  for (int step = 0; step < 300; ++step) ASSERT_TRUE(sess.Run(feeds, {}, targets, nullptr).ok());
  ASSERT_TRUE(sess.Run(feeds, {loss}, &out).ok());
  EXPECT_LT(out[0].data<float>()[0], 0.05f) << "initial loss " << initial;
}

}  // namespace
}  // namespace layers
