// Variables as layers and optimizers create them: registered in graph collections together with their
// initializers, so a trainer can initialize, train and checkpoint them without knowing who made them.
#ifndef LAYERS_VARIABLES_H_
#define LAYERS_VARIABLES_H_

#include <string>
#include <vector>

#include "graph/scope.h"

namespace layers {

using graph::Loc;
using graph::Node;
using graph::Output;
using graph::Scope;

// Collection names (graph::Graph::Collection).
inline constexpr char kGlobalVariables[] = "variables";               // every variable made here
inline constexpr char kTrainableVariables[] = "trainable_variables";  // those optimizers update by default
inline constexpr char kInitializers[] = "initializers";               // one Assign per variable
inline constexpr char kRegularizationLosses[] = "regularization_losses";  // scalar f32 terms
inline constexpr char kUpdateOps[] =
    "update_ops";  // ops to run with each training step (batch-norm averages)

// Creates variable `name` under the scope prefix with the dtype and (fully defined) shape of `initial_value`,
// and an Assign from it as its initializer; registers both. Returns the variable (invalid on error, recorded
// in the scope).
Output CreateVariable(const Scope& s, const std::string& name, Output initial_value, bool trainable = true,
                      Loc loc = Loc::current());

// The i64 scalar variable "global_step" (created with initial value 0 on first use, not trainable).
Output GetOrCreateGlobalStep(const Scope& s, Loc loc = Loc::current());

// A node that runs every initializer registered so far.
Node* InitializeAllVariables(const Scope& s, Loc loc = Loc::current());

// The registered variables.
const std::vector<Output>& TrainableVariables(const Scope& s);
const std::vector<Output>& GlobalVariables(const Scope& s);

}  // namespace layers

#endif  // LAYERS_VARIABLES_H_
