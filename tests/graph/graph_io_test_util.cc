#include "tests/graph/graph_io_test_util.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/ops/control_flow_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"

namespace graph::graph_io_testing {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Vars = std::vector<Output>;

std::map<std::string, Tensor> TensorMap(const SerializedGraph& s) {
  return std::map<std::string, Tensor>(s.tensors.begin(), s.tensors.end());
}

SerializedGraph Serialize(const Graph& g, GraphWriteOptions options) {
  auto s = SerializeGraph(g, options);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : SerializedGraph{};
}

std::unique_ptr<Graph> RoundTrip(const Graph& g, GraphWriteOptions options) {
  options.include_locations = false;
  SerializedGraph first = Serialize(g, options);
  auto rebuilt = DeserializeGraph(first.json, TensorMap(first), kGraphSource);
  EXPECT_TRUE(rebuilt.ok()) << rebuilt.status();
  if (!rebuilt.ok()) return nullptr;
  SerializedGraph second = Serialize(**rebuilt, options);
  EXPECT_EQ(first.json, second.json);
  EXPECT_EQ(first.tensors.size(), second.tensors.size());
  return *std::move(rebuilt);
}

Output Same(const Graph& g, const Output& o) {
  Node* n = g.FindNode(o.node->name());
  EXPECT_NE(n, nullptr) << o.node->name();
  return n == nullptr ? Output() : n->output(o.index);
}
Vars Same(const Graph& g, const Vars& v) {
  Vars out;
  for (const Output& o : v) out.push_back(Same(g, o));
  return out;
}
std::vector<Feed> Same(const Graph& g, const std::vector<Feed>& feeds) {
  std::vector<Feed> out;
  for (const auto& [o, t] : feeds) out.emplace_back(Same(g, o), t);
  return out;
}

void ExpectBitwiseEqual(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(TensorsEqual(a[i], b[i]))
        << "fetch " << i << ": " << a[i].DebugString() << " vs " << b[i].DebugString();
  }
}

std::vector<Tensor> RunBoth(const Graph& g, const Graph& rebuilt, const Vars& fetches,
                            const std::vector<Feed>& feeds) {
  Session a(g), b(rebuilt);
  std::vector<Tensor> out_a, out_b;
  absl::Status sa = a.Run(feeds, fetches, &out_a);
  absl::Status sb = b.Run(Same(rebuilt, feeds), Same(rebuilt, fetches), &out_b);
  EXPECT_TRUE(sa.ok()) << sa;
  EXPECT_TRUE(sb.ok()) << sb;
  ExpectBitwiseEqual(out_a, out_b);
  return out_a;
}

void ExpectInvalid(const absl::Status& st, std::initializer_list<const char*> fragments) {
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_THAT(std::string(st.message()), StartsWith(absl::StrCat(kGraphSource, ": ")));
  for (const char* f : fragments) EXPECT_THAT(std::string(st.message()), HasSubstr(f));
}

std::unique_ptr<ControlFlowGraph> BuildControlFlowGraph() {
  auto t = std::make_unique<ControlFlowGraph>();
  const Scope& s = t->s;
  t->x0 = ops::Placeholder(s.WithOpName("x0"), DType::kFloat32, {2});
  Output w = ops::Const(s.WithOpName("w"), Tensor::Of<float>({2, 3}, {2}));
  t->limit = ops::Placeholder(s.WithOpName("limit"), DType::kFloat32, {});
  t->loop = ops::WhileLoop(
      s, [&](const Scope& s, const Vars& v) { return ops::Less(s, v[1], t->limit); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Mul(s, v[0], w), ops::Add(s, v[1], 1.0f)};
      },
      {t->x0, ops::Const(s, 0.0f)}, {.name = "loop", .maximum_iterations = 10});
  Output one = ops::Const(s.WithOpName("one"), 1);
  // total = sum_{i<4} sum_{j<i} (one + one) = 12; the inner body uses `one` from the root three times.
  t->nested = ops::WhileLoop(
      s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 4); },
      [&](const Scope& s, const Vars& v) {
        Output i = v[0];
        Vars inner = ops::WhileLoop(
            s, [&](const Scope& s, const Vars& u) { return ops::Less(s, u[0], i); },
            [&](const Scope& s, const Vars& u) {
              return Vars{ops::Add(s, u[0], one), ops::Add(s, ops::Add(s, u[1], one), one)};
            },
            {ops::Const(s, 0), v[1]}, {.name = "inner"});
        return Vars{ops::Add(s, i, 1), inner[1]};
      },
      {ops::Const(s, 0), ops::Const(s, 0)}, {.name = "outer"});
  t->pred = ops::Placeholder(s.WithOpName("pred"), DType::kBool, {});
  t->branches = ops::Cond(
      s, t->pred,
      [&](const Scope& s) {
        return Vars{ops::Mul(s, t->x0, w), ops::Const(s, 1)};
      },
      [&](const Scope& s) {
        Vars r = ops::WhileLoop(
            s, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 3); },
            [&](const Scope& s, const Vars& v) {
              return Vars{ops::Add(s, v[0], 1), ops::Add(s, v[1], w)};
            },
            {ops::Const(s, 0), t->x0});
        return Vars{r[1], r[0]};
      },
      "branch");
  EXPECT_TRUE(s.ok()) << s.status();
  return t;
}

}  // namespace graph::graph_io_testing
