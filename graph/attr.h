// Node attributes: a small map from name to a typed value, read when a graph is built or compiled, never per
// step.
#ifndef GRAPH_ATTR_H_
#define GRAPH_ATTR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "graph/dtype.h"
#include "graph/shape.h"
#include "graph/tensor.h"

namespace graph {

using AttrValue =
    std::variant<int64_t, double, bool, std::string, DType, Shape, Tensor, std::vector<int64_t>>;

// An ordered list of (name, value). Few attributes per node, so lookup is a linear scan.
class AttrMap {
 public:
  AttrMap() = default;
  AttrMap(std::initializer_list<std::pair<std::string, AttrValue>> init) : items_(init) {}

  // Sets or replaces `name`.
  void Set(std::string name, AttrValue value);
  bool Has(const std::string& name) const { return Find(name) != nullptr; }
  const AttrValue* Find(const std::string& name) const;

  // Typed getters; CHECK that the attribute exists with that type (schemas define their attributes).
  int64_t GetInt(const std::string& name) const { return Get<int64_t>(name); }
  double GetFloat(const std::string& name) const { return Get<double>(name); }
  bool GetBool(const std::string& name) const { return Get<bool>(name); }
  const std::string& GetString(const std::string& name) const { return Get<std::string>(name); }
  DType GetType(const std::string& name) const { return Get<DType>(name); }
  const Shape& GetShape(const std::string& name) const { return Get<Shape>(name); }
  const Tensor& GetTensor(const std::string& name) const { return Get<Tensor>(name); }
  const std::vector<int64_t>& GetInts(const std::string& name) const {
    return Get<std::vector<int64_t>>(name);
  }

  // Getters with a default for optional attributes.
  int64_t GetIntOr(const std::string& name, int64_t dflt) const;
  bool GetBoolOr(const std::string& name, bool dflt) const;

  const std::vector<std::pair<std::string, AttrValue>>& items() const { return items_; }

 private:
  template <typename T>
  const T& Get(const std::string& name) const;

  std::vector<std::pair<std::string, AttrValue>> items_;
};

}  // namespace graph

#endif  // GRAPH_ATTR_H_
