// Prefetch: a background thread runs the input ahead of the consumer.
#ifndef DATASETS_PREFETCH_H_
#define DATASETS_PREFETCH_H_

#include <cstdint>

#include "datasets/dataset_base.h"

namespace datasets {

struct PrefetchOptions {
  // Elements produced ahead of the consumer (> 0).
  int64_t buffer_size = 2;

  absl::Status Validate() const;
};

// The thread starts at the first GetNext and is stopped and joined when the iterator is destroyed.
absl::StatusOr<DatasetPtr> MakePrefetchDataset(DatasetPtr input, const PrefetchOptions& options);

}  // namespace datasets

#endif  // DATASETS_PREFETCH_H_
