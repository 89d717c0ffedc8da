#include "graph/kernels/pool_kernels.h"

#include "absl/strings/str_cat.h"
#include "graph/kernels/conv_geometry.h"
#include "graph/kernels/conv_primitive.h"
#include "graph/kernels/dnnl_status.h"

namespace graph {
namespace {

struct PoolSetup {
  DnnlWindow window;
  dnnl::memory::desc src_md, dst_md;
  dnnl::primitive_attr attr;
};

absl::StatusOr<PoolSetup> MakeSetup(const KernelContext& ctx, const Shape& x, const Shape& y) {
  absl::StatusOr<DnnlWindow> window = MakeDnnlWindow(PoolWindowFromAttrs(ctx.node.attrs()), x, y);
  if (!window.ok()) return window.status();
  PoolSetup p;
  p.window = *std::move(window);
  p.src_md = NhwcDesc(p.window.src);
  p.dst_md = NhwcDesc(p.window.dst);
  p.attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return p;
}

dnnl::pooling_forward::primitive_desc ForwardPd(const PoolSetup& p, dnnl::algorithm alg,
                                                dnnl::engine& engine) {
  const DnnlWindow& w = p.window;
  dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_training, alg, p.src_md, p.dst_md, w.strides,
                                w.kernel, w.pad_before, w.pad_after);
  return dnnl::pooling_forward::primitive_desc(d, p.attr, engine);
}

dnnl::pooling_backward::primitive_desc BackwardPd(const PoolSetup& p, dnnl::algorithm alg,
                                                  dnnl::engine& engine,
                                                  const dnnl::pooling_forward::primitive_desc& hint) {
  const DnnlWindow& w = p.window;
  dnnl::pooling_backward::desc d(alg, p.src_md, p.dst_md, w.strides, w.kernel, w.pad_before, w.pad_after);
  return dnnl::pooling_backward::primitive_desc(d, p.attr, engine, hint);
}

// The workspace tensor must hold oneDNN's workspace (sized by the shape function with the same rule).
absl::Status CheckWorkspace(const dnnl::memory::desc& ws, const Tensor& t) {
  if (ws.get_size() > t.nbytes()) {
    return absl::InternalError(absl::StrCat("oneDNN's max-pooling workspace needs ", ws.get_size(),
                                            " bytes but the workspace output ", t.shape().ToString(), " has ",
                                            t.nbytes()));
  }
  return absl::OkStatus();
}

}  // namespace

int64_t MaxPoolWorkspaceBytesPerElement(int64_t window_elements) { return window_elements < 256 ? 1 : 4; }

absl::StatusOr<std::unique_ptr<Kernel>> MakeMaxPool2DKernel(KernelContext& ctx) {
  absl::StatusOr<PoolSetup> p = MakeSetup(ctx, ctx.inputs[0].shape(), ctx.outputs[0].shape());
  if (!p.ok()) return p.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "max pooling");
  try {
    auto pd = ForwardPd(*p, dnnl::algorithm::pooling_max, engine);
    if (absl::Status st = CheckWorkspace(pd.workspace_desc(), ctx.outputs[1]); !st.ok()) return st;
    kernel->BindInput(DNNL_ARG_SRC, p->src_md, ctx.inputs[0].raw_data(), pd.src_desc());
    kernel->BindOutput(DNNL_ARG_DST, p->dst_md, ctx.outputs[0].raw_data(), pd.dst_desc());
    kernel->BindOutput(DNNL_ARG_WORKSPACE, pd.workspace_desc(), ctx.outputs[1].raw_data(),
                       pd.workspace_desc());
    kernel->SetPrimitive(dnnl::pooling_forward(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("max pooling", ctx, e);
  }
  return kernel;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeMaxPool2DGradKernel(KernelContext& ctx) {
  absl::StatusOr<PoolSetup> p = MakeSetup(ctx, ctx.inputs[2].shape(), ctx.inputs[0].shape());
  if (!p.ok()) return p.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "max pooling backward");
  try {
    auto hint = ForwardPd(*p, dnnl::algorithm::pooling_max, engine);
    auto pd = BackwardPd(*p, dnnl::algorithm::pooling_max, engine, hint);
    if (absl::Status st = CheckWorkspace(pd.workspace_desc(), ctx.inputs[1]); !st.ok()) return st;
    kernel->BindInput(DNNL_ARG_DIFF_DST, p->dst_md, ctx.inputs[0].raw_data(), pd.diff_dst_desc());
    kernel->BindInput(DNNL_ARG_WORKSPACE, pd.workspace_desc(), ctx.inputs[1].raw_data(), pd.workspace_desc());
    kernel->BindOutput(DNNL_ARG_DIFF_SRC, p->src_md, ctx.outputs[0].raw_data(), pd.diff_src_desc());
    kernel->SetPrimitive(dnnl::pooling_backward(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("max pooling backward", ctx, e);
  }
  return kernel;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeAvgPool2DKernel(KernelContext& ctx) {
  absl::StatusOr<PoolSetup> p = MakeSetup(ctx, ctx.inputs[0].shape(), ctx.outputs[0].shape());
  if (!p.ok()) return p.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "average pooling");
  try {
    auto pd = ForwardPd(*p, dnnl::algorithm::pooling_avg_exclude_padding, engine);
    kernel->BindInput(DNNL_ARG_SRC, p->src_md, ctx.inputs[0].raw_data(), pd.src_desc());
    kernel->BindOutput(DNNL_ARG_DST, p->dst_md, ctx.outputs[0].raw_data(), pd.dst_desc());
    kernel->SetPrimitive(dnnl::pooling_forward(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("average pooling", ctx, e);
  }
  return kernel;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeAvgPool2DGradKernel(KernelContext& ctx) {
  absl::StatusOr<PoolSetup> p = MakeSetup(ctx, ctx.inputs[1].shape(), ctx.inputs[0].shape());
  if (!p.ok()) return p.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "average pooling backward");
  try {
    auto hint = ForwardPd(*p, dnnl::algorithm::pooling_avg_exclude_padding, engine);
    auto pd = BackwardPd(*p, dnnl::algorithm::pooling_avg_exclude_padding, engine, hint);
    kernel->BindInput(DNNL_ARG_DIFF_DST, p->dst_md, ctx.inputs[0].raw_data(), pd.diff_dst_desc());
    kernel->BindOutput(DNNL_ARG_DIFF_SRC, p->src_md, ctx.outputs[0].raw_data(), pd.diff_src_desc());
    kernel->SetPrimitive(dnnl::pooling_backward(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("average pooling backward", ctx, e);
  }
  return kernel;
}

}  // namespace graph
