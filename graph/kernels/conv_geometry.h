// Window geometry shared by the 2-D convolution and pooling ops: output sizes and TensorFlow's SAME/VALID
// padding, computed identically by the shape functions (possibly with unknown dims) and by the kernels.
#ifndef GRAPH_KERNELS_CONV_GEOMETRY_H_
#define GRAPH_KERNELS_CONV_GEOMETRY_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "dnnl.hpp"
#include "graph/attr.h"
#include "graph/shape.h"

namespace graph {

// A sliding window over H and W. `size` is the filter or pooling window, `dilations` are 1 for a dense
// window.
struct Window2D {
  std::array<int64_t, 2> size = {1, 1};
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilations = {1, 1};
  bool same = false;  // SAME padding (else VALID)

  // "window 3x3, strides 2x2, dilations 1x1, SAME" for error messages.
  std::string ToString() const;
};

// Output size of one spatial dim and the zero padding before and after it.
struct SpatialDim {
  int64_t out = Shape::kUnknownDim;
  int64_t pad_before = 0;
  int64_t pad_after = 0;
};

// The attributes the conv and pool nodes carry: "strides", "dilations" (conv only), "padding" ("SAME" or
// "VALID"), "window" (pool only; a conv's window is its filter's KH,KW, passed as `filter_hw`).
AttrMap WindowAttrs(const Window2D& w, bool with_dilations);
Window2D WindowFromAttrs(const AttrMap& attrs, std::array<int64_t, 2> filter_hw);
Window2D PoolWindowFromAttrs(const AttrMap& attrs);

// Fails unless every size, stride and dilation is positive (the message names the geometry).
absl::Status ValidateWindow(const Window2D& w);

// TensorFlow's rule for spatial dim `axis` (0: H, 1: W) of input size `in` (kUnknownDim gives an unknown
// output): VALID: out = ceil((in - k_eff + 1) / stride), no padding; SAME: out = ceil(in / stride), total
// padding max((out - 1) * stride + k_eff - in, 0) with the odd pixel at the end; k_eff = (size - 1) *
// dilation + 1. Fails when the output would be empty, with a message naming the sizes.
absl::StatusOr<SpatialDim> OutputDim(const Window2D& w, int axis, int64_t in);

// oneDNN's view of a concrete NHWC geometry: dims in oneDNN's logical order and the padding, strides and
// dilations ("dilation - 1") vectors its descriptors take.
struct DnnlWindow {
  dnnl::memory::dims src;  // N, C, H, W
  dnnl::memory::dims dst;  // N, C, OH, OW
  dnnl::memory::dims kernel, strides, dilates, pad_before, pad_after;
};
// `x` and `y` are the concrete NHWC input and output shapes (rank 4); fails like OutputDim.
absl::StatusOr<DnnlWindow> MakeDnnlWindow(const Window2D& w, const Shape& x, const Shape& y);

// An f32 NHWC tensor's descriptor for dims given in oneDNN's N, C, H, W order.
dnnl::memory::desc NhwcDesc(const dnnl::memory::dims& nchw);

}  // namespace graph

#endif  // GRAPH_KERNELS_CONV_GEOMETRY_H_
