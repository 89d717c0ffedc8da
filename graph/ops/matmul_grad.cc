// Gradient of MatMul: y = op(a)·op(b) with op a transpose or not.
#include "graph/op_registry.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/matmul_ops.h"

namespace graph {
namespace {

void MatMulGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const bool ta = n.attrs().GetBool("transpose_a");
  const bool tb = n.attrs().GetBool("transpose_b");
  Output a = n.input(0), b = n.input(1), g = dy[0];
  Output da, db;
  if (!ta && !tb) {
    da = ops::MatMul(s, g, b, {.transpose_b = true});
    db = ops::MatMul(s, a, g, {.transpose_a = true});
  } else if (!ta && tb) {
    da = ops::MatMul(s, g, b);
    db = ops::MatMul(s, g, a, {.transpose_a = true});
  } else if (ta && !tb) {
    da = ops::MatMul(s, b, g, {.transpose_b = true});
    db = ops::MatMul(s, a, g);
  } else {
    da = ops::MatMul(s, b, g, {.transpose_a = true, .transpose_b = true});
    db = ops::MatMul(s, g, a, {.transpose_a = true, .transpose_b = true});
  }
  if (a.shape().rank() == 3) {  // a broadcast batch of 1 sums its gradient over the batch
    da = ops::SumToShapeOf(s, da, a);
    db = ops::SumToShapeOf(s, db, b);
  }
  (*dx)[0] = da;
  (*dx)[1] = db;
}

}  // namespace

void RegisterMatMulGradients(OpRegistry& r) { r.SetGradient(OpKind::kMatMul, MatMulGrad); }

}  // namespace graph
