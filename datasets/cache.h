// Cache: keeps elements in memory so that later passes do not recompute them.
#ifndef DATASETS_CACHE_H_
#define DATASETS_CACHE_H_

#include "datasets/dataset_base.h"

namespace datasets {

// Over a random-access input (up to 2^26 elements) the cache is random-access too and fills element by
// element on first use (any order, any iterator; an ordered pass such as a shuffle computes the missing
// elements through the input's own iterator, so a parallel Map upstream runs its workers). Over other inputs
// the first pass that runs to the end fills it and later iterators read from memory; a pass abandoned early
// discards what it had collected. Cached tensors are shared with consumers, which must not write into them.
absl::StatusOr<DatasetPtr> MakeCacheDataset(DatasetPtr input);

}  // namespace datasets

#endif  // DATASETS_CACHE_H_
