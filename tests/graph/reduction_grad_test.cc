#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/gradient_checker.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatEq;
using ::testing::Pointwise;
using testing_util::ExpectGradientsMatch;

using Reduction = Output (*)(const Scope&, Output, std::vector<int64_t>, bool, Loc);

Tensor Random(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// Distinct values 0.25 apart in a shuffled order, so a finite-difference step never changes which is largest.
Tensor Distinct(Shape shape, uint32_t seed) {
  Tensor t(DType::kFloat32, shape);
  std::vector<int> order(static_cast<size_t>(t.num_elements()));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(seed));
  for (size_t i = 0; i < order.size(); ++i) t.data<float>()[i] = 0.25f * static_cast<float>(order[i]) - 1.0f;
  return t;
}

struct AxesCase {
  std::vector<int64_t> axes;
  bool keep_dims;
};

const AxesCase kAxesCases[] = {{{}, false},   {{}, true},   {{0}, false},    {{0}, true},
                               {{-1}, false}, {{-1}, true}, {{0, 2}, false}, {{1}, true}};

void CheckReduction(Reduction op, Tensor (*values)(Shape, uint32_t)) {
  uint32_t seed = 1;
  for (const AxesCase& c : kAxesCases) {
    SCOPED_TRACE(::testing::Message() << "axes size " << c.axes.size() << " keep_dims " << c.keep_dims);
    Scope s = Scope::NewRootScope();
    auto x = ops::Placeholder(s, DType::kFloat32, {2, 3, 4});
    ExpectGradientsMatch(s, op(s, x, c.axes, c.keep_dims, Loc::current()), {x}, {values({2, 3, 4}, seed++)});
  }
}

TEST(ReductionGradTest, SumAndMean) {
  CheckReduction(ops::Sum, Random);
  CheckReduction(ops::Mean, Random);
}

TEST(ReductionGradTest, MaxAndMinWithoutTies) {
  CheckReduction(ops::Max, Distinct);
  CheckReduction(ops::Min, Distinct);
}

std::vector<float> GradientOf(const Scope& s, Output y, Output x, const Tensor& x_value, Output grad_y = {}) {
  std::vector<Output> g = grad_y.valid() ? Gradients(s, {y}, {x}, {grad_y}) : Gradients(s, {y}, {x});
  EXPECT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({{x, x_value}}, {g[0]}, &out);
  EXPECT_TRUE(st.ok()) << st;
  return st.ok() ? out[0].ToVector<float>() : std::vector<float>{};
}

TEST(ReductionGradTest, MaxSplitsTheGradientAmongTies) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {3});
  EXPECT_THAT(GradientOf(s, ops::Max(s, x), x, Tensor::Of<float>({1, 3, 3}, {3})),
              ElementsAre(0, 0.5f, 0.5f));

  // Per row along axis 1, with a gradient of 2 and 3 flowing into the two maxima.
  Scope s2 = Scope::NewRootScope();
  auto m = ops::Placeholder(s2, DType::kFloat32, {2, 3});
  auto y = ops::Max(s2, m, {1}, /*keep_dims=*/true);
  auto dy = ops::Const(s2, Tensor::Of<float>({2, 3}, {2, 1}));
  EXPECT_THAT(GradientOf(s2, y, m, Tensor::Of<float>({2, 1, 1, 5, 5, 5}, {2, 3}), dy),
              ElementsAre(2, 0, 0, 1, 1, 1));
}

TEST(ReductionGradTest, MinSplitsTheGradientAmongTies) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2, 2});
  // Column minima: column 0 has a tie (both 1), column 1 a single minimum (2).
  auto y = ops::Min(s, x, {0});
  auto dy = ops::Const(s, Tensor::Of<float>({4, 6}, {2}));
  EXPECT_THAT(GradientOf(s, y, x, Tensor::Of<float>({1, 2, 1, 7}, {2, 2}), dy), ElementsAre(2, 6, 2, 0));
}

TEST(ReductionGradTest, MeanOverAnUnknownBatchDividesByTheFedBatch) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  auto y = ops::Mean(s, x);
  for (int64_t batch : {2, 5}) {
    std::vector<float> got = GradientOf(s, y, x, Tensor(DType::kFloat32, {batch, 2}));
    std::vector<float> want(static_cast<size_t>(2 * batch), 1.0f / static_cast<float>(2 * batch));
    EXPECT_THAT(got, Pointwise(FloatEq(), want)) << "batch " << batch;
  }
  Scope s2 = Scope::NewRootScope();
  auto z = ops::Placeholder(s2, DType::kFloat32, {Shape::kUnknownDim, 3});
  ExpectGradientsMatch(s2, ops::Sum(s2, z, {0}), {z}, {Random({4, 3}, 40)});
}

TEST(ReductionGradTest, GradientOfTheBroadcastBack) {
  // BroadcastLike is what the Sum and Mean gradients are made of; its own gradient makes second order work.
  for (bool divide : {false, true}) {
    Scope s = Scope::NewRootScope();
    auto like = ops::Const(s, Tensor(DType::kFloat32, {2, 3, 4}));
    auto g = ops::Placeholder(s, DType::kFloat32, {2, 4});
    auto kept = ops::Placeholder(s, DType::kFloat32, {2, 1, 4});
    ExpectGradientsMatch(s, ops::BroadcastLike(s, g, like, {1}, divide), {g}, {Random({2, 4}, 41)});
    ExpectGradientsMatch(s, ops::BroadcastLike(s, kept, like, {-2}, divide), {kept}, {Random({2, 1, 4}, 42)});
  }
}

}  // namespace
}  // namespace graph
