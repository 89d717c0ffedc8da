// PaddedBatch: batches elements whose shapes differ, padding each component to a common shape.
#ifndef DATASETS_PADDED_BATCH_H_
#define DATASETS_PADDED_BATCH_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "datasets/dataset_base.h"
#include "graph/shape.h"

namespace datasets {

struct PaddedBatchOptions {
  // Elements per batch (> 0).
  int64_t batch_size = 0;
  // Drop a last batch smaller than batch_size.
  bool drop_remainder = false;
  // Target shape per component name (without the batch dimension). A dimension of graph::Shape::kUnknownDim
  // pads to the largest size in the batch. Components not listed pad every dimension to the batch maximum.
  std::vector<std::pair<std::string, graph::Shape>> padded_shapes;
  // Padding value per component name; 0 for components not listed.
  std::vector<std::pair<std::string, double>> padding_values;

  absl::Status Validate() const;
};

// Elements of a batch must agree in names, dtypes and ranks; an element larger than a fixed padded dimension
// is an error.
absl::StatusOr<DatasetPtr> MakePaddedBatchDataset(DatasetPtr input, const PaddedBatchOptions& options);

}  // namespace datasets

#endif  // DATASETS_PADDED_BATCH_H_
