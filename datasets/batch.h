// Batch: stacks consecutive elements into tensors with a new leading dimension.
#ifndef DATASETS_BATCH_H_
#define DATASETS_BATCH_H_

#include <cstdint>

#include "datasets/dataset_base.h"

namespace datasets {

struct BatchOptions {
  // Elements per batch (> 0).
  int64_t batch_size = 0;
  // Drop a last batch smaller than batch_size instead of emitting it.
  bool drop_remainder = false;

  absl::Status Validate() const;
};

// Every element of a batch must have the same names, dtypes and shapes (an error names the offending
// element). Batch tensors are allocated once per batch, or reused when the caller's output still owns them
// alone; elements are copied in with memcpy.
absl::StatusOr<DatasetPtr> MakeBatchDataset(DatasetPtr input, const BatchOptions& options);

// Skips up to `n` batches of `batch_size` elements of `input` (Batch and PaddedBatch share it): *skipped
// counts whole batches, plus a last partial one unless `drop_remainder`; *done is set when `input` ran out.
absl::Status SkipBatches(IteratorBase* input, int64_t n, int64_t batch_size, bool drop_remainder, bool* done,
                         int64_t* skipped);

}  // namespace datasets

#endif  // DATASETS_BATCH_H_
