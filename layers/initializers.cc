#include "layers/initializers.h"

#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"

namespace layers {
namespace {

// 0.87962566 is the standard deviation of a unit normal truncated to [-2, 2] (Keras' VarianceScaling
// constant).
constexpr double kTruncatedStd = 0.87962566103423978;

// Uniform and normal draws from std::mt19937_64, whose output sequence the C++ standard fixes; the transforms
// below are ours, so values are the same on every standard library.
class Generator {
 public:
  Generator(int64_t graph_seed, uint64_t key)
      : rng_(static_cast<uint64_t>(graph_seed) * 0x9E3779B97F4A7C15ULL ^ key) {}
  double Uniform() { return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
  double Normal() {                                                                            // Box-Muller
    double u1 = Uniform();
    while (u1 <= 0.0) u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double TruncatedNormal() {
    while (true) {
      const double z = Normal();
      if (std::abs(z) <= 2.0) return z;
    }
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

absl::Status Initializer::Validate() const {
  if ((kind == InitializerKind::kTruncatedNormal || kind == InitializerKind::kRandomNormal) &&
      !(stddev > 0)) {
    return absl::InvalidArgumentError(absl::StrCat("initializer stddev must be > 0, got ", stddev));
  }
  if (kind == InitializerKind::kRandomUniform && !(minval < maxval)) {
    return absl::InvalidArgumentError(
        absl::StrCat("initializer needs minval < maxval, got ", minval, " and ", maxval));
  }
  return absl::OkStatus();
}

absl::StatusOr<InitializerKind> ParseInitializer(const std::string& name) {
  static const std::pair<const char*, InitializerKind> kNames[] = {
      {"zeros", InitializerKind::kZeros},
      {"ones", InitializerKind::kOnes},
      {"constant", InitializerKind::kConstant},
      {"glorot_uniform", InitializerKind::kGlorotUniform},
      {"glorot_normal", InitializerKind::kGlorotNormal},
      {"he_uniform", InitializerKind::kHeUniform},
      {"he_normal", InitializerKind::kHeNormal},
      {"truncated_normal", InitializerKind::kTruncatedNormal},
      {"random_uniform", InitializerKind::kRandomUniform},
      {"random_normal", InitializerKind::kRandomNormal},
  };
  std::string known;
  for (const auto& [n, k] : kNames) {
    if (name == n) return k;
    absl::StrAppend(&known, known.empty() ? "" : ", ", n);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown initializer '", name, "' (known: ", known, ")"));
}

void ComputeFans(const graph::Shape& shape, double* fan_in, double* fan_out) {
  const int r = shape.rank();
  if (r == 0) {
    *fan_in = *fan_out = 1;
  } else if (r == 1) {
    *fan_in = *fan_out = static_cast<double>(shape.dim(0));
  } else {
    double receptive = 1;
    for (int i = 0; i < r - 2; ++i) receptive *= static_cast<double>(shape.dim(i));
    *fan_in = static_cast<double>(shape.dim(r - 2)) * receptive;
    *fan_out = static_cast<double>(shape.dim(r - 1)) * receptive;
  }
}

absl::StatusOr<graph::Tensor> InitialValue(const Initializer& init, const graph::Shape& shape,
                                           int64_t graph_seed, uint64_t key) {
  if (!shape.IsFullyDefined()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot initialize a variable of shape ", shape.ToString()));
  }
  if (absl::Status st = init.Validate(); !st.ok()) return st;
  graph::Tensor t(graph::DType::kFloat32, shape);
  float* p = t.data<float>();
  const int64_t n = t.num_elements();
  double fan_in, fan_out;
  ComputeFans(shape, &fan_in, &fan_out);
  Generator gen(graph_seed, key);
  switch (init.kind) {
    case InitializerKind::kZeros:
      break;
    case InitializerKind::kOnes:
      std::fill_n(p, n, 1.0f);
      break;
    case InitializerKind::kConstant:
      std::fill_n(p, n, init.value);
      break;
    case InitializerKind::kGlorotUniform:
    case InitializerKind::kHeUniform: {
      const double limit = init.kind == InitializerKind::kGlorotUniform ? std::sqrt(6.0 / (fan_in + fan_out))
                                                                        : std::sqrt(6.0 / fan_in);
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>((2 * gen.Uniform() - 1) * limit);
      break;
    }
    case InitializerKind::kGlorotNormal:
    case InitializerKind::kHeNormal: {
      const double scale =
          init.kind == InitializerKind::kGlorotNormal ? 2.0 / (fan_in + fan_out) : 2.0 / fan_in;
      const double sd = std::sqrt(scale) / kTruncatedStd;
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(gen.TruncatedNormal() * sd);
      break;
    }
    case InitializerKind::kTruncatedNormal:
      for (int64_t i = 0; i < n; ++i)
        p[i] = static_cast<float>(init.mean + gen.TruncatedNormal() * init.stddev);
      break;
    case InitializerKind::kRandomUniform:
      for (int64_t i = 0; i < n; ++i) {
        p[i] = static_cast<float>(init.minval + gen.Uniform() * (init.maxval - init.minval));
      }
      break;
    case InitializerKind::kRandomNormal:
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(init.mean + gen.Normal() * init.stddev);
      break;
  }
  return t;
}

uint64_t NameHash(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace layers
