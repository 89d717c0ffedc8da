// Internals shared by the Estimator's source files (estimator.cc, estimator_train.cc, estimator_eval.cc).
#ifndef ESTIMATOR_ESTIMATOR_INTERNAL_H_
#define ESTIMATOR_ESTIMATOR_INTERNAL_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "estimator/estimator.h"
#include "graph/session.h"

namespace estimator {

// A graph built for one mode, with its session and the placeholders fed from dataset components.
struct Estimator::ModeGraph {
  Mode mode;
  Scope scope = Scope::NewRootScope();
  std::unique_ptr<graph::Session> session;
  std::vector<std::string> input_names;  // dataset component names, in feed order
  std::vector<Output> placeholders;
  EstimatorSpec spec;
  Output global_step;
  Node* init = nullptr;
  std::vector<Output> variables;
};

// The live training run: the input iterator and the summary writer that later Train calls continue with.
struct Estimator::LiveRun {
  datasets::Iterator it;
  std::unique_ptr<SummaryWriter> summaries;
};

namespace internal {

// The hooks of one loop and where each hook's extra fetches sit in the loop's fetch list.
class HookRunner {
 public:
  explicit HookRunner(std::vector<std::shared_ptr<Hook>> hooks) : hooks_(std::move(hooks)) {}

  // Begin on every hook, then appends every hook's Fetches() to `fetches`, then AfterCreateSession.
  absl::Status Start(HookContext& ctx, std::vector<Output>* fetches) {
    for (auto& h : hooks_) {
      if (absl::Status st = h->Begin(ctx); !st.ok()) return st;
    }
    for (auto& h : hooks_) {
      std::vector<Output> f = h->Fetches();
      ranges_.emplace_back(fetches->size(), f.size());
      fetches->insert(fetches->end(), f.begin(), f.end());
    }
    for (auto& h : hooks_) {
      if (absl::Status st = h->AfterCreateSession(ctx); !st.ok()) return st;
    }
    return absl::OkStatus();
  }
  // AfterRun on every hook with its own slice of `out`; stops at the first error.
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> out, bool* stop) {
    for (size_t h = 0; h < hooks_.size(); ++h) {
      absl::Status st = hooks_[h]->AfterRun(ctx, out.subspan(ranges_[h].first, ranges_[h].second), stop);
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  }
  // End on every hook; returns the first error but runs them all.
  absl::Status End(HookContext& ctx) {
    absl::Status first = absl::OkStatus();
    for (auto& h : hooks_) {
      if (absl::Status st = h->End(ctx); !st.ok() && first.ok()) first = st;
    }
    return first;
  }
  bool WantsTrace(int64_t step) const {
    for (const auto& h : hooks_) {
      if (h->WantsTrace(step)) return true;
    }
    return false;
  }

 private:
  std::vector<std::shared_ptr<Hook>> hooks_;
  std::vector<std::pair<size_t, size_t>> ranges_;
};

// Puts a batch's components into the feed list. Component positions are looked up by name on the first batch
// (and again only if the batch's layout changes), so steady-state steps look nothing up by name.
class BatchFeeder {
 public:
  explicit BatchFeeder(const std::vector<std::string>& names) : names_(names) {}
  absl::Status Feed(const datasets::Element& batch, std::vector<graph::Feed>* feeds) {
    if (batch.size() != layout_size_) {
      index_.clear();
      for (const std::string& name : names_) {
        const int i = batch.IndexOf(name);
        if (i < 0) return absl::InvalidArgumentError(absl::StrCat("a batch lacks the input '", name, "'"));
        index_.push_back(i);
      }
      layout_size_ = batch.size();
    }
    for (size_t i = 0; i < index_.size(); ++i) (*feeds)[i].second = batch.tensor(index_[i]);
    return absl::OkStatus();
  }

 private:
  const std::vector<std::string>& names_;
  std::vector<int> index_;
  int layout_size_ = -1;
};

// Creates input_fn's pipeline and reads its first batch (`*end` when there is none); the iterator continues
// after it.
inline absl::StatusOr<datasets::Iterator> StartInput(const InputFn& input_fn, datasets::Element* first,
                                                     bool* end) {
  datasets::Dataset ds = input_fn();
  absl::StatusOr<datasets::Iterator> it = ds.MakeIterator();
  if (!it.ok()) return it.status();
  if (absl::Status st = it->GetNext(first, end); !st.ok()) return st;
  return it;
}

// Checkpoint metadata keys.
inline constexpr char kGlobalStepKey[] = "global_step";
inline constexpr char kIteratorKey[] = "iterator_state";
inline constexpr char kRngPrefix[] = "rng/";

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace internal
}  // namespace estimator

#endif  // ESTIMATOR_ESTIMATOR_INTERNAL_H_
