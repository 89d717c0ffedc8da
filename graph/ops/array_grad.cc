// Gradients of the array ops (reshape, transpose, concat, slice, gather) and of their adjoint support ops.
#include <string>

#include "absl/strings/str_cat.h"
#include "graph/op_registry.h"
#include "graph/ops/array_grad_ops.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/grad_support_ops.h"

namespace graph {
namespace {

int NormalizeAxis(int64_t axis, int rank) { return static_cast<int>(axis < 0 ? axis + rank : axis); }

void ReshapeGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::ReshapeLike(s, dy[0], n.input(0));
}

// Output dim i is input dim perm[i], so the gradient is transposed by the inverse permutation.
void TransposeGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const std::vector<int64_t>& perm = n.attrs().GetInts("perm");
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  (*dx)[0] = ops::Transpose(s, dy[0], std::move(inverse));
}

// Each value's gradient is its block of dy along the axis. The offsets need the sizes along the axis of every
// value but the last when the graph is built.
void ConcatGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const int rank = n.input(0).shape().rank();
  const int axis = NormalizeAxis(n.attrs().GetInt("axis"), rank);
  int64_t offset = 0;
  for (int i = 0; i < n.num_inputs(); ++i) {
    const Shape& shape = n.input(i).shape();
    const int64_t size = shape.dim(axis);
    const bool last = i + 1 == n.num_inputs();
    if (size < 0 && !last) {
      s.RecordError(
          n.location(), n.kind(), n.name(),
          absl::StrCat("Gradients: values[", i, "] has shape ", shape.ToString(),
                       ", whose size along the concatenation axis ", axis,
                       " is unknown; the gradient of Concat needs the sizes along the axis of all values "
                       "but the last when the graph is built"));
      return;
    }
    std::vector<int64_t> begin(static_cast<size_t>(rank), 0);
    std::vector<int64_t> sizes(static_cast<size_t>(rank), -1);
    begin[static_cast<size_t>(axis)] = offset;
    sizes[static_cast<size_t>(axis)] = size;  // -1 (to the end) only for an unknown last size
    (*dx)[static_cast<size_t>(i)] = ops::Slice(s, dy[0], std::move(begin), std::move(sizes));
    offset += size;
  }
}

void SliceGradFn(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::SliceGrad(s, dy[0], n.input(0), n.attrs().GetInts("begin"));
}

// The gradient flows to params only (indices are integers).
void GatherGradFn(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::GatherGrad(s, dy[0], n.input(1), n.input(0), n.attrs().GetInt("axis"));
}

// SliceGrad is linear in its dy (input 0): the adjoint is the slice it was placed into. x gives only a shape.
void SliceGradGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const Shape& placed = n.input(0).shape();
  if (!placed.IsFullyDefined()) {
    s.RecordError(n.location(), n.kind(), n.name(),
                  absl::StrCat("Gradients: the placed block has shape ", placed.ToString(),
                               "; its gradient needs every dim when the graph is built"));
    return;
  }
  std::vector<int64_t> sizes(placed.dims().begin(), placed.dims().end());
  (*dx)[0] = ops::Slice(s, dy[0], n.attrs().GetInts("begin"), std::move(sizes));
}

// GatherGrad is linear in its dy (input 0): the adjoint of a scatter-add is a gather. params gives only a
// shape.
void GatherGradGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Gather(s, dy[0], n.input(1), n.attrs().GetInt("axis"));
}

}  // namespace

void RegisterArrayGradients(OpRegistry& r) {
  RegisterArrayGradSupportOps(r);
  r.SetGradient(OpKind::kReshape, ReshapeGrad);
  r.SetGradient(OpKind::kTranspose, TransposeGrad);
  r.SetGradient(OpKind::kConcat, ConcatGrad);
  r.SetGradient(OpKind::kSlice, SliceGradFn);
  r.SetGradient(OpKind::kGather, GatherGradFn);
  r.SetGradient(OpKind::kSliceGrad, SliceGradGrad);
  r.SetGradient(OpKind::kGatherGrad, GatherGradGrad);
}

}  // namespace graph
