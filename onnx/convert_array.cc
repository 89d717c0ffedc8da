// ONNX forms of the shape and indexing ops: Identity, Reshape, Transpose, Concat, Slice, Gather, OneHot and
// Fill. Shapes, axes and bounds become int64 initializers (opset 13+ takes them as inputs).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/tensor.h"
#include "onnx/op_converters.h"

namespace onnx_export {
namespace {

using graph::OpKind;

absl::Status EmitIdentity(ExportContext& ctx, const graph::Node& node) {
  bool nchw = false;
  const std::string x = ctx.AnyLayoutTensor(node.input(0), &nchw);
  ctx.AddOwnNode("Identity", node, {x}, {ctx.DefineTensorIn(OutputOf(node), nchw)});
  return absl::OkStatus();
}

// The target shape keeps its -1 (the batch); a literal 0 dim needs allowzero (ONNX would copy the input's).
absl::Status EmitReshape(ExportContext& ctx, const graph::Node& node) {
  const graph::Shape& target = node.attrs().GetShape("shape");
  const std::vector<int64_t> dims(target.dims().begin(), target.dims().end());
  const std::string x = ctx.Tensor(node.input(0));
  const std::string shape = ctx.Int64Initializer(node.name() + "/shape", dims);
  onnx::NodeProto* n = ctx.AddOwnNode("Reshape", node, {x, shape}, {ctx.DefineTensor(OutputOf(node))});
  for (int64_t d : dims) {
    if (d == 0) {
      SetIntAttr(n, "allowzero", 1);
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status EmitTranspose(ExportContext& ctx, const graph::Node& node) {
  const std::string x = ctx.Tensor(node.input(0));
  SetIntsAttr(ctx.AddOwnNode("Transpose", node, {x}, {ctx.DefineTensor(OutputOf(node))}), "perm",
              node.attrs().GetInts("perm"));
  return absl::OkStatus();
}

absl::Status EmitConcat(ExportContext& ctx, const graph::Node& node) {
  std::vector<std::string> inputs;
  for (const graph::Output& in : node.inputs()) inputs.push_back(ctx.Tensor(in));
  SetIntAttr(ctx.AddOwnNode("Concat", node, inputs, {ctx.DefineTensor(OutputOf(node))}), "axis",
             node.attrs().GetInt("axis"));
  return absl::OkStatus();
}

// begin/size per dim -> starts/ends/axes (size -1: to the end).
absl::Status EmitSlice(ExportContext& ctx, const graph::Node& node) {
  const std::vector<int64_t>& begin = node.attrs().GetInts("begin");
  const std::vector<int64_t>& size = node.attrs().GetInts("size");
  std::vector<int64_t> ends, axes;
  for (size_t d = 0; d < begin.size(); ++d) {
    ends.push_back(size[d] < 0 ? std::numeric_limits<int64_t>::max() : begin[d] + size[d]);
    axes.push_back(static_cast<int64_t>(d));
  }
  const std::string x = ctx.Tensor(node.input(0));
  const std::string starts_name = ctx.Int64Initializer(node.name() + "/starts", begin);
  const std::string ends_name = ctx.Int64Initializer(node.name() + "/ends", ends);
  const std::string axes_name = ctx.Int64Initializer(node.name() + "/axes", axes);
  ctx.AddOwnNode("Slice", node, {x, starts_name, ends_name, axes_name}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

// Same output for every index our kernel accepts; ours refuses the negative ones that ONNX wraps.
absl::Status EmitGather(ExportContext& ctx, const graph::Node& node) {
  const std::string params = ctx.Tensor(node.input(0));
  const std::string indices = ctx.Tensor(node.input(1));
  SetIntAttr(ctx.AddOwnNode("Gather", node, {params, indices}, {ctx.DefineTensor(OutputOf(node))}), "axis",
             node.attrs().GetInt("axis"));
  return absl::OkStatus();
}

// ONNX's OneHot wraps negative indices where ours gives an all-off row, so it is built from its definition:
// Where(Unsqueeze(indices, axis) == range(depth) shaped to broadcast along `axis`, on, off).
absl::Status EmitOneHot(ExportContext& ctx, const graph::Node& node) {
  const graph::Output indices = node.input(0);
  const int rank = indices.shape().rank();
  const int64_t axis_attr = node.attrs().GetInt("axis");
  const int64_t axis = axis_attr < 0 ? rank : axis_attr;
  const int64_t depth = node.attrs().GetInt("depth");
  const graph::DType dtype = node.attrs().GetType("dtype");

  graph::Shape range_shape{depth};
  for (int64_t d = axis; d < rank; ++d) range_shape.AddDim(1);
  graph::Tensor range(indices.dtype(), range_shape);
  for (int64_t i = 0; i < depth; ++i) {
    if (indices.dtype() == graph::DType::kInt32) {
      range.data<int32_t>()[i] = static_cast<int32_t>(i);
    } else {
      range.data<int64_t>()[i] = i;
    }
  }
  const std::string name = node.name();
  const std::string x = ctx.Tensor(indices);
  const std::string axes = ctx.Int64Initializer(name + "/axes", {axis});
  const std::string unsqueezed = ctx.FreshTensorName(name + "/unsqueezed");
  ctx.AddNode("Unsqueeze", name + "/unsqueeze", {x, axes}, {unsqueezed});
  const std::string positions = ctx.AddInitializer(name + "/positions", range);
  const std::string hot = ctx.FreshTensorName(name + "/hot");
  ctx.AddNode("Equal", name + "/equal", {unsqueezed, positions}, {hot});
  const std::string on = ctx.ScalarInitializer(dtype, node.attrs().GetFloat("on_value"));
  const std::string off = ctx.ScalarInitializer(dtype, node.attrs().GetFloat("off_value"));
  ctx.AddOwnNode("Where", node, {hot, on, off}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

std::string CheckOneHot(const graph::Node& node) {
  const graph::DType t = node.input(0).dtype();
  if (t != graph::DType::kInt32 && t != graph::DType::kInt64) return "indices must be i32 or i64";
  return "";
}

// Fill(shape, value): Expand(value, shape).
absl::Status EmitFill(ExportContext& ctx, const graph::Node& node) {
  const graph::Shape& shape = node.attrs().GetShape("shape");
  const std::string value = ctx.Tensor(node.input(0));
  const std::string dims = ctx.Int64Initializer(
      node.name() + "/shape", std::vector<int64_t>(shape.dims().begin(), shape.dims().end()));
  ctx.AddOwnNode("Expand", node, {value, dims}, {ctx.DefineTensor(OutputOf(node))});
  return absl::OkStatus();
}

constexpr OpConverter kIdentity{.emit = EmitIdentity};
constexpr OpConverter kReshape{.emit = EmitReshape};
constexpr OpConverter kTranspose{.emit = EmitTranspose};
constexpr OpConverter kConcat{.emit = EmitConcat};
constexpr OpConverter kSlice{.emit = EmitSlice};
constexpr OpConverter kGather{.emit = EmitGather};
constexpr OpConverter kOneHot{.check = CheckOneHot, .emit = EmitOneHot};
constexpr OpConverter kFill{.emit = EmitFill};

}  // namespace

const OpConverter* FindArrayConverter(OpKind kind) {
  switch (kind) {
    case OpKind::kIdentity:
      return &kIdentity;
    case OpKind::kReshape:
      return &kReshape;
    case OpKind::kTranspose:
      return &kTranspose;
    case OpKind::kConcat:
      return &kConcat;
    case OpKind::kSlice:
      return &kSlice;
    case OpKind::kGather:
      return &kGather;
    case OpKind::kOneHot:
      return &kOneHot;
    case OpKind::kFill:
      return &kFill;
    default:
      return nullptr;
  }
}

}  // namespace onnx_export
