#include "graph/autodiff.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "graph/op_registry.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"

namespace graph {
namespace {

bool CarriesGradient(DType t) { return t == DType::kFloat32 || t == DType::kBFloat16; }

int64_t Key(const Output& o) { return (static_cast<int64_t>(o.node->id()) << 16) | o.index; }

}  // namespace

Output AddAll(const Scope& s, absl::Span<const Output> terms, Loc loc) {
  if (terms.empty()) return {};
  Output sum = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) sum = ops::Add(s, sum, terms[i], loc);
  return sum;
}

std::vector<Output> Gradients(const Scope& scope, absl::Span<const Output> ys, absl::Span<const Output> xs,
                              absl::Span<const Output> grad_ys, Loc loc) {
  std::vector<Output> result(xs.size());
  if (!scope.ok()) return result;
  const Scope s = scope.NewSubScope("gradients");
  Graph* g = s.graph();
  auto check = [&](const Output& o, const char* what, size_t i) {
    if (!o.valid() || o.node->graph() != g) {
      scope.RecordError(loc, OpKind::kNoOp, s.prefix(),
                        absl::StrCat("Gradients: ", what, " ", i,
                                     o.valid() ? " is not in this scope's graph" : " is not a value"));
      return false;
    }
    return true;
  };
  for (size_t i = 0; i < ys.size(); ++i)
    if (!check(ys[i], "y", i)) return result;
  for (size_t i = 0; i < xs.size(); ++i)
    if (!check(xs[i], "x", i)) return result;
  if (!grad_ys.empty() && grad_ys.size() != ys.size()) {
    scope.RecordError(loc, OpKind::kNoOp, s.prefix(),
                      absl::StrCat("Gradients: ", grad_ys.size(), " grad_ys for ", ys.size(), " ys"));
    return result;
  }

  // Nodes on a path from some x to some y.
  const size_t n = static_cast<size_t>(g->num_nodes());
  std::vector<bool> from_x(n, false), to_y(n, false);
  int min_x = g->num_nodes();
  for (const Output& x : xs) {
    from_x[static_cast<size_t>(x.node->id())] = true;
    min_x = std::min(min_x, x.node->id());
  }
  for (int id = min_x; id < g->num_nodes(); ++id) {
    if (!from_x[static_cast<size_t>(id)]) continue;
    for (Node* c : g->consumers(g->node(id))) from_x[static_cast<size_t>(c->id())] = true;
  }
  int max_y = -1;
  for (const Output& y : ys) {
    to_y[static_cast<size_t>(y.node->id())] = true;
    max_y = std::max(max_y, y.node->id());
  }
  for (int id = max_y; id >= 0; --id) {
    if (!to_y[static_cast<size_t>(id)]) continue;
    for (const Output& in : g->node(id)->inputs()) to_y[static_cast<size_t>(in.node->id())] = true;
  }

  absl::flat_hash_map<int64_t, std::vector<Output>> pending;
  for (size_t i = 0; i < ys.size(); ++i) {
    if (!CarriesGradient(ys[i].dtype())) {
      scope.RecordError(loc, OpKind::kNoOp, s.prefix(),
                        absl::StrCat("Gradients: y ", i, " ('", ys[i].name(), "') has dtype ",
                                     DTypeName(ys[i].dtype()), "; only f32 and bf16 values have gradients"));
      return result;
    }
    Output seed = grad_ys.empty() ? ops::OnesLike(s.WithLocation(loc), ys[i]) : grad_ys[i];
    pending[Key(ys[i])].push_back(seed);
  }
  auto take_sum = [&](const Output& o, const Scope& at) -> Output {
    auto it = pending.find(Key(o));
    if (it == pending.end()) return {};
    if (it->second.size() > 1) it->second = {AddAll(at, it->second)};
    return it->second[0];
  };

  for (int id = max_y; id >= min_x && s.ok(); --id) {
    const size_t u = static_cast<size_t>(id);
    if (!from_x[u] || !to_y[u]) continue;
    const Node& node = *g->node(id);
    if (node.num_inputs() == 0) continue;
    const Scope ns = s.NewSubScope(node.name()).WithLocation(node.location());
    std::vector<Output> dy(static_cast<size_t>(node.num_outputs()));
    bool any = false;
    for (int i = 0; i < node.num_outputs(); ++i) {
      Output out(const_cast<Node*>(&node), i);
      if (!CarriesGradient(out.dtype())) continue;
      dy[static_cast<size_t>(i)] = take_sum(out, ns);
      any |= dy[static_cast<size_t>(i)].valid();
    }
    if (!any) continue;
    const OpSchema& schema = GetOpSchema(node.kind());
    if (!schema.differentiable) continue;
    bool wants = false;
    for (const Output& in : node.inputs()) {
      wants |= from_x[static_cast<size_t>(in.node->id())] && CarriesGradient(in.dtype());
    }
    if (!wants) continue;
    if (schema.gradient == nullptr) {
      scope.RecordError(loc, node.kind(), node.name(),
                        absl::StrCat("Gradients: this op (", node.Location(), ") has no gradient"));
      return result;
    }
    std::vector<Output> dx(static_cast<size_t>(node.num_inputs()));
    schema.gradient(ns, node, dy, &dx);
    if (!s.ok()) return result;
    for (int j = 0; j < node.num_inputs(); ++j) {
      const Output& in = node.input(j);
      const Output& d = dx[static_cast<size_t>(j)];
      if (!d.valid() || !from_x[static_cast<size_t>(in.node->id())] || !CarriesGradient(in.dtype())) continue;
      if (d.dtype() != in.dtype() || !d.shape().IsCompatibleWith(in.shape())) {
        scope.RecordError(loc, node.kind(), node.name(),
                          absl::StrCat("Gradients: the gradient for input ", j, " is ", DTypeName(d.dtype()),
                                       d.shape().ToString(), " but the input is ", DTypeName(in.dtype()),
                                       in.shape().ToString()));
        return result;
      }
      pending[Key(in)].push_back(d);
    }
  }
  for (size_t i = 0; i < xs.size(); ++i) result[i] = take_sum(xs[i], s.WithLocation(loc));
  return result;
}

}  // namespace graph
