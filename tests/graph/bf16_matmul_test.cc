// bf16 MatMul on every CPU: the native oneDNN kernel where the CPU has one, else (and with
// SessionOptions::emulate_bf16) f32 on widened inputs with the result rounded to bf16. Both paths are checked
// against one reference: the exact product of the bf16 operands, in double, rounded to bf16.
#include <cmath>
#include <cstring>
#include <random>

#include "gmock/gmock.h"
#include "graph/cpu_info.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

Tensor RandomBf16(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  Tensor t(DType::kBFloat16, shape);
  for (bfloat16& v : t.flat<bfloat16>()) v = bfloat16(u(rng));
  return t;
}

// c = a · b (rank 2, b optionally transposed) in double from the bf16 values.
std::vector<double> ExactProduct(const Tensor& a, const Tensor& b, bool tb) {
  const int64_t m = a.dim(0), k = a.dim(1), n = tb ? b.dim(0) : b.dim(1);
  std::vector<double> c(static_cast<size_t>(m * n));
  const bfloat16* av = a.data<bfloat16>();
  const bfloat16* bv = b.data<bfloat16>();
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p) {
        const double x = static_cast<float>(av[i * k + p]);
        const double y = static_cast<float>(tb ? bv[j * k + p] : bv[p * n + j]);
        sum += x * y;
      }
      c[static_cast<size_t>(i * n + j)] = sum;
    }
  }
  return c;
}

// Distance in bf16 units in the last place between two finite bf16 values of the same sign or near zero.
int UlpDistance(bfloat16 x, bfloat16 y) {
  auto ordered = [](bfloat16 v) {
    const int32_t bits = v.bits;
    return (bits & 0x8000) ? -(bits & 0x7fff) : bits;
  };
  return std::abs(ordered(x) - ordered(y));
}

Tensor RunMatMul(const Tensor& a, const Tensor& b, bool tb, bool emulate) {
  Scope s = Scope::NewRootScope();
  Output c = ops::MatMul(s, ops::Const(s, a), ops::Const(s, b), {.transpose_b = tb});
  EXPECT_TRUE(s.ok()) << s.status();
  Session session(*s.graph(), {.emulate_bf16 = emulate});
  std::vector<Tensor> out;
  absl::Status st = session.Run({c}, &out);
  EXPECT_TRUE(st.ok()) << st;
  return st.ok() ? out[0] : Tensor();
}

// Every element of `got` (bf16) within one bf16 ulp of the exact product rounded to bf16: the f32
// accumulation differs from the exact sum by far less than a bf16 ulp, so only the final rounding can land
// on the neighbouring value.
void ExpectWithinBf16Rounding(const Tensor& got, const std::vector<double>& exact, const char* path) {
  ASSERT_EQ(got.dtype(), DType::kBFloat16) << path;
  ASSERT_EQ(static_cast<size_t>(got.num_elements()), exact.size()) << path;
  int worst = 0, exact_hits = 0;
  for (size_t i = 0; i < exact.size(); ++i) {
    const bfloat16 want(static_cast<float>(exact[i]));
    const int d = UlpDistance(got.data<bfloat16>()[i], want);
    worst = std::max(worst, d);
    exact_hits += d == 0;
  }
  EXPECT_LE(worst, 1) << path;
  // Nearly all elements round to the same bf16 value as the exact product.
  EXPECT_GE(exact_hits, static_cast<int>(exact.size() * 95 / 100)) << path;
}

TEST(Bf16MatMulTest, EmulatedPathAgreesWithTheExactProductWithinBf16Rounding) {
  for (bool tb : {false, true}) {
    const Tensor a = RandomBf16({33, 200}, 1);
    const Tensor b = tb ? RandomBf16({47, 200}, 2) : RandomBf16({200, 47}, 2);
    ExpectWithinBf16Rounding(RunMatMul(a, b, tb, /*emulate=*/true), ExactProduct(a, b, tb), "emulated");
  }
}

TEST(Bf16MatMulTest, DefaultPathAgreesWithTheExactProductOnEveryCpu) {
  // Native where the CPU has a bf16 kernel, emulated elsewhere: right on both.
  const Tensor a = RandomBf16({16, 512}, 3);
  const Tensor b = RandomBf16({512, 24}, 4);
  ExpectWithinBf16Rounding(RunMatMul(a, b, false, /*emulate=*/false), ExactProduct(a, b, false),
                           GetCpuInfo().native_bf16_matmul ? "native" : "emulated (no native kernel)");
}

TEST(Bf16MatMulTest, NativeAndEmulatedPathsAgreeWithinOneBf16Ulp) {
  if (!GetCpuInfo().native_bf16_matmul) {
    GTEST_SKIP() << "oneDNN has no bf16 matmul on ISA " << GetCpuInfo().dnnl_isa
                 << " (needs avx512_core_bf16 or avx512_core_amx): only the emulated path runs here";
  }
  const Tensor a = RandomBf16({64, 784}, 5);
  const Tensor b = RandomBf16({784, 32}, 6);
  const Tensor native = RunMatMul(a, b, false, false);
  const Tensor emulated = RunMatMul(a, b, false, true);
  ASSERT_EQ(native.num_elements(), emulated.num_elements());
  int worst = 0;
  for (int64_t i = 0; i < native.num_elements(); ++i) {
    worst = std::max(worst, UlpDistance(native.data<bfloat16>()[i], emulated.data<bfloat16>()[i]));
  }
  EXPECT_LE(worst, 1);
}

TEST(Bf16MatMulTest, SmallProductIsExactOnBothPaths) {
  // Products of small integers and halves are exact in bf16: both paths give them bit for bit.
  Tensor a(DType::kBFloat16, {2, 3}), b(DType::kBFloat16, {3, 2});
  const float av[] = {1, 2, 3, 4, 5, 6}, bv[] = {0.5f, -1, 2, 0, -3, 1.5f};
  for (int i = 0; i < 6; ++i) {
    a.data<bfloat16>()[i] = bfloat16(av[i]);
    b.data<bfloat16>()[i] = bfloat16(bv[i]);
  }
  const float want[] = {-4.5f, 3.5f, -6, 5};  // [1 2 3; 4 5 6] · [.5 -1; 2 0; -3 1.5]
  for (bool emulate : {false, true}) {
    Tensor c = RunMatMul(a, b, false, emulate);
    ASSERT_EQ(c.dtype(), DType::kBFloat16);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(static_cast<float>(c.data<bfloat16>()[i]), want[i]) << emulate;
  }
}

TEST(Bf16MatMulTest, EmulatedRoundingIsToNearestEvenAndKeepsNaN) {
  // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: nearest even is 1. 1 + 3·2^-8 rounds up
  // to 1 + 2^-6 (even). A NaN operand gives a NaN.
  Tensor a(DType::kBFloat16, {1, 2}), b(DType::kBFloat16, {2, 3});
  a.data<bfloat16>()[0] = bfloat16(1.0f);
  a.data<bfloat16>()[1] = bfloat16(std::ldexp(1.0f, -8));
  const float bv[] = {1, 1, 1, 1, 3, std::nanf("")};
  for (int i = 0; i < 6; ++i) b.data<bfloat16>()[i] = bfloat16(bv[i]);
  Tensor c = RunMatMul(a, b, false, /*emulate=*/true);
  ASSERT_EQ(c.num_elements(), 3);
  EXPECT_EQ(static_cast<float>(c.data<bfloat16>()[0]), 1.0f);
  EXPECT_EQ(static_cast<float>(c.data<bfloat16>()[1]), 1.0f + std::ldexp(1.0f, -6));
  EXPECT_TRUE(std::isnan(static_cast<float>(c.data<bfloat16>()[2])));
}

}  // namespace
}  // namespace graph
