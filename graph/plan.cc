#include "graph/plan.h"

#include "absl/strings/str_cat.h"

namespace graph {

absl::Status Plan::Uninitialized(const Check& c) {
  return absl::FailedPreconditionError(absl::StrCat(c.slot->node->Describe(), " is read by ",
                                                    c.reader ? c.reader->Describe() : std::string("a fetch"),
                                                    " before it was initialized; run its initializer first"));
}

absl::Status Plan::Run(RunContext& ctx) {
  for (Step& step : steps_) {
    for (uint32_t c = step.check_begin; c < step.check_end; ++c) {
      if (!checks_[c].slot->initialized) return Uninitialized(checks_[c]);
    }
    absl::Status st = step.kernel->Run(ctx);
    if (!st.ok()) return absl::Status(st.code(), absl::StrCat(step.node->Describe(), ": ", st.message()));
  }
  for (const Check& c : fetch_checks_) {
    if (!c.slot->initialized) return Uninitialized(c);
  }
  return absl::OkStatus();
}

}  // namespace graph
