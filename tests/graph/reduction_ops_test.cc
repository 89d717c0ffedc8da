#include "graph/ops/reduction_ops.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "tests/graph/alloc_counter.h"
#include "tests/graph/graph_test_util.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing_util::RunFetches;

std::string BuildError(const Scope& s, const std::string& op, int line) {
  return testing_util::BuildError(s, "reduction_ops_test.cc", op, line);
}

TEST(ReduceTest, AxesNegativeAxesAndKeepDims) {
  Scope s = Scope::NewRootScope();
  // [[1, 2, 3], [4, 5, 6]]
  auto x = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  auto out =
      RunFetches(s, {ops::Sum(s, x), ops::Sum(s, x, {0}), ops::Sum(s, x, {-1}), ops::Sum(s, x, {1, 0}, true),
                     ops::Mean(s, x, {1}, true), ops::Mean(s, x, {0}), ops::Max(s, x, {-1}),
                     ops::Min(s, x, {0}), ops::Max(s, x), ops::Min(s, x, {}, true)});
  EXPECT_EQ(out[0].shape(), (Shape{}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(21));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(5, 7, 9));
  EXPECT_THAT(out[2].ToVector<float>(), ElementsAre(6, 15));
  EXPECT_EQ(out[3].shape(), (Shape{1, 1}));
  EXPECT_THAT(out[3].ToVector<float>(), ElementsAre(21));
  EXPECT_EQ(out[4].shape(), (Shape{2, 1}));
  EXPECT_THAT(out[4].ToVector<float>(), ElementsAre(2, 5));
  EXPECT_THAT(out[5].ToVector<float>(), ElementsAre(2.5, 3.5, 4.5));
  EXPECT_THAT(out[6].ToVector<float>(), ElementsAre(3, 6));
  EXPECT_THAT(out[7].ToVector<float>(), ElementsAre(1, 2, 3));
  EXPECT_THAT(out[8].ToVector<float>(), ElementsAre(6));
  EXPECT_EQ(out[9].shape(), (Shape{1, 1}));
  EXPECT_THAT(out[9].ToVector<float>(), ElementsAre(1));
}

TEST(ReduceTest, NonAdjacentAxesAndSizeOneDims) {
  // x[i][j][k] = 100 i + 10 j + k, shape [2,3,2]
  std::vector<int64_t> v;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) v.push_back(100 * i + 10 * j + k);
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, *Tensor::FromVector<int64_t>(v, {2, 3, 2}));
  auto y = ops::Const(s, Tensor::Of<int32_t>({1, 2, 3}, {1, 3, 1}));
  auto out = RunFetches(s, {ops::Sum(s, x, {0, 2}, true), ops::Max(s, x, {-1, 0}), ops::Sum(s, x, {1}),
                            ops::Sum(s, y, {0, 2}), ops::Min(s, y, {1}, true)});
  EXPECT_EQ(out[0].shape(), (Shape{1, 3, 1}));
  // sum over i, k of 100 i + 10 j + k = 200 + 40 j + 2
  EXPECT_THAT(out[0].ToVector<int64_t>(), ElementsAre(202, 242, 282));
  EXPECT_THAT(out[1].ToVector<int64_t>(), ElementsAre(101, 111, 121));
  EXPECT_EQ(out[2].shape(), (Shape{2, 2}));
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(30, 33, 330, 333));
  EXPECT_THAT(out[3].ToVector<int32_t>(), ElementsAre(1, 2, 3));
  EXPECT_EQ(out[4].shape(), (Shape{1, 1, 1}));
  EXPECT_THAT(out[4].ToVector<int32_t>(), ElementsAre(1));
}

TEST(ReduceTest, IntegerMeanTruncatesAndIntegerSumWraps) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<int32_t>({-7, 2, 7, 2}, {2, 2}));
  const int32_t big = std::numeric_limits<int32_t>::max();
  auto b = ops::Const(s, Tensor::Of<int32_t>({big, 1}, {2}));
  auto c = ops::Const(s, Tensor::Of<int64_t>({-5, -6, 4}, {3}));
  auto out =
      RunFetches(s, {ops::Mean(s, a, {1}), ops::Sum(s, b), ops::Mean(s, c), ops::Min(s, a), ops::Max(s, c)});
  EXPECT_THAT(out[0].ToVector<int32_t>(), ElementsAre(-2, 4));
  EXPECT_THAT(out[1].ToVector<int32_t>(), ElementsAre(std::numeric_limits<int32_t>::min()));
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(-2));
  EXPECT_THAT(out[3].ToVector<int32_t>(), ElementsAre(-7));
  EXPECT_THAT(out[4].ToVector<int64_t>(), ElementsAre(4));
}

TEST(ReduceTest, MaxAndMinPropagateNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<float>({1, nan, 3, 4, 5, 6}, {2, 3}));
  auto out = RunFetches(s, {ops::Max(s, x, {1}), ops::Min(s, x, {0}), ops::Sum(s, x, {1})});
  EXPECT_TRUE(std::isnan(out[0].data<float>()[0]));
  EXPECT_EQ(out[0].data<float>()[1], 6);
  EXPECT_EQ(out[1].data<float>()[0], 1);
  EXPECT_TRUE(std::isnan(out[1].data<float>()[1]));
  EXPECT_TRUE(std::isnan(out[2].data<float>()[0]));
}

TEST(ReduceTest, UnknownBatchFedAtRunTime) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto cols = ops::Sum(s, x, {0});
  auto rows = ops::Mean(s, x, {-1}, true);
  EXPECT_EQ(cols.shape(), (Shape{3}));
  EXPECT_EQ(rows.shape(), (Shape{Shape::kUnknownDim, 1}));
  auto out =
      RunFetches(s, {cols, rows}, {{x, Tensor::Of<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {4, 3})}});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(22, 26, 30));
  EXPECT_EQ(out[1].shape(), (Shape{4, 1}));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(2, 5, 8, 11));
}

TEST(ReduceTest, LongSumsMatchDoubleReference) {
  // A float accumulator loses about 1e-4 relative accuracy over 4M terms; the double accumulator must not.
  const int n = 1 << 22;
  std::vector<float> v(static_cast<size_t>(n));
  double ref = 0;
  for (int i = 0; i < n; ++i) {
    v[static_cast<size_t>(i)] = 0.1f + static_cast<float>(i % 1000) * 1e-3f;
    ref += v[static_cast<size_t>(i)];
  }
  const int rows = n / 4;
  std::vector<double> col_ref(4, 0.0);
  for (int i = 0; i < n; ++i) col_ref[static_cast<size_t>(i % 4)] += v[static_cast<size_t>(i)];
  Scope s = Scope::NewRootScope();
  auto flat = ops::Const(s, *Tensor::FromVector<float>(v, {n}));
  auto mat = ops::Const(s, *Tensor::FromVector<float>(v, {rows, 4}));
  auto out = RunFetches(s, {ops::Sum(s, flat), ops::Sum(s, mat, {0}), ops::Mean(s, flat)});
  EXPECT_NEAR(out[0].data<float>()[0], ref, ref * 1e-7);
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(out[1].data<float>()[c], col_ref[static_cast<size_t>(c)],
                col_ref[static_cast<size_t>(c)] * 1e-7);
  }
  EXPECT_NEAR(out[2].data<float>()[0], ref / n, ref / n * 1e-7);
}

TEST(ReduceTest, EmptyReductions) {
  Scope s = Scope::NewRootScope();
  auto e = ops::Const(s, Tensor(DType::kFloat32, {0, 3}));
  auto out = RunFetches(s, {ops::Sum(s, e, {0}), ops::Mean(s, e, {0}), ops::Max(s, e, {1})});
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(0, 0, 0));
  EXPECT_TRUE(std::isnan(out[1].data<float>()[0]));
  EXPECT_EQ(out[2].shape(), (Shape{0}));
  const int line = __LINE__ + 1;
  ops::Max(s, e, {0});
  EXPECT_THAT(BuildError(s, "Max 'max'", line),
              HasSubstr("cannot reduce an empty set: axes [0] of input shape [0,3] hold no elements"));
}

TEST(ReduceTest, EmptyMinFailsAtCompileTime) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kInt32, {Shape::kUnknownDim, 3});
  auto m = ops::Min(s, x, {0});
  ASSERT_TRUE(s.ok());
  Session sess(*s.graph());
  std::vector<Tensor> out;
  absl::Status st = sess.Run({{x, Tensor(DType::kInt32, {0, 3})}}, {m}, &out);
  EXPECT_THAT(st.message(), HasSubstr("Min 'min'"));
  EXPECT_THAT(st.message(), HasSubstr("cannot reduce an empty set"));
  EXPECT_TRUE(sess.Run({{x, Tensor(DType::kInt32, {1, 3})}}, {m}, &out).ok());
}

TEST(ReduceTest, AxisErrors) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  int line = __LINE__ + 1;
  ops::Sum(s, x, {1, -1});
  EXPECT_THAT(BuildError(s, "Sum 'sum'", line),
              HasSubstr("axes [1,-1] name dim 1 twice for input shape [2,3]"));
  Scope s2 = Scope::NewRootScope();
  auto y = ops::Const(s2, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  line = __LINE__ + 1;
  ops::Mean(s2, y, {2});
  EXPECT_THAT(BuildError(s2, "Mean 'mean'", line),
              HasSubstr("axis 2 of axes [2] is out of range for input shape [2,3]"));
  Scope s3 = Scope::NewRootScope();
  auto b = ops::Const(s3, Tensor::Of<bool>({true}, {1}));
  line = __LINE__ + 1;
  ops::Max(s3, b);
  EXPECT_THAT(BuildError(s3, "Max 'max'", line), HasSubstr("dtype bool is not supported"));
}

TEST(ArgMaxTest, TiesNaNAxesAndOutputTypes) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Scope s = Scope::NewRootScope();
  // [[1, 5, 5], [7, 2, 7]]
  auto x = ops::Const(s, Tensor::Of<float>({1, 5, 5, 7, 2, 7}, {2, 3}));
  auto n = ops::Const(s, Tensor::Of<float>({1, nan, 9, nan, 3, 4}, {2, 3}));
  std::vector<int32_t> v = {3, 1, 3, 0, 8, 2, 8, 8};  // shape [2,2,2]
  auto y = ops::Const(s, *Tensor::FromVector<int32_t>(v, {2, 2, 2}));
  auto out = RunFetches(s, {ops::ArgMax(s, x, 1), ops::ArgMax(s, x, 0, DType::kInt32), ops::ArgMax(s, n, -1),
                            ops::ArgMax(s, n, 0), ops::ArgMax(s, y, 1), ops::ArgMax(s, y, -3)});
  EXPECT_THAT(out[0].ToVector<int64_t>(), ElementsAre(1, 0));
  EXPECT_THAT(out[1].ToVector<int32_t>(), ElementsAre(1, 0, 1));
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(1, 0));
  EXPECT_THAT(out[3].ToVector<int64_t>(), ElementsAre(1, 0, 0));
  EXPECT_EQ(out[4].shape(), (Shape{2, 2}));
  EXPECT_THAT(out[4].ToVector<int64_t>(), ElementsAre(0, 0, 0, 1));
  EXPECT_THAT(out[5].ToVector<int64_t>(), ElementsAre(1, 1, 1, 1));
}

TEST(ArgMaxTest, Errors) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Const(s, Tensor::Of<float>({1, 2}, {2}));
  int line = __LINE__ + 1;
  ops::ArgMax(s, x, 1);
  EXPECT_THAT(BuildError(s, "ArgMax 'argmax'", line),
              HasSubstr("axis 1 is out of range for input shape [2]"));
  Scope s2 = Scope::NewRootScope();
  auto y = ops::Const(s2, Tensor::Of<float>({1, 2}, {2}));
  line = __LINE__ + 1;
  ops::ArgMax(s2, y, 0, DType::kFloat32);
  EXPECT_THAT(BuildError(s2, "ArgMax 'argmax'", line), HasSubstr("output dtype must be i32 or i64, got f32"));
  Scope s3 = Scope::NewRootScope();
  auto e = ops::Const(s3, Tensor(DType::kInt64, {2, 0}));
  line = __LINE__ + 1;
  ops::ArgMax(s3, e, -1);
  EXPECT_THAT(BuildError(s3, "ArgMax 'argmax'", line), HasSubstr("axis -1 of input shape [2,0] is empty"));
}

TEST(ReduceTest, CachedRunsAllocateNothing) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 16});
  std::vector<Output> fetches = {ops::Sum(s, x, {0}), ops::Mean(s, x, {1}), ops::Max(s, x, {0, 1}),
                                 ops::ArgMax(s, x, 1)};
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Feed> feeds = {{x, Tensor(DType::kFloat32, {8, 16})}};
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());
  const int64_t n = testing_util::CountAllocations([&] {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(sess.Run(feeds, fetches, &out).ok());
  });
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace graph
