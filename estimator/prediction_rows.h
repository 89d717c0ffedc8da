// Splitting a batch of predictions into per-example rows (Estimator::Predict, the predict command).
#ifndef ESTIMATOR_PREDICTION_ROWS_H_
#define ESTIMATOR_PREDICTION_ROWS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/tensor.h"

namespace estimator {

// Splits one batch of tensors, values[k] named names[k] and each with the batch dim `batch` first, into its
// examples, in order: example i maps every name to row i. A tensor without that batch dim is
// InvalidArgument "<what> '<name>' has shape S; it needs the batch dim <batch>".
absl::StatusOr<std::vector<std::map<std::string, graph::Tensor>>> SplitExamples(
    absl::Span<const std::string> names, absl::Span<const graph::Tensor> values, int64_t batch,
    const char* what = "output");

}  // namespace estimator

#endif  // ESTIMATOR_PREDICTION_ROWS_H_
