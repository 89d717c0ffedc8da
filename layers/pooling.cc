#include "layers/pooling.h"

#include "absl/strings/str_cat.h"

namespace layers {

namespace ops = graph::ops;

absl::Status Pool2DOptions::Validate() const {
  for (int i = 0; i < 2; ++i) {
    if (pool_size[i] <= 0 || strides[i] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("pooling needs pool_size > 0 and strides >= 0, got ",
                                                     pool_size[0], "x", pool_size[1], " and ", strides[0],
                                                     "x", strides[1]));
    }
  }
  return absl::OkStatus();
}

namespace {

Output Pool(bool max, const Scope& scope, Output x, const Pool2DOptions& o, Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope(o.name.empty() ? (max ? "max_pooling2d" : "average_pooling2d") : o.name)
                      .WithLocation(loc);
  const graph::OpKind kind = max ? graph::OpKind::kMaxPool2D : graph::OpKind::kAvgPool2D;
  if (absl::Status st = o.Validate(); !st.ok()) {
    s.RecordError(loc, kind, s.prefix(), std::string(st.message()));
    return {};
  }
  ops::Pool2DOptions p;
  p.window = o.pool_size;
  p.strides = {o.strides[0] == 0 ? o.pool_size[0] : o.strides[0],
               o.strides[1] == 0 ? o.pool_size[1] : o.strides[1]};
  p.padding = o.padding;
  return max ? ops::MaxPool2D(s, x, p, loc) : ops::AvgPool2D(s, x, p, loc);
}

}  // namespace

Output MaxPool2D(const Scope& s, Output x, const Pool2DOptions& o, Loc loc) {
  return Pool(true, s, x, o, loc);
}
Output AvgPool2D(const Scope& s, Output x, const Pool2DOptions& o, Loc loc) {
  return Pool(false, s, x, o, loc);
}

}  // namespace layers
