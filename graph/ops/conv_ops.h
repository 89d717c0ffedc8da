// 2-D convolution and pooling in NHWC layout (as Keras), backed by oneDNN forward and backward primitives
// created once at compile time.
#ifndef GRAPH_OPS_CONV_OPS_H_
#define GRAPH_OPS_CONV_OPS_H_

#include <array>
#include <string>

#include "absl/status/statusor.h"

#include "graph/scope.h"

namespace graph::ops {

enum class Padding { kValid, kSame };

struct Conv2DOptions {
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilations = {1, 1};
  Padding padding =
      Padding::kValid;  // kSame: output = ceil(input / stride), padding split as TensorFlow does
  int64_t groups = 1;   // input channels and filters must both divide by it
};

// x [N,H,W,Cin] ⋆ filter [KH,KW,Cin/groups,Cout] (Keras HWIO) → [N,OH,OW,Cout]. f32.
Output Conv2D(const Scope& s, Output x, Output filter, const Conv2DOptions& options = {},
              Loc loc = Loc::current());

struct Pool2DOptions {
  std::array<int64_t, 2> window = {2, 2};
  std::array<int64_t, 2> strides = {2, 2};
  Padding padding = Padding::kValid;
};

// Max / average pooling over H and W of x [N,H,W,C]. Average pooling excludes padding from the count (like
// TensorFlow). Max pooling keeps oneDNN's workspace (the argmax positions) for its gradient: the MaxPool2D
// node has a second output, a bool tensor [N,OH,OW,C*b] whose bytes are that workspace (b = 1 byte per output
// element for windows of fewer than 256 elements, else 4), which MaxPool2DGrad reads. The builders return
// output 0.
Output MaxPool2D(const Scope& s, Output x, const Pool2DOptions& options = {}, Loc loc = Loc::current());
Output AvgPool2D(const Scope& s, Output x, const Pool2DOptions& options = {}, Loc loc = Loc::current());

// Parses "valid" / "same" (as in configs; case-insensitive). Fails naming the unknown value.
absl::StatusOr<Padding> ParsePadding(const std::string& name);

// The backward ops the gradients of Conv2D are built from (as tf.nn.conv2d_backprop_input / _filter): the
// gradients with respect to x and to filter of Conv2D(x, filter, options), given dy of Conv2D's output shape.
// Conv2DBackpropInput reads only the shape of x, Conv2DBackpropFilter only the shape of filter.
Output Conv2DBackpropInput(const Scope& s, Output x, Output filter, Output dy,
                           const Conv2DOptions& options = {}, Loc loc = Loc::current());
Output Conv2DBackpropFilter(const Scope& s, Output x, Output filter, Output dy,
                            const Conv2DOptions& options = {}, Loc loc = Loc::current());

}  // namespace graph::ops

namespace graph {
class OpRegistry;
// Attaches the gradients of Conv2D, MaxPool2D and AvgPool2D (graph/ops/conv_grad.cc). Called by
// RegisterConvOps.
void RegisterConvGradients(OpRegistry& r);
}  // namespace graph

#endif  // GRAPH_OPS_CONV_OPS_H_
