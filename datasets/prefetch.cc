#include "datasets/prefetch.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

class PrefetchDataset : public DatasetBase {
 public:
  PrefetchDataset(DatasetPtr input, const PrefetchOptions& options)
      : input_(std::move(input)), options_(options) {}

  std::string Describe() const override {
    return absl::StrCat("Prefetch(", options_.buffer_size, ")<", input_->Describe());
  }
  int64_t Cardinality() const override { return input_->Cardinality(); }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(*std::move(input), options_.buffer_size));
  }

 private:
  // A ring of slots: the producer thread fills slots in order, the consumer empties them in order and swaps
  // its previous element into the slot, so storage circulates instead of being reallocated.
  class Iter : public IteratorBase {
   public:
    Iter(std::unique_ptr<IteratorBase> input, int64_t buffer_size)
        : input_(std::move(input)), ring_(static_cast<size_t>(buffer_size)) {}

    ~Iter() override {
      {
        std::lock_guard<std::mutex> lock(mu_);
        cancelled_ = true;
      }
      cv_.notify_all();
      if (thread_.joinable()) thread_.join();
    }

    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (!thread_.joinable()) thread_ = std::thread([this] { Produce(); });
      std::unique_lock<std::mutex> lock(mu_);
      Slot& slot = ring_[read_ % ring_.size()];
      cv_.wait(lock, [&slot] { return slot.ready; });
      *end_of_sequence = slot.end;
      if (!slot.status.ok() || slot.end) return slot.status;  // Final slot: stays ready.
      std::swap(*out, slot.element);
      slot.ready = false;
      ++read_;
      lock.unlock();
      cv_.notify_all();
      return absl::OkStatus();
    }

    absl::Status Skip(int64_t n, int64_t* skipped) override {
      if (!thread_.joinable()) return input_->Skip(n, skipped);
      return IteratorBase::Skip(n, skipped);
    }

   private:
    struct Slot {
      Element element;
      absl::Status status;
      bool end = false;
      bool ready = false;
    };

    void Produce() {
      size_t write = 0;
      while (true) {
        Slot* slot;
        {
          std::unique_lock<std::mutex> lock(mu_);
          slot = &ring_[write % ring_.size()];
          cv_.wait(lock, [this, slot] { return cancelled_ || !slot->ready; });
          if (cancelled_) return;
        }
        // The slot belongs to this thread until it is marked ready.
        bool end = false;
        absl::Status s = input_->GetNext(&slot->element, &end);
        {
          std::lock_guard<std::mutex> lock(mu_);
          slot->status = s;
          slot->end = end && s.ok();
          slot->ready = true;
        }
        cv_.notify_all();
        if (!s.ok() || end) return;
        ++write;
      }
    }

    std::unique_ptr<IteratorBase> input_;  // Used only by the producer thread once it runs.
    std::mutex mu_;
    std::condition_variable cv_;  // Signals slot and cancellation changes.
    std::vector<Slot> ring_;      // Slot flags are guarded by mu_; a slot's element by its ready flag.
    size_t read_ = 0;             // Consumer only.
    bool cancelled_ = false;      // Guarded by mu_.
    std::thread thread_;
  };

  DatasetPtr input_;
  PrefetchOptions options_;
};

}  // namespace

absl::Status PrefetchOptions::Validate() const {
  if (buffer_size <= 0 || buffer_size > (1 << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Prefetch: buffer_size must be in [1, 2^20], got ", buffer_size));
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetPtr> MakePrefetchDataset(DatasetPtr input, const PrefetchOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return DatasetPtr(std::make_shared<PrefetchDataset>(std::move(input), options));
}

}  // namespace datasets
