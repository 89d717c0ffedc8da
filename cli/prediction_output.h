// Per-example predictions written as JSON lines or CSV, streamed to a stream or written to a file
// atomically once all of them are known.
#ifndef CLI_PREDICTION_OUTPUT_H_
#define CLI_PREDICTION_OUTPUT_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/tensor.h"

namespace cli {

enum class PredictionFormat { kJsonLines, kCsv };

// "jsonl" (and "") or "csv"; anything else is InvalidArgument.
absl::StatusOr<PredictionFormat> ParsePredictionFormat(const std::string& name);

// One example's predictions as a JSON object on one line (no newline): each tensor as a number (scalar) or
// nested arrays following its shape; integers as integers, bool as true/false, floats in their shortest
// exact f32 form, NaN and infinities as null. Keys in name order.
std::string PredictionJson(const std::map<std::string, graph::Tensor>& example);

// Collects the predictions of one run. JSON lines: one PredictionJson line per example. CSV: a header line
// with one column per element of each prediction, in name order — a scalar is one column named after it,
// a tensor gives `name_0`, `name_1`, ... in row-major order — then one row per example; values as in the
// JSON form except NaN and infinities, written nan, inf and -inf. Not thread-safe.
class PredictionWriter {
 public:
  // Lines go to `out` (not owned) as they come; with a non-empty `path` they are kept and written to that
  // file by Finish instead (an existing file is only replaced then).
  PredictionWriter(PredictionFormat format, std::ostream* out, std::string path);

  // Appends one example. In CSV the first example fixes the columns: a later one with other names or
  // element counts is InvalidArgument naming the prediction (nothing is written for it).
  absl::Status Add(const std::map<std::string, graph::Tensor>& example);

  // Flushes the stream, or writes the file atomically (errors name it).
  absl::Status Finish();

  int64_t count() const { return count_; }

 private:
  void Emit(const std::string& line);

  PredictionFormat format_;
  std::ostream* out_;
  std::string path_;
  std::string buffer_;  // the file's contents when path_ is set
  std::vector<std::pair<std::string, int64_t>>
      columns_;  // CSV: name and element count, from the first example
  int64_t count_ = 0;
};

}  // namespace cli

#endif  // CLI_PREDICTION_OUTPUT_H_
