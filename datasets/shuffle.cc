#include "datasets/shuffle.h"

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "datasets/random.h"

namespace datasets {
namespace {

class ShuffleDataset : public DatasetBase {
 public:
  ShuffleDataset(DatasetPtr input, const ShuffleOptions& options) : input_(std::move(input)), options_(options) {}

  std::string Describe() const override {
    return absl::StrCat("Shuffle(", options_.buffer_size, ",", options_.seed, ",",
                        options_.reshuffle_each_iteration ? 1 : 0, ")<", input_->Describe());
  }
  int64_t Cardinality() const override { return input_->Cardinality(); }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    const uint64_t seed = MixSeed(options_.seed, options_.reshuffle_each_iteration ? ctx.epoch : 0);
    const int64_t n = input_->Cardinality();
    if (input_->RandomAccess() && n >= 0) {
      return std::unique_ptr<IteratorBase>(new PermutationIterator(input_.get(), seed, n));
    }
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new BufferIterator(*std::move(input), seed, options_.buffer_size));
  }

 private:
  // A random-access input: element i of the pass is input[perm[i]], perm drawn from the seed.
  class PermutationIterator : public IteratorBase {
   public:
    PermutationIterator(const DatasetBase* input, uint64_t seed, int64_t n) : input_(input) {
      RandomPermutation(seed, n, &perm_);
    }
    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      if (next_ >= perm_.size()) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      *end_of_sequence = false;
      return input_->Get(perm_[next_++], out);
    }
    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = std::min<int64_t>(n, static_cast<int64_t>(perm_.size() - next_));
      next_ += static_cast<size_t>(*skipped);
      return absl::OkStatus();
    }

   private:
    const DatasetBase* input_;
    std::vector<int64_t> perm_;
    size_t next_ = 0;
  };

  // tf.data's shuffle buffer: fill up to buffer_size elements, then repeatedly emit a uniformly chosen one and
  // put the next input element in its place.
  class BufferIterator : public IteratorBase {
   public:
    BufferIterator(std::unique_ptr<IteratorBase> input, uint64_t seed, int64_t buffer_size)
        : input_(std::move(input)), rng_(seed), capacity_(static_cast<size_t>(buffer_size)) {}

    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      while (!input_done_ && size_ < capacity_) {
        if (size_ == buffer_.size()) buffer_.emplace_back();
        bool end = false;
        if (absl::Status s = input_->GetNext(&buffer_[size_], &end); !s.ok()) return s;
        if (end) {
          input_done_ = true;
        } else {
          ++size_;
        }
      }
      if (size_ == 0) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      *end_of_sequence = false;
      const size_t j = static_cast<size_t>(UniformIndex(rng_, size_));
      std::swap(*out, buffer_[j]);
      // Move the last element into the hole; the next fill writes at the end.
      if (j != size_ - 1) std::swap(buffer_[j], buffer_[size_ - 1]);
      --size_;
      return absl::OkStatus();
    }

   private:
    std::unique_ptr<IteratorBase> input_;
    std::mt19937_64 rng_;
    size_t capacity_;
    std::vector<Element> buffer_;  // buffer_[0, size_) are live; the rest are spare storage.
    size_t size_ = 0;
    bool input_done_ = false;
  };

  DatasetPtr input_;
  ShuffleOptions options_;
};

}  // namespace

absl::Status ShuffleOptions::Validate() const {
  if (buffer_size <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("Shuffle: buffer_size must be > 0, got ", buffer_size));
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetPtr> MakeShuffleDataset(DatasetPtr input, const ShuffleOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return DatasetPtr(std::make_shared<ShuffleDataset>(std::move(input), options));
}

}  // namespace datasets
