// Kernel factories of the reductions (graph/ops/reduction_ops.h), and the axis handling they share with the
// shape functions.
#ifndef GRAPH_KERNELS_REDUCTION_KERNELS_H_
#define GRAPH_KERNELS_REDUCTION_KERNELS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/kernel.h"

namespace graph {

// Which dims of `shape` the reduction over `axes` covers (empty `axes`: all). Fails with a message naming the
// axes and the shape if an axis is out of range or a dim is named twice.
absl::StatusOr<std::vector<bool>> ReducedDims(const std::vector<int64_t>& axes, const Shape& shape);

// Called once per node when a plan is compiled; inputs and outputs have concrete shapes.
absl::StatusOr<std::unique_ptr<Kernel>> MakeSumKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeMeanKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeMaxKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeMinKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeArgMaxKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_REDUCTION_KERNELS_H_
