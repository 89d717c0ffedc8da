// Gradients of bias addition, activations, softmax / log-softmax and dropout. Activations and softmax
// back-propagate with oneDNN backward primitives (ActivationGrad, SoftmaxGrad, LogSoftmaxGrad) that read the
// forward output where the math allows, so the forward input need not stay alive for the backward pass.
#include "graph/kernels/nn_kernels.h"
#include "graph/op_registry.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/nn_ops.h"

namespace graph {
namespace {

Output First(Node* n) { return n ? n->output(0) : Output(); }
Output Out(const Node& n, int i = 0) { return const_cast<Node&>(n).output(i); }

// y = x + bias: dx = dy, dbias = dy summed over every dim but the last.
void BiasAddGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = dy[0];
  (*dx)[1] = ops::SumToShapeOf(s, dy[0], n.input(1));
}

void ActivationGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const int64_t kind = n.attrs().GetInt("kind");
  const double alpha = n.attrs().GetFloat("alpha");
  const bool use_output =
      ActivationGradUsesOutput(static_cast<ops::ActivationKind>(kind), static_cast<float>(alpha));
  Output v = use_output ? Out(n) : n.input(0);
  (*dx)[0] = First(s.AddOp(OpKind::kActivationGrad, {dy[0], v},
                           {{"kind", kind}, {"alpha", alpha}, {"use_output", use_output}}, Loc::current(),
                           "activation_grad"));
}

// y = softmax(x): dx = y * (dy - sum(dy * y)) along the last dim (oneDNN softmax_backward).
void SoftmaxGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = First(s.AddOp(OpKind::kSoftmaxGrad, {dy[0], Out(n)}, {}, Loc::current(), "softmax_grad"));
}

// y = log_softmax(x): dx = dy - exp(y) * sum(dy) along the last dim (oneDNN logsoftmax_backward).
void LogSoftmaxGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = First(s.AddOp(OpKind::kLogSoftmaxGrad, {dy[0], Out(n)}, {}, Loc::current(), "log_softmax_grad"));
}

// y = x * mask: dx = dy * mask. The mask output is piecewise constant in x, so a gradient reaching it adds
// nothing.
void DropoutGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  if (!dy[0].valid()) return;
  (*dx)[0] = First(s.AddOp(OpKind::kDropoutGrad, {dy[0], Out(n, 1)}, {}, Loc::current(), "dropout_grad"));
}

}  // namespace

void RegisterNnGradients(OpRegistry& r) {
  r.SetGradient(OpKind::kBiasAdd, BiasAddGrad);
  r.SetGradient(OpKind::kActivation, ActivationGrad);
  r.SetGradient(OpKind::kSoftmax, SoftmaxGrad);
  r.SetGradient(OpKind::kLogSoftmax, LogSoftmaxGrad);
  r.SetGradient(OpKind::kDropout, DropoutGrad);
}

}  // namespace graph
