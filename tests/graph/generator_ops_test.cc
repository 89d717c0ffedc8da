#include "graph/ops/generator_ops.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/kernels/philox.h"
#include "graph/op_registry.h"
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
  return testing_util::BuildError(s, "generator_ops_test.cc", op, line);
}

TEST(PhiloxTest, KnownAnswerVectors) {
  // The published philox4x32-10 known-answer vectors (counter, key -> output) of Salmon et al.
  EXPECT_EQ(Philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(Philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(Philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(FillTest, LiteralsComputedValuesAndAllDTypes) {
  Scope s = Scope::NewRootScope();
  auto f = ops::Fill(s, {2, 3}, 2.5f);
  auto i = ops::Fill(s, {2}, 7);
  auto computed = ops::Fill(s, {3}, ops::Const(s, Tensor::Scalar<int64_t>(-4)));
  auto b = ops::Fill(s, {2, 2}, true);
  auto out =
      RunFetches(s, {f, i, computed, b, ops::Zeros(s, {2}, DType::kFloat32), ops::Ones(s, {3}, DType::kInt64),
                     ops::Ones(s, {2}, DType::kBool), ops::Ones(s, {2}, DType::kBFloat16),
                     ops::Zeros(s, {1, 2}, DType::kInt32), ops::Fill(s, {}, 1.0f)});
  EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
  EXPECT_THAT(out[0].ToVector<float>(), ElementsAre(2.5, 2.5, 2.5, 2.5, 2.5, 2.5));
  EXPECT_THAT(out[1].ToVector<int32_t>(), ElementsAre(7, 7));
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(-4, -4, -4));
  EXPECT_THAT(out[3].ToVector<bool>(), ElementsAre(true, true, true, true));
  EXPECT_THAT(out[4].ToVector<float>(), ElementsAre(0, 0));
  EXPECT_THAT(out[5].ToVector<int64_t>(), ElementsAre(1, 1, 1));
  EXPECT_THAT(out[6].ToVector<bool>(), ElementsAre(true, true));
  EXPECT_EQ(out[7].dtype(), DType::kBFloat16);
  EXPECT_EQ(out[7].ElementAsDouble(1), 1.0);
  EXPECT_EQ(out[8].shape(), (Shape{1, 2}));
  EXPECT_THAT(out[8].ToVector<int32_t>(), ElementsAre(0, 0));
  EXPECT_EQ(out[9].shape(), (Shape{}));
}

TEST(FillTest, Errors) {
  Scope s = Scope::NewRootScope();
  int line = __LINE__ + 1;
  ops::Zeros(s, {Shape::kUnknownDim, 3}, DType::kFloat32);
  EXPECT_THAT(BuildError(s, "Fill 'zeros'", line), HasSubstr("shape [?,3] must be fully defined"));
  Scope s2 = Scope::NewRootScope();
  line = __LINE__ + 1;
  ops::Fill(s2, {2}, Tensor::Of<float>({1, 2}, {2}));
  EXPECT_THAT(BuildError(s2, "Fill 'fill'", line), HasSubstr("value must be a scalar, got shape [2]"));
}

TEST(RangeTest, LikeTfRange) {
  Scope s = Scope::NewRootScope();
  auto out = RunFetches(s, {ops::Range(s, 0, 5, 1, DType::kInt32), ops::Range(s, 1, 2, 0.25, DType::kFloat32),
                            ops::Range(s, 10, 0, -3, DType::kInt64), ops::Range(s, 3, 3, 1, DType::kInt32),
                            ops::Range(s, 0, 1, 0.3, DType::kFloat32)});
  EXPECT_THAT(out[0].ToVector<int32_t>(), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(out[1].ToVector<float>(), ElementsAre(1, 1.25, 1.5, 1.75));
  EXPECT_THAT(out[2].ToVector<int64_t>(), ElementsAre(10, 7, 4, 1));
  EXPECT_EQ(out[3].shape(), (Shape{0}));
  EXPECT_EQ(out[4].shape(), (Shape{4}));
  EXPECT_FLOAT_EQ(out[4].data<float>()[3], 0.9f);
}

TEST(RangeTest, Errors) {
  Scope s = Scope::NewRootScope();
  int line = __LINE__ + 1;
  ops::Range(s, 0, 5, 0, DType::kInt32);
  EXPECT_THAT(BuildError(s, "Range 'range'", line),
              HasSubstr("start 0, limit 5, delta 0: delta must be nonzero"));
  Scope s2 = Scope::NewRootScope();
  line = __LINE__ + 1;
  ops::Range(s2, 5, 1, 1, DType::kFloat32);
  EXPECT_THAT(BuildError(s2, "Range 'range'", line),
              HasSubstr("start 5, limit 1, delta 1: delta points away"));
  Scope s3 = Scope::NewRootScope();
  line = __LINE__ + 1;
  ops::Range(s3, 0, 1, 0.5, DType::kInt64);
  EXPECT_THAT(BuildError(s3, "Range 'range'", line), HasSubstr("dtype i64 needs whole numbers"));
}

// Two runs in each of two sessions of the same graph.
std::vector<std::vector<float>> TwoSessionsTwoRuns(const Scope& s, Output x) {
  std::vector<std::vector<float>> values;
  for (int session = 0; session < 2; ++session) {
    Session sess(*s.graph());
    std::vector<Tensor> out;
    for (int run = 0; run < 2; ++run) {
      EXPECT_TRUE(sess.Run({x}, &out).ok());
      values.push_back(out[0].ToVector<float>());
    }
  }
  return values;
}

TEST(RandomTest, ReproducibleAcrossSessionsAndNewEachRun) {
  Scope s = Scope::NewRootScope(42);
  for (Output x : {ops::RandomUniform(s, {3, 5}, 7), ops::RandomNormal(s, {11}, 7)}) {
    auto v = TwoSessionsTwoRuns(s, x);
    EXPECT_EQ(v[0], v[2]);
    EXPECT_EQ(v[1], v[3]);
    EXPECT_NE(v[0], v[1]);
  }
  // Another op seed or another graph seed gives another stream.
  auto a = RunFetches(s, {ops::RandomUniform(s, {8}, 7), ops::RandomUniform(s, {8}, 8)});
  Scope other = Scope::NewRootScope(43);
  auto b = RunFetches(other, {ops::RandomUniform(other, {8}, 7)});
  EXPECT_NE(a[0].ToVector<float>(), a[1].ToVector<float>());
  EXPECT_NE(a[0].ToVector<float>(), b[0].ToVector<float>());
  EXPECT_TRUE(GetOpSchema(OpKind::kRandomUniform).stateful);
  EXPECT_TRUE(GetOpSchema(OpKind::kRandomNormal).stateful);
}

struct Moments {
  double mean = 0, var = 0, min = 1e30, max = -1e30;
};
Moments MomentsOf(const Tensor& t) {
  Moments m;
  const auto v = t.ToVector<float>();
  for (float x : v) {
    m.mean += x;
    m.min = std::min(m.min, static_cast<double>(x));
    m.max = std::max(m.max, static_cast<double>(x));
  }
  m.mean /= static_cast<double>(v.size());
  for (float x : v) m.var += (x - m.mean) * (x - m.mean);
  m.var /= static_cast<double>(v.size());
  return m;
}

TEST(RandomTest, UniformStatistics) {
  Scope s = Scope::NewRootScope(1);
  auto out =
      RunFetches(s, {ops::RandomUniform(s, {100000}, 3), ops::RandomUniform(s, {100, 1000}, 4, -2, 3)});
  const Moments u = MomentsOf(out[0]);
  EXPECT_NEAR(u.mean, 0.5, 0.005);  // standard error 0.0009
  EXPECT_NEAR(u.var, 1.0 / 12, 0.002);
  EXPECT_GE(u.min, 0.0);
  EXPECT_LT(u.max, 1.0);
  const Moments w = MomentsOf(out[1]);
  EXPECT_NEAR(w.mean, 0.5, 0.025);
  EXPECT_NEAR(w.var, 25.0 / 12, 0.05);
  EXPECT_GE(w.min, -2.0);
  EXPECT_LT(w.max, 3.0);
}

TEST(RandomTest, NormalStatistics) {
  Scope s = Scope::NewRootScope(1);
  auto out = RunFetches(s, {ops::RandomNormal(s, {100001}, 5), ops::RandomNormal(s, {100000}, 6, 3, 2)});
  const Moments z = MomentsOf(out[0]);
  EXPECT_NEAR(z.mean, 0.0, 0.01);  // standard error 0.003
  EXPECT_NEAR(std::sqrt(z.var), 1.0, 0.01);
  int within = 0;
  for (float x : out[0].ToVector<float>()) within += std::abs(x) < 1.0f;
  EXPECT_NEAR(within / 100001.0, 0.6827, 0.005);
  const Moments w = MomentsOf(out[1]);
  EXPECT_NEAR(w.mean, 3.0, 0.02);
  EXPECT_NEAR(std::sqrt(w.var), 2.0, 0.02);
}

TEST(RandomTest, Errors) {
  Scope s = Scope::NewRootScope();
  int line = __LINE__ + 1;
  ops::RandomNormal(s, {Shape::kUnknownDim}, 1);
  EXPECT_THAT(BuildError(s, "RandomNormal 'random_normal'", line),
              HasSubstr("shape [?] must be fully defined"));
  Scope s2 = Scope::NewRootScope();
  line = __LINE__ + 1;
  ops::RandomNormal(s2, {2}, 1, 0, -1);
  EXPECT_THAT(BuildError(s2, "RandomNormal 'random_normal'", line),
              HasSubstr("mean 0 and stddev -1 must be finite with stddev >= 0"));
  Scope s3 = Scope::NewRootScope();
  line = __LINE__ + 1;
  ops::RandomUniform(s3, {2}, 1, 2, 1);
  EXPECT_THAT(BuildError(s3, "RandomUniform 'random_uniform'", line),
              HasSubstr("minval 2 and maxval 1 must be finite with minval <= maxval"));
}

TEST(GeneratorOpsTest, CachedRunsAllocateNothing) {
  Scope s = Scope::NewRootScope(3);
  std::vector<Output> fetches = {ops::Fill(s, {4, 4}, 2.0f), ops::Range(s, 0, 10, 2, DType::kInt64),
                                 ops::RandomUniform(s, {33}, 1), ops::RandomNormal(s, {33}, 2)};
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run(fetches, &out).ok());
  const int64_t n = testing_util::CountAllocations([&] {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(sess.Run(fetches, &out).ok());
  });
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace graph
