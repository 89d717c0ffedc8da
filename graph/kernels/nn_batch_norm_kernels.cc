// oneDNN batch normalization, forward (training and inference) and backward. x is viewed as [rows, C] in
// channels-last order, which is how [N, C] and [N, H, W, C] tensors are stored.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "graph/kernels/nn_dnnl.h"
#include "graph/kernels/nn_kernels.h"

namespace graph {
namespace {

using DataType = dnnl::memory::data_type;
using Tag = dnnl::memory::format_tag;
using Flags = dnnl::normalization_flags;

// x as [rows, C, 1, 1] in nhwc order (the same bytes as [rows, C]): oneDNN 2.6 has a jit implementation for
// channels-last 4-D data, while 2-D `nc` data gets a generic one that measured 20-40x slower here
// ([25088, 64]: 0.67 ms vs 13.7 ms forward on one thread).
dnnl::memory::desc DataDesc(const Tensor& x) {
  const int64_t c = x.dim(x.rank() - 1);
  return dnnl::memory::desc({x.num_elements() / c, c, 1, 1}, DataType::f32, Tag::nhwc);
}

dnnl::memory::desc ChannelDesc(int64_t c) { return dnnl::memory::desc({c}, DataType::f32, Tag::a); }

Flags FlagsFor(bool global_stats) {
  Flags f = Flags::use_scale | Flags::use_shift;
  return global_stats ? f | Flags::use_global_stats : f;
}

// The forward descriptor; with global statistics mean and variance are inputs, else outputs.
dnnl::batch_normalization_forward::primitive_desc ForwardDesc(dnnl::prop_kind prop,
                                                              const dnnl::memory::desc& md, float epsilon,
                                                              bool global_stats,
                                                              const dnnl::primitive_attr& attr,
                                                              dnnl::engine& eng) {
  return dnnl::batch_normalization_forward::primitive_desc(
      dnnl::batch_normalization_forward::desc(prop, md, epsilon, FlagsFor(global_stats)), attr, eng);
}

// Forward; in inference mode it also copies the given statistics to outputs 1 and 2.
class BatchNormKernel : public DnnlKernel {
 public:
  BatchNormKernel() : DnnlKernel("batch_normalization_forward") {}

  void PassStatistics(const Tensor& mean, const Tensor& variance, Tensor& mean_out, Tensor& variance_out) {
    mean_ = mean.data<float>();
    variance_ = variance.data<float>();
    mean_out_ = mean_out.data<float>();
    variance_out_ = variance_out.data<float>();
    bytes_ = mean.nbytes();
  }

  absl::Status Run(RunContext& ctx) override {
    if (absl::Status st = DnnlKernel::Run(ctx); !st.ok()) return st;
    if (mean_ != nullptr) {
      std::memcpy(mean_out_, mean_, bytes_);
      std::memcpy(variance_out_, variance_, bytes_);
    }
    return absl::OkStatus();
  }

 private:
  const float* mean_ = nullptr;
  const float* variance_ = nullptr;
  float* mean_out_ = nullptr;
  float* variance_out_ = nullptr;
  size_t bytes_ = 0;
};

// The backward of an empty batch: nothing flows to x, zeros to gamma and beta.
class ZeroParameterGradients : public Kernel {
 public:
  ZeroParameterGradients(Tensor& dgamma, Tensor& dbeta)
      : dgamma_(dgamma.data<float>()), dbeta_(dbeta.data<float>()), n_(dgamma.num_elements()) {}

  absl::Status Run(RunContext&) override {
    std::fill_n(dgamma_, n_, 0.0f);
    std::fill_n(dbeta_, n_, 0.0f);
    return absl::OkStatus();
  }

 private:
  float* dgamma_;
  float* dbeta_;
  int64_t n_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeBatchNormKernel(KernelContext& ctx) {
  const Tensor& x = ctx.inputs[0];
  const bool training = ctx.node.attrs().GetBool("training");
  const float epsilon = static_cast<float>(ctx.node.attrs().GetFloat("epsilon"));
  const int64_t c = x.dim(x.rank() - 1);
  auto k = std::make_unique<BatchNormKernel>();
  if (!training) k->PassStatistics(ctx.inputs[3], ctx.inputs[4], ctx.outputs[1], ctx.outputs[2]);
  if (x.num_elements() == 0) {
    if (training && c > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("x ", x.shape().ToString(), " has no rows to compute batch statistics over"));
    }
    return k;
  }
  try {
    dnnl::engine& eng = ctx.services.engine();
    const dnnl::memory::desc md = DataDesc(x);
    const dnnl::memory::desc cd = ChannelDesc(c);
    const auto prop = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
    const auto pd = ForwardDesc(prop, md, epsilon, !training, DnnlKernel::Attr(), eng);
    k->Bind(DNNL_ARG_SRC, md, eng, x.raw_data());
    k->Bind(DNNL_ARG_DST, md, eng, ctx.outputs[0].raw_data());
    k->Bind(DNNL_ARG_SCALE, cd, eng, ctx.inputs[1].raw_data());
    k->Bind(DNNL_ARG_SHIFT, cd, eng, ctx.inputs[2].raw_data());
    const Tensor& mean = training ? ctx.outputs[1] : ctx.inputs[3];
    const Tensor& variance = training ? ctx.outputs[2] : ctx.inputs[4];
    k->Bind(DNNL_ARG_MEAN, cd, eng, mean.raw_data());
    k->Bind(DNNL_ARG_VARIANCE, cd, eng, variance.raw_data());
    k->SetPrimitive<dnnl::batch_normalization_forward::primitive_desc, dnnl::batch_normalization_forward>(
        pd, eng);
  } catch (const dnnl::error& e) {
    return k->CreationError(ctx, e);
  }
  return k;
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeBatchNormGradKernel(KernelContext& ctx) {
  const Tensor& dy = ctx.inputs[0];
  const Tensor& x = ctx.inputs[1];
  const bool global_stats = ctx.node.attrs().GetBool("use_global_stats");
  const float epsilon = static_cast<float>(ctx.node.attrs().GetFloat("epsilon"));
  const int64_t c = x.dim(x.rank() - 1);
  if (x.num_elements() == 0) return std::make_unique<ZeroParameterGradients>(ctx.outputs[1], ctx.outputs[2]);
  auto k = std::make_unique<DnnlKernel>("batch_normalization_backward");
  try {
    dnnl::engine& eng = ctx.services.engine();
    const dnnl::memory::desc md = DataDesc(x);
    const dnnl::memory::desc cd = ChannelDesc(c);
    const auto hint = ForwardDesc(dnnl::prop_kind::forward_training, md, epsilon, global_stats,
                                  dnnl::primitive_attr(), eng);
    dnnl::batch_normalization_backward::primitive_desc pd(
        dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward, md, md, epsilon,
                                                 FlagsFor(global_stats)),
        DnnlKernel::Attr(), eng, hint);
    k->Bind(DNNL_ARG_DIFF_DST, md, eng, dy.raw_data());
    k->Bind(DNNL_ARG_SRC, md, eng, x.raw_data());
    k->Bind(DNNL_ARG_SCALE, cd, eng, ctx.inputs[2].raw_data());
    k->Bind(DNNL_ARG_SHIFT, cd, eng, ctx.inputs[3].raw_data());
    k->Bind(DNNL_ARG_MEAN, cd, eng, ctx.inputs[4].raw_data());
    k->Bind(DNNL_ARG_VARIANCE, cd, eng, ctx.inputs[5].raw_data());
    k->Bind(DNNL_ARG_DIFF_SRC, md, eng, ctx.outputs[0].raw_data());
    k->Bind(DNNL_ARG_DIFF_SCALE, cd, eng, ctx.outputs[1].raw_data());
    k->Bind(DNNL_ARG_DIFF_SHIFT, cd, eng, ctx.outputs[2].raw_data());
    k->SetPrimitive<dnnl::batch_normalization_backward::primitive_desc, dnnl::batch_normalization_backward>(
        pd, eng);
  } catch (const dnnl::error& e) {
    return k->CreationError(ctx, e);
  }
  return k;
}

}  // namespace graph
