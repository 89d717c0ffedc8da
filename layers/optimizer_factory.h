// Creating an optimizer by name from a generic options struct (what a YAML `optimizer:` block maps to).
#ifndef LAYERS_OPTIMIZER_FACTORY_H_
#define LAYERS_OPTIMIZER_FACTORY_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "layers/optimizer.h"

namespace layers {

// Every optimizer's settings in one struct. A field left unset takes the chosen optimizer's own default (see
// SGDOptions, MomentumOptions, AdamOptions, AdamWOptions, AdagradOptions, RMSPropOptions); setting a field
// the chosen optimizer does not have is an error.
struct GenericOptimizerOptions {
  std::optional<LearningRate> learning_rate = std::nullopt;
  std::optional<float> momentum = std::nullopt;                   // momentum, rmsprop
  std::optional<bool> nesterov = std::nullopt;                    // momentum
  std::optional<float> beta_1 = std::nullopt;                     // adam, adamw
  std::optional<float> beta_2 = std::nullopt;                     // adam, adamw
  std::optional<float> epsilon = std::nullopt;                    // adam, adamw, adagrad, rmsprop
  std::optional<bool> amsgrad = std::nullopt;                     // adam, adamw
  std::optional<float> weight_decay = std::nullopt;               // adamw
  std::vector<std::string> exclude_from_weight_decay = {};        // adamw
  std::optional<float> initial_accumulator_value = std::nullopt;  // adagrad
  std::optional<float> rho = std::nullopt;                        // rmsprop
  std::optional<bool> centered = std::nullopt;                    // rmsprop
};

// The names CreateOptimizer knows: "sgd", "momentum", "adam", "adamw", "adagrad", "rmsprop".
const std::vector<std::string>& OptimizerNames();

// A new optimizer of kind `name` (case-sensitive, one of OptimizerNames()) with `options` applied over its
// defaults. InvalidArgument for an unknown name (listing the known ones), for a field that does not apply to
// the optimizer, and for options its Validate() rejects.
absl::StatusOr<std::unique_ptr<Optimizer>> CreateOptimizer(const std::string& name,
                                                           const GenericOptimizerOptions& options = {});

}  // namespace layers

#endif  // LAYERS_OPTIMIZER_FACTORY_H_
