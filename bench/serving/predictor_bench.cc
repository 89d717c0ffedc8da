// Serving cost of the built-in Fashion-MNIST models: the Predictor on an export against a Session running the
// model's own PREDICT graph (variables, no inference rewrites), both with one thread, plus the time to load
// an export. For each model: latency of one example (batch 1) and throughput at batch 256. Trials alternate
// between the two; medians are printed.
//   OMP_NUM_THREADS=1 build/bench/predictor_bench [trials]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "datasets/datasets.h"
#include "estimator/estimator.h"
#include "estimator/predictor.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "layers/variables.h"
#include "models/fashion_mnist.h"

namespace {

namespace est = estimator;
using graph::DType;
using graph::Tensor;
using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Tensor Images(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  Tensor x(DType::kFloat32, {n, 28, 28, 1});
  for (float& v : x.flat<float>()) v = u(rng);
  return x;
}

datasets::Element Data() {
  datasets::Element e;
  e.Set("image", Images(256, 1));
  Tensor y(DType::kInt64, {256});
  for (int64_t i = 0; i < 256; ++i) y.data<int64_t>()[i] = i % 10;
  e.Set("label", y);
  return e;
}

// Seconds per call of `fn`, the median over `trials` timings of `reps` calls each.
template <typename F>
double TimePerCall(F&& fn, int reps) {
  const auto start = Clock::now();
  for (int i = 0; i < reps; ++i) fn();
  return std::chrono::duration<double>(Clock::now() - start).count() / reps;
}

// The model's PREDICT graph in a Session with freshly initialized variables (the values do not change the
// cost): what serving costs without an export.
struct SessionRunner {
  graph::Scope scope = graph::Scope::NewRootScope(1);
  std::unique_ptr<graph::Session> session;
  graph::Output input;
  std::vector<graph::Output> fetches;
  std::vector<graph::Feed> feeds;
  std::vector<Tensor> out;

  explicit SessionRunner(const est::ModelFn& model_fn) {
    input = graph::ops::Placeholder(scope.WithOpName("features/image"), DType::kFloat32, {-1, 28, 28, 1});
    layers::GetOrCreateGlobalStep(scope);
    est::EstimatorSpec spec = model_fn(est::Features(scope, {{"image", input}}), est::Labels(scope, {}),
                                       est::Mode::kPredict, est::Params());
    for (const auto& [name, o] : spec.predictions) fetches.push_back(o);
    session = std::make_unique<graph::Session>(*scope.graph(), graph::SessionOptions{.intra_op_threads = 1});
    graph::Node* init = layers::InitializeAllVariables(scope);
    if (!session->RunTargets({init}).ok()) std::abort();
    feeds.push_back({input, Tensor()});
  }
  void Run(const Tensor& x) {
    feeds[0].second = x;
    if (!session->Run(feeds, fetches, &out).ok()) std::abort();
  }
};

void Bench(const char* name, const est::ModelFn& model_fn, int trials) {
  const std::string dir = std::filesystem::temp_directory_path().string() + "/predictor_bench_" + name;
  std::filesystem::remove_all(dir);
  est::RunConfig config;
  config.model_dir = dir + "/model";
  config.random_seed = 1;
  config.save_summary_steps = 0;
  config.log_step_count_steps = 0;
  config.intra_op_threads = 1;
  est::Estimator estimator(model_fn, config);
  estimator.set_log_sink([](const std::string&) {});
  const datasets::Element data = Data();
  if (!estimator.Train([&] { return datasets::FromTensorSlices(data).Batch(64); }, {.steps = 2}).ok())
    std::abort();
  est::ServingInput serving{{{"image", DType::kFloat32, graph::Shape{28, 28, 1}}}};
  auto path = estimator.Export(dir + "/export", serving);
  if (!path.ok()) {
    std::fprintf(stderr, "%s\n", path.status().ToString().c_str());
    std::abort();
  }
  std::vector<double> load_ms;
  std::unique_ptr<est::Predictor> predictor;
  for (int t = 0; t < std::max(trials, 5); ++t) {
    const auto start = Clock::now();
    auto p = est::Predictor::Load(*path, {.intra_op_threads = 1});
    load_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!p.ok()) std::abort();
    predictor = *std::move(p);
  }
  SessionRunner session(model_fn);
  // The export's graph in a bare Session: the Predictor's own overhead is the difference to this.
  auto loaded = est::ReadExport(*path);
  if (!loaded.ok()) std::abort();
  graph::Session bare(*loaded->graph, graph::SessionOptions{.intra_op_threads = 1});
  std::vector<graph::Feed> bare_feeds = {{loaded->inputs[0], Tensor()}};
  std::vector<Tensor> bare_out;
  auto bare_run = [&](const Tensor& x) {
    bare_feeds[0].second = x;
    if (!bare.Run(bare_feeds, loaded->outputs, &bare_out).ok()) std::abort();
  };
  const Tensor one = Images(1, 2), batch = Images(256, 3);
  std::vector<Tensor> out;
  auto predict = [&](const Tensor& x) {
    if (!predictor->Run({x}, &out).ok()) std::abort();
  };
  // Compile every signature once before timing (the first call of each batch size compiles its plan).
  predict(one), predict(batch), session.Run(one), session.Run(batch), bare_run(one), bare_run(batch);
  const int reps_one = 2000, reps_batch = std::string(name) == "cnn" ? 10 : 200;
  std::vector<double> p1, s1, pb, sb, b1;
  for (int t = 0; t < trials; ++t) {
    p1.push_back(TimePerCall([&] { predict(one); }, reps_one));
    s1.push_back(TimePerCall([&] { session.Run(one); }, reps_one));
    b1.push_back(TimePerCall([&] { bare_run(one); }, reps_one));
    pb.push_back(TimePerCall([&] { predict(batch); }, reps_batch));
    sb.push_back(TimePerCall([&] { session.Run(batch); }, reps_batch));
  }
  std::printf("%-4s batch 1: export graph in a bare Session %.1f us\n", name, Median(b1) * 1e6);
  std::printf(
      "%-4s load %.1f ms | batch 1: predictor %.1f us, session %.1f us (%.3fx) | batch 256: predictor "
      "%.0f ex/s, session %.0f ex/s (%.3fx)\n",
      name, Median(load_ms), Median(p1) * 1e6, Median(s1) * 1e6, Median(s1) / Median(p1), 256 / Median(pb),
      256 / Median(sb), Median(sb) / Median(pb));
}

}  // namespace

int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::atoi(argv[1]) : 7;
  Bench("mlp", models::FashionMnistMlp, trials);
  Bench("cnn", models::FashionMnistCnn, trials);
  return 0;
}
