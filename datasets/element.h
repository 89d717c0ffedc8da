// Element: one item of a dataset, a short ordered list of named tensors such as
// {"image": f32[28,28,1], "label": i64[]}.
#ifndef DATASETS_ELEMENT_H_
#define DATASETS_ELEMENT_H_

#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"

namespace datasets {

// A named tensor inside an Element.
struct Component {
  std::string name;
  graph::Tensor tensor;
};

// Named tensors in insertion order. Names are unique within an element. An element with up to four components
// whose names are shorter than 16 characters lives entirely inline: creating, copying or clearing it does not
// touch the heap (tensor copies are shallow, see graph::Tensor). Not synchronised.
//
// Iterators write into a caller-owned Element (`GetNext(Element* out, ...)`). Whatever `out` held before is
// replaced; storage it owned alone may be reused for the new values (see Reuse()).
class Element {
 public:
  Element() = default;
  Element(std::initializer_list<Component> components);

  int size() const { return static_cast<int>(components_.size()); }
  bool empty() const { return components_.empty(); }
  // Component `i` in insertion order; 0 <= i < size().
  const std::string& name(int i) const { return components_[static_cast<size_t>(i)].name; }
  const graph::Tensor& tensor(int i) const { return components_[static_cast<size_t>(i)].tensor; }
  graph::Tensor& mutable_tensor(int i) { return components_[static_cast<size_t>(i)].tensor; }

  // Index of the component called `name`, or -1.
  int IndexOf(absl::string_view name) const;
  bool Has(absl::string_view name) const { return IndexOf(name) >= 0; }
  // The tensor called `name`, or nullptr.
  const graph::Tensor* Find(absl::string_view name) const;
  graph::Tensor* FindMutable(absl::string_view name);
  // The tensor called `name`; an invalid (default) tensor if there is none.
  const graph::Tensor& operator[](absl::string_view name) const;

  // Replaces the tensor called `name`, or appends it.
  void Set(absl::string_view name, graph::Tensor tensor);
  // Returns the component called `name` (appended if missing) as a tensor of `dtype` and `shape` (fully
  // defined) whose storage this element owns alone. The current storage is kept when it already has that
  // dtype and shape and no other tensor shares it (its contents are then left as they were); otherwise zeroed
  // storage is allocated. This is how producers avoid a heap allocation per element.
  graph::Tensor* Reuse(absl::string_view name, graph::DType dtype, const graph::Shape& shape);
  // Makes component `i` (0 <= i <= size(); i == size() appends) be `name` = `tensor`. Producers that write a
  // fixed set of components use SetAt/ReuseAt for each, then Truncate(count): no lookup, no allocation.
  void SetAt(int i, absl::string_view name, graph::Tensor tensor);
  // Like Reuse(), for component `i` (0 <= i <= size()), which is renamed to `name`.
  graph::Tensor* ReuseAt(int i, absl::string_view name, graph::DType dtype, const graph::Shape& shape);
  // Keeps only the first `n` components (n <= size()).
  void Truncate(int n);
  // Removes every component.
  void Clear() { components_.clear(); }

  // Same names in the same order and TensorsEqual tensors.
  friend bool operator==(const Element& a, const Element& b);
  // "{image: f32[28,28,1] {...}, label: i64[] {3}}".
  std::string DebugString(int max_values = 8) const;

 private:
  absl::InlinedVector<Component, 4> components_;
};

}  // namespace datasets

#endif  // DATASETS_ELEMENT_H_
