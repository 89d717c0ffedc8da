#include "layers/conv.h"

#include "absl/strings/str_cat.h"
#include "graph/ops/nn_ops.h"
#include "layers/layer_util.h"

namespace layers {

namespace ops = graph::ops;

absl::Status Conv2DOptions::Validate() const {
  if (filters <= 0)
    return absl::InvalidArgumentError(absl::StrCat("Conv2D needs filters > 0, got ", filters));
  for (int i = 0; i < 2; ++i) {
    if (kernel_size[i] <= 0 || strides[i] <= 0 || dilation_rate[i] <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Conv2D needs kernel_size, strides and dilation_rate > 0, got ", kernel_size[0], "x",
          kernel_size[1], ", ", strides[0], "x", strides[1], ", ", dilation_rate[0], "x", dilation_rate[1]));
    }
  }
  if (groups <= 0 || filters % groups != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Conv2D filters (", filters, ") must divide by groups (", groups, ")"));
  }
  if (absl::Status st = ValidateActivation(activation); !st.ok()) return st;
  if (absl::Status st = kernel_initializer.Validate(); !st.ok()) return st;
  if (absl::Status st = kernel_regularizer.Validate(); !st.ok()) return st;
  return bias_regularizer.Validate();
}

Output Conv2D(const Scope& scope, Output x, const Conv2DOptions& o, Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope(o.name).WithLocation(loc);
  if (absl::Status st = o.Validate(); !st.ok()) {
    s.RecordError(loc, graph::OpKind::kConv2D, s.prefix(), std::string(st.message()));
    return {};
  }
  if (!x.valid()) return {};
  if (x.shape().rank() != 4 || x.shape().dim(3) < 0) {
    s.RecordError(loc, graph::OpKind::kConv2D, s.prefix(),
                  absl::StrCat("Conv2D expects [batch, height, width, channels] with known channels, got ",
                               x.shape().ToString()));
    return {};
  }
  const int64_t in = x.shape().dim(3);
  if (in % o.groups != 0) {
    s.RecordError(loc, graph::OpKind::kConv2D, s.prefix(),
                  absl::StrCat("input channels (", in, ") must divide by groups (", o.groups, ")"));
    return {};
  }
  Output kernel = MakeWeight(s, "kernel", {o.kernel_size[0], o.kernel_size[1], in / o.groups, o.filters},
                             o.kernel_initializer, o.kernel_regularizer, true, loc);
  Output y = ops::Conv2D(
      s, x, kernel,
      {.strides = o.strides, .dilations = o.dilation_rate, .padding = o.padding, .groups = o.groups});
  if (o.use_bias) {
    Output bias = MakeWeight(s, "bias", {o.filters}, o.bias_initializer, o.bias_regularizer, true, loc);
    y = ops::BiasAdd(s, y, bias);
  }
  return ApplyActivation(s, y, o.activation, loc);
}

}  // namespace layers
