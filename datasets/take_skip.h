// Take and Skip: the first `count` elements, or all but them.
#ifndef DATASETS_TAKE_SKIP_H_
#define DATASETS_TAKE_SKIP_H_

#include <cstdint>

#include "datasets/dataset_base.h"

namespace datasets {

// count >= 0, or -1 for all elements. Random-access when `input` is.
absl::StatusOr<DatasetPtr> MakeTakeDataset(DatasetPtr input, int64_t count);
// count >= 0, or -1 to skip everything. Random-access when `input` is.
absl::StatusOr<DatasetPtr> MakeSkipDataset(DatasetPtr input, int64_t count);

}  // namespace datasets

#endif  // DATASETS_TAKE_SKIP_H_
