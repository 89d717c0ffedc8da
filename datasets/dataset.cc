#include "datasets/dataset.h"

#include <utility>

#include "datasets/cache.h"
#include "datasets/concatenate.h"
#include "datasets/enumerate.h"
#include "datasets/repeat.h"
#include "datasets/shard.h"
#include "datasets/take_skip.h"
#include "datasets/zip.h"

namespace datasets {

Dataset::Dataset() : status_(absl::FailedPreconditionError("uninitialised Dataset")) {}

Dataset::Dataset(DatasetPtr impl) : impl_(std::move(impl)) {
  if (impl_ == nullptr) status_ = absl::InvalidArgumentError("Dataset made from a null stage");
}

Dataset Dataset::FromStatus(absl::Status status) {
  Dataset d;
  d.status_ = status.ok() ? absl::InternalError("Dataset::FromStatus called with OK") : std::move(status);
  return d;
}

Dataset Dataset::FromStatusOr(absl::StatusOr<DatasetPtr> impl) {
  if (!impl.ok()) return FromStatus(impl.status());
  return Dataset(*std::move(impl));
}

int64_t Dataset::Cardinality() const { return ok() ? impl_->Cardinality() : kUnknownCardinality; }

std::string Dataset::Describe() const { return ok() ? impl_->Describe() : status_.ToString(); }

Dataset Dataset::Map(MapFn fn, int num_parallel_calls) const {
  MapOptions options;
  options.num_parallel_calls = num_parallel_calls;
  return Map(std::move(fn), options);
}

Dataset Dataset::Map(MapFn fn, const MapOptions& options) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeMapDataset(impl_, std::move(fn), options));
}

Dataset Dataset::Filter(FilterFn predicate) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeFilterDataset(impl_, std::move(predicate)));
}

Dataset Dataset::Shuffle(int64_t buffer_size, uint64_t seed, bool reshuffle_each_iteration) const {
  ShuffleOptions options;
  options.buffer_size = buffer_size;
  options.seed = seed;
  options.reshuffle_each_iteration = reshuffle_each_iteration;
  return Shuffle(options);
}

Dataset Dataset::Shuffle(const ShuffleOptions& options) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeShuffleDataset(impl_, options));
}

Dataset Dataset::Batch(int64_t batch_size, bool drop_remainder) const {
  BatchOptions options;
  options.batch_size = batch_size;
  options.drop_remainder = drop_remainder;
  return Batch(options);
}

Dataset Dataset::Batch(const BatchOptions& options) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeBatchDataset(impl_, options));
}

Dataset Dataset::PaddedBatch(const PaddedBatchOptions& options) const {
  if (!ok()) return *this;
  return FromStatusOr(MakePaddedBatchDataset(impl_, options));
}

Dataset Dataset::Repeat(int64_t count) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeRepeatDataset(impl_, count));
}

Dataset Dataset::Prefetch(int64_t buffer_size) const {
  PrefetchOptions options;
  options.buffer_size = buffer_size;
  return Prefetch(options);
}

Dataset Dataset::Prefetch(const PrefetchOptions& options) const {
  if (!ok()) return *this;
  return FromStatusOr(MakePrefetchDataset(impl_, options));
}

Dataset Dataset::Cache() const {
  if (!ok()) return *this;
  return FromStatusOr(MakeCacheDataset(impl_));
}

Dataset Dataset::Take(int64_t count) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeTakeDataset(impl_, count));
}

Dataset Dataset::Skip(int64_t count) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeSkipDataset(impl_, count));
}

Dataset Dataset::Shard(int64_t num_shards, int64_t index) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeShardDataset(impl_, num_shards, index));
}

Dataset Dataset::Zip(const Dataset& other) const { return Zip(std::vector<Dataset>{*this, other}); }

Dataset Dataset::Zip(const std::vector<Dataset>& datasets) {
  std::vector<DatasetPtr> inputs;
  for (const Dataset& d : datasets) {
    if (!d.ok()) return d;
    inputs.push_back(d.impl_);
  }
  return FromStatusOr(MakeZipDataset(std::move(inputs)));
}

Dataset Dataset::Concatenate(const Dataset& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return FromStatusOr(MakeConcatenateDataset(impl_, other.impl_));
}

Dataset Dataset::Enumerate(int64_t start, const std::string& name) const {
  if (!ok()) return *this;
  return FromStatusOr(MakeEnumerateDataset(impl_, start, name));
}

absl::StatusOr<Iterator> Dataset::MakeIterator() const {
  if (!ok()) return status_;
  absl::StatusOr<std::unique_ptr<IteratorBase>> impl = impl_->MakeIterator(IteratorContext{});
  if (!impl.ok()) return impl.status();
  return Iterator(impl_, *std::move(impl));
}

}  // namespace datasets
