// Gradients of the convolution and pooling ops. The backward ops carry the forward node's attributes and take
// its inputs for their shapes, so oneDNN's backward primitives are created with the forward one as a hint.
#include "graph/op_registry.h"
#include "graph/ops/conv_ops.h"

namespace graph {
namespace {

Output AddBackward(const Scope& s, const Node& n, OpKind kind, std::vector<Output> inputs, const char* name) {
  Node* g = s.AddOp(kind, std::move(inputs), n.attrs(), n.location(), name);
  return g ? g->output(0) : Output();
}

// y = x ⋆ filter: dx = convolution backward data, dfilter = convolution backward weights.
void Conv2DGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const std::vector<Output> in = {n.input(0), n.input(1), dy[0]};
  (*dx)[0] = AddBackward(s, n, OpKind::kConv2DBackpropInput, in, "conv2d_backprop_input");
  (*dx)[1] = AddBackward(s, n, OpKind::kConv2DBackpropFilter, in, "conv2d_backprop_filter");
}

// The gradient goes to the argmax positions recorded in the forward workspace (output 1).
void MaxPool2DGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  Output workspace(const_cast<Node*>(&n), 1);
  (*dx)[0] = AddBackward(s, n, OpKind::kMaxPool2DGrad, {dy[0], workspace, n.input(0)}, "max_pool2d_grad");
}

// Each output's gradient is spread evenly over the inputs of its window (padding excluded).
void AvgPool2DGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = AddBackward(s, n, OpKind::kAvgPool2DGrad, {dy[0], n.input(0)}, "avg_pool2d_grad");
}

}  // namespace

void RegisterConvGradients(OpRegistry& r) {
  r.SetGradient(OpKind::kConv2D, Conv2DGrad);
  r.SetGradient(OpKind::kMaxPool2D, MaxPool2DGrad);
  r.SetGradient(OpKind::kAvgPool2D, AvgPool2DGrad);
}

}  // namespace graph
