#include "layers/core.h"

#include "absl/strings/str_cat.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/nn_ops.h"
#include "layers/layer_util.h"

namespace layers {

namespace ops = graph::ops;

Output Flatten(const Scope& scope, Output x, Loc loc) {
  if (!scope.ok() || !x.valid()) return {};
  const Scope s = scope.NewSubScope("flatten").WithLocation(loc);
  const graph::Shape& shape = x.shape();
  if (shape.rank() < 1) {
    s.RecordError(loc, graph::OpKind::kReshape, s.prefix(),
                  "Flatten needs at least a batch dim, got a scalar");
    return {};
  }
  int64_t rest = 1;
  for (int i = 1; i < shape.rank(); ++i) {
    if (shape.dim(i) < 0) {
      s.RecordError(loc, graph::OpKind::kReshape, s.prefix(),
                    absl::StrCat("Flatten needs every dim after the batch known, got ", shape.ToString()));
      return {};
    }
    rest *= shape.dim(i);
  }
  return ops::Reshape(s, x, {graph::Shape::kUnknownDim, rest}, loc);
}

Output Activation(const Scope& scope, Output x, const std::string& activation, Loc loc) {
  if (!scope.ok()) return {};
  return ApplyActivation(scope.NewSubScope("activation").WithLocation(loc), x, activation, loc);
}

absl::Status DropoutOptions::Validate() const {
  if (!(rate >= 0 && rate < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("Dropout rate must be in [0, 1), got ", rate));
  }
  return absl::OkStatus();
}

Output Dropout(const Scope& scope, Output x, bool training, const DropoutOptions& o, Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope(o.name).WithLocation(loc);
  if (absl::Status st = o.Validate(); !st.ok()) {
    s.RecordError(loc, graph::OpKind::kDropout, s.prefix(), std::string(st.message()));
    return {};
  }
  if (!training || o.rate == 0.0f) return x;
  const int64_t seed = o.seed != 0 ? o.seed : static_cast<int64_t>(NameHash(s.prefix()) >> 1);
  return ops::Dropout(s, x, o.rate, seed, loc);
}

absl::Status EmbeddingOptions::Validate() const {
  if (input_dim <= 0 || output_dim <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Embedding needs input_dim and output_dim > 0, got ", input_dim, " and ", output_dim));
  }
  if (absl::Status st = embeddings_initializer.Validate(); !st.ok()) return st;
  return embeddings_regularizer.Validate();
}

Output Embedding(const Scope& scope, Output ids, const EmbeddingOptions& o, Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope(o.name).WithLocation(loc);
  if (absl::Status st = o.Validate(); !st.ok()) {
    s.RecordError(loc, graph::OpKind::kGather, s.prefix(), std::string(st.message()));
    return {};
  }
  Output table = MakeWeight(s, "embeddings", {o.input_dim, o.output_dim}, o.embeddings_initializer,
                            o.embeddings_regularizer, true, loc);
  return ops::Gather(s, table, ids, 0, loc);
}

}  // namespace layers
