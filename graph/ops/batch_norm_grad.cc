// Gradient of BatchNorm. y = gamma * (x - mean) * inv + beta with inv = 1 / sqrt(variance + epsilon).
//
// Through y, oneDNN's batch_normalization_backward (BatchNormGrad) gives dx, dgamma = sum(dy * (x - mean) *
// inv) and dbeta = sum(dy), reading the statistics the forward used: in training the batch statistics the
// forward computed (dx then includes their dependence on x), in inference the given ones (use_global_stats).
//
// Gradients reaching the statistics outputs are added with elementwise ops: in training batch_mean and
// batch_variance are functions of x (d mean / dx = 1/M, d variance / dx = 2 (x - mean) / M over the M rows);
// in inference they are the `mean` and `variance` inputs passed through, and y also depends on those inputs:
// d/dmean = -dbeta * gamma * inv, d/dvariance = -dgamma * gamma * inv^2 / 2. In training the `mean` and
// `variance` inputs are not used and get no gradient.
#include <numeric>

#include "graph/autodiff.h"
#include "graph/op_registry.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"

namespace graph {
namespace {

Output Out(const Node& n, int i) { return const_cast<Node&>(n).output(i); }

void BatchNormGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const bool training = n.attrs().GetBool("training");
  const double epsilon = n.attrs().GetFloat("epsilon");
  Output x = n.input(0), gamma = n.input(1), beta = n.input(2);
  Output mean = training ? Out(n, 1) : n.input(3);
  Output variance = training ? Out(n, 2) : n.input(4);

  std::vector<Output> dx_terms;
  Output dgamma, dbeta;
  if (dy[0].valid()) {
    Node* g =
        s.AddOp(OpKind::kBatchNormGrad, {dy[0], x, gamma, beta, mean, variance},
                {{"epsilon", epsilon}, {"use_global_stats", !training}}, Loc::current(), "batch_norm_grad");
    if (g == nullptr) return;
    dx_terms.push_back(g->output(0));
    dgamma = g->output(1);
    dbeta = g->output(2);
  }
  std::vector<int64_t> row_axes(static_cast<size_t>(x.shape().rank() - 1));
  std::iota(row_axes.begin(), row_axes.end(), 0);

  if (training) {
    if (dy[1].valid())
      dx_terms.push_back(ops::BroadcastLike(s, dy[1], x, row_axes, /*divide_by_count=*/true));
    if (dy[2].valid()) {
      Output centered2 = ops::Mul(s, ops::Sub(s, x, mean), 2.0f);
      dx_terms.push_back(ops::Mul(s, ops::BroadcastLike(s, dy[2], x, row_axes, true), centered2));
    }
  } else {
    Output inv = ops::Rsqrt(s, ops::Add(s, variance, static_cast<float>(epsilon)));
    std::vector<Output> dmean, dvariance;
    if (dy[1].valid()) dmean.push_back(dy[1]);
    if (dy[2].valid()) dvariance.push_back(dy[2]);
    if (dy[0].valid()) {
      Output gamma_inv = ops::Mul(s, gamma, inv);
      dmean.push_back(ops::Neg(s, ops::Mul(s, dbeta, gamma_inv)));
      dvariance.push_back(ops::Mul(s, ops::Mul(s, dgamma, ops::Mul(s, gamma_inv, inv)), -0.5f));
    }
    (*dx)[3] = AddAll(s, dmean);
    (*dx)[4] = AddAll(s, dvariance);
  }
  (*dx)[0] = AddAll(s, dx_terms);
  (*dx)[1] = dgamma;
  (*dx)[2] = dbeta;
}

}  // namespace

void RegisterBatchNormGradients(OpRegistry& r) { r.SetGradient(OpKind::kBatchNorm, BatchNormGrad); }

}  // namespace graph
