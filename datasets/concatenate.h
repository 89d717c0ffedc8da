// Concatenate: the elements of one dataset followed by those of another.
#ifndef DATASETS_CONCATENATE_H_
#define DATASETS_CONCATENATE_H_

#include "datasets/dataset_base.h"

namespace datasets {

// Elements of `second` must have the same component names, in the same order, and dtypes as those of `first`
// (checked on every element of `second` against the first element seen).
absl::StatusOr<DatasetPtr> MakeConcatenateDataset(DatasetPtr first, DatasetPtr second);

}  // namespace datasets

#endif  // DATASETS_CONCATENATE_H_
