#include "metrics/state_codec.h"

#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace metrics {

void StateWriter::PutU64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

void StateWriter::PutF64(double v) {
  uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  PutU64(u);
}

void StateWriter::PutF32(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xffu));
}

void StateWriter::PutString(std::string_view s) {
  PutU64(s.size());
  out_.append(s.data(), s.size());
}

void StateWriter::PutF64s(const std::vector<double>& v) {
  PutU64(v.size());
  for (double x : v) PutF64(x);
}

void StateWriter::PutI64s(const std::vector<int64_t>& v) {
  PutU64(v.size());
  for (int64_t x : v) PutI64(x);
}

absl::Status StateReader::Need(const char* what, size_t n) const {
  if (remaining() < n) {
    return absl::InvalidArgumentError(absl::StrCat(context_, ": saved state is truncated while reading ",
                                                   what, " (need ", n, " bytes, ", remaining(), " left)"));
  }
  return absl::OkStatus();
}

absl::Status StateReader::GetU8(const char* what, uint8_t* v) {
  if (absl::Status s = Need(what, 1); !s.ok()) return s;
  *v = static_cast<uint8_t>(in_[pos_++]);
  return absl::OkStatus();
}

absl::Status StateReader::GetU64(const char* what, uint64_t* v) {
  if (absl::Status s = Need(what, 8); !s.ok()) return s;
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
  pos_ += 8;
  *v = u;
  return absl::OkStatus();
}

absl::Status StateReader::GetI64(const char* what, int64_t* v) {
  uint64_t u;
  if (absl::Status s = GetU64(what, &u); !s.ok()) return s;
  *v = static_cast<int64_t>(u);
  return absl::OkStatus();
}

absl::Status StateReader::GetF64(const char* what, double* v) {
  uint64_t u;
  if (absl::Status s = GetU64(what, &u); !s.ok()) return s;
  std::memcpy(v, &u, sizeof u);
  return absl::OkStatus();
}

absl::Status StateReader::GetF32(const char* what, float* v) {
  if (absl::Status s = Need(what, 4); !s.ok()) return s;
  uint32_t u = 0;
  for (int i = 0; i < 4; ++i) u |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
  pos_ += 4;
  std::memcpy(v, &u, sizeof u);
  return absl::OkStatus();
}

absl::Status StateReader::GetBytes(const char* what, size_t n, std::string_view* v) {
  if (absl::Status s = Need(what, n); !s.ok()) return s;
  *v = in_.substr(pos_, n);
  pos_ += n;
  return absl::OkStatus();
}

absl::Status StateReader::GetString(const char* what, std::string* s) {
  uint64_t n;
  if (absl::Status st = GetU64(what, &n); !st.ok()) return st;
  if (n > remaining()) return Need(what, static_cast<size_t>(n));
  std::string_view v;
  if (absl::Status st = GetBytes(what, static_cast<size_t>(n), &v); !st.ok()) return st;
  s->assign(v.data(), v.size());
  return absl::OkStatus();
}

absl::Status StateReader::GetF64s(const char* what, int64_t expected_size, std::vector<double>* v) {
  uint64_t n;
  if (absl::Status s = GetU64(what, &n); !s.ok()) return s;
  if (expected_size >= 0 && n != static_cast<uint64_t>(expected_size)) {
    return Error(absl::StrCat(what, " has ", n, " values, expected ", expected_size));
  }
  if (n > remaining() / 8) return Need(what, static_cast<size_t>(n) * 8);
  v->resize(static_cast<size_t>(n));
  for (double& x : *v) {
    if (absl::Status s = GetF64(what, &x); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status StateReader::GetI64s(const char* what, int64_t expected_size, std::vector<int64_t>* v) {
  uint64_t n;
  if (absl::Status s = GetU64(what, &n); !s.ok()) return s;
  if (expected_size >= 0 && n != static_cast<uint64_t>(expected_size)) {
    return Error(absl::StrCat(what, " has ", n, " values, expected ", expected_size));
  }
  if (n > remaining() / 8) return Need(what, static_cast<size_t>(n) * 8);
  v->resize(static_cast<size_t>(n));
  for (int64_t& x : *v) {
    if (absl::Status s = GetI64(what, &x); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status StateReader::ExpectEnd() const {
  if (remaining() != 0)
    return Error(absl::StrCat("saved state has ", remaining(), " unexpected trailing bytes"));
  return absl::OkStatus();
}

absl::Status StateReader::Error(std::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(context_, ": ", std::string(message)));
}

std::string ExactDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;  // FNV offset basis
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace metrics
