// Element types of tensors and the bfloat16 storage type.
#ifndef GRAPH_DTYPE_H_
#define GRAPH_DTYPE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace graph {

// The element type of a tensor. Closed set; every kernel dispatches on it.
enum class DType : uint8_t { kFloat32, kInt32, kInt64, kBool, kBFloat16 };

// bfloat16 storage: the upper 16 bits of an IEEE float32, rounded to nearest even.
struct bfloat16 {
  uint16_t bits = 0;
  bfloat16() = default;
  explicit bfloat16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) {  // NaN: keep it a quiet NaN.
      bits = static_cast<uint16_t>((u >> 16) | 0x40u);
      return;
    }
    u += 0x7fffu + ((u >> 16) & 1u);
    bits = static_cast<uint16_t>(u >> 16);
  }
  explicit operator float() const {
    uint32_t u = static_cast<uint32_t>(bits) << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
  }
  friend bool operator==(bfloat16 a, bfloat16 b) { return a.bits == b.bits; }
};

// Size in bytes of one element.
constexpr size_t DTypeSize(DType t) {
  switch (t) {
    case DType::kFloat32:
    case DType::kInt32:
      return 4;
    case DType::kInt64:
      return 8;
    case DType::kBool:
      return 1;
    case DType::kBFloat16:
      return 2;
  }
  return 0;
}

// Short lowercase name: "f32", "i32", "i64", "bool", "bf16".
const char* DTypeName(DType t);

// Maps a C++ element type to its DType at compile time.
template <typename T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<int32_t> {
  static constexpr DType value = DType::kInt32;
};
template <>
struct DTypeOf<int64_t> {
  static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<bool> {
  static constexpr DType value = DType::kBool;
};
template <>
struct DTypeOf<bfloat16> {
  static constexpr DType value = DType::kBFloat16;
};
template <typename T>
inline constexpr DType kDTypeOf = DTypeOf<T>::value;

inline constexpr bool IsFloating(DType t) { return t == DType::kFloat32 || t == DType::kBFloat16; }
inline constexpr bool IsInteger(DType t) { return t == DType::kInt32 || t == DType::kInt64; }

// Calls f(T{}) with T the C++ type of `t`.
template <typename F>
decltype(auto) DispatchDType(DType t, F&& f) {
  switch (t) {
    case DType::kFloat32:
      return f(float{});
    case DType::kInt32:
      return f(int32_t{});
    case DType::kInt64:
      return f(int64_t{});
    case DType::kBool:
      return f(bool{});
    case DType::kBFloat16:
      return f(bfloat16{});
  }
  return f(float{});
}

}  // namespace graph

#endif  // GRAPH_DTYPE_H_
