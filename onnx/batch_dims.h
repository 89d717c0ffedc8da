// Which unknown dims of the exported values are the batch: a dim is the batch when it follows the inputs'
// dim 0 exactly. Found by running the ops' own shape functions twice with the inputs' unknown dim 0 set to
// two different probe sizes: a dim that takes exactly the probe size both times is the batch.
#ifndef ONNX_BATCH_DIMS_H_
#define ONNX_BATCH_DIMS_H_

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/types/span.h"
#include "graph/graph.h"

namespace onnx_export {

// For each of `values`, one flag per dim: true where the dim is unknown in the graph and provably equals the
// batch (inputs' dim 0). `nodes` are every node the values depend on, in topological order; `inputs` the
// Placeholders fed by the model's inputs. If a shape function refuses a probe size (e.g. a Reshape to a fixed
// batch), no dim is flagged.
std::vector<std::vector<bool>> BatchDims(absl::Span<const graph::Node* const> nodes,
                                         const absl::flat_hash_set<const graph::Node*>& inputs,
                                         absl::Span<const graph::Output> values);

}  // namespace onnx_export

#endif  // ONNX_BATCH_DIMS_H_
