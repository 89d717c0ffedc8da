// Shard: every num_shards-th element starting at `index` (one worker's part of the data).
#ifndef DATASETS_SHARD_H_
#define DATASETS_SHARD_H_

#include <cstdint>

#include "datasets/dataset_base.h"

namespace datasets {

// num_shards > 0, 0 <= index < num_shards. Random-access when `input` is.
absl::StatusOr<DatasetPtr> MakeShardDataset(DatasetPtr input, int64_t num_shards, int64_t index);

}  // namespace datasets

#endif  // DATASETS_SHARD_H_
