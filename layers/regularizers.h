// L1 / L2 weight penalties, collected into one regularization loss.
#ifndef LAYERS_REGULARIZERS_H_
#define LAYERS_REGULARIZERS_H_

#include "absl/status/status.h"
#include "layers/variables.h"

namespace layers {

// penalty(w) = l1 * sum(|w|) + l2 * sum(w^2) (Keras' L1L2). Both 0: no penalty.
struct Regularizer {
  float l1 = 0.0f;
  float l2 = 0.0f;
  bool active() const { return l1 != 0.0f || l2 != 0.0f; }
  absl::Status Validate() const;
};

// Adds penalty(weight) to the kRegularizationLosses collection (nothing if inactive).
void AddRegularization(const Scope& s, Output weight, const Regularizer& r, Loc loc = Loc::current());

// The sum of every collected penalty, or a 0 constant if there is none (f32 scalar).
Output RegularizationLoss(const Scope& s, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_REGULARIZERS_H_
