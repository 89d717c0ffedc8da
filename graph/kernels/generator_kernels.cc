#include "graph/kernels/generator_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "graph/kernels/philox.h"

namespace graph {
namespace {

// Copies the scalar input into every element, moving elements as unsigned integers of the dtype's size.
template <typename U>
class FillKernel : public Kernel {
 public:
  FillKernel(const Tensor& value, Tensor& out)
      : value_(static_cast<const U*>(value.raw_data())),
        out_(static_cast<U*>(out.raw_data())),
        n_(out.num_elements()) {}

  absl::Status Run(RunContext&) override {
    std::fill(out_, out_ + n_, *value_);
    return absl::OkStatus();
  }

 private:
  const U* value_;
  U* out_;
  int64_t n_;
};

template <typename T>
class RangeKernel : public Kernel {
 public:
  RangeKernel(Tensor& out, double start, double delta)
      : out_(out.data<T>()), n_(out.num_elements()), start_(start), delta_(delta) {}

  absl::Status Run(RunContext&) override {
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < n_; ++i) out_[i] = static_cast<T>(start_ + static_cast<double>(i) * delta_);
    } else {
      const int64_t start = static_cast<int64_t>(start_);
      const int64_t delta = static_cast<int64_t>(delta_);
      for (int64_t i = 0; i < n_; ++i) out_[i] = static_cast<T>(start + i * delta);
    }
    return absl::OkStatus();
  }

 private:
  T* out_;
  int64_t n_;
  double start_, delta_;
};

// Element i of run r comes from word i % 4 of Philox4x32-10 at counter (i / 4, r) under the op's key, so the
// values depend only on the seeds, the run number and the position.
template <bool kNormal>
class RandomKernel : public Kernel {
 public:
  // Uniform: values in [a, b). Normal: mean a, standard deviation b.
  RandomKernel(Tensor& out, uint64_t* counter, PhiloxKey key, float a, float b)
      : out_(out.data<float>()),
        n_(out.num_elements()),
        counter_(counter),
        key_(key),
        a_(a),
        b_(b),
        below_b_(a < b ? std::nextafter(b, a) : b) {}

  absl::Status Run(RunContext&) override {
    const uint64_t run = (*counter_)++;
    const uint32_t run_lo = static_cast<uint32_t>(run);
    const uint32_t run_hi = static_cast<uint32_t>(run >> 32);
    const float scale = kNormal ? b_ : b_ - a_;
    for (int64_t i = 0; i < n_; i += 4) {
      const uint64_t block = static_cast<uint64_t>(i) / 4;
      const PhiloxCounter w = Philox4x32_10(
          {static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), run_lo, run_hi}, key_);
      float v[4];
      if constexpr (kNormal) {
        const auto z01 = BoxMuller(w[0], w[1]);
        const auto z23 = BoxMuller(w[2], w[3]);
        v[0] = z01[0];
        v[1] = z01[1];
        v[2] = z23[0];
        v[3] = z23[1];
      } else {
        for (int k = 0; k < 4; ++k) v[k] = UniformFloat(w[static_cast<size_t>(k)]);
      }
      const int64_t m = std::min<int64_t>(4, n_ - i);
      for (int64_t k = 0; k < m; ++k) {
        const float x = a_ + scale * v[k];
        // Rounding can carry a + (b - a) * u up to b; the range is half-open.
        out_[i + k] = kNormal ? x : std::min(x, below_b_);
      }
    }
    return absl::OkStatus();
  }

 private:
  float* out_;
  int64_t n_;
  uint64_t* counter_;
  PhiloxKey key_;
  float a_, b_;
  float below_b_;  // the largest float below b (uniform only)
};

template <bool kNormal>
std::unique_ptr<Kernel> NewRandom(KernelContext& ctx, const char* a_name, const char* b_name) {
  const AttrMap& attrs = ctx.node.attrs();
  const PhiloxKey key = PhiloxKeyFromSeeds(attrs.GetInt("graph_seed"), attrs.GetInt("seed"));
  return std::make_unique<RandomKernel<kNormal>>(ctx.outputs[0], ctx.services.RngCounter(ctx.node), key,
                                                 static_cast<float>(attrs.GetFloat(a_name)),
                                                 static_cast<float>(attrs.GetFloat(b_name)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeFillKernel(KernelContext& ctx) {
  const Tensor& value = ctx.inputs[0];
  Tensor& out = ctx.outputs[0];
  switch (DTypeSize(value.dtype())) {
    case 1:
      return std::make_unique<FillKernel<uint8_t>>(value, out);
    case 2:
      return std::make_unique<FillKernel<uint16_t>>(value, out);
    case 4:
      return std::make_unique<FillKernel<uint32_t>>(value, out);
    case 8:
      return std::make_unique<FillKernel<uint64_t>>(value, out);
    default:
      return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(value.dtype())));
  }
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeRangeKernel(KernelContext& ctx) {
  const AttrMap& attrs = ctx.node.attrs();
  const double start = attrs.GetFloat("start");
  const double delta = attrs.GetFloat("delta");
  Tensor& out = ctx.outputs[0];
  switch (out.dtype()) {
    case DType::kInt32:
      return std::make_unique<RangeKernel<int32_t>>(out, start, delta);
    case DType::kInt64:
      return std::make_unique<RangeKernel<int64_t>>(out, start, delta);
    default:
      return std::make_unique<RangeKernel<float>>(out, start, delta);
  }
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeRandomUniformKernel(KernelContext& ctx) {
  return NewRandom<false>(ctx, "minval", "maxval");
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeRandomNormalKernel(KernelContext& ctx) {
  return NewRandom<true>(ctx, "mean", "stddev");
}

}  // namespace graph
