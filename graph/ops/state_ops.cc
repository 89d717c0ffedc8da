#include "graph/ops/state_ops.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "graph/kernel.h"
#include "graph/op_registry.h"

namespace graph {

Output Input::ToOutput(const Scope& s, std::optional<DType> hint, const std::source_location& loc) const {
  if (!literal_.IsValid()) return output_;
  if (!weak_ || !hint || *hint == literal_.dtype()) return ops::Const(s, literal_, loc);
  const double v = literal_.ElementAsDouble(0);
  Tensor t = DispatchDType(*hint, [&](auto tag) -> Tensor {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bfloat16>) {
      return Tensor::Scalar(bfloat16(static_cast<float>(v)));
    } else {
      return Tensor::Scalar(static_cast<T>(v));
    }
  });
  return ops::Const(s, std::move(t), loc);
}

namespace ops {

Output Const(const Scope& s, Tensor value, Loc loc) {
  if (!value.IsValid()) {
    s.RecordError(loc, OpKind::kConst, s.prefix() + "const", "the value is an empty Tensor");
    return {};
  }
  Node* n = s.AddOp(OpKind::kConst, {}, {{"value", std::move(value)}}, loc, "const");
  return n ? n->output(0) : Output();
}

Output Const(const Scope& s, float value, Loc loc) { return Const(s, Tensor::Scalar(value), loc); }
Output Const(const Scope& s, int32_t value, Loc loc) { return Const(s, Tensor::Scalar(value), loc); }
Output Const(const Scope& s, int64_t value, Loc loc) { return Const(s, Tensor::Scalar(value), loc); }
Output Const(const Scope& s, bool value, Loc loc) { return Const(s, Tensor::Scalar(value), loc); }

Output Placeholder(const Scope& s, DType dtype, Shape shape, Loc loc) {
  Node* n =
      s.AddOp(OpKind::kPlaceholder, {}, {{"dtype", dtype}, {"shape", std::move(shape)}}, loc, "placeholder");
  return n ? n->output(0) : Output();
}

Output Variable(const Scope& s, const std::string& name, DType dtype, Shape shape, Loc loc) {
  Node* n = s.WithOpName(name).AddOp(OpKind::kVariable, {}, {{"dtype", dtype}, {"shape", std::move(shape)}},
                                     loc, name);
  return n ? n->output(0) : Output();
}

namespace {

Output AssignLike(OpKind kind, const Scope& s, Output var, const Input& value, Loc loc, const char* name) {
  if (!s.ok()) return {};
  Output v = value.ToOutput(s, var.valid() ? std::optional<DType>(var.dtype()) : std::nullopt, loc);
  Node* n = s.AddOp(kind, {var, v}, {}, loc, name);
  return n ? n->output(0) : Output();
}

}  // namespace

Output Assign(const Scope& s, Output var, Input value, Loc loc) {
  return AssignLike(OpKind::kAssign, s, var, value, loc, "assign");
}
Output AssignAdd(const Scope& s, Output var, Input value, Loc loc) {
  return AssignLike(OpKind::kAssignAdd, s, var, value, loc, "assign_add");
}
Output AssignSub(const Scope& s, Output var, Input value, Loc loc) {
  return AssignLike(OpKind::kAssignSub, s, var, value, loc, "assign_sub");
}

Output Identity(const Scope& s, Output x, Loc loc) {
  Node* n = s.AddOp(OpKind::kIdentity, {x}, {}, loc, "identity");
  return n ? n->output(0) : Output();
}

Node* Group(const Scope& s, const std::vector<Output>& deps, const std::string& name, Loc loc) {
  return s.WithControlDependencies(deps).AddOp(OpKind::kNoOp, {}, {}, loc, name);
}

}  // namespace ops

namespace {

absl::Status ConstShape(InferenceContext& c) {
  const Tensor& v = c.attrs().GetTensor("value");
  c.AddOutput(v.dtype(), v.shape());
  return absl::OkStatus();
}

absl::Status DeclaredShape(InferenceContext& c) {
  c.AddOutput(c.attrs().GetType("dtype"), c.attrs().GetShape("shape"));
  return absl::OkStatus();
}

absl::Status ArgShape(InferenceContext&) {
  // Arg nodes are created by Graph::Capture / control-flow builders with their type already set; at compile
  // time they are always fed, so this is never asked for a type it does not have.
  return absl::InternalError("Arg nodes get their types from their control-flow node");
}

absl::Status VariableShape(InferenceContext& c) {
  if (!c.attrs().GetShape("shape").IsFullyDefined()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a variable needs a fully defined shape, got ", c.attrs().GetShape("shape").ToString()));
  }
  return DeclaredShape(c);
}

absl::Status AssignShape(InferenceContext& c) {
  const TensorType& var = c.input(0);
  const TensorType& val = c.input(1);
  if (var.dtype != val.dtype) {
    return absl::InvalidArgumentError(absl::StrCat("value dtype ", DTypeName(val.dtype),
                                                   " differs from the variable's ", DTypeName(var.dtype)));
  }
  if (!val.shape.IsCompatibleWith(var.shape)) {
    return absl::InvalidArgumentError(absl::StrCat("value shape ", val.shape.ToString(),
                                                   " differs from the variable's ", var.shape.ToString()));
  }
  c.AddOutput(var.dtype, var.shape);
  return absl::OkStatus();
}

absl::Status SameAsInput0(InferenceContext& c) {
  c.AddOutput(c.input_dtype(0), c.input_shape(0));
  return absl::OkStatus();
}

absl::Status NoOutputs(InferenceContext&) { return absl::OkStatus(); }

// var (op)= value, in place in the variable's storage. Output 0 is the variable itself (aliased).
template <int kMode>  // 0 assign, 1 add, 2 sub
class AssignKernel : public Kernel {
 public:
  AssignKernel(VariableSlot* slot, Tensor value) : slot_(slot), value_(std::move(value)) {}
  absl::Status Run(RunContext&) override {
    if constexpr (kMode == 0) {
      slot_->value.CopyFrom(value_);
    } else {
      DispatchDType(value_.dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, bfloat16>) {
          return;
        } else {
          T* dst = slot_->value.template data<T>();
          const T* src = value_.template data<T>();
          const int64_t n = value_.num_elements();
          for (int64_t i = 0; i < n; ++i) dst[i] = kMode == 1 ? dst[i] + src[i] : dst[i] - src[i];
        }
      });
    }
    slot_->initialized = true;
    return absl::OkStatus();
  }

 private:
  VariableSlot* slot_;
  Tensor value_;
};

template <int kMode>
absl::StatusOr<std::unique_ptr<Kernel>> MakeAssign(KernelContext& ctx) {
  const Node* var = ctx.node.input(0).node;
  if (var->kind() != OpKind::kVariable) {
    return absl::InvalidArgumentError(
        absl::StrCat("its first input must be a Variable, got ", var->Describe()));
  }
  if (kMode != 0 && (ctx.inputs[1].dtype() == DType::kBool || ctx.inputs[1].dtype() == DType::kBFloat16)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not defined for dtype ", DTypeName(ctx.inputs[1].dtype())));
  }
  return std::make_unique<AssignKernel<kMode>>(ctx.services.Variable(*var), ctx.inputs[1]);
}

class CopyKernel : public Kernel {
 public:
  CopyKernel(Tensor in, Tensor out) : in_(std::move(in)), out_(std::move(out)) {}
  absl::Status Run(RunContext&) override {
    if (in_.nbytes() > 0) std::memcpy(out_.raw_data(), in_.raw_data(), in_.nbytes());
    return absl::OkStatus();
  }

 private:
  Tensor in_, out_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeIdentity(KernelContext& ctx) {
  return std::make_unique<CopyKernel>(ctx.inputs[0], ctx.outputs[0]);
}

}  // namespace

void RegisterStateOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kConst, .shape_fn = ConstShape});
  r.Register({.kind = OpKind::kPlaceholder, .shape_fn = DeclaredShape});
  r.Register({.kind = OpKind::kArg, .shape_fn = ArgShape});
  r.Register({.kind = OpKind::kVariable, .shape_fn = VariableShape, .stateful = true});
  for (OpKind k : {OpKind::kAssign, OpKind::kAssignAdd, OpKind::kAssignSub}) {
    r.Register({.kind = k,
                .min_inputs = 2,
                .max_inputs = 2,
                .shape_fn = AssignShape,
                .kernel = k == OpKind::kAssign      ? MakeAssign<0>
                          : k == OpKind::kAssignAdd ? MakeAssign<1>
                                                    : MakeAssign<2>,
                .output_aliases_input0 = true,
                .stateful = true});
  }
  r.Register({.kind = OpKind::kIdentity,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = SameAsInput0,
              .kernel = MakeIdentity});
  r.Register({.kind = OpKind::kNoOp, .shape_fn = NoOutputs});
}

}  // namespace graph
