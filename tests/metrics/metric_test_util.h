// Code shared by the metrics tests: building tensors, slicing batches, and checking that streaming,
// merging and save/restore reproduce a one-pass result.
#ifndef TESTS_METRICS_METRIC_TEST_UTIL_H_
#define TESTS_METRICS_METRIC_TEST_UTIL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "gtest/gtest.h"
#include "metrics/metric.h"

namespace metrics::test_util {

graph::Tensor F32(std::vector<float> values, graph::Shape shape);
graph::Tensor F32(std::vector<float> values);    // [n]
graph::Tensor I32(std::vector<int32_t> values);  // [n]
graph::Tensor I64(std::vector<int64_t> values);  // [n]

// Rows [begin, end) of a batch-major tensor (a deep copy); an invalid tensor stays invalid.
graph::Tensor SliceRows(const graph::Tensor& t, int64_t begin, int64_t end);

// |a - b| <= tol * max(1, |b|), or both NaN.
bool Near(double a, double b, double tol = 1e-9);

// Makes a fresh metric of the same kind and options.
using MetricFactory = std::function<std::unique_ptr<Metric>()>;

// Feeds the rows in batches whose sizes cycle through `sizes` and returns the result.
MetricResult StreamResult(const MetricFactory& make, const graph::Tensor& predictions,
                          const graph::Tensor& labels, const graph::Tensor& weights,
                          const std::vector<int64_t>& sizes);
// Splits the rows into `shards` contiguous parts, one metric each, merges them into the first (also merging
// an empty metric) and returns the result.
MetricResult MergedResult(const MetricFactory& make, const graph::Tensor& predictions,
                          const graph::Tensor& labels, const graph::Tensor& weights, int shards);
// One batch, then SaveState into a fresh metric via RestoreState; returns the restored metric's result.
MetricResult RestoredResult(const MetricFactory& make, const graph::Tensor& predictions,
                            const graph::Tensor& labels, const graph::Tensor& weights);

// gtest-style comparison of whole results (value and every array) with Near.
::testing::AssertionResult ResultsNear(const MetricResult& actual, const MetricResult& expected,
                                       double tol = 1e-9);

}  // namespace metrics::test_util

#endif  // TESTS_METRICS_METRIC_TEST_UTIL_H_
