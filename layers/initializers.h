// Variable initializers (Keras definitions), computed once on the host from a seed so every run that uses the
// same graph seed starts from the same weights.
#ifndef LAYERS_INITIALIZERS_H_
#define LAYERS_INITIALIZERS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "graph/tensor.h"

namespace layers {

enum class InitializerKind {
  kZeros,
  kOnes,
  kConstant,         // every element = value
  kGlorotUniform,    // U(-l, l), l = sqrt(6 / (fan_in + fan_out))
  kGlorotNormal,     // truncated N(0, s), s = sqrt(2 / (fan_in + fan_out)) / 0.87962566
  kHeUniform,        // U(-l, l), l = sqrt(6 / fan_in)
  kHeNormal,         // truncated N(0, s), s = sqrt(2 / fan_in) / 0.87962566
  kTruncatedNormal,  // N(mean, stddev) redrawn outside two standard deviations
  kRandomUniform,    // U(minval, maxval)
  kRandomNormal,     // N(mean, stddev)
};

struct Initializer {
  InitializerKind kind = InitializerKind::kGlorotUniform;
  float value = 0.0f;     // kConstant
  float mean = 0.0f;      // kTruncatedNormal, kRandomNormal
  float stddev = 0.05f;   // kTruncatedNormal, kRandomNormal (Keras default)
  float minval = -0.05f;  // kRandomUniform (Keras default)
  float maxval = 0.05f;

  static Initializer Zeros() { return {.kind = InitializerKind::kZeros}; }
  static Initializer Ones() { return {.kind = InitializerKind::kOnes}; }
  static Initializer Constant(float v) { return {.kind = InitializerKind::kConstant, .value = v}; }
  absl::Status Validate() const;
};

// "zeros", "ones", "constant", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
// "truncated_normal", "random_uniform", "random_normal".
absl::StatusOr<InitializerKind> ParseInitializer(const std::string& name);

// Fans as Keras computes them: rank 2 [in, out]; conv kernels [..., in, out] times the receptive field;
// rank 1 / 0: fan_in = fan_out = size (or 1).
void ComputeFans(const graph::Shape& shape, double* fan_in, double* fan_out);

// A new f32 tensor of `shape` filled by `init`. Random kinds draw from a generator keyed by (graph_seed,
// key): the same pair always gives the same values; layers pass a hash of the variable's name as `key`.
absl::StatusOr<graph::Tensor> InitialValue(const Initializer& init, const graph::Shape& shape,
                                           int64_t graph_seed, uint64_t key);

// A stable 64-bit hash of a name (FNV-1a), for seeds derived from variable names.
uint64_t NameHash(const std::string& name);

}  // namespace layers

#endif  // LAYERS_INITIALIZERS_H_
