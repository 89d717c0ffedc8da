// The two small interfaces every dataset stage implements: DatasetBase (an immutable description that can
// make iterators) and IteratorBase (one pass over it). Users compose them through datasets::Dataset
// (dataset.h).
#ifndef DATASETS_DATASET_BASE_H_
#define DATASETS_DATASET_BASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datasets/element.h"

namespace datasets {

// Cardinality() values besides a count >= 0.
inline constexpr int64_t kInfiniteCardinality = -1;
inline constexpr int64_t kUnknownCardinality = -2;

// What an iterator is made for. `epoch` is the repetition key handed down by enclosing Repeat stages (0
// outside any Repeat); Shuffle mixes it into its seed so that each repetition gets its own order.
struct IteratorContext {
  uint64_t epoch = 0;
};

// One pass over a dataset. Used by one thread at a time (stages that run threads synchronise internally).
// Destroying an iterator at any point stops and joins the threads it started.
class IteratorBase {
 public:
  virtual ~IteratorBase() = default;

  // Writes the next element into *out and sets *end_of_sequence = false, or sets *end_of_sequence = true (and
  // leaves *out unspecified) when the pass is over. *out keeps its previous tensors until replaced; storage
  // it owns alone may be reused. A non-OK status reports a bad record, a failed function or a broken file;
  // the caller should not call GetNext again afterwards (datasets::Iterator enforces this).
  virtual absl::Status GetNext(Element* out, bool* end_of_sequence) = 0;

  // Moves past up to `n` >= 0 elements exactly as `n` GetNext calls would, setting *skipped to the number
  // passed (less than n only at the end of the sequence). Stages override it to skip in O(1) where they can
  // (random-access sources, Map, Batch, Repeat with known cardinality...); the default calls GetNext.
  virtual absl::Status Skip(int64_t n, int64_t* skipped);
};

// An immutable, shareable description of a stream of elements. Thread-safe: all methods are const and may be
// called concurrently. Stages hold their inputs by shared_ptr, so keeping the last stage alive keeps the
// whole pipeline alive; an iterator must not outlive the dataset that made it.
class DatasetBase {
 public:
  virtual ~DatasetBase() = default;

  // A description of this stage and, recursively, its inputs, e.g. "Batch(128,0)<Map<Range(0,10,1)". Used in
  // error messages and as the pipeline fingerprint that guards state restore.
  virtual std::string Describe() const = 0;
  // Number of elements, kInfiniteCardinality or kUnknownCardinality.
  virtual int64_t Cardinality() const = 0;

  // True if Get() works: the stage can produce element `i` directly (0 <= i < Cardinality()).
  virtual bool RandomAccess() const { return false; }
  // Writes element `index` into *out. Only for RandomAccess() stages; thread-safe.
  virtual absl::Status Get(int64_t index, Element* out) const;
  // A hint that Get(index) will be called soon, so memory can be fetched ahead (callers with a known access
  // order, like a shuffle permutation, call it a few elements early). It is given for each `stage` from 0 to
  // kPrefetchStages - 1, stage 0 furthest ahead, so that a stage can fetch its bookkeeping first and then
  // what that points to. Never changes results; invalid indices are ignored. Thread-safe.
  virtual void PrefetchHint(int64_t /*index*/, int /*stage*/) const {}

  // A new iterator positioned at the first element. The default serves RandomAccess() stages with a cursor
  // over Get(); other stages must override it.
  virtual absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIterator(const IteratorContext& ctx) const;

  // For RandomAccess() stages: an iterator yielding elements order[0], order[1], ... (each a valid index), as
  // consecutive Get() calls would, but free to work ahead: Map runs its workers over it, Cache computes only
  // the missing elements through its input. The default walks `order` calling Get() and PrefetchHint().
  virtual absl::StatusOr<std::unique_ptr<IteratorBase>> MakeIndexedIterator(
      const IteratorContext& ctx, std::shared_ptr<const std::vector<int64_t>> order) const;
};

using DatasetPtr = std::shared_ptr<const DatasetBase>;

// Number of PrefetchHint stages.
inline constexpr int kPrefetchStages = 3;
// CPU prefetch of the memory from `p` to `p + bytes` (at most `max_bytes`).
void PrefetchBytes(const void* p, size_t bytes, size_t max_bytes);

// An iterator over a random-access dataset: a cursor 0..size-1 calling Get(); Skip is O(1).
// Elements order[0], order[1], ... of a random-access dataset through Get(), with staged PrefetchHint()s a
// few elements ahead. Skip is O(1).
class IndexedIterator : public IteratorBase {
 public:
  // `dataset` must outlive the iterator.
  IndexedIterator(const DatasetBase* dataset, std::shared_ptr<const std::vector<int64_t>> order)
      : dataset_(dataset), order_(std::move(order)) {}
  absl::Status GetNext(Element* out, bool* end_of_sequence) override;
  absl::Status Skip(int64_t n, int64_t* skipped) override;

 private:
  const DatasetBase* dataset_;
  std::shared_ptr<const std::vector<int64_t>> order_;
  size_t next_ = 0;
};

// How far ahead of Get() each PrefetchHint stage is given by ordered readers, in elements.
inline constexpr size_t kPrefetchDistance[kPrefetchStages] = {16, 10, 4};

class RandomAccessIterator : public IteratorBase {
 public:
  // `dataset` must outlive the iterator; size >= 0.
  RandomAccessIterator(const DatasetBase* dataset, int64_t size) : dataset_(dataset), size_(size) {}
  absl::Status GetNext(Element* out, bool* end_of_sequence) override;
  absl::Status Skip(int64_t n, int64_t* skipped) override;

 private:
  const DatasetBase* dataset_;
  int64_t size_;
  int64_t next_ = 0;
};

}  // namespace datasets

#endif  // DATASETS_DATASET_BASE_H_
