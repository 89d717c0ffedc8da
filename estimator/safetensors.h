// Reading and writing tensors in the safetensors format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON header padded with spaces to a multiple of 8, then
// the raw little-endian tensor bytes. Every tensor written carries a CRC32C in the "__metadata__" map.
#ifndef ESTIMATOR_SAFETENSORS_H_
#define ESTIMATOR_SAFETENSORS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"

namespace estimator {

// Metadata keys "crc32c/<tensor name>" hold the CRC32C of that tensor's bytes as 8 lowercase hex digits.
inline constexpr char kCrc32cKeyPrefix[] = "crc32c/";

// The largest JSON header accepted on read (the reference implementation's limit).
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

// The contents of a safetensors file.
struct SafetensorsFile {
  std::string path;                              // Where it was read from (used in error messages).
  std::map<std::string, graph::Tensor> tensors;  // Each with its own 64-byte aligned storage.
  std::map<std::string, std::string> metadata;   // "__metadata__" without the checksum entries.
};

// The safetensors dtype string of `dtype`: "F32", "I32", "I64", "BOOL" or "BF16".
const char* SafetensorsDTypeName(graph::DType dtype);

// Builds the padded JSON header (without the 8-byte length) for `tensors` laid out in name order, with the
// user `metadata` plus one checksum entry per tensor. Fails on duplicate or empty names, invalid tensors, or
// user metadata keys starting with kCrc32cKeyPrefix.
absl::StatusOr<std::string> BuildSafetensorsHeader(
    const std::vector<std::pair<std::string, graph::Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata);

// Writes `tensors` and `metadata` to `path` atomically (see WriteFileAtomically): on failure `path` is
// unchanged. Tensors are stored in name order regardless of their order in `tensors`. The data is written
// straight from the tensors' storage; nothing is copied.
absl::Status WriteSafetensors(const std::string& path,
                              const std::vector<std::pair<std::string, graph::Tensor>>& tensors,
                              const std::map<std::string, std::string>& metadata);

// Reads and validates `path`: header length against the file size, JSON syntax, known dtypes, shapes against
// byte ranges, ranges in bounds, non-overlapping and covering the data section exactly, bool bytes 0 or 1,
// and every checksum present in the metadata. Every error is InvalidArgument (DataLoss for a checksum
// mismatch, NotFound for a missing file) and names the file and the offending tensor or field.
absl::StatusOr<SafetensorsFile> ReadSafetensors(const std::string& path);

// Same validation on an in-memory image of a file; `source` names it in error messages.
absl::StatusOr<SafetensorsFile> ParseSafetensors(absl::string_view bytes, const std::string& source);

}  // namespace estimator

#endif  // ESTIMATOR_SAFETENSORS_H_
