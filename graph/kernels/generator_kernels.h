// Kernel factories of the generators (graph/ops/generator_ops.h).
#ifndef GRAPH_KERNELS_GENERATOR_KERNELS_H_
#define GRAPH_KERNELS_GENERATOR_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "graph/kernel.h"

namespace graph {

// Called once per node when a plan is compiled. Random kernels keep the node's run counter from
// ctx.services.RngCounter and advance it on every Run.
absl::StatusOr<std::unique_ptr<Kernel>> MakeFillKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeRangeKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeRandomUniformKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeRandomNormalKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_GENERATOR_KERNELS_H_
