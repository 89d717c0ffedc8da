// Builders, shape functions and schemas of bias addition, activations, softmax / log-softmax and dropout, and
// of their backward ops (the gradients that use them are in nn_grad.cc; kernels in graph/kernels/nn_*.cc).
#include "graph/ops/nn_ops.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/kernels/nn_kernels.h"
#include "graph/op_registry.h"

namespace graph {

// Attaches the gradient functions of the ops below (nn_grad.cc).
void RegisterNnGradients(OpRegistry& r);

namespace ops {
namespace {

constexpr ActivationKind kAllActivations[] = {
    ActivationKind::kRelu,     ActivationKind::kLeakyRelu, ActivationKind::kElu,  ActivationKind::kGelu,
    ActivationKind::kGeluTanh, ActivationKind::kSigmoid,   ActivationKind::kTanh, ActivationKind::kSoftplus};

Output First(Node* n) { return n ? n->output(0) : Output(); }

}  // namespace

const char* ActivationName(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::kRelu:
      return "relu";
    case ActivationKind::kLeakyRelu:
      return "leaky_relu";
    case ActivationKind::kElu:
      return "elu";
    case ActivationKind::kGelu:
      return "gelu";
    case ActivationKind::kGeluTanh:
      return "gelu_tanh";
    case ActivationKind::kSigmoid:
      return "sigmoid";
    case ActivationKind::kTanh:
      return "tanh";
    case ActivationKind::kSoftplus:
      return "softplus";
  }
  return "unknown";
}

absl::StatusOr<ActivationKind> ParseActivation(const std::string& name) {
  std::string known;
  for (ActivationKind k : kAllActivations) {
    if (name == ActivationName(k)) return k;
    absl::StrAppend(&known, known.empty() ? "" : ", ", ActivationName(k));
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown activation \"", name, "\"; known: ", known));
}

Output BiasAdd(const Scope& s, Output x, Output bias, Loc loc) {
  return First(s.AddOp(OpKind::kBiasAdd, {x, bias}, {}, loc, "bias_add"));
}

Output Activation(const Scope& s, Output x, ActivationKind kind, float alpha, Loc loc) {
  return First(s.AddOp(OpKind::kActivation, {x},
                       {{"kind", static_cast<int64_t>(kind)}, {"alpha", static_cast<double>(alpha)}}, loc,
                       ActivationName(kind)));
}
Output Relu(const Scope& s, Output x, Loc loc) { return Activation(s, x, ActivationKind::kRelu, 0.0f, loc); }
Output LeakyRelu(const Scope& s, Output x, float alpha, Loc loc) {
  return Activation(s, x, ActivationKind::kLeakyRelu, alpha, loc);
}
Output Elu(const Scope& s, Output x, float alpha, Loc loc) {
  return Activation(s, x, ActivationKind::kElu, alpha, loc);
}
Output Gelu(const Scope& s, Output x, bool approximate, Loc loc) {
  return Activation(s, x, approximate ? ActivationKind::kGeluTanh : ActivationKind::kGelu, 0.0f, loc);
}
Output Sigmoid(const Scope& s, Output x, Loc loc) {
  return Activation(s, x, ActivationKind::kSigmoid, 0.0f, loc);
}
Output Tanh(const Scope& s, Output x, Loc loc) { return Activation(s, x, ActivationKind::kTanh, 0.0f, loc); }
Output Softplus(const Scope& s, Output x, Loc loc) {
  return Activation(s, x, ActivationKind::kSoftplus, 0.0f, loc);
}

Output Softmax(const Scope& s, Output logits, Loc loc) {
  return First(s.AddOp(OpKind::kSoftmax, {logits}, {}, loc, "softmax"));
}
Output LogSoftmax(const Scope& s, Output logits, Loc loc) {
  return First(s.AddOp(OpKind::kLogSoftmax, {logits}, {}, loc, "log_softmax"));
}

Output Dropout(const Scope& s, Output x, float rate, int64_t seed, Loc loc) {
  if (rate == 0.0f && s.ok() && x.valid() && x.dtype() == DType::kFloat32) return x;
  return First(s.AddOp(
      OpKind::kDropout, {x},
      {{"rate", static_cast<double>(rate)}, {"seed", seed}, {"graph_seed", s.ok() ? s.graph()->seed() : 0}},
      loc, "dropout"));
}

}  // namespace ops

namespace {

std::string Describe(const TensorType& t) { return absl::StrCat(DTypeName(t.dtype), t.shape.ToString()); }

absl::Status RequireF32(const TensorType& t, const char* what) {
  if (t.dtype == DType::kFloat32) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " is ", Describe(t), "; only f32 is supported"));
}

// The shape both `a` and `b` may have (known dims of either), or an error naming both.
absl::StatusOr<Shape> Merge(const TensorType& a, const char* a_name, const TensorType& b,
                            const char* b_name) {
  if (!a.shape.IsCompatibleWith(b.shape)) {
    return absl::InvalidArgumentError(absl::StrCat(a_name, " ", Describe(a), " and ", b_name, " ",
                                                   Describe(b), " must have the same shape"));
  }
  Shape out = a.shape;
  for (int i = 0; i < out.rank(); ++i) {
    if (out.dim(i) < 0) out.set_dim(i, b.shape.dim(i));
  }
  return out;
}

absl::Status BiasAddShape(InferenceContext& c) {
  const TensorType& x = c.input(0);
  const TensorType& b = c.input(1);
  if (absl::Status st = RequireF32(x, "x"); !st.ok()) return st;
  if (absl::Status st = RequireF32(b, "bias"); !st.ok()) return st;
  if (x.shape.rank() < 1)
    return absl::InvalidArgumentError(absl::StrCat("x ", Describe(x), " has no last dim"));
  if (b.shape.rank() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("bias ", Describe(b), " must be a vector [C]"));
  }
  Shape out = x.shape;
  const int last = out.rank() - 1;
  if (out.dim(last) >= 0 && b.shape.dim(0) >= 0 && out.dim(last) != b.shape.dim(0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bias ", Describe(b), " does not match the last dim of x ", Describe(x)));
  }
  if (out.dim(last) < 0) out.set_dim(last, b.shape.dim(0));
  c.AddOutput(DType::kFloat32, out);
  return absl::OkStatus();
}

absl::Status CheckActivationAttrs(const AttrMap& attrs) {
  const int64_t kind = attrs.GetInt("kind");
  if (kind < 0 || kind > static_cast<int64_t>(ops::ActivationKind::kSoftplus)) {
    return absl::InvalidArgumentError(absl::StrCat("activation kind ", kind, " is not an ActivationKind"));
  }
  if (!std::isfinite(attrs.GetFloat("alpha"))) {
    return absl::InvalidArgumentError(absl::StrCat("alpha ", attrs.GetFloat("alpha"), " is not finite"));
  }
  return absl::OkStatus();
}

absl::Status ActivationShape(InferenceContext& c) {
  if (absl::Status st = CheckActivationAttrs(c.attrs()); !st.ok()) return st;
  if (absl::Status st = RequireF32(c.input(0), "x"); !st.ok()) return st;
  c.AddOutput(DType::kFloat32, c.input_shape(0));
  return absl::OkStatus();
}

// (dy, v) -> dx with the shape of both: ActivationGrad, SoftmaxGrad, LogSoftmaxGrad, DropoutGrad.
absl::Status BackwardShape(InferenceContext& c, const char* v_name) {
  if (absl::Status st = RequireF32(c.input(0), "dy"); !st.ok()) return st;
  if (absl::Status st = RequireF32(c.input(1), v_name); !st.ok()) return st;
  auto shape = Merge(c.input(0), "dy", c.input(1), v_name);
  if (!shape.ok()) return shape.status();
  c.AddOutput(DType::kFloat32, *shape);
  return absl::OkStatus();
}

absl::Status ActivationGradShape(InferenceContext& c) {
  if (absl::Status st = CheckActivationAttrs(c.attrs()); !st.ok()) return st;
  return BackwardShape(c, c.attrs().GetBool("use_output") ? "y" : "x");
}

absl::Status SoftmaxShape(InferenceContext& c) {
  const TensorType& x = c.input(0);
  if (absl::Status st = RequireF32(x, "logits"); !st.ok()) return st;
  if (x.shape.rank() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("logits ", Describe(x), " have no last dim to normalize over"));
  }
  c.AddOutput(DType::kFloat32, x.shape);
  return absl::OkStatus();
}

absl::Status SoftmaxGradShape(InferenceContext& c) { return BackwardShape(c, "y"); }

absl::Status DropoutShape(InferenceContext& c) {
  const double rate = c.attrs().GetFloat("rate");
  if (!(rate >= 0.0 && rate < 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat("rate ", rate, " is outside [0, 1)"));
  }
  if (absl::Status st = RequireF32(c.input(0), "x"); !st.ok()) return st;
  c.AddOutput(DType::kFloat32, c.input_shape(0));  // y
  c.AddOutput(DType::kFloat32, c.input_shape(0));  // mask
  return absl::OkStatus();
}

absl::Status DropoutGradShape(InferenceContext& c) { return BackwardShape(c, "mask"); }

}  // namespace

void RegisterNnOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kBiasAdd,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = BiasAddShape,
              .kernel = MakeBiasAddKernel});
  r.Register({.kind = OpKind::kActivation,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = ActivationShape,
              .kernel = MakeActivationKernel});
  r.Register({.kind = OpKind::kActivationGrad,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = ActivationGradShape,
              .kernel = MakeActivationGradKernel});
  r.Register({.kind = OpKind::kSoftmax,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = SoftmaxShape,
              .kernel = MakeSoftmaxKernel});
  r.Register({.kind = OpKind::kLogSoftmax,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = SoftmaxShape,
              .kernel = MakeLogSoftmaxKernel});
  r.Register({.kind = OpKind::kSoftmaxGrad,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = SoftmaxGradShape,
              .kernel = MakeSoftmaxGradKernel});
  r.Register({.kind = OpKind::kLogSoftmaxGrad,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = SoftmaxGradShape,
              .kernel = MakeLogSoftmaxGradKernel});
  r.Register({.kind = OpKind::kDropout,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = DropoutShape,
              .kernel = MakeDropoutKernel,
              .stateful = true});
  r.Register({.kind = OpKind::kDropoutGrad,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = DropoutGradShape,
              .kernel = MakeDropoutGradKernel});
  RegisterNnGradients(r);
}

}  // namespace graph
