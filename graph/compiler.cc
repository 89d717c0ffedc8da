#include "graph/compiler.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "graph/memory_planner.h"
#include "graph/op_registry.h"

namespace graph {

// Builds a Plan; a friend of Plan.
class PlanBuilder {
 public:
  PlanBuilder(const CompileRequest& req, CompileServices& services) : req_(req), services_(services) {}

  absl::StatusOr<std::unique_ptr<Plan>> Build() {
    if (absl::Status st = Prune(); !st.ok()) return st;
    if (absl::Status st = InferConcreteTypes(); !st.ok()) return st;
    AssignStorage();
    if (absl::Status st = CreateKernels(); !st.ok()) return st;
    return std::move(plan_);
  }

 private:
  // Where an output's bytes live.
  struct Storage {
    int buffer = -1;  // arena buffer id, or -1 for an external tensor
    Tensor external;  // a constant, a variable or a view of one
    size_t view_bytes_offset = 0;
  };

  static int64_t Key(const Node* n, int index) { return (static_cast<int64_t>(n->id()) << 16) | index; }

  absl::Status Prune() {
    const Graph& g = *req_.graph;
    for (size_t i = 0; i < req_.feeds.size(); ++i)
      feed_index_[Key(req_.feeds[i].node, req_.feeds[i].index)] = i;
    needed_.assign(static_cast<size_t>(g.num_nodes()), false);
    std::vector<Node*> stack;
    auto need_output = [&](const Output& o) {
      if (!feed_index_.contains(Key(o.node, o.index))) stack.push_back(o.node);
    };
    for (const Output& f : req_.fetches) need_output(f);
    for (Node* t : req_.targets) stack.push_back(t);
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      if (needed_[static_cast<size_t>(n->id())]) continue;
      needed_[static_cast<size_t>(n->id())] = true;
      for (const Output& in : n->inputs()) need_output(in);
      for (Node* c : n->control_inputs()) stack.push_back(c);
    }
    for (const auto& node : g.nodes()) {
      if (needed_[static_cast<size_t>(node->id())]) order_.push_back(node.get());
    }
    return absl::OkStatus();
  }

  TensorType ConcreteInputType(const Output& in) const {
    auto it = feed_index_.find(Key(in.node, in.index));
    if (it != feed_index_.end()) return req_.feed_types[it->second];
    return types_.at(in.node->id())[static_cast<size_t>(in.index)];
  }

  absl::Status InferConcreteTypes() {
    for (const Node* n : order_) {
      if (n->kind() == OpKind::kPlaceholder || n->kind() == OpKind::kArg) {
        bool all_fed = true;
        for (int i = 0; i < n->num_outputs(); ++i) all_fed &= feed_index_.contains(Key(n, i));
        if (!all_fed) {
          return absl::InvalidArgumentError(absl::StrCat(
              n->Describe(), " must be fed: it has shape ", n->output_type(0).shape.ToString(), " and dtype ",
              DTypeName(n->output_type(0).dtype), " but no feed was given for it"));
        }
        std::vector<TensorType> fed_types;
        for (int i = 0; i < n->num_outputs(); ++i)
          fed_types.push_back(ConcreteInputType(Output(const_cast<Node*>(n), i)));
        types_[n->id()] = std::move(fed_types);
        continue;
      }
      std::vector<TensorType> in_types;
      in_types.reserve(static_cast<size_t>(n->num_inputs()));
      for (const Output& in : n->inputs()) in_types.push_back(ConcreteInputType(in));
      InferenceContext ctx(in_types, n->attrs(), n->subgraphs());
      if (absl::Status st = GetOpSchema(n->kind()).shape_fn(ctx); !st.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(n->Describe(), ": ", st.message()));
      }
      for (size_t i = 0; i < ctx.outputs().size(); ++i) {
        const TensorType& t = ctx.outputs()[i];
        if (!t.shape.IsFullyDefined() && !feed_index_.contains(Key(n, static_cast<int>(i)))) {
          return absl::InvalidArgumentError(absl::StrCat(n->Describe(), ": output ", i, " has shape ",
                                                         t.shape.ToString(), " even with the fed shapes"));
        }
      }
      types_[n->id()] = std::move(ctx.outputs());
    }
    return absl::OkStatus();
  }

  // True if the schema's alias_if makes output 0 a view of input 0 for these concrete types (no kernel runs).
  bool AliasedAtCompile(const Node* n) {
    const OpSchema& schema = GetOpSchema(n->kind());
    if (schema.alias_if == nullptr) return false;
    auto it = aliased_.find(n->id());
    if (it != aliased_.end()) return it->second;
    std::vector<TensorType> in;
    for (const Output& o : n->inputs()) in.push_back(ConcreteInputType(o));
    const bool alias = schema.alias_if(in, types_.at(n->id())[0]);
    aliased_[n->id()] = alias;
    return alias;
  }

  int NewBuffer(size_t bytes, int step) {
    requests_.push_back({bytes, step, step});
    return static_cast<int>(requests_.size()) - 1;
  }

  // Records that `o` is read at `step`.
  void Use(const Output& o, int step) {
    const Storage& s = StorageOf(o);
    if (s.buffer >= 0)
      requests_[static_cast<size_t>(s.buffer)].last_step =
          std::max(requests_[static_cast<size_t>(s.buffer)].last_step, step);
  }

  Storage& StorageOf(const Output& o) {
    auto it = feed_index_.find(Key(o.node, o.index));
    if (it != feed_index_.end()) return feed_storage_[it->second];
    return storage_[Key(o.node, o.index)];
  }

  void AssignStorage() {
    // Feeds live from the start.
    feed_storage_.resize(req_.feeds.size());
    for (size_t i = 0; i < req_.feeds.size(); ++i) {
      const TensorType& t = req_.feed_types[i];
      feed_storage_[i].buffer =
          NewBuffer(static_cast<size_t>(t.shape.num_elements()) * DTypeSize(t.dtype), 0);
    }
    int step = 0;
    for (const Node* n : order_) {
      const OpSchema& schema = GetOpSchema(n->kind());
      const bool has_kernel = schema.kernel != nullptr && !AliasedAtCompile(n);
      if (has_kernel) ++step;  // steps are numbered from 1; 0 is "before the first step"
      for (const Output& in : n->inputs()) Use(in, step);
      for (int i = 0; i < n->num_outputs(); ++i) {
        if (feed_index_.contains(Key(n, i))) continue;
        const TensorType& t = types_[n->id()][static_cast<size_t>(i)];
        Storage s;
        if (n->kind() == OpKind::kConst) {
          s.external = n->attrs().GetTensor("value");
        } else if (n->kind() == OpKind::kVariable) {
          s.external = services_.Variable(*n)->value;
        } else if (i == 0 && (schema.output_aliases_input0 || AliasedAtCompile(n))) {
          s = StorageOf(n->input(0));
        } else {
          s.buffer = NewBuffer(static_cast<size_t>(t.shape.num_elements()) * DTypeSize(t.dtype), step);
        }
        storage_[Key(n, i)] = s;
      }
    }
    num_steps_ = step;
    for (const Output& f : req_.fetches) Use(f, num_steps_ + 1);
  }

  Tensor View(const Output& o, const TensorType& t) {
    const Storage& s = StorageOf(o);
    if (s.buffer >= 0) {
      return Tensor(t.dtype, t.shape, plan_->arena_, memory_.offsets[static_cast<size_t>(s.buffer)]);
    }
    return Tensor(t.dtype, t.shape, s.external.buffer(), s.external.byte_offset());
  }

  // The variable an input ultimately reads, looking through views; nullptr if none.
  const Node* VariableBehind(Output in) const {
    while (true) {
      if (feed_index_.contains(Key(in.node, in.index))) return nullptr;
      if (in.node->kind() == OpKind::kVariable) return in.node;
      const bool view = GetOpSchema(in.node->kind()).output_aliases_input0 ||
                        const_cast<PlanBuilder*>(this)->AliasedAtCompile(in.node);
      if (!(view && in.index == 0)) return nullptr;
      in = in.node->input(0);
    }
  }

  absl::Status CreateKernels() {
    memory_ = PlanMemory(requests_);
    plan_ = std::unique_ptr<Plan>(new Plan());
    plan_->arena_ = std::make_shared<Buffer>(memory_.total_bytes);
    for (size_t i = 0; i < req_.feeds.size(); ++i)
      plan_->feeds_.push_back(View(req_.feeds[i], req_.feed_types[i]));
    for (const Node* n : order_) {
      const OpSchema& schema = GetOpSchema(n->kind());
      if (schema.kernel == nullptr || AliasedAtCompile(n)) continue;
      KernelContext ctx{*n, {}, {}, services_};
      for (const Output& in : n->inputs()) ctx.inputs.push_back(View(in, ConcreteInputType(in)));
      for (int i = 0; i < n->num_outputs(); ++i) {
        ctx.outputs.push_back(View(Output(const_cast<Node*>(n), i), types_[n->id()][static_cast<size_t>(i)]));
      }
      auto kernel = schema.kernel(ctx);
      if (!kernel.ok()) {
        return absl::Status(kernel.status().code(),
                            absl::StrCat(n->Describe(), ": ", kernel.status().message()));
      }
      Plan::Step step;
      step.kernel = *std::move(kernel);
      step.node = n;
      step.check_begin = static_cast<uint32_t>(plan_->checks_.size());
      for (int i = 0; i < n->num_inputs(); ++i) {
        const bool assign_target = i == 0 && n->kind() == OpKind::kAssign;
        const Node* var = VariableBehind(n->input(i));
        if (var != nullptr && !assign_target) plan_->checks_.push_back({services_.Variable(*var), n});
      }
      step.check_end = static_cast<uint32_t>(plan_->checks_.size());
      plan_->steps_.push_back(std::move(step));
    }
    for (const Output& f : req_.fetches) {
      plan_->results_.push_back(View(f, ConcreteInputType(f)));
      if (const Node* var = VariableBehind(f))
        plan_->fetch_checks_.push_back({services_.Variable(*var), nullptr});
    }
    return absl::OkStatus();
  }

  const CompileRequest& req_;
  CompileServices& services_;
  absl::flat_hash_map<int64_t, size_t> feed_index_;
  std::vector<bool> needed_;
  std::vector<const Node*> order_;
  absl::flat_hash_map<int, std::vector<TensorType>> types_;
  absl::flat_hash_map<int64_t, Storage> storage_;
  absl::flat_hash_map<int, bool> aliased_;
  std::vector<Storage> feed_storage_;
  std::vector<BufferRequest> requests_;
  int num_steps_ = 0;
  MemoryPlan memory_;
  std::unique_ptr<Plan> plan_;
};

absl::StatusOr<std::unique_ptr<Plan>> Compile(const CompileRequest& request, CompileServices& services) {
  return PlanBuilder(request, services).Build();
}

}  // namespace graph

namespace graph {

absl::StatusOr<std::vector<TensorType>> InferSubgraphResults(const Graph& g,
                                                             absl::Span<const TensorType> arg_types) {
  std::vector<std::vector<TensorType>> types(static_cast<size_t>(g.num_nodes()));
  for (size_t i = 0; i < g.args().size() && i < arg_types.size(); ++i) {
    types[static_cast<size_t>(g.args()[i].node->id())] = {arg_types[i]};
  }
  for (const auto& node : g.nodes()) {
    const Node* n = node.get();
    if (n->kind() == OpKind::kArg) continue;
    std::vector<TensorType> in;
    for (const Output& o : n->inputs())
      in.push_back(types[static_cast<size_t>(o.node->id())][static_cast<size_t>(o.index)]);
    InferenceContext ctx(in, n->attrs(), n->subgraphs());
    if (absl::Status st = GetOpSchema(n->kind()).shape_fn(ctx); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(n->Describe(), ": ", st.message()));
    }
    types[static_cast<size_t>(n->id())] = std::move(ctx.outputs());
  }
  std::vector<TensorType> results;
  for (const Output& r : g.results())
    results.push_back(types[static_cast<size_t>(r.node->id())][static_cast<size_t>(r.index)]);
  return results;
}

}  // namespace graph
