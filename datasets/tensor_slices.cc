#include "datasets/tensor_slices.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

class TensorSlicesDataset : public DatasetBase {
 public:
  TensorSlicesDataset(Element tensors, int64_t rows) : tensors_(std::move(tensors)), rows_(rows) {
    for (int c = 0; c < tensors_.size(); ++c) {
      const graph::Tensor& t = tensors_.tensor(c);
      graph::Shape row(t.shape().dims().subspan(1));
      row_bytes_.push_back(static_cast<size_t>(row.num_elements()) * graph::DTypeSize(t.dtype()));
      row_shapes_.push_back(std::move(row));
    }
  }

  std::string Describe() const override {
    std::string s = "TensorSlices(";
    for (int c = 0; c < tensors_.size(); ++c) {
      absl::StrAppend(&s, c > 0 ? "," : "", tensors_.name(c), ":",
                      graph::DTypeName(tensors_.tensor(c).dtype()), tensors_.tensor(c).shape().ToString());
    }
    return s + ")";
  }
  int64_t Cardinality() const override { return rows_; }
  bool RandomAccess() const override { return true; }

  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= rows_)
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no row ", index));
    for (int c = 0; c < tensors_.size(); ++c) {
      const graph::Tensor& t = tensors_.tensor(c);
      const size_t offset = t.byte_offset() + static_cast<size_t>(index) * row_bytes_[static_cast<size_t>(c)];
      out->SetAt(c, tensors_.name(c),
                 graph::Tensor(t.dtype(), row_shapes_[static_cast<size_t>(c)], t.buffer(), offset));
    }
    out->Truncate(tensors_.size());
    return absl::OkStatus();
  }

  void PrefetchHint(int64_t index, int stage) const override {
    if (stage != kPrefetchStages - 1 || index < 0 || index >= rows_) return;
    for (int c = 0; c < tensors_.size(); ++c) {
      const graph::Tensor& t = tensors_.tensor(c);
      const char* row = static_cast<const char*>(t.raw_data()) +
                        static_cast<size_t>(index) * row_bytes_[static_cast<size_t>(c)];
      const size_t n = std::min<size_t>(row_bytes_[static_cast<size_t>(c)], 4096);
      for (size_t off = 0; off < n; off += 64) __builtin_prefetch(row + off);
    }
  }

 private:
  Element tensors_;
  int64_t rows_;
  std::vector<graph::Shape> row_shapes_;
  std::vector<size_t> row_bytes_;
};

class RangeDataset : public DatasetBase {
 public:
  RangeDataset(int64_t start, int64_t stop, int64_t step) : start_(start), stop_(stop), step_(step) {
    if (step > 0) {
      count_ = stop > start ? (stop - start + step - 1) / step : 0;
    } else {
      count_ = start > stop ? (start - stop + (-step) - 1) / (-step) : 0;
    }
  }
  std::string Describe() const override {
    return absl::StrCat("Range(", start_, ",", stop_, ",", step_, ")");
  }
  int64_t Cardinality() const override { return count_; }
  bool RandomAccess() const override { return true; }
  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= count_)
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no element ", index));
    *out->ReuseAt(0, "value", graph::DType::kInt64, graph::Shape{})->data<int64_t>() = start_ + index * step_;
    out->Truncate(1);
    return absl::OkStatus();
  }

 private:
  int64_t start_, stop_, step_;
  int64_t count_ = 0;
};

}  // namespace

Dataset FromTensorSlices(const Element& tensors) {
  if (tensors.empty()) return Dataset::FromStatus(absl::InvalidArgumentError("FromTensorSlices: no tensors"));
  int64_t rows = -1;
  for (int c = 0; c < tensors.size(); ++c) {
    const graph::Tensor& t = tensors.tensor(c);
    if (!t.IsValid()) {
      return Dataset::FromStatus(absl::InvalidArgumentError(
          absl::StrCat("FromTensorSlices: component '", tensors.name(c), "' is empty")));
    }
    if (t.rank() < 1) {
      return Dataset::FromStatus(absl::InvalidArgumentError(
          absl::StrCat("FromTensorSlices: component '", tensors.name(c), "' is a scalar; rank >= 1 needed")));
    }
    if (rows >= 0 && t.dim(0) != rows) {
      return Dataset::FromStatus(
          absl::InvalidArgumentError(absl::StrCat("FromTensorSlices: component '", tensors.name(c), "' has ",
                                                  t.dim(0), " rows, '", tensors.name(0), "' has ", rows)));
    }
    rows = t.dim(0);
  }
  return Dataset(std::make_shared<TensorSlicesDataset>(tensors, rows));
}

Dataset Range(int64_t start, int64_t stop, int64_t step) {
  if (step == 0) return Dataset::FromStatus(absl::InvalidArgumentError("Range: step must not be 0"));
  return Dataset(std::make_shared<RangeDataset>(start, stop, step));
}

}  // namespace datasets
