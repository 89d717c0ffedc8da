// Shared pieces of layers: weight creation (initializer + regularizer) and activations by name.
#ifndef LAYERS_LAYER_UTIL_H_
#define LAYERS_LAYER_UTIL_H_

#include <string>

#include "graph/shape.h"
#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/variables.h"

namespace layers {

// Creates variable `name` of `shape` under `s` initialized by `init` (seeded by the graph seed and the
// variable's full name), registers its regularizer and returns it.
Output MakeWeight(const Scope& s, const std::string& name, const graph::Shape& shape, const Initializer& init,
                  const Regularizer& regularizer, bool trainable, Loc loc);

// Applies an activation by name: "" or "linear" (none), "softmax", or any name graph::ops::ParseActivation
// knows
// ("relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "sigmoid", "tanh", "softplus").
Output ApplyActivation(const Scope& s, Output x, const std::string& activation, Loc loc);
absl::Status ValidateActivation(const std::string& activation);

}  // namespace layers

#endif  // LAYERS_LAYER_UTIL_H_
