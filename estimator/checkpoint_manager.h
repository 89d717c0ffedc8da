// Checkpoints of a model directory: numbered safetensors files, an index naming them, retention, fallback
// from a damaged latest checkpoint, and the functions that match a checkpoint against a model.
#ifndef ESTIMATOR_CHECKPOINT_MANAGER_H_
#define ESTIMATOR_CHECKPOINT_MANAGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "estimator/safetensors.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace estimator {

struct CheckpointManagerOptions {
  // Number of most recent checkpoints kept; older ones are deleted by Save. 0 keeps every checkpoint.
  int keep_checkpoint_max = 5;
  // Besides the most recent ones, one checkpoint per this many hours of wall time is kept for good (as in
  // TensorFlow): a checkpoint about to be deleted is kept instead when it is at least this much newer than
  // the last one so kept (or than the manager's creation, for the first).
  double keep_checkpoint_every_n_hours = 10000;
  // Wall clock in seconds since the epoch; empty means the system clock. Tests inject a fake one.
  std::function<double()> clock;

  // OK when keep_checkpoint_max >= 0 and keep_checkpoint_every_n_hours > 0.
  absl::Status Validate() const;
};

// One checkpoint file known to the manager.
struct CheckpointInfo {
  int64_t step = 0;
  std::string path;      // <model_dir>/model.ckpt-<step>.safetensors
  double timestamp = 0;  // Seconds since the epoch at which it was saved.
  bool preserved =
      false;  // Kept for good by keep_checkpoint_every_n_hours; not counted by keep_checkpoint_max.
};

// The kept checkpoints, oldest first (the last one is the latest).
struct CheckpointList {
  std::vector<CheckpointInfo> checkpoints;
  // Empty when the index file was read; otherwise why the list was rebuilt by scanning the directory.
  std::string index_problem;
};

// What Save did.
struct SaveResult {
  std::string path;                  // The checkpoint written.
  std::vector<std::string> deleted;  // Older checkpoints removed by retention.
  std::string warning;               // Non-fatal problems (index rebuilt, a file that could not be deleted).
};

// A checkpoint that was skipped while looking for a valid one.
struct SkippedCheckpoint {
  std::string path;
  absl::Status reason;
};

// The newest readable checkpoint and what had to be passed over to find it.
struct RestoredCheckpoint {
  CheckpointInfo info;
  SafetensorsFile file;
  std::vector<SkippedCheckpoint> skipped;  // Newer checkpoints that failed to read, newest first.
  std::string index_problem;               // As in CheckpointList.
};

// Manages the checkpoints of one model directory. The index file `<model_dir>/checkpoint` is JSON:
// {"latest": name, "all": [names, oldest first], "timestamps": {name: seconds}, "preserved": [names],
//  "last_preserved_timestamp": seconds}. Every file is written atomically, so a crash at any point leaves the
// previous checkpoints and a readable index. State lives in the directory, so readers in other processes (an
// evaluator) see what a trainer saved. Not thread-safe: one writer per directory.
class CheckpointManager {
 public:
  // Does not touch the file system; an invalid `options` makes Save fail.
  explicit CheckpointManager(std::string model_dir, CheckpointManagerOptions options = {});

  // Writes `tensors` and `metadata` as `<model_dir>/model.ckpt-<step>.safetensors` (creating model_dir if
  // needed), records it as the latest in the index, then deletes checkpoints beyond the retention policy.
  // Saving a step again replaces that checkpoint. On failure nothing previously saved is changed.
  absl::StatusOr<SaveResult> Save(int64_t step,
                                  const std::vector<std::pair<std::string, graph::Tensor>>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

  // The kept checkpoints. When the index is missing or garbled, the list is rebuilt from the
  // model.ckpt-<step>.safetensors files in model_dir (sorted by step) and index_problem says so.
  absl::StatusOr<CheckpointList> All() const;

  // The newest checkpoint that reads back with valid checksums, falling back to older ones when newer ones
  // are truncated, corrupt or missing (each recorded in `skipped`). NotFound when there is no checkpoint;
  // DataLoss listing every failure when none is readable.
  absl::StatusOr<RestoredCheckpoint> LatestValid() const;

  // Reads and verifies one checkpoint; a bare file name is taken relative to model_dir.
  absl::StatusOr<SafetensorsFile> Restore(const std::string& path) const;

  const std::string& model_dir() const { return model_dir_; }
  // <model_dir>/checkpoint
  std::string IndexPath() const;
  // "model.ckpt-<step>.safetensors"
  static std::string CheckpointFileName(int64_t step);

 private:
  double Now() const;
  absl::Status WriteIndex(const std::vector<CheckpointInfo>& list, double last_preserved) const;

  std::string model_dir_;
  CheckpointManagerOptions options_;
  double created_;
};

// Compares a checkpoint with the variables a model expects. OK when every expected name is present with the
// same dtype and a compatible shape (unknown model dims match anything) and there is nothing else; otherwise
// one FailedPrecondition error listing every missing, unexpected and mismatched variable, each with both
// types.
absl::Status CheckCompatible(const SafetensorsFile& ckpt,
                             const std::vector<std::pair<std::string, graph::TensorType>>& expected);

struct WarmStartOptions {
  enum class Syntax { kGlob, kRegex };
  // Checkpoint tensor names to take. kGlob: '*' matches any run of characters, everything else itself;
  // kRegex: std::regex (ECMAScript) matched against the whole name.
  std::vector<std::string> patterns = {"*"};
  Syntax syntax = Syntax::kGlob;
  // Checkpoint-name prefix -> model-name prefix applied to the selected names; the longest matching prefix
  // wins.
  std::map<std::string, std::string> rename_prefixes;
};

// The tensors of `ckpt` selected by `options`, keyed by their (renamed) model names; they share storage with
// `ckpt`. InvalidArgument for a malformed regex or two tensors renamed to the same name; NotFound naming the
// pattern when a pattern selects nothing.
absl::StatusOr<std::map<std::string, graph::Tensor>> SelectWarmStartTensors(const SafetensorsFile& ckpt,
                                                                            const WarmStartOptions& options);

}  // namespace estimator

#endif  // ESTIMATOR_CHECKPOINT_MANAGER_H_
