#include "graph/passes/inference_graph.h"

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gmock/gmock.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/control_flow_ops.h"
#include "graph/ops/conv_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/generator_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Tensor Uniform(Shape shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  Tensor t(DType::kFloat32, std::move(shape));
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

int CountKind(const Graph& g, OpKind kind) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->kind() == kind ? 1 : 0;
  return n;
}

void ExpectBitwiseEqual(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.dtype(), b.dtype());
  ASSERT_EQ(a.shape(), b.shape());
  EXPECT_EQ(std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()), 0)
      << a.DebugString() << " vs " << b.DebugString();
}

void ExpectNear(const Tensor& a, const Tensor& b, float tolerance) {
  ASSERT_EQ(a.shape(), b.shape());
  float worst = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    worst = std::max(worst, std::abs(a.data<float>()[i] - b.data<float>()[i]));
  }
  EXPECT_LE(worst, tolerance);
}

TEST(FoldBatchNormTest, ScalesEachOutputChannelAndShiftsTheBias) {
  // scale = gamma / sqrt(variance + 1) = [1 / 2, 6 / 3] = [0.5, 2].
  const Tensor gamma = Tensor::Of<float>({1, 6}, {2}), beta = Tensor::Of<float>({0.25f, 0.5f}, {2});
  const Tensor mean = Tensor::Of<float>({3, 1}, {2}), variance = Tensor::Of<float>({3, 8}, {2});
  const Tensor w = Tensor::Of<float>({1, 2, 3, 4}, {2, 2});
  absl::StatusOr<FoldedBatchNorm> f =
      FoldBatchNorm(w, false, Tensor::Of<float>({1, -1}, {2}), gamma, beta, mean, variance, 1.0);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(f->weights.ToVector<float>(), ElementsAre(0.5f, 4, 1.5f, 8));  // columns are channels
  EXPECT_THAT(f->bias.ToVector<float>(), ElementsAre(-0.75f, -3.5f));        // (b - mean) * scale + beta
  f = FoldBatchNorm(w, true, Tensor(), gamma, beta, mean, variance, 1.0);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(f->weights.ToVector<float>(), ElementsAre(0.5f, 1, 6, 8));  // rows are channels
  EXPECT_THAT(f->bias.ToVector<float>(), ElementsAre(-1.25f, -1.5f));     // no bias: b = 0
  f = FoldBatchNorm(w, false, Tensor(), Tensor::Of<float>({1, 2, 3}, {3}), beta, mean, variance, 1.0);
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(std::string(f.status().message()), HasSubstr("gamma must be an f32 vector of 2 channels"));
}

// Builds a source graph whose variables hold known values (as a checkpoint would), runs it, and runs the
// inference graph made from it.
class InferenceGraphTest : public ::testing::Test {
 protected:
  Output Var(const Scope& s, const std::string& name, Tensor value) {
    values_[s.prefix() + name] = value;
    return ops::Variable(s, name, value.dtype(), value.shape());
  }
  Output Feature(const std::string& name, Shape shape, DType dtype = DType::kFloat32,
                 Loc loc = Loc::current()) {
    return ops::Placeholder(s_.WithOpName("features/" + name), dtype, std::move(shape), loc);
  }
  // Random batch-norm parameters for `channels`, away from the trivial gamma 1, beta 0, mean 0, var 1.
  ops::BatchNormOutputs BatchNorm(const Scope& scope, Output x, int64_t channels, bool training = false) {
    const Scope s = scope.NewSubScope("bn");
    return ops::BatchNorm(s, x, Var(s, "gamma", Uniform({channels}, 11, 0.5f, 1.5f)),
                          Var(s, "beta", Uniform({channels}, 12, -0.5f, 0.5f)),
                          Var(s, "moving_mean", Uniform({channels}, 13, -0.5f, 0.5f)),
                          Var(s, "moving_variance", Uniform({channels}, 14, 0.2f, 1.5f)), training);
  }
  VariableValueFn Values() {
    return [this](const Node& v) -> absl::StatusOr<Tensor> {
      auto it = values_.find(v.name());
      if (it == values_.end()) return absl::NotFoundError("no value");
      return it->second;
    };
  }
  absl::StatusOr<InferenceGraph> Make(std::vector<Output> inputs, std::vector<Output> outputs,
                                      const InferenceGraphOptions& options = {}) {
    EXPECT_TRUE(s_.ok()) << s_.status();
    return MakeInferenceGraph(*s_.graph(), inputs, outputs, Values(), options);
  }
  std::vector<Tensor> RunSource(const std::vector<Feed>& feeds, const std::vector<Output>& fetches) {
    Session session(*s_.graph());
    for (const auto& [name, value] : values_) EXPECT_TRUE(session.WriteVariable(name, value).ok()) << name;
    std::vector<Tensor> out;
    absl::Status st = session.Run(feeds, fetches, &out);
    EXPECT_TRUE(st.ok()) << st;
    return out;
  }
  static std::vector<Tensor> RunInference(const InferenceGraph& ig, const std::vector<Tensor>& inputs) {
    Session session(*ig.graph);
    std::vector<Feed> feeds;
    for (size_t i = 0; i < inputs.size(); ++i) feeds.emplace_back(ig.inputs[i], inputs[i]);
    std::vector<Tensor> out;
    absl::Status st = session.Run(feeds, ig.outputs, &out);
    EXPECT_TRUE(st.ok()) << st;
    return out;
  }

  Scope s_ = Scope::NewRootScope(/*seed=*/5);
  absl::flat_hash_map<std::string, Tensor> values_;
};

TEST_F(InferenceGraphTest, DenseMlpWithDropoutIsBitwiseEqualWithoutDropout) {
  Output x = Feature("x", {-1, 5});
  const Scope d1 = s_.NewSubScope("dense");
  Output h = ops::Relu(d1, ops::BiasAdd(d1, ops::MatMul(d1, x, Var(d1, "kernel", Uniform({5, 8}, 1))),
                                        Var(d1, "bias", Uniform({8}, 2))));
  Output h_copy = ops::Identity(s_, h);
  Output dropped = ops::Dropout(s_, h_copy, 0.5f, /*seed=*/3);
  const Scope d2 = s_.NewSubScope("logits");
  Output logits = ops::BiasAdd(d2, ops::MatMul(d2, dropped, Var(d2, "kernel", Uniform({8, 3}, 4))),
                               Var(d2, "bias", Uniform({3}, 5)));
  absl::StatusOr<InferenceGraph> ig = Make({x}, {logits});
  ASSERT_TRUE(ig.ok()) << ig.status();

  const Graph& g = *ig->graph;
  EXPECT_EQ(CountKind(g, OpKind::kDropout), 0);
  EXPECT_EQ(CountKind(g, OpKind::kIdentity), 0);
  EXPECT_EQ(CountKind(g, OpKind::kVariable), 0);
  EXPECT_EQ(CountKind(g, OpKind::kConst), 4);
  EXPECT_EQ(ig->inputs[0].node->name(), "features/x");
  EXPECT_EQ(ig->inputs[0].node->kind(), OpKind::kPlaceholder);
  const Node* kernel = g.FindNode("dense/kernel");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->kind(), OpKind::kConst);
  ExpectBitwiseEqual(kernel->attrs().GetTensor("value"), values_.at("dense/kernel"));
  // The second MatMul reads the relu directly.
  EXPECT_EQ(g.FindNode("logits/matmul")->input(0).node->name(), "dense/relu");

  // The source graph evaluated without dropping: its Dropout output fed with the Dropout input.
  const Tensor input = Uniform({4, 5}, 6);
  const Tensor kept = RunSource({{x, input}}, {h_copy})[0];
  const Tensor want = RunSource({{x, input}, {dropped, kept}}, {logits})[0];
  ExpectBitwiseEqual(RunInference(*ig, {input})[0], want);
}

TEST_F(InferenceGraphTest, Conv2DBiasBatchNormReluIsFoldedWithinTolerance) {
  Output x = Feature("x", {-1, 6, 6, 3});
  const Scope c = s_.NewSubScope("conv");
  ops::Conv2DOptions o;
  o.padding = ops::Padding::kSame;
  Output conv = ops::BiasAdd(c, ops::Conv2D(c, x, Var(c, "kernel", Uniform({3, 3, 3, 4}, 1)), o),
                             Var(c, "bias", Uniform({4}, 2)));
  Output y = ops::Relu(s_, BatchNorm(s_, conv, 4).y);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_TRUE(ig.ok()) << ig.status();

  const Graph& g = *ig->graph;
  EXPECT_EQ(CountKind(g, OpKind::kBatchNorm), 0);
  EXPECT_EQ(CountKind(g, OpKind::kConv2D), 1);
  EXPECT_EQ(CountKind(g, OpKind::kBiasAdd), 1);
  // x, folded filter, conv, folded bias, bias add, relu: the BN parameters and the old filter are gone.
  EXPECT_EQ(g.num_nodes(), 6);
  const Node* bias_add = g.FindNode("bn/batch_norm");
  ASSERT_NE(bias_add, nullptr);
  EXPECT_EQ(bias_add->kind(), OpKind::kBiasAdd);
  EXPECT_EQ(bias_add->input(0).node->name(), "conv/conv2d");
  EXPECT_EQ(g.FindNode("relu")->input(0).node, bias_add);
  EXPECT_THAT(ig->rewrites, ElementsAre("folded BatchNorm 'bn/batch_norm' into Conv2D 'conv/conv2d'"));

  const Tensor input = Uniform({2, 6, 6, 3}, 7);
  const Tensor want = RunSource({{x, input}}, {y})[0];
  const Tensor got = RunInference(*ig, {input})[0];
  ExpectNear(got, want, 1e-5f);
  // The relu keeps a good share of positive values, so the comparison is not of zeros.
  int positive = 0;
  for (float v : want.flat<float>()) positive += v > 0.1f ? 1 : 0;
  EXPECT_GT(positive, want.num_elements() / 5);
}

TEST_F(InferenceGraphTest, DenseBiasBatchNormIsFoldedForBothWeightLayouts) {
  for (bool transpose_b : {false, true}) {
    SCOPED_TRACE(transpose_b ? "transpose_b" : "plain");
    s_ = Scope::NewRootScope(5);
    values_.clear();
    Output x = Feature("x", {-1, 6});
    const Scope d = s_.NewSubScope("dense");
    Output w = Var(d, "kernel", Uniform(transpose_b ? Shape{5, 6} : Shape{6, 5}, 1));
    Output z =
        ops::BiasAdd(d, ops::MatMul(d, x, w, {.transpose_b = transpose_b}), Var(d, "bias", Uniform({5}, 2)));
    Output y = BatchNorm(s_, z, 5).y;
    absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
    ASSERT_TRUE(ig.ok()) << ig.status();
    EXPECT_EQ(CountKind(*ig->graph, OpKind::kBatchNorm), 0);
    EXPECT_EQ(ig->graph->num_nodes(), 5);  // x, folded weights, matmul, folded bias, bias add
    EXPECT_EQ(ig->graph->FindNode("dense/matmul")->attrs().GetBool("transpose_b"), transpose_b);
    EXPECT_EQ(ig->outputs[0].node->name(), "bn/batch_norm");
    const Tensor input = Uniform({3, 6}, 8);
    ExpectNear(RunInference(*ig, {input})[0], RunSource({{x, input}}, {y})[0], 1e-5f);
  }
}

TEST_F(InferenceGraphTest, ConvWithoutBiasGetsABiasAddNamedAfterTheBatchNorm) {
  Output x = Feature("x", {-1, 5, 5, 2});
  const Scope c = s_.NewSubScope("conv");
  Output conv = ops::Conv2D(c, x, Var(c, "kernel", Uniform({2, 2, 2, 3}, 1)), {.strides = {2, 2}});
  Output y = BatchNorm(s_, conv, 3).y;
  ASSERT_EQ(CountKind(*s_.graph(), OpKind::kBiasAdd), 0);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kBatchNorm), 0);
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kBiasAdd), 1);
  EXPECT_EQ(ig->outputs[0].node->kind(), OpKind::kBiasAdd);
  EXPECT_EQ(ig->outputs[0].node->name(), "bn/batch_norm");
  const Tensor input = Uniform({2, 5, 5, 2}, 9);
  ExpectNear(RunInference(*ig, {input})[0], RunSource({{x, input}}, {y})[0], 1e-5f);
}

TEST_F(InferenceGraphTest, ConvWithASecondConsumerIsNotFolded) {
  Output x = Feature("x", {-1, 4, 4, 2});
  const Scope c = s_.NewSubScope("conv");
  Output conv = ops::Conv2D(c, x, Var(c, "kernel", Uniform({3, 3, 2, 3}, 1)));
  Output y = BatchNorm(s_, conv, 3).y;
  Output side = ops::Relu(s_, conv);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y, side});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kBatchNorm), 1);
  EXPECT_TRUE(ig->rewrites.empty());
  const Tensor input = Uniform({2, 4, 4, 2}, 10);
  std::vector<Tensor> want = RunSource({{x, input}}, {y, side});
  std::vector<Tensor> got = RunInference(*ig, {input});
  ExpectBitwiseEqual(got[0], want[0]);
  ExpectBitwiseEqual(got[1], want[1]);
}

TEST_F(InferenceGraphTest, BatchNormWithUsedStatisticsOrInTrainingModeIsNotFolded) {
  Output x = Feature("x", {-1, 4});
  const Scope d = s_.NewSubScope("a");
  ops::BatchNormOutputs stats = BatchNorm(d, ops::MatMul(d, x, Var(d, "kernel", Uniform({4, 4}, 1))), 4);
  const Scope e = s_.NewSubScope("b");
  Output training = BatchNorm(e, ops::MatMul(e, x, Var(e, "kernel", Uniform({4, 4}, 2))), 4, true).y;
  absl::StatusOr<InferenceGraph> ig = Make({x}, {stats.y, stats.batch_mean, training});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kBatchNorm), 2);
  EXPECT_TRUE(ig->rewrites.empty());
  const Tensor input = Uniform({5, 4}, 11);
  std::vector<Tensor> want = RunSource({{x, input}}, {stats.y, stats.batch_mean, training});
  std::vector<Tensor> got = RunInference(*ig, {input});
  for (int i = 0; i < 3; ++i) ExpectBitwiseEqual(got[i], want[i]);
}

TEST_F(InferenceGraphTest, FoldingCanBeTurnedOff) {
  Output x = Feature("x", {-1, 4, 4, 2});
  const Scope c = s_.NewSubScope("conv");
  Output y = BatchNorm(s_, ops::Conv2D(c, x, Var(c, "kernel", Uniform({3, 3, 2, 3}, 1))), 3).y;
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y}, {.fold_batch_norm = false});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kBatchNorm), 1);
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kConst), 5);  // filter and four statistics, frozen
  EXPECT_TRUE(ig->rewrites.empty());
  const Tensor input = Uniform({1, 4, 4, 2}, 12);
  ExpectBitwiseEqual(RunInference(*ig, {input})[0], RunSource({{x, input}}, {y})[0]);
}

TEST_F(InferenceGraphTest, IdentityAndDropoutAreKeptWhenAsked) {
  Output x = Feature("x", {-1, 3});
  Output y = ops::Dropout(s_, ops::Identity(s_, x), 0.25f, 1);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y}, {.remove_dropout = false, .remove_identity = false});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kDropout), 1);
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kIdentity), 1);
  EXPECT_TRUE(ig->rewrites.empty());
  const Tensor input = Uniform({8, 3}, 13);
  ExpectBitwiseEqual(RunInference(*ig, {input})[0], RunSource({{x, input}}, {y})[0]);
}

TEST_F(InferenceGraphTest, UsedDropoutMaskBecomesOnes) {
  Output x = Feature("x", {-1, 3});
  Output y = ops::Dropout(s_, x, 0.5f, 1);
  Output mask = y.node->output(1);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y, mask});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(ig->outputs[0], ig->inputs[0]);
  EXPECT_EQ(ig->outputs[1].node->kind(), OpKind::kOnesLike);
  EXPECT_EQ(ig->outputs[1].node->name(), "dropout");
  EXPECT_THAT(ig->rewrites, ElementsAre("removed Dropout 'dropout' (its mask is now ones)"));
  const Tensor input = Uniform({2, 3}, 14);
  std::vector<Tensor> got = RunInference(*ig, {input});
  ExpectBitwiseEqual(got[0], input);
  EXPECT_THAT(got[1].ToVector<float>(), ElementsAre(1, 1, 1, 1, 1, 1));
}

TEST_F(InferenceGraphTest, VariableValueOfTheWrongShapeIsRejected) {
  Output x = Feature("x", {-1, 4});
  Output y = ops::MatMul(s_, x, Var(s_, "w", Uniform({4, 2}, 1)));
  values_["w"] = Uniform({2, 4}, 1);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_FALSE(ig.ok());
  EXPECT_EQ(ig.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("Variable 'w'"));
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("is f32[2,4] but the variable is f32[4,2]"));

  values_.erase("w");
  ig = Make({x}, {y});
  ASSERT_FALSE(ig.ok());
  EXPECT_EQ(ig.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("reading the value of Variable 'w'"));
}

TEST_F(InferenceGraphTest, OutputNeedingAnUngivenPlaceholderIsRejected) {
  Output x = Feature("x", {-1, 2});
  const int line = __LINE__ + 1;
  Output label = Feature("label", {-1, 2});
  Output y = ops::Add(s_, x, label);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_FALSE(ig.ok());
  EXPECT_EQ(ig.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ig.status().message()),
              HasSubstr("the outputs need Placeholder 'features/label' (inference_graph_test.cc:" +
                        std::to_string(line) + "), which is not among the given inputs"));
}

TEST_F(InferenceGraphTest, StateChangeNeededByTheOutputsIsRejected) {
  Output x = Feature("x", {-1, 2});
  Output w = Var(s_, "w", Uniform({2, 2}, 1));
  const int line = __LINE__ + 1;
  Output update = ops::AssignAdd(s_, w, Uniform({2, 2}, 2));
  Output y = ops::MatMul(s_.WithControlDependencies({update}), x, w);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_FALSE(ig.ok());
  EXPECT_EQ(ig.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(ig.status().message()),
              HasSubstr("AssignAdd 'assign_add' (inference_graph_test.cc:" + std::to_string(line) + ")"));
  // Read through the data path too.
  Output z = ops::Identity(s_, ops::Assign(s_, w, Uniform({2, 2}, 3)));
  ig = Make({x}, {z});
  ASSERT_FALSE(ig.ok());
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("Assign 'assign'"));
}

TEST_F(InferenceGraphTest, BadEndpointsAreRejected) {
  Output x = Feature("x", {-1, 2});
  Output w = Var(s_, "w", Uniform({2, 2}, 1));
  Output y = ops::MatMul(s_, x, w);
  absl::StatusOr<InferenceGraph> ig = Make({w}, {y});
  ASSERT_FALSE(ig.ok());
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("input 0 is Variable 'w'"));
  ig = Make({x}, {Output()});
  ASSERT_FALSE(ig.ok());
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("output 0 is not a value"));
  Scope other = Scope::NewRootScope();
  ig = Make({x}, {ops::Const(other, 1.0f)});
  ASSERT_FALSE(ig.ok());
  EXPECT_THAT(std::string(ig.status().message()), HasSubstr("is not a node of the source graph"));
}

TEST_F(InferenceGraphTest, PruningKeepsOnlyWhatTheOutputsNeed) {
  Output x = Feature("x", {-1, 3});
  Output label = Feature("label", {-1, 2});
  Output logits = ops::MatMul(s_, x, Var(s_, "w", Uniform({3, 2}, 1)));
  Output loss = ops::Mul(s_, ops::Square(s_, ops::Sub(s_, logits, label)), 0.5f);
  Output unused = ops::Add(s_, Var(s_, "v", Uniform({2}, 2)), ops::RandomUniform(s_, {2}, 3));
  ops::Group(s_, {loss, unused}, "train");
  ASSERT_GT(s_.graph()->num_nodes(), 10);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {logits});
  ASSERT_TRUE(ig.ok()) << ig.status();
  std::vector<std::string> names;
  for (const auto& n : ig->graph->nodes()) names.push_back(n->name());
  EXPECT_THAT(names, ElementsAre("features/x", "w", "matmul"));
  const Tensor input = Uniform({2, 3}, 4);
  ExpectBitwiseEqual(RunInference(*ig, {input})[0], RunSource({{x, input}}, {logits})[0]);
}

TEST_F(InferenceGraphTest, ControlDependenciesOnRemovedNodesAreDropped) {
  Output x = Feature("x", {-1, 2});
  Node* idle = ops::Group(s_, {ops::Identity(s_, x)}, "idle");
  Node* draw = ops::Group(s_, {ops::RandomUniform(s_, {2}, 1)}, "draw");
  Output y = ops::Relu(s_.WithControlDependencies({idle, draw}), x);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_TRUE(ig.ok()) << ig.status();
  const Graph& g = *ig->graph;
  EXPECT_EQ(g.FindNode("idle"), nullptr);
  const Node* kept = g.FindNode("draw");
  ASSERT_NE(kept, nullptr);
  ASSERT_EQ(kept->control_inputs().size(), 1u);
  EXPECT_EQ(kept->control_inputs()[0]->kind(), OpKind::kRandomUniform);
  EXPECT_THAT(ig->outputs[0].node->control_inputs(), ElementsAre(kept));
  EXPECT_EQ(g.num_nodes(), 4);  // x, random_uniform, draw, relu
  const Tensor input = Uniform({3, 2}, 2);
  ExpectBitwiseEqual(RunInference(*ig, {input})[0], RunSource({{x, input}}, {y})[0]);
}

TEST_F(InferenceGraphTest, RandomOpsAreKeptAndDrawTheSameNumbers) {
  Output x = Feature("x", {-1, 3});
  Output y = ops::Add(s_, x, ops::RandomNormal(s_, {3}, /*seed=*/9));
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_EQ(CountKind(*ig->graph, OpKind::kRandomNormal), 1);
  const Tensor input = Uniform({2, 3}, 5);
  ExpectBitwiseEqual(RunInference(*ig, {input})[0], RunSource({{x, input}}, {y})[0]);
}

TEST_F(InferenceGraphTest, RewritesAreListedInGraphOrder) {
  Output x = Feature("x", {-1, 4});
  Output in = ops::Identity(s_.WithOpName("input_copy"), x);
  const Scope d = s_.NewSubScope("dense");
  Output z = ops::BiasAdd(d, ops::MatMul(d, in, Var(d, "kernel", Uniform({4, 3}, 1))),
                          Var(d, "bias", Uniform({3}, 2)));
  Output normalized = BatchNorm(s_, z, 3).y;
  Output dropped = ops::Dropout(s_, normalized, 0.3f, 1);
  Output y = ops::Identity(s_.WithOpName("out"), dropped);
  absl::StatusOr<InferenceGraph> ig = Make({x}, {y});
  ASSERT_TRUE(ig.ok()) << ig.status();
  EXPECT_THAT(ig->rewrites, ElementsAre("removed Identity 'input_copy'",
                                        "folded BatchNorm 'bn/batch_norm' into MatMul 'dense/matmul'",
                                        "removed Dropout 'dropout'", "removed Identity 'out'"));
  EXPECT_EQ(ig->outputs[0].node->name(), "bn/batch_norm");
  EXPECT_EQ(ig->graph->FindNode("dense/matmul")->input(0), ig->inputs[0]);
  const Tensor input = Uniform({3, 4}, 3);
  const Tensor kept = RunSource({{x, input}}, {normalized})[0];
  ExpectNear(RunInference(*ig, {input})[0], RunSource({{x, input}, {dropped, kept}}, {y})[0], 1e-5f);
}

TEST_F(InferenceGraphTest, WhileAndCondBodiesAreCopiedWithFrozenCaptures) {
  Output x = Feature("x", {2});
  Output flag = Feature("flag", {}, DType::kBool);
  Output w = Var(s_, "w", Tensor::Of<float>({1.5f, -2.0f}, {2}));
  using Vars = std::vector<Output>;
  // v <- (v + 1) * w three times; the body reads the captured w in its last step.
  Vars loop = ops::WhileLoop(
      s_, [](const Scope& s, const Vars& v) { return ops::Less(s, v[0], 3); },
      [&](const Scope& s, const Vars& v) {
        return Vars{ops::Add(s, v[0], 1), ops::Mul(s, ops::Identity(s, ops::Add(s, v[1], 1.0f)), w)};
      },
      {ops::Const(s_, 0), x});
  Vars branch = ops::Cond(
      s_, flag, [&](const Scope& s) { return Vars{ops::Mul(s, loop[1], w)}; },
      [&](const Scope& s) { return Vars{ops::Identity(s, ops::Sub(s, loop[1], w))}; });
  absl::StatusOr<InferenceGraph> ig = Make({x, flag}, {branch[0]});
  ASSERT_TRUE(ig.ok()) << ig.status();

  const Graph& g = *ig->graph;
  EXPECT_EQ(CountKind(g, OpKind::kVariable), 0);
  const Node* loop_copy = g.FindNode("while");
  ASSERT_NE(loop_copy, nullptr);
  const Graph& body = *loop_copy->subgraphs()[1];
  ASSERT_EQ(body.captures().size(), 1u);
  EXPECT_EQ(body.captures()[0].node->kind(), OpKind::kConst);
  EXPECT_EQ(body.captures()[0].node->name(), "w");
  EXPECT_EQ(CountKind(body, OpKind::kIdentity), 0);
  const Node* cond_copy = g.FindNode("cond");
  ASSERT_NE(cond_copy, nullptr);
  EXPECT_EQ(CountKind(*cond_copy->subgraphs()[1], OpKind::kIdentity), 0);
  EXPECT_THAT(ig->rewrites,
              ElementsAre("removed Identity 'while/body/identity'", "removed Identity 'cond/else/identity'"));

  // [1, 2] -> [3, -6] -> [6, 10] -> [10.5, -22]; then * w or - w.
  const Tensor input = Tensor::Of<float>({1.0f, 2.0f}, {2});
  const float then_values[] = {15.75f, 44.0f}, else_values[] = {9.0f, -20.0f};
  for (bool pick : {true, false}) {
    const Tensor p = Tensor::Scalar(pick);
    const Tensor got = RunInference(*ig, {input, p})[0];
    ExpectBitwiseEqual(got, RunSource({{x, input}, {flag, p}}, {branch[0]})[0]);
    const float* want = pick ? then_values : else_values;
    EXPECT_THAT(got.ToVector<float>(), ElementsAre(want[0], want[1]));
  }
}

}  // namespace
}  // namespace graph
