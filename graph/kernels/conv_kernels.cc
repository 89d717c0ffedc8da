#include "graph/kernels/conv_kernels.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "graph/kernels/conv_geometry.h"
#include "graph/kernels/conv_primitive.h"
#include "graph/kernels/dnnl_status.h"

namespace graph {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

// The primitives pick their own src/weights/dst layouts (format_tag::any; usually channel-blocked, served by
// the jit:avx512 kernels) with reorders from and to the plan's plain NHWC/HWIO tensors created at compile
// time, instead of working on the plain layouts directly (x64:gemm:jit). Measured with
// bench/graph/conv_bench.cc at batch 128, the blocked layouts make forward ~2x and backward-weights ~1.5x
// faster, reorders included; backward data is faster on plain layouts when x has few channels (blocking pads
// channels to 16), so it keeps them then.
constexpr int64_t kMinChannelsForBackwardDataBlocking = 16;

// Everything the three convolution primitives share, derived from the concrete x and filter shapes.
struct ConvSetup {
  DnnlWindow window;
  dnnl::memory::desc src_md, weights_md, dst_md;     // the plan's plain layouts
  dnnl::memory::desc src_any, weights_any, dst_any;  // what the primitives are asked for
  dnnl::primitive_attr attr;
};

absl::StatusOr<ConvSetup> MakeSetup(const KernelContext& ctx, const Shape& y_shape, bool choose_layouts) {
  const Shape& x = ctx.inputs[0].shape();
  const Shape& f = ctx.inputs[1].shape();
  const Window2D w = WindowFromAttrs(ctx.node.attrs(), {f.dim(0), f.dim(1)});
  absl::StatusOr<DnnlWindow> window = MakeDnnlWindow(w, x, y_shape);
  if (!window.ok()) return window.status();
  const int64_t groups = ctx.node.attrs().GetInt("groups");
  ConvSetup c;
  c.window = *std::move(window);
  c.src_md = NhwcDesc(c.window.src);
  c.dst_md = NhwcDesc(c.window.dst);
  const int64_t cout = f.dim(3);
  if (groups == 1) {
    c.weights_md = dnnl::memory::desc({cout, f.dim(2), f.dim(0), f.dim(1)}, dt::f32, tag::hwio);
  } else {
    c.weights_md =
        dnnl::memory::desc({groups, cout / groups, f.dim(2), f.dim(0), f.dim(1)}, dt::f32, tag::hwigo);
  }
  if (choose_layouts) {
    c.src_any = dnnl::memory::desc(c.window.src, dt::f32, tag::any);
    c.dst_any = dnnl::memory::desc(c.window.dst, dt::f32, tag::any);
    c.weights_any = dnnl::memory::desc(c.weights_md.dims(), dt::f32, tag::any);
  } else {
    c.src_any = c.src_md;
    c.dst_any = c.dst_md;
    c.weights_any = c.weights_md;
  }
  c.attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return c;
}

dnnl::convolution_forward::primitive_desc ForwardPd(const ConvSetup& c, dnnl::engine& engine) {
  const DnnlWindow& w = c.window;
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                    c.src_any, c.weights_any, c.dst_any, w.strides, w.dilates, w.pad_before,
                                    w.pad_after);
  return dnnl::convolution_forward::primitive_desc(d, c.attr, engine);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeConv2DKernel(KernelContext& ctx) {
  absl::StatusOr<ConvSetup> c = MakeSetup(ctx, ctx.outputs[0].shape(), /*choose_layouts=*/true);
  if (!c.ok()) return c.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "convolution");
  try {
    auto pd = ForwardPd(*c, engine);
    kernel->BindInput(DNNL_ARG_SRC, c->src_md, ctx.inputs[0].raw_data(), pd.src_desc());
    kernel->BindInput(DNNL_ARG_WEIGHTS, c->weights_md, ctx.inputs[1].raw_data(), pd.weights_desc());
    kernel->BindOutput(DNNL_ARG_DST, c->dst_md, ctx.outputs[0].raw_data(), pd.dst_desc());
    kernel->SetPrimitive(dnnl::convolution_forward(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("convolution", ctx, e);
  }
  return kernel;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeConv2DBackpropInputKernel(KernelContext& ctx) {
  const bool blocked = ctx.inputs[0].dim(3) >= kMinChannelsForBackwardDataBlocking;
  absl::StatusOr<ConvSetup> c = MakeSetup(ctx, ctx.inputs[2].shape(), blocked);
  if (!c.ok()) return c.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "convolution backward data");
  try {
    auto hint = ForwardPd(*c, engine);
    const DnnlWindow& w = c->window;
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, c->src_any, c->weights_any,
                                            c->dst_any, w.strides, w.dilates, w.pad_before, w.pad_after);
    dnnl::convolution_backward_data::primitive_desc pd(d, c->attr, engine, hint);
    kernel->BindInput(DNNL_ARG_DIFF_DST, c->dst_md, ctx.inputs[2].raw_data(), pd.diff_dst_desc());
    kernel->BindInput(DNNL_ARG_WEIGHTS, c->weights_md, ctx.inputs[1].raw_data(), pd.weights_desc());
    kernel->BindOutput(DNNL_ARG_DIFF_SRC, c->src_md, ctx.outputs[0].raw_data(), pd.diff_src_desc());
    kernel->SetPrimitive(dnnl::convolution_backward_data(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("convolution backward data", ctx, e);
  }
  return kernel;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeConv2DBackpropFilterKernel(KernelContext& ctx) {
  absl::StatusOr<ConvSetup> c = MakeSetup(ctx, ctx.inputs[2].shape(), /*choose_layouts=*/true);
  if (!c.ok()) return c.status();
  dnnl::engine& engine = ctx.services.engine();
  auto kernel = std::make_unique<DnnlPrimitiveKernel>(engine, "convolution backward weights");
  try {
    auto hint = ForwardPd(*c, engine);
    const DnnlWindow& w = c->window;
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, c->src_any,
                                               c->weights_any, c->dst_any, w.strides, w.dilates, w.pad_before,
                                               w.pad_after);
    dnnl::convolution_backward_weights::primitive_desc pd(d, c->attr, engine, hint);
    kernel->BindInput(DNNL_ARG_SRC, c->src_md, ctx.inputs[0].raw_data(), pd.src_desc());
    kernel->BindInput(DNNL_ARG_DIFF_DST, c->dst_md, ctx.inputs[2].raw_data(), pd.diff_dst_desc());
    kernel->BindOutput(DNNL_ARG_DIFF_WEIGHTS, c->weights_md, ctx.outputs[0].raw_data(),
                       pd.diff_weights_desc());
    kernel->SetPrimitive(dnnl::convolution_backward_weights(pd), pd.scratchpad_desc());
  } catch (const dnnl::error& e) {
    return DnnlCreationError("convolution backward weights", ctx, e);
  }
  return kernel;
}

}  // namespace graph
