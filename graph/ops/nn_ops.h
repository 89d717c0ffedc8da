// Neural-network ops on the last (channel) dimension, backed by oneDNN where oneDNN has a primitive:
// bias addition, activations, softmax / log-softmax, dropout. Each has a gradient.
#ifndef GRAPH_OPS_NN_OPS_H_
#define GRAPH_OPS_NN_OPS_H_

#include <string>

#include "absl/status/statusor.h"

#include "graph/scope.h"

namespace graph::ops {

// x + bias, bias of shape [C] added along x's last dim (NHWC / NC layouts). f32.
Output BiasAdd(const Scope& s, Output x, Output bias, Loc loc = Loc::current());

enum class ActivationKind { kRelu, kLeakyRelu, kElu, kGelu, kGeluTanh, kSigmoid, kTanh, kSoftplus };

// Elementwise activation (oneDNN eltwise). `alpha`: negative slope of LeakyRelu (Keras default 0.3 — pass
// it), scale of Elu's negative part (1.0). Gelu is the exact erf form; kGeluTanh the tanh approximation. f32.
Output Activation(const Scope& s, Output x, ActivationKind kind, float alpha = 0.0f,
                  Loc loc = Loc::current());
Output Relu(const Scope& s, Output x, Loc loc = Loc::current());
Output LeakyRelu(const Scope& s, Output x, float alpha = 0.2f, Loc loc = Loc::current());
Output Elu(const Scope& s, Output x, float alpha = 1.0f, Loc loc = Loc::current());
Output Gelu(const Scope& s, Output x, bool approximate = false, Loc loc = Loc::current());
Output Sigmoid(const Scope& s, Output x, Loc loc = Loc::current());
Output Tanh(const Scope& s, Output x, Loc loc = Loc::current());
Output Softplus(const Scope& s, Output x, Loc loc = Loc::current());
// Parses "relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "sigmoid", "tanh", "softplus" (as in configs).
absl::StatusOr<ActivationKind> ParseActivation(const std::string& name);
// The config name of `kind` ("relu", ...); ParseActivation(ActivationName(k)) == k.
const char* ActivationName(ActivationKind kind);

// Softmax / log-softmax over the last dim (numerically stable). f32.
Output Softmax(const Scope& s, Output logits, Loc loc = Loc::current());
Output LogSoftmax(const Scope& s, Output logits, Loc loc = Loc::current());

// Inverted dropout: each element is zeroed with probability `rate` and the survivors scaled by 1/(1-rate).
// Random from (graph seed, `seed`) and a per-run counter, like the random ops. rate in [0, 1).
// Only meant for training graphs: layers do not add it in evaluation or prediction.
// The node has a second output, the mask (f32, x's shape: 0 or 1/(1-rate) per element, y = x * mask), which
// is also what the gradient multiplies by. With rate == 0 no node is added and x itself is returned.
Output Dropout(const Scope& s, Output x, float rate, int64_t seed, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_NN_OPS_H_
