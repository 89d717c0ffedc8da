#include "layers/layer_util.h"

#include "graph/ops/nn_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {

namespace ops = graph::ops;

Output MakeWeight(const Scope& s, const std::string& name, const graph::Shape& shape, const Initializer& init,
                  const Regularizer& regularizer, bool trainable, Loc loc) {
  if (!s.ok()) return {};
  const std::string full = s.prefix() + name;
  auto value = InitialValue(init, shape, s.graph()->seed(), NameHash(full));
  if (!value.ok()) {
    s.RecordError(loc, graph::OpKind::kVariable, full, std::string(value.status().message()));
    return {};
  }
  Output w = CreateVariable(
      s, name, ops::Const(s.WithOpName(name + "/initial_value"), *std::move(value), loc), trainable, loc);
  AddRegularization(s, w, regularizer, loc);
  return w;
}

absl::Status ValidateActivation(const std::string& activation) {
  if (activation.empty() || activation == "linear" || activation == "softmax") return absl::OkStatus();
  return ops::ParseActivation(activation).status();
}

Output ApplyActivation(const Scope& s, Output x, const std::string& activation, Loc loc) {
  if (activation.empty() || activation == "linear") return x;
  if (activation == "softmax") return ops::Softmax(s, x, loc);
  auto kind = ops::ParseActivation(activation);
  if (!kind.ok()) {
    s.RecordError(loc, graph::OpKind::kActivation, s.prefix() + activation,
                  std::string(kind.status().message()));
    return {};
  }
  float alpha = 0.0f;
  if (*kind == ops::ActivationKind::kLeakyRelu) alpha = 0.3f;  // Keras' LeakyReLU default
  if (*kind == ops::ActivationKind::kElu) alpha = 1.0f;
  return ops::Activation(s, x, *kind, alpha, loc);
}

}  // namespace layers
