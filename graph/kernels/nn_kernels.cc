// Plain C++ kernels of the neural-network ops: bias addition and inverted dropout.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "graph/kernels/nn_kernels.h"
#include "graph/kernels/philox.h"

namespace graph {
namespace {

// y[r, c] = x[r, c] + bias[c] over the rows of x viewed as [rows, C].
class BiasAddKernel : public Kernel {
 public:
  BiasAddKernel(const Tensor& x, const Tensor& bias, Tensor& y)
      : x_(x.data<float>()),
        bias_(bias.data<float>()),
        y_(y.data<float>()),
        channels_(bias.num_elements()),
        rows_(channels_ > 0 ? x.num_elements() / channels_ : 0) {}

  absl::Status Run(RunContext&) override {
    const int64_t c = channels_;
    const float* __restrict b = bias_;
    for (int64_t r = 0; r < rows_; ++r) {
      const float* __restrict x = x_ + r * c;
      float* __restrict y = y_ + r * c;
      for (int64_t i = 0; i < c; ++i) y[i] = x[i] + b[i];
    }
    return absl::OkStatus();
  }

 private:
  const float* x_;
  const float* bias_;
  float* y_;
  int64_t channels_;
  int64_t rows_;
};

// Element i of run r is kept when the top 24 bits of word i % 4 of Philox4x32-10 at counter (i / 4, r), read
// as a uniform u in [0, 1), satisfy u >= rate: exactly the numbers RandomUniform with the same seeds draws.
class DropoutKernel : public Kernel {
 public:
  DropoutKernel(const Tensor& x, Tensor& y, Tensor& mask, uint64_t* counter, PhiloxKey key, double rate)
      : x_(x.data<float>()),
        y_(y.data<float>()),
        mask_(mask.data<float>()),
        n_(x.num_elements()),
        counter_(counter),
        key_(key),
        threshold_(static_cast<uint32_t>(std::ceil(rate * 0x1p24))),
        scale_(static_cast<float>(1.0 / (1.0 - rate))) {}

  absl::Status Run(RunContext&) override {
    const uint64_t run = (*counter_)++;
    const uint32_t run_lo = static_cast<uint32_t>(run);
    const uint32_t run_hi = static_cast<uint32_t>(run >> 32);
    // Locals, so the stores below cannot be taken to alias the members; the keep/drop choice is a bit mask
    // rather than a branch, which a random mask would mispredict half the time.
    const float* __restrict x = x_;
    float* __restrict y = y_;
    float* __restrict mask = mask_;
    const int64_t n = n_;
    const PhiloxKey key = key_;
    const uint32_t threshold = threshold_;
    uint32_t scale_bits;
    std::memcpy(&scale_bits, &scale_, sizeof scale_bits);
    for (int64_t i = 0; i < n; i += 4) {
      const uint64_t block = static_cast<uint64_t>(i) / 4;
      const PhiloxCounter w = Philox4x32_10(
          {static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), run_lo, run_hi}, key);
      const int64_t m = n - i < 4 ? n - i : 4;
      for (int64_t k = 0; k < m; ++k) {
        const uint32_t bits =
            scale_bits & (0u - static_cast<uint32_t>((w[static_cast<size_t>(k)] >> 8) >= threshold));
        float keep;
        std::memcpy(&keep, &bits, sizeof keep);
        mask[i + k] = keep;
        y[i + k] = x[i + k] * keep;
      }
    }
    return absl::OkStatus();
  }

 private:
  const float* x_;
  float* y_;
  float* mask_;
  int64_t n_;
  uint64_t* counter_;
  PhiloxKey key_;
  uint32_t threshold_;  // keep when the 24-bit draw is at least this: ceil(rate * 2^24)
  float scale_;
};

class DropoutGradKernel : public Kernel {
 public:
  DropoutGradKernel(const Tensor& dy, const Tensor& mask, Tensor& dx)
      : dy_(dy.data<float>()), mask_(mask.data<float>()), dx_(dx.data<float>()), n_(dx.num_elements()) {}

  absl::Status Run(RunContext&) override {
    const float* __restrict dy = dy_;
    const float* __restrict mask = mask_;
    float* __restrict dx = dx_;
    for (int64_t i = 0; i < n_; ++i) dx[i] = dy[i] * mask[i];
    return absl::OkStatus();
  }

 private:
  const float* dy_;
  const float* mask_;
  float* dx_;
  int64_t n_;
};

}  // namespace

bool ActivationGradUsesOutput(ops::ActivationKind kind, float alpha) {
  switch (kind) {
    case ops::ActivationKind::kRelu:
    case ops::ActivationKind::kSigmoid:
    case ops::ActivationKind::kTanh:
      return true;
    case ops::ActivationKind::kLeakyRelu:
    case ops::ActivationKind::kElu:
      return alpha >= 0.0f;
    case ops::ActivationKind::kGelu:
    case ops::ActivationKind::kGeluTanh:
    case ops::ActivationKind::kSoftplus:
      return false;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeBiasAddKernel(KernelContext& ctx) {
  const Tensor& x = ctx.inputs[0];
  const Tensor& bias = ctx.inputs[1];
  if (x.rank() < 1 || bias.num_elements() != x.dim(x.rank() - 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bias ", bias.shape().ToString(), " does not match the last dim of x ", x.shape().ToString()));
  }
  return std::make_unique<BiasAddKernel>(x, bias, ctx.outputs[0]);
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeDropoutKernel(KernelContext& ctx) {
  const AttrMap& attrs = ctx.node.attrs();
  const PhiloxKey key = PhiloxKeyFromSeeds(attrs.GetInt("graph_seed"), attrs.GetInt("seed"));
  return std::make_unique<DropoutKernel>(ctx.inputs[0], ctx.outputs[0], ctx.outputs[1],
                                         ctx.services.RngCounter(ctx.node), key, attrs.GetFloat("rate"));
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeDropoutGradKernel(KernelContext& ctx) {
  return std::make_unique<DropoutGradKernel>(ctx.inputs[0], ctx.inputs[1], ctx.outputs[0]);
}

}  // namespace graph
