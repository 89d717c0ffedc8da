// Conv2D: y = activation(conv2d(x, kernel) + bias) on NHWC inputs, as keras.layers.Conv2D.
#ifndef LAYERS_CONV_H_
#define LAYERS_CONV_H_

#include <array>
#include <string>

#include "graph/ops/conv_ops.h"
#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/variables.h"

namespace layers {

struct Conv2DOptions {
  int64_t filters = 0;                          // required, > 0
  std::array<int64_t, 2> kernel_size = {0, 0};  // required, > 0
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilation_rate = {1, 1};
  graph::ops::Padding padding = graph::ops::Padding::kValid;
  int64_t groups = 1;
  std::string activation = {};
  bool use_bias = true;
  Initializer kernel_initializer = {};  // glorot_uniform
  Initializer bias_initializer = Initializer::Zeros();
  Regularizer kernel_regularizer = {};
  Regularizer bias_regularizer = {};
  std::string name = "conv2d";  // variables <name>/kernel [kh, kw, in/groups, filters], <name>/bias [filters]
  absl::Status Validate() const;
};

// x: f32 [batch, h, w, channels] with channels known.
Output Conv2D(const Scope& s, Output x, const Conv2DOptions& options, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_CONV_H_
