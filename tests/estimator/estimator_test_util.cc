#include "tests/estimator/estimator_test_util.h"

#include <filesystem>
#include <random>

#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "gtest/gtest.h"
#include "layers/adam.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "metrics/registry.h"

namespace estimator_test {

std::string FreshTestDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

estimator::RunConfig QuietRunConfig(const std::string& model_dir, int64_t seed) {
  estimator::RunConfig c;
  c.model_dir = model_dir;
  c.random_seed = seed;
  c.save_checkpoints_secs = 0;
  c.save_summary_steps = 0;
  c.log_step_count_steps = 0;
  c.intra_op_threads = 1;
  return c;
}

datasets::Element MakeToyData(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  graph::Tensor x(graph::DType::kFloat32, {64, 4});
  graph::Tensor y(graph::DType::kInt64, {64});
  for (int i = 0; i < 64; ++i) {
    float* r = x.data<float>() + i * 4;
    for (int j = 0; j < 4; ++j) r[j] = u(rng);
    y.data<int64_t>()[i] = (r[0] + r[1] > r[2] + r[3]) ? 1 : 0;
  }
  datasets::Element e;
  e.Set("x", x);
  e.Set("label", y);
  return e;
}

estimator::EstimatorSpec ToyModel(const estimator::Features& features, const estimator::Labels& labels,
                                  estimator::Mode mode, const estimator::Params& params) {
  using estimator::Mode;
  namespace ops = graph::ops;
  const graph::Scope& s = features.scope();
  graph::Output h =
      layers::Dense(s, features["x"], {.units = params.GetInt("hidden", 8), .activation = "relu"});
  h = layers::Dropout(s, h, mode == Mode::kTrain, {.rate = 0.25f});
  graph::Output logits = layers::Dense(s, h, {.units = 2});
  estimator::EstimatorSpec spec;
  spec.predictions["logits"] = logits;
  spec.predictions["class"] = ops::ArgMax(s, logits, 1);
  if (mode == Mode::kPredict) return spec;
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, labels.label(), logits);
  if (mode == Mode::kTrain) {
    layers::Adam adam({.learning_rate = 0.02f});
    spec.train_op = adam.Minimize(s, spec.loss);
  }
  auto accuracy = metrics::CreateMetricFromParams("accuracy", {});
  if (accuracy.ok()) {
    spec.eval_metrics.push_back({"accuracy", std::move(*accuracy), ops::Softmax(s, logits), labels.label()});
  }
  return spec;
}

}  // namespace estimator_test
