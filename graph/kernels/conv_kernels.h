// Kernel factories of the 2-D convolution ops (graph/ops/conv_ops.h): oneDNN convolution forward, backward
// data and backward weights, each created once when a plan is compiled. Tensors are f32 NHWC activations and
// Keras HWIO filters ([KH,KW,Cin/groups,Cout], output channel o in group o / (Cout/groups)).
#ifndef GRAPH_KERNELS_CONV_KERNELS_H_
#define GRAPH_KERNELS_CONV_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "graph/kernel.h"

namespace graph {

// Conv2D: inputs (x, filter), output y.
absl::StatusOr<std::unique_ptr<Kernel>> MakeConv2DKernel(KernelContext& ctx);
// Conv2DBackpropInput: inputs (x, filter, dy) (x only for its shape), output dx.
absl::StatusOr<std::unique_ptr<Kernel>> MakeConv2DBackpropInputKernel(KernelContext& ctx);
// Conv2DBackpropFilter: inputs (x, filter, dy) (filter only for its shape), output dfilter.
absl::StatusOr<std::unique_ptr<Kernel>> MakeConv2DBackpropFilterKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_CONV_KERNELS_H_
