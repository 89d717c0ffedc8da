#include "graph/shape.h"

#include "absl/strings/str_cat.h"

namespace graph {

bool Shape::IsFullyDefined() const {
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

int64_t Shape::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) return -1;
    n *= d;
  }
  return n;
}

bool Shape::IsCompatibleWith(const Shape& other) const {
  if (rank() != other.rank()) return false;
  for (int i = 0; i < rank(); ++i) {
    if (dim(i) >= 0 && other.dim(i) >= 0 && dim(i) != other.dim(i)) return false;
  }
  return true;
}

std::string Shape::ToString() const {
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i > 0) s += ",";
    if (dims_[i] < 0) {
      s += "?";
    } else {
      absl::StrAppend(&s, dims_[i]);
    }
  }
  s += "]";
  return s;
}

}  // namespace graph
