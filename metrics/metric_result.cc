#include "metrics/metric_result.h"

#include "absl/strings/str_cat.h"

namespace metrics {

graph::Tensor MetricArray::ToTensor() const {
  graph::Shape shape;
  for (int64_t d : this->shape) shape.AddDim(d);
  graph::Tensor t(graph::DType::kFloat32, shape);
  float* out = t.data<float>();
  const size_t n = std::min(values.size(), static_cast<size_t>(t.num_elements()));
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(values[i]);
  return t;
}

const MetricArray* MetricResult::Find(const std::string& name) const {
  for (const MetricArray& a : arrays) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::vector<std::pair<std::string, double>> MetricResult::Flatten(const std::string& prefix) const {
  std::vector<std::pair<std::string, double>> out;
  out.emplace_back(prefix, value);
  for (const MetricArray& a : arrays) {
    for (size_t i = 0; i < a.values.size(); ++i) {
      // Row-major index -> "i_j_k".
      std::string index;
      size_t rest = i;
      std::vector<int64_t> coords(a.shape.size());
      for (size_t d = a.shape.size(); d-- > 0;) {
        const size_t dim = static_cast<size_t>(std::max<int64_t>(a.shape[d], 1));
        coords[d] = static_cast<int64_t>(rest % dim);
        rest /= dim;
      }
      for (size_t d = 0; d < coords.size(); ++d) absl::StrAppend(&index, d == 0 ? "" : "_", coords[d]);
      out.emplace_back(absl::StrCat(prefix, "/", a.name, "/", index), a.values[i]);
    }
  }
  return out;
}

}  // namespace metrics
