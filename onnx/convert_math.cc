// ONNX forms of the elementwise ops (both broadcast NumPy-style), comparisons, logic, Select, Cast, the
// reductions and ArgMax.
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "onnx/onnx_tensors.h"
#include "onnx/op_converters.h"

namespace onnx_export {
namespace {

using graph::OpKind;

// The ONNX op of a binary elementwise kind with the same semantics ("" when it has none).
const char* BinaryOpType(OpKind kind) {
  switch (kind) {
    case OpKind::kAdd:
      return "Add";
    case OpKind::kSub:
      return "Sub";
    case OpKind::kMul:
      return "Mul";
    case OpKind::kDiv:  // integer division truncates toward zero in both
      return "Div";
    case OpKind::kPow:
      return "Pow";
    case OpKind::kMaximum:
      return "Max";
    case OpKind::kMinimum:
      return "Min";
    case OpKind::kEqual:
      return "Equal";
    case OpKind::kLess:
      return "Less";
    case OpKind::kLessEqual:
      return "LessOrEqual";
    case OpKind::kGreater:
      return "Greater";
    case OpKind::kGreaterEqual:
      return "GreaterOrEqual";
    case OpKind::kLogicalAnd:
      return "And";
    case OpKind::kLogicalOr:
      return "Or";
    default:
      return "";
  }
}

// The ONNX op of a unary kind computed by a single ONNX op ("" when it needs more).
const char* UnaryOpType(OpKind kind) {
  switch (kind) {
    case OpKind::kNeg:
      return "Neg";
    case OpKind::kAbs:
      return "Abs";
    case OpKind::kExp:
      return "Exp";
    case OpKind::kLog:
      return "Log";
    case OpKind::kSqrt:
      return "Sqrt";
    case OpKind::kLogicalNot:
      return "Not";
    default:
      return "";
  }
}

absl::Status EmitBinary(ExportContext& ctx, const graph::Node& node) {
  const std::string a = ctx.Tensor(node.input(0));
  const std::string b = ctx.Tensor(node.input(1));
  ctx.AddOwnNode(BinaryOpType(node.kind()), node, {a, b}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

// NotEqual: Not(Equal(a, b)).
absl::Status EmitNotEqual(ExportContext& ctx, const graph::Node& node) {
  const std::string a = ctx.Tensor(node.input(0));
  const std::string b = ctx.Tensor(node.input(1));
  const std::string eq = ctx.FreshTensorName(node.name() + "/equal");
  ctx.AddNode("Equal", node.name() + "/equal", {a, b}, {eq});
  ctx.AddOwnNode("Not", node, {eq}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

// Unary ops are layout-agnostic: they run on the NCHW form when that is the only one.
absl::Status EmitUnary(ExportContext& ctx, const graph::Node& node) {
  bool nchw = false;
  const std::string x = ctx.AnyLayoutTensor(node.input(0), &nchw);
  const std::string y = ctx.DefineTensorIn(OutputOf(node), nchw);
  switch (node.kind()) {
    case OpKind::kSquare:  // x * x, as our kernel computes it
      ctx.AddOwnNode("Mul", node, {x, x}, {y});
      break;
    case OpKind::kRsqrt: {  // 1 / sqrt(x)
      const std::string root = ctx.FreshTensorName(node.name() + "/sqrt");
      ctx.AddNode("Sqrt", node.name() + "/sqrt", {x}, {root});
      ctx.AddOwnNode("Reciprocal", node, {root}, {y});
      break;
    }
    case OpKind::kCast:
      SetIntAttr(ctx.AddOwnNode("Cast", node, {x}, {y}), "to", OnnxDataType(node.attrs().GetType("dtype")));
      break;
    default:
      ctx.AddOwnNode(UnaryOpType(node.kind()), node, {x}, {y});
  }
  return absl::OkStatus();
}

absl::Status EmitSelect(ExportContext& ctx, const graph::Node& node) {
  const std::string cond = ctx.Tensor(node.input(0));
  const std::string a = ctx.Tensor(node.input(1));
  const std::string b = ctx.Tensor(node.input(2));
  ctx.AddOwnNode("Where", node, {cond, a, b}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

// Sum / Mean / Max / Min over `axes` (empty: all, which is also ONNX's default). In opset 17 ReduceSum takes
// its axes as an input, the others as an attribute.
absl::Status EmitReduce(ExportContext& ctx, const graph::Node& node) {
  const std::vector<int64_t>& axes = node.attrs().GetInts("axes");
  std::vector<std::string> inputs = {ctx.Tensor(node.input(0))};
  const char* op_type = "ReduceSum";
  switch (node.kind()) {
    case OpKind::kMean:
      op_type = "ReduceMean";
      break;
    case OpKind::kMax:
      op_type = "ReduceMax";
      break;
    case OpKind::kMin:
      op_type = "ReduceMin";
      break;
    default:
      if (!axes.empty()) inputs.push_back(ctx.Int64Initializer(node.name() + "/axes", axes));
  }
  onnx::NodeProto* n = ctx.AddOwnNode(op_type, node, inputs, {ctx.DefineTensor(OutputOf(node))});
  if (node.kind() != OpKind::kSum && !axes.empty()) SetIntsAttr(n, "axes", axes);
  SetIntAttr(n, "keepdims", node.attrs().GetBool("keep_dims") ? 1 : 0);
  return absl::OkStatus();
}

// ArgMax (first maximum wins, like ours) gives int64; an i32 result adds a Cast.
absl::Status EmitArgMax(ExportContext& ctx, const graph::Node& node) {
  const std::string x = ctx.Tensor(node.input(0));
  const bool is_i64 = node.attrs().GetType("dtype") == graph::DType::kInt64;
  const std::string index =
      is_i64 ? ctx.DefineTensor(OutputOf(node)) : ctx.FreshTensorName(node.name() + "/int64");
  onnx::NodeProto* n = is_i64 ? ctx.AddOwnNode("ArgMax", node, {x}, {index})
                              : ctx.AddNode("ArgMax", node.name() + "/argmax", {x}, {index});
  SetIntAttr(n, "axis", node.attrs().GetInt("axis"));
  SetIntAttr(n, "keepdims", 0);
  SetIntAttr(n, "select_last_index", 0);
  if (!is_i64) {
    SetIntAttr(ctx.AddOwnNode("Cast", node, {index}, {ctx.DefineTensor(OutputOf(node))}), "to",
               onnx::TensorProto::INT32);
  }
  return absl::OkStatus();
}

constexpr OpConverter kBinary{.emit = EmitBinary};
constexpr OpConverter kNotEqual{.emit = EmitNotEqual};
constexpr OpConverter kUnary{.emit = EmitUnary};
constexpr OpConverter kSelect{.emit = EmitSelect};
constexpr OpConverter kReduce{.emit = EmitReduce};
constexpr OpConverter kArgMax{.emit = EmitArgMax};

}  // namespace

const OpConverter* FindMathConverter(OpKind kind) {
  if (*BinaryOpType(kind) != '\0') return &kBinary;
  if (*UnaryOpType(kind) != '\0') return &kUnary;
  switch (kind) {
    case OpKind::kSquare:
    case OpKind::kRsqrt:
    case OpKind::kCast:
      return &kUnary;
    case OpKind::kNotEqual:
      return &kNotEqual;
    case OpKind::kSelect:
      return &kSelect;
    case OpKind::kSum:
    case OpKind::kMean:
    case OpKind::kMax:
    case OpKind::kMin:
      return &kReduce;
    case OpKind::kArgMax:
      return &kArgMax;
    default:
      return nullptr;
  }
}

}  // namespace onnx_export
