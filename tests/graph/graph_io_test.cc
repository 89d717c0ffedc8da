// The text form of graphs: round trips of real graphs (training, many op kinds, control flow) checked by
// running both graphs, exact tensor encodings, and a reader that refuses every kind of malformed input with
// an error naming the file and the node or field.
#include "graph/graph_io.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/op_attrs.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/control_flow_ops.h"
#include "graph/ops/conv_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/generator_ops.h"
#include "graph/ops/grad_support_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/adam.h"
#include "layers/batch_normalization.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "layers/pooling.h"
#include "nlohmann/json.hpp"

namespace graph {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::ordered_json;
using Vars = std::vector<Output>;

constexpr char kSource[] = "models/test/graph.json";

// ---- helpers ----

std::map<std::string, Tensor> TensorMap(const SerializedGraph& s) {
  return std::map<std::string, Tensor>(s.tensors.begin(), s.tensors.end());
}

SerializedGraph Serialize(const Graph& g, GraphWriteOptions options = {}) {
  auto s = SerializeGraph(g, options);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : SerializedGraph{};
}

// Serializes without locations, reads it back, and expects the rebuilt graph to serialize identically.
std::unique_ptr<Graph> RoundTrip(const Graph& g, GraphWriteOptions options = {}) {
  options.include_locations = false;
  SerializedGraph first = Serialize(g, options);
  auto rebuilt = DeserializeGraph(first.json, TensorMap(first), kSource);
  EXPECT_TRUE(rebuilt.ok()) << rebuilt.status();
  if (!rebuilt.ok()) return nullptr;
  SerializedGraph second = Serialize(**rebuilt, options);
  EXPECT_EQ(first.json, second.json);
  EXPECT_EQ(first.tensors.size(), second.tensors.size());
  return *std::move(rebuilt);
}

// The output of `g` with the same node name and index as `o`.
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

// Runs `fetches` with `feeds` in fresh sessions on `g` and on its round trip; expects bitwise equal results.
std::vector<Tensor> RunBoth(const Graph& g, const Graph& rebuilt, const Vars& fetches,
                            const std::vector<Feed>& feeds = {}) {
  Session a(g), b(rebuilt);
  std::vector<Tensor> out_a, out_b;
  absl::Status sa = a.Run(feeds, fetches, &out_a);
  absl::Status sb = b.Run(Same(rebuilt, feeds), Same(rebuilt, fetches), &out_b);
  EXPECT_TRUE(sa.ok()) << sa;
  EXPECT_TRUE(sb.ok()) << sb;
  ExpectBitwiseEqual(out_a, out_b);
  return out_a;
}

void CollectKinds(const Graph& g, std::set<OpKind>* kinds) {
  for (const auto& n : g.nodes()) {
    kinds->insert(n->kind());
    for (const Graph* sg : n->subgraphs()) CollectKinds(*sg, kinds);
  }
}

// Expects InvalidArgument whose message starts with the source and contains every fragment.
void ExpectInvalid(const absl::Status& st, std::initializer_list<const char*> fragments) {
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_THAT(std::string(st.message()), StartsWith(absl::StrCat(kSource, ": ")));
  for (const char* f : fragments) EXPECT_THAT(std::string(st.message()), HasSubstr(f));
}

// ---- graphs used by several tests ----

struct TrainingGraph {
  Scope s = Scope::NewRootScope(/*seed=*/17);
  Output x, labels, loss, dx, accuracy;
  Node* train = nullptr;
  Node* init = nullptr;
};

// A small CNN classifier with its gradients and an Adam step.
std::unique_ptr<TrainingGraph> BuildTrainingGraph() {
  auto t = std::make_unique<TrainingGraph>();
  Scope& s = t->s;
  t->x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 6, 6, 2});
  t->labels = ops::Placeholder(s, DType::kInt64, {Shape::kUnknownDim});
  auto c = layers::Conv2D(
      s, t->x, {.filters = 4, .kernel_size = {3, 3}, .padding = ops::Padding::kSame, .activation = "relu"});
  auto bn = layers::BatchNormalization(s, c, /*training=*/true);
  auto p = layers::MaxPool2D(s, bn);
  auto h = layers::Dense(s, layers::Flatten(s, p), {.units = 8, .activation = "relu"});
  auto d = layers::Dropout(s, h, /*training=*/true, {.rate = 0.25f});
  auto logits = layers::Dense(s, d, {.units = 3});
  t->loss = layers::SparseSoftmaxCrossEntropy(s, t->labels, logits);
  t->dx = Gradients(s, {t->loss}, {t->x})[0];
  auto predicted = ops::ArgMax(s, logits, 1, DType::kInt64);
  t->accuracy = ops::Mean(s, ops::Cast(s, ops::Equal(s, predicted, t->labels), DType::kFloat32));
  layers::Adam adam({.learning_rate = 0.01f});
  t->train = adam.Minimize(s, t->loss);
  t->init = layers::InitializeAllVariables(s);
  EXPECT_TRUE(s.ok()) << s.status();
  return t;
}

struct ManyOpsGraph {
  Scope s = Scope::NewRootScope(/*seed=*/3);
  Output x;
  Vars fetches;
  Output var, init, add, sub, read;
};

// Nearly every op kind that is not control flow or a conv/batch-norm layer, plus their gradients.
std::unique_ptr<ManyOpsGraph> BuildManyOpsGraph() {
  auto m = std::make_unique<ManyOpsGraph>();
  const Scope& s = m->s;
  Output x = m->x = ops::Placeholder(s, DType::kFloat32, {2, 3});
  Output c = ops::Const(s, Tensor::Of<float>({1.5f, -2, 0.25f}, {3}));
  Output idx = ops::Const(s, Tensor::Of<int32_t>({1, 0, 1}, {3}));
  Output pos = ops::Add(s, ops::Abs(s, x), 1.0f);
  Vars f = {ops::Add(s, x, c),   ops::Sub(s, x, c),     ops::Mul(s, x, c),     ops::Div(s, x, c),
            ops::Pow(s, pos, c), ops::Maximum(s, x, c), ops::Minimum(s, x, c), ops::Neg(s, x),
            ops::Exp(s, x),      ops::Log(s, pos),      ops::Sqrt(s, pos),     ops::Rsqrt(s, pos),
            ops::Square(s, x)};
  Output less = ops::Less(s, x, c);
  Output greater = ops::Greater(s, x, c);
  for (Output o :
       {ops::Equal(s, x, c), ops::NotEqual(s, x, c), less, ops::LessEqual(s, x, c), greater,
        ops::GreaterEqual(s, x, c), ops::LogicalAnd(s, less, greater), ops::LogicalOr(s, less, greater),
        ops::LogicalNot(s, less), ops::Select(s, less, x, c), ops::Cast(s, x, DType::kInt32)}) {
    f.push_back(o);
  }
  Output x4 = ops::Reshape(s, x, {1, 2, 3, 1});
  Vars shaped = {ops::Reshape(s, x, {3, 2}), ops::Transpose(s, x, {1, 0}),
                 ops::Concat(s, {x, x}, 0),  ops::Slice(s, x, {0, 1}, {2, 2}),
                 ops::Gather(s, x, idx, 1),  ops::AvgPool2D(s, x4, {.window = {1, 2}, .strides = {1, 1}})};
  f.insert(f.end(), shaped.begin(), shaped.end());
  f.push_back(ops::OneHot(s, idx, 4, std::numeric_limits<float>::infinity(), -0.0f, -1, DType::kFloat32));
  f.push_back(ops::Sum(s, x, {1}));
  f.push_back(ops::Mean(s, x));
  f.push_back(ops::Max(s, x, {0}, /*keep_dims=*/true));
  f.push_back(ops::Min(s, x));
  f.push_back(ops::ArgMax(s, x, 1, DType::kInt32));
  f.push_back(ops::MatMul(s, x, x, {.transpose_b = true}));
  Output xb = ops::Cast(s, x, DType::kBFloat16);
  f.push_back(ops::MatMul(s, xb, xb, {.transpose_a = true}));
  f.push_back(ops::Fill(s, {2, 2}, 7.0f));
  f.push_back(ops::Range(s, 0, 5, 1.5, DType::kFloat32));
  f.push_back(ops::RandomUniform(s, {3}, 5, -1.0f, 2.0f));
  f.push_back(ops::RandomNormal(s, {3}, 6, 0.5f, 2.0f));
  f.push_back(ops::ZerosLike(s, x));
  f.push_back(ops::OnesLike(s, x));
  f.push_back(ops::Size(s, x, DType::kInt64, {1}));
  f.push_back(ops::SumToShapeOf(s, ops::Mul(s, x, c), c));
  Vars nn = {ops::BiasAdd(s, x, c),      ops::LeakyRelu(s, x), ops::Elu(s, x),
             ops::Sigmoid(s, x),         ops::Softmax(s, x),   ops::LogSoftmax(s, x),
             ops::Dropout(s, x, 0.5f, 9)};
  f.insert(f.end(), nn.begin(), nn.end());
  // One scalar depending on most of the above, so that Gradients adds their backward ops.
  Vars terms;
  for (Output o : shaped) terms.push_back(ops::Sum(s, o));
  for (Output o : nn) terms.push_back(ops::Sum(s, o));
  terms.push_back(ops::Sum(s, ops::Max(s, x, {1})));
  terms.push_back(ops::Mean(s, ops::Mul(s, x, c)));
  Output loss = AddAll(s, terms);
  f.push_back(loss);
  f.push_back(Gradients(s, {loss}, {x})[0]);
  m->fetches = f;
  // State: a variable written by the three assignment kinds, read through Identity after a NoOp group.
  m->var = ops::Variable(s, "v", DType::kFloat32, {2, 3});
  m->init = ops::Assign(s, m->var, x);
  m->add = ops::AssignAdd(s, m->var, ops::OnesLike(s, x));
  m->sub = ops::AssignSub(s, m->var, ops::Const(s, Tensor::Of<float>({0.5f, 1, 2, 4, 8, 16}, {2, 3})));
  Node* group = ops::Group(s, {m->add}, "after_add");
  m->read = ops::Identity(s.WithControlDependencies({group}), m->var);
  EXPECT_TRUE(s.ok()) << s.status();
  return m;
}

struct ControlFlowGraph {
  Scope s = Scope::NewRootScope();
  Output x0, limit, pred;
  Vars loop, nested, branches;
};

// A loop capturing outer values, nested loops capturing from two levels up (twice, so that a capture name
// gets a suffix), and a Cond whose branches capture values and hold a loop.
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

// ---- the attribute table ----

TEST(OpAttrsTest, EveryKindHasItsNameAndAConsistentTable) {
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpKind kind = static_cast<OpKind>(i);
    auto parsed = OpKindFromName(OpKindName(kind));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, kind);
    std::set<std::string> names;
    for (const AttrDef& d : OpAttrDefs(kind)) {
      EXPECT_TRUE(names.insert(d.name).second) << OpKindName(kind) << " lists '" << d.name << "' twice";
      EXPECT_TRUE(d.list_size < 0 || d.type == AttrType::kInts) << d.name;
      EXPECT_TRUE(d.choices == nullptr || d.type == AttrType::kString) << d.name;
    }
  }
  EXPECT_EQ(OpKindFromName("Matmul").status().code(), absl::StatusCode::kInvalidArgument);
  for (AttrType t : {AttrType::kInt, AttrType::kFloat, AttrType::kBool, AttrType::kString, AttrType::kDType,
                     AttrType::kShape, AttrType::kTensor, AttrType::kInts}) {
    EXPECT_EQ(*AttrTypeFromName(AttrTypeName(t)), t);
  }
  EXPECT_FALSE(AttrTypeFromName("float32").ok());
}

TEST(OpAttrsTest, ValidateChecksPresenceTypesSizesAndChoices) {
  AttrMap conv{{"strides", std::vector<int64_t>{1, 1}},
               {"dilations", std::vector<int64_t>{1, 1}},
               {"padding", std::string("SAME")},
               {"groups", int64_t{1}}};
  EXPECT_TRUE(ValidateOpAttrs(OpKind::kConv2D, conv).ok());
  AttrMap missing{{"strides", std::vector<int64_t>{1, 1}}, {"padding", std::string("SAME")}};
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, missing).message()),
              HasSubstr("missing required attr 'dilations'"));
  AttrMap wrong = conv;
  wrong.Set("groups", 1.0);
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, wrong).message()),
              HasSubstr("attr 'groups' must be of type int, got float"));
  AttrMap size = conv;
  size.Set("strides", std::vector<int64_t>{1});
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, size).message()),
              HasSubstr("'strides' must have 2 entries, got 1"));
  AttrMap choice = conv;
  choice.Set("padding", std::string("same"));
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, choice).message()),
              HasSubstr("expected one of SAME|VALID"));
  AttrMap range = conv;
  range.Set("strides", std::vector<int64_t>{1, 0});
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, range).message()),
              HasSubstr("attr 'strides' entry 1 is 0; expected 1 to 2147483647"));
  range.Set("strides", std::vector<int64_t>{1, 1});
  range.Set("groups", std::numeric_limits<int64_t>::max());
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, range).message()),
              HasSubstr("attr 'groups' is 9223372036854775807; expected 1 to 1048576"));
  AttrMap unknown = conv;
  unknown.Set("window", std::vector<int64_t>{2, 2});
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kConv2D, unknown).message()),
              HasSubstr("attr 'window' is not an attribute of Conv2D"));
  EXPECT_THAT(std::string(ValidateOpAttrs(OpKind::kAdd, AttrMap{{"axis", int64_t{0}}}).message()),
              HasSubstr("(it has none)"));
}

// The table in docs/GRAPH_FORMAT.md, one row per op: "| Op | name: type, name: ints[2], name: string (A or B)
// |".
std::string DocCell(OpKind kind) {
  std::vector<std::string> parts;
  for (const AttrDef& d : OpAttrDefs(kind)) {
    std::string p = absl::StrCat("`", d.name, "`: ", AttrTypeName(d.type));
    if (d.list_size >= 0) absl::StrAppend(&p, "[", d.list_size, "]");
    if (d.min_value != std::numeric_limits<int64_t>::min() ||
        d.max_value != std::numeric_limits<int64_t>::max()) {
      absl::StrAppend(&p, " in [", d.min_value, ", ", d.max_value, "]");
    }
    if (d.choices != nullptr)
      absl::StrAppend(&p, " (", absl::StrJoin(absl::StrSplit(d.choices, '|'), " or "), ")");
    if (!d.required) absl::StrAppend(&p, ", optional");
    parts.push_back(p);
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, "; ");
}

TEST(OpAttrsTest, DocumentedTableMatchesTheCode) {
  std::ifstream in(std::string(ESTIMATOR_SOURCE_DIR) + "/docs/GRAPH_FORMAT.md");
  ASSERT_TRUE(in.good());
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() != 4 || !absl::StartsWith(cells[1], " `")) continue;
    std::string op(absl::StripAsciiWhitespace(cells[1]));
    if (!OpKindFromName(absl::StripSuffix(absl::StripPrefix(op, "`"), "`")).ok()) continue;
    EXPECT_TRUE(rows.emplace(std::string(absl::StripSuffix(absl::StripPrefix(op, "`"), "`")),
                             std::string(absl::StripAsciiWhitespace(cells[2])))
                    .second)
        << op;
  }
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpKind kind = static_cast<OpKind>(i);
    auto it = rows.find(OpKindName(kind));
    ASSERT_NE(it, rows.end()) << OpKindName(kind) << " is missing from the table; expected | `"
                              << OpKindName(kind) << "` | " << DocCell(kind) << " |";
    EXPECT_EQ(it->second, DocCell(kind)) << OpKindName(kind);
  }
}

// ---- round trips of real graphs ----

TEST(GraphIoTest, TrainingGraphRoundTripsAndTrainsBitwiseIdentically) {
  auto t = BuildTrainingGraph();
  const Graph& g = *t->s.graph();
  std::unique_ptr<Graph> rebuilt = RoundTrip(g);
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_EQ(rebuilt->num_nodes(), g.num_nodes());
  EXPECT_EQ(rebuilt->seed(), 17);

  // Locations are written by default and ignored by the reader; a rebuilt graph has none to write.
  SerializedGraph with_loc = Serialize(g);
  EXPECT_THAT(with_loc.json, HasSubstr("\"loc\": \"graph_io_test.cc:"));
  auto from_loc = DeserializeGraph(with_loc.json, TensorMap(with_loc), kSource);
  ASSERT_TRUE(from_loc.ok()) << from_loc.status();
  EXPECT_EQ(Serialize(**from_loc).json, Serialize(g, {.include_locations = false}).json);

  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Tensor images(DType::kFloat32, {4, 6, 6, 2});
  for (float& v : images.flat<float>()) v = u(rng);
  const Tensor labels = Tensor::Of<int64_t>({0, 2, 1, 2}, {4});
  const std::vector<Feed> feeds = {{t->x, images}, {t->labels, labels}};

  Session a(g), b(*rebuilt);
  ASSERT_TRUE(a.RunTargets({t->init}).ok());
  ASSERT_TRUE(b.RunTargets({rebuilt->FindNode(t->init->name())}).ok());
  const Vars fetches = {t->loss, t->dx, t->accuracy};
  for (int step = 0; step < 3; ++step) {
    std::vector<Tensor> out_a, out_b;
    ASSERT_TRUE(a.Run(feeds, fetches, {t->train}, &out_a).ok());
    ASSERT_TRUE(
        b.Run(Same(*rebuilt, feeds), Same(*rebuilt, fetches), {rebuilt->FindNode(t->train->name())}, &out_b)
            .ok());
    ExpectBitwiseEqual(out_a, out_b);
    EXPECT_TRUE(std::isfinite(out_a[0].data<float>()[0]));
  }
  // Every variable (weights, batch-norm statistics, Adam slots, global_step) ends up bitwise equal.
  const auto& vars = g.Collection(layers::kGlobalVariables);
  ASSERT_GE(vars.size(), 20u);
  for (const Output& v : vars) {
    auto va = a.ReadVariable(v.node->name());
    auto vb = b.ReadVariable(v.node->name());
    ASSERT_TRUE(va.ok() && vb.ok()) << v.node->name();
    EXPECT_TRUE(TensorsEqual(*va, *vb)) << v.node->name();
  }
  EXPECT_EQ(b.ReadVariable("global_step")->data<int64_t>()[0], 3);
}

TEST(GraphIoTest, ManyOpKindsRoundTripWithBitwiseEqualValues) {
  auto m = BuildManyOpsGraph();
  const Graph& g = *m->s.graph();
  std::unique_ptr<Graph> rebuilt = RoundTrip(g);
  ASSERT_NE(rebuilt, nullptr);
  const std::vector<Feed> feeds = {{m->x, Tensor::Of<float>({0.5f, -1, 2, 3, -0.25f, 1}, {2, 3})}};
  std::vector<Tensor> out = RunBoth(g, *rebuilt, m->fetches, feeds);
  ASSERT_EQ(out.size(), m->fetches.size());
  EXPECT_EQ(out[0].ToVector<float>(), (std::vector<float>{2, -3, 2.25f, 4.5f, -2.25f, 1.25f}));  // x + c

  // The variable's assignments, run in sequence on both graphs.
  Session a(g), b(*rebuilt);
  for (Output step : {m->init, m->add, m->sub, m->read}) {
    std::vector<Tensor> out_a, out_b;
    ASSERT_TRUE(a.Run(feeds, {step}, &out_a).ok());
    ASSERT_TRUE(b.Run(Same(*rebuilt, feeds), {Same(*rebuilt, step)}, &out_b).ok());
    ExpectBitwiseEqual(out_a, out_b);
  }
  // v = x, += 1, -= [0.5, 1, 2, 4, 8, 16], += 1 (the group before the read).
  EXPECT_EQ(b.ReadVariable("v")->ToVector<float>(), (std::vector<float>{2, 0, 2, 1, -6.25f, -13}));
}

TEST(GraphIoTest, WhileAndCondRoundTripWithTheirValues) {
  auto t = BuildControlFlowGraph();
  const Graph& g = *t->s.graph();
  std::unique_ptr<Graph> rebuilt = RoundTrip(g);
  ASSERT_NE(rebuilt, nullptr);
  // The inner body captures `one` of the root through the outer body's capture of it.
  SerializedGraph text = Serialize(g, {.indent = -1, .include_locations = false});
  EXPECT_THAT(text.json, HasSubstr("\"args\":[\"arg_0\",\"arg_1\",\"capture/one\""));
  EXPECT_THAT(text.json, HasSubstr("\"captures\":[\"capture/one\""));
  Vars fetches = t->loop;
  fetches.insert(fetches.end(), t->nested.begin(), t->nested.end());
  fetches.insert(fetches.end(), t->branches.begin(), t->branches.end());
  for (bool pred : {true, false}) {
    const std::vector<Feed> feeds = {{t->x0, Tensor::Of<float>({1, -1}, {2})},
                                     {t->limit, Tensor::Scalar(3.0f)},
                                     {t->pred, Tensor::Scalar(pred)}};
    std::vector<Tensor> out = RunBoth(g, *rebuilt, fetches, feeds);
    ASSERT_EQ(out.size(), 6u);
    EXPECT_EQ(out[0].ToVector<float>(), (std::vector<float>{8, -27}));  // x0 * w^3
    EXPECT_EQ(out[1].data<float>()[0], 3.0f);
    EXPECT_EQ(out[2].data<int32_t>()[0], 4);
    EXPECT_EQ(out[3].data<int32_t>()[0], 12);
    if (pred) {
      EXPECT_EQ(out[4].ToVector<float>(), (std::vector<float>{2, -3}));  // x0 * w
      EXPECT_EQ(out[5].data<int32_t>()[0], 1);
    } else {
      EXPECT_EQ(out[4].ToVector<float>(), (std::vector<float>{7, 8}));  // x0 + 3 w
      EXPECT_EQ(out[5].data<int32_t>()[0], 3);
    }
  }
}

// A value of the root used three levels down (loop body > branch > loop body). Graph::Capture gives the
// middle graph a second Arg for it when such a capture is made again, so this capture can be rebuilt only
// if Capture finds the existing one; otherwise the reader must refuse the file clearly rather than build a
// different graph.
TEST(GraphIoTest, CaptureFromThreeLevelsUpRoundTripsOrIsRefusedByName) {
  Scope s = Scope::NewRootScope();
  Output v = ops::Const(s.WithOpName("v"), 5);
  Vars r = ops::WhileLoop(
      s, [](const Scope& s, const Vars& i) { return ops::Less(s, i[0], 1); },
      [&](const Scope& s, const Vars& i) {
        Vars b = ops::Cond(
            s, ops::Less(s, i[0], 1),
            [&](const Scope& s) {
              return ops::WhileLoop(
                  s, [](const Scope& s, const Vars& u) { return ops::Less(s, u[0], 1); },
                  [&](const Scope& s, const Vars& u) { return Vars{ops::Add(s, u[0], v)}; },
                  {ops::Const(s, 0)}, {.name = "inner"});
            },
            [](const Scope& s) { return Vars{ops::Const(s, 7)}; });
        return Vars{ops::Add(s, i[0], b[0])};
      },
      {ops::Const(s, 0)});
  ASSERT_TRUE(s.ok()) << s.status();
  SerializedGraph text = Serialize(*s.graph(), {.include_locations = false});
  auto rebuilt = DeserializeGraph(text.json, TensorMap(text), kSource);
  if (rebuilt.ok()) {
    EXPECT_EQ(Serialize(**rebuilt, {.include_locations = false}).json, text.json);
    std::vector<Tensor> out = RunBoth(*s.graph(), **rebuilt, r);
    EXPECT_EQ(out[0].data<int32_t>()[0], 5);
  } else {
    ExpectInvalid(rebuilt.status(), {"node 'capture/v'", "cannot rebuild this capture of 'capture/v'"});
  }
}

TEST(GraphIoTest, TheTestGraphsCoverEveryOpKind) {
  std::set<OpKind> kinds;
  CollectKinds(*BuildTrainingGraph()->s.graph(), &kinds);
  CollectKinds(*BuildManyOpsGraph()->s.graph(), &kinds);
  CollectKinds(*BuildControlFlowGraph()->s.graph(), &kinds);
  std::string missing;
  for (int i = 0; i < kNumOpKinds; ++i) {
    if (!kinds.count(static_cast<OpKind>(i)))
      absl::StrAppend(&missing, " ", OpKindName(static_cast<OpKind>(i)));
  }
  EXPECT_EQ(missing, "");
}

// ---- tensor encodings ----

uint32_t Bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float FromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Writes a graph of one Const per tensor and reads it back; returns the JSON and the rebuilt values.
std::pair<std::string, std::vector<Tensor>> ConstRoundTrip(const std::vector<Tensor>& values,
                                                           int64_t max_inline = 1000) {
  Scope s = Scope::NewRootScope();
  for (size_t i = 0; i < values.size(); ++i) ops::Const(s.WithOpName(absl::StrCat("c", i)), values[i]);
  EXPECT_TRUE(s.ok());
  SerializedGraph text = Serialize(*s.graph(), {.max_inline_elements = max_inline});
  auto g = DeserializeGraph(text.json, TensorMap(text), kSource);
  EXPECT_TRUE(g.ok()) << g.status();
  std::vector<Tensor> out;
  if (!g.ok()) return {text.json, out};
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back((*g)->FindNode(absl::StrCat("c", i))->attrs().GetTensor("value"));
  }
  return {text.json, out};
}

TEST(GraphIoTest, F32ValuesRoundTripBitwiseIncludingNanInfAndNegativeZero) {
  const std::vector<uint32_t> bits = {0x7fc00000u, 0xffc00000u, 0x7fc00123u, 0x7f800001u,
                                      0x7f800000u, 0xff800000u, 0x80000000u, 0x00000000u,
                                      0x00000001u, 0x7f7fffffu, Bits(0.1f),  Bits(-1.0f / 3.0f)};
  Tensor t(DType::kFloat32, {static_cast<int64_t>(bits.size())});
  for (size_t i = 0; i < bits.size(); ++i) t.data<float>()[i] = FromBits(bits[i]);
  auto [json, out] = ConstRoundTrip({t});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(TensorsEqual(out[0], t)) << out[0].DebugString();
  EXPECT_THAT(json, HasSubstr("\"nan\""));
  EXPECT_THAT(json, HasSubstr("\"-nan\""));
  EXPECT_THAT(json, HasSubstr("\"nan:0x7fc00123\""));
  EXPECT_THAT(json, HasSubstr("\"nan:0x7f800001\""));
  EXPECT_THAT(json, HasSubstr("\"inf\""));
  EXPECT_THAT(json, HasSubstr("\"-inf\""));
  EXPECT_THAT(json, HasSubstr("-0.0"));
  EXPECT_THAT(json, HasSubstr("0.1,"));  // the shortest form, not 0.10000000149011612
}

TEST(GraphIoTest, Bf16I64I32AndBoolValuesRoundTripExactly) {
  Tensor bf(DType::kBFloat16, {6});
  const uint16_t bf_bits[] = {0x7fc0, 0x7fc1, 0xff80, 0x8000, 0x3fc0 /*1.5*/, 0x7f7f /*max*/};
  for (int i = 0; i < 6; ++i) bf.data<bfloat16>()[i].bits = bf_bits[i];
  const Tensor i64 = Tensor::Of<int64_t>(
      {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), -1, 0}, {2, 2});
  const Tensor i32 = Tensor::Of<int32_t>({std::numeric_limits<int32_t>::min(), 7}, {2});
  const Tensor b = Tensor::Of<bool>({true, false, true}, {3, 1});
  const Tensor scalar = Tensor::Scalar(-0.0f);
  auto [json, out] = ConstRoundTrip({bf, i64, i32, b, scalar});
  ASSERT_EQ(out.size(), 5u);
  EXPECT_TRUE(TensorsEqual(out[0], bf)) << out[0].DebugString();
  EXPECT_TRUE(TensorsEqual(out[1], i64));
  EXPECT_TRUE(TensorsEqual(out[2], i32));
  EXPECT_TRUE(TensorsEqual(out[3], b));
  EXPECT_TRUE(TensorsEqual(out[4], scalar));
  EXPECT_THAT(json, HasSubstr("\"nan:0x7fc1\""));
  EXPECT_THAT(json, HasSubstr("-9223372036854775808"));
  EXPECT_THAT(json, HasSubstr("9223372036854775807"));
}

TEST(GraphIoTest, FloatAttributesKeepEveryBit) {
  Scope s = Scope::NewRootScope();
  Output idx = ops::Placeholder(s, DType::kInt32, {2});
  const float nan = FromBits(0x7fc00042u);
  Output h = ops::OneHot(s.WithOpName("h"), idx, 3, nan, -0.0f);
  ASSERT_TRUE(s.ok());
  std::unique_ptr<Graph> rebuilt = RoundTrip(*s.graph());
  ASSERT_NE(rebuilt, nullptr);
  const AttrMap& a = rebuilt->FindNode("h")->attrs();
  EXPECT_EQ(std::bit_cast<uint64_t>(a.GetFloat("on_value")),
            std::bit_cast<uint64_t>(static_cast<double>(nan)));
  EXPECT_TRUE(std::signbit(a.GetFloat("off_value")));
  EXPECT_EQ(a.GetFloat("off_value"), 0.0);
  std::vector<Tensor> out = RunBoth(*s.graph(), *rebuilt, {h}, {{idx, Tensor::Of<int32_t>({2, 0}, {2})}});
  EXPECT_EQ(Bits(out[0].data<float>()[2]), 0x7fc00042u);
  EXPECT_EQ(Bits(out[0].data<float>()[0]), 0x80000000u);
}

TEST(GraphIoTest, LargeTensorsGoToExternalReferencesSharedNotCopied) {
  Scope s = Scope::NewRootScope();
  ops::Const(s.WithOpName("small"), Tensor::Of<float>({1, 2, 3, 4}, {2, 2}));
  ops::Const(s.WithOpName("big"), Tensor::Of<float>({1, 2, 3, 4, 5}, {5}));
  ASSERT_TRUE(s.ok());
  SerializedGraph text = Serialize(*s.graph(), {.max_inline_elements = 4});
  ASSERT_EQ(text.tensors.size(), 1u);
  EXPECT_EQ(text.tensors[0].first, "big");
  EXPECT_THAT(text.json, HasSubstr("\"ref\": \"big\""));
  EXPECT_THAT(text.json, HasSubstr("\"values\""));
  auto g = DeserializeGraph(text.json, TensorMap(text), kSource);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE((*g)->FindNode("big")->attrs().GetTensor("value").SharesBufferWith(text.tensors[0].second));
  EXPECT_EQ((*g)->FindNode("small")->attrs().GetTensor("value").ToVector<float>(),
            (std::vector<float>{1, 2, 3, 4}));

  // Missing, wrongly shaped and wrongly typed references.
  auto missing = DeserializeGraph(text.json, {}, kSource);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()), StartsWith(kSource));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("node 'big' (#1)"));
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("external tensor 'big' (f32[5]) is missing"));
  auto reshaped =
      DeserializeGraph(text.json, {{"big", Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3})}}, kSource);
  EXPECT_THAT(std::string(reshaped.status().message()),
              HasSubstr("external tensor 'big' is f32[2,3] but the graph declares f32[5]"));
  auto retyped = DeserializeGraph(text.json, {{"big", Tensor::Of<int32_t>({1, 2, 3, 4, 5}, {5})}}, kSource);
  EXPECT_THAT(std::string(retyped.status().message()), HasSubstr("is i32[5] but the graph declares f32[5]"));
}

TEST(GraphIoTest, WriterRefusesNodesTheReaderWouldRefuse) {
  Scope s = Scope::NewRootScope();
  ops::Const(s.WithOpName("bad\xff"), 1.0f);
  ASSERT_TRUE(s.ok());
  auto text = SerializeGraph(*s.graph());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("UTF-8"));

  // An attribute the table does not know, as a builder out of step with graph/op_attrs.cc would set it.
  Graph g;
  NodeDef def;
  def.kind = OpKind::kNoOp;
  def.name = "group";
  def.attrs.Set("colour", std::string("red"));
  g.AddNode(std::move(def));
  text = SerializeGraph(g);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(text.status().message()),
              HasSubstr("SerializeGraph: NoOp 'group' (:0): attr 'colour' is not an attribute of NoOp"));
}

// ---- malformed input ----

// A small graph: x -> matmul(x, w) -> relu -> sum, with stable names.
std::string SmallGraphJson(int indent = -1) {
  Scope s = Scope::NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DType::kFloat32, {Shape::kUnknownDim, 3});
  Output w = ops::Const(s.WithOpName("w"), Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {3, 2}));
  Output mm = ops::MatMul(s.WithOpName("matmul"), x, w);
  Output r = ops::Relu(s.WithOpName("relu"), mm);
  ops::Sum(s.WithOpName("sum"), r, {1});
  EXPECT_TRUE(s.ok());
  return Serialize(*s.graph(), {.indent = indent, .include_locations = false}).json;
}

// A loop with captures in both bodies and a Cond, small enough to mutate exhaustively.
std::string SmallControlFlowJson() {
  Scope s = Scope::NewRootScope();
  Output x0 = ops::Placeholder(s.WithOpName("x0"), DType::kFloat32, {2});
  Output limit = ops::Placeholder(s.WithOpName("limit"), DType::kFloat32, {});
  Vars r = ops::WhileLoop(
      s, [&](const Scope& s, const Vars& v) { return ops::Less(s, v[1], limit); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Mul(s, v[0], x0), ops::Add(s, v[1], 1.0f)};
      },
      {x0, ops::Const(s, 0.0f)}, {.name = "loop"});
  ops::Cond(
      s, ops::Less(s, r[1], limit), [&](const Scope& s) { return Vars{ops::Neg(s, r[0])}; },
      [&](const Scope&) { return Vars{x0}; }, "branch");
  EXPECT_TRUE(s.ok()) << s.status();
  return Serialize(*s.graph(), {.indent = -1, .include_locations = false}).json;
}

absl::Status Read(const std::string& json) { return DeserializeGraph(json, {}, kSource).status(); }
absl::Status Read(const Json& j) { return Read(j.dump()); }

Json& NodeJson(Json& j, const std::string& name) {
  for (Json& n : j["nodes"]) {
    if (n["name"] == name) return n;
  }
  ADD_FAILURE() << name;
  return j;
}

TEST(GraphIoMalformedTest, TheSmallGraphsReadBack) {
  EXPECT_TRUE(Read(SmallGraphJson()).ok());
  EXPECT_TRUE(Read(SmallControlFlowJson()).ok());
}

TEST(GraphIoMalformedTest, EveryTruncationIsRejected) {
  for (const std::string& text : {SmallGraphJson(), SmallControlFlowJson()}) {
    for (size_t len = 0; len < text.size(); ++len) {
      absl::Status st = Read(text.substr(0, len));
      ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << len;
      ASSERT_THAT(std::string(st.message()), StartsWith(kSource)) << len;
    }
  }
}

TEST(GraphIoMalformedTest, NotJsonOrNotAGraph) {
  ExpectInvalid(Read(std::string("{\"format\": ")), {"invalid JSON"});
  ExpectInvalid(Read(std::string(100000, '[') + std::string(100000, ']')), {"expected a JSON object"});
  ExpectInvalid(Read(std::string("[]")), {"expected a JSON object at the top, got array"});
  ExpectInvalid(Read(std::string(
                    R"({"format": "estimator.graph", "version": 1, "nodes": [{"name": "a", "name": "b"}]})")),
                {"invalid JSON: the key \"name\" appears twice in one object"});
  ExpectInvalid(Read(std::string("{\"a\": \"\xff\"}")), {"invalid JSON"});
  Json j = Json::parse(SmallGraphJson());
  j["format"] = "onnx";
  ExpectInvalid(Read(j), {"format: not a graph file", "\"onnx\""});
  j.erase("format");
  ExpectInvalid(Read(j), {"format: not a graph file"});
  j = Json::parse(SmallGraphJson());
  j["extra"] = 1;
  ExpectInvalid(Read(j), {"unknown field \"extra\""});
  j = Json::parse(SmallGraphJson());
  j.erase("nodes");
  ExpectInvalid(Read(j), {"nodes: missing"});
  j = Json::parse(SmallGraphJson());
  j["seed"] = "7";
  ExpectInvalid(Read(j), {"seed: expected an integer, got string"});
}

TEST(GraphIoMalformedTest, VersionsNewerThanSupportedAreAFailedPrecondition) {
  Json j = Json::parse(SmallGraphJson());
  j["version"] = kGraphFormatVersion + 1;
  j["a_field_from_the_future"] = true;  // never looked at: the version decides first
  absl::Status st = Read(j);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_EQ(st.message(), absl::StrCat(kSource, ": format version 2 is newer than this library reads (1)"));
  j["version"] = 0;
  ExpectInvalid(Read(j), {"version: 0 is not a format version"});
  j["version"] = "1";
  ExpectInvalid(Read(j), {"version: expected an integer, got string"});
  j["version"] = 1.0;
  ExpectInvalid(Read(j), {"version: expected an integer, got 1.0"});
}

TEST(GraphIoMalformedTest, NodeLevelErrorsNameTheNode) {
  const Json base = Json::parse(SmallGraphJson());
  struct Case {
    std::function<void(Json&)> mutate;
    std::vector<const char*> fragments;
  };
  const std::vector<Case> cases = {
      {[](Json& j) { NodeJson(j, "matmul")["op"] = "MatMult"; },
       {"node 'matmul' (#2)", "unknown op \"MatMult\""}},
      {[](Json& j) { NodeJson(j, "matmul")["attrs"].erase("transpose_a"); },
       {"node 'matmul' (#2)", "missing required attr 'transpose_a' (bool) of MatMul"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["attrs"]["transpose_a"] = Json{{"type", "int"}, {"value", 1}};
       },
       {"node 'matmul' (#2)", "attr 'transpose_a' must be of type bool, got int"}},
      {[](Json& j) { NodeJson(j, "matmul")["attrs"]["transpose_a"]["value"] = 1; },
       {"node 'matmul' (#2)", "attr 'transpose_a': expected true or false, got number"}},
      {[](Json& j) { NodeJson(j, "matmul")["attrs"]["transpose_a"]["type"] = "boolean"; },
       {"attr 'transpose_a': unknown attribute type \"boolean\""}},
      {[](Json& j) {
         NodeJson(j, "matmul")["attrs"]["alpha"] = Json{{"type", "float"}, {"value", 1.0}};
       },
       {"node 'matmul' (#2)", "attr 'alpha' is not an attribute of MatMul"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"relu", "w"};
       },
       {"node 'matmul' (#2)", "input 0 'relu' refers to node #3, which does not come before it"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"matmul", "w"};
       },
       {"node 'matmul' (#2)", "input 0 'matmul' refers to node #2"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"y", "w"};
       },
       {"node 'matmul' (#2)", "input 0 'y' names no node"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"x", "w:1"};
       },
       {"node 'matmul' (#2)", "input 1 'w:1': output index 1 is out of range; node 'w' has 1 output(s)"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"x", "w", "w"};
       },
       {"node 'matmul' (#2)", "MatMul takes 2 inputs, got 3"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["inputs"] = {"x", 1};
       },
       {"node 'matmul' (#2)", "input 1 expected a string, got number"}},
      {[](Json& j) { NodeJson(j, "matmul")["control_inputs"] = {"sum"}; },
       {"node 'matmul' (#2)", "control input 0 'sum' refers to node #4"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["outputs"][0]["shape"] = {-1, 5};
       },
       {"node 'matmul' (#2)", "declares output 0 as f32[?,5] but its inputs and attributes give f32[?,2]"}},
      {[](Json& j) { NodeJson(j, "matmul")["outputs"][0]["dtype"] = "bf16"; },
       {"node 'matmul' (#2)", "declares output 0 as bf16[?,2]"}},
      {[](Json& j) {
         NodeJson(j, "matmul")["outputs"].push_back(Json{{"dtype", "f32"}, {"shape", Json::array()}});
       },
       {"node 'matmul' (#2)", "declares 2 output(s) but the op has 1"}},
      {[](Json& j) { NodeJson(j, "matmul").erase("outputs"); }, {"node 'matmul' (#2)", "outputs: missing"}},
      {[](Json& j) { NodeJson(j, "relu")["attrs"]["kind"]["value"] = 99; },
       {"node 'relu' (#3)", "activation kind 99 is not an ActivationKind"}},
      {[](Json& j) { NodeJson(j, "sum")["name"] = "relu"; },
       {"node 'relu' (#4)", "duplicate node name (node #3 has it too)"}},
      {[](Json& j) { NodeJson(j, "sum")["name"] = ""; }, {"node #4", "\"name\" must be a non-empty string"}},
      {[](Json& j) { NodeJson(j, "sum")["colour"] = "red"; },
       {"node 'sum' (#4)", "unknown field \"colour\""}},
      {[](Json& j) { NodeJson(j, "sum")["loc"] = 42; }, {"node 'sum' (#4)", "\"loc\" must be a string"}},
      {[](Json& j) { NodeJson(j, "sum")["subgraphs"] = Json::array(); },
       {"node 'sum' (#4)", "only While and Cond nodes have subgraphs"}},
      {[](Json& j) { NodeJson(j, "x")["op"] = "Arg"; },
       {"node 'x' (#0)", "Arg nodes exist only in the subgraphs"}},
      {[](Json& j) { j["nodes"][1] = "w"; }, {"node #1", "expected an object, got string"}},
      {[](Json& j) { j["nodes"] = Json::object(); }, {"nodes: expected an array, got object"}},
      // Shapes: negative, huge, too many elements, not integers.
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {-2, 3};
       },
       {"node 'x' (#0)", "attr 'shape': shape dim 0 is -2"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {int64_t{1} << 50, 3};
       },
       {"node 'x' (#0)", "shape dim 0 is 1125899906842624"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {uint64_t{18446744073709551615u}, 3};
       },
       {"node 'x' (#0)", "does not fit in a 64-bit signed integer"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {int64_t{1} << 30, int64_t{1} << 30};
       },
       {"node 'x' (#0)", "elements"}},
      {[](Json& j) {
         NodeJson(j, "x")["attrs"]["shape"]["value"] = {1.5, 3};
       },
       {"node 'x' (#0)", "shape dim 0: expected an integer, got 1.5"}},
      {[](Json& j) {
         NodeJson(j, "x")["outputs"][0]["shape"] = {-7, 3};
       },
       {"node 'x' (#0)", "outputs 0: shape dim 0 is -7"}},
      {[](Json& j) { NodeJson(j, "x")["attrs"]["dtype"]["value"] = "float32"; },
       {"node 'x' (#0)", "unknown dtype \"float32\""}},
      // Inline tensors.
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["values"].push_back(7); },
       {"node 'w' (#1)", "7 values for f32[3,2] (6 elements)"}},
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["values"][2] = "three"; },
       {"node 'w' (#1)", "tensor value 2: \"three\" is not a f32 value"}},
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["values"][2] = 1e39; },
       {"node 'w' (#1)", "outside the f32 range"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"]["shape"] = {-1, 6};
       },
       {"node 'w' (#1)", "shape dim 0 is -1; expected 0 to"}},
      {[](Json& j) { NodeJson(j, "w")["attrs"]["value"]["value"]["ref"] = "w"; },
       {"node 'w' (#1)", "exactly one of \"values\" (inline) and \"ref\" (external)"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {
             {"dtype", "i32"}, {"shape", {2}}, {"values", {1, 1e10}}};
       },
       {"node 'w' (#1)", "tensor value 1: expected an integer, got 10000000000.0"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {
             {"dtype", "i32"}, {"shape", {2}}, {"values", {1, int64_t{1} << 40}}};
       },
       {"node 'w' (#1)", "1099511627776 is outside the i32 range"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {{"dtype", "bool"}, {"shape", {1}}, {"values", {1}}};
       },
       {"node 'w' (#1)", "tensor value 0: expected true or false, got number"}},
      {[](Json& j) {
         NodeJson(j, "w")["attrs"]["value"]["value"] = {
             {"dtype", "f32"}, {"shape", {1}}, {"values", {"nan:0x7f800000"}}};
       },
       {"node 'w' (#1)", "\"nan:0x7f800000\" is not a f32 value"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    Json j = base;
    cases[i].mutate(j);
    absl::Status st = Read(j);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_THAT(std::string(st.message()), StartsWith(absl::StrCat(kSource, ": ")));
    for (const char* f : cases[i].fragments) EXPECT_THAT(std::string(st.message()), HasSubstr(f));
  }
}

TEST(GraphIoMalformedTest, ControlFlowStructureIsChecked) {
  const Json base = Json::parse(
      Serialize(*BuildControlFlowGraph()->s.graph(), {.indent = -1, .include_locations = false}).json);
  ASSERT_TRUE(Read(base).ok());
  auto loop = [](Json& j) -> Json& { return NodeJson(j, "loop"); };
  struct Case {
    std::function<void(Json&)> mutate;
    std::vector<const char*> fragments;
  };
  const std::vector<Case> cases = {
      {[&](Json& j) { loop(j)["attrs"]["num_loop_vars"]["value"] = 5; },
       {"node 'loop'", "num_loop_vars 5 and num_cond_captures 1 do not fit its 4 inputs"}},
      {[&](Json& j) { loop(j)["attrs"]["num_cond_captures"]["value"] = 0; },
       {"node 'loop'", "the cond subgraph captures 1 values but the node passes 0"}},
      {[&](Json& j) { loop(j)["subgraphs"].erase(1); },
       {"node 'loop'", "\"subgraphs\" must list 2 subgraphs"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["results"].erase(1); },
       {"node 'loop'", "the body subgraph has 1 results for 2 loop variables"}},
      {[&](Json& j) { loop(j)["subgraphs"][0]["results"] = {"arg_1"}; },
       {"node 'loop'", "the cond subgraph must have one result, a bool scalar"}},
      {[&](Json& j) {
         loop(j)["subgraphs"][1]["results"] = {"arg_1", "arg_1"};
       },
       {"node 'loop'", "loop variable 0 is f32[2] but the body returns f32[]"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["results"] = {"nope"}; },
       {"node 'loop'", "subgraph 1", "result 0 'nope' names no node"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["captures"] = {"x0"}; },
       {"node 'loop' (#", "subgraph 1, node 'capture/w' (#2)", "'x0' does not give this name"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["captures"] = {"limit"}; },
       {"subgraph 1, node 'capture/w' (#2)", "declares f32[2] but captures 'limit' of type f32[]"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["args"][0] = "arg_9"; },
       {"subgraph 1, node 'arg_0' (#0)", "is Arg node 0 of the subgraph but \"args\" lists 'arg_9'"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["args"].push_back("arg_2"); },
       {"subgraph 1", "\"args\" lists 4 names but the subgraph has 3 Arg nodes"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["nodes"][1]["attrs"]["index"]["value"] = 0; },
       {"subgraph 1, node 'arg_1' (#1)", "attr 'index' is 0 but the Arg is argument 1"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["nodes"][1]["outputs"][0]["shape"] = {3}; },
       {"subgraph 1, node 'loop/body/add'",
        "declares output 0 as f32[] but its inputs and attributes give f32[3]"}},
      {[&](Json& j) { loop(j)["inputs"][1] = "x0"; },
       {"node 'loop'", "the cond subgraph's arg 1 is f32[] but the node passes f32[2]"}},
      {[&](Json& j) {
         loop(j)["subgraphs"][1]["args"][2] = "captured_w";
         loop(j)["subgraphs"][1]["nodes"][2]["name"] = "captured_w";
       },
       {"subgraph 1", "a captured argument must be named \"capture/<captured node>\""}},
      {[&](Json& j) {
         loop(j)["subgraphs"][1]["nodes"].push_back(
             {{"name", "outer_x"}, {"op", "Identity"}, {"inputs", {"x0"}}, {"outputs", Json::array()}});
       },
       {"subgraph 1, node 'outer_x'", "input 0 'x0' names no node of this graph"}},
      {[&](Json& j) {
         Json var = {{"name", "v"},
                     {"op", "Variable"},
                     {"attrs",
                      {{"dtype", {{"type", "dtype"}, {"value", "f32"}}},
                       {"shape", {{"type", "shape"}, {"value", {2}}}}}},
                     {"outputs", {{{"dtype", "f32"}, {"shape", {2}}}}}};
         loop(j)["subgraphs"][1]["nodes"].push_back(var);
       },
       {"subgraph 1, node 'v'", "variables cannot be created inside a control-flow body"}},
      {[&](Json& j) { loop(j)["subgraphs"][1]["inputs"] = Json::array(); }, {"unknown field \"inputs\""}},
      {[&](Json& j) { NodeJson(j, "branch")["subgraphs"][1]["results"].erase(0); },
       {"node 'branch'", "the then subgraph has 2 results but the else subgraph 1"}},
      {[&](Json& j) { NodeJson(j, "branch")["attrs"]["num_then_captures"]["value"] = 9; },
       {"node 'branch'", "num_then_captures 9 does not fit"}},
      {[&](Json& j) { NodeJson(j, "branch")["inputs"][0] = "limit"; },
       {"node 'branch'", "the predicate must be a bool scalar, got f32[]"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    Json j = base;
    cases[i].mutate(j);
    absl::Status st = Read(j);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_THAT(std::string(st.message()), StartsWith(absl::StrCat(kSource, ": ")));
    for (const char* f : cases[i].fragments) EXPECT_THAT(std::string(st.message()), HasSubstr(f));
  }
}

TEST(GraphIoMalformedTest, ControlFlowNestedTooDeepIsRefused) {
  Scope s = Scope::NewRootScope();
  std::function<Output(const Scope&, Output, int)> nest = [&](const Scope& s, Output v, int depth) -> Output {
    if (depth == 0) return ops::Add(s, v, 1);
    return ops::WhileLoop(
        s, [](const Scope& s, const Vars& u) { return ops::Less(s, u[0], 1); },
        [&](const Scope& s, const Vars& u) { return Vars{nest(s, u[0], depth - 1)}; }, {v})[0];
  };
  nest(s, ops::Const(s, 0), 33);
  ASSERT_TRUE(s.ok()) << s.status();
  absl::Status st = Read(Serialize(*s.graph()).json);
  ExpectInvalid(st, {"control flow is nested more than 32 deep"});
}

// Replaces every value of the document, one at a time, with values of every other JSON type: the reader
// must answer each with a Status (never crash), and an error must name the source.
TEST(GraphIoMalformedTest, WrongJsonTypesAnywhereNeverCrash) {
  const std::vector<Json> replacements = {Json(nullptr), Json(7),         Json(-1),      Json(2.5),
                                          Json("s"),     Json(true),      Json::array(), Json::object(),
                                          Json{1, 2},    Json{{"k", "v"}}};
  for (const std::string& text : {SmallGraphJson(), SmallControlFlowJson()}) {
    const Json base = Json::parse(text);
    const Json flat = base.flatten();
    int rejected = 0, total = 0;
    // Every path to a leaf, and every path to the containers above it.
    std::set<std::string> pointers;
    for (const auto& item : flat.items()) {
      std::string p = item.key();
      while (!p.empty()) {
        pointers.insert(p);
        p = p.substr(0, p.rfind('/'));
      }
    }
    for (const std::string& p : pointers) {
      for (const Json& r : replacements) {
        Json j = base;
        j[Json::json_pointer(p)] = r;
        if (j == base) continue;
        absl::Status st = Read(j);
        ++total;
        if (st.ok()) continue;
        ++rejected;
        ASSERT_TRUE(st.code() == absl::StatusCode::kInvalidArgument ||
                    st.code() == absl::StatusCode::kFailedPrecondition)
            << p << " = " << r.dump() << ": " << st;
        ASSERT_THAT(std::string(st.message()), StartsWith(kSource)) << p;
      }
    }
    // Most changes are caught; the rest are harmless (e.g. another seed, loop bound or constant value).
    EXPECT_GT(rejected, total / 2) << rejected << " of " << total;
  }
}

}  // namespace
}  // namespace graph
