#include "graph/ops/array_ops.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/op_registry.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/alloc_counter.h"
#include "tests/graph/graph_test_util.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

using testing_util::RunFetches;

std::string BuildError(const Scope& s, const std::string& op, int line) {
  return testing_util::BuildError(s, "array_ops_test.cc", op, line);
}

std::vector<float> Iota(int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return v;
}

TEST(ReshapeTest, KnownShapesAndInferredDim) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  auto a = ops::Reshape(s, x, {3, 2});
  auto b = ops::Reshape(s, x, {-1});
  auto c = ops::Reshape(s, x, {2, -1, 1});
  auto d = ops::Reshape(s, ops::Const(s, Tensor::Of<int32_t>({7}, {1, 1})), {});
  EXPECT_EQ(c.shape(), (Shape{2, 3, 1}));
  auto out = RunFetches(s, {a, b, c, d});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_EQ(out[1].shape(), (Shape{6}));
  EXPECT_EQ(out[2].shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(out[3].shape(), (Shape{}));
  EXPECT_EQ(out[3].ToVector<int32_t>()[0], 7);
  // A view of its input: no kernel, no copy.
  EXPECT_TRUE(GetOpSchema(OpKind::kReshape).output_aliases_input0);
  EXPECT_EQ(GetOpSchema(OpKind::kReshape).kernel, nullptr);
}

TEST(ReshapeTest, UnknownBatchResolvedWhenFed) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 4});
  auto r = ops::Reshape(s, x, {-1, 2, 2});
  EXPECT_EQ(r.shape(), (Shape{Shape::kUnknownDim, 2, 2}));
  auto doubled = ops::Reshape(s, x, {-1, 8});
  auto out = RunFetches(s, {r}, {{x, *Tensor::FromVector<float>(Iota(12), {3, 4})}});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2, 2}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAreArray(Iota(12)));
  out = RunFetches(s, {doubled}, {{x, *Tensor::FromVector<float>(Iota(16), {4, 4})}});
  EXPECT_EQ(out[0].shape(), (Shape{2, 8}));
}

TEST(ReshapeTest, ElementCountMismatchNamesBothShapes) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  const int line = __LINE__ + 1;
  auto r = ops::Reshape(s, x, {4});
  EXPECT_FALSE(r.valid());
  const std::string msg = BuildError(s, "Reshape 'reshape'", line);
  EXPECT_THAT(msg, HasSubstr("cannot reshape [2,3] (6 elements) to [4] (4 elements)"));

  Scope s2 = Scope::NewRootScope();
  auto y = ops::Const(s2, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  const int line2 = __LINE__ + 1;
  ops::Reshape(s2, y, {-1, 4});
  EXPECT_THAT(BuildError(s2, "Reshape 'reshape'", line2), HasSubstr("[2,3] (6 elements) to [-1,4]"));

  Scope s3 = Scope::NewRootScope();
  auto z = ops::Const(s3, Tensor::Of<float>({1, 2}, {2}));
  const int line3 = __LINE__ + 1;
  ops::Reshape(s3, z, {-1, -1});
  EXPECT_THAT(BuildError(s3, "Reshape 'reshape'", line3), HasSubstr("[-1,-1] has more than one -1"));
}

TEST(ReshapeTest, MismatchWithFedShapeFailsAtCompileTime) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  auto r = ops::Reshape(s, x, {6});
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({{x, Tensor(DType::kFloat32, {2, 2})}}, {r}, &out);
  EXPECT_THAT(st.message(), HasSubstr("Reshape 'reshape'"));
  EXPECT_THAT(st.message(), HasSubstr("cannot reshape [2,2] (4 elements) to [6] (6 elements)"));
  EXPECT_TRUE(sess.Run({{x, Tensor(DType::kFloat32, {3, 2})}}, {r}, &out).ok());
}

TEST(TransposeTest, TwoAndThreeDims) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3}));
  // y[i][j][k] = 100 i + 10 j + k with shape [2,3,2]
  std::vector<int64_t> yv;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) yv.push_back(100 * i + 10 * j + k);
  auto y = ops::Const(s, *Tensor::FromVector<int64_t>(yv, {2, 3, 2}));
  auto flags = ops::Const(s, Tensor::Of<bool>({true, false, false, true, true, false}, {3, 2}));
  auto out = RunFetches(
      s, {ops::Transpose(s, x, {1, 0}), ops::Transpose(s, y, {2, 0, 1}), ops::Transpose(s, y, {0, 2, 1}),
          ops::Transpose(s, flags, {1, 0}), ops::Transpose(s, y, {0, 1, 2})});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  EXPECT_THAT(out[0].ToVector<int32_t>(), ElementsAre(1, 4, 2, 5, 3, 6));
  EXPECT_EQ(out[1].shape(), (Shape{2, 2, 3}));
  EXPECT_THAT(out[1].ToVector<int64_t>(), ElementsAre(0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121));
  EXPECT_EQ(out[2].shape(), (Shape{2, 2, 3}));
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(0, 10, 20, 1, 11, 21, 100, 110, 120, 101, 111, 121));
  EXPECT_THAT(out[3].ToVector<bool>(), ElementsAre(true, false, true, false, true, false));
  EXPECT_EQ(out[4].ToVector<int64_t>(), yv);
}

TEST(TransposeTest, LargeMatrixMatchesReference) {
  const int m = 67, n = 45;
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, *Tensor::FromVector<float>(Iota(m * n), {m, n}));
  auto out = RunFetches(s, {ops::Transpose(s, x, {1, 0})});
  ASSERT_EQ(out[0].shape(), (Shape{n, m}));
  const float* t = out[0].data<float>();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) ASSERT_EQ(t[i * m + j], static_cast<float>(j * n + i)) << i << "," << j;
}

TEST(TransposeTest, UnknownBatchAndBadPerm) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 2});
  auto t = ops::Transpose(s, x, {1, 0});
  EXPECT_EQ(t.shape(), (Shape{2, Shape::kUnknownDim}));
  auto out = RunFetches(s, {t}, {{x, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {3, 2})}});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1, 3, 5, 2, 4, 6));
  const int line = __LINE__ + 1;
  ops::Transpose(s, x, {0, 0});
  EXPECT_THAT(BuildError(s, "Transpose 'transpose'", line),
              HasSubstr("perm [0,0] is not a permutation of 0..1 for input shape [?,2]"));
}

TEST(ConcatTest, AxesAndDTypes) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  auto b = ops::Const(s, Tensor::Of<float>({5, 6}, {1, 2}));
  auto c = ops::Const(s, Tensor::Of<float>({7, 8, 9, 10, 11, 12}, {2, 3}));
  auto i = ops::Const(s, Tensor::Of<int64_t>({1, 2}, {2}));
  auto j = ops::Const(s, Tensor::Of<int64_t>({3}, {1}));
  auto out =
      RunFetches(s, {ops::Concat(s, {a, b}, 0), ops::Concat(s, {a, c}, 1), ops::Concat(s, {a, c, a}, -1),
                     ops::Concat(s, {i, j, i}, 0), ops::Concat(s, {a}, 0)});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_EQ(out[1].shape(), (Shape{2, 5}));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(1, 2, 7, 8, 9, 3, 4, 10, 11, 12));
  EXPECT_EQ(out[2].shape(), (Shape{2, 7}));
  EXPECT_THAT(out[2].ToVector<float>(), ElementsAre(1, 2, 7, 8, 9, 1, 2, 3, 4, 10, 11, 12, 3, 4));
  EXPECT_THAT(out[3].ToVector<int64_t>(), ElementsAre(1, 2, 3, 1, 2));
  EXPECT_THAT(out[4].ToVector<float>(), ElementsAre(1, 2, 3, 4));
}

TEST(ConcatTest, UnknownBatch) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kBool, {Shape::kUnknownDim, 1});
  auto y = ops::Const(s, Tensor::Of<bool>({true, false}, {2, 1}));
  auto rows = ops::Concat(s, {x, y}, 0);
  auto cols = ops::Concat(s, {y, x}, 1);
  EXPECT_EQ(rows.shape(), (Shape{Shape::kUnknownDim, 1}));
  EXPECT_EQ(cols.shape(), (Shape{2, 2}));
  auto out = RunFetches(s, {rows, cols}, {{x, Tensor::Of<bool>({false, true}, {2, 1})}});
  EXPECT_THAT(out[0].ToVector<bool>(), ElementsAre(false, true, true, false));
  EXPECT_THAT(out[1].ToVector<bool>(), ElementsAre(true, false, false, true));
}

TEST(ConcatTest, Errors) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  auto c = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  int line = __LINE__ + 1;
  ops::Concat(s, {a, c}, 0);
  EXPECT_THAT(BuildError(s, "Concat 'concat'", line),
              HasSubstr("values[1] has shape [2,3] but values[0] has shape [2,2]: dim 1 differs"));

  Scope s2 = Scope::NewRootScope();
  auto f = ops::Const(s2, Tensor::Of<float>({1}, {1}));
  auto i = ops::Const(s2, Tensor::Of<int32_t>({1}, {1}));
  line = __LINE__ + 1;
  ops::Concat(s2, {f, i}, 0);
  EXPECT_THAT(BuildError(s2, "Concat 'concat'", line),
              HasSubstr("values[1] has dtype i32 but values[0] has f32"));

  Scope s3 = Scope::NewRootScope();
  auto v = ops::Const(s3, Tensor::Of<float>({1}, {1}));
  line = __LINE__ + 1;
  ops::Concat(s3, {v, v}, 1);
  EXPECT_THAT(BuildError(s3, "Concat 'concat'", line),
              HasSubstr("axis 1 is out of range for values of shape [1]"));

  Scope s4 = Scope::NewRootScope();
  line = __LINE__ + 1;
  ops::Concat(s4, {}, 0);
  EXPECT_THAT(BuildError(s4, "Concat 'concat'", line), HasSubstr("needs at least one value"));
}

TEST(SliceTest, BlocksAndToTheEnd) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, *Tensor::FromVector<float>(Iota(12), {3, 4}));
  auto y = ops::Const(s, *Tensor::FromVector<float>(Iota(24), {2, 3, 4}));
  auto b = ops::Const(s, Tensor::Of<bool>({true, false, true, false}, {4}));
  auto out = RunFetches(s, {ops::Slice(s, x, {1, 1}, {2, -1}), ops::Slice(s, x, {0, 0}, {-1, -1}),
                            ops::Slice(s, y, {1, 1, 0}, {1, 2, -1}), ops::Slice(s, y, {0, 2, 1}, {2, 1, 2}),
                            ops::Slice(s, b, {1}, {2}), ops::Slice(s, x, {3, 0}, {0, 4})});
  EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(5, 6, 7, 9, 10, 11));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAreArray(Iota(12)));
  EXPECT_EQ(out[2].shape(), (Shape{1, 2, 4}));
  EXPECT_THAT(out[2].ToVector<float>(), ElementsAre(16, 17, 18, 19, 20, 21, 22, 23));
  EXPECT_EQ(out[3].shape(), (Shape{2, 1, 2}));
  EXPECT_THAT(out[3].ToVector<float>(), ElementsAre(9, 10, 21, 22));
  EXPECT_THAT(out[4].ToVector<bool>(), ElementsAre(false, true));
  EXPECT_EQ(out[5].shape(), (Shape{0, 4}));
}

TEST(SliceTest, BoundsCheckedAtBuildAndCompileTime) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, *Tensor::FromVector<float>(Iota(12), {3, 4}));
  const int line = __LINE__ + 1;
  ops::Slice(s, x, {2, 0}, {2, -1});
  EXPECT_THAT(
      BuildError(s, "Slice 'slice'", line),
      HasSubstr("begin [2,0] and size [2,-1] are out of bounds for input shape [3,4] (dim 0 has size 3)"));

  Scope s2 = Scope::NewRootScope();
  auto p = ops::Placeholder(s2, DType::kInt32, {Shape::kUnknownDim, 4});
  auto sl = ops::Slice(s2, p, {1, 2}, {2, -1});
  EXPECT_EQ(sl.shape(), (Shape{2, 2}));
  auto ok = RunFetches(s2, {sl}, {{p, Tensor::Of<int32_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4})}});
  EXPECT_THAT(ok[0].ToVector<int32_t>(), ElementsAre(6, 7, 10, 11));
  Session sess(*s2.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({{p, Tensor(DType::kInt32, {2, 4})}}, {sl}, &out);
  EXPECT_THAT(st.message(), HasSubstr("Slice 'slice'"));
  EXPECT_THAT(st.message(), HasSubstr("out of bounds for input shape [2,4]"));
}

TEST(GatherTest, AxesAndIndexShapes) {
  Scope s = Scope::NewRootScope();
  auto p = ops::Const(s, *Tensor::FromVector<float>(Iota(12), {3, 4}));
  auto rows = ops::Gather(s, p, ops::Const(s, Tensor::Of<int32_t>({2, 0, 2}, {3})));
  auto cols = ops::Gather(s, p, ops::Const(s, Tensor::Of<int64_t>({3, 0, 1, 1}, {2, 2})), -1);
  auto scalar = ops::Gather(s, p, ops::Const(s, Tensor::Scalar<int32_t>(1)), 0);
  auto ids = ops::Const(s, Tensor::Of<bool>({true, false}, {2}));
  auto flags = ops::Gather(s, ids, ops::Const(s, Tensor::Of<int32_t>({1, 1, 0}, {3})));
  EXPECT_EQ(cols.shape(), (Shape{3, 2, 2}));
  auto out = RunFetches(s, {rows, cols, scalar, flags});
  EXPECT_EQ(out[0].shape(), (Shape{3, 4}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(3, 0, 1, 1, 7, 4, 5, 5, 11, 8, 9, 9));
  EXPECT_EQ(out[2].shape(), (Shape{4}));
  EXPECT_THAT(out[2].ToVector<float>(), ElementsAre(4, 5, 6, 7));
  EXPECT_THAT(out[3].ToVector<bool>(), ElementsAre(false, false, true));
}

TEST(GatherTest, OutOfRangeIndexIsARunTimeError) {
  Scope s = Scope::NewRootScope();
  auto p = ops::Const(s, *Tensor::FromVector<float>(Iota(6), {3, 2}));
  auto idx = ops::Placeholder(s, DType::kInt64, {Shape::kUnknownDim});
  auto g = ops::Gather(s, p, idx);
  ASSERT_TRUE(s.ok());
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{idx, Tensor::Of<int64_t>({2, 1}, {2})}}, {g}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(4, 5, 2, 3));
  absl::Status st = sess.Run({{idx, Tensor::Of<int64_t>({0, 3}, {2})}}, {g}, &out);
  EXPECT_THAT(st.message(), HasSubstr("Gather 'gather'"));
  EXPECT_THAT(st.message(), HasSubstr("indices[1] = 3 is out of range"));
  EXPECT_THAT(st.message(), HasSubstr("[0, 3)"));
  st = sess.Run({{idx, Tensor::Of<int64_t>({-1, 0}, {2})}}, {g}, &out);
  EXPECT_THAT(st.message(), HasSubstr("indices[0] = -1 is out of range"));
}

TEST(GatherTest, BuildErrors) {
  Scope s = Scope::NewRootScope();
  auto p = ops::Const(s, *Tensor::FromVector<float>(Iota(6), {3, 2}));
  int line = __LINE__ + 1;
  ops::Gather(s, p, ops::Const(s, Tensor::Of<float>({1}, {1})));
  EXPECT_THAT(BuildError(s, "Gather 'gather'", line), HasSubstr("indices must be i32 or i64, got f32"));
  Scope s2 = Scope::NewRootScope();
  auto p2 = ops::Const(s2, *Tensor::FromVector<float>(Iota(6), {3, 2}));
  line = __LINE__ + 1;
  ops::Gather(s2, p2, ops::Const(s2, Tensor::Of<int32_t>({1}, {1})), 2);
  EXPECT_THAT(BuildError(s2, "Gather 'gather'", line),
              HasSubstr("axis 2 is out of range for params of shape [3,2]"));
}

TEST(OneHotTest, LastAxisFirstAxisAndOutOfRange) {
  Scope s = Scope::NewRootScope();
  auto idx = ops::Const(s, Tensor::Of<int32_t>({0, 2, 5, -1}, {4}));
  auto a = ops::OneHot(s, idx, 3);
  auto b = ops::OneHot(s, idx, 3, 5, -1, 0, DType::kInt32);
  auto m = ops::Const(s, Tensor::Of<int64_t>({1, 0, 0, 1}, {2, 2}));
  auto c = ops::OneHot(s, m, 2, 1, 0, 1, DType::kInt64);
  auto out = RunFetches(s, {a, b, c});
  EXPECT_EQ(out[0].shape(), (Shape{4, 3}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0));
  EXPECT_EQ(out[1].shape(), (Shape{3, 4}));
  EXPECT_THAT(out[1].ToVector<int32_t>(), ElementsAre(5, -1, -1, -1, -1, -1, -1, -1, -1, 5, -1, -1));
  EXPECT_EQ(out[2].shape(), (Shape{2, 2, 2}));
  // out[i][d][j] = (m[i][j] == d)
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(0, 1, 1, 0, 1, 0, 0, 1));
}

TEST(OneHotTest, Errors) {
  Scope s = Scope::NewRootScope();
  auto idx = ops::Const(s, Tensor::Of<int32_t>({0}, {1}));
  int line = __LINE__ + 1;
  ops::OneHot(s, idx, -2);
  EXPECT_THAT(BuildError(s, "OneHot 'one_hot'", line), HasSubstr("depth must be >= 0, got -2"));
  Scope s2 = Scope::NewRootScope();
  auto idx2 = ops::Const(s2, Tensor::Of<int32_t>({0}, {1}));
  line = __LINE__ + 1;
  ops::OneHot(s2, idx2, 3, 1, 0, 3);
  EXPECT_THAT(BuildError(s2, "OneHot 'one_hot'", line),
              HasSubstr("axis 3 must be -1 or in [0, 1] for indices of shape [1]"));
}

TEST(ArrayOpsTest, CachedRunsAllocateNothing) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 6});
  auto idx = ops::Const(s, Tensor::Of<int32_t>({0, 2, 1}, {3}));
  auto r = ops::Reshape(s, x, {-1, 2, 3});
  std::vector<Output> fetches = {ops::Transpose(s, r, {0, 2, 1}), ops::Concat(s, {x, x}, 1),
                                 ops::Slice(s, x, {0, 1}, {-1, 3}), ops::Gather(s, x, idx, 1),
                                 ops::OneHot(s, idx, 4)};
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Feed> feeds = {{x, *Tensor::FromVector<float>(Iota(24), {4, 6})}};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());
  const int64_t n = testing_util::CountAllocations([&] {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());
  });
  EXPECT_EQ(n, 0);
  EXPECT_EQ(out[0].shape(), (Shape{4, 3, 2}));
  EXPECT_THAT(out[3].ToVector<float>(), ElementsAre(0, 2, 1, 6, 8, 7, 12, 14, 13, 18, 20, 19));
}

}  // namespace
}  // namespace graph
