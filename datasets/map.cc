#include "datasets/map.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

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

  void PrefetchHint(int64_t index, int stage) const override { input_->PrefetchHint(index, stage); }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override;
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIndexedIterator(
      const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const override;

 private:
  absl::StatusOr<std::unique_ptr<IteratorBase>> Wrap(
      absl::StatusOr<std::unique_ptr<IteratorBase>> input) const;

  class SequentialIterator;
  class ParallelIterator;

  DatasetPtr input_;
  MapFn fn_;
  MapOptions options_;
};

class MapDataset::SequentialIterator : public IteratorBase {
 public:
  SequentialIterator(const MapDataset* d, std::unique_ptr<IteratorBase> input)
      : d_(d), input_(std::move(input)) {}

  absl::Status GetNext(Element* out, bool* end_of_sequence) override {
    if (absl::Status s = input_->GetNext(&in_, end_of_sequence); !s.ok() || *end_of_sequence) return s;
    const int64_t index = index_++;
    absl::Status s = d_->fn_(in_, out);
    return s.ok() ? s : MapError(s, index);
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

// Workers pull input elements in order (one at a time, under input_mu_), each tagged with a sequence number,
// apply the function without any lock, and publish the result into the ring slot of its sequence number. The
// consumer takes slots strictly in sequence order, so the output order is the input order.
class MapDataset::ParallelIterator : public IteratorBase {
 public:
  ParallelIterator(const MapDataset* d, std::unique_ptr<IteratorBase> input)
      : d_(d), input_(std::move(input)), ring_(static_cast<size_t>(2 * d->options_.num_parallel_calls)) {}

  ~ParallelIterator() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    space_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  absl::Status GetNext(Element* out, bool* end_of_sequence) override {
    if (threads_.empty()) {
      for (int i = 0; i < d_->options_.num_parallel_calls; ++i)
        threads_.emplace_back([this] { WorkerLoop(); });
    }
    std::unique_lock<std::mutex> lock(mu_);
    Slot& slot = Ring(next_deliver_);
    if (!slot.ready) {
      consumer_waiting_ = true;
      ready_cv_.wait(lock, [&slot] { return slot.ready; });
      consumer_waiting_ = false;
    }
    absl::Status s = slot.status;
    *end_of_sequence = slot.end;
    if (!s.ok() || slot.end) return s;  // The slot stays ready: later calls see the same outcome.
    std::swap(*out, slot.element);
    slot.ready = false;
    ++next_deliver_;
    const bool wake = workers_waiting_ > 0;
    lock.unlock();
    if (wake) space_cv_.notify_one();  // One slot was freed.
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
        std::lock_guard<std::mutex> input_lock(input_mu_);
        {
          std::unique_lock<std::mutex> lock(mu_);
          ++workers_waiting_;
          space_cv_.wait(lock, [this] {
            return cancelled_ || input_done_ ||
                   next_pull_ < next_deliver_ + static_cast<int64_t>(ring_.size());
          });
          --workers_waiting_;
          if (cancelled_ || input_done_) {
            lock.unlock();
            space_cv_.notify_all();  // Let the others see it too.
            return;
          }
          seq = next_pull_++;
        }
        pulled = input_->GetNext(&in, &end);
        if (!pulled.ok() || end) {
          {
            std::lock_guard<std::mutex> lock(mu_);
            input_done_ = true;
            Slot& slot = Ring(seq);
            slot.status = pulled;
            slot.end = end && pulled.ok();
            slot.ready = true;
          }
          ready_cv_.notify_one();
          space_cv_.notify_all();
          return;
        }
      }
      // The slot belongs to this worker until it is marked ready.
      Slot& slot = Ring(seq);
      absl::Status s = d_->fn_(in, &slot.element);
      bool wake;
      {
        std::lock_guard<std::mutex> lock(mu_);
        slot.status = s.ok() ? s : MapError(s, seq);
        slot.end = false;
        slot.ready = true;
        wake = consumer_waiting_;
      }
      if (wake) ready_cv_.notify_one();
    }
  }

  Slot& Ring(int64_t seq) { return ring_[static_cast<size_t>(seq % static_cast<int64_t>(ring_.size()))]; }

  const MapDataset* d_;
  std::mutex input_mu_;  // Serialises pulls from input_ (taken before mu_).
  std::unique_ptr<IteratorBase> input_;
  std::mutex mu_;
  std::condition_variable ready_cv_;  // The consumer waits here for its slot to become ready.
  std::condition_variable space_cv_;  // Workers wait here for a free slot (or cancellation).
  std::vector<Slot> ring_;            // Slot flags are guarded by mu_; a slot's element by its ready flag.
  // Guarded by mu_ (the waiting counts let signals be skipped when nobody waits):
  bool consumer_waiting_ = false;
  int workers_waiting_ = 0;
  int64_t next_pull_ = 0;
  int64_t next_deliver_ = 0;
  bool input_done_ = false;
  bool cancelled_ = false;
  std::vector<std::thread> threads_;  // Consumer thread only.
};

absl::StatusOr<std::unique_ptr<IteratorBase>> MapDataset::MakeIterator(const IteratorContext& ctx) const {
  return Wrap(input_->MakeIterator(ctx));
}

absl::StatusOr<std::unique_ptr<IteratorBase>> MapDataset::MakeIndexedIterator(
    const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const {
  if (options_.num_parallel_calls == 1) return DatasetBase::MakeIndexedIterator(ctx, std::move(order));
  return Wrap(input_->MakeIndexedIterator(ctx, std::move(order)));
}

absl::StatusOr<std::unique_ptr<IteratorBase>> MapDataset::Wrap(
    absl::StatusOr<std::unique_ptr<IteratorBase>> input) const {
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
