// FromGenerator: elements produced by a C++ callback.
#ifndef DATASETS_GENERATOR_H_
#define DATASETS_GENERATOR_H_

#include <cstdint>
#include <functional>

#include "datasets/dataset.h"

namespace datasets {

// Produces element `index` (0, 1, 2, ... in order, restarting at 0 for every new iterator) into *out, or sets
// *end_of_sequence. For reproducible runs and exact resume the result must depend only on `index` (restoring
// an iterator replays the callback from 0 to the saved position). Calls for one iterator come from one thread
// at a time; different iterators may call it concurrently.
using GeneratorFn = std::function<absl::Status(int64_t index, Element* out, bool* end_of_sequence)>;

// Cardinality is unknown.
Dataset FromGenerator(GeneratorFn fn);

}  // namespace datasets

#endif  // DATASETS_GENERATOR_H_
