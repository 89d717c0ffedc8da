// Training progress for the command line: a live line rewritten in place on a terminal, plain log lines
// otherwise.
#ifndef CLI_PROGRESS_HOOK_H_
#define CLI_PROGRESS_HOOK_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "estimator/hooks.h"

namespace cli {

// Writes log lines and, on a terminal, one live status line below them. Not thread-safe.
class Console {
 public:
  // `stream` (not owned) must outlive the Console. `terminal`: the stream is a terminal (isatty).
  Console(std::ostream* stream, bool terminal) : stream_(stream), terminal_(terminal) {}
  bool terminal() const { return terminal_; }
  // On a terminal, replaces the live line with `text` (\r, then the text, then erase-to-end-of-line).
  // Ignored otherwise.
  void Status(const std::string& text);
  // A permanent line; on a terminal the live line is cleared first (and drawn again by the next Status).
  void Line(const std::string& text);
  // Ends the live line (a newline) if one is shown, so later output starts on a fresh line.
  void Finish();

 private:
  std::ostream* stream_;
  bool terminal_;
  bool live_ = false;
};

// "1m05s", "42s", "1h02m".
std::string FormatDuration(double seconds);

// The progress line of a training loop: step/total, loss, examples/s and ETA. On a terminal it is redrawn
// at most 10 times a second and at the end; otherwise a line is logged every `every_n_steps` steps (0: none).
// Every `every_n_steps` steps it also writes the "global_step/sec" and "examples/sec" summaries (it takes the
// place of the Estimator's StepCounterHook). Rates and the ETA use the steps since this hook's Begin.
class ProgressHook : public estimator::Hook {
 public:
  // `total_steps`: the global_step training ends at (0: unknown); `steps_per_call` > 0 caps it at the
  // global_step of the first Begin plus that many steps. `console` (not owned) must outlive the hook.
  ProgressHook(Console* console, int64_t total_steps, int64_t steps_per_call, int64_t every_n_steps);
  absl::Status Begin(estimator::HookContext& ctx) override;
  absl::Status AfterRun(estimator::HookContext& ctx, absl::Span<const graph::Tensor> values,
                        bool* stop) override;
  absl::Status End(estimator::HookContext& ctx) override;
  int64_t total_steps() const { return total_; }
  // The progress text for the current state (what Status or Line shows).
  std::string Describe(const estimator::HookContext& ctx) const;

 private:
  Console* console_;
  int64_t total_;
  int64_t steps_per_call_;
  int64_t every_;
  bool capped_ = false;
  int64_t begin_step_ = 0;
  int64_t examples_ = 0;
  double last_draw_ = -1;
  int64_t window_step_ = 0;
  double window_time_ = 0;
  int64_t window_examples_ = 0;
};

}  // namespace cli

#endif  // CLI_PROGRESS_HOOK_H_
