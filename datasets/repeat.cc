#include "datasets/repeat.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "datasets/random.h"

namespace datasets {
namespace {

class RepeatDataset : public DatasetBase {
 public:
  RepeatDataset(DatasetPtr input, int64_t count) : input_(std::move(input)), count_(count) {}

  std::string Describe() const override { return absl::StrCat("Repeat(", count_, ")<", input_->Describe()); }
  int64_t Cardinality() const override {
    const int64_t n = input_->Cardinality();
    if (count_ == 0 || n == 0) return 0;
    if (n == kInfiniteCardinality) return kInfiniteCardinality;
    if (n == kUnknownCardinality) return kUnknownCardinality;
    return count_ < 0 ? kInfiniteCardinality : n * count_;
  }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    return std::unique_ptr<IteratorBase>(new Iter(this, ctx));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(const RepeatDataset* d, const IteratorContext& ctx) : d_(d), parent_(ctx) {
      finished_ = d->count_ == 0;
    }

    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      while (!finished_) {
        if (absl::Status s = EnsureInput(); !s.ok()) return s;
        bool end = false;
        if (absl::Status s = input_->GetNext(out, &end); !s.ok()) return s;
        if (!end) {
          ++position_;
          *end_of_sequence = false;
          return absl::OkStatus();
        }
        NextEpoch();
      }
      *end_of_sequence = true;
      return absl::OkStatus();
    }

    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = 0;
      const int64_t per_epoch = d_->input_->Cardinality();
      while (n > 0 && !finished_) {
        if (position_ == 0 && per_epoch > 0 && n >= per_epoch) {
          // Whole repetitions: jump over them without running them.
          int64_t epochs = n / per_epoch;
          if (d_->count_ >= 0) epochs = std::min(epochs, d_->count_ - epoch_);
          epoch_ += epochs;
          n -= epochs * per_epoch;
          *skipped += epochs * per_epoch;
          input_.reset();
          if (d_->count_ >= 0 && epoch_ >= d_->count_) finished_ = true;
          continue;
        }
        if (absl::Status s = EnsureInput(); !s.ok()) return s;
        int64_t got = 0;
        if (absl::Status s = input_->Skip(n, &got); !s.ok()) return s;
        position_ += got;
        *skipped += got;
        n -= got;
        if (n > 0) NextEpoch();
      }
      return absl::OkStatus();
    }

   private:
    absl::Status EnsureInput() {
      if (input_ != nullptr) return absl::OkStatus();
      IteratorContext ctx;
      ctx.epoch = parent_.epoch == 0 ? static_cast<uint64_t>(epoch_)
                                     : MixSeed(parent_.epoch, static_cast<uint64_t>(epoch_));
      absl::StatusOr<std::unique_ptr<IteratorBase>> input = d_->input_->MakeIterator(ctx);
      if (!input.ok()) return input.status();
      input_ = *std::move(input);
      return absl::OkStatus();
    }

    // The current repetition has ended.
    void NextEpoch() {
      input_.reset();
      if (position_ == 0) {  // An empty repetition: repeating it would never produce anything.
        finished_ = true;
        return;
      }
      position_ = 0;
      ++epoch_;
      if (d_->count_ >= 0 && epoch_ >= d_->count_) finished_ = true;
    }

    const RepeatDataset* d_;
    IteratorContext parent_;
    std::unique_ptr<IteratorBase> input_;
    int64_t epoch_ = 0;
    int64_t position_ = 0;  // Elements of the current repetition delivered.
    bool finished_ = false;
  };

  DatasetPtr input_;
  int64_t count_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeRepeatDataset(DatasetPtr input, int64_t count) {
  if (count < -1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Repeat: count must be >= 0 or -1 (forever), got ", count));
  }
  return DatasetPtr(std::make_shared<RepeatDataset>(std::move(input), count));
}

}  // namespace datasets
