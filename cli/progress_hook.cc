#include "cli/progress_hook.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cli {

void Console::Status(const std::string& text) {
  if (!terminal_) return;
  *stream_ << '\r' << text << "\033[K" << std::flush;
  live_ = true;
}

void Console::Line(const std::string& text) {
  if (terminal_ && live_) {
    *stream_ << "\r\033[K";
    live_ = false;
  }
  *stream_ << text << '\n' << std::flush;
}

void Console::Finish() {
  if (live_) *stream_ << '\n' << std::flush;
  live_ = false;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm", s / 3600, (s % 3600) / 60);
}

ProgressHook::ProgressHook(Console* console, int64_t total_steps, int64_t steps_per_call,
                           int64_t every_n_steps)
    : console_(console), total_(total_steps), steps_per_call_(steps_per_call), every_(every_n_steps) {}

absl::Status ProgressHook::Begin(estimator::HookContext& ctx) {
  begin_step_ = ctx.global_step;
  examples_ = 0;
  last_draw_ = -1;
  window_step_ = ctx.global_step;
  window_time_ = 0;
  window_examples_ = 0;
  if (steps_per_call_ > 0 && !capped_) {
    const int64_t cap = ctx.global_step + steps_per_call_;
    total_ = total_ > 0 ? std::min(total_, cap) : cap;
    capped_ = true;
  }
  return absl::OkStatus();
}

std::string ProgressHook::Describe(const estimator::HookContext& ctx) const {
  const int64_t done = ctx.global_step - begin_step_;
  const double rate = ctx.wall_seconds > 0 ? static_cast<double>(examples_) / ctx.wall_seconds : 0;
  std::string text = absl::StrCat("step ", ctx.global_step);
  if (total_ > 0) {
    absl::StrAppend(&text, "/", total_,
                    absl::StrFormat(" (%d%%)", static_cast<int>(100.0 * static_cast<double>(ctx.global_step) /
                                                                static_cast<double>(total_))));
  }
  absl::StrAppend(&text, absl::StrFormat("  loss %.4g  %.0f examples/s", ctx.loss, rate));
  if (total_ > 0 && done > 0 && ctx.wall_seconds > 0) {
    const double secs_per_step = ctx.wall_seconds / static_cast<double>(done);
    const double left = static_cast<double>(std::max<int64_t>(0, total_ - ctx.global_step)) * secs_per_step;
    absl::StrAppend(&text, "  ETA ", FormatDuration(left));
  }
  return text;
}

absl::Status ProgressHook::AfterRun(estimator::HookContext& ctx, absl::Span<const graph::Tensor>, bool*) {
  examples_ += ctx.batch_size;
  window_examples_ += ctx.batch_size;
  const bool at_interval = every_ > 0 && ctx.global_step % every_ == 0;
  if (console_->terminal()) {
    if (last_draw_ < 0 || ctx.wall_seconds - last_draw_ >= 0.1) {
      console_->Status(Describe(ctx));
      last_draw_ = ctx.wall_seconds;
    }
  } else if (at_interval) {
    console_->Line(Describe(ctx));
  }
  if (at_interval) {
    const double secs = ctx.wall_seconds - window_time_;
    if (secs > 0 && ctx.add_scalar && ctx.global_step > window_step_) {
      ctx.add_scalar("global_step/sec", static_cast<double>(ctx.global_step - window_step_) / secs);
      ctx.add_scalar("examples/sec", static_cast<double>(window_examples_) / secs);
    }
    window_step_ = ctx.global_step;
    window_time_ = ctx.wall_seconds;
    window_examples_ = 0;
  }
  return absl::OkStatus();
}

absl::Status ProgressHook::End(estimator::HookContext& ctx) {
  if (console_->terminal() && ctx.global_step > begin_step_) console_->Status(Describe(ctx));
  console_->Finish();
  return absl::OkStatus();
}

}  // namespace cli
