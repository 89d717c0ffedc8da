#include <random>

#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/ops/control_flow_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/gradient_checker.h"

namespace graph {
namespace {

using ::testing::HasSubstr;
using testing_util::ExpectGradientsMatch;

Tensor Random(Shape shape, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

using Binary = Output (*)(const Scope&, Input, Input, Loc);

void CheckBinary(Binary op, Shape sa, Shape sb, float lo = -2.0f, float hi = 2.0f) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, sa);
  auto b = ops::Placeholder(s, DType::kFloat32, sb);
  auto y = op(s, a, b, Loc::current());
  ExpectGradientsMatch(s, y, {a, b}, {Random(sa, 1, lo, hi), Random(sb, 2, lo, hi)});
}

TEST(ElementwiseGradTest, BinaryOpsWithBroadcasting) {
  for (Binary op :
       {Binary(ops::Add), Binary(ops::Sub), Binary(ops::Mul), Binary(ops::Maximum), Binary(ops::Minimum)}) {
    CheckBinary(op, {3, 4}, {3, 4});
    CheckBinary(op, {3, 4}, {4});
    CheckBinary(op, {3, 1}, {1, 4});
    CheckBinary(op, {2, 3, 4}, {});
  }
  CheckBinary(ops::Div, {3, 4}, {4}, 0.5f, 2.0f);
  CheckBinary(ops::Pow, {3, 4}, {3, 4}, 0.5f, 2.0f);
  CheckBinary(ops::Pow, {2, 3}, {}, 0.5f, 2.0f);
}

using Unary = Output (*)(const Scope&, Output, Loc);

TEST(ElementwiseGradTest, UnaryOps) {
  struct Case {
    Unary op;
    float lo, hi;
  };
  for (const Case& c : {Case{ops::Neg, -2, 2}, Case{ops::Abs, 0.1f, 2}, Case{ops::Abs, -2, -0.1f},
                        Case{ops::Exp, -2, 2}, Case{ops::Log, 0.5f, 3}, Case{ops::Sqrt, 0.5f, 3},
                        Case{ops::Rsqrt, 0.5f, 3}, Case{ops::Square, -2, 2}}) {
    Scope s = Scope::NewRootScope();
    auto x = ops::Placeholder(s, DType::kFloat32, {2, 5});
    ExpectGradientsMatch(s, c.op(s, x, Loc::current()), {x}, {Random({2, 5}, 3, c.lo, c.hi)});
  }
}

TEST(ElementwiseGradTest, SelectCastAndComposite) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, {4, 3});
  auto b = ops::Placeholder(s, DType::kFloat32, {3});
  auto mixed = ops::Select(s, ops::Greater(s, a, 0.0f), ops::Mul(s, a, b), ops::Exp(s, b));
  // bf16 rounding defeats finite differences: the f32 expression is checked numerically, casts exactly below.
  ExpectGradientsMatch(s, ops::Add(s, mixed, ops::Square(s, a)), {a, b}, {Random({4, 3}, 4), Random({3}, 5)});
  Scope s2 = Scope::NewRootScope();
  auto x = ops::Placeholder(s2, DType::kFloat32, {3});
  auto z =
      ops::Cast(s2, ops::Mul(s2, ops::Cast(s2, ops::Cast(s2, x, DType::kBFloat16), DType::kFloat32), 3.0f),
                DType::kFloat32);
  std::vector<Output> g = Gradients(s2, {z}, {x});
  Session sess(*s2.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({1, 2, 3}, {3})}}, {g[0]}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ::testing::ElementsAre(3, 3, 3));
}

TEST(MatMulGradTest, AllTransposesAndBatched) {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Scope s = Scope::NewRootScope();
      Shape sa = ta ? Shape{5, 3} : Shape{3, 5};
      Shape sb = tb ? Shape{4, 5} : Shape{5, 4};
      auto a = ops::Placeholder(s, DType::kFloat32, sa);
      auto b = ops::Placeholder(s, DType::kFloat32, sb);
      auto y = ops::MatMul(s, a, b, {.transpose_a = ta, .transpose_b = tb});
      ExpectGradientsMatch(s, y, {a, b}, {Random(sa, 6), Random(sb, 7)});
    }
  }
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, {2, 3, 4});
  auto b = ops::Placeholder(s, DType::kFloat32, {1, 4, 2});
  ExpectGradientsMatch(s, ops::MatMul(s, a, b), {a, b}, {Random({2, 3, 4}, 8), Random({1, 4, 2}, 9)});
}

TEST(GradientsTest, SharedSubexpressionsAccumulateAndUnconnectedIsInvalid) {
  // y = x*x + 3x  =>  dy/dx = 2x + 3; z does not depend on x.
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2});
  auto unused = ops::Placeholder(s, DType::kFloat32, {2});
  auto y = ops::Add(s, ops::Mul(s, x, x), ops::Mul(s, x, 3.0f));
  std::vector<Output> g = Gradients(s, {y}, {x, unused});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(g[1].valid());
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({1, -2}, {2})}}, {g[0]}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ::testing::ElementsAre(5, -1));
  EXPECT_EQ(g[0].node->name().rfind("gradients/", 0), 0u) << g[0].node->name();
}

TEST(GradientsTest, VariablesGetGradientsAndComparisonsBlockThem) {
  Scope s = Scope::NewRootScope();
  auto w = ops::Variable(s, "w", DType::kFloat32, {2});
  auto init = ops::Assign(s, w, ops::Const(s, Tensor::Of<float>({2, -3}, {2})));
  auto mask = ops::Cast(s, ops::Greater(s, w, 0.0f), DType::kFloat32);  // no gradient through the comparison
  auto y = ops::Mul(s, ops::Square(s, w), mask);
  std::vector<Output> g = Gradients(s, {y}, {w});
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({init}, &out).ok());
  ASSERT_TRUE(sess.Run({g[0]}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ::testing::ElementsAre(4, 0));
}

TEST(GradientsTest, ErrorsNameTheOpAndCaller) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kInt32, {2});
  const int line = __LINE__ + 1;
  Gradients(s, {ops::Add(s, x, 1)}, {x});
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("elementwise_grad_test.cc:" + std::to_string(line)));
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("has dtype i32; only f32 and bf16 values have gradients"));

  Scope s2 = Scope::NewRootScope();
  auto p = ops::Placeholder(s2, DType::kBool, {});
  auto v = ops::Placeholder(s2, DType::kFloat32, {});
  auto r = ops::Cond(
      s2, p, [&](const Scope& s) { return std::vector<Output>{ops::Mul(s, v, 2.0f)}; },
      [&](const Scope&) { return std::vector<Output>{v}; });
  Gradients(s2, {r[0]}, {v});
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("Cond 'cond'"));
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("has no gradient"));
}

}  // namespace
}  // namespace graph
