// Gradient clipping by value and by global norm against hand-computed numbers.
#include "layers/gradient_clipping.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/sgd.h"
#include "layers/variables.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::Session;
using graph::Tensor;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using ::testing::Pointwise;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

// Gradients g1 = [3, 4] (norm 5) and g2 = [[12]] (norm 12): global norm 13. A third variable has no gradient.
struct Grads {
  Scope s = Scope::NewRootScope();
  GradsAndVars gv;
  Grads() {
    gv.push_back(
        {ops::Const(s, Tensor::Of<float>({3, 4}, {2})), ops::Variable(s, "a", graph::DType::kFloat32, {2})});
    gv.push_back({ops::Const(s, Tensor::Of<float>({12}, {1, 1})),
                  ops::Variable(s, "b", graph::DType::kFloat32, {1, 1})});
    gv.push_back({Output(), ops::Variable(s, "c", graph::DType::kFloat32, {3})});
  }
  // Values of the valid gradients of `clipped`, in order.
  std::vector<std::vector<float>> Eval(const GradsAndVars& clipped, std::vector<Output> extra = {}) {
    EXPECT_TRUE(s.ok()) << s.status();
    std::vector<Output> fetches;
    for (const GradAndVar& g : clipped) {
      if (g.grad.valid()) fetches.push_back(g.grad);
    }
    fetches.insert(fetches.end(), extra.begin(), extra.end());
    Session sess(*s.graph());
    std::vector<Tensor> out;
    absl::Status st = sess.Run(fetches, &out);
    EXPECT_TRUE(st.ok()) << st;
    std::vector<std::vector<float>> values;
    for (const Tensor& t : out) values.push_back(t.ToVector<float>());
    return values;
  }
};

TEST(ClipTest, ByValueClipsEachElementAndKeepsVariables) {
  Grads g;
  g.gv[0].grad = ops::Const(g.s, Tensor::Of<float>({-7, 0.5f}, {2}));
  GradsAndVars clipped = ClipByValue(g.s, g.gv, 2.0f);
  ASSERT_EQ(clipped.size(), 3u);
  EXPECT_EQ(clipped[0].var, g.gv[0].var);
  EXPECT_EQ(clipped[2].var, g.gv[2].var);
  EXPECT_FALSE(clipped[2].grad.valid());
  auto v = g.Eval(clipped);
  EXPECT_THAT(v[0], ElementsAre(-2.0f, 0.5f));
  EXPECT_THAT(v[1], ElementsAre(2.0f));
}

TEST(ClipTest, GlobalNormOfSeveralTensors) {
  Grads g;
  Output norm = GlobalNorm(g.s, {g.gv[0].grad, g.gv[1].grad, g.gv[2].grad});
  auto v = g.Eval({}, {norm});
  EXPECT_FLOAT_EQ(v[0][0], 13.0f);
  EXPECT_FALSE(GlobalNorm(g.s, {Output()}).valid());
}

TEST(ClipTest, ByGlobalNormScalesAllGradientsTogether) {
  Grads g;
  Output norm;
  GradsAndVars clipped = ClipByGlobalNorm(g.s, g.gv, 6.5f, &norm);  // scale 6.5 / 13 = 0.5
  ASSERT_TRUE(norm.valid());
  EXPECT_FALSE(clipped[2].grad.valid());
  auto v = g.Eval(clipped, {norm});
  EXPECT_THAT(v[0], Pointwise(FloatNear(1e-6f), std::vector<float>{1.5f, 2.0f}));
  EXPECT_THAT(v[1], Pointwise(FloatNear(1e-6f), std::vector<float>{6.0f}));
  EXPECT_FLOAT_EQ(v[2][0], 13.0f);  // the norm before clipping
}

TEST(ClipTest, ByGlobalNormLeavesSmallGradientsUnchanged) {
  Grads g;
  auto v = g.Eval(ClipByGlobalNorm(g.s, g.gv, 20.0f));
  EXPECT_THAT(v[0], ElementsAre(3.0f, 4.0f));
  EXPECT_THAT(v[1], ElementsAre(12.0f));
  Grads g2;
  auto at_bound = g2.Eval(ClipByGlobalNorm(g2.s, g2.gv, 13.0f));
  EXPECT_THAT(at_bound[0], ElementsAre(3.0f, 4.0f));
}

TEST(ClipTest, OptionsApplyValueThenGlobalNorm) {
  Grads g;
  // By value 3.5: [3, 3.5] and [3.5]; global norm sqrt(9 + 12.25 + 12.25) = sqrt(33.5); clip to 2.
  GradsAndVars clipped = ClipGradients(g.s, g.gv, {.clip_value = 3.5f, .clip_global_norm = 2.0f});
  auto v = g.Eval(clipped);
  const double scale = 2.0 / std::sqrt(33.5);
  EXPECT_THAT(v[0], Pointwise(FloatNear(1e-6f), std::vector<float>{static_cast<float>(3 * scale),
                                                                   static_cast<float>(3.5 * scale)}));
  EXPECT_THAT(v[1], Pointwise(FloatNear(1e-6f), std::vector<float>{static_cast<float>(3.5 * scale)}));
  // All zero: nothing added.
  Grads g2;
  const int before = g2.s.graph()->num_nodes();
  GradsAndVars same = ClipGradients(g2.s, g2.gv, {});
  EXPECT_EQ(g2.s.graph()->num_nodes(), before);
  EXPECT_EQ(same[0].grad, g2.gv[0].grad);
}

TEST(ClipTest, InvalidThresholdsAreErrors) {
  EXPECT_THAT(Msg(GradientClippingOptions{.clip_value = -1}.Validate()),
              HasSubstr("clip_value must be finite"));
  EXPECT_THAT(Msg(GradientClippingOptions{.clip_global_norm = INFINITY}.Validate()),
              HasSubstr("clip_global_norm must be finite and >= 0 (0: off), got inf"));
  Grads g;
  ClipByValue(g.s, g.gv, 0.0f);
  EXPECT_THAT(Msg(g.s.status()), HasSubstr("clip_value must be finite and > 0, got 0"));
  EXPECT_THAT(Msg(g.s.status()), HasSubstr("clip_test.cc"));
  Grads g2;
  ClipByGlobalNorm(g2.s, g2.gv, -3.0f);
  EXPECT_THAT(Msg(g2.s.status()), HasSubstr("clip_norm must be finite and > 0, got -3"));
  Grads g3;
  ClipGradients(g3.s, g3.gv, {.clip_value = NAN});
  EXPECT_THAT(Msg(g3.s.status()), HasSubstr("clip_value must be finite and >= 0"));
}

TEST(ClipTest, MinimizeClipsByGlobalNormBeforeUpdating) {
  Scope s = Scope::NewRootScope();
  Output w = CreateVariable(s, "w", ops::Const(s, Tensor::Of<float>({3, 4}, {2})));
  // loss = 0.5 * w . w with gradient w = [3, 4] (norm 5), clipped to norm 1: [0.6, 0.8].
  Output loss = ops::Mul(s, ops::Square(s, w), 0.5f);
  SGD sgd({.learning_rate = 1.0f});
  graph::Node* train = sgd.Minimize(s, loss, {.clipping = {.clip_global_norm = 1.0f}});
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(s)}).ok());
  ASSERT_TRUE(sess.RunTargets({train}).ok());
  EXPECT_THAT(sess.ReadVariable("w")->ToVector<float>(),
              Pointwise(FloatNear(1e-6f), std::vector<float>{2.4f, 3.2f}));
}

}  // namespace
}  // namespace layers
