// Little-endian encoding of metric state for Metric::SaveState / RestoreState.
#ifndef METRICS_STATE_CODEC_H_
#define METRICS_STATE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace metrics {

// Appends fixed-width little-endian values to a byte string. Not thread-safe.
class StateWriter {
 public:
  void PutU8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void PutU64(uint64_t v);
  void PutI64(int64_t v) { PutU64(static_cast<uint64_t>(v)); }
  void PutF64(double v);
  void PutF32(float v);
  // Length-prefixed.
  void PutString(std::string_view s);
  void PutF64s(const std::vector<double>& v);
  void PutI64s(const std::vector<int64_t>& v);

  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what StateWriter wrote. Every getter returns a Status instead of reading past the end; `what` names
// the field in the error. Does not own the bytes: they must outlive the reader.
class StateReader {
 public:
  StateReader(std::string_view bytes, std::string context) : in_(bytes), context_(std::move(context)) {}

  absl::Status GetU8(const char* what, uint8_t* v);
  absl::Status GetU64(const char* what, uint64_t* v);
  absl::Status GetI64(const char* what, int64_t* v);
  absl::Status GetF64(const char* what, double* v);
  absl::Status GetF32(const char* what, float* v);
  absl::Status GetString(const char* what, std::string* s);
  // Vectors must have exactly `expected_size` elements unless expected_size < 0.
  absl::Status GetF64s(const char* what, int64_t expected_size, std::vector<double>* v);
  absl::Status GetI64s(const char* what, int64_t expected_size, std::vector<int64_t>* v);
  // Takes `n` raw bytes.
  absl::Status GetBytes(const char* what, size_t n, std::string_view* v);

  size_t remaining() const { return in_.size() - pos_; }
  // Error unless every byte was consumed.
  absl::Status ExpectEnd() const;
  // An InvalidArgument error "<context>: <message>" for the caller's own validation.
  absl::Status Error(std::string_view message) const;

 private:
  absl::Status Need(const char* what, size_t n) const;

  std::string_view in_;
  size_t pos_ = 0;
  std::string context_;
};

// `v` with 17 significant digits (round-trips), for Config() strings.
std::string ExactDouble(double v);

// 64-bit FNV-1a hash, used as a corruption check on saved state.
uint64_t Fnv1a64(std::string_view bytes);

}  // namespace metrics

#endif  // METRICS_STATE_CODEC_H_
