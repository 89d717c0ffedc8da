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

absl::StatusOr<std::unique_ptr<IteratorBase>> DatasetBase::MakeIterator(
    const IteratorContext& /*ctx*/) const {
  if (!RandomAccess() || Cardinality() < 0) {
    return absl::InternalError(absl::StrCat(Describe(), ": no iterator implementation"));
  }
  return std::unique_ptr<IteratorBase>(new RandomAccessIterator(this, Cardinality()));
}

void PrefetchBytes(const void* p, size_t bytes, size_t max_bytes) {
  const char* c = static_cast<const char*>(p);
  const size_t n = std::min(bytes, max_bytes);
  for (size_t off = 0; off < n; off += 64) __builtin_prefetch(c + off);
}

absl::StatusOr<std::unique_ptr<IteratorBase>> DatasetBase::MakeIndexedIterator(
    const IteratorContext& /*ctx*/, std::shared_ptr<const std::vector<int64_t>> order) const {
  if (!RandomAccess()) return absl::InternalError(absl::StrCat(Describe(), " is not random-access"));
  return std::unique_ptr<IteratorBase>(new IndexedIterator(this, std::move(order)));
}

absl::Status IndexedIterator::GetNext(Element* out, bool* end_of_sequence) {
  const std::vector<int64_t>& order = *order_;
  if (next_ >= order.size()) {
    *end_of_sequence = true;
    return absl::OkStatus();
  }
  *end_of_sequence = false;
  for (int stage = 0; stage < kPrefetchStages; ++stage) {
    const size_t ahead = next_ + kPrefetchDistance[stage];
    if (ahead < order.size()) dataset_->PrefetchHint(order[ahead], stage);
  }
  return dataset_->Get(order[next_++], out);
}

absl::Status IndexedIterator::Skip(int64_t n, int64_t* skipped) {
  *skipped = std::min<int64_t>(n, static_cast<int64_t>(order_->size() - next_));
  next_ += static_cast<size_t>(*skipped);
  return absl::OkStatus();
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
