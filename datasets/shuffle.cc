#include "datasets/shuffle.h"

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "datasets/random.h"

namespace datasets {
namespace {

// Largest random-access input shuffled by a full permutation (512 MiB of indices); larger ones use the
// buffer.
constexpr int64_t kMaxPermutation = int64_t{1} << 26;

class ShuffleDataset : public DatasetBase {
 public:
  ShuffleDataset(DatasetPtr input, const ShuffleOptions& options)
      : input_(std::move(input)), options_(options) {}

  std::string Describe() const override {
    return absl::StrCat("Shuffle(", options_.buffer_size, ",", options_.seed, ",",
                        options_.reshuffle_each_iteration ? 1 : 0, ")<", input_->Describe());
  }
  int64_t Cardinality() const override { return input_->Cardinality(); }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    const uint64_t seed = MixSeed(options_.seed, options_.reshuffle_each_iteration ? ctx.epoch : 0);
    const int64_t n = input_->Cardinality();
    if (input_->RandomAccess() && n >= 0 && n <= kMaxPermutation) {
      // Element i of the pass is input[perm[i]], perm drawn from the seed.
      auto perm = std::make_shared<std::vector<int64_t>>();
      RandomPermutation(seed, n, perm.get());
      return input_->MakeIndexedIterator(ctx, std::move(perm));
    }
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new BufferIterator(*std::move(input), seed, options_.buffer_size));
  }

 private:
  // tf.data's shuffle buffer: fill up to buffer_size elements, then repeatedly emit a uniformly chosen one
  // and put the next input element in its place.
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
