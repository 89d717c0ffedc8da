// One training step (forward, backward, SGD-with-momentum update) of the two reference Fashion-MNIST models
// at batch 128, as one compiled graph, fed a fresh batch from host memory each step (like ../shared/peers/
// torch_fmnist.py, whose step gathers its batch from an in-memory tensor).
//   build/bench/train_step_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Models (as in torch_fmnist.py):
//   mlp: Dense(256, relu) -> Dense(256, relu) -> Dense(10)
//   cnn: Conv(32, 5x5, same, relu) -> MaxPool 2x2 -> Conv(64, 5x5, same, relu) -> MaxPool 2x2 -> Flatten
//        -> Dense(1024, relu) -> Dense(10)
#include <random>

#include "benchmark/benchmark.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "layers/pooling.h"
#include "layers/sgd.h"

namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Shape;
using graph::Tensor;

constexpr int64_t kBatch = 128;

void RunTrainStep(benchmark::State& state, bool cnn) {
  graph::Scope s = graph::Scope::NewRootScope(1);
  graph::Output x = cnn ? ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 28, 28, 1})
                        : ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 784});
  graph::Output labels = ops::Placeholder(s, DType::kInt64, {Shape::kUnknownDim});
  graph::Output h = x;
  if (cnn) {
    h = layers::Conv2D(
        s, h, {.filters = 32, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
    h = layers::MaxPool2D(s, h);
    h = layers::Conv2D(
        s, h, {.filters = 64, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
    h = layers::MaxPool2D(s, h);
    h = layers::Flatten(s, h);
    h = layers::Dense(s, h, {.units = 1024, .activation = "relu"});
  } else {
    h = layers::Dense(s, h, {.units = 256, .activation = "relu"});
    h = layers::Dense(s, h, {.units = 256, .activation = "relu"});
  }
  graph::Output logits = layers::Dense(s, h, {.units = 10});
  graph::Output loss = layers::SparseSoftmaxCrossEntropy(s, labels, logits);
  layers::Momentum opt({.learning_rate = cnn ? 0.01f : 0.05f, .momentum = 0.9f});
  graph::Node* train = opt.Minimize(s, loss);
  if (!s.ok()) {
    state.SkipWithError(std::string(s.status().message()).c_str());
    return;
  }
  graph::Session sess(*s.graph());
  if (!sess.RunTargets({layers::InitializeAllVariables(s)}).ok()) state.SkipWithError("init failed");
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor images = cnn ? Tensor(DType::kFloat32, {kBatch, 28, 28, 1}) : Tensor(DType::kFloat32, {kBatch, 784});
  for (float& v : images.flat<float>()) v = u(rng);
  Tensor ys(DType::kInt64, {kBatch});
  for (int64_t i = 0; i < kBatch; ++i) ys.data<int64_t>()[i] = static_cast<int64_t>(rng() % 10);
  std::vector<graph::Feed> feeds = {{x, images}, {labels, ys}};
  std::vector<graph::Node*> targets = {train};
  for (int i = 0; i < 5; ++i) {
    if (absl::Status st = sess.Run(feeds, {}, targets, nullptr); !st.ok()) {
      state.SkipWithError(std::string(st.message()).c_str());
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(sess.Run(feeds, {}, targets, nullptr));
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_TrainStepMlp(benchmark::State& state) { RunTrainStep(state, false); }
void BM_TrainStepCnn(benchmark::State& state) { RunTrainStep(state, true); }
BENCHMARK(BM_TrainStepMlp)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_TrainStepCnn)->UseRealTime()->MinTime(5.0);

}  // namespace

BENCHMARK_MAIN();
