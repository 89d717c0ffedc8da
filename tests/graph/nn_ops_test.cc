#include "graph/ops/nn_ops.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/generator_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/alloc_counter.h"
#include "tests/graph/graph_test_util.h"

namespace graph {
namespace {

using ::testing::HasSubstr;

Tensor RandomTensor(Shape shape, uint32_t seed, float lo = -3.0f, float hi = 3.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

using testing_util::RunFetches;

std::string BuildError(const Scope& s, const std::string& op, int line) {
  return testing_util::BuildError(s, "nn_ops_test.cc", op, line);
}

// ---- activations ----

double ReferenceActivation(ops::ActivationKind kind, double x, double alpha) {
  switch (kind) {
    case ops::ActivationKind::kRelu:
      return std::max(x, 0.0);
    case ops::ActivationKind::kLeakyRelu:
      return x > 0 ? x : alpha * x;
    case ops::ActivationKind::kElu:
      return x > 0 ? x : alpha * std::expm1(x);
    case ops::ActivationKind::kGelu:
      return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
    case ops::ActivationKind::kGeluTanh:
      return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
    case ops::ActivationKind::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case ops::ActivationKind::kTanh:
      return std::tanh(x);
    case ops::ActivationKind::kSoftplus:
      return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
  }
  return 0;
}

TEST(ActivationTest, EveryKindMatchesItsFormulaOnNegativeAndPositiveInputs) {
  std::vector<float> xs;
  for (int i = -40; i <= 40; ++i) xs.push_back(static_cast<float>(i) * 0.2f);  // -8 .. 8
  for (float v : {-20.0f, -1e-3f, 0.0f, 1e-3f, 15.0f}) xs.push_back(v);
  Tensor x = Tensor::Vector<float>(xs);
  struct Case {
    ops::ActivationKind kind;
    float alpha;
  };
  using K = ops::ActivationKind;
  for (const Case& c : {Case{K::kRelu, 0}, Case{K::kLeakyRelu, 0.3f}, Case{K::kLeakyRelu, -0.5f},
                        Case{K::kElu, 1.0f}, Case{K::kElu, 0.5f}, Case{K::kGelu, 0}, Case{K::kGeluTanh, 0},
                        Case{K::kSigmoid, 0}, Case{K::kTanh, 0}, Case{K::kSoftplus, 0}}) {
    Scope s = Scope::NewRootScope();
    auto y = ops::Activation(s, ops::Const(s, x), c.kind, c.alpha);
    auto out = RunFetches(s, {y});
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].shape(), x.shape());
    for (size_t i = 0; i < xs.size(); ++i) {
      const double want = ReferenceActivation(c.kind, xs[i], c.alpha);
      EXPECT_NEAR(out[0].data<float>()[i], want, 2e-6 + 2e-6 * std::abs(want))
          << ops::ActivationName(c.kind) << " alpha " << c.alpha << " at x = " << xs[i];
    }
  }
}

TEST(ActivationTest, WrappersUseTheirDefaultsAndKeepShapes) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2, 2});
  auto leaky = ops::LeakyRelu(s, x);
  auto elu = ops::Elu(s, x);
  auto gelu_tanh = ops::Gelu(s, x, /*approximate=*/true);
  EXPECT_EQ(leaky.shape().ToString(), "[?,2,2]");
  EXPECT_EQ(leaky.node->name(), "leaky_relu");
  Tensor xv = Tensor::Of<float>({-2, -1, 0.5f, 3, -0.25f, 1, -4, 2}, {2, 2, 2});
  auto out = RunFetches(s,
                        {ops::Relu(s, x), leaky, elu, gelu_tanh, ops::Sigmoid(s, x), ops::Tanh(s, x),
                         ops::Softplus(s, x), ops::Gelu(s, x)},
                        {{x, xv}});
  EXPECT_THAT(out[0].ToVector<float>(), ::testing::ElementsAre(0, 0, 0.5f, 3, 0, 1, 0, 2));
  EXPECT_THAT(out[1].ToVector<float>(), ::testing::ElementsAre(-0.4f, -0.2f, 0.5f, 3, -0.05f, 1, -0.8f, 2));
  using K = ops::ActivationKind;
  const K kinds[] = {K::kElu, K::kGeluTanh, K::kSigmoid, K::kTanh, K::kSoftplus, K::kGelu};
  for (int k = 0; k < 6; ++k) {
    for (int i = 0; i < 8; ++i) {
      const double want = ReferenceActivation(kinds[k], xv.data<float>()[i], 1.0);
      EXPECT_NEAR(out[static_cast<size_t>(k + 2)].data<float>()[i], want, 2e-6 + 2e-6 * std::abs(want));
    }
  }
}

TEST(ActivationTest, ParseAndNameRoundTripAndUnknownNamesAreErrors) {
  for (const char* name : {"relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "sigmoid", "tanh", "softplus"}) {
    auto k = ops::ParseActivation(name);
    ASSERT_TRUE(k.ok()) << name;
    EXPECT_STREQ(ops::ActivationName(*k), name);
  }
  auto bad = ops::ParseActivation("relu6");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("unknown activation \"relu6\""));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("gelu_tanh"));

  Scope s = Scope::NewRootScope();
  const int line = __LINE__ + 1;
  ops::Relu(s.NewSubScope("dense"), ops::Const(s, Tensor::Of<int32_t>({1, 2}, {2})));
  EXPECT_THAT(BuildError(s, "Activation 'dense/relu'", line),
              HasSubstr("x is i32[2]; only f32 is supported"));
}

// ---- softmax / log-softmax ----

// Stable reference over the last dim, in double.
std::vector<double> ReferenceSoftmax(const Tensor& x, bool log) {
  const int64_t c = x.dim(x.rank() - 1);
  std::vector<double> out(static_cast<size_t>(x.num_elements()));
  for (int64_t r = 0; r < x.num_elements() / c; ++r) {
    const float* row = x.data<float>() + r * c;
    const double m = *std::max_element(row, row + c);
    double sum = 0;
    for (int64_t i = 0; i < c; ++i) sum += std::exp(row[i] - m);
    for (int64_t i = 0; i < c; ++i) {
      out[static_cast<size_t>(r * c + i)] = log ? row[i] - m - std::log(sum) : std::exp(row[i] - m) / sum;
    }
  }
  return out;
}

TEST(SoftmaxTest, RowsSumToOneAndMatchAStableReference) {
  Tensor x = RandomTensor({2, 3, 7}, 11, -5, 5);
  x.data<float>()[0] = 1000.0f;  // a dominating logit must not overflow
  Scope s = Scope::NewRootScope();
  auto out = RunFetches(s, {ops::Softmax(s, ops::Const(s, x))});
  const std::vector<double> ref = ReferenceSoftmax(x, false);
  for (int r = 0; r < 6; ++r) {
    double sum = 0;
    for (int i = 0; i < 7; ++i) {
      const float v = out[0].data<float>()[r * 7 + i];
      sum += v;
      EXPECT_NEAR(v, ref[static_cast<size_t>(r * 7 + i)], 1e-6) << r << "," << i;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << r;
  }
  EXPECT_EQ(out[0].data<float>()[0], 1.0f);
}

TEST(SoftmaxTest, LogSoftmaxOfHugeLogitsStaysFinite) {
  Tensor x = Tensor::Of<float>({1e4f, 0, -1e4f, 3, 1, 2, -1e4f, -1e4f, -1e4f}, {3, 3});
  Scope s = Scope::NewRootScope();
  auto out = RunFetches(s, {ops::LogSoftmax(s, ops::Const(s, x)), ops::Softmax(s, ops::Const(s, x))});
  const std::vector<double> ref = ReferenceSoftmax(x, true);
  for (int i = 0; i < 9; ++i) {
    const float v = out[0].data<float>()[i];
    EXPECT_TRUE(std::isfinite(v)) << i;
    EXPECT_NEAR(v, ref[static_cast<size_t>(i)], 1e-5 + 1e-6 * std::abs(ref[static_cast<size_t>(i)])) << i;
    EXPECT_TRUE(std::isfinite(out[1].data<float>()[i])) << i;
  }
  EXPECT_EQ(out[0].data<float>()[1], -1e4f);
  EXPECT_NEAR(out[0].data<float>()[6], -std::log(3.0), 1e-5);
}

TEST(SoftmaxTest, ScalarLogitsAreAnError) {
  Scope s = Scope::NewRootScope();
  const int line = __LINE__ + 1;
  ops::Softmax(s, ops::Const(s, 1.0f));
  EXPECT_THAT(BuildError(s, "Softmax 'softmax'", line), HasSubstr("logits f32[] have no last dim"));
}

// ---- bias add ----

TEST(BiasAddTest, BroadcastsOverEveryDimButTheLast) {
  Tensor x = RandomTensor({2, 3, 2, 4}, 3);
  Tensor b = Tensor::Of<float>({0.5f, -1, 2, 10}, {4});
  Scope s = Scope::NewRootScope();
  auto xp = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3, 2, Shape::kUnknownDim});
  auto y = ops::BiasAdd(s, xp, ops::Const(s, b));
  EXPECT_EQ(y.shape().ToString(), "[?,3,2,4]");
  auto out = RunFetches(s, {y}, {{xp, x}});
  ASSERT_EQ(out[0].shape(), x.shape());
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    EXPECT_EQ(out[0].data<float>()[i], x.data<float>()[i] + b.data<float>()[i % 4]) << i;
  }
}

TEST(BiasAddTest, MismatchedBiasNamesBothShapesAndTheLine) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 4});
  const int line = __LINE__ + 1;
  ops::BiasAdd(s.NewSubScope("dense"), x, ops::Const(s, Tensor(DType::kFloat32, {5})));
  EXPECT_THAT(BuildError(s, "BiasAdd 'dense/bias_add'", line),
              HasSubstr("bias f32[5] does not match the last dim of x f32[?,4]"));
  Scope s2 = Scope::NewRootScope();
  ops::BiasAdd(s2, ops::Const(s2, Tensor(DType::kFloat32, {2, 4})),
               ops::Const(s2, Tensor(DType::kFloat32, {1, 4})));
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("bias f32[1,4] must be a vector [C]"));
}

// ---- dropout ----

TEST(DropoutTest, SameSeedsReproduceAcrossSessionsAndEachRunDrawsANewMask) {
  Scope s = Scope::NewRootScope(/*seed=*/42);
  auto x = ops::Const(s, RandomTensor({64}, 1, 1, 2));  // nonzero, so y shows the mask
  auto y = ops::Dropout(s, x, 0.5f, /*seed=*/7);
  auto other_seed = ops::Dropout(s, x, 0.5f, /*seed=*/8);
  Session a(*s.graph()), b(*s.graph());
  std::vector<Tensor> a1, a2, b1;
  ASSERT_TRUE(a.Run({y, other_seed}, &a1).ok());
  ASSERT_TRUE(a.Run({y, other_seed}, &a2).ok());
  ASSERT_TRUE(b.Run({y, other_seed}, &b1).ok());
  EXPECT_TRUE(TensorsEqual(a1[0], b1[0]));
  EXPECT_TRUE(TensorsEqual(a1[1], b1[1]));
  EXPECT_FALSE(TensorsEqual(a1[0], a2[0])) << "the second run must draw a new mask";
  EXPECT_FALSE(TensorsEqual(a1[0], a1[1])) << "another op seed must give another mask";
}

TEST(DropoutTest, KeepsWhereRandomUniformWithTheSameSeedsIsAtLeastTheRate) {
  Scope s = Scope::NewRootScope(/*seed=*/5);
  auto x = ops::Const(s, RandomTensor({3, 37}, 2));
  const float rate = 0.25f;
  auto y = ops::Dropout(s, x, rate, 99);
  auto u = ops::RandomUniform(s, {3, 37}, 99);
  Session sess(*s.graph());
  for (int run = 0; run < 2; ++run) {
    std::vector<Tensor> out;
    ASSERT_TRUE(sess.Run({y, Output(y.node, 1), u, x}, &out).ok());
    const float scale = static_cast<float>(1.0 / (1.0 - rate));
    for (int64_t i = 0; i < 111; ++i) {
      const bool keep = out[2].data<float>()[i] >= rate;
      EXPECT_EQ(out[1].data<float>()[i], keep ? scale : 0.0f) << "run " << run << " element " << i;
      EXPECT_EQ(out[0].data<float>()[i], keep ? out[3].data<float>()[i] * scale : 0.0f);
    }
  }
}

TEST(DropoutTest, KeepsAboutOneMinusRateAndScalesSurvivorsExactly) {
  const int64_t n = 100000;
  for (float rate : {0.1f, 0.5f, 0.8f}) {
    Scope s = Scope::NewRootScope(3);
    Tensor xv = RandomTensor({n}, 4, 0.5f, 1.5f);
    auto y = ops::Dropout(s, ops::Const(s, xv), rate, 1);
    auto out = RunFetches(s, {y});
    const float scale = static_cast<float>(1.0 / (1.0 - static_cast<double>(rate)));
    int64_t kept = 0;
    for (int64_t i = 0; i < n; ++i) {
      const float v = out[0].data<float>()[i];
      if (v != 0.0f) {
        ++kept;
        ASSERT_EQ(v, xv.data<float>()[i] * scale) << i;
      }
    }
    const double p = 1.0 - rate;
    const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
    EXPECT_NEAR(static_cast<double>(kept), n * p, 5 * sd) << "rate " << rate;
  }
}

TEST(DropoutTest, RateZeroIsIdentityAndInvalidRatesAreErrors) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2});
  EXPECT_EQ(ops::Dropout(s, x, 0.0f, 1), x);
  const int line = __LINE__ + 1;
  ops::Dropout(s, x, 1.0f, 1);
  EXPECT_THAT(BuildError(s, "Dropout 'dropout'", line), HasSubstr("rate 1 is outside [0, 1)"));
  Scope s2 = Scope::NewRootScope();
  ops::Dropout(s2, ops::Placeholder(s2, DType::kFloat32, {2}), -0.5f, 1);
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("rate -0.5 is outside [0, 1)"));
}

TEST(DropoutTest, CachedRunsOfPlainKernelsAllocateNothing) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {8, 16});
  auto y = ops::Dropout(s, ops::BiasAdd(s, x, ops::Const(s, Tensor(DType::kFloat32, {16}))), 0.5f, 1);
  Session sess(*s.graph());
  std::vector<Feed> feeds = {{x, RandomTensor({8, 16}, 1)}};
  std::vector<Output> fetches = {y};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());
  const int64_t n = testing_util::CountAllocations([&] {
    for (int i = 0; i < 5; ++i) (void)sess.Run(feeds, fetches, &out);
  });
  EXPECT_EQ(n, 0);
}

// ---- batch normalization ----

struct BatchNormReference {
  std::vector<double> y, mean, variance;
};

// Plain reference over the rows of x viewed as [M, C]: biased variance, y from the given or batch statistics.
BatchNormReference ReferenceBatchNorm(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                      const Tensor* mean, const Tensor* variance, double eps) {
  const int64_t c = gamma.num_elements(), m = x.num_elements() / c;
  const float* px = x.data<float>();
  BatchNormReference r{std::vector<double>(static_cast<size_t>(m * c)), std::vector<double>(c, 0.0),
                       std::vector<double>(c, 0.0)};
  for (int64_t j = 0; j < c; ++j) {
    if (mean != nullptr) {
      r.mean[j] = mean->data<float>()[j];
      r.variance[j] = variance->data<float>()[j];
      continue;
    }
    for (int64_t i = 0; i < m; ++i) r.mean[j] += px[i * c + j] / static_cast<double>(m);
    for (int64_t i = 0; i < m; ++i) {
      r.variance[j] += std::pow(px[i * c + j] - r.mean[j], 2) / static_cast<double>(m);
    }
  }
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < c; ++j) {
      r.y[static_cast<size_t>(i * c + j)] =
          gamma.data<float>()[j] * (px[i * c + j] - r.mean[j]) / std::sqrt(r.variance[j] + eps) +
          beta.data<float>()[j];
    }
  }
  return r;
}

void ExpectNear(const Tensor& got, const std::vector<double>& want, double tol, const char* what) {
  ASSERT_EQ(got.num_elements(), static_cast<int64_t>(want.size())) << what;
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got.data<float>()[i], want[i], tol) << what << " " << i;
}

TEST(BatchNormTest, TrainingUsesBatchStatisticsAndIgnoresTheGivenOnes) {
  Tensor x = RandomTensor({2, 3, 2, 3}, 21), gamma = RandomTensor({3}, 22), beta = RandomTensor({3}, 23);
  for (float& v : x.flat<float>()) v = v * 2 + 5;  // a mean far from 0
  Scope s = Scope::NewRootScope();
  auto xp = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3, 2, 3});
  auto bn = ops::BatchNorm(s, xp, ops::Const(s, gamma), ops::Const(s, beta),
                           ops::Const(s, Tensor::Of<float>({100, 100, 100}, {3})),
                           ops::Const(s, Tensor::Of<float>({-7, 0, 9}, {3})), /*training=*/true, 1e-3f);
  EXPECT_EQ(bn.y.shape().ToString(), "[?,3,2,3]");
  EXPECT_EQ(bn.batch_mean.shape().ToString(), "[3]");
  auto out = RunFetches(s, {bn.y, bn.batch_mean, bn.batch_variance}, {{xp, x}});
  const BatchNormReference ref = ReferenceBatchNorm(x, gamma, beta, nullptr, nullptr, 1e-3);
  ExpectNear(out[0], ref.y, 1e-5, "y");
  ExpectNear(out[1], ref.mean, 1e-5, "mean");
  ExpectNear(out[2], ref.variance, 1e-5, "variance");
}

TEST(BatchNormTest, InferenceUsesAndPassesOnTheGivenStatistics) {
  Tensor x = RandomTensor({5, 4}, 31), gamma = RandomTensor({4}, 32), beta = RandomTensor({4}, 33);
  Tensor mean = Tensor::Of<float>({0.5f, -1, 2, 0}, {4}), variance = Tensor::Of<float>({1, 4, 0.25f, 2}, {4});
  Scope s = Scope::NewRootScope();
  auto bn = ops::BatchNorm(s, ops::Const(s, x), ops::Const(s, gamma), ops::Const(s, beta),
                           ops::Const(s, mean), ops::Const(s, variance), /*training=*/false, 0.01f);
  auto out = RunFetches(s, {bn.y, bn.batch_mean, bn.batch_variance});
  ExpectNear(out[0], ReferenceBatchNorm(x, gamma, beta, &mean, &variance, 0.01).y, 1e-5, "y");
  EXPECT_TRUE(TensorsEqual(out[1], mean));
  EXPECT_TRUE(TensorsEqual(out[2], variance));
}

TEST(BatchNormTest, ShapeAndDTypeErrorsNameTheOperandsAndTheLine) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto c3 = ops::Const(s, Tensor(DType::kFloat32, {3}));
  const int line = __LINE__ + 1;
  ops::BatchNorm(s.NewSubScope("bn"), x, ops::Const(s, Tensor(DType::kFloat32, {4})), c3, c3, c3, true);
  EXPECT_THAT(BuildError(s, "BatchNorm 'bn/batch_norm'", line),
              HasSubstr("gamma f32[4] does not match the last dim of x f32[?,3]"));
  Scope s2 = Scope::NewRootScope();
  auto v = ops::Const(s2, Tensor(DType::kFloat32, {3}));
  ops::BatchNorm(s2, ops::Const(s2, Tensor(DType::kFloat32, {3})), v, v, v, v, true);
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("x f32[3] must have rank >= 2"));
  Scope s3 = Scope::NewRootScope();
  auto w = ops::Const(s3, Tensor(DType::kFloat32, {3}));
  ops::BatchNorm(s3, ops::Const(s3, Tensor(DType::kFloat32, {2, 3})), w, w,
                 ops::Const(s3, Tensor(DType::kInt32, {3})), w, false);
  EXPECT_THAT(std::string(s3.status().message()), HasSubstr("mean i32[3] must be an f32 vector [C]"));
}

}  // namespace
}  // namespace graph
