#include "graph/ops/elementwise_ops.h"

#include <cmath>

#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing_util::RunFetches;

TEST(ElementwiseTest, ArithmeticSameShape) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  auto b = ops::Const(s, Tensor::Of<float>({2, 4, 8, -16}, {2, 2}));
  auto out = RunFetches(s, {ops::Add(s, a, b), ops::Sub(s, a, b), ops::Mul(s, a, b), ops::Div(s, a, b),
                            ops::Maximum(s, a, b), ops::Minimum(s, a, b), ops::Pow(s, a, 2.0f)});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(3, 6, 11, -12));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(-1, -2, -5, 20));
  EXPECT_THAT(out[2].ToVector<float>(), ElementsAre(2, 8, 24, -64));
  EXPECT_THAT(out[3].ToVector<float>(), ElementsAre(0.5, 0.5, 0.375, -0.25));
  EXPECT_THAT(out[4].ToVector<float>(), ElementsAre(2, 4, 8, 4));
  EXPECT_THAT(out[5].ToVector<float>(), ElementsAre(1, 2, 3, -16));
  EXPECT_THAT(out[6].ToVector<float>(), ElementsAre(1, 4, 9, 16));
}

TEST(ElementwiseTest, BroadcastingRowColumnAndScalar) {
  Scope s = Scope::NewRootScope();
  auto col = ops::Const(s, Tensor::Of<int32_t>({10, 20}, {2, 1}));
  auto row = ops::Const(s, Tensor::Of<int32_t>({1, 2, 3}, {3}));
  auto out = RunFetches(s, {ops::Add(s, col, row), ops::Mul(s, row, 2), ops::Sub(s, 100, row)});
  EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
  EXPECT_THAT(out[0].ToVector<int32_t>(), ElementsAre(11, 12, 13, 21, 22, 23));
  EXPECT_THAT(out[1].ToVector<int32_t>(), ElementsAre(2, 4, 6));
  EXPECT_THAT(out[2].ToVector<int32_t>(), ElementsAre(99, 98, 97));
}

TEST(ElementwiseTest, BroadcastingMiddleDimension) {
  // [2,1,3] + [4,1] -> [2,4,3]; out[i][j][k] = a[i][0][k] + b[j][0]
  Scope s = Scope::NewRootScope();
  std::vector<float> av(6), bv(4);
  for (int i = 0; i < 6; ++i) av[i] = static_cast<float>(i);
  for (int j = 0; j < 4; ++j) bv[j] = 100.0f * static_cast<float>(j);
  auto a = ops::Const(s, *Tensor::FromVector<float>(av, {2, 1, 3}));
  auto b = ops::Const(s, *Tensor::FromVector<float>(bv, {4, 1}));
  auto out = RunFetches(s, {ops::Add(s, a, b)});
  ASSERT_EQ(out[0].shape(), (Shape{2, 4, 3}));
  const float* o = out[0].data<float>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k) EXPECT_EQ(o[(i * 4 + j) * 3 + k], av[i * 3 + k] + bv[j]) << i << j << k;
}

TEST(ElementwiseTest, UnaryOps) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<float>({1, 4, 0.25f}, {3}));
  auto n = ops::Const(s, Tensor::Of<int64_t>({-3, 0, 5}, {3}));
  auto out = RunFetches(s, {ops::Neg(s, x), ops::Abs(s, n), ops::Exp(s, x), ops::Log(s, x), ops::Sqrt(s, x),
                            ops::Rsqrt(s, x), ops::Square(s, n)});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(-1, -4, -0.25));
  EXPECT_THAT(out[1].ToVector<int64_t>(), ElementsAre(3, 0, 5));
  EXPECT_FLOAT_EQ(out[2].data<float>()[1], std::exp(4.0f));
  EXPECT_FLOAT_EQ(out[3].data<float>()[2], std::log(0.25f));
  EXPECT_THAT(out[4].ToVector<float>(), ElementsAre(1, 2, 0.5));
  EXPECT_THAT(out[5].ToVector<float>(), ElementsAre(1, 0.5, 2));
  EXPECT_THAT(out[6].ToVector<int64_t>(), ElementsAre(9, 0, 25));
}

TEST(ElementwiseTest, ComparisonsLogicSelectCast) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<float>({1, 2, 3}, {3}));
  auto lt = ops::Less(s, a, 2.0f);
  auto ge = ops::GreaterEqual(s, a, 2.0f);
  auto out =
      RunFetches(s, {lt, ops::LessEqual(s, a, 2.0f), ops::Greater(s, a, 2.0f), ge, ops::Equal(s, a, 2.0f),
                     ops::NotEqual(s, a, 2.0f), ops::LogicalAnd(s, lt, ge), ops::LogicalOr(s, lt, ge),
                     ops::LogicalNot(s, lt), ops::Select(s, lt, a, ops::Neg(s, a)),
                     ops::Cast(s, a, DType::kInt32), ops::Cast(s, lt, DType::kFloat32)});
  EXPECT_THAT(out[0].ToVector<bool>(), ElementsAre(true, false, false));
  EXPECT_THAT(out[1].ToVector<bool>(), ElementsAre(true, true, false));
  EXPECT_THAT(out[2].ToVector<bool>(), ElementsAre(false, false, true));
  EXPECT_THAT(out[3].ToVector<bool>(), ElementsAre(false, true, true));
  EXPECT_THAT(out[4].ToVector<bool>(), ElementsAre(false, true, false));
  EXPECT_THAT(out[5].ToVector<bool>(), ElementsAre(true, false, true));
  EXPECT_THAT(out[6].ToVector<bool>(), ElementsAre(false, false, false));
  EXPECT_THAT(out[7].ToVector<bool>(), ElementsAre(true, true, true));
  EXPECT_THAT(out[8].ToVector<bool>(), ElementsAre(false, true, true));
  EXPECT_THAT(out[9].ToVector<float>(), ElementsAre(1, -2, -3));
  EXPECT_THAT(out[10].ToVector<int32_t>(), ElementsAre(1, 2, 3));
  EXPECT_THAT(out[11].ToVector<float>(), ElementsAre(1, 0, 0));
}

TEST(ElementwiseTest, CastRoundTripsThroughBFloat16AndTruncates) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<float>({1.5f, -2.75f, 3.0f}, {3}));
  auto out = RunFetches(s, {ops::Cast(s, ops::Cast(s, a, DType::kBFloat16), DType::kFloat32),
                            ops::Cast(s, a, DType::kInt64), ops::Cast(s, a, DType::kBool)});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1.5f, -2.75f, 3.0f));
  EXPECT_THAT(out[1].ToVector<int64_t>(), ElementsAre(1, -2, 3));
  EXPECT_THAT(out[2].ToVector<bool>(), ElementsAre(true, true, true));
}

TEST(ElementwiseTest, IntegerDivisionTruncatesAndRejectsZero) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<int32_t>({7, -7}, {2}));
  auto out = RunFetches(s, {ops::Div(s, a, 2)});
  EXPECT_THAT(out[0].ToVector<int32_t>(), ElementsAre(3, -3));
  auto bad = ops::Div(s, a, ops::Const(s, Tensor::Of<int32_t>({1, 0}, {2})));
  Session sess(*s.graph());
  std::vector<Tensor> r;
  absl::Status st = sess.Run({bad}, &r);
  EXPECT_THAT(st.message(), HasSubstr("integer division by zero"));
  EXPECT_THAT(st.message(), HasSubstr("Div 'div_1'"));
}

TEST(ElementwiseTest, ShapeErrorNamesOpShapesAndCallerLine) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto b = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {4}));
  const int line = __LINE__ + 1;
  auto sum = ops::Add(s.NewSubScope("layer"), a, b);
  EXPECT_FALSE(sum.valid());
  ASSERT_FALSE(s.ok());
  const std::string msg(s.status().message());
  EXPECT_THAT(msg, HasSubstr("elementwise_ops_test.cc:" + std::to_string(line)));
  EXPECT_THAT(msg, HasSubstr("Add 'layer/add'"));
  EXPECT_THAT(msg, HasSubstr("[?,3]"));
  EXPECT_THAT(msg, HasSubstr("[4]"));
  // First error wins: later mistakes do not replace it, and builders add nothing.
  auto again = ops::Mul(s, a, ops::Const(s, Tensor::Of<int32_t>({1}, {1})));
  EXPECT_FALSE(again.valid());
  EXPECT_EQ(std::string(s.status().message()), msg);
}

TEST(ElementwiseTest, DTypeMismatchAndUnsupportedDType) {
  Scope s = Scope::NewRootScope();
  auto f = ops::Const(s, Tensor::Of<float>({1}, {1}));
  auto i = ops::Const(s, Tensor::Of<int32_t>({1}, {1}));
  ops::Add(s, f, i);
  EXPECT_THAT(s.status().message(), HasSubstr("operand dtypes differ: f32[1] and i32[1]"));
  Scope s2 = Scope::NewRootScope();
  ops::Exp(s2, ops::Const(s2, Tensor::Of<int32_t>({1}, {1})));
  EXPECT_THAT(s2.status().message(), HasSubstr("Exp 'exp': dtype i32 is not supported"));
}

}  // namespace
}  // namespace graph
