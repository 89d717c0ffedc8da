// BatchNormalization over the last axis, as keras.layers.BatchNormalization.
#ifndef LAYERS_BATCH_NORMALIZATION_H_
#define LAYERS_BATCH_NORMALIZATION_H_

#include <string>

#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/variables.h"

namespace layers {

struct BatchNormalizationOptions {
  float momentum = 0.99f;  // moving = moving * momentum + batch * (1 - momentum)
  float epsilon = 1e-3f;
  bool center = true;  // learn beta
  bool scale = true;   // learn gamma
  Initializer beta_initializer = Initializer::Zeros();
  Initializer gamma_initializer = Initializer::Ones();
  Initializer moving_mean_initializer = Initializer::Zeros();
  Initializer moving_variance_initializer = Initializer::Ones();
  Regularizer beta_regularizer = {};
  Regularizer gamma_regularizer = {};
  std::string name = "batch_normalization";  // variables <name>/gamma, beta, moving_mean, moving_variance
  absl::Status Validate() const;
};

// x: f32 [batch, ..., channels] with channels known. training: normalizes with the batch statistics and adds
// the moving-average updates to the kUpdateOps collection (optimizers run them with each step); the moving
// variance is updated with the unbiased batch variance (n / (n - 1) times the biased one), as TensorFlow's
// fused batch norm does. Otherwise normalizes with the moving statistics.
Output BatchNormalization(const Scope& s, Output x, bool training,
                          const BatchNormalizationOptions& options = {}, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_BATCH_NORMALIZATION_H_
