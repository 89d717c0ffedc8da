#include "graph/session.h"

#include <omp.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/compiler.h"
#include "graph/op_registry.h"

#include <algorithm>

namespace graph {

class Session::Services : public CompileServices {
 public:
  explicit Services(Session& s) : s_(s) {}
  dnnl::engine& engine() override { return s_.engine_; }
  bool emulate_bf16() const override { return s_.options_.emulate_bf16; }
  VariableSlot* Variable(const Node& node) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return s_.VariableFor(node);
  }
  uint64_t* RngCounter(const Node& node) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return &s_.rng_counters_[&node];
  }
  absl::StatusOr<std::unique_ptr<Plan>> CompileSubgraph(const Graph& subgraph,
                                                        absl::Span<const TensorType> arg_types) override {
    CompileRequest req;
    req.graph = &subgraph;
    req.feeds = subgraph.args();
    req.feed_types = arg_types;
    req.fetches = subgraph.results();
    return Compile(req, *this);
  }

 private:
  Session& s_;
};

Session::Session(const Graph& graph, SessionOptions options)
    : graph_(graph),
      options_(options),
      engine_(dnnl::engine::kind::cpu, 0),
      stream_(engine_),
      services_(std::make_unique<Services>(*this)) {}

Session::~Session() = default;

namespace {

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

uint64_t SignatureHash(absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                       absl::Span<Node* const> targets) {
  uint64_t h = 0x84222325cbf29ce4ULL;
  for (const Feed& f : feeds) {
    h = Mix(h, reinterpret_cast<uintptr_t>(f.first.node));
    h = Mix(h, static_cast<uint64_t>(f.first.index));
    h = Mix(h, static_cast<uint64_t>(f.second.dtype()));
    for (int64_t d : f.second.shape().dims()) h = Mix(h, static_cast<uint64_t>(d));
    h = Mix(h, 0xfeed);
  }
  for (const Output& o : fetches) {
    h = Mix(h, reinterpret_cast<uintptr_t>(o.node));
    h = Mix(h, static_cast<uint64_t>(o.index));
  }
  h = Mix(h, 0xf00d);
  for (const Node* n : targets) h = Mix(h, reinterpret_cast<uintptr_t>(n));
  return h;
}

// Sets the calling thread's OpenMP thread count for one run (compiling included: oneDNN picks its blocking
// for the thread count it is created with) and gives the caller its own setting back. OpenMP keeps the
// count per thread, so a Session run from any thread computes with the same count and the same bits.
class ThreadCountScope {
 public:
  explicit ThreadCountScope(int threads) : saved_(omp_get_max_threads()) {
    if (threads > 0 && threads != saved_) {
      omp_set_num_threads(threads);
      changed_ = true;
    }
  }
  ~ThreadCountScope() {
    if (changed_) omp_set_num_threads(saved_);
  }
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;

 private:
  int saved_;
  bool changed_ = false;
};

std::string Where(const Output& o) {
  return o.node ? absl::StrCat("'", o.name(), "' (", o.node->Location(), ")") : std::string("<none>");
}

}  // namespace

Plan* Session::FindPlan(uint64_t hash, absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                        absl::Span<Node* const> targets) {
  auto it = plans_.find(hash);
  if (it == plans_.end()) return nullptr;
  for (CachedPlan& c : it->second) {
    if (c.feeds.size() != feeds.size() || c.fetches.size() != fetches.size() ||
        c.targets.size() != targets.size())
      continue;
    bool same = true;
    for (size_t i = 0; same && i < feeds.size(); ++i) {
      same = c.feeds[i] == feeds[i].first && c.feed_types[i].dtype == feeds[i].second.dtype() &&
             c.feed_types[i].shape == feeds[i].second.shape();
    }
    for (size_t i = 0; same && i < fetches.size(); ++i) same = c.fetches[i] == fetches[i];
    for (size_t i = 0; same && i < targets.size(); ++i) same = c.targets[i] == targets[i];
    if (same) return c.plan.get();
  }
  return nullptr;
}

absl::Status Session::ValidateSignature(absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                                        absl::Span<Node* const> targets) const {
  auto in_graph = [&](const Node* n) {
    return n != nullptr && n->graph() == &graph_ && n->id() < graph_.num_nodes() && graph_.node(n->id()) == n;
  };
  absl::flat_hash_set<Output> fed;
  for (const Feed& f : feeds) {
    const Output& o = f.first;
    if (!in_graph(o.node) || o.index < 0 || o.index >= o.node->num_outputs()) {
      return absl::InvalidArgumentError(
          absl::StrCat("feed ", Where(o), " is not an output of this session's graph"));
    }
    if (!fed.insert(o).second)
      return absl::InvalidArgumentError(absl::StrCat("feed ", Where(o), " is fed twice"));
    if (f.second.dtype() != o.dtype()) {
      return absl::InvalidArgumentError(absl::StrCat("feed for ", o.node->Describe(), " has dtype ",
                                                     DTypeName(f.second.dtype()), " but the graph expects ",
                                                     DTypeName(o.dtype())));
    }
    if (!f.second.shape().IsCompatibleWith(o.shape())) {
      return absl::InvalidArgumentError(absl::StrCat("feed for ", o.node->Describe(), " has shape ",
                                                     f.second.shape().ToString(), " but the graph expects ",
                                                     o.shape().ToString()));
    }
  }
  for (const Output& o : fetches) {
    if (!in_graph(o.node) || o.index < 0 || o.index >= o.node->num_outputs()) {
      return absl::InvalidArgumentError(absl::StrCat("fetch ", Where(o),
                                                     " is not an output of this session's graph",
                                                     o.node ? "" : " (an invalid Output)"));
    }
  }
  for (const Node* n : targets) {
    if (!in_graph(n)) {
      return absl::InvalidArgumentError(absl::StrCat("target ", n ? n->Describe() : std::string("<null>"),
                                                     " is not a node of this session's graph"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Plan*> Session::CompileAndCache(uint64_t hash, absl::Span<const Feed> feeds,
                                               absl::Span<const Output> fetches,
                                               absl::Span<Node* const> targets) {
  if (absl::Status st = ValidateSignature(feeds, fetches, targets); !st.ok()) return st;
  CachedPlan c;
  for (const Feed& f : feeds) {
    c.feeds.push_back(f.first);
    c.feed_types.push_back({f.second.dtype(), f.second.shape()});
  }
  c.fetches.assign(fetches.begin(), fetches.end());
  c.targets.assign(targets.begin(), targets.end());
  CompileRequest req;
  req.graph = &graph_;
  req.feeds = c.feeds;
  req.feed_types = c.feed_types;
  req.fetches = c.fetches;
  req.targets = c.targets;
  auto plan = Compile(req, *services_);
  if (!plan.ok()) return plan.status();
  c.plan = *std::move(plan);
  Plan* raw = c.plan.get();
  plans_[hash].push_back(std::move(c));
  return raw;
}

absl::Status Session::Run(absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                          absl::Span<Node* const> targets, std::vector<Tensor>* outputs, RunTrace* trace) {
  absl::MutexLock lock(&mu_);
  ThreadCountScope threads(options_.intra_op_threads);
  for (const Feed& f : feeds) {
    if (!f.second.IsValid()) {
      return absl::InvalidArgumentError(absl::StrCat("feed for ", Where(f.first), " is an empty Tensor"));
    }
  }
  const uint64_t hash = SignatureHash(feeds, fetches, targets);
  Plan* plan = FindPlan(hash, feeds, fetches, targets);
  if (plan == nullptr) {
    auto compiled = CompileAndCache(hash, feeds, fetches, targets);
    if (!compiled.ok()) return compiled.status();
    plan = *compiled;
  }
  absl::Span<Tensor> slots = plan->feeds();
  for (size_t i = 0; i < feeds.size(); ++i) slots[i].CopyFrom(feeds[i].second);
  RunContext ctx{&stream_, trace};
  if (absl::Status st = plan->Run(ctx); !st.ok()) return st;
  if (outputs == nullptr) return absl::OkStatus();
  outputs->resize(fetches.size());
  absl::Span<const Tensor> results = plan->results();
  for (size_t i = 0; i < results.size(); ++i) {
    Tensor& out = (*outputs)[i];
    const Tensor& r = results[i];
    if (!(out.OwnsBufferAlone() && out.dtype() == r.dtype() && out.shape() == r.shape())) {
      out = Tensor(r.dtype(), r.shape());
    }
    out.CopyFrom(r);
  }
  return absl::OkStatus();
}

VariableSlot* Session::VariableFor(const Node& node) {
  auto [it, inserted] = variables_.try_emplace(&node);
  if (inserted) {
    it->second.node = &node;
    it->second.value = Tensor(node.attrs().GetType("dtype"), node.attrs().GetShape("shape"));
    variable_order_.push_back(&node);
  }
  return &it->second;
}

std::vector<const VariableSlot*> Session::Variables() {
  absl::MutexLock lock(&mu_);
  std::vector<const VariableSlot*> out;
  for (const Node* n : variable_order_) out.push_back(&variables_.at(n));
  return out;
}

absl::StatusOr<Tensor> Session::ReadVariable(const std::string& name) {
  absl::MutexLock lock(&mu_);
  const Node* n = graph_.FindNode(name);
  if (n == nullptr || n->kind() != OpKind::kVariable) {
    return absl::NotFoundError(absl::StrCat("no variable named '", name, "' in the graph"));
  }
  VariableSlot* slot = VariableFor(*n);
  if (!slot->initialized) {
    return absl::FailedPreconditionError(absl::StrCat(n->Describe(), " is not initialized"));
  }
  return slot->value.Clone();
}

absl::Status Session::WriteVariable(const std::string& name, const Tensor& value) {
  absl::MutexLock lock(&mu_);
  const Node* n = graph_.FindNode(name);
  if (n == nullptr || n->kind() != OpKind::kVariable) {
    return absl::NotFoundError(absl::StrCat("no variable named '", name, "' in the graph"));
  }
  VariableSlot* slot = VariableFor(*n);
  if (value.dtype() != slot->value.dtype() || value.shape() != slot->value.shape()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write ", DTypeName(value.dtype()), value.shape().ToString(), " into ",
                     n->Describe(), " of ", DTypeName(slot->value.dtype()), slot->value.shape().ToString()));
  }
  slot->value.CopyFrom(value);
  slot->initialized = true;
  return absl::OkStatus();
}

std::vector<std::pair<std::string, uint64_t>> Session::RngCounters() {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& [node, value] : rng_counters_) {
    if (node->graph() == &graph_) out.emplace_back(node->name(), value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status Session::SetRngCounter(const std::string& node_name, uint64_t value) {
  absl::MutexLock lock(&mu_);
  const Node* n = graph_.FindNode(node_name);
  if (n == nullptr || !GetOpSchema(n->kind()).stateful) {
    return absl::NotFoundError(absl::StrCat("no random op named '", node_name, "' in the graph"));
  }
  rng_counters_[n] = value;
  return absl::OkStatus();
}

int Session::num_cached_plans() const {
  absl::MutexLock lock(&mu_);
  int n = 0;
  for (const auto& [h, list] : plans_) n += static_cast<int>(list.size());
  return n;
}

}  // namespace graph
