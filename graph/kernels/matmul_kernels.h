// Kernel factory of MatMul (graph/ops/matmul_ops.h): one oneDNN matmul primitive with a user-mode scratchpad,
// created once when a plan is compiled.
#ifndef GRAPH_KERNELS_MATMUL_KERNELS_H_
#define GRAPH_KERNELS_MATMUL_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "graph/kernel.h"

namespace graph {

// MatMul: inputs (a, b), output c; f32, or bf16 with a bf16 result. bf16 runs oneDNN's bf16 kernel where the
// CPU has one (AVX512-BF16, AMX); elsewhere, or when the Session emulates bf16, the operands are widened to
// f32 into buffers owned by the kernel, multiplied by the f32 kernel and the result rounded to bf16 (to
// nearest even), as the native kernel does after accumulating in f32: the two agree within bf16 rounding.
absl::StatusOr<std::unique_ptr<Kernel>> MakeMatMulKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_MATMUL_KERNELS_H_
