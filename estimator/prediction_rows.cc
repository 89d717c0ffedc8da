#include "estimator/prediction_rows.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace estimator {

absl::StatusOr<std::vector<std::map<std::string, graph::Tensor>>> SplitExamples(
    absl::Span<const std::string> names, absl::Span<const graph::Tensor> values, int64_t batch,
    const char* what) {
  if (names.size() != values.size()) {
    return absl::InvalidArgumentError(absl::StrCat(values.size(), " tensors for ", names.size(), " names"));
  }
  std::vector<std::map<std::string, graph::Tensor>> examples(static_cast<size_t>(batch));
  for (size_t k = 0; k < names.size(); ++k) {
    const graph::Tensor& t = values[k];
    if (t.rank() == 0 || t.dim(0) != batch) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " '", names[k], "' has shape ", t.shape().ToString(), "; it needs the batch dim ", batch));
    }
    const graph::Shape row_shape(t.shape().dims().subspan(1));
    for (int64_t row = 0; row < batch; ++row) {
      graph::Tensor r(t.dtype(), row_shape);
      const size_t bytes = r.nbytes();
      std::memcpy(r.raw_data(), static_cast<const char*>(t.raw_data()) + static_cast<size_t>(row) * bytes,
                  bytes);
      examples[static_cast<size_t>(row)][names[k]] = std::move(r);
    }
  }
  return examples;
}

}  // namespace estimator
