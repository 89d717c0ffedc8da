// Layers: variables, names, values against plain computations, and errors at the caller's line.
#include <cmath>

#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/batch_normalization.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/pooling.h"
#include "layers/regularizers.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Shape;
using graph::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Fixture {
  Scope s = Scope::NewRootScope(/*seed=*/3);
  std::unique_ptr<graph::Session> sess;
  void Init() {
    ASSERT_TRUE(s.ok()) << s.status();
    graph::Node* init = InitializeAllVariables(s);
    sess = std::make_unique<graph::Session>(*s.graph());
    ASSERT_TRUE(sess->RunTargets({init}).ok());
  }
  Tensor Var(const std::string& name) { return *sess->ReadVariable(name); }
};

TEST(DenseTest, ComputesXKernelPlusBiasWithActivationAndStableNames) {
  Fixture f;
  auto x = ops::Placeholder(f.s, DType::kFloat32, {Shape::kUnknownDim, 3});
  auto h = Dense(f.s, x, {.units = 2, .activation = "relu", .bias_initializer = Initializer::Constant(0.5f)});
  auto y = Dense(f.s, h, {.units = 4});
  ASSERT_TRUE(f.s.ok()) << f.s.status();
  EXPECT_EQ(y.shape().ToString(), "[?,4]");
  f.Init();
  Tensor k = f.Var("dense/kernel"), b = f.Var("dense/bias");
  EXPECT_EQ(k.shape(), (Shape{3, 2}));
  EXPECT_EQ(f.Var("dense_1/kernel").shape(), (Shape{2, 4}));
  EXPECT_THAT(b.ToVector<float>(), ElementsAre(0.5, 0.5));
  std::vector<Tensor> out;
  Tensor xv = Tensor::Of<float>({1, -2, 3, 0.5f, 0.5f, -1}, {2, 3});
  ASSERT_TRUE(f.sess->Run({{x, xv}}, {h}, &out).ok());
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      double acc = 0.5;
      for (int t = 0; t < 3; ++t) acc += xv.data<float>()[i * 3 + t] * k.data<float>()[t * 2 + j];
      EXPECT_NEAR(out[0].data<float>()[i * 2 + j], std::max(acc, 0.0), 1e-5);
    }
}

TEST(DenseTest, SameGraphSeedGivesSameWeightsAndOptionsAreValidated) {
  auto kernel_of = [](int64_t seed) {
    Scope s = Scope::NewRootScope(seed);
    Dense(s, ops::Placeholder(s, DType::kFloat32, {1, 5}), {.units = 3});
    graph::Session sess(*s.graph());
    EXPECT_TRUE(sess.RunTargets({InitializeAllVariables(s)}).ok());
    return *sess.ReadVariable("dense/kernel");
  };
  EXPECT_TRUE(graph::TensorsEqual(kernel_of(1), kernel_of(1)));
  EXPECT_FALSE(graph::TensorsEqual(kernel_of(1), kernel_of(2)));

  Scope s = Scope::NewRootScope();
  auto x = ops::Placeholder(s, DType::kFloat32, {Shape::kUnknownDim, 3});
  const int line = __LINE__ + 1;
  Dense(s, x, {.units = 0});
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("layers_test.cc:" + std::to_string(line)));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("Dense needs units > 0, got 0"));
  Scope s2 = Scope::NewRootScope();
  Dense(s2, ops::Placeholder(s2, DType::kFloat32, {4, 3, 2}), {.units = 2, .activation = "swish"});
  EXPECT_THAT(std::string(s2.status().message()), HasSubstr("swish"));
}

TEST(RegularizersTest, L1L2PenaltiesAddUp) {
  Fixture f;
  auto x = ops::Placeholder(f.s, DType::kFloat32, {1, 2});
  Dense(f.s, x,
        {.units = 2,
         .kernel_initializer = Initializer::Constant(-2.0f),
         .bias_initializer = Initializer::Constant(1.0f),
         .kernel_regularizer = {.l1 = 0.1f, .l2 = 0.01f},
         .bias_regularizer = {.l2 = 1.0f}});
  Output total = RegularizationLoss(f.s);
  f.Init();
  std::vector<Tensor> out;
  ASSERT_TRUE(f.sess->Run({total}, &out).ok());
  // kernel: 4 elements of -2 -> 0.1*8 + 0.01*16; bias: 2 elements of 1 -> 1*2.
  EXPECT_NEAR(out[0].data<float>()[0], 0.8 + 0.16 + 2.0, 1e-5);
}

TEST(Conv2DLayerTest, KernelShapeOutputShapeAndPooling) {
  Fixture f;
  auto x = ops::Placeholder(f.s, DType::kFloat32, {Shape::kUnknownDim, 28, 28, 1});
  auto c1 = Conv2D(
      f.s, x, {.filters = 8, .kernel_size = {5, 5}, .padding = ops::Padding::kSame, .activation = "relu"});
  auto p1 = MaxPool2D(f.s, c1);
  auto c2 = Conv2D(f.s, p1, {.filters = 4, .kernel_size = {3, 3}, .strides = {2, 2}});
  auto p2 = AvgPool2D(f.s, c2, {.pool_size = {2, 2}, .strides = {1, 1}});
  auto flat = Flatten(f.s, p2);
  ASSERT_TRUE(f.s.ok()) << f.s.status();
  EXPECT_EQ(c1.shape().ToString(), "[?,28,28,8]");
  EXPECT_EQ(p1.shape().ToString(), "[?,14,14,8]");
  EXPECT_EQ(c2.shape().ToString(), "[?,6,6,4]");
  EXPECT_EQ(p2.shape().ToString(), "[?,5,5,4]");
  EXPECT_EQ(flat.shape().ToString(), "[?,100]");
  f.Init();
  EXPECT_EQ(f.Var("conv2d/kernel").shape(), (Shape{5, 5, 1, 8}));
  EXPECT_EQ(f.Var("conv2d_1/kernel").shape(), (Shape{3, 3, 8, 4}));
  std::vector<Tensor> out;
  ASSERT_TRUE(f.sess->Run({{x, Tensor(DType::kFloat32, {2, 28, 28, 1})}}, {flat}, &out).ok());
  EXPECT_EQ(out[0].shape(), (Shape{2, 100}));
}

TEST(BatchNormalizationLayerTest, TrainingUpdatesMovingStatisticsInferenceUsesThem) {
  Fixture f;
  auto x = ops::Placeholder(f.s, DType::kFloat32, {4, 2});
  auto y = BatchNormalization(f.s, x, /*training=*/true, {.momentum = 0.9f, .epsilon = 1e-3f});
  ASSERT_EQ(f.s.graph()->Collection(kUpdateOps).size(), 2u);
  graph::Node* updates = ops::Group(f.s, f.s.graph()->Collection(kUpdateOps));
  f.Init();
  // Column 0: 1,2,3,4 (mean 2.5, biased var 1.25, unbiased 5/3); column 1: all 10 (var 0).
  Tensor xv = Tensor::Of<float>({1, 10, 2, 10, 3, 10, 4, 10}, {4, 2});
  std::vector<Tensor> out;
  ASSERT_TRUE(f.sess->Run({{x, xv}}, {y}, {updates}, &out).ok());
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(out[0].data<float>()[i * 2], (i + 1 - 2.5) / std::sqrt(1.25 + 1e-3), 1e-4);
    EXPECT_NEAR(out[0].data<float>()[i * 2 + 1], 0.0, 1e-4);
  }
  EXPECT_THAT(f.Var("batch_normalization/moving_mean").ToVector<float>(),
              ElementsAre(::testing::FloatNear(0.25f, 1e-6f), ::testing::FloatNear(1.0f, 1e-6f)));
  EXPECT_THAT(
      f.Var("batch_normalization/moving_variance").ToVector<float>(),
      ElementsAre(::testing::FloatNear(0.9f + 0.1f * 5.0f / 3.0f, 1e-5f), ::testing::FloatNear(0.9f, 1e-6f)));
  // Inference mode reads the moving statistics.
  Scope s = f.s.NewSubScope("eval");
  auto z = BatchNormalization(s, x, /*training=*/false, {.name = "bn_eval"});
  graph::Session sess2(*f.s.graph());
  ASSERT_TRUE(sess2.RunTargets({InitializeAllVariables(f.s)}).ok());
  ASSERT_TRUE(sess2.Run({{x, xv}}, {z}, &out).ok());
  EXPECT_NEAR(out[0].data<float>()[0], 1.0 / std::sqrt(1.0 + 1e-3), 1e-5);  // moving mean 0, variance 1
}

TEST(CoreLayersTest, DropoutFlattenActivationEmbedding) {
  Fixture f;
  auto x = ops::Placeholder(f.s, DType::kFloat32, {2, 3});
  EXPECT_EQ(Dropout(f.s, x, /*training=*/false, {.rate = 0.5f}), x);  // identity outside training
  auto d = Dropout(f.s, x, /*training=*/true, {.rate = 0.5f});
  auto a = Activation(f.s, x, "sigmoid");
  auto ids = ops::Placeholder(f.s, DType::kInt64, {3});
  auto e = Embedding(f.s, ids, {.input_dim = 5, .output_dim = 2});
  ASSERT_TRUE(f.s.ok()) << f.s.status();
  f.Init();
  std::vector<Tensor> out;
  Tensor xv = Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  ASSERT_TRUE(f.sess->Run({{x, xv}, {ids, Tensor::Of<int64_t>({4, 0, 4}, {3})}}, {d, a, e}, &out).ok());
  for (int i = 0; i < 6; ++i) {
    const float v = out[0].data<float>()[i];
    EXPECT_TRUE(v == 0.0f || std::abs(v - 2 * xv.data<float>()[i]) < 1e-6f) << v;
    EXPECT_NEAR(out[1].data<float>()[i], 1.0 / (1.0 + std::exp(-xv.data<float>()[i])), 1e-6);
  }
  Tensor table = f.Var("embedding/embeddings");
  EXPECT_EQ(out[2].shape(), (Shape{3, 2}));
  EXPECT_EQ(out[2].data<float>()[0], table.data<float>()[8]);
  EXPECT_EQ(out[2].data<float>()[3], table.data<float>()[1]);
  EXPECT_EQ(out[2].data<float>()[4], table.data<float>()[8]);
  for (float v : table.flat<float>()) EXPECT_LE(std::abs(v), 0.05f);
  Scope s = Scope::NewRootScope();
  Flatten(s, ops::Placeholder(s, DType::kFloat32, {2, Shape::kUnknownDim}));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("Flatten needs every dim after the batch known"));
}

}  // namespace
}  // namespace layers
