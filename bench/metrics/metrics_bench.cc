// Cost of Metric::Update on a 1000x10 batch for every metric, and of exact AUC over 1e6 scores.
//   build-metrics/bench/metrics_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <memory>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "graph/tensor.h"
#include "metrics/registry.h"

namespace {

constexpr int64_t kRows = 1000;
constexpr int64_t kClasses = 10;

struct Batch {
  graph::Tensor scores;    // f32 [1000, 10] softmax probabilities
  graph::Tensor ids;       // i32 [1000]
  graph::Tensor binary;    // f32 [1000] probabilities
  graph::Tensor binary_y;  // i32 [1000] 0/1
  graph::Tensor targets;   // f32 [1000, 10] regression targets
};

const Batch& TheBatch() {
  static const Batch* batch = [] {
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    std::uniform_int_distribution<int32_t> cls(0, kClasses - 1);
    auto* b = new Batch;
    b->scores = graph::Tensor(graph::DType::kFloat32, graph::Shape{kRows, kClasses});
    b->targets = graph::Tensor(graph::DType::kFloat32, graph::Shape{kRows, kClasses});
    b->ids = graph::Tensor(graph::DType::kInt32, graph::Shape{kRows});
    b->binary = graph::Tensor(graph::DType::kFloat32, graph::Shape{kRows});
    b->binary_y = graph::Tensor(graph::DType::kInt32, graph::Shape{kRows});
    float* s = b->scores.data<float>();
    for (int64_t i = 0; i < kRows; ++i) {
      const int32_t y = cls(rng);
      b->ids.data<int32_t>()[i] = y;
      float sum = 0;
      for (int64_t j = 0; j < kClasses; ++j) {
        s[i * kClasses + j] = std::exp(normal(rng) + (j == y ? 1.5f : 0.0f));
        sum += s[i * kClasses + j];
      }
      for (int64_t j = 0; j < kClasses; ++j) s[i * kClasses + j] /= sum;
      b->binary.data<float>()[i] = s[i * kClasses + y] > 0.3f ? s[i * kClasses] : 1.0f - s[i * kClasses];
      b->binary_y.data<int32_t>()[i] = y == 0;
      for (int64_t j = 0; j < kClasses; ++j)
        b->targets.data<float>()[i * kClasses + j] = s[i * kClasses + j] + 0.1f;
    }
    return b;
  }();
  return *batch;
}

enum class Feed { kScoresIds, kBinary, kRegression };

void UpdateBench(benchmark::State& state, const char* kind,
                 std::vector<std::pair<std::string, std::string>> params, Feed feed) {
  const Batch& b = TheBatch();
  std::unique_ptr<metrics::Metric> m = *metrics::CreateMetricFromParams(kind, params);
  const graph::Tensor& p = feed == Feed::kBinary ? b.binary : b.scores;
  const graph::Tensor& y = feed == Feed::kBinary ? b.binary_y : feed == Feed::kRegression ? b.targets : b.ids;
  int64_t updates = 0;
  for (auto _ : state) {
    if (++updates % 256 == 0) {  // keep exact AUC's memory bounded
      state.PauseTiming();
      m->Reset();
      state.ResumeTiming();
    }
    absl::Status s = m->Update(p, y);
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
  }
  benchmark::DoNotOptimize(m->Result().value);
  state.SetItemsProcessed(state.iterations() * kRows);
}

const std::vector<std::pair<std::string, std::string>> kTenClasses = {{"num_classes", "10"},
                                                                      {"average", "macro"}};

BENCHMARK_CAPTURE(UpdateBench, accuracy, "accuracy", {}, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, top_k_accuracy_k5, "top_k_accuracy", {}, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, precision_macro, "precision", kTenClasses, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, recall_macro, "recall", kTenClasses, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, f1_macro, "f1", kTenClasses, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, confusion_matrix, "confusion_matrix", {{"num_classes", "10"}},
                  Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, mean_iou, "mean_iou", {{"num_classes", "10"}}, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, auc_roc_ovr_exact, "auc_roc", {}, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, auc_roc_ovr_200_thresholds, "auc_roc", {{"num_thresholds", "200"}},
                  Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, auc_pr_binary_exact, "auc_pr", {}, Feed::kBinary);
BENCHMARK_CAPTURE(UpdateBench, log_loss, "log_loss", {}, Feed::kScoresIds);
BENCHMARK_CAPTURE(UpdateBench, mse, "mse", {}, Feed::kRegression);
BENCHMARK_CAPTURE(UpdateBench, r2, "r2", {}, Feed::kRegression);

// Result() of exact AUC over `n` binary scores (the sort dominates).
void BM_AucResult(benchmark::State& state, const char* kind) {
  const int64_t n = state.range(0);
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  graph::Tensor s(graph::DType::kFloat32, graph::Shape{n});
  graph::Tensor y(graph::DType::kInt32, graph::Shape{n});
  for (int64_t i = 0; i < n; ++i) {
    const float v = u(rng);
    s.data<float>()[i] = v;
    y.data<int32_t>()[i] = u(rng) < v;
  }
  std::unique_ptr<metrics::Metric> m = *metrics::CreateMetric(kind);
  if (absl::Status st = m->Update(s, y); !st.ok()) state.SkipWithError(std::string(st.message()).c_str());
  for (auto _ : state) benchmark::DoNotOptimize(m->Result().value);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK_CAPTURE(BM_AucResult, roc, "auc_roc")->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AucResult, pr, "auc_pr")->Arg(1000000)->Unit(benchmark::kMillisecond);

// Update with 1e6 binary scores in one batch, then Result: the whole evaluation.
void BM_AucUpdateAndResult(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  graph::Tensor s(graph::DType::kFloat32, graph::Shape{n});
  graph::Tensor y(graph::DType::kInt32, graph::Shape{n});
  for (int64_t i = 0; i < n; ++i) {
    s.data<float>()[i] = u(rng);
    y.data<int32_t>()[i] = u(rng) < s.data<float>()[i];
  }
  for (auto _ : state) {
    std::unique_ptr<metrics::Metric> m = *metrics::CreateMetric("auc_roc");
    if (absl::Status st = m->Update(s, y); !st.ok()) state.SkipWithError(std::string(st.message()).c_str());
    benchmark::DoNotOptimize(m->Result().value);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_AucUpdateAndResult)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
