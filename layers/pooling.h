// MaxPool2D / AvgPool2D layers on NHWC inputs, as keras.layers.MaxPool2D / AveragePooling2D.
#ifndef LAYERS_POOLING_H_
#define LAYERS_POOLING_H_

#include <array>
#include <string>

#include "graph/ops/conv_ops.h"
#include "layers/variables.h"

namespace layers {

struct Pool2DOptions {
  std::array<int64_t, 2> pool_size = {2, 2};
  std::array<int64_t, 2> strides = {0, 0};  // 0: equal to pool_size (Keras)
  graph::ops::Padding padding = graph::ops::Padding::kValid;
  std::string name = {};  // default "max_pooling2d" / "average_pooling2d"
  absl::Status Validate() const;
};

Output MaxPool2D(const Scope& s, Output x, const Pool2DOptions& options = {}, Loc loc = Loc::current());
Output AvgPool2D(const Scope& s, Output x, const Pool2DOptions& options = {}, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_POOLING_H_
