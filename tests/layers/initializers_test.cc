#include "layers/initializers.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace layers {
namespace {

using graph::Shape;
using graph::Tensor;

double Mean(const Tensor& t) {
  double s = 0;
  for (float v : t.flat<float>()) s += v;
  return s / static_cast<double>(t.num_elements());
}
double Var(const Tensor& t) {
  const double m = Mean(t);
  double s = 0;
  for (float v : t.flat<float>()) s += (v - m) * (v - m);
  return s / static_cast<double>(t.num_elements());
}

TEST(InitializersTest, FansFollowKeras) {
  double in, out;
  ComputeFans({784, 256}, &in, &out);
  EXPECT_EQ(in, 784);
  EXPECT_EQ(out, 256);
  ComputeFans({5, 5, 32, 64}, &in, &out);
  EXPECT_EQ(in, 25 * 32);
  EXPECT_EQ(out, 25 * 64);
  ComputeFans({10}, &in, &out);
  EXPECT_EQ(in, 10);
}

TEST(InitializersTest, GlorotUniformBoundsAndVariance) {
  auto t = InitialValue({.kind = InitializerKind::kGlorotUniform}, {400, 600}, 42, NameHash("dense/kernel"));
  ASSERT_TRUE(t.ok());
  const double limit = std::sqrt(6.0 / 1000.0);
  for (float v : t->flat<float>()) ASSERT_LE(std::abs(v), limit);
  EXPECT_NEAR(Mean(*t), 0.0, 0.002);
  EXPECT_NEAR(Var(*t), limit * limit / 3, 0.02 * limit * limit / 3);
}

TEST(InitializersTest, HeNormalIsTruncatedWithTheRightSpread) {
  auto t = InitialValue({.kind = InitializerKind::kHeNormal}, {500, 400}, 1, 7);
  ASSERT_TRUE(t.ok());
  const double sd = std::sqrt(2.0 / 500.0);
  // Truncated at two standard deviations of the underlying normal (sd / 0.8796...).
  for (float v : t->flat<float>()) ASSERT_LE(std::abs(v), 2 * sd / 0.87962566 + 1e-6);
  EXPECT_NEAR(std::sqrt(Var(*t)), sd, 0.01 * sd);
}

TEST(InitializersTest, SameSeedAndKeySameValuesOtherwiseDifferent) {
  Initializer init{.kind = InitializerKind::kTruncatedNormal, .stddev = 0.1f};
  auto a = InitialValue(init, {100}, 5, NameHash("a"));
  auto b = InitialValue(init, {100}, 5, NameHash("a"));
  auto c = InitialValue(init, {100}, 5, NameHash("b"));
  auto d = InitialValue(init, {100}, 6, NameHash("a"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_TRUE(graph::TensorsEqual(*a, *b));
  EXPECT_FALSE(graph::TensorsEqual(*a, *c));
  EXPECT_FALSE(graph::TensorsEqual(*a, *d));
  for (float v : a->flat<float>()) ASSERT_LE(std::abs(v), 0.2f + 1e-6f);
}

TEST(InitializersTest, ConstantsAndParsing) {
  auto z = InitialValue(Initializer::Zeros(), {3}, 0, 0);
  auto o = InitialValue(Initializer::Ones(), {3}, 0, 0);
  auto c = InitialValue(Initializer::Constant(2.5f), {2}, 0, 0);
  EXPECT_THAT(z->ToVector<float>(), ::testing::ElementsAre(0, 0, 0));
  EXPECT_THAT(o->ToVector<float>(), ::testing::ElementsAre(1, 1, 1));
  EXPECT_THAT(c->ToVector<float>(), ::testing::ElementsAre(2.5, 2.5));
  EXPECT_EQ(*ParseInitializer("he_uniform"), InitializerKind::kHeUniform);
  EXPECT_THAT(std::string(ParseInitializer("glorot").status().message()),
              ::testing::HasSubstr("unknown initializer 'glorot' (known: zeros, ones"));
  EXPECT_FALSE(
      InitialValue({.kind = InitializerKind::kRandomUniform, .minval = 1, .maxval = 0}, {2}, 0, 0).ok());
  EXPECT_FALSE(InitialValue(Initializer::Zeros(), {graph::Shape::kUnknownDim}, 0, 0).ok());
}

}  // namespace
}  // namespace layers
