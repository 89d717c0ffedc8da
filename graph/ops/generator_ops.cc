#include "graph/ops/generator_ops.h"

#include <cmath>
#include <optional>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "graph/kernels/generator_kernels.h"
#include "graph/op_registry.h"

namespace graph {
namespace ops {
namespace {

Output FillNamed(const Scope& s, Shape shape, const Input& value, Loc loc, const char* name) {
  if (!s.ok()) return {};
  Output v = value.ToOutput(s, std::nullopt, loc);
  Node* n = s.AddOp(OpKind::kFill, {v}, {{"shape", std::move(shape)}}, loc, name);
  return n ? n->output(0) : Output();
}

Tensor ScalarOf(DType dtype, double v) {
  return DispatchDType(dtype, [&](auto tag) -> Tensor {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bfloat16>) {
      return Tensor::Scalar(bfloat16(static_cast<float>(v)));
    } else {
      return Tensor::Scalar(static_cast<T>(v));
    }
  });
}

Output Random(OpKind kind, const char* name, const Scope& s, Shape shape, int64_t seed, const char* a_name,
              float a, const char* b_name, float b, Loc loc) {
  Node* n = s.AddOp(kind, {},
                    {{"shape", std::move(shape)},
                     {"seed", seed},
                     {"graph_seed", s.graph()->seed()},
                     {a_name, static_cast<double>(a)},
                     {b_name, static_cast<double>(b)}},
                    loc, name);
  return n ? n->output(0) : Output();
}

}  // namespace

Output Fill(const Scope& s, Shape shape, Input value, Loc loc) {
  return FillNamed(s, std::move(shape), value, loc, "fill");
}
Output Zeros(const Scope& s, Shape shape, DType dtype, Loc loc) {
  return FillNamed(s, std::move(shape), ScalarOf(dtype, 0), loc, "zeros");
}
Output Ones(const Scope& s, Shape shape, DType dtype, Loc loc) {
  return FillNamed(s, std::move(shape), ScalarOf(dtype, 1), loc, "ones");
}

Output Range(const Scope& s, double start, double limit, double delta, DType dtype, Loc loc) {
  Node* n = s.AddOp(OpKind::kRange, {},
                    {{"start", start}, {"limit", limit}, {"delta", delta}, {"dtype", dtype}}, loc, "range");
  return n ? n->output(0) : Output();
}

Output RandomUniform(const Scope& s, Shape shape, int64_t seed, float minval, float maxval, Loc loc) {
  return Random(OpKind::kRandomUniform, "random_uniform", s, std::move(shape), seed, "minval", minval,
                "maxval", maxval, loc);
}
Output RandomNormal(const Scope& s, Shape shape, int64_t seed, float mean, float stddev, Loc loc) {
  return Random(OpKind::kRandomNormal, "random_normal", s, std::move(shape), seed, "mean", mean, "stddev",
                stddev, loc);
}

}  // namespace ops

namespace {

absl::Status CheckFullyDefined(const Shape& shape) {
  if (shape.IsFullyDefined()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("shape ", shape.ToString(), " must be fully defined"));
}

absl::Status FillShape(InferenceContext& c) {
  const Shape& shape = c.attrs().GetShape("shape");
  if (absl::Status st = CheckFullyDefined(shape); !st.ok()) return st;
  if (c.input_shape(0).rank() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("value must be a scalar, got shape ", c.input_shape(0).ToString()));
  }
  c.AddOutput(c.input_dtype(0), shape);
  return absl::OkStatus();
}

absl::Status RangeShape(InferenceContext& c) {
  const double start = c.attrs().GetFloat("start");
  const double limit = c.attrs().GetFloat("limit");
  const double delta = c.attrs().GetFloat("delta");
  const DType dtype = c.attrs().GetType("dtype");
  const std::string args = absl::StrCat("start ", start, ", limit ", limit, ", delta ", delta);
  if (dtype != DType::kFloat32 && dtype != DType::kInt32 && dtype != DType::kInt64) {
    return absl::InvalidArgumentError(absl::StrCat("dtype must be f32, i32 or i64, got ", DTypeName(dtype)));
  }
  if (!std::isfinite(start) || !std::isfinite(limit) || !std::isfinite(delta)) {
    return absl::InvalidArgumentError(absl::StrCat(args, ": all must be finite"));
  }
  if (delta == 0) return absl::InvalidArgumentError(absl::StrCat(args, ": delta must be nonzero"));
  if ((delta > 0 && start > limit) || (delta < 0 && start < limit)) {
    return absl::InvalidArgumentError(absl::StrCat(args, ": delta points away from limit"));
  }
  if (dtype != DType::kFloat32) {
    for (double v : {start, limit, delta}) {
      if (std::trunc(v) != v || std::abs(v) > 9.0e15) {
        return absl::InvalidArgumentError(
            absl::StrCat(args, ": dtype ", DTypeName(dtype), " needs whole numbers"));
      }
    }
  }
  const double n = std::ceil(std::abs((limit - start) / delta));
  if (n > 1e12) return absl::InvalidArgumentError(absl::StrCat(args, ": too many elements (", n, ")"));
  c.AddOutput(dtype, Shape{static_cast<int64_t>(n)});
  return absl::OkStatus();
}

template <OpKind K>
absl::Status RandomShape(InferenceContext& c) {
  const Shape& shape = c.attrs().GetShape("shape");
  if (absl::Status st = CheckFullyDefined(shape); !st.ok()) return st;
  if constexpr (K == OpKind::kRandomUniform) {
    const double lo = c.attrs().GetFloat("minval");
    const double hi = c.attrs().GetFloat("maxval");
    if (!(std::isfinite(lo) && std::isfinite(hi) && lo <= hi)) {
      return absl::InvalidArgumentError(
          absl::StrCat("minval ", lo, " and maxval ", hi, " must be finite with minval <= maxval"));
    }
  } else {
    const double mean = c.attrs().GetFloat("mean");
    const double stddev = c.attrs().GetFloat("stddev");
    if (!(std::isfinite(mean) && std::isfinite(stddev) && stddev >= 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("mean ", mean, " and stddev ", stddev, " must be finite with stddev >= 0"));
    }
  }
  c.AddOutput(DType::kFloat32, shape);
  return absl::OkStatus();
}

}  // namespace

void RegisterGeneratorOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kFill,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = FillShape,
              .kernel = MakeFillKernel});
  r.Register(
      {.kind = OpKind::kRange, .shape_fn = RangeShape, .kernel = MakeRangeKernel, .differentiable = false});
  r.Register({.kind = OpKind::kRandomUniform,
              .shape_fn = RandomShape<OpKind::kRandomUniform>,
              .kernel = MakeRandomUniformKernel,
              .stateful = true,
              .differentiable = false});
  r.Register({.kind = OpKind::kRandomNormal,
              .shape_fn = RandomShape<OpKind::kRandomNormal>,
              .kernel = MakeRandomNormalKernel,
              .stateful = true,
              .differentiable = false});
}

}  // namespace graph
