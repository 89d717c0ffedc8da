// In-memory sources: FromTensorSlices (rows of given tensors) and Range (integers).
#ifndef DATASETS_TENSOR_SLICES_H_
#define DATASETS_TENSOR_SLICES_H_

#include <cstdint>

#include "datasets/dataset.h"
#include "datasets/element.h"

namespace datasets {

// Element i has, for every component of `tensors`, row i of that tensor (a view sharing its storage: no
// copy). Every component needs rank >= 1 and the same first dimension. The tensors must not be modified while
// the dataset lives. Random-access.
Dataset FromTensorSlices(const Element& tensors);

// Elements {"value": i64[]} = start, start+step, ... while < stop (> stop for a negative step). step != 0.
// Random-access.
Dataset Range(int64_t start, int64_t stop, int64_t step = 1);
// Range(0, stop).
inline Dataset Range(int64_t stop) { return Range(0, stop, 1); }

}  // namespace datasets

#endif  // DATASETS_TENSOR_SLICES_H_
