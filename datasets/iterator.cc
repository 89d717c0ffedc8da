#include "datasets/iterator.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "datasets/random.h"

namespace datasets {

Iterator::Iterator(DatasetPtr dataset, std::unique_ptr<IteratorBase> impl)
    : dataset_(std::move(dataset)), impl_(std::move(impl)) {
  const std::string description = dataset_->Describe();
  fingerprint_ = Fingerprint64(description.data(), description.size());
}

Iterator::Iterator(Iterator&&) noexcept = default;
Iterator& Iterator::operator=(Iterator&& other) noexcept {
  if (this == &other) return *this;
  impl_.reset();  // Stop the old pass while the dataset it reads is still alive.
  dataset_ = std::move(other.dataset_);
  impl_ = std::move(other.impl_);
  fingerprint_ = other.fingerprint_;
  position_ = other.position_;
  end_ = other.end_;
  status_ = std::move(other.status_);
  return *this;
}

Iterator::~Iterator() {
  // Iterators reference their datasets: destroy them first.
  impl_.reset();
}

absl::Status Iterator::GetNext(Element* out, bool* end_of_sequence) {
  if (!status_.ok()) return status_;
  if (end_) {
    *end_of_sequence = true;
    return absl::OkStatus();
  }
  bool end = false;
  absl::Status s = impl_->GetNext(out, &end);
  if (!s.ok()) {
    status_ = s;
    return s;
  }
  if (end) {
    end_ = true;
  } else {
    ++position_;
  }
  *end_of_sequence = end;
  return absl::OkStatus();
}

IteratorState Iterator::SaveState() const {
  IteratorState state;
  state.pipeline_fingerprint = fingerprint_;
  state.position = position_;
  return state;
}

absl::Status Iterator::RestoreState(const IteratorState& state) {
  if (state.pipeline_fingerprint != fingerprint_) {
    return absl::FailedPreconditionError(
        absl::StrCat("iterator state was saved from a different pipeline than ", dataset_->Describe()));
  }
  if (state.position < 0) return absl::InvalidArgumentError("iterator state has a negative position");
  impl_.reset();  // Stops the old pass's threads before a new pass starts.
  absl::StatusOr<std::unique_ptr<IteratorBase>> fresh = dataset_->MakeIterator(IteratorContext{});
  if (!fresh.ok()) {
    status_ = fresh.status();
    return status_;
  }
  impl_ = *std::move(fresh);
  status_ = absl::OkStatus();
  end_ = false;
  position_ = 0;
  int64_t skipped = 0;
  absl::Status s = impl_->Skip(state.position, &skipped);
  position_ = skipped;
  if (!s.ok()) {
    status_ = s;
    return s;
  }
  if (skipped < state.position) {
    end_ = true;
    return absl::OutOfRangeError(absl::StrCat("cannot restore position ", state.position,
                                              ": the pipeline has only ", skipped, " elements"));
  }
  return absl::OkStatus();
}

}  // namespace datasets
