#include "layers/losses.h"

#include <cmath>

#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/gradient_checker.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Tensor;
using ::testing::HasSubstr;

float Eval(const Scope& s, Output y) {
  EXPECT_TRUE(s.ok()) << s.status();
  graph::Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({y}, &out);
  EXPECT_TRUE(st.ok()) << st;
  return out[0].data<float>()[0];
}

// -log softmax(x)[k] computed in double.
double Xent(std::vector<double> x, int k) {
  double m = x[0];
  for (double v : x) m = std::max(m, v);
  double s = 0;
  for (double v : x) s += std::exp(v - m);
  return std::log(s) + m - x[static_cast<size_t>(k)];
}

TEST(LossesTest, SparseSoftmaxCrossEntropyMeanSumNoneAndWeights) {
  Scope s = Scope::NewRootScope();
  auto logits = ops::Const(s, Tensor::Of<float>({1, 2, 3, 1, 1, 1}, {2, 3}));
  auto labels = ops::Const(s, Tensor::Of<int64_t>({2, 0}, {2}));
  const double l0 = Xent({1, 2, 3}, 2), l1 = Xent({1, 1, 1}, 0);
  EXPECT_NEAR(Eval(s, SparseSoftmaxCrossEntropy(s, labels, logits)), (l0 + l1) / 2, 1e-6);
  EXPECT_NEAR(Eval(s, SparseSoftmaxCrossEntropy(s, labels, logits, {.reduction = Reduction::kSum})), l0 + l1,
              1e-6);
  auto w = ops::Const(s, Tensor::Of<float>({2, 0.5f}, {2}));
  // Keras: weighted sum divided by the number of examples (not by the sum of weights).
  EXPECT_NEAR(Eval(s, SparseSoftmaxCrossEntropy(s, labels, logits, {.sample_weights = w})),
              (2 * l0 + 0.5 * l1) / 2, 1e-6);
  graph::Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(
      sess.Run({SparseSoftmaxCrossEntropy(s, labels, logits, {.reduction = Reduction::kNone})}, &out).ok());
  EXPECT_NEAR(out[0].data<float>()[0], l0, 1e-6);
  EXPECT_NEAR(out[0].data<float>()[1], l1, 1e-6);
}

TEST(LossesTest, SparseSoftmaxCrossEntropyIsStableForHugeLogits) {
  Scope s = Scope::NewRootScope();
  auto logits = ops::Const(s, Tensor::Of<float>({1e4f, -1e4f, 0, 2e4f}, {2, 2}));
  auto labels = ops::Const(s, Tensor::Of<int32_t>({1, 1}, {2}));
  const float loss = Eval(s, SparseSoftmaxCrossEntropy(s, labels, logits, {.reduction = Reduction::kSum}));
  EXPECT_NEAR(loss, 2e4f, 1.0f);  // row 0: 2e4 nats; row 1: ~0
  EXPECT_TRUE(std::isfinite(loss));
}

TEST(LossesTest, SparseSoftmaxCrossEntropyRejectsOutOfRangeLabels) {
  Scope s = Scope::NewRootScope();
  auto logits = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  auto labels = ops::Const(s, Tensor::Of<int32_t>({1, 2}, {2}));
  auto loss = SparseSoftmaxCrossEntropy(s, labels, logits);
  graph::Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({loss}, &out);
  EXPECT_THAT(std::string(st.message()), HasSubstr("label 2 in row 1 is outside [0, 2)"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("SparseSoftmaxCrossEntropy"));
}

TEST(LossesTest, SparseSoftmaxCrossEntropyGradientMatchesFiniteDifferences) {
  Scope s = Scope::NewRootScope();
  auto logits = ops::Placeholder(s, DType::kFloat32, {3, 4});
  auto labels = ops::Const(s, Tensor::Of<int32_t>({0, 3, 1}, {3}));
  auto loss = SparseSoftmaxCrossEntropy(s, labels, logits, {.reduction = Reduction::kNone});
  testing_util::ExpectGradientsMatch(
      s, loss, {logits},
      {Tensor::Of<float>({0.1f, -1, 2, 0.5f, 1, 1, -2, 0.3f, 0, 0.7f, 1.5f, -0.4f}, {3, 4})});
}

TEST(LossesTest, SoftmaxAndSigmoidCrossEntropy) {
  Scope s = Scope::NewRootScope();
  auto logits = ops::Const(s, Tensor::Of<float>({1, 2, 3, 0, 0, 0}, {2, 3}));
  auto probs = ops::Const(s, Tensor::Of<float>({0, 0.5f, 0.5f, 1, 0, 0}, {2, 3}));
  const double row0 = 0.5 * Xent({1, 2, 3}, 1) + 0.5 * Xent({1, 2, 3}, 2), row1 = Xent({0, 0, 0}, 0);
  EXPECT_NEAR(Eval(s, SoftmaxCrossEntropy(s, probs, logits)), (row0 + row1) / 2, 1e-5);
  auto z = ops::Const(s, Tensor::Of<float>({1, 0, 1, 0}, {2, 2}));
  auto x = ops::Const(s, Tensor::Of<float>({2, -1, -3, 50}, {2, 2}));
  auto bce = [](double x, double z) { return std::max(x, 0.0) - x * z + std::log1p(std::exp(-std::abs(x))); };
  const double expected = ((bce(2, 1) + bce(-1, 0)) / 2 + (bce(-3, 1) + bce(50, 0)) / 2) / 2;
  EXPECT_NEAR(Eval(s, SigmoidCrossEntropy(s, z, x)), expected, 1e-5);
}

TEST(LossesTest, RegressionLosses) {
  Scope s = Scope::NewRootScope();
  auto y = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  auto p = ops::Const(s, Tensor::Of<float>({1.5f, 2, 0, 4.25f}, {2, 2}));
  // per-example squared: (0.25 + 0)/2, (9 + 0.0625)/2
  EXPECT_NEAR(Eval(s, MeanSquaredError(s, y, p)), (0.125 + 4.53125) / 2, 1e-6);
  EXPECT_NEAR(Eval(s, MeanAbsoluteError(s, y, p)), ((0.5 + 0) / 2 + (3 + 0.25) / 2) / 2, 1e-6);
  // Huber, delta 1: 0.5*0.25, 0, (0.5 + 1*(3-1)), 0.5*0.0625
  EXPECT_NEAR(Eval(s, Huber(s, y, p)), ((0.125 + 0) / 2 + (2.5 + 0.03125) / 2) / 2, 1e-6);
  EXPECT_NEAR(Eval(s, MeanSquaredError(s, y, p, {.reduction = Reduction::kSum})), 0.125 + 4.53125, 1e-6);
}

TEST(LossesTest, MismatchedShapesAreBuildErrorsAtTheCallersLine) {
  Scope s = Scope::NewRootScope();
  auto y = ops::Const(s, Tensor::Of<float>({1, 2}, {2}));
  auto p = ops::Const(s, Tensor::Of<float>({1, 2, 3}, {3}));
  const int line = __LINE__ + 1;
  MeanSquaredError(s, y, p);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("losses_test.cc:" + std::to_string(line)));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("got f32[2] and f32[3]"));
}

}  // namespace
}  // namespace layers
