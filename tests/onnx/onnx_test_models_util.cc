#include <cmath>
#include <random>

#include "graph/ops/array_ops.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/conv_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/generator_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "tests/onnx/onnx_test_models.h"

namespace onnx_test {

using graph::DType;
using graph::Output;
using graph::Shape;
namespace ops = graph::ops;

Output TestModel::Input(const std::string& name, DType dtype, Shape shape, InputSpec spec) {
  Output x = ops::Placeholder(scope.WithOpName(name), dtype, std::move(shape));
  inputs.push_back({name, x});
  specs.push_back(std::move(spec));
  return x;
}

graph::Tensor RandomTensor(const Shape& shape, uint32_t seed, float scale) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  graph::Tensor t(DType::kFloat32, shape);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

Output RandomConst(const graph::Scope& s, const Shape& shape, uint32_t seed, float scale) {
  return ops::Const(s, RandomTensor(shape, seed, scale));
}

namespace {

float Glorot(int64_t fan_in, int64_t fan_out) {
  return std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
}

// Conv2D with a random HWIO filter, + bias, + optional relu.
Output Conv(const graph::Scope& scope, Output x, int64_t k, int64_t filters, const ops::Conv2DOptions& o,
            bool relu, uint32_t seed) {
  const int64_t cin = x.shape().dim(3) / o.groups;
  const graph::Scope s = scope.NewSubScope("conv");
  Output w = RandomConst(s.WithOpName("kernel"), {k, k, cin, filters}, seed, Glorot(k * k * cin, filters));
  Output y =
      ops::BiasAdd(s, ops::Conv2D(s, x, w, o), RandomConst(s.WithOpName("bias"), {filters}, seed + 1, 0.1f));
  return relu ? ops::Relu(s, y) : y;
}

// Random values in [0.5, 1.5) (variances).
Output PositiveConst(const graph::Scope& s, int64_t n, uint32_t seed) {
  graph::Tensor t = RandomTensor({n}, seed, 0.5f);
  for (float& v : t.flat<float>()) v += 1.0f;
  return ops::Const(s, t);
}

}  // namespace

Output Dense(const graph::Scope& scope, Output x, int64_t units, bool relu, uint32_t seed) {
  const int64_t in = x.shape().dim(1);
  const graph::Scope s = scope.NewSubScope("dense");
  Output w = RandomConst(s.WithOpName("kernel"), {in, units}, seed, Glorot(in, units));
  Output y =
      ops::BiasAdd(s, ops::MatMul(s, x, w), RandomConst(s.WithOpName("bias"), {units}, seed + 1, 0.1f));
  return relu ? ops::Relu(s, y) : y;
}

TestModel BuildMlp() {
  TestModel m;
  const graph::Scope& s = m.scope;
  Output image = m.Input("image", DType::kFloat32, {-1, 28, 28}, {{kBatch, 28, 28}, 0.0, 1.0});
  Output x = ops::Reshape(s.NewSubScope("flatten"), image, {-1, 784});
  x = Dense(s, x, 256, true, 11);
  x = Dense(s, x, 256, true, 13);
  Output logits = Dense(s, x, 10, false, 17);
  m.AddOutput("logits", logits);
  m.AddOutput("probabilities", ops::Softmax(s, logits));
  m.AddOutput("class", ops::ArgMax(s, logits, 1));
  return m;
}

TestModel BuildCnn() {
  TestModel m;
  const graph::Scope& s = m.scope;
  Output x = m.Input("image", DType::kFloat32, {-1, 28, 28, 1}, {{kBatch, 28, 28, 1}, 0.0, 1.0});
  const ops::Conv2DOptions same{.padding = ops::Padding::kSame};
  x = ops::MaxPool2D(s, Conv(s, x, 5, 32, same, true, 21));
  x = ops::MaxPool2D(s, Conv(s, x, 5, 64, same, true, 23));
  x = ops::Reshape(s.NewSubScope("flatten"), x, {-1, 7 * 7 * 64});
  x = Dense(s, x, 1024, true, 25);
  Output logits = Dense(s, x, 10, false, 27);
  m.AddOutput("logits", logits);
  m.AddOutput("probabilities", ops::Softmax(s, logits));
  m.AddOutput("class", ops::ArgMax(s, logits, 1));
  return m;
}

TestModel BuildConvVariants() {
  TestModel m;
  const graph::Scope& s = m.scope;
  Output x = m.Input("image", DType::kFloat32, {-1, 12, 10, 4}, {{kBatch, 12, 10, 4}});
  using ops::Padding;
  m.AddOutput("valid_stride2", Conv(s, x, 3, 6, {.strides = {2, 2}, .padding = Padding::kValid}, false, 31));
  Output same2 = Conv(s, x, 3, 5, {.strides = {2, 2}, .padding = Padding::kSame}, false, 33);
  m.AddOutput("same_stride2", same2);
  Output dilated = Conv(s, x, 3, 4, {.dilations = {2, 2}, .padding = Padding::kSame}, true, 35);
  m.AddOutput("dilated", dilated);
  m.AddOutput("grouped",
              Conv(s, x, 3, 6, {.strides = {1, 2}, .padding = Padding::kSame, .groups = 2}, false, 37));
  // A filter computed in the graph reaches ONNX through a Transpose node rather than a permuted initializer.
  Output w = ops::Mul(s, RandomConst(s.WithOpName("computed_kernel"), {2, 2, 4, 3}, 39, 0.5f), 2.0f);
  m.AddOutput("computed_filter",
              ops::Conv2D(s.WithOpName("computed_conv"), x, w, {.padding = Padding::kSame}));
  // conv -> bias -> elu -> SAME average pooling stays in NCHW; softmax over channels needs NHWC again.
  Output elu = ops::Elu(s, Conv(s, x, 3, 8, {.padding = Padding::kSame}, false, 41), 0.7f);
  Output avg_same = ops::AvgPool2D(s, elu, {.window = {3, 3}, .strides = {2, 2}, .padding = Padding::kSame});
  m.AddOutput("avg_pool_same", avg_same);
  m.AddOutput("channel_softmax", ops::Softmax(s, avg_same));
  m.AddOutput("max_pool_same",
              ops::MaxPool2D(s, dilated, {.window = {3, 3}, .strides = {2, 2}, .padding = Padding::kSame}));
  m.AddOutput("avg_pool_valid", ops::AvgPool2D(s, x));
  // Inference-mode batch normalization over NHWC channels (through NCHW in ONNX).
  const graph::Scope bn = s.NewSubScope("bn");
  ops::BatchNormOutputs y = ops::BatchNorm(bn, same2, RandomConst(bn.WithOpName("gamma"), {5}, 43, 1.0f),
                                           RandomConst(bn.WithOpName("beta"), {5}, 44, 1.0f),
                                           RandomConst(bn.WithOpName("mean"), {5}, 45, 1.0f),
                                           PositiveConst(bn.WithOpName("variance"), 5, 46),
                                           /*training=*/false, 1e-3f);
  m.AddOutput("batch_norm", y.y);
  m.AddOutput("batch_norm_mean", y.batch_mean);
  return m;
}

TestModel BuildEveryOp() {
  TestModel m;
  const graph::Scope& s = m.scope;
  Output x = m.Input("x", DType::kFloat32, {-1, 6}, {{kBatch, 6}, -2.0, 2.0});
  Output idx = m.Input("idx", DType::kInt32, {-1}, {{kBatch}, 0, 6});
  Output hot = m.Input("hot", DType::kInt32, {-1}, {{kBatch}, -2, 8});
  Output c6 = RandomConst(s.WithOpName("c6"), {6}, 51, 1.0f);
  Output pos = ops::Add(s, ops::Abs(s, x), 0.25f);
  // Arithmetic with broadcasting.
  m.AddOutput("add", ops::Add(s, x, c6));
  m.AddOutput("sub", ops::Sub(s, x, 1.5f));
  m.AddOutput("mul", ops::Mul(s, x, c6));
  m.AddOutput("div", ops::Div(s, x, ops::Add(s, ops::Abs(s, c6), 0.5f)));
  m.AddOutput("pow", ops::Pow(s, pos, c6));
  m.AddOutput("maximum", ops::Maximum(s, x, c6));
  m.AddOutput("minimum", ops::Minimum(s, x, 0.0f));
  m.AddOutput("neg", ops::Neg(s, x));
  m.AddOutput("abs", ops::Abs(s, x));
  m.AddOutput("exp", ops::Exp(s, x));
  m.AddOutput("log", ops::Log(s, pos));
  m.AddOutput("sqrt", ops::Sqrt(s, pos));
  m.AddOutput("rsqrt", ops::Rsqrt(s, pos));
  m.AddOutput("square", ops::Square(s, x));
  Output xi = ops::Cast(s, ops::Mul(s, x, 3.0f), DType::kInt32);  // truncates toward zero
  m.AddOutput("cast_to_int", xi);
  m.AddOutput("int_div", ops::Div(s, xi, 2));
  m.AddOutput("int_add", ops::Add(s, ops::Mul(s, xi, ops::Reshape(s, idx, {-1, 1})), 1));
  // Comparisons, logic, select, casts of bool.
  Output less = ops::Less(s, x, c6);
  Output greater = ops::Greater(s, x, -1.0f);
  m.AddOutput("equal", ops::Equal(s, idx, 3));
  m.AddOutput("not_equal", ops::NotEqual(s, idx, 3));
  m.AddOutput("less", less);
  m.AddOutput("less_equal", ops::LessEqual(s, x, 0.5f));
  m.AddOutput("greater", ops::Greater(s, x, c6));
  m.AddOutput("greater_equal", ops::GreaterEqual(s, x, -0.5f));
  m.AddOutput("and", ops::LogicalAnd(s, less, greater));
  Output either = ops::LogicalOr(s, less, greater);
  m.AddOutput("or", either);
  m.AddOutput("not", ops::LogicalNot(s, less));
  m.AddOutput("bool_equal", ops::Equal(s, less, greater));
  m.AddOutput("select", ops::Select(s, less, x, ops::Neg(s, x)));
  m.AddOutput("cast_bool", ops::Cast(s, either, DType::kFloat32));
  // Shapes and indexing.
  Output r3 = ops::Reshape(s, x, {-1, 2, 3});
  m.AddOutput("reshape", r3);
  m.AddOutput("transpose", ops::Transpose(s, r3, {0, 2, 1}));
  m.AddOutput("concat", ops::Concat(s, {x, ops::Mul(s, x, c6)}, 1));
  m.AddOutput("slice", ops::Slice(s, x, {0, 1}, {-1, 3}));
  m.AddOutput("gather_rows", ops::Gather(s, RandomConst(s.WithOpName("table"), {6, 4}, 53, 1.0f), idx, 0));
  m.AddOutput("gather_cols", ops::Gather(s, x, ops::Const(s, graph::Tensor::Of<int64_t>({5, 0, 2}, {3})), 1));
  m.AddOutput("one_hot", ops::OneHot(s, hot, 6, 2.0f, -1.0f));
  m.AddOutput("one_hot_axis0", ops::OneHot(s, hot, 5, 1.0f, 0.0f, 0, DType::kInt64));
  m.AddOutput("fill", ops::Fill(s, {2, 3}, ops::Sum(s, c6)));
  m.AddOutput("identity", ops::Identity(s, x));
  // Reductions and argmax.
  m.AddOutput("sum_rows", ops::Sum(s, x, {1}));
  m.AddOutput("sum_keep", ops::Sum(s, r3, {-1}, true));
  m.AddOutput("mean_batch", ops::Mean(s, x, {0}));
  m.AddOutput("max_keep", ops::Max(s, x, {1}, true));
  m.AddOutput("min_all", ops::Min(s, x));
  m.AddOutput("sum_all", ops::Sum(s, x));
  m.AddOutput("argmax_i32", ops::ArgMax(s, x, 1, DType::kInt32));
  m.AddOutput("argmax_i64", ops::ArgMax(s, x, -1, DType::kInt64));
  // Matrix products, plain, transposed and batched.
  m.AddOutput("matmul_tb",
              ops::MatMul(s, x, RandomConst(s.WithOpName("w_t"), {4, 6}, 55, 0.5f), {.transpose_b = true}));
  m.AddOutput("matmul_ta", ops::MatMul(s, x, x, {.transpose_a = true}));
  m.AddOutput("matmul_batched", ops::MatMul(s, r3, RandomConst(s.WithOpName("w3"), {1, 3, 4}, 57, 0.5f)));
  m.AddOutput("matmul_batched_tb", ops::MatMul(s, r3, RandomConst(s.WithOpName("w3_t"), {1, 4, 3}, 59, 0.5f),
                                               {.transpose_b = true}));
  // Neural-network ops.
  m.AddOutput("bias_add", ops::BiasAdd(s, x, c6));
  using ops::ActivationKind;
  for (ActivationKind k : {ActivationKind::kRelu, ActivationKind::kLeakyRelu, ActivationKind::kElu,
                           ActivationKind::kGelu, ActivationKind::kGeluTanh, ActivationKind::kSigmoid,
                           ActivationKind::kTanh, ActivationKind::kSoftplus}) {
    const float alpha = k == ActivationKind::kLeakyRelu ? 0.2f : (k == ActivationKind::kElu ? 0.7f : 0.0f);
    m.AddOutput(ops::ActivationName(k), ops::Activation(s, x, k, alpha));
  }
  m.AddOutput("softmax", ops::Softmax(s, x));
  m.AddOutput("log_softmax", ops::LogSoftmax(s, x));
  const graph::Scope bn = s.NewSubScope("bn");
  m.AddOutput("batch_norm_2d",
              ops::BatchNorm(bn, x, RandomConst(bn, {6}, 61, 1.0f), RandomConst(bn, {6}, 62, 1.0f),
                             RandomConst(bn, {6}, 63, 1.0f), PositiveConst(bn, 6, 64), false, 1e-3f)
                  .y);
  m.AddOutput("batch_norm_3d",
              ops::BatchNorm(bn, r3, RandomConst(bn, {3}, 65, 1.0f), RandomConst(bn, {3}, 66, 1.0f),
                             RandomConst(bn, {3}, 67, 1.0f), PositiveConst(bn, 3, 68), false, 1e-2f)
                  .y);
  return m;
}

TestModel BuildDynamicSpatial() {
  TestModel m;
  const graph::Scope& s = m.scope;
  Output x = m.Input("image", DType::kFloat32, {-1, -1, -1, 3}, {{kBatch, 11, 9, 3}});
  using ops::Padding;
  Output conv = Conv(s, x, 3, 4, {.strides = {2, 1}, .padding = Padding::kSame}, true, 71);
  Output max = ops::MaxPool2D(s, conv, {.window = {3, 3}, .strides = {2, 2}, .padding = Padding::kSame});
  Output avg = ops::AvgPool2D(s, max, {.window = {2, 2}, .strides = {2, 2}, .padding = Padding::kSame});
  m.AddOutput("conv", conv);
  m.AddOutput("max_pool", max);
  m.AddOutput("avg_pool", avg);
  return m;
}

std::vector<graph::Feed> RandomFeeds(const TestModel& model, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<graph::Feed> feeds;
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const InputSpec& spec = model.specs[i];
    graph::Tensor t(model.inputs[i].tensor.dtype(), spec.shape);
    if (t.dtype() == DType::kFloat32) {
      std::uniform_real_distribution<float> u(static_cast<float>(spec.lo), static_cast<float>(spec.hi));
      for (float& v : t.flat<float>()) v = u(rng);
    } else {
      std::uniform_int_distribution<int64_t> u(static_cast<int64_t>(spec.lo),
                                               static_cast<int64_t>(spec.hi) - 1);
      for (int64_t j = 0; j < t.num_elements(); ++j) {
        if (t.dtype() == DType::kInt32) {
          t.data<int32_t>()[j] = static_cast<int32_t>(u(rng));
        } else {
          t.data<int64_t>()[j] = u(rng);
        }
      }
    }
    feeds.emplace_back(model.inputs[i].tensor, t);
  }
  return feeds;
}

}  // namespace onnx_test
