// Shared by the tests of the text form of graphs (tests/graph/graph_io_*_test.cc): serializing, round trips
// checked by running both graphs, the expected shape of a reader error, and a control-flow graph used both to
// round-trip and to mutate.
#ifndef TESTS_GRAPH_GRAPH_IO_TEST_UTIL_H_
#define TESTS_GRAPH_GRAPH_IO_TEST_UTIL_H_

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "graph/graph.h"
#include "graph/graph_io.h"
#include "graph/scope.h"
#include "graph/session.h"
#include "graph/tensor.h"

namespace graph::graph_io_testing {

// The file name the tests give DeserializeGraph; every reader error starts with it.
inline constexpr char kGraphSource[] = "models/test/graph.json";

// The external tensors of `s` by reference name, as DeserializeGraph takes them.
std::map<std::string, Tensor> TensorMap(const SerializedGraph& s);

// SerializeGraph, expecting it to succeed (an empty result otherwise).
SerializedGraph Serialize(const Graph& g, GraphWriteOptions options = {});

// Serializes without locations, reads it back, and expects the rebuilt graph to serialize identically.
// nullptr when the graph could not be read back.
std::unique_ptr<Graph> RoundTrip(const Graph& g, GraphWriteOptions options = {});

// The output of `g` with the same node name and index as `o` (and the same for lists and feeds).
Output Same(const Graph& g, const Output& o);
std::vector<Output> Same(const Graph& g, const std::vector<Output>& v);
std::vector<Feed> Same(const Graph& g, const std::vector<Feed>& feeds);

void ExpectBitwiseEqual(const std::vector<Tensor>& a, const std::vector<Tensor>& b);

// Runs `fetches` with `feeds` on `g` and on its round trip `rebuilt`, each in a new Session; expects bitwise
// equal results and returns those of `g`.
std::vector<Tensor> RunBoth(const Graph& g, const Graph& rebuilt, const std::vector<Output>& fetches,
                            const std::vector<Feed>& feeds = {});

// Expects InvalidArgument whose message starts with kGraphSource and contains every fragment.
void ExpectInvalid(const absl::Status& st, std::initializer_list<const char*> fragments);

struct ControlFlowGraph {
  Scope s = Scope::NewRootScope();
  Output x0, limit, pred;
  std::vector<Output> loop, nested, branches;
};

// A loop ("loop") capturing outer values, nested loops capturing from two levels up (twice, so that a
// capture name gets a suffix), and a Cond ("branch") whose branches capture values and hold a loop.
std::unique_ptr<ControlFlowGraph> BuildControlFlowGraph();

}  // namespace graph::graph_io_testing

#endif  // TESTS_GRAPH_GRAPH_IO_TEST_UTIL_H_
