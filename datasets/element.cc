#include "datasets/element.h"

#include "absl/strings/str_cat.h"

namespace datasets {

Element::Element(std::initializer_list<Component> components) {
  for (const Component& c : components) Set(c.name, c.tensor);
}

int Element::IndexOf(absl::string_view name) const {
  for (size_t i = 0; i < components_.size(); ++i) {
    if (components_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const graph::Tensor* Element::Find(absl::string_view name) const {
  const int i = IndexOf(name);
  return i < 0 ? nullptr : &components_[static_cast<size_t>(i)].tensor;
}

graph::Tensor* Element::FindMutable(absl::string_view name) {
  const int i = IndexOf(name);
  return i < 0 ? nullptr : &components_[static_cast<size_t>(i)].tensor;
}

const graph::Tensor& Element::operator[](absl::string_view name) const {
  static const graph::Tensor* const kEmpty = new graph::Tensor();
  const graph::Tensor* t = Find(name);
  return t == nullptr ? *kEmpty : *t;
}

void Element::Set(absl::string_view name, graph::Tensor tensor) {
  graph::Tensor* t = FindMutable(name);
  if (t != nullptr) {
    *t = std::move(tensor);
    return;
  }
  components_.push_back(Component{std::string(name), std::move(tensor)});
}

graph::Tensor* Element::Reuse(absl::string_view name, graph::DType dtype, const graph::Shape& shape) {
  graph::Tensor* t = FindMutable(name);
  if (t == nullptr) {
    components_.push_back(Component{std::string(name), graph::Tensor()});
    t = &components_.back().tensor;
  }
  if (!(t->OwnsBufferAlone() && t->dtype() == dtype && t->shape() == shape)) *t = graph::Tensor(dtype, shape);
  return t;
}

void Element::SetAt(int i, absl::string_view name, graph::Tensor tensor) {
  if (i == size()) {
    components_.push_back(Component{std::string(name), std::move(tensor)});
    return;
  }
  Component& c = components_[static_cast<size_t>(i)];
  if (c.name != name) c.name.assign(name.data(), name.size());
  c.tensor = std::move(tensor);
}

graph::Tensor* Element::ReuseAt(int i, absl::string_view name, graph::DType dtype,
                                const graph::Shape& shape) {
  if (i == size()) components_.push_back(Component{std::string(name), graph::Tensor()});
  Component& c = components_[static_cast<size_t>(i)];
  if (c.name != name) c.name.assign(name.data(), name.size());
  graph::Tensor* t = &c.tensor;
  if (!(t->OwnsBufferAlone() && t->dtype() == dtype && t->shape() == shape)) *t = graph::Tensor(dtype, shape);
  return t;
}

void Element::Truncate(int n) {
  if (n < size()) components_.resize(static_cast<size_t>(n));
}

bool operator==(const Element& a, const Element& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i) {
    if (a.name(i) != b.name(i) || !graph::TensorsEqual(a.tensor(i), b.tensor(i))) return false;
  }
  return true;
}

std::string Element::DebugString(int max_values) const {
  std::string s = "{";
  for (int i = 0; i < size(); ++i) {
    if (i > 0) s += ", ";
    absl::StrAppend(&s, name(i), ": ", tensor(i).DebugString(max_values));
  }
  return s + "}";
}

}  // namespace datasets
