// Kernel factories of the array ops (graph/ops/array_ops.h). Each is called once when a plan is compiled,
// with the node's inputs and outputs bound to planned storage of concrete shapes; the kernels they return
// copy bytes and so work for every dtype.
#ifndef GRAPH_KERNELS_ARRAY_KERNELS_H_
#define GRAPH_KERNELS_ARRAY_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "graph/kernel.h"

namespace graph {

absl::StatusOr<std::unique_ptr<Kernel>> MakeTransposeKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeConcatKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeSliceKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeGatherKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeOneHotKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_ARRAY_KERNELS_H_
