// Enumerate: adds the element's position as an i64 scalar component.
#ifndef DATASETS_ENUMERATE_H_
#define DATASETS_ENUMERATE_H_

#include <cstdint>
#include <string>

#include "datasets/dataset_base.h"

namespace datasets {

// Appends component `name` = start + position; `name` must not already be in the input's elements.
// Random-access when `input` is.
absl::StatusOr<DatasetPtr> MakeEnumerateDataset(DatasetPtr input, int64_t start, const std::string& name);

}  // namespace datasets

#endif  // DATASETS_ENUMERATE_H_
