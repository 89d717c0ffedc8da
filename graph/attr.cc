#include "graph/attr.h"

#include <cstdio>
#include <cstdlib>

namespace graph {

void AttrMap::Set(std::string name, AttrValue value) {
  for (auto& [n, v] : items_) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::move(name), std::move(value));
}

const AttrValue* AttrMap::Find(const std::string& name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return &v;
  }
  return nullptr;
}

template <typename T>
const T& AttrMap::Get(const std::string& name) const {
  const AttrValue* v = Find(name);
  if (v == nullptr || !std::holds_alternative<T>(*v)) {
    std::fprintf(stderr, "AttrMap: attribute '%s' is missing or has another type\n", name.c_str());
    std::abort();
  }
  return std::get<T>(*v);
}

int64_t AttrMap::GetIntOr(const std::string& name, int64_t dflt) const {
  const AttrValue* v = Find(name);
  return v != nullptr && std::holds_alternative<int64_t>(*v) ? std::get<int64_t>(*v) : dflt;
}

bool AttrMap::GetBoolOr(const std::string& name, bool dflt) const {
  const AttrValue* v = Find(name);
  return v != nullptr && std::holds_alternative<bool>(*v) ? std::get<bool>(*v) : dflt;
}

template const int64_t& AttrMap::Get<int64_t>(const std::string&) const;
template const double& AttrMap::Get<double>(const std::string&) const;
template const bool& AttrMap::Get<bool>(const std::string&) const;
template const std::string& AttrMap::Get<std::string>(const std::string&) const;
template const DType& AttrMap::Get<DType>(const std::string&) const;
template const Shape& AttrMap::Get<Shape>(const std::string&) const;
template const Tensor& AttrMap::Get<Tensor>(const std::string&) const;
template const std::vector<int64_t>& AttrMap::Get<std::vector<int64_t>>(const std::string&) const;

}  // namespace graph
