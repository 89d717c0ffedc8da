#include "graph/kernels/matmul_kernels.h"

#include <cstring>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/kernels/dnnl_status.h"

namespace graph {
namespace {

using tag = dnnl::memory::format_tag;

void WidenBf16(const bfloat16* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t u = static_cast<uint32_t>(in[i].bits) << 16;
    std::memcpy(&out[i], &u, sizeof u);
  }
}

void RoundToBf16(const float* in, bfloat16* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = bfloat16(in[i]);
}

class MatMulKernel : public Kernel {
 public:
  absl::Status Init(KernelContext& ctx) {
    const Tensor& a = ctx.inputs[0];
    const Tensor& b = ctx.inputs[1];
    Tensor& c = ctx.outputs[0];
    if (a.dtype() == DType::kBFloat16) {
      if (!ctx.services.emulate_bf16()) {
        try {
          Create(ctx, a, b, c, dnnl::memory::data_type::bf16);
          return absl::OkStatus();
        } catch (const dnnl::error& e) {
          if (e.status != dnnl_unimplemented) return DnnlCreationError("matmul", ctx, e);
        }
      }
      // No bf16 kernel here (or emulation asked for): compute in f32 on widened copies.
      emulated_ = true;
      a_bf16_ = a;
      b_bf16_ = b;
      c_bf16_ = c;
      a_f32_ = Tensor(DType::kFloat32, a.shape());
      b_f32_ = Tensor(DType::kFloat32, b.shape());
      c_f32_ = Tensor(DType::kFloat32, c.shape());
    }
    try {
      if (emulated_) {
        Create(ctx, a_f32_, b_f32_, c_f32_, dnnl::memory::data_type::f32);
      } else {
        Create(ctx, a, b, c, dnnl::memory::data_type::f32);
      }
    } catch (const dnnl::error& e) {
      return DnnlCreationError("matmul", ctx, e);
    }
    return absl::OkStatus();
  }

  absl::Status Run(RunContext& ctx) override {
    if (emulated_) {
      WidenBf16(a_bf16_.data<bfloat16>(), a_f32_.data<float>(), a_bf16_.num_elements());
      WidenBf16(b_bf16_.data<bfloat16>(), b_f32_.data<float>(), b_bf16_.num_elements());
    }
    try {
      primitive_.execute(*ctx.stream, args_);
    } catch (const dnnl::error& e) {
      return absl::InternalError(absl::StrCat("oneDNN matmul failed: ", e.what()));
    }
    if (emulated_) RoundToBf16(c_f32_.data<float>(), c_bf16_.data<bfloat16>(), c_bf16_.num_elements());
    return absl::OkStatus();
  }

 private:
  // Creates the primitive for operands of data type `dt` stored in a, b and c (throws dnnl::error).
  void Create(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& c, dnnl::memory::data_type dt) {
    const bool ta = ctx.node.attrs().GetBool("transpose_a");
    const bool tb = ctx.node.attrs().GetBool("transpose_b");
    const bool batched = a.rank() == 3;
    auto dims = [](const Tensor& t, bool transposed) {
      dnnl::memory::dims d(t.shape().dims().begin(), t.shape().dims().end());
      if (transposed) std::swap(d[d.size() - 1], d[d.size() - 2]);
      return d;
    };
    const tag plain = batched ? tag::abc : tag::ab;
    const tag swapped = batched ? tag::acb : tag::ba;
    dnnl::memory::desc a_md(dims(a, ta), dt, ta ? swapped : plain);
    dnnl::memory::desc b_md(dims(b, tb), dt, tb ? swapped : plain);
    dnnl::memory::desc c_md(dnnl::memory::dims(c.shape().dims().begin(), c.shape().dims().end()), dt, plain);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::engine& eng = ctx.services.engine();
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), attr, eng);
    primitive_ = dnnl::matmul(pd);
    args_[DNNL_ARG_SRC] = dnnl::memory(a_md, eng, const_cast<void*>(a.raw_data()));
    args_[DNNL_ARG_WEIGHTS] = dnnl::memory(b_md, eng, const_cast<void*>(b.raw_data()));
    args_[DNNL_ARG_DST] = dnnl::memory(c_md, eng, c.raw_data());
    const size_t scratch = pd.scratchpad_desc().get_size();
    if (scratch > 0) {
      scratchpad_ = std::make_shared<Buffer>(scratch);
      args_[DNNL_ARG_SCRATCHPAD] = dnnl::memory(pd.scratchpad_desc(), eng, scratchpad_->data());
    }
  }

  dnnl::matmul primitive_;
  std::unordered_map<int, dnnl::memory> args_;
  std::shared_ptr<Buffer> scratchpad_;
  bool emulated_ = false;
  Tensor a_bf16_, b_bf16_, c_bf16_;  // views of the planned bf16 storage (emulated only)
  Tensor a_f32_, b_f32_, c_f32_;     // the kernel's f32 copies (emulated only)
};

}  // namespace

absl::StatusOr<std::unique_ptr<Kernel>> MakeMatMulKernel(KernelContext& ctx) {
  auto k = std::make_unique<MatMulKernel>();
  if (absl::Status st = k->Init(ctx); !st.ok()) return st;
  return k;
}

}  // namespace graph
