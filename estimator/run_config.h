// RunConfig: where and how an Estimator runs (model_dir, seed, checkpoint and summary cadence, threads).
#ifndef ESTIMATOR_RUN_CONFIG_H_
#define ESTIMATOR_RUN_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace estimator {

struct RunConfig {
  std::string model_dir;               // required: checkpoints, summaries, eval results
  int64_t random_seed = 0;             // graph seed: initializers, dropout and random ops derive from it
  int64_t save_checkpoints_steps = 0;  // save every N steps (0: off) ...
  double save_checkpoints_secs = 600;  // ... or every N seconds (0: off); not both non-zero with steps
  int keep_checkpoint_max = 5;         // newest checkpoints kept (0: all)
  double keep_checkpoint_every_n_hours = 10000;
  int64_t save_summary_steps = 100;    // TensorBoard scalars every N steps (0: off)
  int64_t log_step_count_steps = 100;  // log loss and speed every N steps (0: off)
  int intra_op_threads = 0;            // threads for oneDNN primitives (0: default)

  // Ranges and the steps-xor-seconds rule; errors name the field.
  absl::Status Validate() const;
};

}  // namespace estimator

#endif  // ESTIMATOR_RUN_CONFIG_H_
