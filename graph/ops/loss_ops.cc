#include "graph/ops/loss_ops.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/kernel.h"
#include "graph/op_registry.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"

namespace graph {
namespace ops {

Output SparseSoftmaxCrossEntropy(const Scope& s, Output labels, Output logits, Loc loc) {
  Node* n =
      s.AddOp(OpKind::kSparseSoftmaxCrossEntropy, {labels, logits}, {}, loc, "sparse_softmax_cross_entropy");
  return n ? n->output(0) : Output();
}

}  // namespace ops

namespace {

absl::Status SparseXentShape(InferenceContext& c) {
  const TensorType& labels = c.input(0);
  const TensorType& logits = c.input(1);
  if (labels.dtype != DType::kInt32 && labels.dtype != DType::kInt64) {
    return absl::InvalidArgumentError(
        absl::StrCat("labels must be i32 or i64, got ", DTypeName(labels.dtype)));
  }
  if (logits.dtype != DType::kFloat32) {
    return absl::InvalidArgumentError(absl::StrCat("logits must be f32, got ", DTypeName(logits.dtype)));
  }
  if (logits.shape.rank() != 2 || labels.shape.rank() != 1 ||
      !Shape{labels.shape.dim(0)}.IsCompatibleWith(Shape{logits.shape.dim(0)})) {
    return absl::InvalidArgumentError(absl::StrCat("expects labels [N] and logits [N, C], got labels ",
                                                   labels.shape.ToString(), " and logits ",
                                                   logits.shape.ToString()));
  }
  const int64_t n = logits.shape.dim(0) >= 0 ? logits.shape.dim(0) : labels.shape.dim(0);
  c.AddOutput(DType::kFloat32, Shape{n});
  c.AddOutput(DType::kFloat32, logits.shape);  // d loss / d logits per row: softmax - one_hot
  return absl::OkStatus();
}

template <typename L>
class SparseXentKernel : public Kernel {
 public:
  SparseXentKernel(const Tensor& labels, const Tensor& logits, const Tensor& loss, const Tensor& backprop)
      : labels_(labels.data<L>()),
        logits_(logits.data<float>()),
        loss_(const_cast<Tensor&>(loss).data<float>()),
        backprop_(const_cast<Tensor&>(backprop).data<float>()),
        n_(logits.dim(0)),
        c_(logits.dim(1)) {}

  absl::Status Run(RunContext&) override {
    for (int64_t i = 0; i < n_; ++i) {
      const L label = labels_[i];
      if (label < 0 || label >= c_) {
        return absl::InvalidArgumentError(
            absl::StrCat("label ", static_cast<int64_t>(label), " in row ", i, " is outside [0, ", c_, ")"));
      }
      const float* x = logits_ + i * c_;
      float* g = backprop_ + i * c_;
      float max = x[0];
      for (int64_t j = 1; j < c_; ++j) max = std::max(max, x[j]);
      float sum = 0;
      for (int64_t j = 0; j < c_; ++j) {
        g[j] = std::exp(x[j] - max);
        sum += g[j];
      }
      const float inv = 1.0f / sum;
      for (int64_t j = 0; j < c_; ++j) g[j] *= inv;
      loss_[i] = std::log(sum) - (x[label] - max);
      g[label] -= 1.0f;
    }
    return absl::OkStatus();
  }

 private:
  const L* labels_;
  const float* logits_;
  float* loss_;
  float* backprop_;
  int64_t n_, c_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeSparseXent(KernelContext& ctx) {
  if (ctx.inputs[1].dim(1) == 0) return absl::InvalidArgumentError("logits have no classes");
  if (ctx.inputs[0].dtype() == DType::kInt32) {
    return std::make_unique<SparseXentKernel<int32_t>>(ctx.inputs[0], ctx.inputs[1], ctx.outputs[0],
                                                       ctx.outputs[1]);
  }
  return std::make_unique<SparseXentKernel<int64_t>>(ctx.inputs[0], ctx.inputs[1], ctx.outputs[0],
                                                     ctx.outputs[1]);
}

// d logits = backprop * dloss[:, None]; labels get none.
void SparseXentGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  if (!dy[0].valid()) return;
  Output backprop = const_cast<Node&>(n).output(1);
  (*dx)[1] = ops::Mul(s, backprop, ops::BroadcastLike(s, dy[0], backprop, {1}));
}

}  // namespace

void RegisterLossOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kSparseSoftmaxCrossEntropy,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = SparseXentShape,
              .kernel = MakeSparseXent,
              .gradient = SparseXentGrad});
}

}  // namespace graph
