// Small data and directories shared by the Estimator tests.
#ifndef TESTS_ESTIMATOR_ESTIMATOR_TEST_UTIL_H_
#define TESTS_ESTIMATOR_ESTIMATOR_TEST_UTIL_H_

#include <cstdint>
#include <string>

#include "datasets/element.h"
#include "estimator/model_fn.h"
#include "estimator/run_config.h"

namespace estimator_test {

// An empty directory <gtest temp dir>/<name> (removed first if it exists).
std::string FreshTestDir(const std::string& name);

// A RunConfig for tests: `model_dir`, `seed`, one oneDNN thread, and no timed checkpoints, summaries or step
// logs (checkpoints come only at the end of Train calls).
estimator::RunConfig QuietRunConfig(const std::string& model_dir, int64_t seed);

// 64 examples {"x": f32[4] uniform in [-1, 1), "label": i64 = (x0 + x1 > x2 + x3)}, drawn with `seed`.
datasets::Element MakeToyData(uint32_t seed);

// A small MLP (Dense(hidden, relu) → Dropout(0.25) → Dense(2)) for MakeToyData: predictions "logits" and
// "class", sparse softmax cross-entropy, Adam(0.02), eval metric "accuracy". Dropout makes random-op state
// matter.
estimator::EstimatorSpec ToyModel(const estimator::Features& features, const estimator::Labels& labels,
                                  estimator::Mode mode, const estimator::Params& params);

}  // namespace estimator_test

#endif  // TESTS_ESTIMATOR_ESTIMATOR_TEST_UTIL_H_
