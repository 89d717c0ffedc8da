#include "graph/ops/conv_ops.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "graph/kernels/conv_geometry.h"
#include "graph/kernels/conv_kernels.h"
#include "graph/kernels/pool_kernels.h"
#include "graph/op_registry.h"

namespace graph {
namespace {

Window2D ConvWindow(const ops::Conv2DOptions& o) {
  Window2D w;
  w.strides = o.strides;
  w.dilations = o.dilations;
  w.same = o.padding == ops::Padding::kSame;
  return w;
}

AttrMap ConvAttrs(const ops::Conv2DOptions& o) {
  AttrMap attrs = WindowAttrs(ConvWindow(o), /*with_dilations=*/true);
  attrs.Set("groups", o.groups);
  return attrs;
}

AttrMap PoolAttrs(const ops::Pool2DOptions& o) {
  Window2D w;
  w.size = o.window;
  w.strides = o.strides;
  w.same = o.padding == ops::Padding::kSame;
  return WindowAttrs(w, /*with_dilations=*/false);
}

std::string Describe(const char* what, const TensorType& t) {
  return absl::StrCat(what, " ", DTypeName(t.dtype), t.shape.ToString());
}

absl::Status CheckF32Rank4(const char* what, const TensorType& t, const std::string& context) {
  if (t.dtype != DType::kFloat32) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " has dtype ", DTypeName(t.dtype), "; only f32 is supported (", context, ")"));
  }
  if (t.shape.rank() != 4) {
    return absl::InvalidArgumentError(absl::StrCat(what, " must be rank 4 (", context, ")"));
  }
  return absl::OkStatus();
}

// Output spatial dims H, W of `x` (NHWC) under `w`; unknown where the input or window size is unknown.
absl::Status SpatialOutput(const Window2D& w, const Shape& x, const std::string& context, Shape* out) {
  for (int axis = 0; axis < 2; ++axis) {
    if (w.size[axis] == Shape::kUnknownDim) {
      out->AddDim(Shape::kUnknownDim);
      continue;
    }
    absl::StatusOr<SpatialDim> d = OutputDim(w, axis, x.dim(1 + axis));
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat(d.status().message(), " (", context, ")"));
    out->AddDim(d->out);
  }
  return absl::OkStatus();
}

// The output shape of Conv2D(x, filter) with the node's attributes, after validating both operands.
absl::StatusOr<Shape> ConvOutputShape(const TensorType& x, const TensorType& f, const AttrMap& attrs) {
  const int64_t groups = attrs.GetInt("groups");
  const std::string context = absl::StrCat(Describe("x", x), " [N,H,W,C], ", Describe("filter", f),
                                           " [KH,KW,Cin/groups,Cout], groups ", groups);
  if (absl::Status st = CheckF32Rank4("x", x, context); !st.ok()) return st;
  if (absl::Status st = CheckF32Rank4("filter", f, context); !st.ok()) return st;
  Window2D w = WindowFromAttrs(attrs, {f.shape.dim(0), f.shape.dim(1)});
  Window2D checked = w;
  for (int64_t& k : checked.size) k = k == Shape::kUnknownDim ? 1 : k;
  if (absl::Status st = ValidateWindow(checked); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(st.message(), " (", context, ")"));
  }
  if (groups < 1) return absl::InvalidArgumentError(absl::StrCat("groups must be positive (", context, ")"));
  const int64_t cin = x.shape.dim(3), fin = f.shape.dim(2), cout = f.shape.dim(3);
  if (cin >= 0 && fin >= 0 && cin != fin * groups) {
    return absl::InvalidArgumentError(absl::StrCat("x has ", cin, " channels but the filter takes ", fin,
                                                   " per group x ", groups, " groups (", context, ")"));
  }
  if (cout >= 0 && cout % groups != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the filter's ", cout, " output channels do not divide into ", groups, " groups (", context, ")"));
  }
  Shape out{x.shape.dim(0)};
  if (absl::Status st = SpatialOutput(w, x.shape, context, &out); !st.ok()) return st;
  out.AddDim(cout);
  return out;
}

// The output shape of pooling x with the node's attributes.
absl::StatusOr<Shape> PoolOutputShape(const TensorType& x, const AttrMap& attrs) {
  const Window2D w = PoolWindowFromAttrs(attrs);
  const std::string context = absl::StrCat(Describe("x", x), " [N,H,W,C], ", w.ToString());
  if (absl::Status st = CheckF32Rank4("x", x, context); !st.ok()) return st;
  if (absl::Status st = ValidateWindow(w); !st.ok()) return st;
  Shape out{x.shape.dim(0)};
  if (absl::Status st = SpatialOutput(w, x.shape, context, &out); !st.ok()) return st;
  out.AddDim(x.shape.dim(3));
  return out;
}

// The max-pooling workspace type for pooled output `y`: see MaxPool2D in conv_ops.h.
TensorType WorkspaceType(const Shape& y, const AttrMap& attrs) {
  const Window2D w = PoolWindowFromAttrs(attrs);
  Shape ws = y;
  const int64_t c = y.dim(3);
  ws.set_dim(3, c < 0 ? c : c * MaxPoolWorkspaceBytesPerElement(w.size[0] * w.size[1]));
  return {DType::kBool, ws};
}

// Fails unless the gradient `dy` matches the forward output `y`.
absl::Status CheckDy(const TensorType& dy, const Shape& y, const char* forward) {
  if (dy.dtype != DType::kFloat32 || !dy.shape.IsCompatibleWith(y)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe("dy", dy), " does not match the ", forward, " output f32", y.ToString()));
  }
  return absl::OkStatus();
}

absl::Status Conv2DShape(InferenceContext& c) {
  absl::StatusOr<Shape> y = ConvOutputShape(c.input(0), c.input(1), c.attrs());
  if (!y.ok()) return y.status();
  c.AddOutput(DType::kFloat32, *y);
  return absl::OkStatus();
}

// Conv2DBackpropInput / Conv2DBackpropFilter: inputs (x, filter, dy); the output has input `kResult`'s type.
template <int kResult>
absl::Status ConvBackpropShape(InferenceContext& c) {
  absl::StatusOr<Shape> y = ConvOutputShape(c.input(0), c.input(1), c.attrs());
  if (!y.ok()) return y.status();
  if (absl::Status st = CheckDy(c.input(2), *y, "convolution"); !st.ok()) return st;
  c.AddOutput(DType::kFloat32, c.input_shape(kResult));
  return absl::OkStatus();
}

absl::Status MaxPool2DShape(InferenceContext& c) {
  absl::StatusOr<Shape> y = PoolOutputShape(c.input(0), c.attrs());
  if (!y.ok()) return y.status();
  c.AddOutput(DType::kFloat32, *y);
  TensorType ws = WorkspaceType(*y, c.attrs());
  c.AddOutput(ws.dtype, ws.shape);
  return absl::OkStatus();
}

// Inputs (dy, workspace, x).
absl::Status MaxPool2DGradShape(InferenceContext& c) {
  absl::StatusOr<Shape> y = PoolOutputShape(c.input(2), c.attrs());
  if (!y.ok()) return y.status();
  if (absl::Status st = CheckDy(c.input(0), *y, "max pooling"); !st.ok()) return st;
  const TensorType ws = WorkspaceType(*y, c.attrs());
  if (c.input_dtype(1) != ws.dtype || !c.input_shape(1).IsCompatibleWith(ws.shape)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Describe("the workspace", c.input(1)), " is not MaxPool2D's workspace bool", ws.shape.ToString()));
  }
  c.AddOutput(DType::kFloat32, c.input_shape(2));
  return absl::OkStatus();
}

absl::Status AvgPool2DShape(InferenceContext& c) {
  absl::StatusOr<Shape> y = PoolOutputShape(c.input(0), c.attrs());
  if (!y.ok()) return y.status();
  c.AddOutput(DType::kFloat32, *y);
  return absl::OkStatus();
}

// Inputs (dy, x).
absl::Status AvgPool2DGradShape(InferenceContext& c) {
  absl::StatusOr<Shape> y = PoolOutputShape(c.input(1), c.attrs());
  if (!y.ok()) return y.status();
  if (absl::Status st = CheckDy(c.input(0), *y, "average pooling"); !st.ok()) return st;
  c.AddOutput(DType::kFloat32, c.input_shape(1));
  return absl::OkStatus();
}

}  // namespace

namespace ops {

Output Conv2D(const Scope& s, Output x, Output filter, const Conv2DOptions& options, Loc loc) {
  Node* n = s.AddOp(OpKind::kConv2D, {x, filter}, ConvAttrs(options), loc, "conv2d");
  return n ? n->output(0) : Output();
}

Output Conv2DBackpropInput(const Scope& s, Output x, Output filter, Output dy, const Conv2DOptions& options,
                           Loc loc) {
  Node* n = s.AddOp(OpKind::kConv2DBackpropInput, {x, filter, dy}, ConvAttrs(options), loc,
                    "conv2d_backprop_input");
  return n ? n->output(0) : Output();
}

Output Conv2DBackpropFilter(const Scope& s, Output x, Output filter, Output dy, const Conv2DOptions& options,
                            Loc loc) {
  Node* n = s.AddOp(OpKind::kConv2DBackpropFilter, {x, filter, dy}, ConvAttrs(options), loc,
                    "conv2d_backprop_filter");
  return n ? n->output(0) : Output();
}

Output MaxPool2D(const Scope& s, Output x, const Pool2DOptions& options, Loc loc) {
  Node* n = s.AddOp(OpKind::kMaxPool2D, {x}, PoolAttrs(options), loc, "max_pool2d");
  return n ? n->output(0) : Output();
}

Output AvgPool2D(const Scope& s, Output x, const Pool2DOptions& options, Loc loc) {
  Node* n = s.AddOp(OpKind::kAvgPool2D, {x}, PoolAttrs(options), loc, "avg_pool2d");
  return n ? n->output(0) : Output();
}

absl::StatusOr<Padding> ParsePadding(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "valid") return Padding::kValid;
  if (lower == "same") return Padding::kSame;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown padding \"", name, "\"; expected \"valid\" or \"same\""));
}

}  // namespace ops

void RegisterConvOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kConv2D,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = Conv2DShape,
              .kernel = MakeConv2DKernel});
  r.Register({.kind = OpKind::kConv2DBackpropInput,
              .min_inputs = 3,
              .max_inputs = 3,
              .shape_fn = ConvBackpropShape<0>,
              .kernel = MakeConv2DBackpropInputKernel});
  r.Register({.kind = OpKind::kConv2DBackpropFilter,
              .min_inputs = 3,
              .max_inputs = 3,
              .shape_fn = ConvBackpropShape<1>,
              .kernel = MakeConv2DBackpropFilterKernel});
  r.Register({.kind = OpKind::kMaxPool2D,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = MaxPool2DShape,
              .kernel = MakeMaxPool2DKernel});
  r.Register({.kind = OpKind::kMaxPool2DGrad,
              .min_inputs = 3,
              .max_inputs = 3,
              .shape_fn = MaxPool2DGradShape,
              .kernel = MakeMaxPool2DGradKernel});
  r.Register({.kind = OpKind::kAvgPool2D,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = AvgPool2DShape,
              .kernel = MakeAvgPool2DKernel});
  r.Register({.kind = OpKind::kAvgPool2DGrad,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = AvgPool2DGradShape,
              .kernel = MakeAvgPool2DGradKernel});
  RegisterConvGradients(r);
}

}  // namespace graph
