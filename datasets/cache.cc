#include "datasets/cache.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

// Largest random-access input cached slot by slot; larger ones are cached as a stream.
constexpr int64_t kMaxRandomAccessCache = int64_t{1} << 26;

// Bytes of each tensor fetched ahead by PrefetchHint.
constexpr size_t kPrefetchBytes = 4096;

// Random-access input: slot i is filled on first Get(i) and read lock-free afterwards.
class RandomAccessCacheDataset : public DatasetBase {
 public:
  RandomAccessCacheDataset(DatasetPtr input, int64_t size)
      : input_(std::move(input)),
        size_(size),
        slots_(static_cast<size_t>(size)),
        filled_(new std::atomic<bool>[static_cast<size_t>(size)]) {
    for (int64_t i = 0; i < size; ++i)
      filled_[static_cast<size_t>(i)].store(false, std::memory_order_relaxed);
  }

  std::string Describe() const override { return absl::StrCat("Cache<", input_->Describe()); }
  int64_t Cardinality() const override { return size_; }
  bool RandomAccess() const override { return true; }

  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= size_)
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no element ", index));
    const size_t i = static_cast<size_t>(index);
    if (!filled_[i].load(std::memory_order_acquire)) {
      Element computed;
      if (absl::Status s = input_->Get(index, &computed); !s.ok()) return s;
      std::lock_guard<std::mutex> lock(mu_);
      if (!filled_[i].load(std::memory_order_relaxed)) {
        slots_[i] = std::move(computed);
        filled_[i].store(true, std::memory_order_release);
      }
    }
    *out = slots_[i];
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIndexedIterator(
      const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const override {
    // Elements missing now are computed by one indexed pass over the input (so a parallel Map runs its
    // workers); the others are read from the cache. A slot filled stays filled, so the split cannot go stale.
    auto missing = std::make_shared<std::vector<int64_t>>();
    std::vector<bool> from_input(order->size());
    for (size_t k = 0; k < order->size(); ++k) {
      const int64_t index = (*order)[k];
      if (!filled_[static_cast<size_t>(index)].load(std::memory_order_acquire)) {
        from_input[k] = true;
        missing->push_back(index);
      }
    }
    std::unique_ptr<IteratorBase> input;
    if (!missing->empty()) {
      absl::StatusOr<std::unique_ptr<IteratorBase>> it = input_->MakeIndexedIterator(ctx, std::move(missing));
      if (!it.ok()) return it.status();
      input = *std::move(it);
    }
    return std::unique_ptr<IteratorBase>(
        new IndexedCacheIterator(this, std::move(order), std::move(from_input), std::move(input)));
  }

  // Stage 0: the slot; stage 1: the tensors' buffer objects; stage 2: the first bytes of their data.
  void PrefetchHint(int64_t index, int stage) const override {
    if (index < 0 || index >= size_) return;
    const size_t i = static_cast<size_t>(index);
    if (stage == 0) {
      PrefetchBytes(&slots_[i], sizeof(Element), sizeof(Element));
      __builtin_prefetch(&filled_[i]);
      return;
    }
    if (!filled_[i].load(std::memory_order_acquire)) return;
    const Element& e = slots_[i];
    for (int c = 0; c < e.size(); ++c) {
      const graph::Tensor& t = e.tensor(c);
      if (!t.IsValid()) continue;
      if (stage == 1) {
        __builtin_prefetch(t.buffer().get());
      } else {
        PrefetchBytes(t.raw_data(), t.nbytes(), kPrefetchBytes);
      }
    }
  }

 private:
  class IndexedCacheIterator : public IteratorBase {
   public:
    IndexedCacheIterator(const RandomAccessCacheDataset* d, std::shared_ptr<const std::vector<int64_t>> order,
                         std::vector<bool> from_input, std::unique_ptr<IteratorBase> input)
        : d_(d), order_(std::move(order)), from_input_(std::move(from_input)), input_(std::move(input)) {}

    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      const std::vector<int64_t>& order = *order_;
      if (next_ >= order.size()) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      *end_of_sequence = false;
      for (int stage = 0; stage < kPrefetchStages; ++stage) {
        const size_t ahead = next_ + kPrefetchDistance[stage];
        if (ahead < order.size() && !from_input_[ahead]) d_->PrefetchHint(order[ahead], stage);
      }
      const size_t k = next_++;
      if (!from_input_[k]) return d_->Get(order[k], out);
      bool end = false;
      if (absl::Status s = input_->GetNext(&computed_, &end); !s.ok()) return s;
      if (end) return absl::InternalError(absl::StrCat(d_->Describe(), ": input ended early"));
      d_->Store(order[k], computed_);
      return d_->Get(order[k], out);
    }

    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = std::min<int64_t>(n, static_cast<int64_t>(order_->size() - next_));
      int64_t computed = 0;
      for (size_t k = next_; k < next_ + static_cast<size_t>(*skipped); ++k)
        computed += from_input_[k] ? 1 : 0;
      next_ += static_cast<size_t>(*skipped);
      if (computed == 0) return absl::OkStatus();
      int64_t got = 0;
      return input_->Skip(computed, &got);
    }

   private:
    const RandomAccessCacheDataset* d_;
    std::shared_ptr<const std::vector<int64_t>> order_;
    std::vector<bool> from_input_;
    std::unique_ptr<IteratorBase> input_;  // Over the elements missing at creation, in order.
    Element computed_;
    size_t next_ = 0;
  };

  // Fills slot `index` with `e` unless another pass filled it first.
  void Store(int64_t index, const Element& e) const {
    const size_t i = static_cast<size_t>(index);
    std::lock_guard<std::mutex> lock(mu_);
    if (!filled_[i].load(std::memory_order_relaxed)) {
      slots_[i] = e;
      filled_[i].store(true, std::memory_order_release);
    }
  }

  DatasetPtr input_;
  int64_t size_;
  mutable std::mutex mu_;               // Serialises fills.
  mutable std::vector<Element> slots_;  // Slot i is written once, before filled_[i] becomes true.
  std::unique_ptr<std::atomic<bool>[]> filled_;
};

// Other inputs: the first complete pass publishes its elements; later iterators replay them.
class StreamCacheDataset : public DatasetBase {
 public:
  explicit StreamCacheDataset(DatasetPtr input) : input_(std::move(input)) {}

  std::string Describe() const override { return absl::StrCat("Cache<", input_->Describe()); }
  int64_t Cardinality() const override { return input_->Cardinality(); }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    std::shared_ptr<const std::vector<Element>> cached;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cached = cache_;
    }
    if (cached != nullptr) return std::unique_ptr<IteratorBase>(new ReadIter(std::move(cached)));
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new FillIter(this, *std::move(input)));
  }

 private:
  class ReadIter : public IteratorBase {
   public:
    explicit ReadIter(std::shared_ptr<const std::vector<Element>> cache) : cache_(std::move(cache)) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      *end_of_sequence = next_ >= cache_->size();
      if (!*end_of_sequence) *out = (*cache_)[next_++];
      return absl::OkStatus();
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = std::min<int64_t>(n, static_cast<int64_t>(cache_->size() - next_));
      next_ += static_cast<size_t>(*skipped);
      return absl::OkStatus();
    }

   private:
    std::shared_ptr<const std::vector<Element>> cache_;
    size_t next_ = 0;
  };

  class FillIter : public IteratorBase {
   public:
    FillIter(const StreamCacheDataset* d, std::unique_ptr<IteratorBase> input)
        : d_(d), input_(std::move(input)) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (done_) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      if (absl::Status s = input_->GetNext(out, end_of_sequence); !s.ok()) return s;
      if (*end_of_sequence) {
        done_ = true;
        std::lock_guard<std::mutex> lock(d_->mu_);
        if (d_->cache_ == nullptr)
          d_->cache_ = std::make_shared<const std::vector<Element>>(std::move(collected_));
        return absl::OkStatus();
      }
      collected_.push_back(*out);
      return absl::OkStatus();
    }

   private:
    const StreamCacheDataset* d_;
    std::unique_ptr<IteratorBase> input_;
    std::vector<Element> collected_;
    bool done_ = false;
  };

  DatasetPtr input_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const std::vector<Element>> cache_;  // Guarded by mu_.
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeCacheDataset(DatasetPtr input) {
  const int64_t n = input->Cardinality();
  if (input->RandomAccess() && n >= 0)
    return DatasetPtr(std::make_shared<RandomAccessCacheDataset>(std::move(input), n));
  if (n == kInfiniteCardinality) return absl::InvalidArgumentError("Cache: the input is infinite");
  return DatasetPtr(std::make_shared<StreamCacheDataset>(std::move(input)));
}

}  // namespace datasets
