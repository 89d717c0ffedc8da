#include "graph/ops/matmul_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/kernels/matmul_kernels.h"
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

}  // namespace

void RegisterMatMulOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kMatMul,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = MatMulShape,
              .kernel = MakeMatMulKernel});
}

}  // namespace graph
