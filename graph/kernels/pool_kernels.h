// Kernel factories of the 2-D pooling ops (graph/ops/conv_ops.h): oneDNN pooling forward and backward on f32
// NHWC tensors, created once when a plan is compiled.
#ifndef GRAPH_KERNELS_POOL_KERNELS_H_
#define GRAPH_KERNELS_POOL_KERNELS_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "graph/kernel.h"

namespace graph {

// Bytes per output element of oneDNN's max-pooling workspace for a window of `window_elements` (kh * kw):
// the argmax offset inside the window is stored as u8 when it fits, else as s32 (oneDNN's own rule). The
// MaxPool2D shape function sizes its workspace output with it; the kernel checks it against oneDNN's
// workspace_desc() at compile time.
int64_t MaxPoolWorkspaceBytesPerElement(int64_t window_elements);

// MaxPool2D: input x, outputs (y, workspace).
absl::StatusOr<std::unique_ptr<Kernel>> MakeMaxPool2DKernel(KernelContext& ctx);
// MaxPool2DGrad: inputs (dy, workspace, x) (x only for its shape), output dx.
absl::StatusOr<std::unique_ptr<Kernel>> MakeMaxPool2DGradKernel(KernelContext& ctx);
// AvgPool2D: input x, output y (padding excluded from the count).
absl::StatusOr<std::unique_ptr<Kernel>> MakeAvgPool2DKernel(KernelContext& ctx);
// AvgPool2DGrad: inputs (dy, x) (x only for its shape), output dx.
absl::StatusOr<std::unique_ptr<Kernel>> MakeAvgPool2DGradKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_POOL_KERNELS_H_
