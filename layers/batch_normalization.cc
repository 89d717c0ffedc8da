#include "layers/batch_normalization.h"

#include "absl/strings/str_cat.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/state_ops.h"
#include "layers/layer_util.h"

namespace layers {

namespace ops = graph::ops;

absl::Status BatchNormalizationOptions::Validate() const {
  if (!(momentum >= 0 && momentum <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("BatchNormalization momentum must be in [0, 1], got ", momentum));
  }
  if (!(epsilon > 0)) {
    return absl::InvalidArgumentError(absl::StrCat("BatchNormalization epsilon must be > 0, got ", epsilon));
  }
  if (absl::Status st = beta_regularizer.Validate(); !st.ok()) return st;
  return gamma_regularizer.Validate();
}

Output BatchNormalization(const Scope& scope, Output x, bool training, const BatchNormalizationOptions& o,
                          Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope(o.name).WithLocation(loc);
  if (absl::Status st = o.Validate(); !st.ok()) {
    s.RecordError(loc, graph::OpKind::kBatchNorm, s.prefix(), std::string(st.message()));
    return {};
  }
  if (!x.valid()) return {};
  const int r = x.shape().rank();
  if (r < 2 || x.shape().dim(r - 1) < 0) {
    s.RecordError(loc, graph::OpKind::kBatchNorm, s.prefix(),
                  absl::StrCat("BatchNormalization expects [batch, ..., channels] with known channels, got ",
                               x.shape().ToString()));
    return {};
  }
  const int64_t c = x.shape().dim(r - 1);
  Output gamma;
  if (o.scale) {
    gamma = MakeWeight(s, "gamma", {c}, o.gamma_initializer, o.gamma_regularizer, true, loc);
  } else {
    graph::Tensor ones(graph::DType::kFloat32, {c});
    std::fill_n(ones.data<float>(), c, 1.0f);
    gamma = ops::Const(s.WithOpName("gamma"), ones, loc);
  }
  Output beta = o.center ? MakeWeight(s, "beta", {c}, o.beta_initializer, o.beta_regularizer, true, loc)
                         : ops::Const(s.WithOpName("beta"), graph::Tensor(graph::DType::kFloat32, {c}), loc);
  Output moving_mean = MakeWeight(s, "moving_mean", {c}, o.moving_mean_initializer, {}, false, loc);
  Output moving_var = MakeWeight(s, "moving_variance", {c}, o.moving_variance_initializer, {}, false, loc);
  ops::BatchNormOutputs bn =
      ops::BatchNorm(s, x, gamma, beta, moving_mean, moving_var, training, o.epsilon, loc);
  if (!training || !s.ok()) return bn.y;
  // n / (n - 1) from the element count per channel, known only when the graph runs: count = size(x) / c.
  std::vector<int64_t> reduced;
  for (int i = 0; i < r - 1; ++i) reduced.push_back(i);
  Output count = ops::Size(s, x, graph::DType::kFloat32, reduced);
  Output bessel = ops::Div(s, count, ops::Maximum(s, ops::Sub(s, count, 1.0f), 1.0f));
  const float decay = 1.0f - o.momentum;
  Output mean_update =
      ops::AssignSub(s, moving_mean, ops::Mul(s, ops::Sub(s, moving_mean, bn.batch_mean), decay));
  Output var_update = ops::AssignSub(
      s, moving_var, ops::Mul(s, ops::Sub(s, moving_var, ops::Mul(s, bn.batch_variance, bessel)), decay));
  s.graph()->AddToCollection(kUpdateOps, mean_update);
  s.graph()->AddToCollection(kUpdateOps, var_update);
  return bn.y;
}

}  // namespace layers
