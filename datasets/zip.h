// Zip: combines the i-th elements of several datasets into one element.
#ifndef DATASETS_ZIP_H_
#define DATASETS_ZIP_H_

#include <vector>

#include "datasets/dataset_base.h"

namespace datasets {

// The result has the components of every input, in input order; names must not repeat (checked at the first
// element). Ends with the shortest input. Random-access when every input is.
absl::StatusOr<DatasetPtr> MakeZipDataset(std::vector<DatasetPtr> inputs);

}  // namespace datasets

#endif  // DATASETS_ZIP_H_
