// Dense: y = activation(x · kernel + bias), as tf.layers.dense / keras.layers.Dense.
#ifndef LAYERS_DENSE_H_
#define LAYERS_DENSE_H_

#include <string>

#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/variables.h"

namespace layers {

struct DenseOptions {
  int64_t units = 0;            // required, > 0
  std::string activation = {};  // "" (linear), "relu", "softmax", ... (see ApplyActivation)
  bool use_bias = true;
  Initializer kernel_initializer = {};  // glorot_uniform
  Initializer bias_initializer = Initializer::Zeros();
  Regularizer kernel_regularizer = {};
  Regularizer bias_regularizer = {};
  std::string name = "dense";  // variables: <name>/kernel [in, units], <name>/bias [units]; a second layer
                               // with the same name becomes <name>_1
  absl::Status Validate() const;
};

// x: f32 [batch, in] with `in` known. Errors (bad options, wrong rank) are recorded at the caller's line.
Output Dense(const Scope& s, Output x, const DenseOptions& options, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_DENSE_H_
