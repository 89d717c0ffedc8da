// Gradients of the neural-network ops: finite differences through the shared checker, and exact checks where
// the op is not a smooth function of its input (dropout's random mask).
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/gradient_checker.h"

namespace graph {
namespace {

using testing_util::ExpectGradientsMatch;

Tensor Random(Shape shape, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// Values in [0.1, 2] with random signs: at least 0.1 away from the kink of relu-like functions at 0.
Tensor AwayFromZero(Shape shape, uint32_t seed) {
  Tensor t = Random(shape, seed, 0.1f, 2.0f);
  std::mt19937 rng(seed + 1000);
  for (float& v : t.flat<float>()) v = (rng() & 1) ? v : -v;
  return t;
}

TEST(NnGradTest, BiasAdd) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2, 3, 4});
  auto b = ops::Placeholder(s, DType::kFloat32, {4});
  ExpectGradientsMatch(s, ops::BiasAdd(s, x, b), {x, b}, {Random({2, 3, 4}, 1), Random({4}, 2)});
}

TEST(NnGradTest, EveryActivation) {
  using K = ops::ActivationKind;
  struct Case {
    K kind;
    float alpha;
  };
  for (const Case& c : {Case{K::kRelu, 0}, Case{K::kLeakyRelu, 0.3f}, Case{K::kLeakyRelu, -0.2f},
                        Case{K::kElu, 1.0f}, Case{K::kElu, 0.7f}, Case{K::kGelu, 0}, Case{K::kGeluTanh, 0},
                        Case{K::kSigmoid, 0}, Case{K::kTanh, 0}, Case{K::kSoftplus, 0}}) {
    SCOPED_TRACE(ops::ActivationName(c.kind));
    Scope s = Scope::NewRootScope();
    auto x = ops::Placeholder(s, DType::kFloat32, {2, 4});
    ExpectGradientsMatch(s, ops::Activation(s, x, c.kind, c.alpha), {x}, {AwayFromZero({2, 4}, 3)});
  }
}

TEST(NnGradTest, ActivationBackwardReadsTheOutputWhereItCan) {
  using K = ops::ActivationKind;
  for (K kind : {K::kRelu, K::kLeakyRelu, K::kElu, K::kSigmoid, K::kTanh, K::kGelu, K::kSoftplus}) {
    Scope s = Scope::NewRootScope();
    auto x = ops::Placeholder(s, DType::kFloat32, {4});
    auto y = ops::Activation(s, x, kind, kind == K::kElu ? 1.0f : 0.1f);
    std::vector<Output> g = Gradients(s, {y}, {x});
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(g[0].node->kind(), OpKind::kActivationGrad);
    const bool reads_y = kind != K::kGelu && kind != K::kSoftplus;
    EXPECT_EQ(g[0].node->input(1), reads_y ? y : x) << ops::ActivationName(kind);
  }
}

TEST(NnGradTest, SoftmaxAndLogSoftmax) {
  for (bool log : {false, true}) {
    Scope s = Scope::NewRootScope();
    auto x = ops::Placeholder(s, DType::kFloat32, {2, 2, 4});
    auto y = log ? ops::LogSoftmax(s, x) : ops::Softmax(s, x);
    ExpectGradientsMatch(s, y, {x}, {Random({2, 2, 4}, log ? 4 : 5, -3, 3)});
  }
}

TEST(NnGradTest, BatchNormTrainingToXGammaAndBeta) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2, 2, 2, 3});
  auto gamma = ops::Placeholder(s, DType::kFloat32, {3});
  auto beta = ops::Placeholder(s, DType::kFloat32, {3});
  auto stats = ops::Const(s, Tensor::Of<float>({5, 5, 5}, {3}));  // ignored in training
  auto bn = ops::BatchNorm(s, x, gamma, beta, stats, stats, /*training=*/true, 1e-3f);
  ExpectGradientsMatch(s, bn.y, {x, gamma, beta},
                       {Random({2, 2, 2, 3}, 6), Random({3}, 7, 0.5f, 1.5f), Random({3}, 8)},
                       {.delta = 1e-3, .atol = 3e-3, .rtol = 3e-3});
}

TEST(NnGradTest, BatchNormTrainingThroughTheBatchStatistics) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {4, 3});
  auto gamma = ops::Placeholder(s, DType::kFloat32, {3});
  auto beta = ops::Placeholder(s, DType::kFloat32, {3});
  auto stats = ops::Const(s, Tensor(DType::kFloat32, {3}));
  auto bn = ops::BatchNorm(s, x, gamma, beta, stats, stats, true, 1e-3f);
  // y + 2 mean + 0.5 variance, broadcast over the rows.
  auto z =
      ops::Add(s, bn.y, ops::Add(s, ops::Mul(s, bn.batch_mean, 2.0f), ops::Mul(s, bn.batch_variance, 0.5f)));
  ExpectGradientsMatch(s, z, {x, gamma, beta},
                       {Random({4, 3}, 9), Random({3}, 10, 0.5f, 1.5f), Random({3}, 11)},
                       {.delta = 1e-3, .atol = 3e-3, .rtol = 3e-3});
}

TEST(NnGradTest, BatchNormInferenceToEveryInput) {
  Scope s = Scope::NewRootScope();
  std::vector<Output> in = {ops::Placeholder(s, DType::kFloat32, {4, 3})};
  for (int i = 0; i < 4; ++i) in.push_back(ops::Placeholder(s, DType::kFloat32, {3}));
  auto bn = ops::BatchNorm(s, in[0], in[1], in[2], in[3], in[4], /*training=*/false, 0.01f);
  auto z = ops::Add(s, bn.y, ops::Mul(s, ops::Add(s, bn.batch_mean, bn.batch_variance), 0.5f));
  ExpectGradientsMatch(
      s, z, in,
      {Random({4, 3}, 12), Random({3}, 13), Random({3}, 14), Random({3}, 15), Random({3}, 16, 0.5f, 2.0f)});
}

TEST(NnGradTest, BatchNormTrainingGivesNoGradientToTheIgnoredStatistics) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {4, 2});
  auto c = ops::Placeholder(s, DType::kFloat32, {2});
  auto moving = ops::Placeholder(s, DType::kFloat32, {2});
  auto bn = ops::BatchNorm(s, x, c, c, moving, moving, true);
  std::vector<Output> g = Gradients(s, {bn.y}, {moving, x});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(g[0].valid());
  EXPECT_TRUE(g[1].valid());
}

TEST(NnGradTest, DropoutMultipliesByTheMaskOfTheSameRun) {
  Scope s = Scope::NewRootScope(17);
  auto x = ops::Placeholder(s, DType::kFloat32, {6, 7});
  auto y = ops::Dropout(s, x, 0.4f, 3);
  Tensor w = Random({6, 7}, 18);
  std::vector<Output> g = Gradients(s, {y}, {x}, {ops::Const(s, w)});
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  for (int run = 0; run < 2; ++run) {
    std::vector<Tensor> out;
    ASSERT_TRUE(sess.Run({{x, Random({6, 7}, 19)}}, {g[0], Output(y.node, 1)}, &out).ok());
    int zeros = 0;
    for (int i = 0; i < 42; ++i) {
      const float mask = out[1].data<float>()[i];
      EXPECT_TRUE(mask == 0.0f || mask == static_cast<float>(1.0 / 0.6)) << mask;
      EXPECT_EQ(out[0].data<float>()[i], w.data<float>()[i] * mask) << i;
      zeros += mask == 0.0f;
    }
    EXPECT_GT(zeros, 0);
    EXPECT_LT(zeros, 42);
  }
}

}  // namespace
}  // namespace graph
