#include "datasets/map.h"

#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace datasets {
namespace {

absl::Status MapError(const absl::Status& s, int64_t index) {
  return absl::Status(s.code(), absl::StrCat("Map function failed on element ", index, ": ", s.message()));
}

class MapDataset : public DatasetBase {
 public:
  MapDataset(DatasetPtr input, MapFn fn, const MapOptions& options)
      : input_(std::move(input)), fn_(std::move(fn)), options_(options) {}

  std::string Describe() const override { return absl::StrCat("Map<", input_->Describe()); }
  int64_t Cardinality() const override { return input_->Cardinality(); }
  bool RandomAccess() const override { return input_->RandomAccess(); }

  absl::Status Get(int64_t index, Element* out) const override {
    Element in;
    if (absl::Status s = input_->Get(index, &in); !s.ok()) return s;
    absl::Status s = fn_(in, out);
    return s.ok() ? s : MapError(s, index);
  }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override;

 private:
  class SequentialIterator;
  class ParallelIterator;

  DatasetPtr input_;
  MapFn fn_;
  MapOptions options_;
};

class MapDataset::SequentialIterator : public IteratorBase {
 public:
  SequentialIterator(const MapDataset* d, std::unique_ptr<IteratorBase> input) : d_(d), input_(std::move(input)) {}

  absl::Status GetNext(Element* out, bool* end_of_sequence) override {
    if (absl::Status s = input_->GetNext(&in_, end_of_sequence); !s.ok() || *end_of_sequence) return s;
    absl::Status s = d_->fn_(in_, out);
    return s.ok() ? s : MapError(s, index_++);
  }

  absl::Status Skip(int64_t n, int64_t* skipped) override {
    absl::Status s = input_->Skip(n, skipped);
    index_ += *skipped;
    return s;
  }

 private:
  const MapDataset* d_;
  std::unique_ptr<IteratorBase> input_;
  Element in_;
  int64_t index_ = 0;
};

// Workers pull input elements in order (one at a time, under input_mu_), each tagged with a sequence number, apply
// the function without any lock, and publish the result into the ring slot of its sequence number. The consumer
// takes slots strictly in sequence order, so the output order is the input order.
class MapDataset::ParallelIterator : public IteratorBase {
 public:
  ParallelIterator(const MapDataset* d, std::unique_ptr<IteratorBase> input)
      : d_(d), input_(std::move(input)), ring_(static_cast<size_t>(2 * d->options_.num_parallel_calls)) {}

  ~ParallelIterator() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    }
    for (std::thread& t : threads_) t.join();
  }

  absl::Status GetNext(Element* out, bool* end_of_sequence) override {
    if (threads_.empty()) {
      for (int i = 0; i < d_->options_.num_parallel_calls; ++i) threads_.emplace_back([this] { WorkerLoop(); });
    }
    absl::MutexLock lock(&mu_);
    Slot& slot = ring_[static_cast<size_t>(next_deliver_ % static_cast<int64_t>(ring_.size()))];
    mu_.Await(absl::Condition(&slot.ready));
    absl::Status s = slot.status;
    *end_of_sequence = slot.end;
    if (!s.ok() || slot.end) return s;  // The slot stays ready: later calls see the same outcome.
    std::swap(*out, slot.element);
    slot.ready = false;
    ++next_deliver_;
    return absl::OkStatus();
  }

  absl::Status Skip(int64_t n, int64_t* skipped) override {
    if (threads_.empty()) return input_->Skip(n, skipped);
    return IteratorBase::Skip(n, skipped);
  }

 private:
  struct Slot {
    Element element;
    absl::Status status;
    bool end = false;
    bool ready = false;
  };

  void WorkerLoop() {
    Element in;
    while (true) {
      int64_t seq;
      absl::Status pulled;
      bool end = false;
      {
        absl::MutexLock input_lock(&input_mu_);
        {
          absl::MutexLock lock(&mu_);
          auto can_pull = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
            return cancelled_ || (!input_done_ && next_pull_ < next_deliver_ + static_cast<int64_t>(ring_.size()));
          };
          mu_.Await(absl::Condition(&can_pull));
          if (cancelled_ || input_done_) return;
          seq = next_pull_++;
        }
        pulled = input_->GetNext(&in, &end);
        if (!pulled.ok() || end) {
          absl::MutexLock lock(&mu_);
          input_done_ = true;
          Slot& slot = Ring(seq);
          slot.status = pulled;
          slot.end = end && pulled.ok();
          slot.ready = true;
          return;
        }
      }
      // The slot belongs to this worker until it is marked ready.
      Slot& slot = Ring(seq);
      absl::Status s = d_->fn_(in, &slot.element);
      absl::MutexLock lock(&mu_);
      slot.status = s.ok() ? s : MapError(s, seq);
      slot.end = false;
      slot.ready = true;
    }
  }

  Slot& Ring(int64_t seq) { return ring_[static_cast<size_t>(seq % static_cast<int64_t>(ring_.size()))]; }

  const MapDataset* d_;
  absl::Mutex input_mu_;  // Serialises pulls from input_ (taken before mu_).
  std::unique_ptr<IteratorBase> input_;
  absl::Mutex mu_;
  std::vector<Slot> ring_;
  int64_t next_pull_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_deliver_ ABSL_GUARDED_BY(mu_) = 0;
  bool input_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;  // Consumer thread only.
};

absl::StatusOr<std::unique_ptr<IteratorBase>> MapDataset::MakeIterator(const IteratorContext& ctx) const {
  absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
  if (!input.ok()) return input.status();
  if (options_.num_parallel_calls > 1) {
    return std::unique_ptr<IteratorBase>(new ParallelIterator(this, *std::move(input)));
  }
  return std::unique_ptr<IteratorBase>(new SequentialIterator(this, *std::move(input)));
}

}  // namespace

absl::Status MapOptions::Validate() const {
  if (num_parallel_calls < 1 || num_parallel_calls > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("Map: num_parallel_calls must be in [1, 256], got ", num_parallel_calls));
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetPtr> MakeMapDataset(DatasetPtr input, MapFn fn, const MapOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  if (!fn) return absl::InvalidArgumentError("Map: null function");
  return DatasetPtr(std::make_shared<MapDataset>(std::move(input), std::move(fn), options));
}

}  // namespace datasets
