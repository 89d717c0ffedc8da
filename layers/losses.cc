#include "layers/losses.h"

#include "absl/strings/str_cat.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/loss_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"

namespace layers {

namespace ops = graph::ops;
using graph::DType;

namespace {

// Mean over the last axis for rank >= 2 (the per-example loss), else the values themselves.
Output PerExample(const Scope& s, Output values) {
  if (!values.valid() || values.shape().rank() < 2) return values;
  return ops::Mean(s, values, {-1});
}

Output Reduce(const Scope& s, Output per_example, const LossOptions& o, Loc loc) {
  if (!s.ok() || !per_example.valid()) return {};
  Output weighted = per_example;
  if (o.sample_weights.valid()) {
    if (o.sample_weights.dtype() != DType::kFloat32) {
      s.RecordError(
          loc, graph::OpKind::kMul, s.prefix(),
          absl::StrCat("sample weights must be f32, got ", graph::DTypeName(o.sample_weights.dtype())));
      return {};
    }
    weighted = ops::Mul(s, per_example, o.sample_weights);
    if (weighted.valid() && weighted.shape().rank() != per_example.shape().rank()) {
      s.RecordError(
          loc, graph::OpKind::kMul, s.prefix(),
          absl::StrCat("sample weights ", o.sample_weights.shape().ToString(),
                       " do not broadcast to the per-example losses ", per_example.shape().ToString()));
      return {};
    }
  }
  switch (o.reduction) {
    case Reduction::kNone:
      return weighted;
    case Reduction::kSum:
      return ops::Sum(s, weighted);
    case Reduction::kSumOverBatchSize:
      return ops::Div(s, ops::Sum(s, weighted), ops::Size(s, per_example));
  }
  return {};
}

bool CheckSameType(const Scope& s, Output labels, Output x, const char* what, Loc loc) {
  if (!s.ok() || !labels.valid() || !x.valid()) return false;
  if (labels.dtype() != DType::kFloat32 || x.dtype() != DType::kFloat32 ||
      !labels.shape().IsCompatibleWith(x.shape())) {
    s.RecordError(loc, graph::OpKind::kSub, s.prefix(),
                  absl::StrCat("expects f32 labels and ", what, " of the same shape, got ",
                               graph::DTypeName(labels.dtype()), labels.shape().ToString(), " and ",
                               graph::DTypeName(x.dtype()), x.shape().ToString()));
    return false;
  }
  return true;
}

}  // namespace

Output SparseSoftmaxCrossEntropy(const Scope& scope, Output labels, Output logits, const LossOptions& o,
                                 Loc loc) {
  const Scope s = scope.NewSubScope("sparse_softmax_cross_entropy").WithLocation(loc);
  return Reduce(s, ops::SparseSoftmaxCrossEntropy(s, labels, logits, loc), o, loc);
}

Output SoftmaxCrossEntropy(const Scope& scope, Output labels, Output logits, const LossOptions& o, Loc loc) {
  const Scope s = scope.NewSubScope("softmax_cross_entropy").WithLocation(loc);
  if (!CheckSameType(s, labels, logits, "logits", loc)) return {};
  Output per = ops::Neg(s, ops::Sum(s, ops::Mul(s, labels, ops::LogSoftmax(s, logits)), {-1}));
  return Reduce(s, per, o, loc);
}

Output SigmoidCrossEntropy(const Scope& scope, Output labels, Output logits, const LossOptions& o, Loc loc) {
  const Scope s = scope.NewSubScope("sigmoid_cross_entropy").WithLocation(loc);
  if (!CheckSameType(s, labels, logits, "logits", loc)) return {};
  Output x = logits;
  Output elem = ops::Add(s, ops::Sub(s, ops::Maximum(s, x, 0.0f), ops::Mul(s, x, labels)),
                         ops::Log(s, ops::Add(s, ops::Exp(s, ops::Neg(s, ops::Abs(s, x))), 1.0f)));
  return Reduce(s, PerExample(s, elem), o, loc);
}

Output MeanSquaredError(const Scope& scope, Output labels, Output predictions, const LossOptions& o,
                        Loc loc) {
  const Scope s = scope.NewSubScope("mean_squared_error").WithLocation(loc);
  if (!CheckSameType(s, labels, predictions, "predictions", loc)) return {};
  return Reduce(s, PerExample(s, ops::Square(s, ops::Sub(s, predictions, labels))), o, loc);
}

Output MeanAbsoluteError(const Scope& scope, Output labels, Output predictions, const LossOptions& o,
                         Loc loc) {
  const Scope s = scope.NewSubScope("mean_absolute_error").WithLocation(loc);
  if (!CheckSameType(s, labels, predictions, "predictions", loc)) return {};
  return Reduce(s, PerExample(s, ops::Abs(s, ops::Sub(s, predictions, labels))), o, loc);
}

Output Huber(const Scope& scope, Output labels, Output predictions, float delta, const LossOptions& o,
             Loc loc) {
  const Scope s = scope.NewSubScope("huber").WithLocation(loc);
  if (!(delta > 0)) {
    s.RecordError(loc, graph::OpKind::kSub, s.prefix(), absl::StrCat("Huber delta must be > 0, got ", delta));
    return {};
  }
  if (!CheckSameType(s, labels, predictions, "predictions", loc)) return {};
  Output a = ops::Abs(s, ops::Sub(s, predictions, labels));
  Output q = ops::Minimum(s, a, delta);
  Output elem = ops::Add(s, ops::Mul(s, ops::Square(s, q), 0.5f), ops::Mul(s, ops::Sub(s, a, q), delta));
  return Reduce(s, PerExample(s, elem), o, loc);
}

}  // namespace layers
