#include "graph/kernels/reduction_kernels.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/kernels/odometer.h"

namespace graph {

absl::StatusOr<std::vector<bool>> ReducedDims(const std::vector<int64_t>& axes, const Shape& shape) {
  const int r = shape.rank();
  std::vector<bool> mask(static_cast<size_t>(r), axes.empty());
  for (int64_t a : axes) {
    if (a < -r || a >= r) {
      return absl::InvalidArgumentError(absl::StrCat("axis ", a, " of axes [", absl::StrJoin(axes, ","),
                                                     "] is out of range for input shape ", shape.ToString()));
    }
    const size_t d = static_cast<size_t>(a < 0 ? a + r : a);
    if (mask[d]) {
      return absl::InvalidArgumentError(absl::StrCat("axes [", absl::StrJoin(axes, ","), "] name dim ", d,
                                                     " twice for input shape ", shape.ToString()));
    }
    mask[d] = true;
  }
  return mask;
}

namespace {

template <typename T>
bool IsNaN(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return v != v;
  } else {
    return false;
  }
}

// How values combine. Sum and Mean accumulate f32 in double (each element is added to a double, so a long sum
// keeps about 15 significant digits instead of float's 7) and integers in wrapping uint64.
template <OpKind K, typename T>
struct Reducer {
  static constexpr bool kSum = K == OpKind::kSum || K == OpKind::kMean;
  using Acc = std::conditional_t<kSum, std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>, T>;

  static Acc Identity() {
    if constexpr (kSum) {
      return Acc(0);
    } else if constexpr (std::is_floating_point_v<T>) {
      return K == OpKind::kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    } else {
      return K == OpKind::kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    }
  }
  // NaN propagates through Max and Min: once the accumulator is NaN it stays NaN.
  static Acc Combine(Acc a, Acc v) {
    if constexpr (kSum) {
      return a + v;
    } else if constexpr (K == OpKind::kMax) {
      return (v > a || IsNaN(v)) ? v : a;
    } else {
      return (v < a || IsNaN(v)) ? v : a;
    }
  }
  static Acc Lift(T v) { return static_cast<Acc>(v); }
  // Reduces a contiguous row.
  static Acc Row(const T* __restrict p, int64_t n) {
    if constexpr (kSum) {
      Acc s0 = 0, s1 = 0, s2 = 0, s3 = 0;  // independent chains keep the adds pipelined
      int64_t i = 0;
      for (; i + 4 <= n; i += 4) {
        s0 += Lift(p[i]);
        s1 += Lift(p[i + 1]);
        s2 += Lift(p[i + 2]);
        s3 += Lift(p[i + 3]);
      }
      for (; i < n; ++i) s0 += Lift(p[i]);
      return (s0 + s1) + (s2 + s3);
    } else {
      constexpr int kLanes = 16;  // independent lanes the compiler turns into vector max/min and blends
      Acc lanes[kLanes];
      for (Acc& l : lanes) l = Identity();
      int64_t i = 0;
      for (; i + kLanes <= n; i += kLanes) {
        for (int k = 0; k < kLanes; ++k) lanes[k] = Combine(lanes[k], p[i + k]);
      }
      Acc a = Identity();
      for (; i < n; ++i) a = Combine(a, p[i]);
      for (Acc l : lanes) a = Combine(a, l);
      return a;
    }
  }
  static T Finish(Acc a, int64_t count) {
    if constexpr (K == OpKind::kMean) {
      if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(a / static_cast<double>(count));
      } else {
        return static_cast<T>(static_cast<int64_t>(a) / count);  // truncates toward zero
      }
    } else if constexpr (kSum && !std::is_floating_point_v<T>) {
      return static_cast<T>(static_cast<int64_t>(a));
    } else {
      return static_cast<T>(a);
    }
  }
};

// Reads the input once in memory order. Dims of size 1 are dropped and neighbours that are both reduced or
// both kept are merged, so the innermost loop runs over the longest contiguous stretch: a row reduction when
// the last dim is reduced (Sum over the last axis) or an accumulate-into-row when it is kept (Sum over axis
// 0).
template <OpKind K, typename T>
class ReduceKernel : public Kernel {
  using R = Reducer<K, T>;

 public:
  ReduceKernel(const Tensor& in, Tensor& out, const std::vector<bool>& mask)
      : in_(in.data<T>()), out_(out.data<T>()), n_out_(out.num_elements()), count_(1) {
    std::vector<int64_t> dims;
    std::vector<bool> reduced;
    for (int d = 0; d < in.rank(); ++d) {
      const int64_t n = in.dim(d);
      if (mask[static_cast<size_t>(d)]) count_ *= n;
      if (n == 1) continue;
      if (!dims.empty() && reduced.back() == mask[static_cast<size_t>(d)]) {
        dims.back() *= n;
      } else {
        dims.push_back(n);
        reduced.push_back(mask[static_cast<size_t>(d)]);
      }
    }
    if (dims.empty()) {
      dims.push_back(1);
      reduced.push_back(false);
    }
    // Output strides of the merged dims (0 for reduced ones); kept dims are laid out row-major.
    std::vector<int64_t> out_strides(dims.size(), 0);
    int64_t stride = 1;
    for (size_t i = dims.size(); i-- > 0;) {
      if (!reduced[i]) {
        out_strides[i] = stride;
        stride *= dims[i];
      }
    }
    inner_ = dims.back();
    inner_reduced_ = reduced.back();
    outer_dims_.assign(dims.begin(), dims.end() - 1);
    outer_out_strides_.assign(out_strides.begin(), out_strides.end() - 1);
    idx_.resize(outer_dims_.size());
    acc_.resize(static_cast<size_t>(n_out_));
    empty_input_ = in.num_elements() == 0;
  }

  absl::Status Run(RunContext&) override {
    typename R::Acc* __restrict acc = acc_.data();
    std::fill(acc, acc + n_out_, R::Identity());
    if (!empty_input_) {
      const T* in = in_;
      const int64_t inner = inner_;
      ForEachOffset(outer_dims_, outer_out_strides_, idx_, [&](int64_t out_off) {
        if (inner_reduced_) {
          acc[out_off] = R::Combine(acc[out_off], R::Row(in, inner));
        } else {
          typename R::Acc* __restrict a = acc + out_off;
          const T* __restrict p = in;
          for (int64_t i = 0; i < inner; ++i) a[i] = R::Combine(a[i], R::Lift(p[i]));
        }
        in += inner;
      });
    }
    for (int64_t i = 0; i < n_out_; ++i) out_[i] = R::Finish(acc[i], count_);
    return absl::OkStatus();
  }

 private:
  const T* in_;
  T* out_;
  int64_t n_out_;
  int64_t count_;
  int64_t inner_ = 1;
  bool inner_reduced_ = false;
  bool empty_input_ = false;
  std::vector<int64_t> outer_dims_, outer_out_strides_, idx_;
  std::vector<typename R::Acc> acc_;
};

template <OpKind K>
absl::StatusOr<std::unique_ptr<Kernel>> MakeReduce(KernelContext& ctx) {
  const Tensor& in = ctx.inputs[0];
  auto mask = ReducedDims(ctx.node.attrs().GetInts("axes"), in.shape());
  if (!mask.ok()) return mask.status();
  switch (in.dtype()) {
    case DType::kFloat32:
      return std::make_unique<ReduceKernel<K, float>>(in, ctx.outputs[0], *mask);
    case DType::kInt32:
      return std::make_unique<ReduceKernel<K, int32_t>>(in, ctx.outputs[0], *mask);
    case DType::kInt64:
      return std::make_unique<ReduceKernel<K, int64_t>>(in, ctx.outputs[0], *mask);
    default:
      return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(in.dtype())));
  }
}

// ArgMax over the middle dim of [outer, n, inner]. With inner > 1 the running maxima of a whole row of
// `inner` columns are updated together, reading the input contiguously.
template <typename T, typename O>
class ArgMaxKernel : public Kernel {
 public:
  ArgMaxKernel(const Tensor& in, Tensor& out, int axis)
      : in_(in.data<T>()), out_(out.data<O>()), n_(in.dim(axis)), empty_(out.num_elements() == 0) {
    for (int d = 0; d < axis; ++d) outer_ *= in.dim(d);
    for (int d = axis + 1; d < in.rank(); ++d) inner_ *= in.dim(d);
    best_.resize(static_cast<size_t>(inner_));
  }

  // True if v should replace the current best b: strictly larger, or the first NaN.
  static bool Better(T v, T b) { return !IsNaN(b) && (v > b || IsNaN(v)); }

  absl::Status Run(RunContext&) override {
    if (empty_) return absl::OkStatus();
    for (int64_t o = 0; o < outer_; ++o) {
      const T* x = in_ + o * n_ * inner_;
      O* out = out_ + o * inner_;
      if (inner_ == 1) {
        // The maximum first (vectorised), then the first position holding it.
        const T m = Reducer<OpKind::kMax, T>::Row(x, n_);
        int64_t bi = 0;
        if (IsNaN(m)) {
          while (!IsNaN(x[bi])) ++bi;
        } else {
          while (x[bi] != m) ++bi;
        }
        out[0] = static_cast<O>(bi);
        continue;
      }
      T* __restrict best = best_.data();
      std::copy(x, x + inner_, best);
      std::fill(out, out + inner_, O(0));
      for (int64_t r = 1; r < n_; ++r) {
        const T* row = x + r * inner_;
        for (int64_t i = 0; i < inner_; ++i) {
          if (Better(row[i], best[i])) {
            best[i] = row[i];
            out[i] = static_cast<O>(r);
          }
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  const T* in_;
  O* out_;
  int64_t n_;
  bool empty_;
  int64_t outer_ = 1, inner_ = 1;
  std::vector<T> best_;
};

template <typename T>
std::unique_ptr<Kernel> NewArgMax(KernelContext& ctx, int axis) {
  if (ctx.outputs[0].dtype() == DType::kInt32) {
    return std::make_unique<ArgMaxKernel<T, int32_t>>(ctx.inputs[0], ctx.outputs[0], axis);
  }
  return std::make_unique<ArgMaxKernel<T, int64_t>>(ctx.inputs[0], ctx.outputs[0], axis);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeSumKernel(KernelContext& ctx) {
  return MakeReduce<OpKind::kSum>(ctx);
}
absl::StatusOr<std::unique_ptr<Kernel>> MakeMeanKernel(KernelContext& ctx) {
  return MakeReduce<OpKind::kMean>(ctx);
}
absl::StatusOr<std::unique_ptr<Kernel>> MakeMaxKernel(KernelContext& ctx) {
  return MakeReduce<OpKind::kMax>(ctx);
}
absl::StatusOr<std::unique_ptr<Kernel>> MakeMinKernel(KernelContext& ctx) {
  return MakeReduce<OpKind::kMin>(ctx);
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeArgMaxKernel(KernelContext& ctx) {
  const Tensor& in = ctx.inputs[0];
  const int64_t a = ctx.node.attrs().GetInt("axis");
  const int axis = static_cast<int>(a < 0 ? a + in.rank() : a);
  switch (in.dtype()) {
    case DType::kFloat32:
      return NewArgMax<float>(ctx, axis);
    case DType::kInt32:
      return NewArgMax<int32_t>(ctx, axis);
    case DType::kInt64:
      return NewArgMax<int64_t>(ctx, axis);
    default:
      return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(in.dtype())));
  }
}

}  // namespace graph
