// The arithmetic of folding an inference-mode batch normalization into the weights and bias of the Conv2D /
// MatMul before it.
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/passes/inference_graph.h"

namespace graph {
namespace {

absl::Status CheckF32(const Tensor& t, const char* name, int64_t channels) {
  if (!t.IsValid() || t.dtype() != DType::kFloat32 || t.rank() != 1 || t.dim(0) != channels) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be an f32 vector of ", channels, " channels, got ",
                     t.IsValid() ? absl::StrCat(DTypeName(t.dtype()), t.shape().ToString()) : "no tensor"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FoldedBatchNorm> FoldBatchNorm(const Tensor& weights, bool channel_first, const Tensor& bias,
                                              const Tensor& gamma, const Tensor& beta, const Tensor& mean,
                                              const Tensor& variance, double epsilon) {
  if (!weights.IsValid() || weights.dtype() != DType::kFloat32 || weights.rank() < 1) {
    return absl::InvalidArgumentError("the weights must be an f32 tensor of rank >= 1");
  }
  const int64_t channels = channel_first ? weights.dim(0) : weights.dim(weights.rank() - 1);
  const Tensor* params[] = {&gamma, &beta, &mean, &variance};
  const char* names[] = {"gamma", "beta", "mean", "variance"};
  for (int i = 0; i < 4; ++i) {
    if (absl::Status st = CheckF32(*params[i], names[i], channels); !st.ok()) return st;
  }
  if (bias.IsValid()) {
    if (absl::Status st = CheckF32(bias, "bias", channels); !st.ok()) return st;
  }
  if (!(epsilon >= 0) || !std::isfinite(epsilon)) {
    return absl::InvalidArgumentError(absl::StrCat("epsilon ", epsilon, " must be finite and >= 0"));
  }
  FoldedBatchNorm out{Tensor(DType::kFloat32, weights.shape()), Tensor(DType::kFloat32, Shape{channels})};
  std::vector<double> scale(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double s = static_cast<double>(gamma.data<float>()[c]) /
                     std::sqrt(static_cast<double>(variance.data<float>()[c]) + epsilon);
    scale[static_cast<size_t>(c)] = s;
    const double b = bias.IsValid() ? static_cast<double>(bias.data<float>()[c]) : 0.0;
    out.bias.data<float>()[c] = static_cast<float>((b - static_cast<double>(mean.data<float>()[c])) * s +
                                                   static_cast<double>(beta.data<float>()[c]));
  }
  const int64_t n = weights.num_elements();
  const int64_t inner = channels > 0 && channel_first ? n / channels : 1;
  const float* from = weights.data<float>();
  float* to = out.weights.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = channel_first ? i / inner : i % channels;
    to[i] = static_cast<float>(static_cast<double>(from[i]) * scale[static_cast<size_t>(c)]);
  }
  return out;
}

}  // namespace graph
