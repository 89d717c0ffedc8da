// Text files (raw or gzip), one element per line.
#ifndef DATASETS_TEXT_LINES_H_
#define DATASETS_TEXT_LINES_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "datasets/dataset.h"

namespace datasets {

// Turns one line (without its line break) into tensors. `line_number` is 1-based. A non-OK status fails the
// pipeline at that line (the message gets the file and line prepended). Must be thread-safe.
using LineParser = std::function<absl::Status(absl::string_view line, int64_t line_number, Element* out)>;

// The default parser: {"line": i32[length]} holding the line's bytes (0..255), since tensors hold no strings.
absl::Status BytesLineParser(absl::string_view line, int64_t line_number, Element* out);

struct TextLinesOptions {
  // Skip lines that are empty (after removing a trailing '\r').
  bool skip_empty_lines = false;
  // Lines to skip at the start of the file (e.g. a header), >= 0.
  int64_t skip_header_lines = 0;

  absl::Status Validate() const;
};

// Reads the whole file when called (errors held by the Dataset); each GetNext parses one line with `parser`.
// A trailing '\r' is removed. Random-access.
Dataset TextLines(const std::string& path, LineParser parser = BytesLineParser,
                  const TextLinesOptions& options = {});

}  // namespace datasets

#endif  // DATASETS_TEXT_LINES_H_
