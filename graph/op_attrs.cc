#include "graph/op_attrs.h"

#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace graph {
namespace {

// AttrType mirrors AttrValue's alternatives; keep the two in step.
static_assert(std::variant_size_v<AttrValue> == 8);
static_assert(std::is_same_v<std::variant_alternative_t<0, AttrValue>, int64_t>);
static_assert(std::is_same_v<std::variant_alternative_t<1, AttrValue>, double>);
static_assert(std::is_same_v<std::variant_alternative_t<2, AttrValue>, bool>);
static_assert(std::is_same_v<std::variant_alternative_t<3, AttrValue>, std::string>);
static_assert(std::is_same_v<std::variant_alternative_t<4, AttrValue>, DType>);
static_assert(std::is_same_v<std::variant_alternative_t<5, AttrValue>, Shape>);
static_assert(std::is_same_v<std::variant_alternative_t<6, AttrValue>, Tensor>);
static_assert(std::is_same_v<std::variant_alternative_t<7, AttrValue>, std::vector<int64_t>>);

constexpr const char* kAttrTypeNames[] = {"int",   "float", "bool",   "string",
                                          "dtype", "shape", "tensor", "ints"};

constexpr AttrType kInt = AttrType::kInt;
constexpr AttrType kFloat = AttrType::kFloat;
constexpr AttrType kBool = AttrType::kBool;
constexpr AttrType kString = AttrType::kString;
constexpr AttrType kDType = AttrType::kDType;
constexpr AttrType kShape = AttrType::kShape;
constexpr AttrType kTensor = AttrType::kTensor;
constexpr AttrType kInts = AttrType::kInts;

// One table per builder family (graph/ops/*.cc, graph/graph.cc for Arg); each lists exactly what the
// builders put in the node's AttrMap.
constexpr AttrDef kConstAttrs[] = {{"value", kTensor, true}};
// Placeholder and Variable.
constexpr AttrDef kDeclaredAttrs[] = {{"dtype", kDType, true}, {"shape", kShape, true}};
// Set by the control-flow builders and Graph::Capture.
constexpr AttrDef kArgAttrs[] = {{"index", kInt, true}};
constexpr AttrDef kCastAttrs[] = {{"dtype", kDType, true}};
constexpr AttrDef kReshapeAttrs[] = {{"shape", kShape, true}};
constexpr AttrDef kTransposeAttrs[] = {{"perm", kInts, true}};
constexpr AttrDef kAxisAttrs[] = {{"axis", kInt, true}};  // Concat, Gather, GatherGrad
constexpr AttrDef kSliceAttrs[] = {{"begin", kInts, true}, {"size", kInts, true}};
constexpr AttrDef kOneHotAttrs[] = {{"depth", kInt, true},
                                    {"on_value", kFloat, true},
                                    {"off_value", kFloat, true},
                                    {"axis", kInt, true},
                                    {"dtype", kDType, true}};
constexpr AttrDef kReduceAttrs[] = {{"axes", kInts, true}, {"keep_dims", kBool, true}};
constexpr AttrDef kArgMaxAttrs[] = {{"axis", kInt, true}, {"dtype", kDType, true}};
constexpr AttrDef kMatMulAttrs[] = {{"transpose_a", kBool, true}, {"transpose_b", kBool, true}};
constexpr AttrDef kFillAttrs[] = {{"shape", kShape, true}};
constexpr AttrDef kRangeAttrs[] = {
    {"start", kFloat, true}, {"limit", kFloat, true}, {"delta", kFloat, true}, {"dtype", kDType, true}};
constexpr AttrDef kRandomUniformAttrs[] = {{"shape", kShape, true},
                                           {"seed", kInt, true},
                                           {"graph_seed", kInt, true},
                                           {"minval", kFloat, true},
                                           {"maxval", kFloat, true}};
constexpr AttrDef kRandomNormalAttrs[] = {{"shape", kShape, true},
                                          {"seed", kInt, true},
                                          {"graph_seed", kInt, true},
                                          {"mean", kFloat, true},
                                          {"stddev", kFloat, true}};
constexpr AttrDef kWhileAttrs[] = {
    {"num_loop_vars", kInt, true}, {"num_cond_captures", kInt, true}, {"maximum_iterations", kInt, true}};
constexpr AttrDef kCondAttrs[] = {{"num_then_captures", kInt, true}};
constexpr AttrDef kBroadcastLikeAttrs[] = {{"axes", kInts, true}, {"divide_by_count", kBool, true}};
constexpr AttrDef kSliceGradAttrs[] = {{"begin", kInts, true}};
constexpr AttrDef kSizeAttrs[] = {{"dtype", kDType, true}, {"axes", kInts, true}};
constexpr AttrDef kActivationAttrs[] = {{"kind", kInt, true}, {"alpha", kFloat, true}};
constexpr AttrDef kActivationGradAttrs[] = {
    {"kind", kInt, true}, {"alpha", kFloat, true}, {"use_output", kBool, true}};
constexpr AttrDef kDropoutAttrs[] = {
    {"rate", kFloat, true}, {"seed", kInt, true}, {"graph_seed", kInt, true}};
// WindowAttrs (graph/kernels/conv_geometry.cc) plus the group count; the backward ops copy the forward
// node's attributes. The bounds keep the window arithmetic ((size - 1) * dilation + 1, in + stride - 1,
// channels * groups) far from overflow.
constexpr int64_t kMaxWindow = (int64_t{1} << 31) - 1;
constexpr int64_t kMaxGroups = int64_t{1} << 20;
constexpr AttrDef kConvAttrs[] = {{"strides", kInts, true, 2, nullptr, 1, kMaxWindow},
                                  {"dilations", kInts, true, 2, nullptr, 1, kMaxWindow},
                                  {"padding", kString, true, -1, "SAME|VALID"},
                                  {"groups", kInt, true, -1, nullptr, 1, kMaxGroups}};
constexpr AttrDef kPoolAttrs[] = {{"window", kInts, true, 2, nullptr, 1, kMaxWindow},
                                  {"strides", kInts, true, 2, nullptr, 1, kMaxWindow},
                                  {"padding", kString, true, -1, "SAME|VALID"}};
constexpr AttrDef kBatchNormAttrs[] = {{"training", kBool, true}, {"epsilon", kFloat, true}};
constexpr AttrDef kBatchNormGradAttrs[] = {{"epsilon", kFloat, true}, {"use_global_stats", kBool, true}};

bool IsChoice(const char* choices, const std::string& value) {
  for (absl::string_view c : absl::StrSplit(choices, '|')) {
    if (c == value) return true;
  }
  return false;
}

}  // namespace

const char* AttrTypeName(AttrType type) {
  const auto i = static_cast<size_t>(type);
  return i < std::size(kAttrTypeNames) ? kAttrTypeNames[i] : "?";
}

absl::StatusOr<AttrType> AttrTypeFromName(absl::string_view name) {
  for (size_t i = 0; i < std::size(kAttrTypeNames); ++i) {
    if (name == kAttrTypeNames[i]) return static_cast<AttrType>(i);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown attribute type \"", name, "\"; known: int, float, bool, string, dtype, shape, tensor, ints"));
}

AttrType AttrTypeOf(const AttrValue& value) { return static_cast<AttrType>(value.index()); }

absl::Span<const AttrDef> OpAttrDefs(OpKind kind) {
  // No default: the compiler warns here when a kind is added without deciding its attributes.
  switch (kind) {
    case OpKind::kConst:
      return kConstAttrs;
    case OpKind::kPlaceholder:
    case OpKind::kVariable:
      return kDeclaredAttrs;
    case OpKind::kArg:
      return kArgAttrs;
    case OpKind::kAssign:
    case OpKind::kAssignAdd:
    case OpKind::kAssignSub:
    case OpKind::kIdentity:
    case OpKind::kNoOp:
    case OpKind::kAdd:
    case OpKind::kSub:
    case OpKind::kMul:
    case OpKind::kDiv:
    case OpKind::kPow:
    case OpKind::kMaximum:
    case OpKind::kMinimum:
    case OpKind::kNeg:
    case OpKind::kAbs:
    case OpKind::kExp:
    case OpKind::kLog:
    case OpKind::kSqrt:
    case OpKind::kRsqrt:
    case OpKind::kSquare:
    case OpKind::kEqual:
    case OpKind::kNotEqual:
    case OpKind::kLess:
    case OpKind::kLessEqual:
    case OpKind::kGreater:
    case OpKind::kGreaterEqual:
    case OpKind::kLogicalAnd:
    case OpKind::kLogicalOr:
    case OpKind::kLogicalNot:
    case OpKind::kSelect:
    case OpKind::kZerosLike:
    case OpKind::kOnesLike:
    case OpKind::kSumToShape:
    case OpKind::kReshapeLike:
    case OpKind::kBiasAdd:
    case OpKind::kSoftmax:
    case OpKind::kLogSoftmax:
    case OpKind::kSoftmaxGrad:
    case OpKind::kLogSoftmaxGrad:
    case OpKind::kDropoutGrad:
    case OpKind::kSparseSoftmaxCrossEntropy:
    case OpKind::kNumOpKinds:
      return {};
    case OpKind::kCast:
      return kCastAttrs;
    case OpKind::kReshape:
      return kReshapeAttrs;
    case OpKind::kTranspose:
      return kTransposeAttrs;
    case OpKind::kConcat:
    case OpKind::kGather:
    case OpKind::kGatherGrad:
      return kAxisAttrs;
    case OpKind::kSlice:
      return kSliceAttrs;
    case OpKind::kOneHot:
      return kOneHotAttrs;
    case OpKind::kSum:
    case OpKind::kMean:
    case OpKind::kMax:
    case OpKind::kMin:
      return kReduceAttrs;
    case OpKind::kArgMax:
      return kArgMaxAttrs;
    case OpKind::kMatMul:
      return kMatMulAttrs;
    case OpKind::kFill:
      return kFillAttrs;
    case OpKind::kRange:
      return kRangeAttrs;
    case OpKind::kRandomUniform:
      return kRandomUniformAttrs;
    case OpKind::kRandomNormal:
      return kRandomNormalAttrs;
    case OpKind::kWhile:
      return kWhileAttrs;
    case OpKind::kCond:
      return kCondAttrs;
    case OpKind::kBroadcastLike:
      return kBroadcastLikeAttrs;
    case OpKind::kSliceGrad:
      return kSliceGradAttrs;
    case OpKind::kSize:
      return kSizeAttrs;
    case OpKind::kActivation:
      return kActivationAttrs;
    case OpKind::kActivationGrad:
      return kActivationGradAttrs;
    case OpKind::kDropout:
      return kDropoutAttrs;
    case OpKind::kConv2D:
    case OpKind::kConv2DBackpropInput:
    case OpKind::kConv2DBackpropFilter:
      return kConvAttrs;
    case OpKind::kMaxPool2D:
    case OpKind::kMaxPool2DGrad:
    case OpKind::kAvgPool2D:
    case OpKind::kAvgPool2DGrad:
      return kPoolAttrs;
    case OpKind::kBatchNorm:
      return kBatchNormAttrs;
    case OpKind::kBatchNormGrad:
      return kBatchNormGradAttrs;
  }
  return {};
}

absl::StatusOr<OpKind> OpKindFromName(absl::string_view name) {
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpKind kind = static_cast<OpKind>(i);
    if (name == OpKindName(kind)) return kind;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown op \"", name, "\""));
}

absl::Status ValidateOpAttrs(OpKind kind, const AttrMap& attrs) {
  const absl::Span<const AttrDef> defs = OpAttrDefs(kind);
  for (const auto& [name, value] : attrs.items()) {
    const AttrDef* def = nullptr;
    for (const AttrDef& d : defs) {
      if (name == d.name) def = &d;
    }
    if (def == nullptr) {
      std::string known;
      for (const AttrDef& d : defs) absl::StrAppend(&known, known.empty() ? "" : ", ", d.name);
      return absl::InvalidArgumentError(absl::StrCat("attr '", name, "' is not an attribute of ",
                                                     OpKindName(kind), " (it has ",
                                                     known.empty() ? "none" : known, ")"));
    }
    if (AttrTypeOf(value) != def->type) {
      return absl::InvalidArgumentError(absl::StrCat("attr '", name, "' must be of type ",
                                                     AttrTypeName(def->type), ", got ",
                                                     AttrTypeName(AttrTypeOf(value))));
    }
    if (def->type == AttrType::kInts && def->list_size >= 0) {
      const size_t n = std::get<std::vector<int64_t>>(value).size();
      if (n != static_cast<size_t>(def->list_size)) {
        return absl::InvalidArgumentError(
            absl::StrCat("attr '", name, "' must have ", def->list_size, " entries, got ", n));
      }
    }
    if (def->type == AttrType::kInt || def->type == AttrType::kInts) {
      std::vector<int64_t> values;
      if (def->type == AttrType::kInt) {
        values.push_back(std::get<int64_t>(value));
      } else {
        values = std::get<std::vector<int64_t>>(value);
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i] < def->min_value || values[i] > def->max_value) {
          return absl::InvalidArgumentError(absl::StrCat(
              "attr '", name, "'", def->type == AttrType::kInts ? absl::StrCat(" entry ", i) : "", " is ",
              values[i], "; expected ", def->min_value, " to ", def->max_value));
        }
      }
    }
    if (def->type == AttrType::kString && def->choices != nullptr &&
        !IsChoice(def->choices, std::get<std::string>(value))) {
      return absl::InvalidArgumentError(absl::StrCat("attr '", name, "' is \"", std::get<std::string>(value),
                                                     "\"; expected one of ", def->choices));
    }
    if (def->type == AttrType::kTensor && !std::get<Tensor>(value).IsValid()) {
      return absl::InvalidArgumentError(absl::StrCat("attr '", name, "' is an empty tensor"));
    }
  }
  for (const AttrDef& d : defs) {
    if (d.required && !attrs.Has(d.name)) {
      return absl::InvalidArgumentError(absl::StrCat("missing required attr '", d.name, "' (",
                                                     AttrTypeName(d.type), ") of ", OpKindName(kind)));
    }
  }
  return absl::OkStatus();
}

}  // namespace graph
