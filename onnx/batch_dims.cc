#include "onnx/batch_dims.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "graph/op_registry.h"

namespace onnx_export {
namespace {

// Two sizes no model dim is likely to equal by accident.
constexpr int64_t kProbes[2] = {7919, 104729};

using TypeMap = absl::flat_hash_map<graph::Output, graph::TensorType>;

// Output types of every node with the inputs' unknown dim 0 set to `probe`; nullopt if a shape function
// refuses it.
std::optional<TypeMap> Probe(absl::Span<const graph::Node* const> nodes,
                             const absl::flat_hash_set<const graph::Node*>& inputs, int64_t probe) {
  TypeMap types;
  for (const graph::Node* node : nodes) {
    graph::Node* mutable_node = const_cast<graph::Node*>(node);
    if (inputs.contains(node)) {
      graph::TensorType t = node->output_type(0);
      if (t.shape.rank() > 0 && t.shape.dim(0) < 0) t.shape.set_dim(0, probe);
      types[mutable_node->output(0)] = t;
      continue;
    }
    std::vector<graph::TensorType> in;
    for (const graph::Output& o : node->inputs()) {
      auto it = types.find(o);
      if (it == types.end()) return std::nullopt;
      in.push_back(it->second);
    }
    const graph::OpSchema& schema = graph::GetOpSchema(node->kind());
    if (schema.shape_fn == nullptr) return std::nullopt;
    graph::InferenceContext ctx(in, node->attrs(), node->subgraphs());
    if (!schema.shape_fn(ctx).ok() || ctx.outputs().size() != static_cast<size_t>(node->num_outputs())) {
      return std::nullopt;
    }
    for (int i = 0; i < node->num_outputs(); ++i) types[mutable_node->output(i)] = ctx.outputs()[i];
  }
  return types;
}

}  // namespace

std::vector<std::vector<bool>> BatchDims(absl::Span<const graph::Node* const> nodes,
                                         const absl::flat_hash_set<const graph::Node*>& inputs,
                                         absl::Span<const graph::Output> values) {
  std::vector<std::vector<bool>> flags;
  for (const graph::Output& v : values) flags.emplace_back(static_cast<size_t>(v.shape().rank()), false);
  std::optional<TypeMap> probed[2] = {Probe(nodes, inputs, kProbes[0]), Probe(nodes, inputs, kProbes[1])};
  if (!probed[0] || !probed[1]) return flags;
  for (size_t i = 0; i < values.size(); ++i) {
    const graph::Shape& declared = values[i].shape();
    const graph::Shape& a = (*probed[0])[values[i]].shape;
    const graph::Shape& b = (*probed[1])[values[i]].shape;
    if (a.rank() != declared.rank() || b.rank() != declared.rank()) continue;
    for (int d = 0; d < declared.rank(); ++d) {
      flags[i][d] = declared.dim(d) < 0 && a.dim(d) == kProbes[0] && b.dim(d) == kProbes[1];
    }
  }
  return flags;
}

}  // namespace onnx_export
