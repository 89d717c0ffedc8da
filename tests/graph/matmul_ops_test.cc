#include "graph/ops/matmul_ops.h"

#include <random>

#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

using ::testing::HasSubstr;

Tensor RandomTensor(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// Plain reference: c[b,i,j] = sum_k A(b,i,k) B(b,k,j), reading transposed operands by index, in double.
std::vector<float> Reference(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const bool batched = a.rank() == 3;
  const int r = a.rank();
  const int64_t batch_a = batched ? a.dim(0) : 1, batch_b = batched ? b.dim(0) : 1;
  const int64_t batch = std::max(batch_a, batch_b);
  const int64_t m = ta ? a.dim(r - 1) : a.dim(r - 2);
  const int64_t k = ta ? a.dim(r - 2) : a.dim(r - 1);
  const int64_t n = tb ? b.dim(r - 2) : b.dim(r - 1);
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  std::vector<float> c(static_cast<size_t>(batch * m * n));
  for (int64_t bi = 0; bi < batch; ++bi) {
    const float* ab = pa + (batch_a == 1 ? 0 : bi) * a.dim(r - 2) * a.dim(r - 1);
    const float* bb = pb + (batch_b == 1 ? 0 : bi) * b.dim(r - 2) * b.dim(r - 1);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          const float av = ta ? ab[kk * m + i] : ab[i * k + kk];
          const float bv = tb ? bb[j * k + kk] : bb[kk * n + j];
          acc += static_cast<double>(av) * bv;
        }
        c[static_cast<size_t>((bi * m + i) * n + j)] = static_cast<float>(acc);
      }
  }
  return c;
}

void ExpectMatMul(Shape as, Shape bs, bool ta, bool tb, Shape want) {
  Scope s = Scope::NewRootScope();
  Tensor a = RandomTensor(as, 1), b = RandomTensor(bs, 2);
  auto c = ops::MatMul(s, ops::Const(s, a), ops::Const(s, b), {.transpose_a = ta, .transpose_b = tb});
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({c}, &out).ok());
  ASSERT_EQ(out[0].shape(), want);
  std::vector<float> ref = Reference(a, b, ta, tb);
  auto got = out[0].flat<float>();
  ASSERT_EQ(got.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-4f) << i;
}

TEST(MatMulTest, SmallHandComputed) {
  Scope s = Scope::NewRootScope();
  auto a = ops::Const(s, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  auto b = ops::Const(s, Tensor::Of<float>({7, 8, 9, 10, 11, 12}, {3, 2}));
  auto c = ops::MatMul(s, a, b);
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({c}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ::testing::ElementsAre(58, 64, 139, 154));
}

TEST(MatMulTest, AllTransposeCombinationsMatchReference) {
  ExpectMatMul({5, 7}, {7, 3}, false, false, {5, 3});
  ExpectMatMul({7, 5}, {7, 3}, true, false, {5, 3});
  ExpectMatMul({5, 7}, {3, 7}, false, true, {5, 3});
  ExpectMatMul({7, 5}, {3, 7}, true, true, {5, 3});
  ExpectMatMul({128, 784}, {784, 256}, false, false, {128, 256});
}

TEST(MatMulTest, BatchedAndBroadcastBatch) {
  ExpectMatMul({4, 3, 5}, {4, 5, 2}, false, false, {4, 3, 2});
  ExpectMatMul({4, 5, 3}, {4, 2, 5}, true, true, {4, 3, 2});
  ExpectMatMul({4, 3, 5}, {1, 5, 2}, false, false, {4, 3, 2});
}

TEST(MatMulTest, UnknownBatchIsResolvedFromTheFeed) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto w = ops::Const(s, Tensor::Of<float>({1, 0, 0, 1, 1, 1}, {3, 2}));
  auto y = ops::MatMul(s, x, w);
  EXPECT_EQ(y.shape().ToString(), "[?,2]");
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({{x, Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3})}}, {y}, &out).ok());
  EXPECT_THAT(out[0].ToVector<float>(), ::testing::ElementsAre(4, 5, 10, 11));
}

TEST(MatMulTest, BFloat16OperandsGiveBFloat16Result) {
  Scope s = Scope::NewRootScope();
  Tensor a(DType::kBFloat16, {2, 2}), b(DType::kBFloat16, {2, 2});
  const float av[] = {1, 2, 3, 4}, bv[] = {0.5f, 1, -1, 2};
  for (int i = 0; i < 4; ++i) {
    a.data<bfloat16>()[i] = bfloat16(av[i]);
    b.data<bfloat16>()[i] = bfloat16(bv[i]);
  }
  auto c = ops::MatMul(s, ops::Const(s, a), ops::Const(s, b));
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({c}, &out).ok());
  ASSERT_EQ(out[0].dtype(), DType::kBFloat16);
  const float want[] = {-1.5f, 5, -2.5f, 11};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(static_cast<float>(out[0].data<bfloat16>()[i]), want[i]);
}

TEST(MatMulTest, ShapeErrorsNameTheOpBothShapesAndTheLine) {
  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 784});
  auto w = ops::Variable(s, "w", DType::kFloat32, {785, 256});
  const int line = __LINE__ + 1;
  ops::MatMul(s.NewSubScope("dense"), x, w);
  const std::string msg(s.status().message());
  EXPECT_THAT(msg, HasSubstr("matmul_ops_test.cc:" + std::to_string(line) + ": MatMul 'dense/matmul'"));
  EXPECT_THAT(msg, HasSubstr("inner dimensions differ (784 vs 785): a is f32[?,784], b is f32[785,256]"));

  Scope s2 = Scope::NewRootScope();
  ops::MatMul(s2, ops::Const(s2, Tensor::Of<int32_t>({1}, {1, 1})),
              ops::Const(s2, Tensor::Of<int32_t>({1}, {1, 1})));
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("dtype i32 is not supported"));
  Scope s3 = Scope::NewRootScope();
  ops::MatMul(s3, ops::Const(s3, Tensor::Of<float>({1}, {1})),
              ops::Const(s3, Tensor::Of<float>({1}, {1, 1})));
  EXPECT_THAT(std::string(s3.status().message()), HasSubstr("operands must both be rank 2 or both rank 3"));
}

}  // namespace
}  // namespace graph
