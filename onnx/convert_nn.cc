// ONNX forms of MatMul, BiasAdd, the activations, Softmax / LogSoftmax and inference-mode BatchNorm. Each
// reproduces our oneDNN kernel's formula (e.g. Gelu is the erf form, kGeluTanh the tanh approximation; opset
// 17 has no Gelu op, so both are spelled out).
#include <cmath>
#include <string>
#include <vector>

#include "graph/ops/nn_ops.h"
#include "graph/tensor.h"
#include "onnx/op_converters.h"

namespace onnx_export {
namespace {

using graph::DType;
using graph::OpKind;
using graph::ops::ActivationKind;

// a·b with transpose_a / transpose_b swapping the last two dims of an operand (a permuted initializer for
// constant weights, else a Transpose node).
absl::Status EmitMatMul(ExportContext& ctx, const graph::Node& node) {
  const int rank = node.input(0).shape().rank();
  const std::vector<int64_t> swap_last =
      rank == 2 ? std::vector<int64_t>{1, 0} : std::vector<int64_t>{0, 2, 1};
  auto operand = [&](int i, const char* attr) {
    return node.attrs().GetBool(attr) ? ctx.Transposed(node.input(i), swap_last, node.name() + "/" + attr)
                                      : ctx.Tensor(node.input(i));
  };
  const std::string a = operand(0, "transpose_a");
  const std::string b = operand(1, "transpose_b");
  ctx.AddOwnNode("MatMul", node, {a, b}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

// x + bias along the last dim. When x exists only in NCHW (after a convolution) the bias is added there as
// [C,1,1], keeping the chain in NCHW.
absl::Status EmitBiasAdd(ExportContext& ctx, const graph::Node& node) {
  const graph::Output x = node.input(0);
  const graph::Output bias = node.input(1);
  if (!ctx.OnlyNchw(x)) {
    const std::string a = ctx.Tensor(x);
    const std::string b = ctx.Tensor(bias);
    ctx.AddOwnNode("Add", node, {a, b}, {ctx.DefineTensor(OutputOf(node))});
    return absl::OkStatus();
  }
  const std::string a = ctx.NchwTensor(x);
  std::string b;
  if (const graph::Tensor* value = ExportContext::ConstValue(bias)) {
    absl::StatusOr<graph::Tensor> c11 = value->Reshaped(graph::Shape{value->dim(0), 1, 1});
    if (!c11.ok()) return c11.status();
    b = ctx.AddInitializer(bias.name() + "/c11", *c11);
  } else {
    const std::string bias_name = ctx.Tensor(bias);
    const std::string axes = ctx.Int64Initializer(node.name() + "/axes", {1, 2});
    b = ctx.FreshTensorName(bias.name() + "/c11");
    ctx.AddNode("Unsqueeze", node.name() + "/unsqueeze", {bias_name, axes}, {b});
  }
  ctx.AddOwnNode("Add", node, {a, b}, {ctx.DefineNchwTensor(OutputOf(node))});
  return absl::OkStatus();
}

std::string CheckActivation(const graph::Node& node) {
  const int64_t kind = node.attrs().GetInt("kind");
  if (kind < 0 || kind > static_cast<int64_t>(ActivationKind::kSoftplus)) return "unknown activation kind";
  return "";
}

// Activations are elementwise, so they run on whichever layout x exists in.
absl::Status EmitActivation(ExportContext& ctx, const graph::Node& node) {
  const auto kind = static_cast<ActivationKind>(node.attrs().GetInt("kind"));
  const float alpha = static_cast<float>(node.attrs().GetFloat("alpha"));
  bool nchw = false;
  const std::string x = ctx.AnyLayoutTensor(node.input(0), &nchw);
  const std::string y = ctx.DefineTensorIn(OutputOf(node), nchw);
  const std::string& name = node.name();
  // An intermediate node `op_type`(inputs) named name/what, with a fresh output tensor.
  auto step = [&](const char* op_type, const char* what, std::vector<std::string> inputs) {
    const std::string out = ctx.FreshTensorName(name + "/" + what);
    ctx.AddNode(op_type, name + "/" + what, std::move(inputs), {out});
    return out;
  };
  auto scalar = [&](double v) { return ctx.ScalarInitializer(DType::kFloat32, v); };
  switch (kind) {
    case ActivationKind::kRelu:
      ctx.AddOwnNode("Relu", node, {x}, {y});
      break;
    case ActivationKind::kLeakyRelu:  // x > 0 ? x : alpha * x
      SetFloatAttr(ctx.AddOwnNode("LeakyRelu", node, {x}, {y}), "alpha", alpha);
      break;
    case ActivationKind::kElu:  // x > 0 ? x : alpha * (exp(x) - 1)
      SetFloatAttr(ctx.AddOwnNode("Elu", node, {x}, {y}), "alpha", alpha);
      break;
    case ActivationKind::kGelu: {  // 0.5 * x * (1 + erf(x / sqrt(2)))
      const std::string erf = step("Erf", "erf", {step("Div", "div", {x, scalar(std::sqrt(2.0))})});
      const std::string x_times = step("Mul", "mul", {x, step("Add", "add", {erf, scalar(1.0)})});
      ctx.AddOwnNode("Mul", node, {x_times, scalar(0.5)}, {y});
      break;
    }
    case ActivationKind::kGeluTanh: {  // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
      const std::string cube = step("Mul", "cube", {x, step("Mul", "square", {x, x})});
      const std::string inner =
          step("Add", "inner", {x, step("Mul", "scaled_cube", {cube, scalar(0.044715)})});
      const std::string t =
          step("Tanh", "tanh", {step("Mul", "scaled", {inner, scalar(std::sqrt(2.0 / M_PI))})});
      const std::string x_times = step("Mul", "mul", {x, step("Add", "add", {t, scalar(1.0)})});
      ctx.AddOwnNode("Mul", node, {x_times, scalar(0.5)}, {y});
      break;
    }
    case ActivationKind::kSigmoid:
      ctx.AddOwnNode("Sigmoid", node, {x}, {y});
      break;
    case ActivationKind::kTanh:
      ctx.AddOwnNode("Tanh", node, {x}, {y});
      break;
    case ActivationKind::kSoftplus:  // log(1 + exp(x))
      ctx.AddOwnNode("Softplus", node, {x}, {y});
      break;
  }
  return absl::OkStatus();
}

// Softmax / LogSoftmax over the last dim.
absl::Status EmitSoftmax(ExportContext& ctx, const graph::Node& node) {
  const std::string x = ctx.Tensor(node.input(0));
  const char* op_type = node.kind() == OpKind::kSoftmax ? "Softmax" : "LogSoftmax";
  SetIntAttr(ctx.AddOwnNode(op_type, node, {x}, {ctx.DefineTensor(OutputOf(node))}), "axis", -1);
  return absl::OkStatus();
}

std::string CheckBatchNorm(const graph::Node& node) {
  if (node.attrs().GetBool("training")) {
    return "training mode (only inference-mode batch normalization, with given statistics, has an ONNX form)";
  }
  return "";
}

// BatchNormalization normalizes dim 1: [N,C] is used as is, [N,H,W,C] through its NCHW form, other ranks
// through explicit transposes moving the channels to dim 1 and back. In inference mode the statistics
// outputs are the given mean and variance.
absl::Status EmitBatchNorm(ExportContext& ctx, const graph::Node& node) {
  const graph::Output x = node.input(0);
  const int rank = x.shape().rank();
  std::vector<std::string> inputs = {""};
  for (int i = 1; i < 5; ++i) inputs.push_back(ctx.Tensor(node.input(i)));
  const graph::Output y = OutputOf(node);
  std::string out;
  std::vector<int64_t> back;
  if (rank == 2) {
    inputs[0] = ctx.Tensor(x);
    out = ctx.DefineTensor(y);
  } else if (rank == 4) {
    inputs[0] = ctx.NchwTensor(x);
    out = ctx.DefineNchwTensor(y);
  } else {
    std::vector<int64_t> to_channels_first = {0, rank - 1};
    back = {0};
    for (int64_t d = 1; d < rank - 1; ++d) to_channels_first.push_back(d);
    for (int64_t d = 2; d < rank; ++d) back.push_back(d);
    back.push_back(1);
    inputs[0] = ctx.Transposed(x, to_channels_first, node.name() + "/to_channels_first");
    out = ctx.FreshTensorName(node.name() + "/channels_first");
  }
  onnx::NodeProto* n = ctx.AddOwnNode("BatchNormalization", node, inputs, {out});
  SetFloatAttr(n, "epsilon", static_cast<float>(node.attrs().GetFloat("epsilon")));
  if (!back.empty()) {
    SetIntsAttr(ctx.AddNode("Transpose", node.name() + "/to_channels_last", {out}, {ctx.DefineTensor(y)}),
                "perm", back);
  }
  ctx.AliasTensor(OutputOf(node, 1), inputs[3]);
  ctx.AliasTensor(OutputOf(node, 2), inputs[4]);
  return absl::OkStatus();
}

constexpr OpConverter kMatMul{.emit = EmitMatMul};
constexpr OpConverter kBiasAdd{.emit = EmitBiasAdd};
constexpr OpConverter kActivation{.check = CheckActivation, .emit = EmitActivation};
constexpr OpConverter kSoftmax{.emit = EmitSoftmax};
constexpr OpConverter kBatchNorm{.check = CheckBatchNorm, .emit = EmitBatchNorm};

}  // namespace

const OpConverter* FindNnConverter(OpKind kind) {
  switch (kind) {
    case OpKind::kMatMul:
      return &kMatMul;
    case OpKind::kBiasAdd:
      return &kBiasAdd;
    case OpKind::kActivation:
      return &kActivation;
    case OpKind::kSoftmax:
    case OpKind::kLogSoftmax:
      return &kSoftmax;
    case OpKind::kBatchNorm:
      return &kBatchNorm;
    default:
      return nullptr;
  }
}

}  // namespace onnx_export
