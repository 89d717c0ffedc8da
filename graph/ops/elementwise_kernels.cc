// Schemas and kernels of the elementwise ops (builders are in elementwise_ops.cc).
#include <cmath>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "graph/kernel.h"
#include "graph/kernels/broadcast.h"
#include "graph/op_registry.h"

namespace graph {
namespace {

constexpr int kMaxRank = 8;

constexpr bool IsComparison(OpKind k) {
  return k == OpKind::kEqual || k == OpKind::kNotEqual || k == OpKind::kLess || k == OpKind::kLessEqual ||
         k == OpKind::kGreater || k == OpKind::kGreaterEqual;
}
constexpr bool IsLogical(OpKind k) {
  return k == OpKind::kLogicalAnd || k == OpKind::kLogicalOr || k == OpKind::kLogicalNot;
}

// Which dtypes an elementwise op accepts.
bool Accepts(OpKind k, DType t) {
  switch (k) {
    case OpKind::kPow:
    case OpKind::kExp:
    case OpKind::kLog:
    case OpKind::kSqrt:
    case OpKind::kRsqrt:
      return t == DType::kFloat32;
    case OpKind::kEqual:
    case OpKind::kNotEqual:
      return t != DType::kBFloat16;
    case OpKind::kLogicalAnd:
    case OpKind::kLogicalOr:
    case OpKind::kLogicalNot:
      return t == DType::kBool;
    default:
      return t == DType::kFloat32 || t == DType::kInt32 || t == DType::kInt64;
  }
}

absl::Status CheckDType(OpKind k, DType t) {
  if (Accepts(k, t)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("dtype ", DTypeName(t), " is not supported"));
}

absl::Status BinaryShape(InferenceContext& c, OpKind kind) {
  const TensorType& a = c.input(0);
  const TensorType& b = c.input(1);
  if (a.dtype != b.dtype) {
    return absl::InvalidArgumentError(absl::StrCat("operand dtypes differ: ", DTypeName(a.dtype),
                                                   a.shape.ToString(), " and ", DTypeName(b.dtype),
                                                   b.shape.ToString()));
  }
  if (absl::Status st = CheckDType(kind, a.dtype); !st.ok()) return st;
  auto shape = BroadcastShapes(a.shape, b.shape);
  if (!shape.ok()) return shape.status();
  if (shape->rank() > kMaxRank) return absl::InvalidArgumentError("rank above 8 is not supported");
  c.AddOutput(IsComparison(kind) ? DType::kBool : a.dtype, *shape);
  return absl::OkStatus();
}

template <OpKind K>
absl::Status BinaryShapeFn(InferenceContext& c) {
  return BinaryShape(c, K);
}

template <OpKind K>
absl::Status UnaryShapeFn(InferenceContext& c) {
  if (absl::Status st = CheckDType(K, c.input_dtype(0)); !st.ok()) return st;
  c.AddOutput(c.input_dtype(0), c.input_shape(0));
  return absl::OkStatus();
}

absl::Status SelectShape(InferenceContext& c) {
  if (c.input_dtype(0) != DType::kBool) {
    return absl::InvalidArgumentError(
        absl::StrCat("the condition must be bool, got ", DTypeName(c.input_dtype(0))));
  }
  if (c.input_dtype(1) != c.input_dtype(2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the branches' dtypes differ: ", DTypeName(c.input_dtype(1)), " and ", DTypeName(c.input_dtype(2))));
  }
  auto ab = BroadcastShapes(c.input_shape(1), c.input_shape(2));
  if (!ab.ok()) return ab.status();
  auto all = BroadcastShapes(c.input_shape(0), *ab);
  if (!all.ok()) return all.status();
  c.AddOutput(c.input_dtype(1), *all);
  return absl::OkStatus();
}

absl::Status CastShape(InferenceContext& c) {
  c.AddOutput(c.attrs().GetType("dtype"), c.input_shape(0));
  return absl::OkStatus();
}

// ---- functors ----
template <OpKind K, typename T>
struct BinaryFn;
#define GRAPH_BINARY_FN(KIND, EXPR)                  \
  template <typename T>                              \
  struct BinaryFn<OpKind::KIND, T> {                 \
    auto operator()(T a, T b) const { return EXPR; } \
  };
GRAPH_BINARY_FN(kAdd, static_cast<T>(a + b))
GRAPH_BINARY_FN(kSub, static_cast<T>(a - b))
GRAPH_BINARY_FN(kMul, static_cast<T>(a* b))
GRAPH_BINARY_FN(kDiv, static_cast<T>(a / b))
GRAPH_BINARY_FN(kPow, static_cast<T>(std::pow(a, b)))
GRAPH_BINARY_FN(kMaximum, static_cast<T>(a > b || a != a ? a : b))
GRAPH_BINARY_FN(kMinimum, static_cast<T>(a < b || a != a ? a : b))
GRAPH_BINARY_FN(kEqual, a == b)
GRAPH_BINARY_FN(kNotEqual, a != b)
GRAPH_BINARY_FN(kLess, a < b)
GRAPH_BINARY_FN(kLessEqual, a <= b)
GRAPH_BINARY_FN(kGreater, a > b)
GRAPH_BINARY_FN(kGreaterEqual, a >= b)
GRAPH_BINARY_FN(kLogicalAnd, static_cast<bool>(a&& b))
GRAPH_BINARY_FN(kLogicalOr, static_cast<bool>(a || b))
#undef GRAPH_BINARY_FN

template <OpKind K, typename T>
struct UnaryFn;
#define GRAPH_UNARY_FN(KIND, EXPR)           \
  template <typename T>                      \
  struct UnaryFn<OpKind::KIND, T> {          \
    T operator()(T x) const { return EXPR; } \
  };
GRAPH_UNARY_FN(kNeg, static_cast<T>(-x))
GRAPH_UNARY_FN(kAbs, static_cast<T>(x < 0 ? -x : x))
GRAPH_UNARY_FN(kExp, std::exp(x))
GRAPH_UNARY_FN(kLog, std::log(x))
GRAPH_UNARY_FN(kSqrt, std::sqrt(x))
GRAPH_UNARY_FN(kRsqrt, static_cast<T>(1) / std::sqrt(x))
GRAPH_UNARY_FN(kSquare, static_cast<T>(x* x))
GRAPH_UNARY_FN(kLogicalNot, static_cast<T>(!x))
#undef GRAPH_UNARY_FN

// ---- kernels ----
template <OpKind K, typename T>
class BinaryKernel : public Kernel {
 public:
  using Out = std::conditional_t<std::is_same_v<decltype(BinaryFn<K, T>()(T(), T())), bool>, bool, T>;
  BinaryKernel(const Tensor& a, const Tensor& b, const Tensor& out)
      : a_(a.data<T>()),
        b_(b.data<T>()),
        out_(const_cast<Tensor&>(out).data<Out>()),
        b_count_(b.num_elements()),
        idx_(out.shape(), {a.shape(), b.shape()}) {}

  absl::Status Run(RunContext&) override {
    if constexpr (K == OpKind::kDiv && std::is_integral_v<T>) {
      for (int64_t i = 0; i < b_count_; ++i) {
        if (b_[i] == 0) return absl::InvalidArgumentError("integer division by zero");
      }
    }
    const BinaryFn<K, T> f;
    const T* __restrict a = a_;
    const T* __restrict b = b_;
    Out* __restrict o = out_;
    if (idx_.all_same()) {
      const int64_t n = idx_.num_elements();
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
      return absl::OkStatus();
    }
    const int64_t inner = idx_.inner();
    const int64_t sa = idx_.inner_stride(0);
    const int64_t sb = idx_.inner_stride(1);
    idx_.ForEachRow<2>([&](int64_t out_off, const int64_t* offs) {
      const T* pa = a + offs[0];
      const T* pb = b + offs[1];
      Out* po = o + out_off;
      if (sa == 1 && sb == 1) {
        for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i], pb[i]);
      } else if (sa == 1 && sb == 0) {
        const T vb = *pb;
        for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i], vb);
      } else if (sa == 0 && sb == 1) {
        const T va = *pa;
        for (int64_t i = 0; i < inner; ++i) po[i] = f(va, pb[i]);
      } else {
        for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i * sa], pb[i * sb]);
      }
    });
    return absl::OkStatus();
  }

 private:
  const T* a_;
  const T* b_;
  Out* out_;
  int64_t b_count_;
  BroadcastIndexer idx_;
};

template <OpKind K>
absl::StatusOr<std::unique_ptr<Kernel>> MakeBinary(KernelContext& ctx) {
  const Tensor& a = ctx.inputs[0];
  const Tensor& b = ctx.inputs[1];
  const Tensor& o = ctx.outputs[0];
  switch (a.dtype()) {
    case DType::kFloat32:
      if constexpr (!IsLogical(K)) return std::make_unique<BinaryKernel<K, float>>(a, b, o);
      break;
    case DType::kInt32:
      if constexpr (!IsLogical(K) && K != OpKind::kPow)
        return std::make_unique<BinaryKernel<K, int32_t>>(a, b, o);
      break;
    case DType::kInt64:
      if constexpr (!IsLogical(K) && K != OpKind::kPow)
        return std::make_unique<BinaryKernel<K, int64_t>>(a, b, o);
      break;
    case DType::kBool:
      if constexpr (IsLogical(K) || K == OpKind::kEqual || K == OpKind::kNotEqual) {
        return std::make_unique<BinaryKernel<K, bool>>(a, b, o);
      }
      break;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(a.dtype())));
}

template <OpKind K, typename T>
class UnaryKernel : public Kernel {
 public:
  UnaryKernel(const Tensor& x, const Tensor& out)
      : x_(x.data<T>()), out_(const_cast<Tensor&>(out).data<T>()), n_(out.num_elements()) {}
  absl::Status Run(RunContext&) override {
    const UnaryFn<K, T> f;
    const T* __restrict x = x_;
    T* __restrict o = out_;
    for (int64_t i = 0; i < n_; ++i) o[i] = f(x[i]);
    return absl::OkStatus();
  }

 private:
  const T* x_;
  T* out_;
  int64_t n_;
};

template <OpKind K>
absl::StatusOr<std::unique_ptr<Kernel>> MakeUnary(KernelContext& ctx) {
  const Tensor& x = ctx.inputs[0];
  const Tensor& o = ctx.outputs[0];
  constexpr bool kFloatOnly =
      K == OpKind::kExp || K == OpKind::kLog || K == OpKind::kSqrt || K == OpKind::kRsqrt;
  switch (x.dtype()) {
    case DType::kFloat32:
      if constexpr (K != OpKind::kLogicalNot) return std::make_unique<UnaryKernel<K, float>>(x, o);
      break;
    case DType::kInt32:
      if constexpr (!kFloatOnly && K != OpKind::kLogicalNot)
        return std::make_unique<UnaryKernel<K, int32_t>>(x, o);
      break;
    case DType::kInt64:
      if constexpr (!kFloatOnly && K != OpKind::kLogicalNot)
        return std::make_unique<UnaryKernel<K, int64_t>>(x, o);
      break;
    case DType::kBool:
      if constexpr (K == OpKind::kLogicalNot) return std::make_unique<UnaryKernel<K, bool>>(x, o);
      break;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("no kernel for dtype ", DTypeName(x.dtype())));
}

template <typename T>
class SelectKernel : public Kernel {
 public:
  SelectKernel(const Tensor& c, const Tensor& a, const Tensor& b, const Tensor& out)
      : c_(c.data<bool>()),
        a_(a.data<T>()),
        b_(b.data<T>()),
        out_(const_cast<Tensor&>(out).data<T>()),
        idx_(out.shape(), {c.shape(), a.shape(), b.shape()}) {}
  absl::Status Run(RunContext&) override {
    const int64_t inner = idx_.inner();
    const int64_t sc = idx_.inner_stride(0), sa = idx_.inner_stride(1), sb = idx_.inner_stride(2);
    idx_.ForEachRow<3>([&](int64_t out_off, const int64_t* offs) {
      const bool* pc = c_ + offs[0];
      const T* pa = a_ + offs[1];
      const T* pb = b_ + offs[2];
      T* po = out_ + out_off;
      for (int64_t i = 0; i < inner; ++i) po[i] = pc[i * sc] ? pa[i * sa] : pb[i * sb];
    });
    return absl::OkStatus();
  }

 private:
  const bool* c_;
  const T* a_;
  const T* b_;
  T* out_;
  BroadcastIndexer idx_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeSelect(KernelContext& ctx) {
  return DispatchDType(ctx.inputs[1].dtype(), [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = decltype(tag);
    return std::make_unique<SelectKernel<T>>(ctx.inputs[0], ctx.inputs[1], ctx.inputs[2], ctx.outputs[0]);
  });
}

template <typename To, typename From>
To Convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<From, bfloat16>) {
    return Convert<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, bfloat16>) {
    return bfloat16(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
class CastKernel : public Kernel {
 public:
  CastKernel(const Tensor& x, const Tensor& out)
      : x_(x.data<From>()), out_(const_cast<Tensor&>(out).data<To>()), n_(out.num_elements()) {}
  absl::Status Run(RunContext&) override {
    for (int64_t i = 0; i < n_; ++i) out_[i] = Convert<To>(x_[i]);
    return absl::OkStatus();
  }

 private:
  const From* x_;
  To* out_;
  int64_t n_;
};

absl::StatusOr<std::unique_ptr<Kernel>> MakeCast(KernelContext& ctx) {
  return DispatchDType(ctx.inputs[0].dtype(), [&](auto from) -> std::unique_ptr<Kernel> {
    return DispatchDType(ctx.outputs[0].dtype(), [&](auto to) -> std::unique_ptr<Kernel> {
      return std::make_unique<CastKernel<decltype(from), decltype(to)>>(ctx.inputs[0], ctx.outputs[0]);
    });
  });
}

template <OpKind K>
void RegisterBinary(OpRegistry& r) {
  r.Register(
      {.kind = K, .min_inputs = 2, .max_inputs = 2, .shape_fn = BinaryShapeFn<K>, .kernel = MakeBinary<K>});
}
template <OpKind K>
void RegisterUnary(OpRegistry& r) {
  r.Register(
      {.kind = K, .min_inputs = 1, .max_inputs = 1, .shape_fn = UnaryShapeFn<K>, .kernel = MakeUnary<K>});
}

}  // namespace

void RegisterElementwiseOps(OpRegistry& r) {
  RegisterBinary<OpKind::kAdd>(r);
  RegisterBinary<OpKind::kSub>(r);
  RegisterBinary<OpKind::kMul>(r);
  RegisterBinary<OpKind::kDiv>(r);
  RegisterBinary<OpKind::kPow>(r);
  RegisterBinary<OpKind::kMaximum>(r);
  RegisterBinary<OpKind::kMinimum>(r);
  RegisterBinary<OpKind::kEqual>(r);
  RegisterBinary<OpKind::kNotEqual>(r);
  RegisterBinary<OpKind::kLess>(r);
  RegisterBinary<OpKind::kLessEqual>(r);
  RegisterBinary<OpKind::kGreater>(r);
  RegisterBinary<OpKind::kGreaterEqual>(r);
  RegisterBinary<OpKind::kLogicalAnd>(r);
  RegisterBinary<OpKind::kLogicalOr>(r);
  RegisterUnary<OpKind::kNeg>(r);
  RegisterUnary<OpKind::kAbs>(r);
  RegisterUnary<OpKind::kExp>(r);
  RegisterUnary<OpKind::kLog>(r);
  RegisterUnary<OpKind::kSqrt>(r);
  RegisterUnary<OpKind::kRsqrt>(r);
  RegisterUnary<OpKind::kSquare>(r);
  RegisterUnary<OpKind::kLogicalNot>(r);
  r.Register({.kind = OpKind::kSelect,
              .min_inputs = 3,
              .max_inputs = 3,
              .shape_fn = SelectShape,
              .kernel = MakeSelect});
  r.Register(
      {.kind = OpKind::kCast, .min_inputs = 1, .max_inputs = 1, .shape_fn = CastShape, .kernel = MakeCast});
}

}  // namespace graph
