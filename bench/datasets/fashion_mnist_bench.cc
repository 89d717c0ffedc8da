// Input pipeline throughput on Fashion-MNIST: IDX (gzip) -> scale to [0,1] -> cache -> shuffle -> batch 128
// -> prefetch. Reports the first epoch including gzip decode, cached epochs in examples/s, and heap
// allocations per batch on the cached path.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "benchmark/benchmark.h"
#include "datasets/dataset.h"
#include "datasets/idx.h"

namespace {

// Counts operator new calls. Every tensor allocation makes one (the shared Buffer object), so this counts
// tensor allocations as well as any other heap use on the measured path.
std::atomic<int64_t> g_allocations{0};

}  // namespace

// GCC reports the malloc/free pair inside replaced global operators as mismatched; it is not.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

constexpr char kImages[] = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
constexpr char kLabels[] = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz";
constexpr int64_t kBatch = 128;

absl::Status Scale(const datasets::Element& in, datasets::Element* out) {
  const graph::Tensor& image = in["image"];
  graph::Tensor* scaled = out->ReuseAt(0, "image", graph::DType::kFloat32, image.shape());
  const float* src = image.data<float>();
  float* dst = scaled->data<float>();
  for (int64_t i = 0; i < image.num_elements(); ++i) dst[i] = src[i] * (1.0f / 255.0f);
  out->SetAt(1, "label", in["label"]);
  out->Truncate(2);
  return absl::OkStatus();
}

datasets::Dataset Pipeline(int64_t repeat, int map_threads = 1) {
  return datasets::Idx(kImages, kLabels)
      .Map(Scale, map_threads)
      .Cache()
      .Shuffle(60000, /*seed=*/1)
      .Batch(kBatch)
      .Repeat(repeat)
      .Prefetch(2);
}

// Pulls `batches` batches; returns the examples seen.
int64_t Drain(datasets::Iterator* it, int64_t batches, datasets::Element* out) {
  int64_t examples = 0;
  for (int64_t b = 0; b < batches; ++b) {
    bool end = false;
    absl::Status s = it->GetNext(out, &end);
    if (!s.ok() || end) {
      std::fprintf(stderr, "pipeline stopped: %s\n", s.ToString().c_str());
      std::abort();
    }
    examples += (*out)["label"].dim(0);
  }
  return examples;
}

// Everything from opening the gzip files to the last batch of epoch 1.
void BM_FirstEpochIncludingGzipDecode(benchmark::State& state) {
  const int64_t batches = (60000 + kBatch - 1) / kBatch;
  for (auto _ : state) {
    datasets::Dataset d = Pipeline(1, static_cast<int>(state.range(0)));
    absl::StatusOr<datasets::Iterator> it = d.MakeIterator();
    if (!it.ok()) {
      state.SkipWithError(it.status().ToString().c_str());
      return;
    }
    datasets::Element out;
    benchmark::DoNotOptimize(Drain(&*it, batches, &out));
  }
  state.SetItemsProcessed(state.iterations() * 60000);
}
// Argument: Map's num_parallel_calls.
BENCHMARK(BM_FirstEpochIncludingGzipDecode)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(5);

// Epochs after the first: the cache is full, each epoch is a new permutation gathered into batches.
void BM_CachedEpochs(benchmark::State& state) {
  const int64_t batches = 60000 / kBatch;  // Whole batches only, so every timed batch is full.
  datasets::Dataset d = Pipeline(-1);
  absl::StatusOr<datasets::Iterator> it = d.MakeIterator();
  if (!it.ok()) {
    state.SkipWithError(it.status().ToString().c_str());
    return;
  }
  datasets::Element out;
  Drain(&*it, 2 * ((60000 + kBatch - 1) / kBatch), &out);  // Fill the cache, warm up.
  int64_t examples = 0;
  const int64_t allocations_before = g_allocations.load();
  for (auto _ : state) examples += Drain(&*it, batches, &out);
  const int64_t allocations = g_allocations.load() - allocations_before;
  state.SetItemsProcessed(examples);
  state.counters["heap_allocs_per_batch"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations() * batches);
}
BENCHMARK(BM_CachedEpochs)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->MinTime(2.0);

// Just reading and gunzipping both IDX files into tensors.
void BM_IdxDecode(benchmark::State& state) {
  for (auto _ : state) {
    datasets::Dataset d = datasets::Idx(kImages, kLabels);
    if (!d.ok()) {
      state.SkipWithError(d.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(d.Cardinality());
  }
}
BENCHMARK(BM_IdxDecode)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
