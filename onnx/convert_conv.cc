// ONNX forms of Conv2D, MaxPool2D and AvgPool2D. Our ops are NHWC with HWIO filters; ONNX's are NCHW with
// OIHW filters, so inputs go through their NCHW form (see ExportContext) and constant filters are stored
// transposed. TensorFlow's SAME padding becomes explicit pads computed by the same rule as our kernels
// (graph/kernels/conv_geometry.h), or auto_pad SAME_UPPER when H/W are unknown and that is provably the
// same padding (never for dilated windows, which runtimes reject with auto_pad).
#include <array>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/kernels/conv_geometry.h"
#include "onnx/op_converters.h"

namespace onnx_export {
namespace {

using graph::OpKind;

// HWIO -> OIHW.
const std::vector<int64_t> kFilterToOihw = {3, 2, 0, 1};

bool IsConv(const graph::Node& node) { return node.kind() == OpKind::kConv2D; }

graph::Window2D WindowOf(const graph::Node& node) {
  if (!IsConv(node)) return graph::PoolWindowFromAttrs(node.attrs());
  const graph::Shape& filter = node.input(1).shape();
  return graph::WindowFromAttrs(node.attrs(), {filter.dim(0), filter.dim(1)});
}

// SAME_UPPER pads (out - 1) * stride + k_eff - in at the end-heavy split like TensorFlow, but a negative
// total may not be clamped to 0 as TensorFlow does. It never is negative when k_eff >= stride (in = q *
// stride
// - r with 0 <= r < stride gives a total of k_eff - stride + r), so only then is it safe for an unknown size.
bool SameUpperIsExact(const graph::Window2D& w, int axis) {
  return (w.size[axis] - 1) * w.dilations[axis] + 1 >= w.strides[axis];
}

std::string CheckWindow(const graph::Node& node) {
  const graph::Shape& x = node.input(0).shape();
  if (x.rank() != 4) return "input is not rank 4";
  const graph::Window2D w = WindowOf(node);
  for (int axis = 0; axis < 2; ++axis) {
    if (w.size[axis] < 0) return "the filter's height and width must be known";
  }
  if (!w.same || (x.dim(1) >= 0 && x.dim(2) >= 0)) return "";
  // auto_pad applies to both axes.
  for (int axis = 0; axis < 2; ++axis) {
    if (w.dilations[axis] != 1) {
      return absl::StrCat("SAME padding with dilations over an unknown input height or width (", w.ToString(),
                          ") has no exact ONNX form: runtimes reject auto_pad with dilations");
    }
    if (!SameUpperIsExact(w, axis)) {
      return absl::StrCat(
          "SAME padding over an unknown input height or width with a stride larger than the "
          "window (",
          w.ToString(), ") has no exact ONNX form");
    }
  }
  return "";
}

// kernel_shape, strides, dilations (conv only) and the padding.
absl::Status SetWindowAttrs(const graph::Node& node, onnx::NodeProto* n) {
  const graph::Window2D w = WindowOf(node);
  SetIntsAttr(n, "kernel_shape", {w.size[0], w.size[1]});
  SetIntsAttr(n, "strides", {w.strides[0], w.strides[1]});
  if (IsConv(node)) SetIntsAttr(n, "dilations", {w.dilations[0], w.dilations[1]});
  const graph::Shape& x = node.input(0).shape();
  if (x.dim(1) < 0 || x.dim(2) < 0) {
    if (w.same) {
      SetStringAttr(n, "auto_pad", "SAME_UPPER");
    } else {
      SetIntsAttr(n, "pads", {0, 0, 0, 0});
    }
    return absl::OkStatus();
  }
  std::array<graph::SpatialDim, 2> dims;
  for (int axis = 0; axis < 2; ++axis) {
    absl::StatusOr<graph::SpatialDim> d = graph::OutputDim(w, axis, x.dim(1 + axis));
    if (!d.ok()) return d.status();
    dims[axis] = *d;
  }
  // ONNX order: [H_begin, W_begin, H_end, W_end].
  SetIntsAttr(n, "pads", {dims[0].pad_before, dims[1].pad_before, dims[0].pad_after, dims[1].pad_after});
  return absl::OkStatus();
}

absl::Status EmitConv(ExportContext& ctx, const graph::Node& node) {
  const std::string x = ctx.NchwTensor(node.input(0));
  const std::string filter = ctx.Transposed(node.input(1), kFilterToOihw, node.name() + "/filter_to_oihw");
  onnx::NodeProto* n = ctx.AddOwnNode("Conv", node, {x, filter}, {ctx.DefineNchwTensor(OutputOf(node))});
  SetIntAttr(n, "group", node.attrs().GetInt("groups"));
  return SetWindowAttrs(node, n);
}

// Max pooling never selects padding; average pooling divides by the count of real pixels (both like our
// oneDNN kernels, pooling_max and pooling_avg_exclude_padding).
absl::Status EmitPool(ExportContext& ctx, const graph::Node& node) {
  const bool max = node.kind() == OpKind::kMaxPool2D;
  const std::string x = ctx.NchwTensor(node.input(0));
  onnx::NodeProto* n =
      ctx.AddOwnNode(max ? "MaxPool" : "AveragePool", node, {x}, {ctx.DefineNchwTensor(OutputOf(node))});
  if (!max) SetIntAttr(n, "count_include_pad", 0);
  return SetWindowAttrs(node, n);
}

constexpr OpConverter kConv{.check = CheckWindow, .emit = EmitConv};
// MaxPool2D's second output, oneDNN's workspace for the gradient, has no ONNX form.
constexpr OpConverter kMaxPool{.check = CheckWindow, .emit = EmitPool, .exported_outputs = 1};
constexpr OpConverter kAvgPool{.check = CheckWindow, .emit = EmitPool};

}  // namespace

const OpConverter* FindConvConverter(OpKind kind) {
  switch (kind) {
    case OpKind::kConv2D:
      return &kConv;
    case OpKind::kMaxPool2D:
      return &kMaxPool;
    case OpKind::kAvgPool2D:
      return &kAvgPool;
    default:
      return nullptr;
  }
}

}  // namespace onnx_export
