// Repeat: runs the input `count` times, or forever.
#ifndef DATASETS_REPEAT_H_
#define DATASETS_REPEAT_H_

#include <cstdint>

#include "datasets/dataset_base.h"

namespace datasets {

// count >= 0 repetitions, or -1 for forever. Each repetition makes a new input iterator whose context carries
// the repetition index (so an inner Shuffle reshuffles). Repeating an input that turns out empty ends the
// sequence.
absl::StatusOr<DatasetPtr> MakeRepeatDataset(DatasetPtr input, int64_t count);

}  // namespace datasets

#endif  // DATASETS_REPEAT_H_
