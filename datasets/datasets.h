// Everything a user of the datasets library needs: Dataset, Iterator and every source.
#ifndef DATASETS_DATASETS_H_
#define DATASETS_DATASETS_H_

#include "datasets/csv.h"
#include "datasets/dataset.h"
#include "datasets/generator.h"
#include "datasets/idx.h"
#include "datasets/iterator.h"
#include "datasets/iterator_state.h"
#include "datasets/tensor_slices.h"
#include "datasets/text_lines.h"

#endif  // DATASETS_DATASETS_H_
