#include "graph/ops/array_ops.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/kernels/array_kernels.h"
#include "graph/op_registry.h"

namespace graph {
namespace ops {
namespace {

Output Single(Node* n) { return n ? n->output(0) : Output(); }

}  // namespace

Output Reshape(const Scope& s, Output x, Shape shape, Loc loc) {
  return Single(s.AddOp(OpKind::kReshape, {x}, {{"shape", std::move(shape)}}, loc, "reshape"));
}

Output Transpose(const Scope& s, Output x, std::vector<int64_t> perm, Loc loc) {
  return Single(s.AddOp(OpKind::kTranspose, {x}, {{"perm", std::move(perm)}}, loc, "transpose"));
}

Output Concat(const Scope& s, std::vector<Output> values, int64_t axis, Loc loc) {
  if (!s.ok()) return {};
  if (values.empty()) {
    s.RecordError(loc, OpKind::kConcat, s.prefix() + "concat", "needs at least one value, got none");
    return {};
  }
  return Single(s.AddOp(OpKind::kConcat, std::move(values), {{"axis", axis}}, loc, "concat"));
}

Output Slice(const Scope& s, Output x, std::vector<int64_t> begin, std::vector<int64_t> size, Loc loc) {
  return Single(
      s.AddOp(OpKind::kSlice, {x}, {{"begin", std::move(begin)}, {"size", std::move(size)}}, loc, "slice"));
}

Output Gather(const Scope& s, Output params, Output indices, int64_t axis, Loc loc) {
  return Single(s.AddOp(OpKind::kGather, {params, indices}, {{"axis", axis}}, loc, "gather"));
}

Output OneHot(const Scope& s, Output indices, int64_t depth, float on_value, float off_value, int64_t axis,
              DType dtype, Loc loc) {
  return Single(s.AddOp(OpKind::kOneHot, {indices},
                        {{"depth", depth},
                         {"on_value", static_cast<double>(on_value)},
                         {"off_value", static_cast<double>(off_value)},
                         {"axis", axis},
                         {"dtype", dtype}},
                        loc, "one_hot"));
}

}  // namespace ops

namespace {

std::string Ints(const std::vector<int64_t>& v) { return absl::StrCat("[", absl::StrJoin(v, ","), "]"); }

// Like Shape::ToString but prints the "infer this dim" marker as -1.
std::string TargetString(const Shape& s) {
  return Ints(std::vector<int64_t>(s.dims().begin(), s.dims().end()));
}

absl::Status ReshapeShape(InferenceContext& c) {
  const Shape& in = c.input_shape(0);
  const Shape& target = c.attrs().GetShape("shape");
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < target.rank(); ++i) {
    const int64_t d = target.dim(i);
    if (d == -1) {
      if (infer >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("target shape ", TargetString(target), " has more than one -1 dim"));
      }
      infer = i;
    } else if (d < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("target shape ", TargetString(target), " has a negative dim other than -1"));
    } else {
      known *= d;
    }
  }
  Shape out = target;
  const int64_t n = in.num_elements();
  if (n >= 0) {
    if (infer >= 0) {
      if (known == 0 || n % known != 0) {
        return absl::InvalidArgumentError(absl::StrCat("cannot reshape ", in.ToString(), " (", n,
                                                       " elements) to ", TargetString(target), ": ", n,
                                                       " is not a multiple of ", known));
      }
      out.set_dim(infer, n / known);
    } else if (n != known) {
      return absl::InvalidArgumentError(absl::StrCat("cannot reshape ", in.ToString(), " (", n,
                                                     " elements) to ", TargetString(target), " (", known,
                                                     " elements)"));
    }
  } else if (infer < 0) {
    int64_t in_known = 1;
    for (int64_t d : in.dims()) in_known *= d >= 0 ? d : 1;
    if (in_known > 0 && known % in_known != 0) {
      return absl::InvalidArgumentError(absl::StrCat("cannot reshape ", in.ToString(), " to ",
                                                     TargetString(target), ": ", known,
                                                     " elements are not a multiple of ", in_known));
    }
  }
  c.AddOutput(c.input_dtype(0), std::move(out));
  return absl::OkStatus();
}

absl::Status TransposeShape(InferenceContext& c) {
  const Shape& in = c.input_shape(0);
  const std::vector<int64_t>& perm = c.attrs().GetInts("perm");
  const int r = in.rank();
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat("perm ", Ints(perm), " is not a permutation of 0..", r - 1,
                                                   " for input shape ", in.ToString()));
  };
  if (static_cast<int>(perm.size()) != r) return bad();
  std::vector<bool> seen(static_cast<size_t>(r), false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= r || seen[static_cast<size_t>(p)]) return bad();
    seen[static_cast<size_t>(p)] = true;
    out.AddDim(in.dim(static_cast<int>(p)));
  }
  c.AddOutput(c.input_dtype(0), std::move(out));
  return absl::OkStatus();
}

absl::Status ConcatShape(InferenceContext& c) {
  const Shape& first = c.input_shape(0);
  const int r = first.rank();
  const int64_t axis_attr = c.attrs().GetInt("axis");
  if (r == 0) return absl::InvalidArgumentError("cannot concatenate scalars (values[0] has shape [])");
  if (axis_attr < -r || axis_attr >= r) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", axis_attr, " is out of range for values of shape ", first.ToString()));
  }
  const int axis = static_cast<int>(axis_attr < 0 ? axis_attr + r : axis_attr);
  Shape out = first;
  for (int i = 1; i < c.num_inputs(); ++i) {
    const Shape& si = c.input_shape(i);
    if (c.input_dtype(i) != c.input_dtype(0)) {
      return absl::InvalidArgumentError(absl::StrCat("values[", i, "] has dtype ",
                                                     DTypeName(c.input_dtype(i)), " but values[0] has ",
                                                     DTypeName(c.input_dtype(0))));
    }
    if (si.rank() != r) {
      return absl::InvalidArgumentError(absl::StrCat("values[", i, "] has shape ", si.ToString(),
                                                     " but values[0] has shape ", first.ToString(),
                                                     ": ranks differ"));
    }
    for (int d = 0; d < r; ++d) {
      const int64_t a = out.dim(d);
      const int64_t b = si.dim(d);
      if (d == axis) {
        out.set_dim(d, a >= 0 && b >= 0 ? a + b : Shape::kUnknownDim);
      } else if (a >= 0 && b >= 0 && a != b) {
        return absl::InvalidArgumentError(
            absl::StrCat("values[", i, "] has shape ", si.ToString(), " but values[0] has shape ",
                         first.ToString(), ": dim ", d, " differs (concatenating along axis ", axis, ")"));
      } else if (a < 0) {
        out.set_dim(d, b);
      }
    }
  }
  c.AddOutput(c.input_dtype(0), std::move(out));
  return absl::OkStatus();
}

absl::Status SliceShape(InferenceContext& c) {
  const Shape& in = c.input_shape(0);
  const std::vector<int64_t>& begin = c.attrs().GetInts("begin");
  const std::vector<int64_t>& size = c.attrs().GetInts("size");
  const std::string what = absl::StrCat("begin ", Ints(begin), " and size ", Ints(size));
  if (static_cast<int>(begin.size()) != in.rank() || static_cast<int>(size.size()) != in.rank()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " need one entry per dim of the input shape ", in.ToString()));
  }
  Shape out;
  for (int d = 0; d < in.rank(); ++d) {
    const int64_t b = begin[static_cast<size_t>(d)];
    const int64_t n = size[static_cast<size_t>(d)];
    const int64_t dim = in.dim(d);
    if (b < 0 || n < -1) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": begin must be >= 0 and size >= -1 (dim ", d,
                                                     ") for input shape ", in.ToString()));
    }
    if (dim >= 0 && (b > dim || (n >= 0 && b + n > dim))) {
      return absl::InvalidArgumentError(absl::StrCat(what, " are out of bounds for input shape ",
                                                     in.ToString(), " (dim ", d, " has size ", dim, ")"));
    }
    out.AddDim(n >= 0 ? n : (dim >= 0 ? dim - b : Shape::kUnknownDim));
  }
  c.AddOutput(c.input_dtype(0), std::move(out));
  return absl::OkStatus();
}

absl::Status CheckIndexDType(DType t, const char* what) {
  if (t == DType::kInt32 || t == DType::kInt64) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " must be i32 or i64, got ", DTypeName(t)));
}

absl::Status GatherShape(InferenceContext& c) {
  const Shape& params = c.input_shape(0);
  const Shape& indices = c.input_shape(1);
  if (absl::Status st = CheckIndexDType(c.input_dtype(1), "indices"); !st.ok()) return st;
  const int r = params.rank();
  const int64_t axis = c.attrs().GetInt("axis");
  if (axis < -r || axis >= r) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", axis, " is out of range for params of shape ", params.ToString()));
  }
  const int a = static_cast<int>(axis < 0 ? axis + r : axis);
  Shape out;
  for (int d = 0; d < a; ++d) out.AddDim(params.dim(d));
  for (int64_t d : indices.dims()) out.AddDim(d);
  for (int d = a + 1; d < r; ++d) out.AddDim(params.dim(d));
  c.AddOutput(c.input_dtype(0), std::move(out));
  return absl::OkStatus();
}

absl::Status OneHotShape(InferenceContext& c) {
  const Shape& in = c.input_shape(0);
  if (absl::Status st = CheckIndexDType(c.input_dtype(0), "indices"); !st.ok()) return st;
  const int64_t depth = c.attrs().GetInt("depth");
  const int64_t axis = c.attrs().GetInt("axis");
  const DType dtype = c.attrs().GetType("dtype");
  if (depth < 0) return absl::InvalidArgumentError(absl::StrCat("depth must be >= 0, got ", depth));
  if (axis < -1 || axis > in.rank()) {
    return absl::InvalidArgumentError(absl::StrCat("axis ", axis, " must be -1 or in [0, ", in.rank(),
                                                   "] for indices of shape ", in.ToString()));
  }
  if (dtype != DType::kFloat32 && dtype != DType::kInt32 && dtype != DType::kInt64) {
    return absl::InvalidArgumentError(
        absl::StrCat("output dtype must be f32, i32 or i64, got ", DTypeName(dtype)));
  }
  const int a = static_cast<int>(axis < 0 ? in.rank() : axis);
  Shape out;
  for (int d = 0; d < in.rank(); ++d) {
    if (d == a) out.AddDim(depth);
    out.AddDim(in.dim(d));
  }
  if (a == in.rank()) out.AddDim(depth);
  c.AddOutput(dtype, std::move(out));
  return absl::OkStatus();
}

}  // namespace

void RegisterArrayOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kReshape,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ReshapeShape,
              .output_aliases_input0 = true});
  r.Register({.kind = OpKind::kTranspose,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = TransposeShape,
              .kernel = MakeTransposeKernel});
  r.Register({.kind = OpKind::kConcat,
              .min_inputs = 1,
              .max_inputs = -1,
              .shape_fn = ConcatShape,
              .kernel = MakeConcatKernel});
  r.Register({.kind = OpKind::kSlice,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = SliceShape,
              .kernel = MakeSliceKernel});
  r.Register({.kind = OpKind::kGather,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = GatherShape,
              .kernel = MakeGatherKernel});
  r.Register({.kind = OpKind::kOneHot,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = OneHotShape,
              .kernel = MakeOneHotKernel,
              .differentiable = false});
}

}  // namespace graph
