#include "graph/ops/matmul_ops.h"

#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "graph/kernel.h"
#include "graph/op_registry.h"

namespace graph {

namespace ops {

Output MatMul(const Scope& s, Output a, Output b, MatMulOptions options, Loc loc) {
  Node* n =
      s.AddOp(OpKind::kMatMul, {a, b},
              {{"transpose_a", options.transpose_a}, {"transpose_b", options.transpose_b}}, loc, "matmul");
  return n ? n->output(0) : Output();
}

}  // namespace ops

namespace {

absl::Status MatMulShape(InferenceContext& c) {
  const TensorType& a = c.input(0);
  const TensorType& b = c.input(1);
  const bool ta = c.attrs().GetBool("transpose_a");
  const bool tb = c.attrs().GetBool("transpose_b");
  auto describe = [&] {
    return absl::StrCat("a is ", DTypeName(a.dtype), a.shape.ToString(), ta ? " (transposed)" : "", ", b is ",
                        DTypeName(b.dtype), b.shape.ToString(), tb ? " (transposed)" : "");
  };
  if (a.dtype != b.dtype)
    return absl::InvalidArgumentError(absl::StrCat("operand dtypes differ: ", describe()));
  if (a.dtype != DType::kFloat32 && a.dtype != DType::kBFloat16) {
    return absl::InvalidArgumentError(
        absl::StrCat("dtype ", DTypeName(a.dtype), " is not supported (f32, bf16)"));
  }
  const int r = a.shape.rank();
  if ((r != 2 && r != 3) || b.shape.rank() != r) {
    return absl::InvalidArgumentError(
        absl::StrCat("operands must both be rank 2 or both rank 3: ", describe()));
  }
  const int64_t m = a.shape.dim(ta ? r - 1 : r - 2);
  const int64_t ka = a.shape.dim(ta ? r - 2 : r - 1);
  const int64_t kb = b.shape.dim(tb ? r - 1 : r - 2);
  const int64_t n = b.shape.dim(tb ? r - 2 : r - 1);
  if (ka >= 0 && kb >= 0 && ka != kb) {
    return absl::InvalidArgumentError(
        absl::StrCat("inner dimensions differ (", ka, " vs ", kb, "): ", describe()));
  }
  Shape out;
  if (r == 3) {
    const int64_t ba = a.shape.dim(0), bb = b.shape.dim(0);
    if (ba >= 0 && bb >= 0 && ba != bb && ba != 1 && bb != 1) {
      return absl::InvalidArgumentError(absl::StrCat("batch dimensions differ: ", describe()));
    }
    out.AddDim(ba == 1 ? bb : (bb == 1 ? ba : (ba >= 0 ? ba : bb)));
  }
  out.AddDim(m);
  out.AddDim(n);
  c.AddOutput(a.dtype, out);
  return absl::OkStatus();
}

// One oneDNN matmul primitive with user-mode scratchpad, created at compile time; Run only executes it.
class MatMulKernel : public Kernel {
 public:
  absl::Status Init(KernelContext& ctx) {
    const Tensor& a = ctx.inputs[0];
    const Tensor& b = ctx.inputs[1];
    Tensor& c = ctx.outputs[0];
    const bool ta = ctx.node.attrs().GetBool("transpose_a");
    const bool tb = ctx.node.attrs().GetBool("transpose_b");
    using tag = dnnl::memory::format_tag;
    const auto dt =
        a.dtype() == DType::kBFloat16 ? dnnl::memory::data_type::bf16 : dnnl::memory::data_type::f32;
    const bool batched = a.rank() == 3;
    auto dims = [](const Tensor& t, bool transposed) {
      dnnl::memory::dims d(t.shape().dims().begin(), t.shape().dims().end());
      if (transposed) std::swap(d[d.size() - 1], d[d.size() - 2]);
      return d;
    };
    const tag plain = batched ? tag::abc : tag::ab;
    const tag swapped = batched ? tag::acb : tag::ba;
    try {
      dnnl::memory::desc a_md(dims(a, ta), dt, ta ? swapped : plain);
      dnnl::memory::desc b_md(dims(b, tb), dt, tb ? swapped : plain);
      dnnl::memory::desc c_md(dnnl::memory::dims(c.shape().dims().begin(), c.shape().dims().end()), dt,
                              plain);
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), attr, ctx.services.engine());
      primitive_ = dnnl::matmul(pd);
      dnnl::engine& eng = ctx.services.engine();
      args_[DNNL_ARG_SRC] = dnnl::memory(a_md, eng, const_cast<void*>(a.raw_data()));
      args_[DNNL_ARG_WEIGHTS] = dnnl::memory(b_md, eng, const_cast<void*>(b.raw_data()));
      args_[DNNL_ARG_DST] = dnnl::memory(c_md, eng, c.raw_data());
      const size_t scratch = pd.scratchpad_desc().get_size();
      if (scratch > 0) {
        scratchpad_ = std::make_shared<Buffer>(scratch);
        args_[DNNL_ARG_SCRATCHPAD] = dnnl::memory(pd.scratchpad_desc(), eng, scratchpad_->data());
      }
      implementation_ = pd.impl_info_str();
    } catch (const dnnl::error& e) {
      return absl::InternalError(absl::StrCat("oneDNN could not create a matmul: ", e.what()));
    }
    return absl::OkStatus();
  }

  absl::Status Run(RunContext& ctx) override {
    try {
      primitive_.execute(*ctx.stream, args_);
    } catch (const dnnl::error& e) {
      return absl::InternalError(absl::StrCat("oneDNN matmul failed: ", e.what()));
    }
    return absl::OkStatus();
  }

 private:
  dnnl::matmul primitive_;
  std::unordered_map<int, dnnl::memory> args_;
  std::shared_ptr<Buffer> scratchpad_;
  std::string implementation_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeMatMul(KernelContext& ctx) {
  auto k = std::make_unique<MatMulKernel>();
  if (absl::Status st = k->Init(ctx); !st.ok()) return st;
  return k;
}

}  // namespace

void RegisterMatMulOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kMatMul,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = MatMulShape,
              .kernel = MakeMatMul});
}

}  // namespace graph
