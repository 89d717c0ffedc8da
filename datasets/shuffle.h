// Shuffle: a seeded random order. Random-access inputs get a full permutation per epoch; other inputs go
// through a buffer of `buffer_size` elements with tf.data's semantics.
#ifndef DATASETS_SHUFFLE_H_
#define DATASETS_SHUFFLE_H_

#include <cstdint>

#include "datasets/dataset_base.h"

namespace datasets {

struct ShuffleOptions {
  // Elements held by the shuffle buffer (> 0). With a random-access input of known size (up to 2^26 elements)
  // the whole epoch is permuted instead (uniformly, as with an unbounded buffer), so the value only has to be
  // positive.
  int64_t buffer_size = 0;
  // The seed; the same seed gives the same order on every run and machine.
  uint64_t seed = 0;
  // If true each repetition of an enclosing Repeat gets a new order (derived from seed and repetition);
  // if false every repetition sees the same order.
  bool reshuffle_each_iteration = true;

  absl::Status Validate() const;
};

absl::StatusOr<DatasetPtr> MakeShuffleDataset(DatasetPtr input, const ShuffleOptions& options);

}  // namespace datasets

#endif  // DATASETS_SHUFFLE_H_
