// Small layers: Flatten, Activation, Dropout, Embedding (as their Keras namesakes).
#ifndef LAYERS_CORE_H_
#define LAYERS_CORE_H_

#include <string>

#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/variables.h"

namespace layers {

// [batch, d1, d2, ...] → [batch, d1*d2*...]; every dim after the batch must be known.
Output Flatten(const Scope& s, Output x, Loc loc = Loc::current());

// An activation by name ("relu", "softmax", ...; see ApplyActivation).
Output Activation(const Scope& s, Output x, const std::string& activation, Loc loc = Loc::current());

struct DropoutOptions {
  float rate = 0.5f;  // fraction dropped, in [0, 1)
  int64_t seed = 0;   // 0: derived from the layer's name (combined with the graph seed either way)
  std::string name = "dropout";
  absl::Status Validate() const;
};
// Inverted dropout in training; the identity otherwise (no node is added).
Output Dropout(const Scope& s, Output x, bool training, const DropoutOptions& options = {},
               Loc loc = Loc::current());

struct EmbeddingOptions {
  int64_t input_dim = 0;                                                           // vocabulary size, > 0
  int64_t output_dim = 0;                                                          // > 0
  Initializer embeddings_initializer = {.kind = InitializerKind::kRandomUniform};  // U(-0.05, 0.05) as Keras
  Regularizer embeddings_regularizer = {};
  std::string name = "embedding";  // variable <name>/embeddings [input_dim, output_dim]
  absl::Status Validate() const;
};
// ids: i32/i64 of any shape → f32 [ids..., output_dim]. An id outside [0, input_dim) is a run-time error.
Output Embedding(const Scope& s, Output ids, const EmbeddingOptions& options, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_CORE_H_
