// Kernel factories of the neural-network ops (graph/ops/nn_ops.h, graph/ops/batch_norm_ops.h). BiasAdd and
// Dropout are plain C++ loops; activations, softmax and batch normalization are oneDNN primitives created
// here, at compile time, with a user-mode scratchpad owned by the kernel.
#ifndef GRAPH_KERNELS_NN_KERNELS_H_
#define GRAPH_KERNELS_NN_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "graph/kernel.h"
#include "graph/ops/nn_ops.h"

namespace graph {

// True when the backward of `kind` can be computed from the activation's output y alone (oneDNN's
// `*_use_dst_for_bwd` algorithms): relu, leaky relu and elu with alpha >= 0, sigmoid, tanh. The others (gelu,
// softplus, negative slopes) need the input x.
bool ActivationGradUsesOutput(ops::ActivationKind kind, float alpha);

// Each factory is called once per node when a plan is compiled; the returned kernel only executes.
// BiasAdd: inputs (x, bias [C]); output x + bias along the last dim.
absl::StatusOr<std::unique_ptr<Kernel>> MakeBiasAddKernel(KernelContext& ctx);
// Dropout: input x; outputs y and mask (0 or 1/(1-rate) per element). Advances the node's run counter.
absl::StatusOr<std::unique_ptr<Kernel>> MakeDropoutKernel(KernelContext& ctx);
// DropoutGrad: inputs (dy, mask); output dy * mask.
absl::StatusOr<std::unique_ptr<Kernel>> MakeDropoutGradKernel(KernelContext& ctx);

// Activation: input x, attrs "kind", "alpha"; output y (oneDNN eltwise_forward).
absl::StatusOr<std::unique_ptr<Kernel>> MakeActivationKernel(KernelContext& ctx);
// ActivationGrad: inputs (dy, v) with v = y when attr "use_output" is set, else x; output dx
// (oneDNN eltwise_backward hinted by the matching forward).
absl::StatusOr<std::unique_ptr<Kernel>> MakeActivationGradKernel(KernelContext& ctx);
// Softmax / LogSoftmax over the last dim: input logits, output y.
absl::StatusOr<std::unique_ptr<Kernel>> MakeSoftmaxKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeLogSoftmaxKernel(KernelContext& ctx);
// SoftmaxGrad / LogSoftmaxGrad: inputs (dy, y) with y the forward output; output dx.
absl::StatusOr<std::unique_ptr<Kernel>> MakeSoftmaxGradKernel(KernelContext& ctx);
absl::StatusOr<std::unique_ptr<Kernel>> MakeLogSoftmaxGradKernel(KernelContext& ctx);

// BatchNorm: inputs (x, gamma, beta, mean, variance), attrs "training", "epsilon"; outputs (y, batch_mean,
// batch_variance). Training computes the batch statistics; inference uses the given ones and passes them on.
absl::StatusOr<std::unique_ptr<Kernel>> MakeBatchNormKernel(KernelContext& ctx);
// BatchNormGrad: inputs (dy, x, gamma, beta, mean, variance) with mean/variance the statistics the forward
// used, attrs "epsilon", "use_global_stats"; outputs (dx, dgamma, dbeta).
absl::StatusOr<std::unique_ptr<Kernel>> MakeBatchNormGradKernel(KernelContext& ctx);

}  // namespace graph

#endif  // GRAPH_KERNELS_NN_KERNELS_H_
