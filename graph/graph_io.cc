// SerializeGraph / DeserializeGraph: the JSON text form described in docs/GRAPH_FORMAT.md. The value
// encodings, the writer and the reader live in graph_io_*.cc (see graph_io_internal.h for the map).
#include "graph/graph_io.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/graph_io_internal.h"

namespace graph {

using graph_io_internal::AppendPretty;
using graph_io_internal::Json;
using graph_io_internal::Reader;
using graph_io_internal::Writer;

absl::StatusOr<SerializedGraph> SerializeGraph(const Graph& graph, const GraphWriteOptions& options) {
  SerializedGraph out;
  Writer writer(options, &out);
  auto nodes = writer.WriteNodes(graph);
  if (!nodes.ok()) return nodes.status();
  Json j = Json::object();
  j["format"] = kGraphFormatName;
  j["version"] = kGraphFormatVersion;
  j["seed"] = graph.seed();
  j["nodes"] = *std::move(nodes);
  try {
    if (options.indent < 0) {
      out.json = j.dump();
    } else {
      AppendPretty(j, options.indent, 0, &out.json);
      out.json += '\n';
    }
  } catch (const Json::exception& e) {
    // Names and strings must be valid UTF-8 to be written as JSON.
    return absl::InvalidArgumentError(absl::StrCat("SerializeGraph: ", e.what()));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Graph>> DeserializeGraph(absl::string_view json,
                                                        const std::map<std::string, Tensor>& tensors,
                                                        const std::string& source) {
  return Reader(tensors, source).Read(json);
}

}  // namespace graph
