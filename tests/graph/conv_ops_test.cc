#include "graph/ops/conv_ops.h"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Tensor RandomTensor(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// TensorFlow's output size and leading padding for one spatial dim, written out independently of the library.
struct RefDim {
  int64_t out, pad;
};
RefDim RefOutput(int64_t in, int64_t k, int64_t stride, int64_t dilation, bool same) {
  const int64_t span = (k - 1) * dilation + 1;
  if (!same) return {(in - span + stride) / stride, 0};
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + span - in, 0);
  return {out, total / 2};
}

// Plain convolution: x NHWC, f HWIO with groups, zero padding, accumulated in double.
Tensor RefConv(const Tensor& x, const Tensor& f, const ops::Conv2DOptions& o) {
  const bool same = o.padding == ops::Padding::kSame;
  const int64_t n = x.dim(0), h = x.dim(1), w = x.dim(2), cin = x.dim(3);
  const int64_t kh = f.dim(0), kw = f.dim(1), cin_g = f.dim(2), cout = f.dim(3);
  const int64_t cout_g = cout / o.groups;
  const RefDim rh = RefOutput(h, kh, o.strides[0], o.dilations[0], same);
  const RefDim rw = RefOutput(w, kw, o.strides[1], o.dilations[1], same);
  Tensor y(DType::kFloat32, {n, rh.out, rw.out, cout});
  const float* px = x.data<float>();
  const float* pf = f.data<float>();
  float* py = y.data<float>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < rh.out; ++oy)
      for (int64_t ox = 0; ox < rw.out; ++ox)
        for (int64_t oc = 0; oc < cout; ++oc) {
          const int64_t g = oc / cout_g;
          double acc = 0;
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              const int64_t iy = oy * o.strides[0] + i * o.dilations[0] - rh.pad;
              const int64_t ix = ox * o.strides[1] + j * o.dilations[1] - rw.pad;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (int64_t ic = 0; ic < cin_g; ++ic) {
                acc += static_cast<double>(px[((b * h + iy) * w + ix) * cin + g * cin_g + ic]) *
                       pf[((i * kw + j) * cin_g + ic) * cout + oc];
              }
            }
          py[((b * rh.out + oy) * rw.out + ox) * cout + oc] = static_cast<float>(acc);
        }
  return y;
}

// Plain max or average pooling (average over the window's in-bounds elements only).
Tensor RefPool(const Tensor& x, const ops::Pool2DOptions& o, bool max) {
  const bool same = o.padding == ops::Padding::kSame;
  const int64_t n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
  const RefDim rh = RefOutput(h, o.window[0], o.strides[0], 1, same);
  const RefDim rw = RefOutput(w, o.window[1], o.strides[1], 1, same);
  Tensor y(DType::kFloat32, {n, rh.out, rw.out, c});
  const float* px = x.data<float>();
  float* py = y.data<float>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < rh.out; ++oy)
      for (int64_t ox = 0; ox < rw.out; ++ox)
        for (int64_t ch = 0; ch < c; ++ch) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0;
          int count = 0;
          for (int64_t i = 0; i < o.window[0]; ++i)
            for (int64_t j = 0; j < o.window[1]; ++j) {
              const int64_t iy = oy * o.strides[0] + i - rh.pad, ix = ox * o.strides[1] + j - rw.pad;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              const double v = px[((b * h + iy) * w + ix) * c + ch];
              best = std::max(best, v);
              sum += v;
              ++count;
            }
          py[((b * rh.out + oy) * rw.out + ox) * c + ch] = static_cast<float>(max ? best : sum / count);
        }
  return y;
}

void ExpectNear(const Tensor& got, const Tensor& want, float tol = 1e-4f) {
  ASSERT_EQ(got.shape(), want.shape());
  auto g = got.flat<float>();
  auto w = want.flat<float>();
  for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], w[i], tol) << "element " << i;
}

Tensor RunOne(const Scope& s, Output y) {
  EXPECT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({y}, &out);
  EXPECT_TRUE(st.ok()) << st;
  return st.ok() ? out[0] : Tensor();
}

Tensor Iota(Shape shape) {
  Tensor t(DType::kFloat32, shape);
  float v = 1;
  for (float& e : t.flat<float>()) e = v++;
  return t;
}

TEST(Conv2DTest, HandComputedValidSameAndEvenKernelPadding) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Iota({1, 3, 3, 1}));
  auto diag = ops::Const(s, Tensor::Of<float>({1, 0, 0, 1}, {2, 2, 1, 1}));
  EXPECT_THAT(RunOne(s, ops::Conv2D(s, x, diag)).ToVector<float>(), ElementsAre(6, 8, 12, 14));
  auto ones3 = ops::Const(s, Tensor::Of<float>({1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 1, 1}));
  EXPECT_THAT(RunOne(s, ops::Conv2D(s, x, ones3, {.padding = ops::Padding::kSame})).ToVector<float>(),
              ElementsAre(12, 21, 16, 27, 45, 33, 24, 39, 28));
  // A 2x2 window under SAME pads one pixel, at the end (bottom/right), as TensorFlow does.
  auto ones2 = ops::Const(s, Tensor::Of<float>({1, 1, 1, 1}, {2, 2, 1, 1}));
  EXPECT_THAT(RunOne(s, ops::Conv2D(s, x, ones2, {.padding = ops::Padding::kSame})).ToVector<float>(),
              ElementsAre(12, 16, 9, 24, 28, 15, 15, 17, 9));
}

TEST(Conv2DTest, MatchesReferenceAcrossConfigs) {
  struct Case {
    Shape x, f;
    ops::Conv2DOptions o;
    Shape want;
  };
  using ops::Padding;
  const std::vector<Case> cases = {
      {{2, 7, 7, 3}, {3, 3, 3, 4}, {.strides = {2, 2}}, {2, 3, 3, 4}},
      {{2, 7, 7, 3}, {3, 3, 3, 4}, {.strides = {2, 2}, .padding = Padding::kSame}, {2, 4, 4, 4}},
      {{1, 9, 8, 2}, {3, 3, 2, 5}, {.dilations = {2, 2}, .padding = Padding::kSame}, {1, 9, 8, 5}},
      {{1, 9, 8, 2}, {3, 2, 2, 5}, {.dilations = {2, 3}}, {1, 5, 5, 5}},
      {{2, 6, 5, 4}, {3, 3, 2, 6}, {.padding = Padding::kSame, .groups = 2}, {2, 6, 5, 6}},
      {{1, 5, 5, 4}, {3, 3, 1, 8}, {.strides = {2, 1}, .groups = 4}, {1, 2, 3, 8}},
      {{3, 5, 7, 3}, {2, 3, 3, 2}, {.strides = {2, 3}, .padding = Padding::kSame}, {3, 3, 3, 2}},
      {{2, 4, 4, 8}, {1, 1, 8, 3}, {}, {2, 4, 4, 3}},
      {{1, 6, 6, 2},
       {4, 4, 2, 3},
       {.strides = {2, 2}, .dilations = {2, 2}, .padding = Padding::kSame},
       {1, 3, 3, 3}},
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.x.ToString() + " * " + c.f.ToString());
    Scope s = Scope::NewRootScope();
    Tensor x = RandomTensor(c.x, seed++), f = RandomTensor(c.f, seed++);
    Tensor y = RunOne(s, ops::Conv2D(s, ops::Const(s, x), ops::Const(s, f), c.o));
    ASSERT_EQ(y.shape(), c.want);
    ExpectNear(y, RefConv(x, f, c.o));
  }
}

TEST(Pool2DTest, HandComputedMaxAndAverage) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Iota({1, 4, 4, 1}));
  EXPECT_THAT(RunOne(s, ops::MaxPool2D(s, x)).ToVector<float>(), ElementsAre(6, 8, 14, 16));
  EXPECT_THAT(RunOne(s, ops::AvgPool2D(s, x)).ToVector<float>(), ElementsAre(3.5, 5.5, 11.5, 13.5));
  // SAME on 3x3 pads one row and column at the end; the average counts only real elements.
  auto x3 = ops::Const(s, Iota({1, 3, 3, 1}));
  const ops::Pool2DOptions same = {.padding = ops::Padding::kSame};
  EXPECT_THAT(RunOne(s, ops::AvgPool2D(s, x3, same)).ToVector<float>(), ElementsAre(3, 4.5, 7.5, 9));
  EXPECT_THAT(RunOne(s, ops::MaxPool2D(s, ops::Neg(s, x3), same)).ToVector<float>(),
              ElementsAre(-1, -3, -7, -9));
}

TEST(Pool2DTest, MatchesReferenceAcrossConfigs) {
  using ops::Padding;
  struct Case {
    Shape x;
    ops::Pool2DOptions o;
  };
  const std::vector<Case> cases = {
      {{2, 6, 6, 3}, {}},
      {{2, 7, 5, 3}, {.window = {3, 3}, .strides = {2, 2}, .padding = Padding::kSame}},
      {{1, 7, 7, 2}, {.window = {3, 3}, .strides = {1, 1}}},
      {{3, 5, 9, 4}, {.window = {2, 3}, .strides = {1, 2}, .padding = Padding::kSame}},
      {{1, 4, 4, 1}, {.window = {4, 4}, .strides = {3, 3}, .padding = Padding::kSame}},
  };
  uint32_t seed = 100;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.x.ToString());
    Scope s = Scope::NewRootScope();
    Tensor x = RandomTensor(c.x, seed++);
    ExpectNear(RunOne(s, ops::MaxPool2D(s, ops::Const(s, x), c.o)), RefPool(x, c.o, true));
    ExpectNear(RunOne(s, ops::AvgPool2D(s, ops::Const(s, x), c.o)), RefPool(x, c.o, false));
  }
}

TEST(Conv2DTest, UnknownBatchIsFedAtRunTime) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 5, 5, 2});
  Tensor f = RandomTensor({3, 3, 2, 4}, 7);
  const ops::Conv2DOptions o = {.strides = {2, 2}, .padding = ops::Padding::kSame};
  auto y = ops::Conv2D(s, x, ops::Const(s, f), o);
  auto p = ops::MaxPool2D(s, y);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(y.shape(), Shape({Shape::kUnknownDim, 3, 3, 4}));
  EXPECT_EQ(p.shape(), Shape({Shape::kUnknownDim, 1, 1, 4}));
  EXPECT_EQ(p.node->output_type(1).dtype, DType::kBool);
  EXPECT_EQ(p.node->output_type(1).shape, Shape({Shape::kUnknownDim, 1, 1, 4}));
  Session sess(*s.graph());
  for (int64_t batch : {3, 1}) {
    Tensor xv = RandomTensor({batch, 5, 5, 2}, static_cast<uint32_t>(batch));
    std::vector<Tensor> out;
    ASSERT_TRUE(sess.Run({{x, xv}}, {y, p}, &out).ok());
    const Tensor want = RefConv(xv, f, o);
    ExpectNear(out[0], want);
    ExpectNear(out[1], RefPool(want, {}, true));
  }
  EXPECT_EQ(sess.num_cached_plans(), 2);
  // An empty batch gives empty outputs.
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, Tensor(DType::kFloat32, {0, 5, 5, 2})}}, {y, p}, &out).ok());
  EXPECT_EQ(out[0].shape(), Shape({0, 3, 3, 4}));
  EXPECT_EQ(out[1].shape(), Shape({0, 1, 1, 4}));
}

TEST(Conv2DTest, ShapeErrorsNameOpShapesAndCallerLine) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 5, 5, 3});
  auto f = ops::Placeholder(s, DType::kFloat32, {3, 3, 4, 8});
  const int line = __LINE__ + 1;
  auto y = ops::Conv2D(s.NewSubScope("layer"), x, f);
  EXPECT_FALSE(y.valid());
  const std::string msg(s.status().message());
  EXPECT_THAT(msg, HasSubstr("conv_ops_test.cc:" + std::to_string(line)));
  EXPECT_THAT(msg, HasSubstr("Conv2D 'layer/conv2d'"));
  EXPECT_THAT(msg, HasSubstr("x has 3 channels but the filter takes 4 per group x 1 groups"));
  EXPECT_THAT(msg, HasSubstr("f32[?,5,5,3]"));
  EXPECT_THAT(msg, HasSubstr("f32[3,3,4,8]"));
}

// Builds one op on a fresh scope and returns the scope's error message.
template <typename F>
std::string ErrorOf(F build) {
  Scope s = Scope::NewRootScope();
  build(s);
  EXPECT_FALSE(s.ok());
  return std::string(s.status().message());
}

TEST(Conv2DTest, RejectsBadGeometry) {
  auto conv = [](Shape xs, Shape fs, ops::Conv2DOptions o) {
    return ErrorOf([&](const Scope& s) {
      ops::Conv2D(s, ops::Placeholder(s, DType::kFloat32, xs), ops::Placeholder(s, DType::kFloat32, fs), o);
    });
  };
  EXPECT_THAT(conv({2, 3, 3, 1}, {5, 5, 1, 2}, {}),
              HasSubstr("the height window spans 5 (size 5, dilation 1) but the input has only 3"));
  EXPECT_THAT(conv({2, 5, 5, 1}, {3, 3, 1, 2}, {.dilations = {1, 3}}),
              HasSubstr("the width window spans 7 (size 3, dilation 3) but the input has only 5"));
  EXPECT_THAT(conv({2, 5, 5, 1}, {3, 3, 1, 2}, {.strides = {0, 1}}),
              HasSubstr("must be positive: window 3x3, strides 0x1"));
  EXPECT_THAT(conv({2, 5, 5, 4}, {3, 3, 2, 3}, {.groups = 2}),
              HasSubstr("the filter's 3 output channels do not divide into 2 groups"));
  EXPECT_THAT(conv({2, 5, 5, 2}, {3, 3, 2, 2}, {.groups = 0}), HasSubstr("groups must be positive"));
  EXPECT_THAT(conv({2, 5, 5}, {3, 3, 1, 2}, {}), HasSubstr("x must be rank 4 (x f32[2,5,5] [N,H,W,C]"));
  EXPECT_THAT(ErrorOf([](const Scope& s) {
                ops::Conv2D(s, ops::Placeholder(s, DType::kInt32, {1, 3, 3, 1}),
                            ops::Placeholder(s, DType::kFloat32, {1, 1, 1, 1}));
              }),
              HasSubstr("x has dtype i32; only f32 is supported"));
}

TEST(Pool2DTest, RejectsBadGeometry) {
  auto pool = [](Shape xs, ops::Pool2DOptions o) {
    return ErrorOf([&](const Scope& s) { ops::AvgPool2D(s, ops::Placeholder(s, DType::kFloat32, xs), o); });
  };
  EXPECT_THAT(pool({1, 1, 4, 1}, {}), HasSubstr("AvgPool2D 'avg_pool2d': the height window spans 2"));
  EXPECT_THAT(pool({1, 4, 4, 1}, {.window = {0, 2}}), HasSubstr("must be positive: window 0x2"));
  EXPECT_THAT(pool({4, 4, 1}, {}), HasSubstr("x must be rank 4"));
  EXPECT_THAT(ErrorOf([](const Scope& s) {
                ops::MaxPool2D(s, ops::Placeholder(s, DType::kFloat32, {1, 2, 4, 1}), {.window = {3, 3}});
              }),
              HasSubstr("MaxPool2D 'max_pool2d': the height window spans 3"));
}

TEST(Conv2DTest, ParsePadding) {
  EXPECT_EQ(*ops::ParsePadding("same"), ops::Padding::kSame);
  EXPECT_EQ(*ops::ParsePadding("VALID"), ops::Padding::kValid);
  EXPECT_THAT(ops::ParsePadding("full").status().message(), HasSubstr("unknown padding \"full\""));
}

}  // namespace
}  // namespace graph
