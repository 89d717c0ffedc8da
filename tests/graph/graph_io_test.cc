// The text form of graphs: round trips of real graphs (training, many op kinds, control flow) checked by
// running both graphs.
#include "graph/graph_io.h"

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/autodiff.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/control_flow_ops.h"
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
#include "tests/graph/graph_io_test_util.h"

namespace graph {
namespace {

using graph_io_testing::BuildControlFlowGraph;
using graph_io_testing::ExpectBitwiseEqual;
using graph_io_testing::ExpectInvalid;
using graph_io_testing::kGraphSource;
using graph_io_testing::RoundTrip;
using graph_io_testing::RunBoth;
using graph_io_testing::Same;
using graph_io_testing::Serialize;
using graph_io_testing::TensorMap;
using ::testing::HasSubstr;
using Vars = std::vector<Output>;

void CollectKinds(const Graph& g, std::set<OpKind>* kinds) {
  for (const auto& n : g.nodes()) {
    kinds->insert(n->kind());
    for (const Graph* sg : n->subgraphs()) CollectKinds(*sg, kinds);
  }
}

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
  auto from_loc = DeserializeGraph(with_loc.json, TensorMap(with_loc), kGraphSource);
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
  auto rebuilt = DeserializeGraph(text.json, TensorMap(text), kGraphSource);
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

}  // namespace
}  // namespace graph
