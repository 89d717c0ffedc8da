#include "datasets/shard.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

class ShardDataset : public DatasetBase {
 public:
  ShardDataset(DatasetPtr input, int64_t num_shards, int64_t index)
      : input_(std::move(input)), num_shards_(num_shards), index_(index) {}
  std::string Describe() const override {
    return absl::StrCat("Shard(", num_shards_, ",", index_, ")<", input_->Describe());
  }
  int64_t Cardinality() const override {
    const int64_t n = input_->Cardinality();
    if (n < 0) return n;
    return n <= index_ ? 0 : (n - index_ + num_shards_ - 1) / num_shards_;
  }
  bool RandomAccess() const override { return input_->RandomAccess() && Cardinality() >= 0; }
  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= Cardinality())
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no element ", index));
    return input_->Get(index_ + index * num_shards_, out);
  }
  void PrefetchHint(int64_t index, int stage) const override {
    input_->PrefetchHint(index_ + index * num_shards_, stage);
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIndexedIterator(
      const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const override {
    auto mapped = std::make_shared<std::vector<int64_t>>(*order);
    for (int64_t& i : *mapped) i = index_ + i * num_shards_;
    return input_->MakeIndexedIterator(ctx, std::move(mapped));
  }
  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(this, *std::move(input)));
  }

 private:
  // Before each element the input moves past the other shards' elements: `index_` of them the first time,
  // num_shards - 1 afterwards.
  class Iter : public IteratorBase {
   public:
    Iter(const ShardDataset* d, std::unique_ptr<IteratorBase> input) : d_(d), input_(std::move(input)) {}
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      bool end = false;
      if (absl::Status s = Advance(&end); !s.ok() || end) {
        *end_of_sequence = true;
        return s;
      }
      return input_->GetNext(out, end_of_sequence);
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = 0;
      while (*skipped < n) {
        bool end = false;
        if (absl::Status s = Advance(&end); !s.ok() || end) return s;
        int64_t got = 0;
        if (absl::Status s = input_->Skip(1, &got); !s.ok() || got == 0) return s;
        ++*skipped;
      }
      return absl::OkStatus();
    }

   private:
    absl::Status Advance(bool* end) {
      const int64_t gap = started_ ? d_->num_shards_ - 1 : d_->index_;
      started_ = true;
      int64_t got = 0;
      absl::Status s = input_->Skip(gap, &got);
      *end = got < gap;
      return s;
    }

    const ShardDataset* d_;
    std::unique_ptr<IteratorBase> input_;
    bool started_ = false;
  };

  DatasetPtr input_;
  int64_t num_shards_, index_;
};

}  // namespace

absl::StatusOr<DatasetPtr> MakeShardDataset(DatasetPtr input, int64_t num_shards, int64_t index) {
  if (num_shards <= 0)
    return absl::InvalidArgumentError(absl::StrCat("Shard: num_shards must be > 0, got ", num_shards));
  if (index < 0 || index >= num_shards) {
    return absl::InvalidArgumentError(
        absl::StrCat("Shard: index must be in [0, ", num_shards, "), got ", index));
  }
  return DatasetPtr(std::make_shared<ShardDataset>(std::move(input), num_shards, index));
}

}  // namespace datasets
