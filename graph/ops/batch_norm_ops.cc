// Builder, shape functions and schemas of BatchNorm and its backward op BatchNormGrad (the gradient function
// is in batch_norm_grad.cc; kernels in graph/kernels/nn_batch_norm_kernels.cc).
#include "graph/ops/batch_norm_ops.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/kernels/nn_kernels.h"
#include "graph/op_registry.h"

namespace graph {

// Attaches the gradient of BatchNorm (batch_norm_grad.cc).
void RegisterBatchNormGradients(OpRegistry& r);

namespace ops {

BatchNormOutputs BatchNorm(const Scope& s, Output x, Output gamma, Output beta, Output mean, Output variance,
                           bool training, float epsilon, Loc loc) {
  Node* n = s.AddOp(OpKind::kBatchNorm, {x, gamma, beta, mean, variance},
                    {{"training", training}, {"epsilon", static_cast<double>(epsilon)}}, loc, "batch_norm");
  if (n == nullptr) return {};
  return {n->output(0), n->output(1), n->output(2)};
}

}  // namespace ops

namespace {

std::string Describe(const TensorType& t) { return absl::StrCat(DTypeName(t.dtype), t.shape.ToString()); }

absl::Status CheckEpsilon(const AttrMap& attrs) {
  const double eps = attrs.GetFloat("epsilon");
  if (eps >= 0.0 && std::isfinite(eps)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("epsilon ", eps, " must be finite and >= 0"));
}

// Checks that `x` (input x_index, named `x_name`) is f32 of rank >= 2 and that inputs first_param.. are f32
// vectors [C] matching x's last dim. Returns C (possibly unknown).
absl::StatusOr<int64_t> CheckOperands(InferenceContext& c, int x_index, const char* x_name, int first_param,
                                      std::initializer_list<const char*> param_names) {
  const TensorType& x = c.input(x_index);
  if (x.dtype != DType::kFloat32) {
    return absl::InvalidArgumentError(absl::StrCat(x_name, " is ", Describe(x), "; only f32 is supported"));
  }
  if (x.shape.rank() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(x_name, " ", Describe(x), " must have rank >= 2 ([N, C] or [N, H, W, C])"));
  }
  int64_t channels = x.shape.dim(x.shape.rank() - 1);
  int i = first_param;
  for (const char* name : param_names) {
    const TensorType& p = c.input(i++);
    if (p.dtype != DType::kFloat32 || p.shape.rank() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " ", Describe(p), " must be an f32 vector [C] for ", x_name, " ", Describe(x)));
    }
    const int64_t d = p.shape.dim(0);
    if (d >= 0 && channels >= 0 && d != channels) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " ", Describe(p), " does not match the last dim of ", x_name, " ", Describe(x)));
    }
    if (channels < 0) channels = d;
  }
  return channels;
}

absl::Status BatchNormShape(InferenceContext& c) {
  if (absl::Status st = CheckEpsilon(c.attrs()); !st.ok()) return st;
  auto channels = CheckOperands(c, 0, "x", 1, {"gamma", "beta", "mean", "variance"});
  if (!channels.ok()) return channels.status();
  Shape y = c.input_shape(0);
  y.set_dim(y.rank() - 1, *channels);
  c.AddOutput(DType::kFloat32, y);
  c.AddOutput(DType::kFloat32, Shape{*channels});
  c.AddOutput(DType::kFloat32, Shape{*channels});
  return absl::OkStatus();
}

// Inputs (dy, x, gamma, beta, mean, variance); outputs (dx, dgamma, dbeta).
absl::Status BatchNormGradShape(InferenceContext& c) {
  if (absl::Status st = CheckEpsilon(c.attrs()); !st.ok()) return st;
  auto channels = CheckOperands(c, 1, "x", 2, {"gamma", "beta", "mean", "variance"});
  if (!channels.ok()) return channels.status();
  const TensorType& dy = c.input(0);
  const TensorType& x = c.input(1);
  if (dy.dtype != DType::kFloat32 || !dy.shape.IsCompatibleWith(x.shape)) {
    return absl::InvalidArgumentError(
        absl::StrCat("dy ", Describe(dy), " and x ", Describe(x), " must have the same shape and dtype"));
  }
  Shape dx = x.shape;
  for (int i = 0; i < dx.rank(); ++i) {
    if (dx.dim(i) < 0) dx.set_dim(i, dy.shape.dim(i));
  }
  c.AddOutput(DType::kFloat32, dx);
  c.AddOutput(DType::kFloat32, Shape{*channels});
  c.AddOutput(DType::kFloat32, Shape{*channels});
  return absl::OkStatus();
}

}  // namespace

void RegisterBatchNormOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kBatchNorm,
              .min_inputs = 5,
              .max_inputs = 5,
              .shape_fn = BatchNormShape,
              .kernel = MakeBatchNormKernel});
  r.Register({.kind = OpKind::kBatchNormGrad,
              .min_inputs = 6,
              .max_inputs = 6,
              .shape_fn = BatchNormGradShape,
              .kernel = MakeBatchNormGradKernel});
  RegisterBatchNormGradients(r);
}

}  // namespace graph
