// InputSpec: a declarative input pipeline (an IDX, CSV or registered C++ source, per-element presets, cache,
// shuffle, batch, repeat, prefetch), the `input:` block of a config's train and eval sections.
#ifndef CONFIGS_INPUT_SPEC_H_
#define CONFIGS_INPUT_SPEC_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "datasets/dataset.h"
#include "graph/dtype.h"

namespace configs {

enum class InputSource { kIdx, kCsv, kInputFn };
// "idx", "csv" or "input_fn".
const char* InputSourceName(InputSource source);

// One per-element transformation, applied in list order before cache, shuffle and batch. Components named
// "label" are never changed.
struct MapPreset {
  enum class Kind { kScale, kFlatten };
  Kind kind = Kind::kScale;
  // kScale: every f32 component is divided by this (finite, > 0), e.g. 255 maps u8 pixels to [0, 1].
  double scale = 1;
  // kFlatten: every component of rank > 1 becomes 1-D ([28,28,1] -> [784]).
};

struct InputSpec {
  InputSource source = InputSource::kIdx;
  // source idx: IDX files (raw or .gz); labels may be empty for images only.
  std::string images;
  std::string labels;
  // source csv: one element per record, a scalar per selected column.
  std::string path;
  bool header = true;
  char delimiter = ',';
  std::vector<std::string> columns;  // select these, in this order (empty: all)
  graph::DType default_dtype = graph::DType::kFloat32;
  std::vector<std::pair<std::string, graph::DType>> column_dtypes;  // f32, i32 or i64
  std::vector<std::pair<std::string, std::string>> defaults;        // text for an empty field
  std::string label_column;  // emitted last as "label" (empty: no label)
  // source input_fn: a C++ input function registered with ESTIMATOR_REGISTER_INPUT_FN (single examples).
  std::string name;
  // The pipeline.
  int64_t batch_size = 0;      // required, > 0
  int64_t shuffle_buffer = 0;  // 0: no shuffling
  int64_t seed = 0;            // shuffle seed (>= 0)
  int64_t repeat = 1;          // passes over the data (>= 1), or -1 forever
  bool cache = false;          // keep elements in memory after the first pass
  int64_t prefetch = 2;        // batches prepared ahead on a background thread (0: none)
  bool drop_remainder = false;
  std::vector<MapPreset> map;
};

// The pipeline `spec` describes: source -> map presets -> cache -> shuffle -> batch -> repeat -> prefetch.
// Files are opened here (their readability is checked by LoadConfig); an error building any stage (an
// unreadable or malformed file, an invalid value) is returned with the spec's description. Thread-safe.
absl::StatusOr<datasets::Dataset> BuildDataset(const InputSpec& spec);

}  // namespace configs

#endif  // CONFIGS_INPUT_SPEC_H_
