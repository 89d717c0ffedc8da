// Gradients of the reductions: Sum and Mean broadcast the gradient back; Max and Min route it to the elements
// equal to the result, split equally among ties (TensorFlow's rule). Also the gradient of BroadcastLike, the
// broadcast these use, so that gradients of gradients pass through it.
#include "graph/op_registry.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/reduction_ops.h"

namespace graph {
namespace {

template <bool kMean>
void SumOrMeanGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::BroadcastLike(s, dy[0], n.input(0), n.attrs().GetInts("axes"), /*divide_by_count=*/kMean);
}

// mask = (x == y broadcast); dx = mask * broadcast(dy / sum(mask)). Where x holds NaN the result is NaN, so
// the mask is empty and the gradient NaN, as in TensorFlow.
void ExtremumGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const Output x = n.input(0);
  const Output y = const_cast<Node&>(n).output(0);
  const std::vector<int64_t>& axes = n.attrs().GetInts("axes");
  const bool keep_dims = n.attrs().GetBool("keep_dims");
  const Output mask = ops::Cast(s, ops::Equal(s, x, ops::BroadcastLike(s, y, x, axes)), x.dtype());
  const Output share = ops::Div(s, dy[0], ops::Sum(s, mask, axes, keep_dims));
  (*dx)[0] = ops::Mul(s, mask, ops::BroadcastLike(s, share, x, axes));
}

// BroadcastLike (the adjoint of Sum and Mean) is linear in g: its adjoint sums (or averages) over the
// broadcast axes, then takes g's shape (the axes dropped or kept as size 1). `like` gives only a shape.
void BroadcastLikeGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const std::vector<int64_t>& axes = n.attrs().GetInts("axes");
  const Output reduced =
      n.attrs().GetBool("divide_by_count") ? ops::Mean(s, dy[0], axes) : ops::Sum(s, dy[0], axes);
  (*dx)[0] = ops::ReshapeLike(s, reduced, n.input(0));
}

}  // namespace

void RegisterReductionGradients(OpRegistry& r) {
  r.SetGradient(OpKind::kSum, SumOrMeanGrad<false>);
  r.SetGradient(OpKind::kMean, SumOrMeanGrad<true>);
  r.SetGradient(OpKind::kMax, ExtremumGrad);
  r.SetGradient(OpKind::kMin, ExtremumGrad);
  r.SetGradient(OpKind::kBroadcastLike, BroadcastLikeGrad);
}

}  // namespace graph
