// Cost of the Estimator's training loop over bare Session steps: the same MLP (784-256-256-10, SGD momentum,
// batch 128) and the same in-memory input pipeline, trained for N steps (a) by Estimator::Train (hooks, step
// counter, NaN check, summaries every 100 steps, final checkpoint) and (b) by a hand-written loop of
// iterator.GetNext + Session::Run. Trials alternate; medians are printed.
//   OMP_NUM_THREADS=1 build/bench/estimator_loop_bench [steps] [trials]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "datasets/datasets.h"
#include "estimator/estimator.h"
#include "graph/ops/state_ops.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "layers/sgd.h"

namespace {

namespace est = estimator;
using graph::DType;
using graph::Tensor;

datasets::Element Data() {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0, 1);
  Tensor x(DType::kFloat32, {4096, 784}), y(DType::kInt64, {4096});
  for (float& v : x.flat<float>()) v = u(rng);
  for (int64_t i = 0; i < 4096; ++i) y.data<int64_t>()[i] = static_cast<int64_t>(rng() % 10);
  datasets::Element e;
  e.Set("x", x);
  e.Set("label", y);
  return e;
}

est::EstimatorSpec Model(const est::Features& f, const est::Labels& l, est::Mode, const est::Params&) {
  const graph::Scope& s = f.scope();
  graph::Output h = layers::Dense(s, f["x"], {.units = 256, .activation = "relu"});
  h = layers::Dense(s, h, {.units = 256, .activation = "relu"});
  graph::Output logits = layers::Dense(s, h, {.units = 10});
  est::EstimatorSpec spec;
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, l.label(), logits);
  layers::Momentum opt({.learning_rate = 0.01f, .momentum = 0.9f});
  spec.train_op = opt.Minimize(s, spec.loss);
  return spec;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t steps = argc > 1 ? std::atoll(argv[1]) : 1000;
  const int trials = argc > 2 ? std::atoi(argv[2]) : 5;
  const datasets::Element data = Data();
  auto input = [&] { return datasets::FromTensorSlices(data).Batch(128).Repeat(); };
  std::vector<double> with_estimator, bare;
  for (int t = 0; t < trials; ++t) {
    // (a) Estimator.
    const std::string dir = "/tmp/estimator_loop_bench";
    std::filesystem::remove_all(dir);
    est::RunConfig config;
    config.model_dir = dir;
    config.random_seed = 1;
    config.save_checkpoints_secs = 0;
    config.log_step_count_steps = 100;
    config.save_summary_steps = 100;
    est::Estimator e(Model, config);
    e.set_log_sink([](const std::string&) {});
    if (!e.Train(input, {.max_steps = 20}).ok()) return 1;  // builds, compiles and warms up
    auto a0 = std::chrono::steady_clock::now();
    if (absl::Status st = e.Train(input, {.max_steps = 20 + steps}); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    with_estimator.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a0).count());

    // (b) Bare loop on the same graph shape.
    graph::Scope s = graph::Scope::NewRootScope(1);
    auto x = graph::ops::Placeholder(s, DType::kFloat32, {graph::Shape::kUnknownDim, 784});
    auto y = graph::ops::Placeholder(s, DType::kInt64, {graph::Shape::kUnknownDim});
    est::EstimatorSpec spec = Model(est::Features(s, {{"x", x}}), est::Labels(s, {{"label", y}}), est::Mode::kTrain, {});
    graph::Session sess(*s.graph());
    if (!sess.RunTargets({layers::InitializeAllVariables(s)}).ok()) return 1;
    auto it = input().MakeIterator();
    datasets::Element batch;
    bool end = false;
    std::vector<graph::Feed> feeds = {{x, Tensor()}, {y, Tensor()}};
    std::vector<graph::Output> fetches = {spec.loss};
    std::vector<graph::Node*> targets = {spec.train_op};
    std::vector<Tensor> out;
    for (int64_t i = 0; i < 20; ++i) {
      (void)it->GetNext(&batch, &end);
      feeds[0].second = batch["x"];
      feeds[1].second = batch["label"];
      if (!sess.Run(feeds, fetches, targets, &out).ok()) return 1;
    }
    auto b0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < steps; ++i) {
      (void)it->GetNext(&batch, &end);
      feeds[0].second = batch["x"];
      feeds[1].second = batch["label"];
      if (!sess.Run(feeds, fetches, targets, &out).ok()) return 1;
    }
    bare.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count());
  }
  const double a = Median(with_estimator), b = Median(bare);
  std::printf("steps %lld: Estimator::Train %.3f s (%.1f us/step), bare loop %.3f s (%.1f us/step), overhead %.2f%%\n",
              static_cast<long long>(steps), a, a / static_cast<double>(steps) * 1e6, b,
              b / static_cast<double>(steps) * 1e6, (a / b - 1) * 100);
  return 0;
}
