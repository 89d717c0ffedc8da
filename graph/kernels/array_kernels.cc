#include "graph/kernels/array_kernels.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/kernels/odometer.h"

namespace graph {
namespace {

std::vector<int64_t> DimsOf(const Shape& s) { return std::vector<int64_t>(s.dims().begin(), s.dims().end()); }

int NormalizeAxis(int64_t axis, int rank) { return static_cast<int>(axis < 0 ? axis + rank : axis); }

// ---- Transpose ----

// Elements are moved as unsigned integers of the dtype's size, so one instantiation serves several dtypes.
template <typename U>
class TransposeKernel : public Kernel {
 public:
  static constexpr int64_t kTile = 32;

  TransposeKernel(const Tensor& in, Tensor& out, const std::vector<int64_t>& perm)
      : in_(static_cast<const U*>(in.raw_data())),
        out_(static_cast<U*>(out.raw_data())),
        n_(out.num_elements()) {
    const std::vector<int64_t> in_dims = DimsOf(in.shape());
    const std::vector<int64_t> in_strides = RowMajorStrides(in_dims);
    // Output dims in order with their input strides; size-1 dims dropped, neighbours adjacent in the input
    // merged.
    std::vector<int64_t> dims, strides;
    for (int64_t p : perm) {
      const int64_t d = in_dims[static_cast<size_t>(p)];
      const int64_t st = in_strides[static_cast<size_t>(p)];
      if (d == 1) continue;
      if (!dims.empty() && strides.back() == st * d) {
        dims.back() *= d;
        strides.back() = st;
      } else {
        dims.push_back(d);
        strides.push_back(st);
      }
    }
    const size_t r = dims.size();
    if (r <= 1) {
      mode_ = Mode::kCopy;
    } else if (strides.back() == 1) {
      mode_ = Mode::kRows;
      row_ = dims.back();
      outer_dims_.assign(dims.begin(), dims.end() - 1);
      outer_strides_.assign(strides.begin(), strides.end() - 1);
    } else {
      mode_ = Mode::kTiles;
      rows_ = dims[r - 2];
      cols_ = dims[r - 1];
      row_stride_ = strides[r - 2];
      col_stride_ = strides[r - 1];
      outer_dims_.assign(dims.begin(), dims.end() - 2);
      outer_strides_.assign(strides.begin(), strides.end() - 2);
    }
    idx_.resize(outer_dims_.size());
  }

  absl::Status Run(RunContext&) override {
    if (n_ == 0) return absl::OkStatus();
    if (mode_ == Mode::kCopy) {
      std::memcpy(out_, in_, static_cast<size_t>(n_) * sizeof(U));
      return absl::OkStatus();
    }
    U* out = out_;
    if (mode_ == Mode::kRows) {
      ForEachOffset(outer_dims_, outer_strides_, idx_, [&](int64_t off) {
        std::memcpy(out, in_ + off, static_cast<size_t>(row_) * sizeof(U));
        out += row_;
      });
      return absl::OkStatus();
    }
    ForEachOffset(outer_dims_, outer_strides_, idx_, [&](int64_t off) {
      const U* __restrict src = in_ + off;
      U* __restrict dst = out;
      for (int64_t r0 = 0; r0 < rows_; r0 += kTile) {
        const int64_t r1 = std::min(rows_, r0 + kTile);
        for (int64_t c0 = 0; c0 < cols_; c0 += kTile) {
          const int64_t c1 = std::min(cols_, c0 + kTile);
          for (int64_t r = r0; r < r1; ++r) {
            const U* s = src + r * row_stride_;
            U* d = dst + r * cols_;
            for (int64_t c = c0; c < c1; ++c) d[c] = s[c * col_stride_];
          }
        }
      }
      out += rows_ * cols_;
    });
    return absl::OkStatus();
  }

 private:
  enum class Mode { kCopy, kRows, kTiles };
  const U* in_;
  U* out_;
  int64_t n_;
  Mode mode_ = Mode::kCopy;
  int64_t row_ = 0;
  int64_t rows_ = 0, cols_ = 0, row_stride_ = 0, col_stride_ = 0;
  std::vector<int64_t> outer_dims_, outer_strides_, idx_;
};

template <typename U>
std::unique_ptr<Kernel> NewTranspose(KernelContext& ctx) {
  return std::make_unique<TransposeKernel<U>>(ctx.inputs[0], ctx.outputs[0],
                                              ctx.node.attrs().GetInts("perm"));
}

// ---- Concat ----

class ConcatKernel : public Kernel {
 public:
  ConcatKernel(const std::vector<Tensor>& ins, Tensor& out, int axis)
      : out_(static_cast<char*>(out.raw_data())) {
    const size_t es = DTypeSize(out.dtype());
    int64_t inner = 1;
    for (int d = axis + 1; d < out.rank(); ++d) inner *= out.dim(d);
    for (int d = 0; d < axis; ++d) outer_ *= out.dim(d);
    for (const Tensor& t : ins) {
      parts_.push_back(
          {static_cast<const char*>(t.raw_data()), static_cast<size_t>(t.dim(axis) * inner) * es});
    }
  }

  absl::Status Run(RunContext&) override {
    char* o = out_;
    for (int64_t i = 0; i < outer_; ++i) {
      for (const Part& p : parts_) {
        if (p.chunk > 0) std::memcpy(o, p.src + static_cast<size_t>(i) * p.chunk, p.chunk);
        o += p.chunk;
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Part {
    const char* src;
    size_t chunk;  // bytes per outer index
  };
  char* out_;
  int64_t outer_ = 1;
  std::vector<Part> parts_;
};

// ---- Slice ----

class SliceKernel : public Kernel {
 public:
  SliceKernel(const Tensor& in, Tensor& out, const std::vector<int64_t>& begin)
      : in_(static_cast<const char*>(in.raw_data())),
        out_(static_cast<char*>(out.raw_data())),
        es_(DTypeSize(in.dtype())),
        empty_(out.num_elements() == 0) {
    const std::vector<int64_t> in_strides = RowMajorStrides(DimsOf(in.shape()));
    // Trailing dims taken whole join the innermost copied dim into one contiguous row.
    int k = in.rank() - 1;
    int64_t row = 1;
    while (k >= 0 && begin[static_cast<size_t>(k)] == 0 && out.dim(k) == in.dim(k)) row *= in.dim(k--);
    if (k >= 0) row *= out.dim(k);
    row_bytes_ = static_cast<size_t>(row) * es_;
    for (int d = 0; d < in.rank(); ++d)
      base_ += begin[static_cast<size_t>(d)] * in_strides[static_cast<size_t>(d)];
    for (int d = 0; d < k; ++d) {
      outer_dims_.push_back(out.dim(d));
      outer_strides_.push_back(in_strides[static_cast<size_t>(d)]);
    }
    idx_.resize(outer_dims_.size());
  }

  absl::Status Run(RunContext&) override {
    if (empty_) return absl::OkStatus();
    char* o = out_;
    ForEachOffset(outer_dims_, outer_strides_, idx_, [&](int64_t off) {
      std::memcpy(o, in_ + static_cast<size_t>(base_ + off) * es_, row_bytes_);
      o += row_bytes_;
    });
    return absl::OkStatus();
  }

 private:
  const char* in_;
  char* out_;
  size_t es_;
  bool empty_;
  size_t row_bytes_ = 0;
  int64_t base_ = 0;
  std::vector<int64_t> outer_dims_, outer_strides_, idx_;
};

// ---- Gather ----

template <typename I>
class GatherKernel : public Kernel {
 public:
  GatherKernel(const Tensor& params, const Tensor& indices, Tensor& out, int axis)
      : params_(static_cast<const char*>(params.raw_data())),
        indices_(indices.data<I>()),
        num_indices_(indices.num_elements()),
        out_(static_cast<char*>(out.raw_data())),
        n_(params.dim(axis)),
        axis_(axis),
        params_shape_(params.shape().ToString()) {
    int64_t inner = 1;
    for (int d = axis + 1; d < params.rank(); ++d) inner *= params.dim(d);
    for (int d = 0; d < axis; ++d) outer_ *= params.dim(d);
    inner_bytes_ = static_cast<size_t>(inner) * DTypeSize(params.dtype());
  }

  absl::Status Run(RunContext&) override {
    for (int64_t j = 0; j < num_indices_; ++j) {
      const int64_t v = static_cast<int64_t>(indices_[j]);
      if (v < 0 || v >= n_) {
        return absl::InvalidArgumentError(absl::StrCat("indices[", j, "] = ", v, " is out of range: params ",
                                                       params_shape_, " has ", n_, " entries along axis ",
                                                       axis_, ", so indices must be in [0, ", n_, ")"));
      }
    }
    char* o = out_;
    for (int64_t i = 0; i < outer_; ++i) {
      const char* base = params_ + static_cast<size_t>(i * n_) * inner_bytes_;
      for (int64_t j = 0; j < num_indices_; ++j) {
        std::memcpy(o, base + static_cast<size_t>(indices_[j]) * inner_bytes_, inner_bytes_);
        o += inner_bytes_;
      }
    }
    return absl::OkStatus();
  }

 private:
  const char* params_;
  const I* indices_;
  int64_t num_indices_;
  char* out_;
  int64_t n_;
  int axis_;
  std::string params_shape_;
  int64_t outer_ = 1;
  size_t inner_bytes_ = 0;
};

// ---- OneHot ----

template <typename I, typename T>
class OneHotKernel : public Kernel {
 public:
  OneHotKernel(const Tensor& indices, Tensor& out, int axis, int64_t depth, T on, T off)
      : indices_(indices.data<I>()),
        out_(out.data<T>()),
        n_(out.num_elements()),
        depth_(depth),
        on_(on),
        off_(off) {
    for (int d = 0; d < axis; ++d) outer_ *= indices.dim(d);
    for (int d = axis; d < indices.rank(); ++d) inner_ *= indices.dim(d);
  }

  absl::Status Run(RunContext&) override {
    std::fill(out_, out_ + n_, off_);
    for (int64_t o = 0; o < outer_; ++o) {
      const I* idx = indices_ + o * inner_;
      T* block = out_ + o * depth_ * inner_;
      for (int64_t i = 0; i < inner_; ++i) {
        const int64_t v = static_cast<int64_t>(idx[i]);
        if (v >= 0 && v < depth_) block[v * inner_ + i] = on_;
      }
    }
    return absl::OkStatus();
  }

 private:
  const I* indices_;
  T* out_;
  int64_t n_;
  int64_t depth_;
  T on_, off_;
  int64_t outer_ = 1, inner_ = 1;
};

template <typename I>
std::unique_ptr<Kernel> NewOneHot(KernelContext& ctx, int axis) {
  const AttrMap& a = ctx.node.attrs();
  const int64_t depth = a.GetInt("depth");
  const double on = a.GetFloat("on_value");
  const double off = a.GetFloat("off_value");
  Tensor& out = ctx.outputs[0];
  switch (out.dtype()) {
    case DType::kInt32:
      return std::make_unique<OneHotKernel<I, int32_t>>(ctx.inputs[0], out, axis, depth,
                                                        static_cast<int32_t>(on), static_cast<int32_t>(off));
    case DType::kInt64:
      return std::make_unique<OneHotKernel<I, int64_t>>(ctx.inputs[0], out, axis, depth,
                                                        static_cast<int64_t>(on), static_cast<int64_t>(off));
    default:
      return std::make_unique<OneHotKernel<I, float>>(ctx.inputs[0], out, axis, depth, static_cast<float>(on),
                                                      static_cast<float>(off));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeTransposeKernel(KernelContext& ctx) {
  switch (DTypeSize(ctx.inputs[0].dtype())) {
    case 1:
      return NewTranspose<uint8_t>(ctx);
    case 2:
      return NewTranspose<uint16_t>(ctx);
    case 4:
      return NewTranspose<uint32_t>(ctx);
    case 8:
      return NewTranspose<uint64_t>(ctx);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("no kernel for dtype ", DTypeName(ctx.inputs[0].dtype())));
  }
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeConcatKernel(KernelContext& ctx) {
  Tensor& out = ctx.outputs[0];
  return std::make_unique<ConcatKernel>(ctx.inputs, out,
                                        NormalizeAxis(ctx.node.attrs().GetInt("axis"), out.rank()));
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeSliceKernel(KernelContext& ctx) {
  return std::make_unique<SliceKernel>(ctx.inputs[0], ctx.outputs[0], ctx.node.attrs().GetInts("begin"));
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeGatherKernel(KernelContext& ctx) {
  const int axis = NormalizeAxis(ctx.node.attrs().GetInt("axis"), ctx.inputs[0].rank());
  if (ctx.inputs[1].dtype() == DType::kInt32) {
    return std::make_unique<GatherKernel<int32_t>>(ctx.inputs[0], ctx.inputs[1], ctx.outputs[0], axis);
  }
  return std::make_unique<GatherKernel<int64_t>>(ctx.inputs[0], ctx.inputs[1], ctx.outputs[0], axis);
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeOneHotKernel(KernelContext& ctx) {
  const int64_t axis_attr = ctx.node.attrs().GetInt("axis");
  const int axis = axis_attr < 0 ? ctx.inputs[0].rank() : static_cast<int>(axis_attr);
  if (ctx.inputs[0].dtype() == DType::kInt32) return NewOneHot<int32_t>(ctx, axis);
  return NewOneHot<int64_t>(ctx, axis);
}

}  // namespace graph
