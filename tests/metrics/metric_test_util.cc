#include "tests/metrics/metric_test_util.h"

#include <cmath>
#include <cstring>

#include "gtest/gtest.h"

namespace metrics::test_util {

graph::Tensor F32(std::vector<float> values, graph::Shape shape) {
  return *graph::Tensor::FromVector<float>(values, std::move(shape));
}
graph::Tensor F32(std::vector<float> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return F32(std::move(values), graph::Shape{n});
}
graph::Tensor I32(std::vector<int32_t> values) {
  return *graph::Tensor::FromVector<int32_t>(values, graph::Shape{static_cast<int64_t>(values.size())});
}
graph::Tensor I64(std::vector<int64_t> values) {
  return *graph::Tensor::FromVector<int64_t>(values, graph::Shape{static_cast<int64_t>(values.size())});
}

graph::Tensor SliceRows(const graph::Tensor& t, int64_t begin, int64_t end) {
  if (!t.IsValid()) return t;
  graph::Shape shape = t.shape();
  const int64_t row_elems = t.dim(0) == 0 ? 0 : t.num_elements() / t.dim(0);
  shape.set_dim(0, end - begin);
  graph::Tensor out(t.dtype(), shape);
  const size_t row_bytes = static_cast<size_t>(row_elems) * graph::DTypeSize(t.dtype());
  std::memcpy(out.raw_data(), static_cast<const char*>(t.raw_data()) + static_cast<size_t>(begin) * row_bytes,
              static_cast<size_t>(end - begin) * row_bytes);
  return out;
}

bool Near(double a, double b, double tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

MetricResult StreamResult(const MetricFactory& make, const graph::Tensor& predictions,
                          const graph::Tensor& labels, const graph::Tensor& weights,
                          const std::vector<int64_t>& sizes) {
  std::unique_ptr<Metric> m = make();
  const int64_t n = predictions.dim(0);
  size_t k = 0;
  for (int64_t begin = 0; begin < n;) {
    const int64_t end = std::min(n, begin + sizes[k++ % sizes.size()]);
    absl::Status s = m->Update(SliceRows(predictions, begin, end), SliceRows(labels, begin, end),
                               SliceRows(weights, begin, end));
    EXPECT_TRUE(s.ok()) << s;
    begin = end;
  }
  return m->Result();
}

MetricResult MergedResult(const MetricFactory& make, const graph::Tensor& predictions,
                          const graph::Tensor& labels, const graph::Tensor& weights, int shards) {
  const int64_t n = predictions.dim(0);
  std::vector<std::unique_ptr<Metric>> parts;
  for (int i = 0; i < shards; ++i) {
    const int64_t begin = n * i / shards, end = n * (i + 1) / shards;
    parts.push_back(make());
    absl::Status s = parts.back()->Update(SliceRows(predictions, begin, end), SliceRows(labels, begin, end),
                                          SliceRows(weights, begin, end));
    EXPECT_TRUE(s.ok()) << s;
  }
  std::unique_ptr<Metric> empty = make();
  for (int i = 1; i < shards; ++i) {
    absl::Status s = parts[0]->Merge(*parts[static_cast<size_t>(i)]);
    EXPECT_TRUE(s.ok()) << s;
  }
  absl::Status s = parts[0]->Merge(*empty);
  EXPECT_TRUE(s.ok()) << s;
  return parts[0]->Result();
}

MetricResult RestoredResult(const MetricFactory& make, const graph::Tensor& predictions,
                            const graph::Tensor& labels, const graph::Tensor& weights) {
  std::unique_ptr<Metric> a = make();
  absl::Status s = a->Update(predictions, labels, weights);
  EXPECT_TRUE(s.ok()) << s;
  std::unique_ptr<Metric> b = make();
  s = b->RestoreState(a->SaveState());
  EXPECT_TRUE(s.ok()) << s;
  return b->Result();
}

::testing::AssertionResult ResultsNear(const MetricResult& actual, const MetricResult& expected, double tol) {
  if (!Near(actual.value, expected.value, tol)) {
    return ::testing::AssertionFailure() << "value " << actual.value << " vs expected " << expected.value;
  }
  if (actual.arrays.size() != expected.arrays.size()) {
    return ::testing::AssertionFailure()
           << actual.arrays.size() << " arrays vs expected " << expected.arrays.size();
  }
  for (size_t a = 0; a < actual.arrays.size(); ++a) {
    const MetricArray& x = actual.arrays[a];
    const MetricArray& y = expected.arrays[a];
    if (x.name != y.name || x.shape != y.shape || x.values.size() != y.values.size()) {
      return ::testing::AssertionFailure()
             << "array " << x.name << " differs in name or shape from " << y.name;
    }
    for (size_t i = 0; i < x.values.size(); ++i) {
      if (!Near(x.values[i], y.values[i], tol)) {
        return ::testing::AssertionFailure()
               << "array " << x.name << "[" << i << "] = " << x.values[i] << " vs expected " << y.values[i];
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace metrics::test_util
