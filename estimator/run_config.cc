#include "estimator/run_config.h"

#include "absl/strings/str_cat.h"

namespace estimator {

absl::Status RunConfig::Validate() const {
  auto bad = [](const char* field, const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("RunConfig.", field, ": ", why));
  };
  if (model_dir.empty()) return bad("model_dir", "is required");
  if (save_checkpoints_steps < 0)
    return bad("save_checkpoints_steps", absl::StrCat("must be >= 0, got ", save_checkpoints_steps));
  if (save_checkpoints_secs < 0)
    return bad("save_checkpoints_secs", absl::StrCat("must be >= 0, got ", save_checkpoints_secs));
  if (save_checkpoints_steps > 0 && save_checkpoints_secs > 0) {
    return bad("save_checkpoints_steps",
               "set either save_checkpoints_steps or save_checkpoints_secs, not both");
  }
  if (keep_checkpoint_max < 0)
    return bad("keep_checkpoint_max", absl::StrCat("must be >= 0, got ", keep_checkpoint_max));
  if (!(keep_checkpoint_every_n_hours > 0)) {
    return bad("keep_checkpoint_every_n_hours",
               absl::StrCat("must be > 0, got ", keep_checkpoint_every_n_hours));
  }
  if (save_summary_steps < 0)
    return bad("save_summary_steps", absl::StrCat("must be >= 0, got ", save_summary_steps));
  if (log_step_count_steps < 0)
    return bad("log_step_count_steps", absl::StrCat("must be >= 0, got ", log_step_count_steps));
  if (intra_op_threads < 0)
    return bad("intra_op_threads", absl::StrCat("must be >= 0, got ", intra_op_threads));
  return absl::OkStatus();
}

}  // namespace estimator
