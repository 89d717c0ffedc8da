#include "graph/ops/array_grad_ops.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/kernel.h"
#include "graph/kernels/odometer.h"

namespace graph {
namespace ops {

Output SliceGrad(const Scope& s, Output dy, Output x, std::vector<int64_t> begin, Loc loc) {
  Node* n = s.AddOp(OpKind::kSliceGrad, {dy, x}, {{"begin", std::move(begin)}}, loc, "slice_grad");
  return n ? n->output(0) : Output();
}

Output GatherGrad(const Scope& s, Output dy, Output indices, Output params, int64_t axis, Loc loc) {
  Node* n = s.AddOp(OpKind::kGatherGrad, {dy, indices, params}, {{"axis", axis}}, loc, "gather_grad");
  return n ? n->output(0) : Output();
}

}  // namespace ops

namespace {

std::string Ints(const std::vector<int64_t>& v) { return absl::StrCat("[", absl::StrJoin(v, ","), "]"); }

std::vector<int64_t> DimsOf(const Shape& s) { return std::vector<int64_t>(s.dims().begin(), s.dims().end()); }

// ---- shape functions ----

// Inputs: dy, x. Output: x's shape with dy's dtype.
absl::Status SliceGradShape(InferenceContext& c) {
  const Shape& dy = c.input_shape(0);
  const Shape& x = c.input_shape(1);
  const std::vector<int64_t>& begin = c.attrs().GetInts("begin");
  if (c.input_dtype(0) != c.input_dtype(1)) {
    return absl::InvalidArgumentError(absl::StrCat("dy has dtype ", DTypeName(c.input_dtype(0)),
                                                   " but x has ", DTypeName(c.input_dtype(1))));
  }
  if (dy.rank() != x.rank() || static_cast<int>(begin.size()) != x.rank()) {
    return absl::InvalidArgumentError(absl::StrCat("dy ", dy.ToString(), ", x ", x.ToString(), " and begin ",
                                                   Ints(begin), " need the same rank"));
  }
  for (int d = 0; d < x.rank(); ++d) {
    const int64_t b = begin[static_cast<size_t>(d)];
    if (b < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("begin ", Ints(begin), " has a negative entry (dim ", d, ")"));
    }
    if (x.dim(d) >= 0 && (b > x.dim(d) || (dy.dim(d) >= 0 && b + dy.dim(d) > x.dim(d)))) {
      return absl::InvalidArgumentError(absl::StrCat("dy ", dy.ToString(), " placed at begin ", Ints(begin),
                                                     " does not fit in x ", x.ToString(), " (dim ", d, ")"));
    }
  }
  c.AddOutput(c.input_dtype(0), x);
  return absl::OkStatus();
}

// Inputs: dy, indices, params. Output: params' shape with dy's dtype.
absl::Status GatherGradShape(InferenceContext& c) {
  const Shape& dy = c.input_shape(0);
  const Shape& indices = c.input_shape(1);
  const Shape& params = c.input_shape(2);
  const DType t = c.input_dtype(0);
  if (c.input_dtype(1) != DType::kInt32 && c.input_dtype(1) != DType::kInt64) {
    return absl::InvalidArgumentError(
        absl::StrCat("indices must be i32 or i64, got ", DTypeName(c.input_dtype(1))));
  }
  if (t != DType::kFloat32 && t != DType::kBFloat16 && t != DType::kInt32 && t != DType::kInt64) {
    return absl::InvalidArgumentError(absl::StrCat("dy has dtype ", DTypeName(t), " (f32, bf16, i32, i64)"));
  }
  if (t != c.input_dtype(2)) {
    return absl::InvalidArgumentError(
        absl::StrCat("dy has dtype ", DTypeName(t), " but params has ", DTypeName(c.input_dtype(2))));
  }
  const int r = params.rank();
  const int64_t axis = c.attrs().GetInt("axis");
  if (axis < -r || axis >= r) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", axis, " is out of range for params of shape ", params.ToString()));
  }
  const int a = static_cast<int>(axis < 0 ? axis + r : axis);
  Shape expected;
  for (int d = 0; d < a; ++d) expected.AddDim(params.dim(d));
  for (int64_t d : indices.dims()) expected.AddDim(d);
  for (int d = a + 1; d < r; ++d) expected.AddDim(params.dim(d));
  if (!dy.IsCompatibleWith(expected)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dy has shape ", dy.ToString(), " but gathering from params ", params.ToString(), " with indices ",
        indices.ToString(), " along axis ", a, " gives ", expected.ToString()));
  }
  c.AddOutput(t, params);
  return absl::OkStatus();
}

// ---- SliceGrad kernel: zero the output, then copy dy's rows into the block at `begin` ----

class SliceGradKernel : public Kernel {
 public:
  SliceGradKernel(const Tensor& dy, Tensor& out, const std::vector<int64_t>& begin)
      : dy_(static_cast<const char*>(dy.raw_data())),
        out_(static_cast<char*>(out.raw_data())),
        out_bytes_(out.nbytes()),
        es_(DTypeSize(dy.dtype())),
        empty_(dy.num_elements() == 0) {
    const std::vector<int64_t> out_strides = RowMajorStrides(DimsOf(out.shape()));
    // Trailing dims that dy covers whole join the innermost copied dim into one contiguous row.
    int k = out.rank() - 1;
    int64_t row = 1;
    while (k >= 0 && begin[static_cast<size_t>(k)] == 0 && dy.dim(k) == out.dim(k)) row *= out.dim(k--);
    covers_all_ = k < 0;
    if (k >= 0) row *= dy.dim(k);
    row_bytes_ = static_cast<size_t>(row) * es_;
    for (int d = 0; d < out.rank(); ++d) {
      base_ += begin[static_cast<size_t>(d)] * out_strides[static_cast<size_t>(d)];
    }
    for (int d = 0; d < k; ++d) {
      outer_dims_.push_back(dy.dim(d));
      outer_strides_.push_back(out_strides[static_cast<size_t>(d)]);
    }
    idx_.resize(outer_dims_.size());
  }

  absl::Status Run(RunContext&) override {
    if (!covers_all_ && out_bytes_ > 0) std::memset(out_, 0, out_bytes_);
    if (empty_) return absl::OkStatus();
    const char* src = dy_;
    ForEachOffset(outer_dims_, outer_strides_, idx_, [&](int64_t off) {
      std::memcpy(out_ + static_cast<size_t>(base_ + off) * es_, src, row_bytes_);
      src += row_bytes_;
    });
    return absl::OkStatus();
  }

 private:
  const char* dy_;
  char* out_;
  size_t out_bytes_;
  size_t es_;
  bool empty_;
  bool covers_all_ = false;
  size_t row_bytes_ = 0;
  int64_t base_ = 0;
  std::vector<int64_t> outer_dims_, outer_strides_, idx_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeSliceGradKernel(KernelContext& ctx) {
  return std::make_unique<SliceGradKernel>(ctx.inputs[0], ctx.outputs[0], ctx.node.attrs().GetInts("begin"));
}

// ---- GatherGrad kernel: zero the output, then add every slice of dy to the row its index names ----

template <typename T>
T Plus(T a, T b) {
  if constexpr (std::is_same_v<T, bfloat16>) {
    return bfloat16(static_cast<float>(a) + static_cast<float>(b));
  } else if constexpr (std::is_integral_v<T>) {  // wraps like the dtype instead of overflowing
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

template <typename T, typename I>
class GatherGradKernel : public Kernel {
 public:
  GatherGradKernel(const Tensor& dy, const Tensor& indices, Tensor& out, int axis)
      : dy_(dy.data<T>()),
        indices_(indices.data<I>()),
        num_indices_(indices.num_elements()),
        out_(out.data<T>()),
        out_n_(out.num_elements()),
        n_(out.dim(axis)),
        axis_(axis),
        params_shape_(out.shape().ToString()) {
    for (int d = axis + 1; d < out.rank(); ++d) inner_ *= out.dim(d);
    for (int d = 0; d < axis; ++d) outer_ *= out.dim(d);
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
    std::fill_n(out_, out_n_, T{});
    const T* __restrict src = dy_;
    const int64_t inner = inner_;
    for (int64_t i = 0; i < outer_; ++i) {
      T* base = out_ + i * n_ * inner;
      for (int64_t j = 0; j < num_indices_; ++j) {
        T* __restrict row = base + static_cast<int64_t>(indices_[j]) * inner;
        for (int64_t k = 0; k < inner; ++k) row[k] = Plus(row[k], src[k]);
        src += inner;
      }
    }
    return absl::OkStatus();
  }

 private:
  const T* dy_;
  const I* indices_;
  int64_t num_indices_;
  T* out_;
  int64_t out_n_;
  int64_t n_;
  int axis_;
  std::string params_shape_;
  int64_t outer_ = 1, inner_ = 1;
};

template <typename I>
absl::StatusOr<std::unique_ptr<Kernel>> NewGatherGrad(KernelContext& ctx, int axis) {
  const Tensor& dy = ctx.inputs[0];
  const Tensor& indices = ctx.inputs[1];
  Tensor& out = ctx.outputs[0];
  switch (dy.dtype()) {
    case DType::kFloat32:
      return std::make_unique<GatherGradKernel<float, I>>(dy, indices, out, axis);
    case DType::kBFloat16:
      return std::make_unique<GatherGradKernel<bfloat16, I>>(dy, indices, out, axis);
    case DType::kInt32:
      return std::make_unique<GatherGradKernel<int32_t, I>>(dy, indices, out, axis);
    case DType::kInt64:
      return std::make_unique<GatherGradKernel<int64_t, I>>(dy, indices, out, axis);
    default:
      return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(dy.dtype())));
  }
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeGatherGradKernel(KernelContext& ctx) {
  const int64_t axis = ctx.node.attrs().GetInt("axis");
  const int rank = ctx.outputs[0].rank();
  const int a = static_cast<int>(axis < 0 ? axis + rank : axis);
  if (ctx.inputs[1].dtype() == DType::kInt32) return NewGatherGrad<int32_t>(ctx, a);
  return NewGatherGrad<int64_t>(ctx, a);
}

}  // namespace

void RegisterArrayGradSupportOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kSliceGrad,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = SliceGradShape,
              .kernel = MakeSliceGradKernel});
  r.Register({.kind = OpKind::kGatherGrad,
              .min_inputs = 3,
              .max_inputs = 3,
              .shape_fn = GatherGradShape,
              .kernel = MakeGatherGradKernel});
}

}  // namespace graph
