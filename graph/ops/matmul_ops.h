// Matrix multiplication backed by oneDNN.
#ifndef GRAPH_OPS_MATMUL_OPS_H_
#define GRAPH_OPS_MATMUL_OPS_H_

#include "graph/scope.h"

namespace graph::ops {

struct MatMulOptions {
  bool transpose_a = false;
  bool transpose_b = false;
};

// a·b for rank-2 [M,K]·[K,N] → [M,N], or batched rank-3 [B,M,K]·[B,K,N] → [B,M,N] (a batch of 1 broadcasts).
// Transposes swap the last two dims of an operand without copying it. f32, or bf16 (bf16 result).
Output MatMul(const Scope& s, Output a, Output b, MatMulOptions options = {}, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_MATMUL_OPS_H_
