// Internal to graph_io*.cc, not part of the library's interface: the declarations that the value encodings,
// the writer and the reader of the text form of a graph (docs/GRAPH_FORMAT.md) share.
//
// graph_io.cc           SerializeGraph and DeserializeGraph, the two entry points.
// graph_io_values.cc    numbers, dtypes, shapes, output references and inline tensor values <-> JSON.
// graph_io_writer.cc    the Writer (nodes, attributes, subgraphs) and the line layout of the document.
// graph_io_attrs.cc     reading attributes, tensors and declared output types.
// graph_io_reader.cc    the Reader: the document, node lists and the checks of each node.
// graph_io_subgraphs.cc reading While / Cond bodies and checking them against their node.
#ifndef GRAPH_GRAPH_IO_INTERNAL_H_
#define GRAPH_GRAPH_IO_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "graph/attr.h"
#include "graph/graph.h"
#include "graph/graph_io.h"
#include "graph/tensor.h"
#include "nlohmann/json.hpp"

namespace graph::graph_io_internal {

// Keeps object keys in the order written, so a file reads top-down (name, op, inputs, ...) and attributes
// keep their builder order through a round trip.
using Json = nlohmann::ordered_json;

// Limits that keep a malformed file from asking for absurd sizes (a shape function multiplies dims).
inline constexpr int kMaxRank = 32;
inline constexpr int64_t kMaxDim = int64_t{1} << 40;
inline constexpr int64_t kMaxElements = int64_t{1} << 48;
// Control flow nested deeper than this is refused (the reader recurses once per level).
inline constexpr int kMaxSubgraphDepth = 32;

// ---- Values (graph_io_values.cc) ----
// Finite floating-point values are JSON numbers that convert back exactly; NaN and infinities are strings:
// "inf", "-inf", "nan" / "-nan" (the canonical quiet NaN, with or without the sign bit) and "nan:0x<bits>"
// for any other NaN, so that every bit pattern survives.

Json DoubleToJson(double d);
absl::StatusOr<double> JsonToDouble(const Json& j);
// A JSON integer that fits in int64_t (not a number with a fraction or exponent).
absl::StatusOr<int64_t> JsonToInt(const Json& j);

// The dtype whose DTypeName is `name`.
absl::StatusOr<DType> DTypeFromName(const std::string& name);

Json ShapeToJson(const Shape& s);
// A shape: an array of at most kMaxRank dims, each >= 0 (or -1, the unknown dim, when `allow_unknown`),
// whose known dims multiply to at most kMaxElements.
absl::StatusOr<Shape> JsonToShape(const Json& j, bool allow_unknown);

// The elements of `t` as a flat JSON array (floats encoded as above).
Json TensorValuesToJson(const Tensor& t);
// Fills `t` (already of its final dtype and shape) from `values`, an array of t->num_elements() entries;
// fails naming the first entry that is not a value of t's dtype.
absl::Status JsonToTensorValues(const Json& values, Tensor* t);

// "name" for output 0, else "name:index"; also "name:0" when the name itself contains ':', so that
// ParseRef splits it back correctly.
std::string RefString(const Output& o);

struct Ref {
  std::string name;
  int64_t index = 0;
};

// Splits "name:index" at the last ':' when digits follow it; otherwise the whole string names output 0.
Ref ParseRef(const std::string& s);

// "f32[?,3]": a type as messages show it.
std::string TypeString(const TensorType& t);

// ---- Layout (graph_io_writer.cc) ----

// Appends `j` on one line; gives up (returning false) once `out` grows past `limit` characters.
bool AppendOneLine(const Json& j, std::string* out, size_t limit);

// Appends `j` indented by `indent` spaces per level, starting at nesting `level`. Containers whose one-line
// form fits in 100 columns, and every array of scalars, stay on one line.
void AppendPretty(const Json& j, int indent, int level, std::string* out);

// ---- Writer (graph_io_writer.cc) ----

// Writes nodes as JSON; tensors too large to inline go to `out->tensors` under unique reference names.
class Writer {
 public:
  Writer(const GraphWriteOptions& options, SerializedGraph* out) : options_(options), out_(out) {}

  // The node list of `g`, subgraphs included. InvalidArgument naming the node whose attributes do not match
  // graph/op_attrs.h.
  absl::StatusOr<Json> WriteNodes(const Graph& g);

 private:
  absl::StatusOr<Json> WriteNode(const Node& n);
  absl::StatusOr<Json> WriteSubgraph(const Graph& g);
  // {"type": ..., "value": ...}. Tensors are valid here (ValidateOpAttrs checked them).
  Json WriteAttr(const Node& n, const std::string& name, const AttrValue& value);
  Json WriteTensor(const Node& n, const std::string& attr, const Tensor& t);

  const GraphWriteOptions& options_;
  SerializedGraph* out_;
  absl::flat_hash_set<std::string> refs_;
};

// ---- Reading fields and attributes (graph_io_attrs.cc) ----

// Fails naming the first key of `j` (an object) that is not in `known`.
absl::Status CheckKeys(const Json& j, std::initializer_list<const char*> known);

// The value of `key` in the object `j`, or nullptr.
const Json* Field(const Json& j, const char* key);

// The "attrs" object of a node (nullptr: none). `tensors` resolves external tensor references.
absl::StatusOr<AttrMap> ReadAttrs(const Json* j, const std::map<std::string, Tensor>& tensors);

// The "outputs" array of a node: one {"dtype", "shape"} per output.
absl::StatusOr<std::vector<TensorType>> ReadOutputTypes(const Json* j);

// ---- Reader (graph_io_reader.cc, graph_io_subgraphs.cc) ----

// What the reader knows about the subgraph whose nodes it is reading.
struct SubgraphState {
  std::vector<std::string> arg_names;
  std::vector<Output> captures;  // in the parent graph
  size_t num_explicit = 0;
  size_t args_seen = 0;
};

// Where each name of a node list is declared, to tell a reference to a later node from one to no node.
using DeclaredNames = absl::flat_hash_map<std::string, size_t>;

// Rebuilds a graph from the text, checking every node as Scope::AddOp would before adding it.
class Reader {
 public:
  Reader(const std::map<std::string, Tensor>& tensors, const std::string& source)
      : tensors_(tensors), source_(source) {}

  absl::StatusOr<std::unique_ptr<Graph>> Read(absl::string_view text);

 private:
  // InvalidArgument "<source>: <where>: <message>".
  absl::Status Err(const std::string& where, absl::string_view message) const;

  // Reads the node list of `g`. `prefix` locates `g` in messages ("" for the root, else "node 'while' (#4),
  // subgraph 1, "); `sub` is set for subgraphs.
  absl::Status ReadNodes(const Json& nodes, Graph* g, const std::string& prefix, SubgraphState* sub,
                         int depth);
  absl::Status ReadNode(const Json& j, size_t i, const DeclaredNames& declared, Graph* g,
                        const std::string& prefix, SubgraphState* sub, int depth);

  // The node of `g` called `name`; `text` is how the file wrote the reference.
  static absl::StatusOr<Node*> FindNode(const Graph& g, const std::string& name, const std::string& text,
                                        const DeclaredNames* declared, size_t position);
  // Resolves "name[:index]" to an output of a node already in `g`.
  static absl::StatusOr<Output> ResolveOutput(const Json& j, const Graph& g, const DeclaredNames* declared,
                                              size_t position);
  static absl::StatusOr<std::vector<Output>> ResolveOutputs(const Json* j, const Graph& g, const char* what,
                                                            const DeclaredNames* declared, size_t position);

  absl::Status ReadSubgraph(const Json& j, Graph* g, const std::string& where, int depth);
  // Arg nodes: the explicit ones are added as they are; a captured one is re-created through
  // Graph::Capture (the only way to register a capture), from the outer value that gives it its name.
  absl::Status ReadArg(const std::string& name, const AttrMap& attrs, const std::vector<TensorType>& outputs,
                       Graph* g, const std::string& where, SubgraphState* sub);

  const std::map<std::string, Tensor>& tensors_;
  const std::string& source_;
};

// ---- Control-flow checks (graph_io_subgraphs.cc) ----

// A While node's attributes, inputs and its (cond, body) subgraphs fit together.
absl::Status CheckWhile(const AttrMap& attrs, absl::Span<const Output> inputs,
                        const std::vector<Graph*>& subgraphs);

// A Cond node's attributes, inputs and its (then, else) subgraphs fit together.
absl::Status CheckCond(const AttrMap& attrs, absl::Span<const Output> inputs,
                       const std::vector<Graph*>& subgraphs);

}  // namespace graph::graph_io_internal

#endif  // GRAPH_GRAPH_IO_INTERNAL_H_
