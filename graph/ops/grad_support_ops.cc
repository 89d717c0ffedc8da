#include "graph/ops/grad_support_ops.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/kernel.h"
#include "graph/kernels/broadcast.h"
#include "graph/op_registry.h"

namespace graph {
namespace ops {

namespace {
Output Add1(OpKind kind, const Scope& s, std::vector<Output> in, AttrMap attrs, Loc loc, const char* name) {
  Node* n = s.AddOp(kind, std::move(in), std::move(attrs), loc, name);
  return n ? n->output(0) : Output();
}
}  // namespace

Output ZerosLike(const Scope& s, Output x, Loc loc) {
  return Add1(OpKind::kZerosLike, s, {x}, {}, loc, "zeros_like");
}
Output OnesLike(const Scope& s, Output x, Loc loc) {
  return Add1(OpKind::kOnesLike, s, {x}, {}, loc, "ones_like");
}
Output SumToShapeOf(const Scope& s, Output g, Output like, Loc loc) {
  return Add1(OpKind::kSumToShape, s, {g, like}, {}, loc, "sum_to_shape");
}
Output BroadcastLike(const Scope& s, Output g, Output like, std::vector<int64_t> axes, bool divide_by_count,
                     Loc loc) {
  return Add1(OpKind::kBroadcastLike, s, {g, like},
              {{"axes", std::move(axes)}, {"divide_by_count", divide_by_count}}, loc, "broadcast_like");
}
Output Size(const Scope& s, Output x, DType dtype, std::vector<int64_t> axes, Loc loc) {
  return Add1(OpKind::kSize, s, {x}, {{"dtype", dtype}, {"axes", std::move(axes)}}, loc, "size");
}
Output ReshapeLike(const Scope& s, Output g, Output like, Loc loc) {
  return Add1(OpKind::kReshapeLike, s, {g, like}, {}, loc, "reshape_like");
}

}  // namespace ops

namespace {

absl::Status LikeShape(InferenceContext& c) {
  c.AddOutput(c.input_dtype(0), c.input_shape(0));
  return absl::OkStatus();
}

absl::Status SumToShapeShape(InferenceContext& c) {
  const Shape& g = c.input_shape(0);
  const Shape& like = c.input_shape(1);
  if (like.rank() > g.rank()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot sum ", g.ToString(), " down to ", like.ToString()));
  }
  auto b = BroadcastShapes(like, g);
  if (!b.ok() || !b->IsCompatibleWith(g)) {
    return absl::InvalidArgumentError(absl::StrCat(like.ToString(), " does not broadcast to ", g.ToString(),
                                                   ", so ", g.ToString(), " cannot be summed back to it"));
  }
  c.AddOutput(c.input_dtype(0), like);
  return absl::OkStatus();
}

bool SameShape(absl::Span<const TensorType> in, const TensorType&) { return in[0].shape == in[1].shape; }

// `like`'s shape with the reduced axes set to 1, or an error. Axes may be negative.
absl::StatusOr<Shape> KeptShape(const Shape& like, const std::vector<int64_t>& axes) {
  Shape kept = like;
  for (int64_t a : axes) {
    const int64_t ax = a < 0 ? a + like.rank() : a;
    if (ax < 0 || ax >= like.rank()) {
      return absl::InvalidArgumentError(absl::StrCat("axis ", a, " is out of range for ", like.ToString()));
    }
    kept.set_dim(static_cast<int>(ax), 1);
  }
  if (axes.empty()) {
    for (int i = 0; i < kept.rank(); ++i) kept.set_dim(i, 1);
  }
  return kept;
}

absl::Status BroadcastLikeShape(InferenceContext& c) {
  const Shape& g = c.input_shape(0);
  const Shape& like = c.input_shape(1);
  auto kept = KeptShape(like, c.attrs().GetInts("axes"));
  if (!kept.ok()) return kept.status();
  if (g.num_elements() >= 0 && kept->num_elements() >= 0 && g.num_elements() != kept->num_elements()) {
    return absl::InvalidArgumentError(
        absl::StrCat(g.ToString(), " is not ", like.ToString(), " reduced over the given axes"));
  }
  c.AddOutput(c.input_dtype(0), like);
  return absl::OkStatus();
}

absl::Status ReshapeLikeShape(InferenceContext& c) {
  const int64_t a = c.input_shape(0).num_elements(), b = c.input_shape(1).num_elements();
  if (a >= 0 && b >= 0 && a != b) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot reshape ", c.input_shape(0).ToString(), " to ", c.input_shape(1).ToString()));
  }
  c.AddOutput(c.input_dtype(0), c.input_shape(1));
  return absl::OkStatus();
}

absl::Status SizeShape(InferenceContext& c) {
  const DType t = c.attrs().GetType("dtype");
  if (t != DType::kFloat32 && t != DType::kInt32 && t != DType::kInt64) {
    return absl::InvalidArgumentError(absl::StrCat("Size gives f32, i32 or i64, not ", DTypeName(t)));
  }
  for (int64_t a : c.attrs().GetInts("axes")) {
    if (a < -c.input_shape(0).rank() || a >= c.input_shape(0).rank()) {
      return absl::InvalidArgumentError(
          absl::StrCat("axis ", a, " is out of range for ", c.input_shape(0).ToString()));
    }
  }
  const Shape scalar;
  c.AddOutput(t, scalar);
  return absl::OkStatus();
}

// Writes a count fixed at compile time.
class SizeKernel : public Kernel {
 public:
  SizeKernel(Tensor out, int64_t count) : out_(std::move(out)), count_(count) {}
  absl::Status Run(RunContext&) override {
    switch (out_.dtype()) {
      case DType::kFloat32:
        *out_.data<float>() = static_cast<float>(count_);
        break;
      case DType::kInt32:
        *out_.data<int32_t>() = static_cast<int32_t>(count_);
        break;
      default:
        *out_.data<int64_t>() = count_;
    }
    return absl::OkStatus();
  }

 private:
  Tensor out_;
  int64_t count_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeSize(KernelContext& ctx) {
  const Shape& x = ctx.inputs[0].shape();
  const auto& axes = ctx.node.attrs().GetInts("axes");
  int64_t count = 1;
  if (axes.empty()) {
    count = x.num_elements();
  } else {
    for (int64_t a : axes) count *= x.dim(static_cast<int>(a < 0 ? a + x.rank() : a));
  }
  return std::make_unique<SizeKernel>(ctx.outputs[0], count);
}

template <bool kOnes>
class FillLikeKernel : public Kernel {
 public:
  explicit FillLikeKernel(Tensor out) : out_(std::move(out)) {}
  absl::Status Run(RunContext&) override {
    DispatchDType(out_.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T v;
      if constexpr (std::is_same_v<T, bfloat16>) {
        v = bfloat16(kOnes ? 1.0f : 0.0f);
      } else {
        v = static_cast<T>(kOnes ? 1 : 0);
      }
      std::fill_n(out_.data<T>(), out_.num_elements(), v);
    });
    return absl::OkStatus();
  }

 private:
  Tensor out_;
};

template <bool kOnes>
absl::StatusOr<std::unique_ptr<Kernel>> MakeFillLike(KernelContext& ctx) {
  return std::make_unique<FillLikeKernel<kOnes>>(ctx.outputs[0]);
}

// out[j] = sum of g[i] over every i that broadcasting maps to j.
template <typename T>
class SumToShapeKernel : public Kernel {
 public:
  SumToShapeKernel(const Tensor& g, const Tensor& out)
      : g_(g.data<T>()),
        out_(const_cast<Tensor&>(out).data<T>()),
        out_n_(out.num_elements()),
        idx_(g.shape(), {out.shape()}) {}
  absl::Status Run(RunContext&) override {
    std::fill_n(out_, out_n_, T(0));
    const int64_t inner = idx_.inner();
    const int64_t so = idx_.inner_stride(0);
    idx_.ForEachRow<1>([&](int64_t g_off, const int64_t* offs) {
      const T* __restrict pg = g_ + g_off;
      T* __restrict po = out_ + offs[0];
      if (so == 1) {
        for (int64_t i = 0; i < inner; ++i) po[i] += pg[i];
      } else if (so == 0) {
        T acc = 0;
        for (int64_t i = 0; i < inner; ++i) acc += pg[i];
        *po += acc;
      } else {
        for (int64_t i = 0; i < inner; ++i) po[i * so] += pg[i];
      }
    });
    return absl::OkStatus();
  }

 private:
  const T* g_;
  T* out_;
  int64_t out_n_;
  BroadcastIndexer idx_;
};

template <template <typename> class K>
absl::StatusOr<std::unique_ptr<Kernel>> MakeNumeric(const Tensor& in, const Tensor& out) {
  switch (in.dtype()) {
    case DType::kFloat32:
      return std::make_unique<K<float>>(in, out);
    case DType::kInt32:
      return std::make_unique<K<int32_t>>(in, out);
    case DType::kInt64:
      return std::make_unique<K<int64_t>>(in, out);
    default:
      return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(in.dtype())));
  }
}

absl::StatusOr<std::unique_ptr<Kernel>> MakeSumToShape(KernelContext& ctx) {
  return MakeNumeric<SumToShapeKernel>(ctx.inputs[0], ctx.outputs[0]);
}

// out[i] = g[broadcast index of i] (optionally / count).
template <typename T>
class BroadcastLikeKernel : public Kernel {
 public:
  BroadcastLikeKernel(const Tensor& g, const Tensor& out, const Shape& kept, bool divide)
      : g_(g.data<T>()), out_(const_cast<Tensor&>(out).data<T>()), idx_(out.shape(), {kept}) {
    const int64_t reduced = out.num_elements() / std::max<int64_t>(kept.num_elements(), 1);
    scale_ = divide && reduced > 0 ? T(1) / static_cast<T>(reduced) : T(1);
    divide_ = divide;
  }
  absl::Status Run(RunContext&) override {
    const int64_t inner = idx_.inner();
    const int64_t sg = idx_.inner_stride(0);
    const T scale = scale_;
    const bool divide = divide_;
    idx_.ForEachRow<1>([&](int64_t out_off, const int64_t* offs) {
      const T* pg = g_ + offs[0];
      T* po = out_ + out_off;
      for (int64_t i = 0; i < inner; ++i) po[i] = divide ? pg[i * sg] * scale : pg[i * sg];
    });
    return absl::OkStatus();
  }

 private:
  const T* g_;
  T* out_;
  BroadcastIndexer idx_;
  T scale_;
  bool divide_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeBroadcastLike(KernelContext& ctx) {
  auto kept = KeptShape(ctx.outputs[0].shape(), ctx.node.attrs().GetInts("axes"));
  if (!kept.ok()) return kept.status();
  if (kept->num_elements() != ctx.inputs[0].num_elements()) {
    return absl::InvalidArgumentError(absl::StrCat(ctx.inputs[0].shape().ToString(), " is not ",
                                                   ctx.outputs[0].shape().ToString(),
                                                   " reduced over the axes"));
  }
  const bool divide = ctx.node.attrs().GetBool("divide_by_count");
  switch (ctx.inputs[0].dtype()) {
    case DType::kFloat32:
      return std::make_unique<BroadcastLikeKernel<float>>(ctx.inputs[0], ctx.outputs[0], *kept, divide);
    case DType::kInt32:
      return std::make_unique<BroadcastLikeKernel<int32_t>>(ctx.inputs[0], ctx.outputs[0], *kept, divide);
    case DType::kInt64:
      return std::make_unique<BroadcastLikeKernel<int64_t>>(ctx.inputs[0], ctx.outputs[0], *kept, divide);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("no kernel for dtype ", DTypeName(ctx.inputs[0].dtype())));
  }
}

}  // namespace

void RegisterGradSupportOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kZerosLike,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = LikeShape,
              .kernel = MakeFillLike<false>,
              .differentiable = false});
  r.Register({.kind = OpKind::kOnesLike,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = LikeShape,
              .kernel = MakeFillLike<true>,
              .differentiable = false});
  r.Register({.kind = OpKind::kSumToShape,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = SumToShapeShape,
              .kernel = MakeSumToShape,
              .alias_if = SameShape});
  r.Register({.kind = OpKind::kBroadcastLike,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = BroadcastLikeShape,
              .kernel = MakeBroadcastLike});
  r.Register({.kind = OpKind::kSize,
              .min_inputs = 1,
              .max_inputs = 1,
              .shape_fn = SizeShape,
              .kernel = MakeSize,
              .differentiable = false});
  r.Register({.kind = OpKind::kReshapeLike,
              .min_inputs = 2,
              .max_inputs = 2,
              .shape_fn = ReshapeLikeShape,
              .output_aliases_input0 = true});
}

}  // namespace graph
