// Structure of exported models: header, node types and names, initializers (values and layouts),
// attributes, declared input/output shapes; refusals of unsupported graphs and malformed requests.
#include "onnx/onnx_export.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/batch_norm_ops.h"
#include "graph/ops/control_flow_ops.h"
#include "graph/ops/conv_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/generator_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"
#include "tests/onnx/onnx_proto_test_util.h"
#include "tests/onnx/onnx_test_models.h"

namespace onnx_test {
namespace {

using graph::DType;
using graph::Output;
using onnx_export::ExportOnnx;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace ops = graph::ops;

// The graph value exported as `name`.
Output OutputNamed(const TestModel& m, const std::string& name) {
  for (const auto& o : m.outputs) {
    if (o.name == name) return o.tensor;
  }
  ADD_FAILURE() << "no output " << name;
  return {};
}

TEST(OnnxExportTest, MlpModelHeaderNodesAndInitializers) {
  TestModel m = BuildMlp();
  onnx_export::OnnxExportOptions options;
  options.model_name = "fashion_mnist_mlp";
  options.doc_string = "an MLP";
  options.metadata = {{"global_step", "1200"}};
  const onnx::ModelProto model = ExportAndParse(m, options);
  EXPECT_EQ(model.ir_version(), 8);
  ASSERT_EQ(model.opset_import_size(), 1);
  EXPECT_EQ(model.opset_import(0).domain(), "");
  EXPECT_EQ(model.opset_import(0).version(), 17);
  EXPECT_EQ(model.producer_name(), "estimator");
  EXPECT_EQ(model.doc_string(), "an MLP");
  ASSERT_EQ(model.metadata_props_size(), 1);
  EXPECT_EQ(model.metadata_props(0).key(), "global_step");
  EXPECT_EQ(model.metadata_props(0).value(), "1200");
  const onnx::GraphProto& g = model.graph();
  EXPECT_EQ(g.name(), "fashion_mnist_mlp");
  EXPECT_THAT(OpTypes(g), ElementsAre("Reshape", "MatMul", "Add", "Relu", "MatMul", "Add", "Relu", "MatMul",
                                      "Add", "Softmax", "ArgMax"));
  // ONNX node names are the graph's node names.
  std::vector<std::string> names;
  for (const auto& n : g.node()) names.push_back(n.name());
  EXPECT_THAT(names, ElementsAre("flatten/reshape", "dense/matmul", "dense/bias_add", "dense/relu",
                                 "dense_1/matmul", "dense_1/bias_add", "dense_1/relu", "dense_2/matmul",
                                 "dense_2/bias_add", "softmax", "argmax"));
  // The input keeps the graph's layout with a symbolic batch; outputs too.
  ASSERT_EQ(g.input_size(), 1);
  EXPECT_EQ(g.input(0).name(), "image");
  EXPECT_EQ(g.input(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);
  EXPECT_THAT(DimStrings(g.input(0)), ElementsAre("batch", "28", "28"));
  ASSERT_EQ(g.output_size(), 3);
  EXPECT_THAT(DimStrings(*FindOutput(g, "logits")), ElementsAre("batch", "10"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "probabilities")), ElementsAre("batch", "10"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "class")), ElementsAre("batch"));
  EXPECT_EQ(FindOutput(g, "class")->type().tensor_type().elem_type(), onnx::TensorProto::INT64);
  // The output tensors are computed directly under their output names.
  EXPECT_EQ(Producer(g, "logits")->name(), "dense_2/bias_add");
  EXPECT_EQ(Producer(g, "class")->name(), "argmax");
  // Reshape keeps -1 for the batch.
  const onnx::NodeProto* reshape = FindNode(g, "flatten/reshape");
  ASSERT_NE(reshape, nullptr);
  EXPECT_EQ(reshape->input(0), "image");
  EXPECT_THAT(Int64Values(*FindInitializer(g, reshape->input(1))), ElementsAre(-1, 784));
  // Weights are the Const values, unchanged.
  const onnx::TensorProto* kernel = FindInitializer(g, FindNode(g, "dense/matmul")->input(1));
  ASSERT_NE(kernel, nullptr);
  EXPECT_THAT(Dims(*kernel), ElementsAre(784, 256));
  EXPECT_EQ(FloatValues(*kernel),
            m.graph().FindNode("dense/kernel")->attrs().GetTensor("value").ToVector<float>());
  EXPECT_THAT(Dims(*FindInitializer(g, FindNode(g, "dense_2/bias_add")->input(1))), ElementsAre(10));
  EXPECT_EQ(IntAttr(*FindNode(g, "argmax"), "axis"), 1);
  EXPECT_EQ(IntAttr(*FindNode(g, "argmax"), "keepdims"), 0);
  EXPECT_EQ(IntAttr(*FindNode(g, "softmax"), "axis"), -1);
}

TEST(OnnxExportTest, CnnRunsInNchwBetweenOneTransposeInAndOneOut) {
  TestModel m = BuildCnn();
  const onnx::GraphProto g = ExportAndParse(m).graph();
  EXPECT_THAT(OpTypes(g), ElementsAre("Transpose", "Conv", "Add", "Relu", "MaxPool", "Conv", "Add", "Relu",
                                      "MaxPool", "Transpose", "Reshape", "MatMul", "Add", "Relu", "MatMul",
                                      "Add", "Softmax", "ArgMax"));
  EXPECT_THAT(IntsAttr(g.node(0), "perm"), ElementsAre(0, 3, 1, 2));
  EXPECT_THAT(IntsAttr(g.node(9), "perm"), ElementsAre(0, 2, 3, 1));
  EXPECT_THAT(DimStrings(g.input(0)), ElementsAre("batch", "28", "28", "1"));

  const onnx::NodeProto* conv = FindNode(g, "conv/conv2d");
  ASSERT_NE(conv, nullptr);
  EXPECT_THAT(IntsAttr(*conv, "kernel_shape"), ElementsAre(5, 5));
  EXPECT_THAT(IntsAttr(*conv, "strides"), ElementsAre(1, 1));
  EXPECT_THAT(IntsAttr(*conv, "dilations"), ElementsAre(1, 1));
  EXPECT_THAT(IntsAttr(*conv, "pads"), ElementsAre(2, 2, 2, 2));  // SAME, 5x5: 2 before and after
  EXPECT_EQ(IntAttr(*conv, "group"), 1);
  // The HWIO filter is stored as OIHW: oihw[o][i][h][w] == hwio[h][w][i][o].
  const graph::Tensor& hwio = m.graph().FindNode("conv_1/kernel")->attrs().GetTensor("value");
  const onnx::TensorProto* oihw = FindInitializer(g, FindNode(g, "conv_1/conv2d")->input(1));
  ASSERT_NE(oihw, nullptr);
  ASSERT_THAT(Dims(*oihw), ElementsAre(64, 32, 5, 5));
  const std::vector<float> w = FloatValues(*oihw);
  const float* src = hwio.data<float>();
  int mismatches = 0;
  for (int o = 0; o < 64; ++o)
    for (int i = 0; i < 32; ++i)
      for (int h = 0; h < 5; ++h)
        for (int x = 0; x < 5; ++x)
          mismatches += w[((o * 32 + i) * 5 + h) * 5 + x] != src[((h * 5 + x) * 32 + i) * 64 + o];
  EXPECT_EQ(mismatches, 0);
  // The bias is added in NCHW as [C,1,1].
  EXPECT_THAT(Dims(*FindInitializer(g, FindNode(g, "conv/bias_add")->input(1))), ElementsAre(32, 1, 1));
  const onnx::NodeProto* pool = FindNode(g, "max_pool2d");
  ASSERT_NE(pool, nullptr);
  EXPECT_THAT(IntsAttr(*pool, "kernel_shape"), ElementsAre(2, 2));
  EXPECT_THAT(IntsAttr(*pool, "strides"), ElementsAre(2, 2));
  EXPECT_THAT(IntsAttr(*pool, "pads"), ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(DimStrings(*FindOutput(g, "probabilities")), ElementsAre("batch", "10"));
}

TEST(OnnxExportTest, ConvVariantsPaddingStridesDilationsGroupsAndPooling) {
  TestModel m = BuildConvVariants();
  const onnx::GraphProto g = ExportAndParse(m).graph();
  auto conv_of = [&](const std::string& output) {  // outputs are BiasAdd(Conv2D) or Relu(BiasAdd(Conv2D))
    const graph::Node* n = OutputNamed(m, output).node;
    while (n->kind() != graph::OpKind::kConv2D) n = n->input(0).node;
    const onnx::NodeProto* c = FindNode(g, n->name());
    EXPECT_NE(c, nullptr) << n->name();
    EXPECT_EQ(c->op_type(), "Conv");
    return *c;
  };
  const onnx::NodeProto valid = conv_of("valid_stride2");
  EXPECT_THAT(IntsAttr(valid, "strides"), ElementsAre(2, 2));
  EXPECT_THAT(IntsAttr(valid, "pads"), ElementsAre(0, 0, 0, 0));
  // SAME, 3x3, stride 2 on 12x10: totals 1 and 1, the odd pixel at the end.
  EXPECT_THAT(IntsAttr(conv_of("same_stride2"), "pads"), ElementsAre(0, 0, 1, 1));
  const onnx::NodeProto dilated = conv_of("dilated");
  EXPECT_THAT(IntsAttr(dilated, "dilations"), ElementsAre(2, 2));
  EXPECT_THAT(IntsAttr(dilated, "pads"), ElementsAre(2, 2, 2, 2));
  const onnx::NodeProto grouped = conv_of("grouped");
  EXPECT_EQ(IntAttr(grouped, "group"), 2);
  EXPECT_THAT(IntsAttr(grouped, "strides"), ElementsAre(1, 2));
  EXPECT_THAT(IntsAttr(grouped, "pads"), ElementsAre(1, 0, 1, 1));
  EXPECT_THAT(Dims(*FindInitializer(g, grouped.input(1))), ElementsAre(6, 2, 3, 3));
  // A computed filter is transposed by a node.
  const onnx::NodeProto* computed = FindNode(g, "computed_conv");
  ASSERT_NE(computed, nullptr);
  const onnx::NodeProto* filter_transpose = Producer(g, computed->input(1));
  ASSERT_NE(filter_transpose, nullptr);
  EXPECT_EQ(filter_transpose->op_type(), "Transpose");
  EXPECT_THAT(IntsAttr(*filter_transpose, "perm"), ElementsAre(3, 2, 0, 1));
  // Average pooling excludes padding like ours; SAME 3x3 stride 2 on 12x10 pads one pixel at the end.
  const onnx::NodeProto* avg = FindNode(g, OutputNamed(m, "avg_pool_same").node->name());
  ASSERT_NE(avg, nullptr);
  EXPECT_EQ(avg->op_type(), "AveragePool");
  EXPECT_EQ(IntAttr(*avg, "count_include_pad"), 0);
  EXPECT_THAT(IntsAttr(*avg, "pads"), ElementsAre(0, 0, 1, 1));
  const onnx::NodeProto* max = FindNode(g, OutputNamed(m, "max_pool_same").node->name());
  ASSERT_NE(max, nullptr);
  EXPECT_EQ(max->op_type(), "MaxPool");
  EXPECT_EQ(max->output_size(), 1);
  // Inference BatchNorm; its mean output is the given mean, reached through an Identity.
  const onnx::NodeProto* bn = FindNode(g, "bn/batch_norm");
  ASSERT_NE(bn, nullptr);
  EXPECT_EQ(bn->op_type(), "BatchNormalization");
  EXPECT_FLOAT_EQ(FloatAttr(*bn, "epsilon"), 1e-3f);
  const onnx::NodeProto* mean = Producer(g, "batch_norm_mean");
  ASSERT_NE(mean, nullptr);
  EXPECT_EQ(mean->op_type(), "Identity");
  EXPECT_EQ(mean->input(0), bn->input(3));
  EXPECT_THAT(DimStrings(*FindOutput(g, "batch_norm")), ElementsAre("batch", "6", "5", "5"));
}

TEST(OnnxExportTest, EachActivationHasItsExactForm) {
  TestModel m;
  Output x = m.Input("x", DType::kFloat32, {-1, 5}, {});
  using ops::ActivationKind;
  m.AddOutput("relu", ops::Relu(m.scope, x));
  m.AddOutput("leaky", ops::LeakyRelu(m.scope, x, 0.2f));
  m.AddOutput("elu", ops::Elu(m.scope, x, 0.7f));
  m.AddOutput("gelu", ops::Gelu(m.scope, x));
  m.AddOutput("gelu_tanh", ops::Gelu(m.scope, x, /*approximate=*/true));
  m.AddOutput("sigmoid", ops::Sigmoid(m.scope, x));
  m.AddOutput("tanh", ops::Tanh(m.scope, x));
  m.AddOutput("softplus", ops::Softplus(m.scope, x));
  const onnx::GraphProto g = ExportAndParse(m).graph();
  EXPECT_EQ(Producer(g, "relu")->op_type(), "Relu");
  EXPECT_EQ(Producer(g, "leaky")->op_type(), "LeakyRelu");
  EXPECT_FLOAT_EQ(FloatAttr(*Producer(g, "leaky"), "alpha"), 0.2f);
  EXPECT_EQ(Producer(g, "elu")->op_type(), "Elu");
  EXPECT_FLOAT_EQ(FloatAttr(*Producer(g, "elu"), "alpha"), 0.7f);
  EXPECT_EQ(Producer(g, "sigmoid")->op_type(), "Sigmoid");
  EXPECT_EQ(Producer(g, "tanh")->op_type(), "Tanh");
  EXPECT_EQ(Producer(g, "softplus")->op_type(), "Softplus");
  // gelu: 0.5 * x * (1 + erf(x / sqrt(2))).
  EXPECT_EQ(Producer(g, "gelu")->name(), "gelu");
  EXPECT_EQ(FindNode(g, "gelu/erf")->op_type(), "Erf");
  const onnx::NodeProto* div = FindNode(g, "gelu/div");
  ASSERT_NE(div, nullptr);
  EXPECT_EQ(div->input(0), "x");
  EXPECT_THAT(FloatValues(*FindInitializer(g, div->input(1))), ElementsAre(std::sqrt(2.0f)));
  EXPECT_THAT(FloatValues(*FindInitializer(g, Producer(g, "gelu")->input(1))), ElementsAre(0.5f));
  // gelu_tanh: the tanh approximation, sqrt(2 / pi) * (x + 0.044715 x^3).
  EXPECT_EQ(FindNode(g, "gelu_tanh/tanh")->op_type(), "Tanh");
  EXPECT_THAT(FloatValues(*FindInitializer(g, FindNode(g, "gelu_tanh/scaled_cube")->input(1))),
              ElementsAre(0.044715f));
  EXPECT_THAT(FloatValues(*FindInitializer(g, FindNode(g, "gelu_tanh/scaled")->input(1))),
              ElementsAre(static_cast<float>(std::sqrt(2.0 / M_PI))));
  EXPECT_EQ(FindNode(g, "gelu")->op_type(), "Mul");
}

TEST(OnnxExportTest, EveryOpFamilyPassesTheChecker) {
  TestModel m = BuildEveryOp();
  const onnx::GraphProto g = ExportAndParse(m).graph();
  EXPECT_EQ(g.output_size(), static_cast<int>(m.outputs.size()));
  EXPECT_EQ(Producer(g, "not_equal")->op_type(), "Not");
  EXPECT_EQ(Producer(g, "rsqrt")->op_type(), "Reciprocal");
  EXPECT_EQ(Producer(g, "select")->op_type(), "Where");
  EXPECT_EQ(Producer(g, "one_hot")->op_type(), "Where");
  EXPECT_EQ(Producer(g, "fill")->op_type(), "Expand");
  EXPECT_EQ(Producer(g, "argmax_i32")->op_type(), "Cast");
  EXPECT_EQ(IntAttr(*Producer(g, "argmax_i32"), "to"), onnx::TensorProto::INT32);
  // ReduceSum takes axes as an input in opset 17, the other reductions as an attribute.
  const onnx::NodeProto* sum = Producer(g, "sum_rows");
  ASSERT_EQ(sum->input_size(), 2);
  EXPECT_THAT(Int64Values(*FindInitializer(g, sum->input(1))), ElementsAre(1));
  EXPECT_EQ(IntAttr(*sum, "keepdims"), 0);
  EXPECT_THAT(IntsAttr(*Producer(g, "max_keep"), "axes"), ElementsAre(1));
  EXPECT_EQ(IntAttr(*Producer(g, "max_keep"), "keepdims"), 1);
  EXPECT_FALSE(HasAttr(*Producer(g, "min_all"), "axes"));
  EXPECT_EQ(Producer(g, "sum_all")->input_size(), 1);
  // Slice: size -1 runs to the end.
  const onnx::NodeProto* slice = Producer(g, "slice");
  EXPECT_THAT(Int64Values(*FindInitializer(g, slice->input(1))), ElementsAre(0, 1));
  EXPECT_THAT(Int64Values(*FindInitializer(g, slice->input(2))),
              ElementsAre(std::numeric_limits<int64_t>::max(), 4));
  // A transposed constant operand is stored transposed.
  const onnx::NodeProto* mm = Producer(g, "matmul_tb");
  EXPECT_EQ(mm->op_type(), "MatMul");
  EXPECT_THAT(Dims(*FindInitializer(g, mm->input(1))), ElementsAre(6, 4));
  // Batch dims where provable; unnamed or fixed elsewhere.
  EXPECT_THAT(DimStrings(*FindOutput(g, "matmul_ta")), ElementsAre("6", "6"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "mean_batch")), ElementsAre("6"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "min_all")), ElementsAre());
  EXPECT_THAT(DimStrings(*FindOutput(g, "reshape")), ElementsAre("batch", "2", "3"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "one_hot_axis0")), ElementsAre("5", "batch"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "batch_norm_3d")), ElementsAre("batch", "2", "3"));
}

TEST(OnnxExportTest, OnlyDimsEqualToTheBatchAreNamedBatch) {
  TestModel m;
  Output x = m.Input("x", DType::kFloat32, {-1, 2}, {});
  m.AddOutput("flat", ops::Reshape(m.scope, x, {-1}));  // 2 * batch
  m.AddOutput("same", ops::Reshape(m.scope, x, {-1, 2}));
  const onnx::GraphProto g = ExportAndParse(m).graph();
  EXPECT_THAT(DimStrings(*FindOutput(g, "flat")), ElementsAre("?"));
  EXPECT_THAT(DimStrings(*FindOutput(g, "same")), ElementsAre("batch", "2"));
}

TEST(OnnxExportTest, InputsConstantsAndRepeatedValuesReachOutputsThroughIdentity) {
  TestModel m;
  Output x = m.Input("x", DType::kFloat32, {-1, 3}, {});
  Output c = ops::Const(m.scope.WithOpName("table"), graph::Tensor::Of<float>({1, 2, 3}, {3}));
  Output y = ops::Add(m.scope, x, c);
  m.AddOutput("echo", x);
  m.AddOutput("table_out", c);
  m.AddOutput("y", y);
  m.AddOutput("y_again", y);
  const onnx::GraphProto g = ExportAndParse(m).graph();
  EXPECT_EQ(Producer(g, "echo")->op_type(), "Identity");
  EXPECT_EQ(Producer(g, "echo")->input(0), "x");
  EXPECT_EQ(Producer(g, "table_out")->op_type(), "Identity");
  EXPECT_THAT(FloatValues(*FindInitializer(g, Producer(g, "table_out")->input(0))), ElementsAre(1, 2, 3));
  EXPECT_EQ(Producer(g, "y")->op_type(), "Add");
  EXPECT_EQ(Producer(g, "y_again")->op_type(), "Identity");
  EXPECT_EQ(Producer(g, "y_again")->input(0), "y");
}

TEST(OnnxExportTest, UnknownHeightAndWidthUseSameUpperOnlyWhenExact) {
  TestModel m = BuildDynamicSpatial();
  const onnx::GraphProto g = ExportAndParse(m).graph();
  EXPECT_THAT(DimStrings(g.input(0)), ElementsAre("batch", "?", "?", "3"));
  int same_upper = 0;
  for (const onnx::NodeProto& n : g.node()) {
    if (n.op_type() == "Conv" || n.op_type() == "MaxPool" || n.op_type() == "AveragePool") {
      EXPECT_EQ(StringAttr(n, "auto_pad"), "SAME_UPPER") << n.name();
      ++same_upper;
    }
  }
  EXPECT_EQ(same_upper, 3);
  EXPECT_THAT(DimStrings(*FindOutput(g, "avg_pool")), ElementsAre("batch", "?", "?", "4"));

  // A 1x1 window with stride 2 may need a negative SAME total that ONNX might not clamp, and runtimes reject
  // auto_pad with dilations: both refused, in one error.
  TestModel refused;
  Output x = refused.Input("image", DType::kFloat32, {-1, -1, -1, 3}, {});
  Output pool =
      ops::MaxPool2D(refused.scope, x, {.window = {1, 1}, .strides = {2, 2}, .padding = ops::Padding::kSame});
  Output dilated = ops::Conv2D(refused.scope, x, RandomConst(refused.scope, {3, 3, 3, 2}, 5, 1.0f),
                               {.dilations = {2, 2}, .padding = ops::Padding::kSame});
  refused.AddOutput("pool", pool);
  refused.AddOutput("dilated", dilated);
  absl::StatusOr<std::string> r = ExportOnnx(refused.graph(), refused.inputs, refused.outputs);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kUnimplemented) << r.status();
  EXPECT_THAT(r.status().message(),
              HasSubstr(pool.node->Describe() + ": SAME padding over an unknown input height or width with a "
                                                "stride larger than the window"));
  EXPECT_THAT(r.status().message(),
              HasSubstr(dilated.node->Describe() + ": SAME padding with dilations over an unknown input"));
}

TEST(OnnxExportTest, UnsupportedNodesAreListedInOneError) {
  graph::Scope s = graph::Scope::NewRootScope(3);
  Output x = ops::Placeholder(s.WithOpName("x"), DType::kFloat32, {-1, 4});
  Output v = ops::Variable(s, "v", DType::kFloat32, {4});
  Output noisy = ops::Add(s, ops::Dropout(s, ops::Add(s, x, v), 0.5f, 7), ops::RandomUniform(s, {4}, 9));
  ops::BatchNormOutputs bn =
      ops::BatchNorm(s, noisy, ops::Ones(s, {4}, DType::kFloat32), ops::Zeros(s, {4}, DType::kFloat32),
                     ops::Zeros(s, {4}, DType::kFloat32), ops::Ones(s, {4}, DType::kFloat32),
                     /*training=*/true);
  Output total = ops::Sum(s, bn.y);
  std::vector<Output> loop = ops::WhileLoop(
      s, [](const graph::Scope& ls, const std::vector<Output>& a) { return ops::Less(ls, a[0], 10.0f); },
      [](const graph::Scope& ls, const std::vector<Output>& a) {
        return std::vector<Output>{ops::Add(ls, a[0], 1.0f)};
      },
      {total}, {.name = "loop"});
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<onnx_export::NamedOutput> inputs = {{"x", x}};
  absl::StatusOr<std::string> r = ExportOnnx(*s.graph(), inputs, {{"y", loop[0]}});
  ASSERT_EQ(r.status().code(), absl::StatusCode::kUnimplemented) << r.status();
  const std::string msg(r.status().message());
  EXPECT_THAT(msg, ::testing::StartsWith("cannot export to ONNX: "));
  for (const Output& o : {v, noisy.node->input(0), noisy.node->input(1), loop[0]}) {
    EXPECT_THAT(msg, HasSubstr(o.node->Describe())) << o.node->Describe();
  }
  EXPECT_THAT(msg, HasSubstr(bn.y.node->Describe() + ": training mode"));
  EXPECT_THAT(msg, HasSubstr("Dropout '"));
  EXPECT_THAT(msg, HasSubstr("While 'loop"));
  EXPECT_THAT(msg, HasSubstr("onnx_export_test.cc:"));
  // Supported nodes are not listed.
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("Sum '")));
}

TEST(OnnxExportTest, MaxPoolWorkspaceHasNoOnnxForm) {
  TestModel m;
  Output x = m.Input("x", DType::kFloat32, {-1, 4, 4, 1}, {});
  Output pool = ops::MaxPool2D(m.scope, x);
  m.AddOutput("workspace", pool.node->output(1));
  absl::StatusOr<std::string> r = ExportOnnx(m.graph(), m.inputs, m.outputs);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kUnimplemented) << r.status();
  EXPECT_THAT(r.status().message(),
              HasSubstr(pool.node->Describe() + ": its output 1 is used but has no ONNX form"));
}

TEST(OnnxExportTest, MalformedRequestsAreRefused) {
  TestModel m = BuildMlp();
  const graph::Graph& g = m.graph();
  auto code_and_message = [](const absl::StatusOr<std::string>& r) {
    return std::make_pair(r.status().code(), std::string(r.status().message()));
  };
  // An input that is not a Placeholder.
  Output weights = m.graph().FindNode("dense/kernel")->output(0);
  auto [c1, m1] = code_and_message(ExportOnnx(g, {{"w", weights}}, m.outputs));
  EXPECT_EQ(c1, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(m1, HasSubstr("input 'w' is Const 'dense/kernel'"));
  EXPECT_THAT(m1, HasSubstr("not a Placeholder"));
  // An output of another graph.
  TestModel other = BuildMlp();
  auto [c2, m2] = code_and_message(ExportOnnx(g, m.inputs, {{"logits", other.outputs[0].tensor}}));
  EXPECT_EQ(c2, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(m2, HasSubstr("output 'logits' is BiasAdd 'dense_2/bias_add'"));
  EXPECT_THAT(m2, HasSubstr("of another graph"));
  // An input of another graph.
  auto [c3, m3] = code_and_message(ExportOnnx(g, other.inputs, m.outputs));
  EXPECT_EQ(c3, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(m3, HasSubstr("of another graph"));
  // A Placeholder the outputs need that is not an input.
  auto [c4, m4] = code_and_message(ExportOnnx(g, {}, m.outputs));
  EXPECT_EQ(c4, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(m4, HasSubstr("Placeholders that are not inputs: Placeholder 'image'"));
  // Names: duplicated, empty; invalid tensors; no outputs.
  EXPECT_EQ(ExportOnnx(g, {{"logits", m.inputs[0].tensor}}, m.outputs).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExportOnnx(g, m.inputs, {{"", m.outputs[0].tensor}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExportOnnx(g, m.inputs, {{"y", Output()}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExportOnnx(g, m.inputs, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExportOnnx(g, {m.inputs[0], {"again", m.inputs[0].tensor}}, m.outputs).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Options.
  onnx_export::OnnxExportOptions options;
  options.model_name = "";
  EXPECT_THAT(std::string(ExportOnnx(g, m.inputs, m.outputs, options).status().message()),
              HasSubstr("model_name"));
  options = {};
  options.metadata = {{"k", "1"}, {"k", "2"}};
  EXPECT_EQ(ExportOnnx(g, m.inputs, m.outputs, options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(OnnxExportTest, CheckOnnxModelReportsTheCheckersMessage) {
  EXPECT_EQ(onnx_export::CheckOnnxModel("not a model").code(), absl::StatusCode::kInvalidArgument);
  TestModel m;
  Output x = m.Input("x", DType::kFloat32, {-1, 3}, {});
  m.AddOutput("y", ops::Neg(m.scope, x));
  onnx::ModelProto model = ExportAndParse(m);
  model.mutable_graph()->mutable_node(0)->set_input(0, "undefined_tensor");
  const absl::Status st = onnx_export::CheckOnnxModel(model.SerializeAsString());
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(st.message(), HasSubstr("undefined_tensor"));
}

}  // namespace
}  // namespace onnx_test
