#include "datasets/take_skip.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

class TakeDataset : public DatasetBase {
 public:
  TakeDataset(DatasetPtr input, int64_t count) : input_(std::move(input)), count_(count) {}
  std::string Describe() const override { return absl::StrCat("Take(", count_, ")<", input_->Describe()); }
  int64_t Cardinality() const override {
    const int64_t n = input_->Cardinality();
    if (count_ < 0) return n;
    if (n == kInfiniteCardinality) return count_;
    if (n == kUnknownCardinality) return count_ == 0 ? 0 : kUnknownCardinality;
    return std::min(n, count_);
  }
  bool RandomAccess() const override { return input_->RandomAccess() && Cardinality() >= 0; }
  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= Cardinality())
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no element ", index));
    return input_->Get(index, out);
  }
  void PrefetchHint(int64_t index, int stage) const override { input_->PrefetchHint(index, stage); }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIndexedIterator(
      const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const override {
    return input_->MakeIndexedIterator(ctx, std::move(order));  // Same indices.
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(*std::move(input), count_));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(std::unique_ptr<IteratorBase> input, int64_t count) : input_(std::move(input)), left_(count) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (left_ == 0) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      absl::Status s = input_->GetNext(out, end_of_sequence);
      if (s.ok() && !*end_of_sequence && left_ > 0) --left_;
      return s;
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      const int64_t want = left_ < 0 ? n : std::min(n, left_);
      absl::Status s = input_->Skip(want, skipped);
      if (left_ > 0) left_ -= *skipped;
      return s;
    }

   private:
    std::unique_ptr<IteratorBase> input_;
    int64_t left_;  // -1: unlimited.
  };

  DatasetPtr input_;
  int64_t count_;
};

class SkipDataset : public DatasetBase {
 public:
  SkipDataset(DatasetPtr input, int64_t count) : input_(std::move(input)), count_(count) {}
  std::string Describe() const override { return absl::StrCat("Skip(", count_, ")<", input_->Describe()); }
  int64_t Cardinality() const override {
    const int64_t n = input_->Cardinality();
    if (count_ < 0) return n == kInfiniteCardinality ? kInfiniteCardinality : 0;
    if (n < 0) return n;
    return std::max<int64_t>(0, n - count_);
  }
  bool RandomAccess() const override { return input_->RandomAccess() && Cardinality() >= 0; }
  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= Cardinality())
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no element ", index));
    return input_->Get(index + count_, out);
  }
  void PrefetchHint(int64_t index, int stage) const override { input_->PrefetchHint(index + count_, stage); }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIndexedIterator(
      const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const override {
    auto shifted = std::make_shared<std::vector<int64_t>>(*order);
    for (int64_t& i : *shifted) i += count_;
    return input_->MakeIndexedIterator(ctx, std::move(shifted));
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(*std::move(input), count_));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(std::unique_ptr<IteratorBase> input, int64_t count) : input_(std::move(input)), to_skip_(count) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (absl::Status s = SkipPrefix(); !s.ok()) return s;
      return input_->GetNext(out, end_of_sequence);
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      if (absl::Status s = SkipPrefix(); !s.ok()) return s;
      return input_->Skip(n, skipped);
    }

   private:
    absl::Status SkipPrefix() {
      if (to_skip_ == 0) return absl::OkStatus();
      if (to_skip_ < 0) {  // Skip everything: drain the input.
        int64_t got = 0;
        do {
          if (absl::Status s = input_->Skip(int64_t{1} << 20, &got); !s.ok()) return s;
        } while (got > 0);
        to_skip_ = 0;
        return absl::OkStatus();
      }
      int64_t got = 0;
      absl::Status s = input_->Skip(to_skip_, &got);
      to_skip_ = 0;
      return s;
    }

    std::unique_ptr<IteratorBase> input_;
    int64_t to_skip_;
  };

  DatasetPtr input_;
  int64_t count_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeTakeDataset(DatasetPtr input, int64_t count) {
  if (count < -1)
    return absl::InvalidArgumentError(absl::StrCat("Take: count must be >= 0 or -1 (all), got ", count));
  return DatasetPtr(std::make_shared<TakeDataset>(std::move(input), count));
}

absl::StatusOr<DatasetPtr> MakeSkipDataset(DatasetPtr input, int64_t count) {
  if (count < -1)
    return absl::InvalidArgumentError(absl::StrCat("Skip: count must be >= 0 or -1 (all), got ", count));
  return DatasetPtr(std::make_shared<SkipDataset>(std::move(input), count));
}

}  // namespace datasets
