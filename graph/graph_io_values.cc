// The encodings of values in the text form of a graph: numbers (every bit of a float kept), dtypes, shapes,
// references to node outputs and the inline values of tensors.
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "graph/graph_io_internal.h"

namespace graph::graph_io_internal {
namespace {

// Numbers: see graph_io_internal.h for the strings that stand for NaN and infinities.

struct FloatFormat {
  const char* name;
  int hex_digits;
  uint64_t sign, exponent, mantissa, quiet_nan;
};
constexpr FloatFormat kF64 = {
    "float", 16, uint64_t{1} << 63, 0x7ff0000000000000u, 0x000fffffffffffffu, 0x7ff8000000000000u};
constexpr FloatFormat kF32 = {"f32", 8, 0x80000000u, 0x7f800000u, 0x007fffffu, 0x7fc00000u};
constexpr FloatFormat kBF16 = {"bf16", 4, 0x8000u, 0x7f80u, 0x007fu, 0x7fc0u};

// The string for a NaN or infinity, or nullopt for a finite value.
std::optional<std::string> SpecialToString(uint64_t bits, const FloatFormat& f) {
  if ((bits & f.exponent) != f.exponent) return std::nullopt;
  const bool negative = (bits & f.sign) != 0;
  if ((bits & f.mantissa) == 0) return negative ? "-inf" : "inf";
  if ((bits & ~f.sign) == f.quiet_nan) return negative ? "-nan" : "nan";
  std::string hex(static_cast<size_t>(f.hex_digits), '0');
  for (int i = f.hex_digits - 1; i >= 0; --i, bits >>= 4)
    hex[static_cast<size_t>(i)] = "0123456789abcdef"[bits & 15];
  return absl::StrCat("nan:0x", hex);
}

// The bits a special string stands for; an error message for anything else.
absl::StatusOr<uint64_t> SpecialFromString(const std::string& s, const FloatFormat& f) {
  if (s == "inf") return f.exponent;
  if (s == "-inf") return f.sign | f.exponent;
  if (s == "nan") return f.quiet_nan;
  if (s == "-nan") return f.sign | f.quiet_nan;
  if (s.size() == static_cast<size_t>(6 + f.hex_digits) && s.compare(0, 6, "nan:0x") == 0) {
    uint64_t bits = 0;
    auto r = std::from_chars(s.data() + 6, s.data() + s.size(), bits, 16);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && (bits & f.exponent) == f.exponent &&
        (bits & f.mantissa) != 0) {
      return bits;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" is not a ", f.name,
                                                 " value (numbers, \"inf\", \"-inf\", \"nan\", \"-nan\" or "
                                                 "\"nan:0x<",
                                                 f.hex_digits, " hex digits>\")"));
}

// The shortest decimal that converts back to exactly `f` (checked, else the exact double of `f`).
double ShortestDoubleOf(float f) {
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
  double d = 0;
  std::from_chars(buf, end, d);
  return std::bit_cast<uint32_t>(static_cast<float>(d)) == std::bit_cast<uint32_t>(f)
             ? d
             : static_cast<double>(f);
}

Json FloatToJson(float f) {
  if (auto s = SpecialToString(std::bit_cast<uint32_t>(f), kF32)) return *s;
  return ShortestDoubleOf(f);
}

Json BFloat16ToJson(bfloat16 b) {
  if (auto s = SpecialToString(b.bits, kBF16)) return *s;
  return ShortestDoubleOf(static_cast<float>(b));
}

absl::StatusOr<float> JsonToFloat(const Json& j) {
  if (j.is_string()) {
    auto bits = SpecialFromString(j.get_ref<const std::string&>(), kF32);
    if (!bits.ok()) return bits.status();
    return std::bit_cast<float>(static_cast<uint32_t>(*bits));
  }
  if (!j.is_number())
    return absl::InvalidArgumentError(absl::StrCat("expected a number, got ", j.type_name()));
  const double d = j.get<double>();
  const float f = static_cast<float>(d);
  if (std::isinf(f)) return absl::InvalidArgumentError(absl::StrCat(d, " is outside the f32 range"));
  return f;
}

absl::StatusOr<bfloat16> JsonToBFloat16(const Json& j) {
  if (j.is_string()) {
    auto bits = SpecialFromString(j.get_ref<const std::string&>(), kBF16);
    if (!bits.ok()) return bits.status();
    bfloat16 b;
    b.bits = static_cast<uint16_t>(*bits);
    return b;
  }
  auto f = JsonToFloat(j);
  if (!f.ok()) return f.status();
  const bfloat16 b(*f);
  if (std::isinf(static_cast<float>(b))) {
    return absl::InvalidArgumentError(absl::StrCat(*f, " is outside the bf16 range"));
  }
  return b;
}

// One value of a tensor of element type T.
template <typename T>
absl::StatusOr<T> JsonToElement(const Json& j) {
  if constexpr (std::is_same_v<T, float>) {
    return JsonToFloat(j);
  } else if constexpr (std::is_same_v<T, bfloat16>) {
    return JsonToBFloat16(j);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) {
      return absl::InvalidArgumentError(absl::StrCat("expected true or false, got ", j.type_name()));
    }
    return j.get<bool>();
  } else {
    auto i = JsonToInt(j);
    if (!i.ok()) return i.status();
    if (*i < std::numeric_limits<T>::min() || *i > std::numeric_limits<T>::max()) {
      return absl::InvalidArgumentError(
          absl::StrCat(*i, " is outside the ", DTypeName(kDTypeOf<T>), " range"));
    }
    return static_cast<T>(*i);
  }
}

}  // namespace

// Numbers and tensors.

Json DoubleToJson(double d) {
  if (auto s = SpecialToString(std::bit_cast<uint64_t>(d), kF64)) return *s;
  return d;
}

absl::StatusOr<double> JsonToDouble(const Json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    auto bits = SpecialFromString(j.get_ref<const std::string&>(), kF64);
    if (!bits.ok()) return bits.status();
    return std::bit_cast<double>(*bits);
  }
  return absl::InvalidArgumentError(absl::StrCat("expected a number, got ", j.type_name()));
}

absl::StatusOr<int64_t> JsonToInt(const Json& j) {
  if (j.is_number_unsigned()) {
    const uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError(absl::StrCat(u, " does not fit in a 64-bit signed integer"));
    }
    return static_cast<int64_t>(u);
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  return absl::InvalidArgumentError(
      absl::StrCat("expected an integer, got ", j.is_number() ? j.dump() : std::string(j.type_name())));
}

Json TensorValuesToJson(const Tensor& t) {
  Json values = Json::array();
  DispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (const T& v : t.flat<T>()) {
      if constexpr (std::is_same_v<T, float>) {
        values.push_back(FloatToJson(v));
      } else if constexpr (std::is_same_v<T, bfloat16>) {
        values.push_back(BFloat16ToJson(v));
      } else {
        values.push_back(v);
      }
    }
  });
  return values;
}

absl::Status JsonToTensorValues(const Json& values, Tensor* t) {
  absl::Status status;
  DispatchDType(t->dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* out = t->data<T>();
    for (size_t k = 0; k < values.size() && status.ok(); ++k) {
      absl::StatusOr<T> e = JsonToElement<T>(values[k]);
      if (e.ok()) {
        out[k] = *e;
      } else {
        status = absl::InvalidArgumentError(absl::StrCat("tensor value ", k, ": ", e.status().message()));
      }
    }
  });
  return status;
}

// Names, dtypes, shapes and references.

absl::StatusOr<DType> DTypeFromName(const std::string& name) {
  for (DType t : {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kBool, DType::kBFloat16}) {
    if (name == DTypeName(t)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dtype \"", name, "\"; known: f32, i32, i64, bool, bf16"));
}

Json ShapeToJson(const Shape& s) {
  Json dims = Json::array();
  for (int64_t d : s.dims()) dims.push_back(d);
  return dims;
}

absl::StatusOr<Shape> JsonToShape(const Json& j, bool allow_unknown) {
  if (!j.is_array())
    return absl::InvalidArgumentError(absl::StrCat("shape: expected an array, got ", j.type_name()));
  if (j.size() > static_cast<size_t>(kMaxRank)) {
    return absl::InvalidArgumentError(absl::StrCat("shape has rank ", j.size(), "; at most ", kMaxRank));
  }
  Shape shape;
  int64_t known = 1;
  for (size_t i = 0; i < j.size(); ++i) {
    auto d = JsonToInt(j[i]);
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat("shape dim ", i, ": ", d.status().message()));
    if (*d < (allow_unknown ? -1 : 0) || *d > kMaxDim) {
      return absl::InvalidArgumentError(absl::StrCat("shape dim ", i, " is ", *d, "; expected ",
                                                     allow_unknown ? "-1 (unknown) or " : "", "0 to ",
                                                     kMaxDim));
    }
    if (*d > 0) {
      if (known > kMaxElements / *d) {
        return absl::InvalidArgumentError(
            absl::StrCat("shape ", j.dump(), " has more than ", kMaxElements, " elements"));
      }
      known *= *d;
    }
    shape.AddDim(*d);
  }
  return shape;
}

std::string RefString(const Output& o) {
  const std::string& name = o.node->name();
  if (o.index == 0 && name.find(':') == std::string::npos) return name;
  return absl::StrCat(name, ":", o.index);
}

// Splits "name:index" at the last ':' when digits follow it; otherwise the whole string names output 0.
Ref ParseRef(const std::string& s) {
  const size_t colon = s.rfind(':');
  if (colon != std::string::npos && colon + 1 < s.size() && s.size() - colon - 1 <= 9) {
    int64_t index = 0;
    auto r = std::from_chars(s.data() + colon + 1, s.data() + s.size(), index);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && s[colon + 1] != '-' && s[colon + 1] != '+') {
      return {s.substr(0, colon), index};
    }
  }
  return {s, 0};
}

std::string TypeString(const TensorType& t) { return absl::StrCat(DTypeName(t.dtype), t.shape.ToString()); }

}  // namespace graph::graph_io_internal
