// Iterator: the consumer's handle on one pass over a Dataset, with checkpointable state.
#ifndef DATASETS_ITERATOR_H_
#define DATASETS_ITERATOR_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "datasets/dataset_base.h"
#include "datasets/element.h"
#include "datasets/iterator_state.h"

namespace datasets {

// Made by Dataset::MakeIterator(). Movable, not copyable. Not thread-safe: one consumer thread at a time (the
// pipeline's own threads are internal). Keeps the pipeline alive. Destroying it mid-pass stops every
// background thread of the pipeline and joins it.
class Iterator {
 public:
  Iterator(DatasetPtr dataset, std::unique_ptr<IteratorBase> impl);
  Iterator(Iterator&&) noexcept;
  Iterator& operator=(Iterator&&) noexcept;
  ~Iterator();

  // Writes the next element into *out (see IteratorBase::GetNext: storage *out owns alone may be reused) or
  // sets *end_of_sequence. After the end every call reports the end again; after an error every call returns
  // that same error.
  absl::Status GetNext(Element* out, bool* end_of_sequence);

  // The position: elements delivered so far, with the pipeline's fingerprint. Cheap; never blocks.
  IteratorState SaveState() const;
  // Continues from `state` as if this iterator had delivered state.position elements: exactly the elements an
  // uninterrupted pass would deliver next. Works at any time (the pass is restarted and fast-forwarded: O(1)
  // per random-access stage; stages that cannot skip, like Filter, a shuffle buffer or a generator, replay
  // the skipped elements). FailedPrecondition if the state comes from a different pipeline; OutOfRange if the
  // pipeline ends before the position.
  absl::Status RestoreState(const IteratorState& state);

  // Elements delivered so far.
  int64_t position() const { return position_; }

 private:
  DatasetPtr dataset_;
  std::unique_ptr<IteratorBase> impl_;
  uint64_t fingerprint_ = 0;
  int64_t position_ = 0;
  bool end_ = false;
  absl::Status status_;
};

}  // namespace datasets

#endif  // DATASETS_ITERATOR_H_
