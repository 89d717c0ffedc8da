#include "graph/ops/control_flow_ops.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "graph/compiler.h"
#include "graph/kernel.h"
#include "graph/op_registry.h"
#include "graph/plan.h"

namespace graph {
namespace {

Output AddArg(Graph* g, const TensorType& type, int index, const Loc& loc) {
  NodeDef def;
  def.kind = OpKind::kArg;
  def.name = g->UniqueName(absl::StrCat("arg_", index));
  def.attrs.Set("index", static_cast<int64_t>(index));
  def.outputs.push_back(type);
  def.location = loc;
  Node* n = g->AddNode(std::move(def));
  g->AddArg(n->output(0));
  return n->output(0);
}

// The value `o` as seen inside `g` (captured if it comes from an enclosing graph); invalid if unrelated.
Output Localize(Graph* g, Output o) {
  if (!o.valid()) return {};
  if (o.node->graph() == g) return o;
  if (g->IsSelfOrAncestor(o.node->graph())) return g->Capture(o);
  return {};
}

std::string TypeString(const TensorType& t) { return absl::StrCat(DTypeName(t.dtype), t.shape.ToString()); }

}  // namespace

namespace ops {

std::vector<Output> WhileLoop(const Scope& s, const WhileCondFn& cond, const WhileBodyFn& body,
                              const std::vector<Output>& loop_vars, const WhileOptions& options, Loc loc) {
  std::vector<Output> failed(loop_vars.size());
  if (!s.ok()) return failed;
  const std::string name = s.prefix() + options.name;
  std::vector<TensorType> types;
  for (size_t i = 0; i < loop_vars.size(); ++i) {
    if (!loop_vars[i].valid()) {
      s.RecordError(loc, OpKind::kWhile, name, absl::StrCat("loop variable ", i, " is not a value"));
      return failed;
    }
    types.push_back(loop_vars[i].node->output_type(loop_vars[i].index));
  }
  if (loop_vars.empty()) {
    s.RecordError(loc, OpKind::kWhile, name, "needs at least one loop variable");
    return failed;
  }
  Graph* cond_graph = s.graph()->NewSubgraph();
  Graph* body_graph = s.graph()->NewSubgraph();
  std::vector<Output> cond_args, body_args;
  for (size_t i = 0; i < types.size(); ++i) {
    cond_args.push_back(AddArg(cond_graph, types[i], static_cast<int>(i), loc));
    body_args.push_back(AddArg(body_graph, types[i], static_cast<int>(i), loc));
  }
  // Condition.
  Scope cs = s.ForSubgraph(cond_graph, options.name + "/cond");
  Output pred = Localize(cond_graph, cond(cs, cond_args));
  if (!s.ok()) return failed;
  if (!pred.valid()) {
    s.RecordError(loc, OpKind::kWhile, name, "the condition returned no value");
    return failed;
  }
  if (pred.dtype() != DType::kBool || pred.shape().rank() != 0) {
    s.RecordError(loc, OpKind::kWhile, name,
                  absl::StrCat("the condition must return a bool scalar, got ",
                               TypeString({pred.dtype(), pred.shape()})));
    return failed;
  }
  cond_graph->SetResults({pred});
  // Body.
  Scope bs = s.ForSubgraph(body_graph, options.name + "/body");
  std::vector<Output> next = body(bs, body_args);
  if (!s.ok()) return failed;
  if (next.size() != types.size()) {
    s.RecordError(
        loc, OpKind::kWhile, name,
        absl::StrCat("the body returned ", next.size(), " values for ", types.size(), " loop variables"));
    return failed;
  }
  for (size_t i = 0; i < next.size(); ++i) {
    next[i] = Localize(body_graph, next[i]);
    if (!next[i].valid()) {
      s.RecordError(loc, OpKind::kWhile, name, absl::StrCat("the body's value ", i, " is not a value"));
      return failed;
    }
    const TensorType& t = next[i].node->output_type(next[i].index);
    if (t.dtype != types[i].dtype || !t.shape.IsCompatibleWith(types[i].shape)) {
      s.RecordError(loc, OpKind::kWhile, name,
                    absl::StrCat("loop variable ", i, " is ", TypeString(types[i]), " before the loop but ",
                                 TypeString(t), " after the body; it must keep its dtype and shape"));
      return failed;
    }
  }
  body_graph->SetResults(next);
  std::vector<Output> inputs = loop_vars;
  for (const Output& c : cond_graph->captures()) inputs.push_back(c);
  for (const Output& c : body_graph->captures()) inputs.push_back(c);
  AttrMap attrs{{"num_loop_vars", static_cast<int64_t>(loop_vars.size())},
                {"num_cond_captures", static_cast<int64_t>(cond_graph->captures().size())},
                {"maximum_iterations", options.maximum_iterations}};
  Node* n = s.AddOp(OpKind::kWhile, std::move(inputs), std::move(attrs), loc, options.name,
                    {cond_graph, body_graph});
  if (n == nullptr) return failed;
  std::vector<Output> out;
  for (int i = 0; i < n->num_outputs(); ++i) out.push_back(n->output(i));
  return out;
}

std::vector<Output> Cond(const Scope& s, Output pred, const BranchFn& then_fn, const BranchFn& else_fn,
                         const std::string& name, Loc loc) {
  if (!s.ok()) return {};
  const std::string full = s.prefix() + name;
  if (!pred.valid()) {
    s.RecordError(loc, OpKind::kCond, full, "the predicate is not a value");
    return {};
  }
  Graph* branches[2] = {s.graph()->NewSubgraph(), s.graph()->NewSubgraph()};
  const BranchFn* fns[2] = {&then_fn, &else_fn};
  const char* labels[2] = {"then", "else"};
  size_t count = 0;
  for (int b = 0; b < 2; ++b) {
    Scope bs = s.ForSubgraph(branches[b], absl::StrCat(name, "/", labels[b]));
    std::vector<Output> results = (*fns[b])(bs);
    if (!s.ok()) return {};
    for (size_t i = 0; i < results.size(); ++i) {
      results[i] = Localize(branches[b], results[i]);
      if (!results[i].valid()) {
        s.RecordError(loc, OpKind::kCond, full,
                      absl::StrCat("the ", labels[b], " branch's value ", i, " is not a value"));
        return {};
      }
    }
    if (b == 0) count = results.size();
    if (results.size() != count) {
      s.RecordError(
          loc, OpKind::kCond, full,
          absl::StrCat("the then branch returns ", count, " values but the else branch ", results.size()));
      return std::vector<Output>(count);
    }
    branches[b]->SetResults(std::move(results));
  }
  std::vector<Output> inputs = {pred};
  for (const Output& c : branches[0]->captures()) inputs.push_back(c);
  for (const Output& c : branches[1]->captures()) inputs.push_back(c);
  AttrMap attrs{{"num_then_captures", static_cast<int64_t>(branches[0]->captures().size())}};
  Node* n =
      s.AddOp(OpKind::kCond, std::move(inputs), std::move(attrs), loc, name, {branches[0], branches[1]});
  if (n == nullptr) return std::vector<Output>(count);
  std::vector<Output> out;
  for (int i = 0; i < n->num_outputs(); ++i) out.push_back(n->output(i));
  return out;
}

}  // namespace ops

namespace {

absl::Status WhileShape(InferenceContext& c) {
  const int64_t n = c.attrs().GetInt("num_loop_vars");
  for (int64_t i = 0; i < n; ++i)
    c.AddOutput(c.input_dtype(static_cast<int>(i)), c.input_shape(static_cast<int>(i)));
  return absl::OkStatus();
}

absl::Status CondShape(InferenceContext& c) {
  if (c.input_dtype(0) != DType::kBool || c.input_shape(0).rank() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the predicate must be a bool scalar, got ", TypeString(c.input(0))));
  }
  const int then_caps = static_cast<int>(c.attrs().GetInt("num_then_captures"));
  bool concrete = true;
  for (int i = 0; i < c.num_inputs(); ++i) concrete &= c.input_shape(i).IsFullyDefined();
  std::vector<TensorType> results[2];
  for (int b = 0; b < 2; ++b) {
    const Graph& g = *c.subgraphs()[static_cast<size_t>(b)];
    if (concrete) {
      std::vector<TensorType> caps;
      const int begin = b == 0 ? 1 : 1 + then_caps;
      for (int i = 0; i < static_cast<int>(g.captures().size()); ++i) caps.push_back(c.input(begin + i));
      auto r = InferSubgraphResults(g, caps);
      if (!r.ok()) return r.status();
      results[b] = *std::move(r);
    } else {
      for (const Output& o : g.results()) results[b].push_back(o.node->output_type(o.index));
    }
  }
  for (size_t i = 0; i < results[0].size(); ++i) {
    const TensorType& t = results[0][i];
    const TensorType& e = results[1][i];
    if (t.dtype != e.dtype || t.shape.rank() != e.shape.rank() || (concrete && t.shape != e.shape) ||
        !t.shape.IsCompatibleWith(e.shape)) {
      return absl::InvalidArgumentError(absl::StrCat("value ", i, " is ", TypeString(t),
                                                     " in the then branch but ", TypeString(e),
                                                     " in the else branch"));
    }
    Shape merged = t.shape;
    for (int d = 0; d < merged.rank(); ++d) {
      if (merged.dim(d) != e.shape.dim(d)) merged.set_dim(d, Shape::kUnknownDim);
    }
    c.AddOutput(t.dtype, merged);
  }
  return absl::OkStatus();
}

// Copies `n` tensors' bytes (same sizes, checked at compile time).
void CopyAll(absl::Span<const Tensor> from, absl::Span<Tensor> to, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (from[i].nbytes() > 0) std::memcpy(to[i].raw_data(), from[i].raw_data(), from[i].nbytes());
  }
}

absl::Status CheckSameTypes(absl::Span<const Tensor> got, absl::Span<const Tensor> want, const char* what) {
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i].dtype() != want[i].dtype() || got[i].shape() != want[i].shape()) {
      return absl::InvalidArgumentError(absl::StrCat(what, " ", i, " is ", DTypeName(want[i].dtype()),
                                                     want[i].shape().ToString(), " but the subgraph gives ",
                                                     DTypeName(got[i].dtype()), got[i].shape().ToString()));
    }
  }
  return absl::OkStatus();
}

class WhileKernel : public Kernel {
 public:
  absl::Status Init(KernelContext& ctx) {
    const Node& node = ctx.node;
    n_ = static_cast<size_t>(node.attrs().GetInt("num_loop_vars"));
    const size_t cond_caps = static_cast<size_t>(node.attrs().GetInt("num_cond_captures"));
    max_iterations_ = node.attrs().GetInt("maximum_iterations");
    inputs_ = ctx.inputs;
    outputs_ = ctx.outputs;
    std::vector<TensorType> cond_types, body_types;
    for (size_t i = 0; i < n_; ++i) {
      cond_types.push_back({inputs_[i].dtype(), inputs_[i].shape()});
      body_types.push_back({inputs_[i].dtype(), inputs_[i].shape()});
    }
    for (size_t i = n_; i < n_ + cond_caps; ++i)
      cond_types.push_back({inputs_[i].dtype(), inputs_[i].shape()});
    for (size_t i = n_ + cond_caps; i < inputs_.size(); ++i) {
      body_types.push_back({inputs_[i].dtype(), inputs_[i].shape()});
    }
    auto cond = ctx.services.CompileSubgraph(*node.subgraphs()[0], cond_types);
    if (!cond.ok()) return cond.status();
    auto body = ctx.services.CompileSubgraph(*node.subgraphs()[1], body_types);
    if (!body.ok()) return body.status();
    cond_ = *std::move(cond);
    body_ = *std::move(body);
    if (absl::Status st = CheckSameTypes(body_->results(), outputs_, "loop variable"); !st.ok()) return st;
    cond_captures_ = absl::MakeConstSpan(inputs_).subspan(n_, cond_caps);
    body_captures_ = absl::MakeConstSpan(inputs_).subspan(n_ + cond_caps);
    return absl::OkStatus();
  }

  absl::Status Run(RunContext& ctx) override {
    CopyAll(inputs_, absl::MakeSpan(outputs_), n_);
    for (int64_t iter = 0; max_iterations_ < 0 || iter < max_iterations_; ++iter) {
      // A subgraph's plan may reuse a feed's bytes after its last read, so captures are fed on every run.
      CopyAll(outputs_, cond_->feeds(), n_);
      CopyAll(cond_captures_, cond_->feeds().subspan(n_), cond_captures_.size());
      if (absl::Status st = cond_->Run(ctx); !st.ok()) return st;
      if (!*cond_->results()[0].data<bool>()) break;
      CopyAll(outputs_, body_->feeds(), n_);
      CopyAll(body_captures_, body_->feeds().subspan(n_), body_captures_.size());
      if (absl::Status st = body_->Run(ctx); !st.ok()) return st;
      CopyAll(body_->results(), absl::MakeSpan(outputs_), n_);
    }
    return absl::OkStatus();
  }

 private:
  size_t n_ = 0;
  int64_t max_iterations_ = -1;
  std::vector<Tensor> inputs_, outputs_;
  absl::Span<const Tensor> cond_captures_, body_captures_;
  std::unique_ptr<Plan> cond_, body_;
};

class CondKernel : public Kernel {
 public:
  absl::Status Init(KernelContext& ctx) {
    const Node& node = ctx.node;
    inputs_ = ctx.inputs;
    outputs_ = ctx.outputs;
    const size_t then_caps = static_cast<size_t>(node.attrs().GetInt("num_then_captures"));
    captures_[0] = absl::MakeConstSpan(inputs_).subspan(1, then_caps);
    captures_[1] = absl::MakeConstSpan(inputs_).subspan(1 + then_caps);
    for (int b = 0; b < 2; ++b) {
      std::vector<TensorType> types;
      for (const Tensor& t : captures_[b]) types.push_back({t.dtype(), t.shape()});
      auto plan = ctx.services.CompileSubgraph(*node.subgraphs()[static_cast<size_t>(b)], types);
      if (!plan.ok()) return plan.status();
      branches_[b] = *std::move(plan);
      if (absl::Status st = CheckSameTypes(branches_[b]->results(), outputs_, "value"); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  absl::Status Run(RunContext& ctx) override {
    const int b = *inputs_[0].data<bool>() ? 0 : 1;
    Plan& plan = *branches_[b];
    CopyAll(captures_[b], plan.feeds(), captures_[b].size());
    if (absl::Status st = plan.Run(ctx); !st.ok()) return st;
    CopyAll(plan.results(), absl::MakeSpan(outputs_), outputs_.size());
    return absl::OkStatus();
  }

 private:
  std::vector<Tensor> inputs_, outputs_;
  absl::Span<const Tensor> captures_[2];
  std::unique_ptr<Plan> branches_[2];
};

template <typename K>
absl::StatusOr<std::unique_ptr<Kernel>> Make(KernelContext& ctx) {
  auto k = std::make_unique<K>();
  if (absl::Status st = k->Init(ctx); !st.ok()) return st;
  return k;
}

}  // namespace

void RegisterControlFlowOps(OpRegistry& r) {
  r.Register({.kind = OpKind::kWhile,
              .min_inputs = 1,
              .max_inputs = -1,
              .shape_fn = WhileShape,
              .kernel = Make<WhileKernel>,
              .stateful = true});
  r.Register({.kind = OpKind::kCond,
              .min_inputs = 1,
              .max_inputs = -1,
              .shape_fn = CondShape,
              .kernel = Make<CondKernel>,
              .stateful = true});
}

}  // namespace graph
