// Tensor: a typed, shaped view of 64-byte aligned storage that may be shared between tensors.
#ifndef GRAPH_TENSOR_H_
#define GRAPH_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/dtype.h"
#include "graph/shape.h"

namespace graph {

// A block of 64-byte aligned, zero-initialised memory. Owned through std::shared_ptr by every tensor viewing
// it.
class Buffer {
 public:
  static constexpr size_t kAlignment = 64;
  explicit Buffer(size_t bytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void* data_;
  size_t size_;
};

// A dense row-major tensor with a fully defined shape. Copies are shallow (they share the buffer);
// Clone() makes a deep copy. Not synchronised: concurrent writes to shared storage need outside locking.
class Tensor {
 public:
  // An empty f32 scalar with no storage; IsValid() is false.
  Tensor() = default;
  // Allocates zeroed storage. `shape` must be fully defined (CHECKed).
  Tensor(DType dtype, Shape shape);
  // A view of `buffer` starting at `byte_offset` (CHECKs that the view fits).
  Tensor(DType dtype, Shape shape, std::shared_ptr<Buffer> buffer, size_t byte_offset = 0);

  // Builds a tensor from values; fails if values.size() differs from the shape's element count.
  template <typename T>
  static absl::StatusOr<Tensor> FromVector(absl::Span<const T> values, Shape shape);
  // Same, but CHECKs instead of returning a Status (for literals in code and tests).
  template <typename T>
  static Tensor Of(std::initializer_list<T> values, Shape shape);
  template <typename T>
  static Tensor Vector(absl::Span<const T> values);
  template <typename T>
  static Tensor Scalar(T value);

  bool IsValid() const { return buffer_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int i) const { return shape_.dim(i); }
  int64_t num_elements() const { return num_elements_; }
  size_t nbytes() const { return static_cast<size_t>(num_elements_) * DTypeSize(dtype_); }

  void* raw_data() { return buffer_ ? static_cast<char*>(buffer_->data()) + offset_ : nullptr; }
  const void* raw_data() const {
    return buffer_ ? static_cast<const char*>(buffer_->data()) + offset_ : nullptr;
  }
  // Typed access; CHECKs that T matches dtype().
  template <typename T>
  T* data();
  template <typename T>
  const T* data() const;
  template <typename T>
  absl::Span<T> flat() {
    return absl::Span<T>(data<T>(), static_cast<size_t>(num_elements_));
  }
  template <typename T>
  absl::Span<const T> flat() const {
    return absl::Span<const T>(data<T>(), static_cast<size_t>(num_elements_));
  }
  // Values as a std::vector (copies), convenient in tests.
  template <typename T>
  std::vector<T> ToVector() const {
    auto f = flat<T>();
    return std::vector<T>(f.begin(), f.end());
  }
  // Element `i` of a scalar or the flat view, converted to double (any dtype).
  double ElementAsDouble(int64_t i) const;

  // A view with another shape of the same element count, sharing storage.
  absl::StatusOr<Tensor> Reshaped(Shape shape) const;
  // A deep copy with its own storage.
  Tensor Clone() const;
  // Copies the bytes of `src` (same dtype and element count required; CHECKed) into this tensor's storage.
  void CopyFrom(const Tensor& src);
  // True if this tensor owns its buffer alone (no other tensor shares it).
  bool OwnsBufferAlone() const { return buffer_ != nullptr && buffer_.use_count() == 1; }
  bool SharesBufferWith(const Tensor& other) const { return buffer_ && buffer_ == other.buffer_; }
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }
  size_t byte_offset() const { return offset_; }

  // "f32[2,3] {1, 2, 3, 4, 5, 6}", at most `max_values` values.
  std::string DebugString(int max_values = 16) const;

 private:
  void CheckType(DType requested) const;

  DType dtype_ = DType::kFloat32;
  Shape shape_;
  int64_t num_elements_ = 0;
  std::shared_ptr<Buffer> buffer_;
  size_t offset_ = 0;
};

// Exact equality of dtype, shape and bytes.
bool TensorsEqual(const Tensor& a, const Tensor& b);

// ---- template definitions ----

template <typename T>
T* Tensor::data() {
  CheckType(kDTypeOf<T>);
  return static_cast<T*>(raw_data());
}

template <typename T>
const T* Tensor::data() const {
  CheckType(kDTypeOf<T>);
  return static_cast<const T*>(raw_data());
}

template <typename T>
absl::StatusOr<Tensor> Tensor::FromVector(absl::Span<const T> values, Shape shape) {
  if (!shape.IsFullyDefined()) {
    return absl::InvalidArgumentError("Tensor::FromVector: shape " + shape.ToString() +
                                      " is not fully defined");
  }
  if (static_cast<int64_t>(values.size()) != shape.num_elements()) {
    return absl::InvalidArgumentError("Tensor::FromVector: " + std::to_string(values.size()) +
                                      " values do not fill shape " + shape.ToString());
  }
  Tensor t(kDTypeOf<T>, std::move(shape));
  T* out = t.data<T>();
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];
  return t;
}

template <typename T>
Tensor Tensor::Of(std::initializer_list<T> values, Shape shape) {
  auto t = FromVector<T>(absl::Span<const T>(values.begin(), values.size()), std::move(shape));
  if (!t.ok()) std::abort();
  return *std::move(t);
}

template <typename T>
Tensor Tensor::Vector(absl::Span<const T> values) {
  auto t = FromVector<T>(values, Shape{static_cast<int64_t>(values.size())});
  return *std::move(t);
}

template <typename T>
Tensor Tensor::Scalar(T value) {
  Tensor t(kDTypeOf<T>, Shape{});
  *t.data<T>() = value;
  return t;
}

}  // namespace graph

#endif  // GRAPH_TENSOR_H_
