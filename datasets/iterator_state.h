// IteratorState: the compact, serialisable position of an iterator, stored in checkpoint metadata.
#ifndef DATASETS_ITERATOR_STATE_H_
#define DATASETS_ITERATOR_STATE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datasets {

// Where an iterator is: how many elements it has delivered, and a fingerprint of the pipeline that produced
// them (its stages and their parameters, from DatasetBase::Describe(); not the code of user functions nor the
// contents of files). Everything else (epoch, shuffle permutation, RNG state) is a pure function of the
// pipeline's seeds and this position, so restoring it into a new iterator of the same pipeline continues
// exactly.
struct IteratorState {
  uint64_t pipeline_fingerprint = 0;
  int64_t position = 0;

  // 20 bytes: "DSI1", fingerprint and position as little-endian 64-bit integers.
  std::string Serialize() const;
  // Inverse of Serialize(); InvalidArgument for anything else.
  static absl::StatusOr<IteratorState> Parse(absl::string_view bytes);
  // A printable form for text metadata (e.g. checkpoint JSON): "dsi1:<fingerprint, 16 hex
  // digits>:<position>".
  std::string ToText() const;
  // Inverse of ToText(); InvalidArgument for anything else.
  static absl::StatusOr<IteratorState> FromText(absl::string_view text);

  friend bool operator==(const IteratorState& a, const IteratorState& b) {
    return a.pipeline_fingerprint == b.pipeline_fingerprint && a.position == b.position;
  }
};

}  // namespace datasets

#endif  // DATASETS_ITERATOR_STATE_H_
