#include "graph/ops/reduction_ops.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/kernels/reduction_kernels.h"
#include "graph/op_registry.h"

namespace graph {
namespace ops {
namespace {

Output Reduce(OpKind kind, const char* name, const Scope& s, Output x, std::vector<int64_t> axes,
              bool keep_dims, Loc loc) {
  Node* n = s.AddOp(kind, {x}, {{"axes", std::move(axes)}, {"keep_dims", keep_dims}}, loc, name);
  return n ? n->output(0) : Output();
}

}  // namespace

Output Sum(const Scope& s, Output x, std::vector<int64_t> axes, bool keep_dims, Loc loc) {
  return Reduce(OpKind::kSum, "sum", s, x, std::move(axes), keep_dims, loc);
}
Output Mean(const Scope& s, Output x, std::vector<int64_t> axes, bool keep_dims, Loc loc) {
  return Reduce(OpKind::kMean, "mean", s, x, std::move(axes), keep_dims, loc);
}
Output Max(const Scope& s, Output x, std::vector<int64_t> axes, bool keep_dims, Loc loc) {
  return Reduce(OpKind::kMax, "max", s, x, std::move(axes), keep_dims, loc);
}
Output Min(const Scope& s, Output x, std::vector<int64_t> axes, bool keep_dims, Loc loc) {
  return Reduce(OpKind::kMin, "min", s, x, std::move(axes), keep_dims, loc);
}

Output ArgMax(const Scope& s, Output x, int64_t axis, DType out, Loc loc) {
  Node* n = s.AddOp(OpKind::kArgMax, {x}, {{"axis", axis}, {"dtype", out}}, loc, "argmax");
  return n ? n->output(0) : Output();
}

}  // namespace ops

namespace {

absl::Status CheckNumeric(DType t) {
  if (t == DType::kFloat32 || t == DType::kInt32 || t == DType::kInt64) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("dtype ", DTypeName(t), " is not supported (f32, i32, i64)"));
}

template <OpKind K>
absl::Status ReduceShape(InferenceContext& c) {
  const Shape& in = c.input_shape(0);
  if (absl::Status st = CheckNumeric(c.input_dtype(0)); !st.ok()) return st;
  const std::vector<int64_t>& axes = c.attrs().GetInts("axes");
  auto mask = ReducedDims(axes, in);
  if (!mask.ok()) return mask.status();
  const bool keep_dims = c.attrs().GetBool("keep_dims");
  Shape out;
  bool empty_set = false;
  for (int d = 0; d < in.rank(); ++d) {
    if (!(*mask)[static_cast<size_t>(d)]) {
      out.AddDim(in.dim(d));
      continue;
    }
    empty_set |= in.dim(d) == 0;
    if (keep_dims) out.AddDim(1);
  }
  const bool needs_elements =
      K == OpKind::kMax || K == OpKind::kMin || (K == OpKind::kMean && c.input_dtype(0) != DType::kFloat32);
  if (empty_set && needs_elements) {
    return absl::InvalidArgumentError(absl::StrCat("cannot reduce an empty set: axes [",
                                                   absl::StrJoin(axes, ","), "] of input shape ",
                                                   in.ToString(), " hold no elements"));
  }
  c.AddOutput(c.input_dtype(0), std::move(out));
  return absl::OkStatus();
}

absl::Status ArgMaxShape(InferenceContext& c) {
  const Shape& in = c.input_shape(0);
  if (absl::Status st = CheckNumeric(c.input_dtype(0)); !st.ok()) return st;
  const DType out_type = c.attrs().GetType("dtype");
  if (out_type != DType::kInt32 && out_type != DType::kInt64) {
    return absl::InvalidArgumentError(
        absl::StrCat("output dtype must be i32 or i64, got ", DTypeName(out_type)));
  }
  const int r = in.rank();
  const int64_t axis = c.attrs().GetInt("axis");
  if (axis < -r || axis >= r) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", axis, " is out of range for input shape ", in.ToString()));
  }
  const int a = static_cast<int>(axis < 0 ? axis + r : axis);
  if (in.dim(a) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", axis, " of input shape ", in.ToString(), " is empty: there is no maximum"));
  }
  Shape out;
  for (int d = 0; d < r; ++d) {
    if (d != a) out.AddDim(in.dim(d));
  }
  c.AddOutput(out_type, std::move(out));
  return absl::OkStatus();
}

}  // namespace

void RegisterReductionOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kSum,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ReduceShape<OpKind::kSum>,
              .kernel = MakeSumKernel});
  r.Register({.kind = OpKind::kMean,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ReduceShape<OpKind::kMean>,
              .kernel = MakeMeanKernel});
  r.Register({.kind = OpKind::kMax,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ReduceShape<OpKind::kMax>,
              .kernel = MakeMaxKernel});
  r.Register({.kind = OpKind::kMin,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ReduceShape<OpKind::kMin>,
              .kernel = MakeMinKernel});
  r.Register({.kind = OpKind::kArgMax,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ArgMaxShape,
              .kernel = MakeArgMaxKernel,
              .differentiable = false});
}

}  // namespace graph
