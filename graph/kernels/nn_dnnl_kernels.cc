// oneDNN kernels of the activations (eltwise) and of softmax / log-softmax, forward and backward. Tensors are
// dense row-major f32: activations see them as one flat vector, softmax as [rows, last dim].
#include "absl/strings/str_cat.h"
#include "graph/kernels/nn_dnnl.h"
#include "graph/kernels/nn_kernels.h"

namespace graph {
namespace {

using DataType = dnnl::memory::data_type;
using Tag = dnnl::memory::format_tag;

struct Eltwise {
  dnnl::algorithm algorithm;
  float alpha;
};

// The oneDNN algorithm of an activation. Where the backward can read y instead of x, the `_use_dst_for_bwd`
// variant is chosen (same forward values) so the forward input need not be kept for the gradient.
Eltwise EltwiseOf(ops::ActivationKind kind, float alpha) {
  using A = dnnl::algorithm;
  const bool dst = ActivationGradUsesOutput(kind, alpha);
  switch (kind) {
    case ops::ActivationKind::kRelu:
      return {A::eltwise_relu_use_dst_for_bwd, 0.0f};
    case ops::ActivationKind::kLeakyRelu:
      return {dst ? A::eltwise_relu_use_dst_for_bwd : A::eltwise_relu, alpha};
    case ops::ActivationKind::kElu:
      return {dst ? A::eltwise_elu_use_dst_for_bwd : A::eltwise_elu, alpha};
    case ops::ActivationKind::kGelu:
      return {A::eltwise_gelu_erf, 0.0f};
    case ops::ActivationKind::kGeluTanh:
      return {A::eltwise_gelu_tanh, 0.0f};
    case ops::ActivationKind::kSigmoid:
      return {A::eltwise_logistic_use_dst_for_bwd, 0.0f};
    case ops::ActivationKind::kTanh:
      return {A::eltwise_tanh_use_dst_for_bwd, 0.0f};
    case ops::ActivationKind::kSoftplus:
      return {A::eltwise_soft_relu, 0.0f};
  }
  return {A::eltwise_relu, 0.0f};
}

Eltwise EltwiseOfNode(const Node& node) {
  return EltwiseOf(static_cast<ops::ActivationKind>(node.attrs().GetInt("kind")),
                   static_cast<float>(node.attrs().GetFloat("alpha")));
}

dnnl::memory::desc FlatDesc(const Tensor& t) {
  return dnnl::memory::desc({t.num_elements()}, DataType::f32, Tag::a);
}

// [rows, C] with C the last dim.
dnnl::memory::desc RowsDesc(const Tensor& t) {
  const int64_t c = t.dim(t.rank() - 1);
  return dnnl::memory::desc({t.num_elements() / c, c}, DataType::f32, Tag::ab);
}

dnnl::eltwise_forward::primitive_desc EltwiseForwardDesc(const Eltwise& e, const dnnl::memory::desc& md,
                                                         const dnnl::primitive_attr& attr,
                                                         dnnl::engine& eng) {
  return dnnl::eltwise_forward::primitive_desc(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, e.algorithm, md, e.alpha, 0.0f), attr,
      eng);
}

// Forward softmax-like primitive (softmax_forward or logsoftmax_forward) over the last dim.
template <typename Fwd>
absl::StatusOr<std::unique_ptr<Kernel>> MakeSoftmaxForward(KernelContext& ctx, const char* what) {
  auto k = std::make_unique<DnnlKernel>(what);
  const Tensor& x = ctx.inputs[0];
  if (x.num_elements() == 0) return k;
  try {
    dnnl::engine& eng = ctx.services.engine();
    const dnnl::memory::desc md = RowsDesc(x);
    typename Fwd::primitive_desc pd(typename Fwd::desc(dnnl::prop_kind::forward_training, md, 1),
                                    DnnlKernel::Attr(), eng);
    k->Bind(DNNL_ARG_SRC, md, eng, x.raw_data());
    k->Bind(DNNL_ARG_DST, md, eng, ctx.outputs[0].raw_data());
    k->SetPrimitive<typename Fwd::primitive_desc, Fwd>(pd, eng);
  } catch (const dnnl::error& e) {
    return k->CreationError(ctx, e);
  }
  return k;
}

// Backward softmax-like primitive: inputs (dy, y), output dx; the forward descriptor is the hint.
template <typename Fwd, typename Bwd>
absl::StatusOr<std::unique_ptr<Kernel>> MakeSoftmaxBackward(KernelContext& ctx, const char* what) {
  auto k = std::make_unique<DnnlKernel>(what);
  const Tensor& dy = ctx.inputs[0];
  const Tensor& y = ctx.inputs[1];
  if (dy.num_elements() == 0) return k;
  try {
    dnnl::engine& eng = ctx.services.engine();
    const dnnl::memory::desc md = RowsDesc(y);
    typename Fwd::primitive_desc hint(typename Fwd::desc(dnnl::prop_kind::forward_training, md, 1), eng);
    typename Bwd::primitive_desc pd(typename Bwd::desc(md, md, 1), DnnlKernel::Attr(), eng, hint);
    k->Bind(DNNL_ARG_DIFF_DST, md, eng, dy.raw_data());
    k->Bind(DNNL_ARG_DST, md, eng, y.raw_data());
    k->Bind(DNNL_ARG_DIFF_SRC, md, eng, ctx.outputs[0].raw_data());
    k->SetPrimitive<typename Bwd::primitive_desc, Bwd>(pd, eng);
  } catch (const dnnl::error& e) {
    return k->CreationError(ctx, e);
  }
  return k;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeActivationKernel(KernelContext& ctx) {
  auto k = std::make_unique<DnnlKernel>("eltwise_forward");
  const Tensor& x = ctx.inputs[0];
  if (x.num_elements() == 0) return k;
  try {
    dnnl::engine& eng = ctx.services.engine();
    const dnnl::memory::desc md = FlatDesc(x);
    const auto pd = EltwiseForwardDesc(EltwiseOfNode(ctx.node), md, DnnlKernel::Attr(), eng);
    k->Bind(DNNL_ARG_SRC, md, eng, x.raw_data());
    k->Bind(DNNL_ARG_DST, md, eng, ctx.outputs[0].raw_data());
    k->SetPrimitive<dnnl::eltwise_forward::primitive_desc, dnnl::eltwise_forward>(pd, eng);
  } catch (const dnnl::error& e) {
    return k->CreationError(ctx, e);
  }
  return k;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeActivationGradKernel(KernelContext& ctx) {
  auto k = std::make_unique<DnnlKernel>("eltwise_backward");
  const Tensor& dy = ctx.inputs[0];
  const Tensor& v = ctx.inputs[1];
  if (dy.num_elements() == 0) return k;
  const Eltwise e = EltwiseOfNode(ctx.node);
  const bool use_output = ctx.node.attrs().GetBool("use_output");
  try {
    dnnl::engine& eng = ctx.services.engine();
    const dnnl::memory::desc md = FlatDesc(v);
    const auto hint = EltwiseForwardDesc(e, md, dnnl::primitive_attr(), eng);
    dnnl::eltwise_backward::primitive_desc pd(
        dnnl::eltwise_backward::desc(e.algorithm, md, md, e.alpha, 0.0f), DnnlKernel::Attr(), eng, hint);
    k->Bind(DNNL_ARG_DIFF_DST, md, eng, dy.raw_data());
    k->Bind(use_output ? DNNL_ARG_DST : DNNL_ARG_SRC, md, eng, v.raw_data());
    k->Bind(DNNL_ARG_DIFF_SRC, md, eng, ctx.outputs[0].raw_data());
    k->SetPrimitive<dnnl::eltwise_backward::primitive_desc, dnnl::eltwise_backward>(pd, eng);
  } catch (const dnnl::error& e) {
    return k->CreationError(ctx, e);
  }
  return k;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeSoftmaxKernel(KernelContext& ctx) {
  return MakeSoftmaxForward<dnnl::softmax_forward>(ctx, "softmax_forward");
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeLogSoftmaxKernel(KernelContext& ctx) {
  return MakeSoftmaxForward<dnnl::logsoftmax_forward>(ctx, "logsoftmax_forward");
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeSoftmaxGradKernel(KernelContext& ctx) {
  return MakeSoftmaxBackward<dnnl::softmax_forward, dnnl::softmax_backward>(ctx, "softmax_backward");
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeLogSoftmaxGradKernel(KernelContext& ctx) {
  return MakeSoftmaxBackward<dnnl::logsoftmax_forward, dnnl::logsoftmax_backward>(ctx, "logsoftmax_backward");
}

}  // namespace graph
