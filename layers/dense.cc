#include "layers/dense.h"

#include "absl/strings/str_cat.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/nn_ops.h"
#include "layers/layer_util.h"

namespace layers {

namespace ops = graph::ops;

absl::Status DenseOptions::Validate() const {
  if (units <= 0) return absl::InvalidArgumentError(absl::StrCat("Dense needs units > 0, got ", units));
  if (absl::Status st = ValidateActivation(activation); !st.ok()) return st;
  if (absl::Status st = kernel_initializer.Validate(); !st.ok()) return st;
  if (absl::Status st = kernel_regularizer.Validate(); !st.ok()) return st;
  return bias_regularizer.Validate();
}

Output Dense(const Scope& scope, Output x, const DenseOptions& o, Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope(o.name).WithLocation(loc);
  if (absl::Status st = o.Validate(); !st.ok()) {
    s.RecordError(loc, graph::OpKind::kMatMul, s.prefix(), std::string(st.message()));
    return {};
  }
  if (!x.valid()) return {};
  if (x.shape().rank() != 2 || x.shape().dim(1) < 0) {
    s.RecordError(loc, graph::OpKind::kMatMul, s.prefix(),
                  absl::StrCat("Dense expects [batch, features] with known features, got ",
                               x.shape().ToString(), " (use Flatten first)"));
    return {};
  }
  const int64_t in = x.shape().dim(1);
  Output kernel =
      MakeWeight(s, "kernel", {in, o.units}, o.kernel_initializer, o.kernel_regularizer, true, loc);
  Output y = ops::MatMul(s, x, kernel);
  if (o.use_bias) {
    Output bias = MakeWeight(s, "bias", {o.units}, o.bias_initializer, o.bias_regularizer, true, loc);
    y = ops::BiasAdd(s, y, bias);
  }
  return ApplyActivation(s, y, o.activation, loc);
}

}  // namespace layers
