#include "graph/plan.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace graph {

absl::Status Plan::Uninitialized(const Check& c) {
  return absl::FailedPreconditionError(absl::StrCat(c.slot->node->Describe(), " is read by ",
                                                    c.reader ? c.reader->Describe() : std::string("a fetch"),
                                                    " before it was initialized; run its initializer first"));
}

namespace {
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

absl::Status Plan::Run(RunContext& ctx) {
  for (Step& step : steps_) {
    for (uint32_t c = step.check_begin; c < step.check_end; ++c) {
      if (!checks_[c].slot->initialized) return Uninitialized(checks_[c]);
    }
    size_t traced = 0;
    if (ctx.trace != nullptr) {
      traced = ctx.trace->steps.size();
      ctx.trace->steps.push_back({step.node, NowNs(), 0});
    }
    absl::Status st = step.kernel->Run(ctx);
    if (ctx.trace != nullptr) {
      StepTiming& t = ctx.trace->steps[traced];
      t.duration_ns = NowNs() - t.start_ns;
    }
    if (!st.ok()) return absl::Status(st.code(), absl::StrCat(step.node->Describe(), ": ", st.message()));
  }
  for (const Check& c : fetch_checks_) {
    if (!c.slot->initialized) return Uninitialized(c);
  }
  return absl::OkStatus();
}

}  // namespace graph
