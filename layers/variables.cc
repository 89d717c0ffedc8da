#include "layers/variables.h"

#include "graph/ops/state_ops.h"

namespace layers {

namespace ops = graph::ops;

Output CreateVariable(const Scope& s, const std::string& name, Output initial_value, bool trainable,
                      Loc loc) {
  if (!s.ok()) return {};
  if (!initial_value.valid()) {
    s.RecordError(loc, graph::OpKind::kVariable, s.prefix() + name, "the initial value is not a value");
    return {};
  }
  Output var = ops::Variable(s, name, initial_value.dtype(), initial_value.shape(), loc);
  if (!var.valid()) return {};
  Output init = ops::Assign(s.NewSubScope(name + "/init"), var, initial_value, loc);
  if (!init.valid()) return {};
  graph::Graph* g = s.graph();
  g->AddToCollection(kGlobalVariables, var);
  if (trainable) g->AddToCollection(kTrainableVariables, var);
  g->AddToCollection(kInitializers, init);
  return var;
}

Output GetOrCreateGlobalStep(const Scope& scope, Loc loc) {
  const Scope s = scope.Root();
  graph::Graph* g = s.graph();
  if (Node* existing = g->FindNode("global_step"); existing != nullptr) {
    if (existing->kind() == graph::OpKind::kVariable &&
        existing->output_type(0).dtype == graph::DType::kInt64) {
      return existing->output(0);
    }
    s.RecordError(loc, graph::OpKind::kVariable, "global_step",
                  "the name global_step is taken by another node");
    return {};
  }
  Output var = ops::Variable(s, "global_step", graph::DType::kInt64, {}, loc);
  Output init = ops::Assign(s.WithOpName("global_step/init"), var, ops::Const(s, int64_t{0}, loc), loc);
  if (!init.valid()) return {};
  g->AddToCollection(kGlobalVariables, var);
  g->AddToCollection(kInitializers, init);
  return var;
}

Node* InitializeAllVariables(const Scope& s, Loc loc) {
  return ops::Group(s, s.graph()->Collection(kInitializers), "init_all_variables", loc);
}

const std::vector<Output>& TrainableVariables(const Scope& s) {
  return s.graph()->Collection(kTrainableVariables);
}
const std::vector<Output>& GlobalVariables(const Scope& s) { return s.graph()->Collection(kGlobalVariables); }

}  // namespace layers
