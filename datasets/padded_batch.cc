#include "datasets/padded_batch.h"

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

// Copies `src` (row-major, dims `src_dims`) into the top-left corner of `dst` (row-major, dims `dst_dims`,
// same rank, every dim >= the source's).
void CopyPadded(const char* src, absl::Span<const int64_t> src_dims, char* dst,
                absl::Span<const int64_t> dst_dims, size_t elem_size) {
  const size_t rank = src_dims.size();
  if (rank == 0) {
    std::memcpy(dst, src, elem_size);
    return;
  }
  for (int64_t d : src_dims)
    if (d == 0) return;
  const size_t row = static_cast<size_t>(src_dims[rank - 1]) * elem_size;
  std::vector<int64_t> index(rank, 0);  // index[0..rank-2] walks the outer dims.
  while (true) {
    size_t src_off = 0, dst_off = 0;
    for (size_t i = 0; i + 1 < rank; ++i) {
      src_off = src_off * static_cast<size_t>(src_dims[i]) + static_cast<size_t>(index[i]);
      dst_off = dst_off * static_cast<size_t>(dst_dims[i]) + static_cast<size_t>(index[i]);
    }
    std::memcpy(dst + dst_off * static_cast<size_t>(dst_dims[rank - 1]) * elem_size,
                src + src_off * static_cast<size_t>(src_dims[rank - 1]) * elem_size, row);
    int i = static_cast<int>(rank) - 2;
    for (; i >= 0; --i) {
      if (++index[static_cast<size_t>(i)] < src_dims[static_cast<size_t>(i)]) break;
      index[static_cast<size_t>(i)] = 0;
    }
    if (i < 0) return;
  }
}

void Fill(graph::Tensor* t, double value) {
  graph::DispatchDType(t->dtype(), [&](auto tag) {
    using T = decltype(tag);
    T v;
    if constexpr (std::is_same_v<T, graph::bfloat16>) {
      v = graph::bfloat16(static_cast<float>(value));
    } else {
      v = static_cast<T>(value);
    }
    T* p = static_cast<T*>(t->raw_data());
    std::fill(p, p + t->num_elements(), v);
  });
}

class PaddedBatchDataset : public DatasetBase {
 public:
  PaddedBatchDataset(DatasetPtr input, const PaddedBatchOptions& options)
      : input_(std::move(input)), options_(options) {}

  std::string Describe() const override {
    std::string s = absl::StrCat("PaddedBatch(", options_.batch_size, ",", options_.drop_remainder ? 1 : 0);
    for (const auto& [name, shape] : options_.padded_shapes) absl::StrAppend(&s, ",", name, shape.ToString());
    for (const auto& [name, value] : options_.padding_values) absl::StrAppend(&s, ",", name, "=", value);
    return absl::StrCat(s, ")<", input_->Describe());
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
    Iter(const PaddedBatchDataset* d, std::unique_ptr<IteratorBase> input)
        : d_(d), input_(std::move(input)) {}

    absl::Status GetNext(Element* out, bool* end_of_sequence) override {
      const int64_t b = d_->options_.batch_size;
      int64_t k = 0;
      while (!done_ && k < b) {
        if (elements_.size() <= static_cast<size_t>(k)) elements_.emplace_back();
        bool end = false;
        if (absl::Status s = input_->GetNext(&elements_[static_cast<size_t>(k)], &end); !s.ok()) return s;
        if (end) {
          done_ = true;
        } else {
          ++k;
        }
      }
      if (k == 0 || (k < b && d_->options_.drop_remainder)) {
        *end_of_sequence = true;
        return absl::OkStatus();
      }
      *end_of_sequence = false;
      const Element& first = elements_[0];
      for (int c = 0; c < first.size(); ++c) {
        const graph::Tensor& f = first.tensor(c);
        graph::Shape target = f.shape();
        const graph::Shape* fixed = nullptr;
        for (const auto& [name, shape] : d_->options_.padded_shapes)
          if (name == first.name(c)) fixed = &shape;
        if (fixed != nullptr && fixed->rank() != f.rank()) {
          return absl::InvalidArgumentError(absl::StrCat("PaddedBatch: component '", first.name(c),
                                                         "' has rank ", f.rank(), " but its padded shape is ",
                                                         fixed->ToString()));
        }
        for (int64_t j = 0; j < k; ++j) {
          const Element& e = elements_[static_cast<size_t>(j)];
          const graph::Tensor* t =
              e.size() == first.size() && e.name(c) == first.name(c) ? &e.tensor(c) : nullptr;
          if (t == nullptr || t->dtype() != f.dtype() || t->rank() != f.rank()) {
            return absl::InvalidArgumentError(
                absl::StrCat("PaddedBatch: element ", j, " of batch ", batch_index_,
                             " does not match element 0 in component '", first.name(c),
                             "' (names, dtypes and ranks must agree)"));
          }
          for (int i = 0; i < f.rank(); ++i) target.set_dim(i, std::max(target.dim(i), t->dim(i)));
        }
        if (fixed != nullptr) {
          for (int i = 0; i < f.rank(); ++i) {
            if (fixed->dim(i) < 0) continue;
            if (target.dim(i) > fixed->dim(i)) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "PaddedBatch: component '", first.name(c), "' of batch ", batch_index_, " has dim ", i,
                  " = ", target.dim(i), ", larger than its padded shape ", fixed->ToString()));
            }
            target.set_dim(i, fixed->dim(i));
          }
        }
        graph::Shape batch_shape{k};
        for (int64_t dim : target.dims()) batch_shape.AddDim(dim);
        const uint64_t bytes_per_row =
            static_cast<uint64_t>(target.num_elements()) * graph::DTypeSize(f.dtype());
        if (bytes_per_row > 0 && static_cast<uint64_t>(k) > kMaxBatchBytes / bytes_per_row) {
          return absl::ResourceExhaustedError(absl::StrCat("PaddedBatch: component '", first.name(c),
                                                           "' padded to ", batch_shape.ToString(),
                                                           " would exceed ", kMaxBatchBytes, " bytes"));
        }
        graph::Tensor* dst = out->ReuseAt(c, first.name(c), f.dtype(), batch_shape);
        double value = 0;
        for (const auto& [name, v] : d_->options_.padding_values)
          if (name == first.name(c)) value = v;
        Fill(dst, value);
        const size_t es = graph::DTypeSize(f.dtype());
        const size_t row = static_cast<size_t>(target.num_elements()) * es;
        for (int64_t j = 0; j < k; ++j) {
          const graph::Tensor& src = elements_[static_cast<size_t>(j)].tensor(c);
          CopyPadded(static_cast<const char*>(src.raw_data()), src.shape().dims(),
                     static_cast<char*>(dst->raw_data()) + static_cast<size_t>(j) * row, target.dims(), es);
        }
      }
      out->Truncate(first.size());
      ++batch_index_;
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
    const PaddedBatchDataset* d_;
    std::unique_ptr<IteratorBase> input_;
    std::vector<Element> elements_;
    int64_t batch_index_ = 0;
    bool done_ = false;
  };

  DatasetPtr input_;
  PaddedBatchOptions options_;
};

}  // namespace

absl::Status PaddedBatchOptions::Validate() const {
  if (batch_size <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("PaddedBatch: batch_size must be > 0, got ", batch_size));
  }
  for (const auto& [name, shape] : padded_shapes) {
    for (int64_t d : shape.dims()) {
      if (d < graph::Shape::kUnknownDim) {
        return absl::InvalidArgumentError(absl::StrCat("PaddedBatch: padded shape ", shape.ToString(),
                                                       " of '", name, "' has a negative dim"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetPtr> MakePaddedBatchDataset(DatasetPtr input, const PaddedBatchOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return DatasetPtr(std::make_shared<PaddedBatchDataset>(std::move(input), options));
}

}  // namespace datasets
