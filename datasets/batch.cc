#include "datasets/batch.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

// Largest batch tensor allocated (4 GiB); larger requests fail with ResourceExhausted instead of exhausting
// memory.
constexpr uint64_t kMaxBatchBytes = uint64_t{1} << 32;

class BatchDataset : public DatasetBase {
 public:
  BatchDataset(DatasetPtr input, const BatchOptions& options) : input_(std::move(input)), options_(options) {}

  std::string Describe() const override {
    return absl::StrCat("Batch(", options_.batch_size, ",", options_.drop_remainder ? 1 : 0, ")<",
                        input_->Describe());
  }
  int64_t Cardinality() const override {
    const int64_t n = input_->Cardinality();
    if (n < 0) return n;
    const int64_t b = options_.batch_size;
    return options_.drop_remainder ? n / b : (n + b - 1) / b;
  }

  absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const override {
    absl::StatusOr<std::unique_ptr<IteratorBase>> input = input_->MakeIterator(ctx);
    if (!input.ok()) return input.status();
    return std::unique_ptr<IteratorBase>(new Iter(this, *std::move(input)));
  }

 private:
  class Iter : public IteratorBase {
   public:
    Iter(const BatchDataset* d, std::unique_ptr<IteratorBase> input) : d_(d), input_(std::move(input)) {}

    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      const int64_t b = d_->options_.batch_size;
      int64_t k = 0;
      if (!done_) {
        for (; k < b; ++k) {
          bool end = false;
          if (absl::Status s = input_->GetNext(&element_, &end); !s.ok()) return s;
          if (end) {
            done_ = true;
            break;
          }
          if (k == 0) {
            if (absl::Status s = Prepare(out); !s.ok()) return s;
          } else if (absl::Status s = Check(k); !s.ok()) {
            return s;
          }
          if (k >= rows_) {
            return absl::InternalError(
                absl::StrCat(d_->Describe(), ": input produced more than its cardinality"));
          }
          for (int c = 0; c < element_.size(); ++c) {
            const size_t bytes = row_bytes_[static_cast<size_t>(c)];
            std::memcpy(
                static_cast<char*>(out->mutable_tensor(c).raw_data()) + static_cast<size_t>(k) * bytes,
                element_.tensor(c).raw_data(), bytes);
          }
        }
      }
      if (k == 0 || (k < b && d_->options_.drop_remainder)) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      *end_of_sequence = false;
      ++batch_index_;
      if (k < rows_) {
        for (int c = 0; c < out->size(); ++c) {
          graph::Tensor& t = out->mutable_tensor(c);
          graph::Shape shape = t.shape();
          shape.set_dim(0, k);
          t = graph::Tensor(t.dtype(), shape, t.buffer(), t.byte_offset());
        }
      }
      return absl::OkStatus();
    }

    absl::Status Skip(int64_t n, int64_t* skipped) override {
      *skipped = 0;
      if (done_) return absl::OkStatus();
      if (absl::Status s = SkipBatches(input_.get(), n, d_->options_.batch_size, d_->options_.drop_remainder,
                                       &done_, skipped);
          !s.ok()) {
        return s;
      }
      batch_index_ += *skipped;
      return absl::OkStatus();
    }

   private:
    // Shapes the output after the first element of a batch. Allocates at most as many rows as the input has
    // elements in total, so a large batch_size over a small dataset stays small.
    absl::Status Prepare(Element* out) {
      const size_t n = static_cast<size_t>(element_.size());
      const int64_t total = d_->input_->Cardinality();
      rows_ = total >= 0 ? std::min(d_->options_.batch_size, total) : d_->options_.batch_size;
      row_bytes_.resize(n);
      for (int c = 0; c < element_.size(); ++c) {
        const graph::Tensor& t = element_.tensor(c);
        if (t.nbytes() > 0 && static_cast<uint64_t>(rows_) > kMaxBatchBytes / t.nbytes()) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "Batch: a batch of ", rows_, " x ", graph::DTypeName(t.dtype()), t.shape().ToString(), " ('",
              element_.name(c), "') would exceed ", kMaxBatchBytes, " bytes"));
        }
      }
      for (int c = 0; c < element_.size(); ++c) {
        const graph::Tensor& t = element_.tensor(c);
        row_bytes_[static_cast<size_t>(c)] = t.nbytes();
        batch_shape_.clear();
        batch_shape_.push_back(rows_);
        for (int64_t dim : t.shape().dims()) batch_shape_.push_back(dim);
        out->ReuseAt(c, element_.name(c), t.dtype(), graph::Shape(absl::Span<const int64_t>(batch_shape_)));
      }
      out->Truncate(element_.size());
      names_.resize(n);
      dtypes_.resize(n);
      shapes_.resize(n);
      for (size_t c = 0; c < n; ++c) {
        names_[c] = element_.name(static_cast<int>(c));
        dtypes_[c] = element_.tensor(static_cast<int>(c)).dtype();
        shapes_[c] = element_.tensor(static_cast<int>(c)).shape();
      }
      return absl::OkStatus();
    }

    absl::Status Check(int64_t k) const {
      if (static_cast<size_t>(element_.size()) != names_.size()) {
        return absl::InvalidArgumentError(absl::StrCat("Batch: element ", k, " of batch ", batch_index_,
                                                       " has ", element_.size(),
                                                       " components, element 0 has ", names_.size()));
      }
      for (int c = 0; c < element_.size(); ++c) {
        const graph::Tensor& t = element_.tensor(c);
        const size_t i = static_cast<size_t>(c);
        if (element_.name(c) != names_[i] || t.dtype() != dtypes_[i] || t.shape() != shapes_[i]) {
          return absl::InvalidArgumentError(absl::StrCat(
              "Batch: element ", k, " of batch ", batch_index_, " has component '", element_.name(c), "' ",
              graph::DTypeName(t.dtype()), t.shape().ToString(), " but element 0 has '", names_[i], "' ",
              graph::DTypeName(dtypes_[i]), shapes_[i].ToString(), " (use PaddedBatch for varying shapes)"));
        }
      }
      return absl::OkStatus();
    }

    const BatchDataset* d_;
    std::unique_ptr<IteratorBase> input_;
    Element element_;
    // Names, dtypes and shapes of the batch's first element.
    std::vector<std::string> names_;
    std::vector<graph::DType> dtypes_;
    std::vector<graph::Shape> shapes_;
    std::vector<size_t> row_bytes_;
    std::vector<int64_t> batch_shape_;
    int64_t rows_ = 0;  // Rows allocated for the current batch.
    int64_t batch_index_ = 0;
    bool done_ = false;
  };

  DatasetPtr input_;
  BatchOptions options_;
};

}  // namespace

absl::Status BatchOptions::Validate() const {
  if (batch_size <= 0)
    return absl::InvalidArgumentError(absl::StrCat("Batch: batch_size must be > 0, got ", batch_size));
  return absl::OkStatus();
}

absl::StatusOr<DatasetPtr> MakeBatchDataset(DatasetPtr input, const BatchOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return DatasetPtr(std::make_shared<BatchDataset>(std::move(input), options));
}

absl::Status SkipBatches(IteratorBase* input, int64_t n, int64_t batch_size, bool drop_remainder, bool* done,
                         int64_t* skipped) {
  const int64_t want = n > std::numeric_limits<int64_t>::max() / batch_size
                           ? std::numeric_limits<int64_t>::max()
                           : n * batch_size;
  int64_t got = 0;
  if (absl::Status s = input->Skip(want, &got); !s.ok()) return s;
  if (got < want) *done = true;
  *skipped = drop_remainder ? got / batch_size : (got + batch_size - 1) / batch_size;
  return absl::OkStatus();
}

}  // namespace datasets
