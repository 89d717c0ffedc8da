// Filter: keeps the elements for which a predicate is true.
#ifndef DATASETS_FILTER_H_
#define DATASETS_FILTER_H_

#include <functional>

#include "datasets/dataset_base.h"

namespace datasets {

// True to keep `element`; a non-OK status fails the pipeline. Must be thread-safe if several iterators run.
using FilterFn = std::function<absl::StatusOr<bool>(const Element& element)>;

absl::StatusOr<DatasetPtr> MakeFilterDataset(DatasetPtr input, FilterFn predicate);

}  // namespace datasets

#endif  // DATASETS_FILTER_H_
