#include "graph/ops/control_flow_ops.h"

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Vars = std::vector<Output>;

TEST(WhileLoopTest, SeedCountersReachTwentyAndTwenty) {
  Scope s = Scope::NewRootScope();
  Output i = ops::Const(s, 0);
  Output j = ops::Const(s, 10);
  auto c = [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], v[1]); };
  auto b = [](const Scope& s, const Vars& v) { return Vars{ops::Add(s, v[0], 2), ops::Add(s, v[1], 1)}; };
  Vars r = ops::WhileLoop(s, c, b, {i, j});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run(r, &out).ok());
  EXPECT_EQ(out[0].data<int32_t>()[0], 20);
  EXPECT_EQ(out[1].data<int32_t>()[0], 20);
}

TEST(WhileLoopTest, CapturesOuterTensorsAndFeedsAndRunsZeroTimes) {
  // x <- x * w, counting iterations up to a fed limit; w and limit come from outside the loop.
  Scope s = Scope::NewRootScope();
  auto x0 = ops::Placeholder(s, DType::kFloat32, {2});
  auto w = ops::Const(s, Tensor::Of<float>({2, 3}, {2}));
  auto limit = ops::Placeholder(s, DType::kFloat32, {});
  Vars r = ops::WhileLoop(
      s, [&](const Scope& s, const Vars& v) { return ops::Less(s, v[1], limit); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Mul(s, v[0], w), ops::Add(s, v[1], 1.0f)};
      },
      {x0, ops::Const(s, 0.0f)});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(
      session.Run({{x0, Tensor::Of<float>({1, 1}, {2})}, {limit, Tensor::Scalar(3.0f)}}, r, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(8, 27));
  EXPECT_EQ(out[1].data<float>()[0], 3.0f);
  // Condition false from the start: the loop variables come out unchanged.
  ASSERT_TRUE(
      session.Run({{x0, Tensor::Of<float>({5, 7}, {2})}, {limit, Tensor::Scalar(0.0f)}}, r, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(5, 7));
  EXPECT_EQ(out[1].data<float>()[0], 0.0f);
}

TEST(WhileLoopTest, CaptureReadEarlyInTheBodyKeepsItsValueOnEveryIteration) {
  // x <- Identity(x * w + 1): the body's last read of w comes before later nodes that may reuse its bytes.
  // By hand: [1, 2] -> [1.5, -3] -> [1.75, 7] -> [1.875, -13].
  Scope s = Scope::NewRootScope();
  auto w = ops::Const(s, Tensor::Of<float>({0.5f, -2.0f}, {2}));
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[1], 3); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Identity(s, ops::Add(s, ops::Mul(s, v[0], w), 1.0f)), ops::Add(s, v[1], 1)};
      },
      {ops::Const(s, Tensor::Of<float>({1, 2}, {2})), ops::Const(s, 0)});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run(r, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1.875f, -13.0f));
  EXPECT_EQ(out[1].data<int32_t>()[0], 3);
}

TEST(WhileLoopTest, IdentityOfACaptureInTheBodyAddsItsValueEveryIteration) {
  // while v0 < 4: (v0 + 1, v1 + Identity(one)) from (0, 0) gives (4, 4).
  Scope s = Scope::NewRootScope();
  Output one = ops::Const(s, 1);
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 4); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Add(s, v[0], 1), ops::Add(s, v[1], ops::Identity(s, one))};
      },
      {ops::Const(s, 0), ops::Const(s, 0)});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run(r, &out).ok());
  EXPECT_EQ(out[0].data<int32_t>()[0], 4);
  EXPECT_EQ(out[1].data<int32_t>()[0], 4);
}

TEST(WhileLoopTest, ValueFromTwoLevelsOutIsCapturedOncePerLevel) {
  // An inner loop using the same outer constant twice captures it once in each enclosing body.
  Scope s = Scope::NewRootScope();
  Output w = ops::Const(s, 2);
  Graph* outer_body = nullptr;
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 3); },
      [&](const Scope& s, const Vars& v) {
        outer_body = s.graph();
        Vars inner = ops::WhileLoop(
            s, [](const Scope& s, const Vars& u) { return ops::Less(s, u[0], 2); },
            [&](const Scope& s, const Vars& u) {
              return Vars{ops::Add(s, u[0], 1), ops::Add(s, ops::Add(s, u[1], w), w)};
            },
            {ops::Const(s, 0), v[1]});
        return Vars{ops::Add(s, v[0], 1), inner[1]};
      },
      {ops::Const(s, 0), ops::Const(s, 0)});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_NE(outer_body, nullptr);
  EXPECT_EQ(outer_body->captures().size(), 1u);
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run(r, &out).ok());
  EXPECT_EQ(out[1].data<int32_t>()[0], 3 * 2 * 4);  // 3 outer × 2 inner iterations × (w + w)
}

TEST(WhileLoopTest, NestedLoopsComputeTriangularSum) {
  // total = sum_{i<4} sum_{j<i} 1 = 0+1+2+3 = 6, with the inner bound captured from the outer loop.
  Scope s = Scope::NewRootScope();
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 4); },
      [](const Scope& s, const Vars& v) {
        Output i = v[0];
        Vars inner = ops::WhileLoop(
            s, [&](const Scope& s, const Vars& u) { return ops::Less(s, u[0], i); },
            [](const Scope& s, const Vars& u) {
              return Vars{ops::Add(s, u[0], 1), ops::Add(s, u[1], 1)};
            },
            {ops::Const(s, 0), v[1]}, {.name = "inner"});
        return Vars{ops::Add(s, i, 1), inner[1]};
      },
      {ops::Const(s, 0), ops::Const(s, 0)}, {.name = "outer"});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run(r, &out).ok());
  EXPECT_EQ(out[0].data<int32_t>()[0], 4);
  EXPECT_EQ(out[1].data<int32_t>()[0], 6);
}

TEST(WhileLoopTest, MaximumIterationsStopsTheLoop) {
  Scope s = Scope::NewRootScope();
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars&) { return ops::Const(s, true); },
      [](const Scope& s, const Vars& v) { return Vars{ops::Add(s, v[0], 5)}; }, {ops::Const(s, int64_t{1})},
      {.maximum_iterations = 7});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run(r, &out).ok());
  EXPECT_EQ(out[0].data<int64_t>()[0], 36);
}

TEST(WhileLoopTest, UnknownBatchLoopVariableTakesTheFedShape) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[1], 3); },
      [](const Scope& s, const Vars& v) {
        return Vars{ops::Add(s, v[0], v[0]), ops::Add(s, v[1], 1)};
      },
      {x, ops::Const(s, 0)});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(r[0].shape().ToString(), "[?,2]");
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run({{x, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {3, 2})}}, {r[0]}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(8, 16, 24, 32, 40, 48));
}

TEST(WhileLoopTest, BodyChangingShapeOrDTypeIsABuildError) {
  Scope s = Scope::NewRootScope();
  const int line = __LINE__ + 1;
  ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 3); },
      [](const Scope& s, const Vars& v) { return Vars{ops::Cast(s, v[0], DType::kInt64)}; },
      {ops::Const(s, 0)});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("control_flow_test.cc:" + std::to_string(line)));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("While 'while'"));
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("loop variable 0 is i32[] before the loop but i64[] after the body"));
}

TEST(WhileLoopTest, NonBoolConditionIsABuildError) {
  Scope s = Scope::NewRootScope();
  ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Add(s, v[0], 1); },
      [](const Scope&, const Vars& v) { return Vars{v[0]}; }, {ops::Const(s, 0)});
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("the condition must return a bool scalar, got i32[]"));
}

TEST(WhileLoopTest, ErrorInsideBodyNamesTheBodyOpAndLine) {
  Scope s = Scope::NewRootScope();
  int line = 0;
  ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 3); },
      [&](const Scope& s, const Vars& v) {
        line = __LINE__ + 1;
        return Vars{v[0], ops::Add(s, v[1], ops::Const(s, Tensor::Of<float>({1, 2}, {2})))};
      },
      {ops::Const(s, 0.0f), ops::Const(s, Tensor::Of<float>({1, 2, 3}, {3}))});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("control_flow_test.cc:" + std::to_string(line)));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("Add 'while/body/add'"));
}

TEST(CondTest, RunsOnlyTheSelectedBranch) {
  Scope s = Scope::NewRootScope();
  auto p = ops::Placeholder(s, DType::kBool, {});
  auto x = ops::Placeholder(s, DType::kInt32, {});
  Vars r = ops::Cond(
      s, p, [&](const Scope& s) { return Vars{ops::Mul(s, x, 10)}; },
      // The else branch divides by zero: running it would fail, so the then branch must run alone.
      [&](const Scope& s) { return Vars{ops::Div(s, x, ops::Sub(s, x, x))}; });
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run({{p, Tensor::Scalar(true)}, {x, Tensor::Scalar(int32_t{4})}}, r, &out).ok());
  EXPECT_EQ(out[0].data<int32_t>()[0], 40);
  absl::Status st = session.Run({{p, Tensor::Scalar(false)}, {x, Tensor::Scalar(int32_t{4})}}, r, &out);
  EXPECT_THAT(st.message(), HasSubstr("integer division by zero"));
}

TEST(CondTest, LoopInsideCondAndCondInsideLoop) {
  Scope s = Scope::NewRootScope();
  auto p = ops::Placeholder(s, DType::kBool, {});
  // then: count to 5 in a loop; else: constant -1.
  Vars r = ops::Cond(
      s, p,
      [](const Scope& s) {
        return ops::WhileLoop(
            s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 5); },
            [](const Scope& s, const Vars& v) { return Vars{ops::Add(s, v[0], 1)}; }, {ops::Const(s, 0)});
      },
      [](const Scope& s) { return Vars{ops::Const(s, -1)}; });
  // Collatz-like loop whose body branches: n even -> n/2, odd -> 3n+1, counting steps from 6 to 1 (8 steps).
  Vars collatz = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Greater(s, v[0], 1); },
      [](const Scope& s, const Vars& v) {
        Output n = v[0];
        Output even = ops::Equal(s, ops::Sub(s, n, ops::Mul(s, ops::Div(s, n, 2), 2)), 0);
        Vars next = ops::Cond(
            s, even, [&](const Scope& s) { return Vars{ops::Div(s, n, 2)}; },
            [&](const Scope& s) { return Vars{ops::Add(s, ops::Mul(s, n, 3), 1)}; });
        return Vars{next[0], ops::Add(s, v[1], 1)};
      },
      {ops::Const(s, 6), ops::Const(s, 0)});
  ASSERT_TRUE(s.ok()) << s.status();
  Session session(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(session.Run({{p, Tensor::Scalar(true)}}, {r[0], collatz[1]}, &out).ok());
  EXPECT_EQ(out[0].data<int32_t>()[0], 5);
  EXPECT_EQ(out[1].data<int32_t>()[0], 8);
  ASSERT_TRUE(session.Run({{p, Tensor::Scalar(false)}}, {r[0]}, &out).ok());
  EXPECT_EQ(out[0].data<int32_t>()[0], -1);
}

TEST(CondTest, BranchMismatchesAreBuildErrors) {
  Scope s = Scope::NewRootScope();
  auto p = ops::Const(s, true);
  ops::Cond(
      s, p, [](const Scope& s) { return Vars{ops::Const(s, 1)}; },
      [](const Scope& s) { return Vars{ops::Const(s, 1.0f)}; });
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("value 0 is i32[] in the then branch but f32[] in the else branch"));
  Scope s2 = Scope::NewRootScope();
  ops::Cond(
      s2, ops::Const(s2, true), [](const Scope& s) { return Vars{ops::Const(s, 1)}; },
      [](const Scope& s) {
        return Vars{ops::Const(s, 1), ops::Const(s, 2)};
      });
  EXPECT_THAT(s2.status().message(), HasSubstr("the then branch returns 1 values but the else branch 2"));
  Scope s3 = Scope::NewRootScope();
  ops::Cond(
      s3, ops::Const(s3, 1), [](const Scope& s) { return Vars{ops::Const(s, 1)}; },
      [](const Scope& s) { return Vars{ops::Const(s, 2)}; });
  EXPECT_THAT(s3.status().message(),
              HasSubstr("Cond 'cond': the predicate must be a bool scalar, got i32[]"));
}

}  // namespace
}  // namespace graph
