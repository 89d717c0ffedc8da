// Finite-difference check of symbolic gradients, shared by every op's gradient test.
#ifndef TESTS_GRAPH_GRADIENT_CHECKER_H_
#define TESTS_GRAPH_GRADIENT_CHECKER_H_

#include <vector>

#include "graph/scope.h"
#include "graph/tensor.h"

namespace testing_util {

struct GradCheckOptions {
  double delta = 1e-3;  // central-difference step
  double atol = 2e-3;   // |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 2e-3;
  uint32_t seed = 1;  // for the random projection w of y
};

// For L(x) = <y(x), w> with a fixed random w (values in [-1, 1]), compares dL/dx from graph::Gradients (with
// grad_ys = w) against central differences of L evaluated by the Session in f32 and accumulated in double.
// `xs` must be f32 placeholders of `s`'s graph and `x_values` their values. Reports mismatches with gtest.
void ExpectGradientsMatch(const graph::Scope& s, graph::Output y, const std::vector<graph::Output>& xs,
                          const std::vector<graph::Tensor>& x_values, const GradCheckOptions& options = {});

}  // namespace testing_util

#endif  // TESTS_GRAPH_GRADIENT_CHECKER_H_
