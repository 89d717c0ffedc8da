#include "graph/kernels/conv_geometry.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace graph {

std::string Window2D::ToString() const {
  return absl::StrCat("window ", size[0], "x", size[1], ", strides ", strides[0], "x", strides[1],
                      ", dilations ", dilations[0], "x", dilations[1], same ? ", SAME" : ", VALID");
}

AttrMap WindowAttrs(const Window2D& w, bool with_dilations) {
  AttrMap attrs;
  if (!with_dilations) attrs.Set("window", std::vector<int64_t>{w.size[0], w.size[1]});
  attrs.Set("strides", std::vector<int64_t>{w.strides[0], w.strides[1]});
  if (with_dilations) attrs.Set("dilations", std::vector<int64_t>{w.dilations[0], w.dilations[1]});
  attrs.Set("padding", std::string(w.same ? "SAME" : "VALID"));
  return attrs;
}

Window2D WindowFromAttrs(const AttrMap& attrs, std::array<int64_t, 2> filter_hw) {
  Window2D w;
  w.size = filter_hw;
  const std::vector<int64_t>& strides = attrs.GetInts("strides");
  w.strides = {strides[0], strides[1]};
  if (attrs.Has("dilations")) {
    const std::vector<int64_t>& dilations = attrs.GetInts("dilations");
    w.dilations = {dilations[0], dilations[1]};
  }
  w.same = attrs.GetString("padding") == "SAME";
  return w;
}

Window2D PoolWindowFromAttrs(const AttrMap& attrs) {
  const std::vector<int64_t>& window = attrs.GetInts("window");
  return WindowFromAttrs(attrs, {window[0], window[1]});
}

absl::Status ValidateWindow(const Window2D& w) {
  for (int i = 0; i < 2; ++i) {
    if (w.size[i] <= 0 || w.strides[i] <= 0 || w.dilations[i] <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("window sizes, strides and dilations must be positive: ", w.ToString()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SpatialDim> OutputDim(const Window2D& w, int axis, int64_t in) {
  const int64_t k = w.size[axis], stride = w.strides[axis];
  const int64_t k_eff = (k - 1) * w.dilations[axis] + 1;
  SpatialDim d;
  if (in == Shape::kUnknownDim) return d;
  if (w.same) {
    d.out = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((d.out - 1) * stride + k_eff - in, 0);
    d.pad_before = total / 2;
    d.pad_after = total - d.pad_before;
  } else {
    if (in < k_eff) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", axis == 0 ? "height" : "width", " window spans ", k_eff, " (size ", k, ", dilation ",
          w.dilations[axis], ") but the input has only ", in, " (VALID padding gives an empty output)"));
    }
    d.out = (in - k_eff) / stride + 1;
  }
  if (d.out <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the output ", axis == 0 ? "height" : "width", " would be ", d.out, " for input ", in));
  }
  return d;
}

absl::StatusOr<DnnlWindow> MakeDnnlWindow(const Window2D& w, const Shape& x, const Shape& y) {
  DnnlWindow d;
  d.src = {x.dim(0), x.dim(3), x.dim(1), x.dim(2)};
  d.dst = {y.dim(0), y.dim(3), y.dim(1), y.dim(2)};
  for (int axis = 0; axis < 2; ++axis) {
    absl::StatusOr<SpatialDim> s = OutputDim(w, axis, x.dim(1 + axis));
    if (!s.ok()) return s.status();
    if (s->out != y.dim(1 + axis)) {
      return absl::InvalidArgumentError(absl::StrCat("output ", y.ToString(), " does not match input ",
                                                     x.ToString(), " with ", w.ToString()));
    }
    d.kernel.push_back(w.size[axis]);
    d.strides.push_back(w.strides[axis]);
    d.dilates.push_back(w.dilations[axis] - 1);
    d.pad_before.push_back(s->pad_before);
    d.pad_after.push_back(s->pad_after);
  }
  return d;
}

dnnl::memory::desc NhwcDesc(const dnnl::memory::dims& nchw) {
  return dnnl::memory::desc(nchw, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc);
}

}  // namespace graph
