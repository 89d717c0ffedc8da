#include "graph/tensor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace graph {

const char* DTypeName(DType t) {
  switch (t) {
    case DType::kFloat32:
      return "f32";
    case DType::kInt32:
      return "i32";
    case DType::kInt64:
      return "i64";
    case DType::kBool:
      return "bool";
    case DType::kBFloat16:
      return "bf16";
  }
  return "?";
}

Buffer::Buffer(size_t bytes) : size_(bytes) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded);
  if (data_ == nullptr) {
    std::fprintf(stderr, "Buffer: out of memory allocating %zu bytes\n", bytes);
    std::abort();
  }
  std::memset(data_, 0, rounded);
}

Buffer::~Buffer() { std::free(data_); }

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  if (!shape_.IsFullyDefined()) {
    std::fprintf(stderr, "Tensor: shape %s is not fully defined\n", shape_.ToString().c_str());
    std::abort();
  }
  num_elements_ = shape_.num_elements();
  buffer_ = std::make_shared<Buffer>(nbytes());
}

Tensor::Tensor(DType dtype, Shape shape, std::shared_ptr<Buffer> buffer, size_t byte_offset)
    : dtype_(dtype), shape_(std::move(shape)), buffer_(std::move(buffer)), offset_(byte_offset) {
  num_elements_ = shape_.num_elements();
  if (num_elements_ < 0 || buffer_ == nullptr || offset_ + nbytes() > buffer_->size()) {
    std::fprintf(stderr, "Tensor: view %s of %s does not fit its buffer\n", shape_.ToString().c_str(),
                 DTypeName(dtype_));
    std::abort();
  }
}

void Tensor::CheckType(DType requested) const {
  if (requested != dtype_) {
    std::fprintf(stderr, "Tensor: accessed %s tensor as %s\n", DTypeName(dtype_), DTypeName(requested));
    std::abort();
  }
}

double Tensor::ElementAsDouble(int64_t i) const {
  return DispatchDType(dtype_, [&](auto tag) -> double {
    using T = decltype(tag);
    const T v = static_cast<const T*>(raw_data())[i];
    if constexpr (std::is_same_v<T, bfloat16>) {
      return static_cast<double>(static_cast<float>(v));
    } else {
      return static_cast<double>(v);
    }
  });
}

absl::StatusOr<Tensor> Tensor::Reshaped(Shape shape) const {
  if (!shape.IsFullyDefined() || shape.num_elements() != num_elements_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot reshape ", shape_.ToString(), " (", num_elements_,
                                                   " elements) to ", shape.ToString()));
  }
  return Tensor(dtype_, std::move(shape), buffer_, offset_);
}

Tensor Tensor::Clone() const {
  if (!IsValid()) return Tensor();
  Tensor t(dtype_, shape_);
  std::memcpy(t.raw_data(), raw_data(), nbytes());
  return t;
}

void Tensor::CopyFrom(const Tensor& src) {
  if (src.dtype_ != dtype_ || src.num_elements_ != num_elements_) {
    std::fprintf(stderr, "Tensor::CopyFrom: %s%s into %s%s\n", DTypeName(src.dtype_),
                 src.shape_.ToString().c_str(), DTypeName(dtype_), shape_.ToString().c_str());
    std::abort();
  }
  if (nbytes() > 0 && raw_data() != src.raw_data()) std::memmove(raw_data(), src.raw_data(), nbytes());
}

std::string Tensor::DebugString(int max_values) const {
  std::string s = absl::StrCat(DTypeName(dtype_), shape_.ToString());
  if (!IsValid()) return s + " <empty>";
  s += " {";
  for (int64_t i = 0; i < num_elements_ && i < max_values; ++i) {
    if (i > 0) s += ", ";
    absl::StrAppend(&s, ElementAsDouble(i));
  }
  if (num_elements_ > max_values) s += ", ...";
  s += "}";
  return s;
}

bool TensorsEqual(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.nbytes() == 0) return true;
  return std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0;
}

}  // namespace graph
