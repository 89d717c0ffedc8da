// The attribute table of every op kind: which attributes its builders set, with which type, and whether a
// node must carry them. Shape functions read attributes with AttrMap getters that abort on a missing or
// mistyped attribute, so anything that builds nodes from untrusted data (the graph reader) checks a node's
// attributes against this table first.
#ifndef GRAPH_OP_ATTRS_H_
#define GRAPH_OP_ATTRS_H_

#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "graph/attr.h"
#include "graph/op_kind.h"

namespace graph {

// The alternative of AttrValue an attribute holds, in AttrValue's order (AttrValue::index() == AttrType).
enum class AttrType : uint8_t { kInt, kFloat, kBool, kString, kDType, kShape, kTensor, kInts };

// "int", "float", "bool", "string", "dtype", "shape", "tensor", "ints": the names the text form uses.
const char* AttrTypeName(AttrType type);
// The inverse of AttrTypeName; InvalidArgument naming the known types otherwise.
absl::StatusOr<AttrType> AttrTypeFromName(absl::string_view name);
// The type of a value.
AttrType AttrTypeOf(const AttrValue& value);

// One attribute of an op kind.
struct AttrDef {
  const char* name;
  AttrType type;
  // Set by every builder of the kind; a node without it is malformed. Optional attributes have a default
  // that the op's shape function and kernel apply when it is absent.
  bool required;
  // kInts only: the exact number of entries (-1: any number).
  int list_size = -1;
  // kString only: the allowed values separated by '|' (nullptr: any string).
  const char* choices = nullptr;
  // kInt, and every entry of kInts: the allowed range, inclusive. Set where a shape function would
  // otherwise compute with an absurd value (window sizes, strides); most ranges are checked by the shape
  // functions themselves.
  int64_t min_value = std::numeric_limits<int64_t>::min();
  int64_t max_value = std::numeric_limits<int64_t>::max();
};

// The attributes of `kind`, in the order its builders set them (empty for kinds without attributes and for
// values outside the enum).
absl::Span<const AttrDef> OpAttrDefs(OpKind kind);

// The kind whose OpKindName is `name` ("MatMul"); InvalidArgument otherwise.
absl::StatusOr<OpKind> OpKindFromName(absl::string_view name);

// Checks `attrs` against OpAttrDefs(kind): every required attribute present, no unknown one, each of its
// declared type, list sizes, string choices and integer ranges respected. The InvalidArgument message starts
// with "attr '<name>'" (or "missing required attr '<name>'") and does not name the node; the caller adds
// that. Values are otherwise not checked: the shape functions check ranges (axes, rates, ...) themselves.
absl::Status ValidateOpAttrs(OpKind kind, const AttrMap& attrs);

}  // namespace graph

#endif  // GRAPH_OP_ATTRS_H_
