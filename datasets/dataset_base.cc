#include "datasets/dataset_base.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace datasets {

absl::Status IteratorBase::Skip(int64_t n, int64_t* skipped) {
  Element scratch;
  *skipped = 0;
  while (*skipped < n) {
    bool end = false;
    absl::Status s = GetNext(&scratch, &end);
    if (!s.ok()) return s;
    if (end) break;
    ++*skipped;
  }
  return absl::OkStatus();
}

absl::Status DatasetBase::Get(int64_t /*index*/, Element* /*out*/) const {
  return absl::UnimplementedError(absl::StrCat(Describe(), " is not random-access"));
}

absl::StatusOr<std::unique_ptr<IteratorBase>> DatasetBase::MakeIterator(const IteratorContext& /*ctx*/) const {
  if (!RandomAccess() || Cardinality() < 0) {
    return absl::InternalError(absl::StrCat(Describe(), ": no iterator implementation"));
  }
  return std::unique_ptr<IteratorBase>(new RandomAccessIterator(this, Cardinality()));
}

absl::Status RandomAccessIterator::GetNext(Element* out, bool* end_of_sequence) {
  if (next_ >= size_) {
    *end_of_sequence = true;
    return absl::OkStatus();
  }
  *end_of_sequence = false;
  return dataset_->Get(next_++, out);
}

absl::Status RandomAccessIterator::Skip(int64_t n, int64_t* skipped) {
  *skipped = std::min(n, size_ - next_);
  next_ += *skipped;
  return absl::OkStatus();
}

}  // namespace datasets
