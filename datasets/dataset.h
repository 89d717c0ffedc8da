// Dataset: the value users compose into input pipelines, tf.data style:
//
//   datasets::Dataset train = datasets::Idx(images, labels)
//                                 .Map(Normalize)
//                                 .Cache()
//                                 .Shuffle(60000, /*seed=*/42)
//                                 .Batch(128)
//                                 .Prefetch(2);
//   absl::StatusOr<datasets::Iterator> it = train.MakeIterator();
//
// Errors: a source or transformation whose arguments are invalid (missing file, batch size 0, ...) yields a
// Dataset holding that error instead of failing immediately; every later transformation keeps the first error,
// and MakeIterator() returns it. status() shows it early. Errors met while iterating (a bad record, a failed map
// function) come from Iterator::GetNext.
#ifndef DATASETS_DATASET_H_
#define DATASETS_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datasets/batch.h"
#include "datasets/dataset_base.h"
#include "datasets/filter.h"
#include "datasets/iterator.h"
#include "datasets/map.h"
#include "datasets/padded_batch.h"
#include "datasets/prefetch.h"
#include "datasets/shuffle.h"

namespace datasets {

// A cheap-to-copy handle on an immutable pipeline stage, or on the first error met while building it.
// Thread-safe (immutable); iterators made from it are independent passes.
class Dataset {
 public:
  // An invalid dataset (FailedPrecondition).
  Dataset();
  // Wraps a stage; `impl` must not be null.
  explicit Dataset(DatasetPtr impl);
  // A dataset holding `status` (not OK).
  static Dataset FromStatus(absl::Status status);
  // A stage or the error that prevented building it.
  static Dataset FromStatusOr(absl::StatusOr<DatasetPtr> impl);

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }
  // The stage; null unless ok().
  const DatasetPtr& impl() const { return impl_; }
  // Element count, kInfiniteCardinality or kUnknownCardinality (also when !ok()).
  int64_t Cardinality() const;
  // The pipeline description (or the error).
  std::string Describe() const;

  // ---- transformations (tf.data names and meanings; each returns a new Dataset) ----
  Dataset Map(MapFn fn, int num_parallel_calls = 1) const;
  Dataset Map(MapFn fn, const MapOptions& options) const;
  Dataset Filter(FilterFn predicate) const;
  Dataset Shuffle(int64_t buffer_size, uint64_t seed = 0, bool reshuffle_each_iteration = true) const;
  Dataset Shuffle(const ShuffleOptions& options) const;
  Dataset Batch(int64_t batch_size, bool drop_remainder = false) const;
  Dataset Batch(const BatchOptions& options) const;
  Dataset PaddedBatch(const PaddedBatchOptions& options) const;
  // count >= 0, or -1 (default) for forever.
  Dataset Repeat(int64_t count = -1) const;
  Dataset Prefetch(int64_t buffer_size = 2) const;
  Dataset Prefetch(const PrefetchOptions& options) const;
  Dataset Cache() const;
  Dataset Take(int64_t count) const;
  Dataset Skip(int64_t count) const;
  Dataset Shard(int64_t num_shards, int64_t index) const;
  Dataset Zip(const Dataset& other) const;
  static Dataset Zip(const std::vector<Dataset>& datasets);
  Dataset Concatenate(const Dataset& other) const;
  // Adds component `name` (i64 scalar) = start + position.
  Dataset Enumerate(int64_t start = 0, const std::string& name = "index") const;

  // A new pass from the first element, or the error this dataset holds.
  absl::StatusOr<Iterator> MakeIterator() const;

 private:
  absl::Status status_;
  DatasetPtr impl_;
};

}  // namespace datasets

#endif  // DATASETS_DATASET_H_
