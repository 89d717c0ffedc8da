// The text form of a graph: a versioned, human-readable JSON document that a later version of the library
// can still load. Large constant tensors are kept out of the text and referenced by name, so a caller can
// store them in a binary file (exports put them in safetensors).
#ifndef GRAPH_GRAPH_IO_H_
#define GRAPH_GRAPH_IO_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace graph {

// The format written by SerializeGraph. Readers accept every version up to this one and refuse newer ones.
inline constexpr char kGraphFormatName[] = "estimator.graph";
inline constexpr int kGraphFormatVersion = 1;

struct GraphWriteOptions {
  // Tensor attributes with at most this many elements are written inline as JSON numbers; larger ones are
  // moved to SerializedGraph::tensors under a reference name ("<node name>" or "<node name>/<attr>").
  int64_t max_inline_elements = 16;
  // Spaces per nesting level (-1: the whole document on one line). Containers whose one-line form fits in
  // 100 columns, and every list of numbers or names, stay on one line.
  int indent = 1;
  // Writes each node's "file.cc:line" as "loc" (informational; the reader ignores it). Nodes rebuilt by
  // DeserializeGraph have no location and never get one, so a graph that went through the text form once is
  // written identically ever after; set this to false to compare a freshly built graph with its round trip.
  bool include_locations = true;
};

struct SerializedGraph {
  std::string json;
  // The tensors referenced from the text, in the order they appear, each under a unique name.
  std::vector<std::pair<std::string, Tensor>> tensors;
};

// Writes every node of `graph` (and of its subgraphs, recursively) with its op, name, inputs, control
// inputs, attributes, output types and source location, plus the graph seed. Collections are not written.
// InvalidArgument, naming the node, when its attributes do not match graph/op_attrs.h (a builder and the
// table out of step) or a name or string is not valid UTF-8. Thread-compatible: reads `graph` only.
absl::StatusOr<SerializedGraph> SerializeGraph(const Graph& graph, const GraphWriteOptions& options = {});

// Rebuilds a graph from SerializeGraph's text; `tensors` resolves the external tensor references (shared,
// not copied). Every node is checked as the builder checks it: known op, input count, inputs referring to
// earlier nodes, attribute names and types (graph/op_attrs.h), and output types equal to what the op's shape
// function infers from the inputs. Errors are InvalidArgument naming `source` (the file), the JSON path or
// node, and what was wrong; a newer format version is FailedPrecondition naming both versions. Never
// crashes on malformed input.
absl::StatusOr<std::unique_ptr<Graph>> DeserializeGraph(absl::string_view json,
                                                        const std::map<std::string, Tensor>& tensors,
                                                        const std::string& source);

}  // namespace graph

#endif  // GRAPH_GRAPH_IO_H_
