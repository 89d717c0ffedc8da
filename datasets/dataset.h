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
// Dataset holding that error instead of failing immediately; every later transformation keeps the first
// error, and MakeIterator() returns it. status() shows it early. Errors met while iterating (a bad record, a
// failed map function) come from Iterator::GetNext.
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

  // ---- transformations (tf.data names and meanings) ----
  // Each returns a new Dataset and leaves this one unchanged; on invalid arguments the result holds the error
  // (see the top of this file). Details and options are documented in the stage's header (map.h, batch.h,
  // ...).

  // fn(in, &out) for every element; num_parallel_calls > 1 runs it on that many worker threads, keeping
  // order.
  Dataset Map(MapFn fn, int num_parallel_calls = 1) const;
  Dataset Map(MapFn fn, const MapOptions& options) const;
  // The elements for which predicate(element) is true.
  Dataset Filter(FilterFn predicate) const;
  // A seeded random order (a full permutation per epoch for random-access inputs, else a buffer of
  // buffer_size).
  Dataset Shuffle(int64_t buffer_size, uint64_t seed = 0, bool reshuffle_each_iteration = true) const;
  Dataset Shuffle(const ShuffleOptions& options) const;
  // Stacks batch_size (> 0) consecutive elements; the last batch may be smaller unless drop_remainder.
  Dataset Batch(int64_t batch_size, bool drop_remainder = false) const;
  Dataset Batch(const BatchOptions& options) const;
  // Like Batch for elements whose shapes differ: pads every component to a common shape.
  Dataset PaddedBatch(const PaddedBatchOptions& options) const;
  // The input count (>= 0) times, or forever (-1, the default).
  Dataset Repeat(int64_t count = -1) const;
  // Runs the input on a background thread, buffer_size (> 0) elements ahead.
  Dataset Prefetch(int64_t buffer_size = 2) const;
  Dataset Prefetch(const PrefetchOptions& options) const;
  // Keeps elements in memory after they are first produced.
  Dataset Cache() const;
  // The first count elements (-1: all).
  Dataset Take(int64_t count) const;
  // All but the first count elements (-1: none).
  Dataset Skip(int64_t count) const;
  // Elements index, index + num_shards, ... (0 <= index < num_shards).
  Dataset Shard(int64_t num_shards, int64_t index) const;
  // Elements combining this dataset's components with other's (names must differ); ends with the shorter.
  Dataset Zip(const Dataset& other) const;
  static Dataset Zip(const std::vector<Dataset>& datasets);
  // This dataset's elements, then other's (same component names and dtypes).
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
