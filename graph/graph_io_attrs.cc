// Reading the fields of a node that hold values: attributes (tensors included, inline or external) and the
// declared output types. Every field is type-checked before it is read.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/graph_io_internal.h"
#include "graph/op_attrs.h"

namespace graph::graph_io_internal {
namespace {

// A tensor attribute: inline "values" or a "ref" to one of `tensors`, of the declared dtype and shape.
absl::StatusOr<Tensor> ReadTensor(const Json& j, const std::map<std::string, Tensor>& tensors) {
  if (!j.is_object())
    return absl::InvalidArgumentError(absl::StrCat("tensor: expected an object, got ", j.type_name()));
  if (absl::Status st = CheckKeys(j, {"dtype", "shape", "values", "ref"}); !st.ok()) return st;
  const Json* dtype_json = Field(j, "dtype");
  const Json* shape_json = Field(j, "shape");
  if (dtype_json == nullptr || !dtype_json->is_string()) {
    return absl::InvalidArgumentError("tensor: \"dtype\" must be a dtype name");
  }
  auto dtype = DTypeFromName(dtype_json->get<std::string>());
  if (!dtype.ok()) return dtype.status();
  if (shape_json == nullptr) return absl::InvalidArgumentError("tensor: missing \"shape\"");
  auto shape = JsonToShape(*shape_json, /*allow_unknown=*/false);
  if (!shape.ok()) return shape.status();
  const std::string declared = absl::StrCat(DTypeName(*dtype), shape->ToString());
  const Json* ref = Field(j, "ref");
  const Json* values = Field(j, "values");
  if ((ref == nullptr) == (values == nullptr)) {
    return absl::InvalidArgumentError(
        "tensor: needs exactly one of \"values\" (inline) and \"ref\" (external)");
  }
  if (ref != nullptr) {
    if (!ref->is_string()) return absl::InvalidArgumentError("tensor: \"ref\" must be a string");
    const std::string& name = ref->get_ref<const std::string&>();
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      return absl::InvalidArgumentError(absl::StrCat("external tensor '", name, "' (", declared,
                                                     ") is missing from the ", tensors.size(),
                                                     " tensor(s) given"));
    }
    const Tensor& t = it->second;
    if (!t.IsValid() || t.dtype() != *dtype || t.shape() != *shape) {
      return absl::InvalidArgumentError(
          absl::StrCat("external tensor '", name, "' is ",
                       t.IsValid() ? absl::StrCat(DTypeName(t.dtype()), t.shape().ToString()) : "empty",
                       " but the graph declares ", declared));
    }
    return t;
  }
  if (!values->is_array()) return absl::InvalidArgumentError("tensor: \"values\" must be an array");
  if (static_cast<int64_t>(values->size()) != shape->num_elements()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor: ", values->size(), " values for ", declared, " (",
                                                   shape->num_elements(), " elements)"));
  }
  Tensor t(*dtype, *shape);
  if (absl::Status st = JsonToTensorValues(*values, &t); !st.ok()) return st;
  return t;
}

// One attribute: {"type": <attr type name>, "value": <its encoding>}.
absl::StatusOr<AttrValue> ReadAttr(const Json& j, const std::map<std::string, Tensor>& tensors) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected {\"type\": ..., \"value\": ...}, got ", j.type_name()));
  }
  if (absl::Status st = CheckKeys(j, {"type", "value"}); !st.ok()) return st;
  const Json* type = Field(j, "type");
  const Json* value = Field(j, "value");
  if (type == nullptr || !type->is_string()) return absl::InvalidArgumentError("\"type\" must be a string");
  if (value == nullptr) return absl::InvalidArgumentError("missing \"value\"");
  auto t = AttrTypeFromName(type->get_ref<const std::string&>());
  if (!t.ok()) return t.status();
  const Json& v = *value;
  switch (*t) {
    case AttrType::kInt: {
      auto i = JsonToInt(v);
      if (!i.ok()) return i.status();
      return AttrValue(*i);
    }
    case AttrType::kFloat: {
      auto d = JsonToDouble(v);
      if (!d.ok()) return d.status();
      return AttrValue(*d);
    }
    case AttrType::kBool:
      if (!v.is_boolean())
        return absl::InvalidArgumentError(absl::StrCat("expected true or false, got ", v.type_name()));
      return AttrValue(v.get<bool>());
    case AttrType::kString:
      if (!v.is_string())
        return absl::InvalidArgumentError(absl::StrCat("expected a string, got ", v.type_name()));
      return AttrValue(v.get<std::string>());
    case AttrType::kDType: {
      if (!v.is_string())
        return absl::InvalidArgumentError(absl::StrCat("expected a dtype name, got ", v.type_name()));
      auto d = DTypeFromName(v.get<std::string>());
      if (!d.ok()) return d.status();
      return AttrValue(*d);
    }
    case AttrType::kShape: {
      auto s = JsonToShape(v, /*allow_unknown=*/true);
      if (!s.ok()) return s.status();
      return AttrValue(*std::move(s));
    }
    case AttrType::kTensor: {
      auto tensor = ReadTensor(v, tensors);
      if (!tensor.ok()) return tensor.status();
      return AttrValue(*std::move(tensor));
    }
    case AttrType::kInts: {
      if (!v.is_array())
        return absl::InvalidArgumentError(absl::StrCat("expected an array of integers, got ", v.type_name()));
      std::vector<int64_t> ints;
      for (size_t k = 0; k < v.size(); ++k) {
        auto i = JsonToInt(v[k]);
        if (!i.ok()) return absl::InvalidArgumentError(absl::StrCat("entry ", k, ": ", i.status().message()));
        ints.push_back(*i);
      }
      return AttrValue(std::move(ints));
    }
  }
  return absl::InvalidArgumentError("unknown attribute type");
}

}  // namespace

absl::Status CheckKeys(const Json& j, std::initializer_list<const char*> known) {
  for (const auto& item : j.items()) {
    bool found = false;
    for (const char* k : known) found |= item.key() == k;
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", item.key(), "\" (known: ", absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

const Json* Field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

absl::StatusOr<AttrMap> ReadAttrs(const Json* j, const std::map<std::string, Tensor>& tensors) {
  AttrMap attrs;
  if (j == nullptr) return attrs;
  if (!j->is_object())
    return absl::InvalidArgumentError(absl::StrCat("attrs: expected an object, got ", j->type_name()));
  for (const auto& item : j->items()) {
    auto v = ReadAttr(item.value(), tensors);
    if (!v.ok())
      return absl::InvalidArgumentError(absl::StrCat("attr '", item.key(), "': ", v.status().message()));
    attrs.Set(item.key(), *std::move(v));
  }
  return attrs;
}

absl::StatusOr<std::vector<TensorType>> ReadOutputTypes(const Json* j) {
  if (j == nullptr) return absl::InvalidArgumentError("outputs: missing");
  if (!j->is_array())
    return absl::InvalidArgumentError(absl::StrCat("outputs: expected an array, got ", j->type_name()));
  std::vector<TensorType> types;
  for (size_t k = 0; k < j->size(); ++k) {
    const Json& o = (*j)[k];
    const std::string what = absl::StrCat("outputs ", k);
    if (!o.is_object())
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected {\"dtype\", \"shape\"}, got ", o.type_name()));
    if (absl::Status st = CheckKeys(o, {"dtype", "shape"}); !st.ok())
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", st.message()));
    const Json* dtype = Field(o, "dtype");
    const Json* shape = Field(o, "shape");
    if (dtype == nullptr || !dtype->is_string())
      return absl::InvalidArgumentError(absl::StrCat(what, ": \"dtype\" must be a dtype name"));
    if (shape == nullptr) return absl::InvalidArgumentError(absl::StrCat(what, ": missing \"shape\""));
    TensorType t;
    auto d = DTypeFromName(dtype->get<std::string>());
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", d.status().message()));
    auto s = JsonToShape(*shape, /*allow_unknown=*/true);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", s.status().message()));
    t.dtype = *d;
    t.shape = *std::move(s);
    types.push_back(std::move(t));
  }
  return types;
}

}  // namespace graph::graph_io_internal
