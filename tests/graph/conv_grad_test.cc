#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/ops/conv_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/gradient_checker.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using testing_util::ExpectGradientsMatch;

Tensor Random(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// Distinct values at least 0.05 apart in random order, so no pooling window has a tie that a
// finite-difference step could flip.
Tensor DistinctValues(Shape shape, uint32_t seed) {
  Tensor t(DType::kFloat32, shape);
  std::vector<int> order(static_cast<size_t>(t.num_elements()));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(seed));
  auto v = t.flat<float>();
  for (size_t i = 0; i < v.size(); ++i) v[i] = 0.05f * static_cast<float>(order[i]) - 1.0f;
  return t;
}

void CheckConv(Shape xs, Shape fs, const ops::Conv2DOptions& o) {
  SCOPED_TRACE(xs.ToString() + " * " + fs.ToString());
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, xs);
  auto f = ops::Placeholder(s, DType::kFloat32, fs);
  auto y = ops::Conv2D(s, x, f, o);
  ASSERT_TRUE(s.ok()) << s.status();
  ExpectGradientsMatch(s, y, {x, f}, {Random(xs, 1), Random(fs, 2)});
}

TEST(Conv2DGradTest, InputAndFilterMatchFiniteDifferences) {
  using ops::Padding;
  CheckConv({2, 5, 5, 2}, {3, 3, 2, 3}, {});
  CheckConv({1, 6, 5, 2}, {3, 2, 2, 3}, {.strides = {2, 2}, .padding = Padding::kSame});
  CheckConv({1, 7, 7, 1}, {3, 3, 1, 2}, {.dilations = {2, 2}, .padding = Padding::kSame});
  CheckConv({2, 4, 4, 4}, {2, 2, 2, 4}, {.padding = Padding::kSame, .groups = 2});
  CheckConv({1, 5, 6, 3}, {1, 1, 3, 2}, {.strides = {2, 3}});
  // 16 input channels: backward data in oneDNN's blocked layouts, with reorders.
  CheckConv({1, 3, 4, 16}, {2, 2, 16, 2}, {.padding = Padding::kSame});
}

TEST(Conv2DGradTest, BackpropOpsOnHandComputedCase) {
  // y = x ⋆ f with x 3x3 (1..9), f 2x2 VALID; dy = ones. dfilter[i,j] = sum of the 2x2 block of x at (i,j);
  // dx = how many windows cover each pixel, weighted by f.
  Scope s = Scope::NewRootScope();
  Tensor xv(DType::kFloat32, {1, 3, 3, 1});
  for (int i = 0; i < 9; ++i) xv.flat<float>()[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  auto x = ops::Const(s, xv);
  auto f = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2, 1, 1}));
  auto dy = ops::Const(s, Tensor::Of<float>({1, 1, 1, 1}, {1, 2, 2, 1}));
  auto dx = ops::Conv2DBackpropInput(s, x, f, dy);
  auto df = ops::Conv2DBackpropFilter(s, x, f, dy);
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({dx, df}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1, 3, 2, 4, 10, 6, 3, 7, 4));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(12, 16, 24, 28));
}

void CheckPool(bool max, Shape xs, const ops::Pool2DOptions& o) {
  SCOPED_TRACE(std::string(max ? "max " : "avg ") + xs.ToString());
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, xs);
  auto y = max ? ops::MaxPool2D(s, x, o) : ops::AvgPool2D(s, x, o);
  ASSERT_TRUE(s.ok()) << s.status();
  ExpectGradientsMatch(s, y, {x}, {DistinctValues(xs, 3)});
}

TEST(Pool2DGradTest, MaxPoolMatchesFiniteDifferences) {
  using ops::Padding;
  CheckPool(true, {2, 4, 4, 2}, {});
  CheckPool(true, {1, 5, 5, 2}, {.window = {3, 3}, .strides = {2, 2}, .padding = Padding::kSame});
  CheckPool(true, {1, 5, 4, 1}, {.window = {3, 2}, .strides = {1, 1}});  // overlapping windows
}

TEST(Pool2DGradTest, AvgPoolMatchesFiniteDifferences) {
  using ops::Padding;
  CheckPool(false, {2, 4, 4, 2}, {});
  CheckPool(false, {1, 5, 5, 2}, {.window = {3, 3}, .strides = {2, 2}, .padding = Padding::kSame});
  CheckPool(false, {1, 3, 5, 1}, {.window = {2, 2}, .strides = {1, 2}, .padding = Padding::kSame});
  CheckPool(false, {1, 5, 4, 1}, {.window = {3, 2}, .strides = {1, 1}});
}

TEST(Pool2DGradTest, MaxPoolGradientGoesToTheArgmax) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2, 4, 1});
  auto y = ops::MaxPool2D(s, x);
  auto dx = Gradients(s, {y}, {x});
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({1, 5, 2, 0, 3, 4, 8, 7}, {1, 2, 4, 1})}}, {dx[0]}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(0, 1, 0, 0, 0, 0, 1, 0));
}

TEST(Pool2DGradTest, LargeWindowUsesAWiderWorkspace) {
  // 256 window elements no longer fit a one-byte argmax: the workspace takes 4 bytes per output element.
  Scope s = Scope::NewRootScope();
  Tensor xv = DistinctValues({1, 16, 16, 1}, 5);
  auto x = ops::Placeholder(s, DType::kFloat32, {1, 16, 16, 1});
  auto y = ops::MaxPool2D(s, x, {.window = {16, 16}, .strides = {16, 16}});
  auto dx = Gradients(s, {y}, {x});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(y.node->output_type(1).shape, Shape({1, 1, 1, 4}));
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, xv}}, {y, dx[0]}, &out).ok());
  auto v = xv.flat<float>();
  const size_t argmax = static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
  EXPECT_EQ(out[0].ToVector<float>(), std::vector<float>{v[argmax]});
  std::vector<float> want(256, 0.0f);
  want[argmax] = 1;
  EXPECT_EQ(out[1].ToVector<float>(), want);
}

}  // namespace
}  // namespace graph
