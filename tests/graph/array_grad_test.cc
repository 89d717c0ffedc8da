#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/ops/array_grad_ops.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/alloc_counter.h"
#include "tests/graph/gradient_checker.h"
#include "tests/graph/graph_test_util.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing_util::ExpectGradientsMatch;

Tensor Random(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

std::vector<float> Iota(int n, float start = 1) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + static_cast<float>(i);
  return v;
}

// ---- finite-difference checks of the gradients ----

TEST(ArrayGradTest, Reshape) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2, 6});
  ExpectGradientsMatch(s, ops::Reshape(s, x, {3, 4}), {x}, {Random({2, 6}, 1)});
}

TEST(ArrayGradTest, ReshapeWithUnknownBatchFedAtRunTime) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 6});
  auto y = ops::Reshape(s, ops::Square(s, x), {-1, 2, 3});
  EXPECT_EQ(y.shape(), (Shape{Shape::kUnknownDim, 2, 3}));
  ExpectGradientsMatch(s, y, {x}, {Random({3, 6}, 2)});
}

TEST(ArrayGradTest, Transpose3D) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {2, 3, 4});
  ExpectGradientsMatch(s, ops::Transpose(s, x, {2, 0, 1}), {x}, {Random({2, 3, 4}, 3)});
  ExpectGradientsMatch(s, ops::Transpose(s, x, {1, 2, 0}), {x}, {Random({2, 3, 4}, 4)});
}

TEST(ArrayGradTest, ConcatThreeValuesAlongFirstAndLastAxis) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, {1, 3});
  auto b = ops::Placeholder(s, DType::kFloat32, {2, 3});
  auto c = ops::Placeholder(s, DType::kFloat32, {3, 3});
  ExpectGradientsMatch(s, ops::Concat(s, {a, b, c}, 0), {a, b, c},
                       {Random({1, 3}, 5), Random({2, 3}, 6), Random({3, 3}, 7)});

  Scope s2 = Scope::NewRootScope();
  auto p = ops::Placeholder(s2, DType::kFloat32, {2, 2, 1});
  auto q = ops::Placeholder(s2, DType::kFloat32, {2, 2, 2});
  auto r = ops::Placeholder(s2, DType::kFloat32, {2, 2, 3});
  // q appears twice: its two gradient blocks accumulate.
  ExpectGradientsMatch(s2, ops::Concat(s2, {p, q, r, q}, -1), {p, q, r},
                       {Random({2, 2, 1}, 8), Random({2, 2, 2}, 9), Random({2, 2, 3}, 10)});
}

TEST(ArrayGradTest, ConcatWithUnknownLastSize) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, {2, 3});
  auto b = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  ExpectGradientsMatch(s, ops::Concat(s, {a, b}, 0), {a, b}, {Random({2, 3}, 11), Random({4, 3}, 12)});
}

TEST(ArrayGradTest, ConcatWithUnknownInnerSizeIsABuildError) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto b = ops::Placeholder(s, DType::kFloat32, {2, 3});
  const int line = __LINE__ + 1;
  auto y = ops::Concat(s, {a, b}, 0);
  Gradients(s, {y}, {a, b});
  ASSERT_FALSE(s.ok());
  const std::string msg(s.status().message());
  EXPECT_THAT(msg, HasSubstr("array_grad_test.cc:" + std::to_string(line) + ": Concat 'concat'"));
  EXPECT_THAT(msg,
              HasSubstr("values[0] has shape [?,3], whose size along the concatenation axis 0 is unknown"));
}

TEST(ArrayGradTest, Slice) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {3, 4});
  ExpectGradientsMatch(s, ops::Slice(s, x, {1, 1}, {2, -1}), {x}, {Random({3, 4}, 13)});
  auto z = ops::Placeholder(s, DType::kFloat32, {2, 3, 4});
  ExpectGradientsMatch(s, ops::Slice(s, z, {1, 0, 2}, {1, 3, 2}), {z}, {Random({2, 3, 4}, 14)});
}

TEST(ArrayGradTest, GatherRepeatedIndicesAccumulate) {
  Scope s = Scope::NewRootScope();
  auto params = ops::Placeholder(s, DType::kFloat32, {5, 3});
  auto indices = ops::Const(s, Tensor::Of<int32_t>({0, 2, 2, 4, 0, 2}, {2, 3}));
  auto y = ops::Gather(s, params, indices, 0);
  ExpectGradientsMatch(s, y, {params}, {Random({5, 3}, 15)});
  // With ones flowing back, each row's gradient counts how often it was gathered.
  std::vector<Output> g = Gradients(s, {y}, {params});
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{params, Random({5, 3}, 16)}}, {g[0]}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(2, 2, 2, 0, 0, 0, 3, 3, 3, 0, 0, 0, 1, 1, 1));
}

TEST(ArrayGradTest, GatherAlongInnerAxesWithI64Indices) {
  Scope s = Scope::NewRootScope();
  auto params = ops::Placeholder(s, DType::kFloat32, {2, 4, 3});
  auto indices = ops::Const(s, Tensor::Of<int64_t>({3, 1, 1, 1}, {2, 2}));
  ExpectGradientsMatch(s, ops::Gather(s, params, indices, 1), {params}, {Random({2, 4, 3}, 17)});
  auto last = ops::Const(s, Tensor::Of<int64_t>({2, 0, 2}, {3}));
  ExpectGradientsMatch(s, ops::Gather(s, params, last, -1), {params}, {Random({2, 4, 3}, 18)});
}

TEST(ArrayGradTest, GradientsOfTheAdjointOps) {
  Scope s = Scope::NewRootScope();
  auto dy = ops::Placeholder(s, DType::kFloat32, {2, 3});
  auto x = ops::Const(s, Tensor(DType::kFloat32, {4, 5}));
  ExpectGradientsMatch(s, ops::SliceGrad(s, dy, x, {1, 2}), {dy}, {Random({2, 3}, 19)});
  auto params = ops::Const(s, Tensor(DType::kFloat32, {3, 2}));
  auto indices = ops::Const(s, Tensor::Of<int32_t>({2, 0, 2, 1}, {4}));
  auto rows = ops::Placeholder(s, DType::kFloat32, {4, 2});
  ExpectGradientsMatch(s, ops::GatherGrad(s, rows, indices, params, 0), {rows}, {Random({4, 2}, 20)});
}

// ---- the adjoint kernels against hand-computed tensors ----

using testing_util::RunFetches;

TEST(SliceGradTest, PlacesDyAtBeginInZeros) {
  Scope s = Scope::NewRootScope();
  auto dy = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  auto x = ops::Const(s, Tensor(DType::kFloat32, {3, 4}));
  auto whole = ops::Const(s, *Tensor::FromVector<float>(Iota(6), {2, 3}));
  auto rows = ops::Const(s, Tensor::Of<int32_t>({7, 8, 9, 10, 11, 12}, {1, 2, 3}));
  auto out =
      RunFetches(s, {ops::SliceGrad(s, dy, x, {1, 1}), ops::SliceGrad(s, dy, x, {0, 2}),
                     ops::SliceGrad(s, whole, ops::Const(s, Tensor(DType::kFloat32, {2, 3})), {0, 0}),
                     ops::SliceGrad(s, rows, ops::Const(s, Tensor(DType::kInt32, {3, 2, 3})), {2, 0, 0})});
  EXPECT_EQ(out[0].shape(), (Shape{3, 4}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0));
  EXPECT_THAT(out[2].ToVector<float>(), ElementsAreArray(Iota(6)));
  EXPECT_EQ(out[3].dtype(), DType::kInt32);
  EXPECT_THAT(out[3].ToVector<int32_t>(),
              ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 8, 9, 10, 11, 12));
}

TEST(SliceGradTest, FollowsAnUnknownDimAndRejectsBlocksThatDoNotFit) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  auto dy = ops::Const(s, Tensor::Of<float>({5, 6}, {1, 2}));
  auto y = ops::SliceGrad(s, dy, x, {1, 0});
  EXPECT_EQ(y.shape(), (Shape{Shape::kUnknownDim, 2}));
  auto out = RunFetches(s, {y}, {{x, Tensor(DType::kFloat32, {3, 2})}});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(0, 0, 5, 6, 0, 0));
  Session sess(*s.graph());
  std::vector<Tensor> res;
  absl::Status st = sess.Run({{x, Tensor(DType::kFloat32, {1, 2})}}, {y}, &res);
  EXPECT_THAT(st.message(), HasSubstr("SliceGrad 'slice_grad'"));
  EXPECT_THAT(st.message(), HasSubstr("dy [1,2] placed at begin [1,0] does not fit in x [1,2] (dim 0)"));

  Scope s2 = Scope::NewRootScope();
  const int line = __LINE__ + 1;
  ops::SliceGrad(s2, ops::Const(s2, Tensor(DType::kFloat32, {2, 2})),
                 ops::Const(s2, Tensor(DType::kFloat32, {3})), {0});
  EXPECT_THAT(std::string(s2.status().message()),
              HasSubstr("array_grad_test.cc:" + std::to_string(line) + ": SliceGrad 'slice_grad'"));
  EXPECT_THAT(std::string(s2.status().message()),
              HasSubstr("dy [2,2], x [3] and begin [0] need the same rank"));
}

TEST(GatherGradTest, ScatterAddsRowsAlongAxisZero) {
  Scope s = Scope::NewRootScope();
  auto dy = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {3, 2}));
  auto indices = ops::Const(s, Tensor::Of<int32_t>({2, 0, 2}, {3}));
  auto params = ops::Const(s, Tensor(DType::kFloat32, {4, 2}));
  auto out = RunFetches(s, {ops::GatherGrad(s, dy, indices, params, 0)});
  EXPECT_EQ(out[0].shape(), (Shape{4, 2}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(3, 4, 0, 0, 1 + 5, 2 + 6, 0, 0));
}

TEST(GatherGradTest, ScatterAddsAlongAxisOneWithMatrixIndicesAndIntegers) {
  // params [2,3,2]; indices [2,2] = {{1,1},{0,2}} along axis 1, so dy is [2,2,2,2].
  Scope s = Scope::NewRootScope();
  auto dy = ops::Const(s, *Tensor::FromVector<float>(Iota(16), {2, 2, 2, 2}));
  auto indices = ops::Const(s, Tensor::Of<int64_t>({1, 1, 0, 2}, {2, 2}));
  auto params = ops::Const(s, Tensor(DType::kFloat32, {2, 3, 2}));
  auto dyi = ops::Cast(s, dy, DType::kInt32);
  auto out =
      RunFetches(s, {ops::GatherGrad(s, dy, indices, params, 1),
                     ops::GatherGrad(s, dyi, indices, ops::Const(s, Tensor(DType::kInt32, {2, 3, 2})), -2)});
  // Outer 0 takes dy rows (1,2),(3,4),(5,6),(7,8) to params rows 1,1,0,2; outer 1 the rows from 9 on.
  const std::vector<float> want = {5, 6, 1 + 3, 2 + 4, 7, 8, 13, 14, 9 + 11, 10 + 12, 15, 16};
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAreArray(want));
  EXPECT_THAT(out[1].ToVector<int32_t>(), ElementsAre(5, 6, 4, 6, 7, 8, 13, 14, 20, 22, 15, 16));
}

TEST(GatherGradTest, OutOfRangeIndexIsARunError) {
  Scope s = Scope::NewRootScope();
  auto indices = ops::Placeholder(s, DType::kInt32, {3});
  auto y = ops::GatherGrad(s, ops::Const(s, Tensor(DType::kFloat32, {3, 2})), indices,
                           ops::Const(s, Tensor(DType::kFloat32, {3, 2})), 0);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({{indices, Tensor::Of<int32_t>({0, 2, 3}, {3})}}, {y}, &out);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("GatherGrad 'gather_grad'"));
  EXPECT_THAT(st.message(),
              HasSubstr("indices[2] = 3 is out of range: params [3,2] has 3 entries along axis 0, "
                        "so indices must be in [0, 3)"));
  st = sess.Run({{indices, Tensor::Of<int32_t>({-1, 0, 0}, {3})}}, {y}, &out);
  EXPECT_THAT(st.message(), HasSubstr("indices[0] = -1 is out of range"));
  ASSERT_TRUE(sess.Run({{indices, Tensor::Of<int32_t>({1, 1, 1}, {3})}}, {y}, &out).ok());
}

TEST(GatherGradTest, BuildErrorsNameTheShapes) {
  Scope s = Scope::NewRootScope();
  const int line = __LINE__ + 1;
  ops::GatherGrad(s, ops::Const(s, Tensor(DType::kFloat32, {2, 3})),
                  ops::Const(s, Tensor(DType::kInt32, {4})), ops::Const(s, Tensor(DType::kFloat32, {5, 3})),
                  0);
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("array_grad_test.cc:" + std::to_string(line) + ": GatherGrad 'gather_grad'"));
  EXPECT_THAT(
      std::string(s.status().message()),
      HasSubstr("dy has shape [2,3] but gathering from params [5,3] with indices [4] along axis 0 gives "
                "[4,3]"));
  Scope s2 = Scope::NewRootScope();
  ops::GatherGrad(s2, ops::Const(s2, Tensor(DType::kFloat32, {2})),
                  ops::Const(s2, Tensor(DType::kFloat32, {2})), ops::Const(s2, Tensor(DType::kFloat32, {5})),
                  0);
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("indices must be i32 or i64, got f32"));
}

TEST(ArrayGradTest, AdjointKernelsAllocateNothingWhenRun) {
  Scope s = Scope::NewRootScope();
  auto dy = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 5});
  auto indices = ops::Placeholder(s, DType::kInt64, {Shape::kUnknownDim});
  auto params = ops::Const(s, Tensor(DType::kFloat32, {6, 3}));
  auto sliced = ops::SliceGrad(s, dy, x, {1, 2});
  auto scattered = ops::GatherGrad(s, dy, indices, params, 0);
  ASSERT_TRUE(s.ok()) << s.status();
  Tensor dy_value = *Tensor::FromVector<float>(Iota(12), {4, 3});
  std::vector<Feed> feeds = {{dy, dy_value},
                             {x, Tensor(DType::kFloat32, {6, 5})},
                             {indices, Tensor::Of<int64_t>({5, 0, 5, 1}, {4})}};
  std::vector<Output> fetches = {sliced, scattered};
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());  // compiles
  bool ok = true;
  const int64_t n = testing_util::CountAllocations([&] {
    for (int i = 0; i < 10; ++i) ok &= sess.Run(feeds, fetches, &out).ok();
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(n, 0) << "heap allocations in 10 cached runs";
  EXPECT_THAT(out[1].ToVector<float>(),
              ElementsAre(4, 5, 6, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 + 7, 2 + 8, 3 + 9));
  EXPECT_EQ(out[0].shape(), (Shape{6, 5}));
  EXPECT_EQ(out[0].data<float>()[0 * 5 + 2], 0);
  EXPECT_EQ(out[0].data<float>()[1 * 5 + 2], 1);
  EXPECT_EQ(out[0].data<float>()[4 * 5 + 4], 12);
}

}  // namespace
}  // namespace graph
