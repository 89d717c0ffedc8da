// Registers the built-in models with the model registry (estimator/model_registry.h).
#ifndef MODELS_BUILTIN_MODELS_H_
#define MODELS_BUILTIN_MODELS_H_

#include "absl/status/status.h"

namespace models {

// Registers "fashion_mnist_mlp", "fashion_mnist_cnn", "dnn_classifier", "linear_classifier" and
// "linear_regressor". Called explicitly (a static registrar in a library could be dropped by the linker).
// Idempotent: later calls return the first call's result. An error (a name another part of the program
// already registered) names the duplicate. Thread-safe.
absl::Status RegisterBuiltinModels();

}  // namespace models

#endif  // MODELS_BUILTIN_MODELS_H_
