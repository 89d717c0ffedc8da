// Optimizers against plain double-precision references of their published update rules (golden trajectories),
// plus slots, skipped variables, the global step, update ops, validation and the factory.
#include "layers/optimizer.h"

#include <cmath>
#include <functional>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/adagrad.h"
#include "layers/adam.h"
#include "layers/learning_rate_schedule.h"
#include "layers/optimizer_factory.h"
#include "layers/rmsprop.h"
#include "layers/sgd.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Session;
using graph::Tensor;
using ::testing::HasSubstr;

constexpr int kSteps = 5;
const std::vector<double> kW0 = {1.0, -2.0, 0.5};
const std::vector<double> kTarget = {0.5, 1.0, -1.0};
const std::vector<double> kCurv = {1.0, 2.0, 0.5};

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

Tensor Row(const std::vector<double>& v) {
  std::vector<float> f(v.begin(), v.end());
  return *Tensor::FromVector<float>(f, {1, static_cast<int64_t>(f.size())});
}

// The model: w = dense/kernel of shape [1,3] and loss = sum(0.5 * c * (w - t)^2) (the sum as a product with a
// ones column), so d(loss)/dw = c * (w - t).
struct Quadratic {
  Scope s = Scope::NewRootScope();
  Output w;
  Output loss;
  Quadratic() {
    w = CreateVariable(s.NewSubScope("dense"), "kernel", ops::Const(s, Row(kW0)));
    Output d = ops::Sub(s, w, ops::Const(s, Row(kTarget)));
    Output terms = ops::Mul(s, ops::Mul(s, ops::Square(s, d), ops::Const(s, Row(kCurv))), 0.5f);
    loss = ops::MatMul(s, terms, ops::Const(s, Tensor::Of<float>({1, 1, 1}, {3, 1})));
  }
};

// A reference update: (0-based step k, weights, gradient) -> new weights, keeping its own state.
using Rule = std::function<void(int k, std::vector<double>& w, const std::vector<double>& g)>;

// Runs `opt` on the quadratic for kSteps steps and compares every step with `rule`.
void ExpectTrajectory(Optimizer& opt, const Rule& rule, double tol = 2e-6) {
  Quadratic q;
  graph::Node* train = opt.Minimize(q.s, q.loss);
  graph::Node* init = InitializeAllVariables(q.s);
  ASSERT_TRUE(q.s.ok()) << q.s.status();
  Session sess(*q.s.graph());
  ASSERT_TRUE(sess.RunTargets({init}).ok());
  std::vector<double> w = kW0;
  for (int k = 0; k < kSteps; ++k) {
    std::vector<double> g(w.size());
    for (size_t i = 0; i < w.size(); ++i) g[i] = kCurv[i] * (w[i] - kTarget[i]);
    rule(k, w, g);
    ASSERT_TRUE(sess.RunTargets({train}).ok());
    std::vector<float> got = sess.ReadVariable("dense/kernel")->ToVector<float>();
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_NEAR(got[i], w[i], tol * std::max(1.0, std::abs(w[i]))) << "step " << k << " element " << i;
    }
  }
  EXPECT_EQ(sess.ReadVariable("global_step")->data<int64_t>()[0], kSteps);
}

TEST(OptimizerTest, SGDTrajectory) {
  SGD opt({.learning_rate = 0.1f});
  ExpectTrajectory(opt, [](int, std::vector<double>& w, const std::vector<double>& g) {
    for (size_t i = 0; i < w.size(); ++i) w[i] -= 0.1 * g[i];
  });
}

TEST(OptimizerTest, MomentumAndNesterovTrajectories) {
  for (bool nesterov : {false, true}) {
    SCOPED_TRACE(nesterov ? "nesterov" : "momentum");
    Momentum opt({.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = nesterov});
    std::vector<double> v(3, 0.0);
    ExpectTrajectory(opt, [&](int, std::vector<double>& w, const std::vector<double>& g) {
      for (size_t i = 0; i < w.size(); ++i) {
        v[i] = 0.9 * v[i] - 0.1 * g[i];
        w[i] += nesterov ? 0.9 * v[i] - 0.1 * g[i] : v[i];
      }
    });
  }
}

// Keras Adam / AdamW (weight_decay > 0) in double precision.
Rule AdamRule(double lr, double b1, double b2, double eps, bool amsgrad, double wd) {
  auto m = std::make_shared<std::vector<double>>(3, 0.0);
  auto v = std::make_shared<std::vector<double>>(3, 0.0);
  auto vhat = std::make_shared<std::vector<double>>(3, 0.0);
  return [=](int k, std::vector<double>& w, const std::vector<double>& g) {
    const double t = k + 1;
    const double alpha = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
    for (size_t i = 0; i < w.size(); ++i) {
      w[i] -= w[i] * wd * lr;
      (*m)[i] += (g[i] - (*m)[i]) * (1 - b1);
      (*v)[i] += (g[i] * g[i] - (*v)[i]) * (1 - b2);
      (*vhat)[i] = std::max((*vhat)[i], (*v)[i]);
      w[i] -= alpha * (*m)[i] / (std::sqrt(amsgrad ? (*vhat)[i] : (*v)[i]) + eps);
    }
  };
}

TEST(OptimizerTest, AdamTrajectory) {
  Adam opt({.learning_rate = 0.1f, .beta_1 = 0.8f, .beta_2 = 0.95f, .epsilon = 1e-3f});
  ExpectTrajectory(opt, AdamRule(0.1, 0.8, 0.95, 1e-3, false, 0));
}

TEST(OptimizerTest, AdamDefaultsTrajectory) {
  Adam opt;
  EXPECT_FLOAT_EQ(opt.options().learning_rate.value(), 0.001f);
  ExpectTrajectory(opt, AdamRule(0.001, 0.9, 0.999, 1e-7, false, 0));
}

TEST(OptimizerTest, AmsgradTrajectory) {
  // beta_2 small so that v shrinks and the running maximum differs from v.
  Adam opt({.learning_rate = 0.1f, .beta_1 = 0.5f, .beta_2 = 0.3f, .epsilon = 1e-3f, .amsgrad = true});
  ExpectTrajectory(opt, AdamRule(0.1, 0.5, 0.3, 1e-3, true, 0));
}

TEST(OptimizerTest, AdamWTrajectory) {
  AdamW opt({.adam = {.learning_rate = 0.1f, .epsilon = 1e-3f}, .weight_decay = 0.2f});
  ExpectTrajectory(opt, AdamRule(0.1, 0.9, 0.999, 1e-3, false, 0.2));
  AdamW excluded({.adam = {.learning_rate = 0.1f, .epsilon = 1e-3f},
                  .weight_decay = 0.2f,
                  .exclude_from_weight_decay = {"kernel"}});
  ExpectTrajectory(excluded, AdamRule(0.1, 0.9, 0.999, 1e-3, false, 0));
}

TEST(OptimizerTest, AdagradTrajectory) {
  Adagrad opt({.learning_rate = 0.1f});
  std::vector<double> acc(3, 0.1);
  ExpectTrajectory(opt, [&](int, std::vector<double>& w, const std::vector<double>& g) {
    for (size_t i = 0; i < w.size(); ++i) {
      acc[i] += g[i] * g[i];
      w[i] -= 0.1 * g[i] / std::sqrt(acc[i] + 1e-7);
    }
  });
}

TEST(OptimizerTest, RMSPropTrajectories) {
  for (bool centered : {false, true}) {
    for (double mu : {0.0, 0.5}) {
      SCOPED_TRACE(testing::Message() << "centered " << centered << " momentum " << mu);
      RMSProp opt(
          {.learning_rate = 0.05f, .rho = 0.8f, .momentum = static_cast<float>(mu), .centered = centered});
      std::vector<double> rms(3, 0.0), mg(3, 0.0), mom(3, 0.0);
      ExpectTrajectory(
          opt,
          [&](int, std::vector<double>& w, const std::vector<double>& g) {
            for (size_t i = 0; i < w.size(); ++i) {
              rms[i] = 0.8 * rms[i] + 0.2 * g[i] * g[i];
              double denom = rms[i] + 1e-7;
              if (centered) {
                mg[i] = 0.8 * mg[i] + 0.2 * g[i];
                denom = rms[i] - mg[i] * mg[i] + 1e-7;
              }
              const double inc = 0.05 * g[i] / std::sqrt(denom);
              mom[i] = mu * mom[i] + inc;
              w[i] -= mu > 0 ? mom[i] : inc;
            }
          },
          2e-5);
    }
  }
}

TEST(OptimizerTest, ScheduledLearningRateChangesBetweenSteps) {
  Quadratic q;
  // 0.1 for steps 0..1, 0.01 for step 2, 0.001 after.
  Output lr = PiecewiseConstant(q.s, {.boundaries = {1, 2}, .values = {0.1f, 0.01f, 0.001f}});
  SGD opt({.learning_rate = lr});
  graph::Node* train = opt.Minimize(q.s, q.loss);
  graph::Node* init = InitializeAllVariables(q.s);
  ASSERT_TRUE(q.s.ok()) << q.s.status();
  Session sess(*q.s.graph());
  ASSERT_TRUE(sess.RunTargets({init}).ok());
  std::vector<double> w = kW0;
  const double rates[] = {0.1, 0.1, 0.01, 0.001, 0.001};
  for (double rate : rates) {
    for (size_t i = 0; i < w.size(); ++i) w[i] -= rate * kCurv[i] * (w[i] - kTarget[i]);
    ASSERT_TRUE(sess.RunTargets({train}).ok());
  }
  std::vector<float> got = sess.ReadVariable("dense/kernel")->ToVector<float>();
  for (size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(got[i], w[i], 1e-6);
}

TEST(OptimizerTest, SlotVariablesAreNamedAfterTheirVariable) {
  Quadratic q;
  Adam adam({.amsgrad = true});
  ASSERT_NE(adam.Minimize(q.s, q.loss), nullptr) << q.s.status();
  for (const char* slot : {"adam_m", "adam_v", "adam_vhat"}) {
    graph::Node* n = q.s.graph()->FindNode(std::string("dense/kernel/") + slot);
    ASSERT_NE(n, nullptr) << slot;
    EXPECT_EQ(n->kind(), graph::OpKind::kVariable);
    EXPECT_EQ(adam.GetSlot(q.w, slot).node, n);
    EXPECT_EQ(n->output_type(0).shape, (graph::Shape{1, 3}));
  }
  // Slots are global but not trainable, so a second optimizer does not train them.
  EXPECT_EQ(TrainableVariables(q.s).size(), 1u);
  EXPECT_EQ(GlobalVariables(q.s).size(), 5u);  // kernel, global_step, three slots

  Quadratic q2;
  Momentum mom;
  Adagrad ada({.initial_accumulator_value = 0.25f});
  RMSProp rms({.momentum = 0.5f, .centered = true});
  ASSERT_NE(mom.Minimize(q2.s, q2.loss), nullptr);
  ASSERT_NE(ada.Minimize(q2.s, q2.loss), nullptr);
  ASSERT_NE(rms.Minimize(q2.s, q2.loss), nullptr);
  ASSERT_TRUE(q2.s.ok()) << q2.s.status();
  EXPECT_EQ(mom.GetSlot(q2.w, "momentum").node->name(), "dense/kernel/momentum");
  EXPECT_EQ(ada.GetSlot(q2.w, "accumulator").node->name(), "dense/kernel/accumulator");
  EXPECT_EQ(rms.GetSlot(q2.w, "rms").node->name(), "dense/kernel/rms");
  EXPECT_EQ(rms.GetSlot(q2.w, "mg").node->name(), "dense/kernel/mg");
  EXPECT_EQ(rms.GetSlot(q2.w, "momentum").node->name(), "dense/kernel/momentum_1");  // the name was taken
  Session sess(*q2.s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(q2.s)}).ok());
  EXPECT_THAT(sess.ReadVariable("dense/kernel/accumulator")->ToVector<float>(), ::testing::Each(0.25f));
  EXPECT_THAT(sess.ReadVariable("dense/kernel/rms")->ToVector<float>(), ::testing::Each(0.0f));
}

TEST(OptimizerTest, UnconnectedVariablesGetNoGradientAndAreSkipped) {
  Quadratic q;
  Output unused = CreateVariable(q.s, "unused", ops::Const(q.s, Tensor::Of<float>({7, 8}, {2})));
  Adam adam;
  GradsAndVars gv = adam.ComputeGradients(q.s, q.loss);
  ASSERT_EQ(gv.size(), 2u);
  EXPECT_TRUE(gv[0].grad.valid());
  EXPECT_EQ(gv[1].var, unused);
  EXPECT_FALSE(gv[1].grad.valid());
  graph::Node* train = adam.ApplyGradients(q.s, gv);
  ASSERT_NE(train, nullptr) << q.s.status();
  EXPECT_FALSE(adam.GetSlot(unused, "adam_m").valid());
  EXPECT_EQ(q.s.graph()->FindNode("unused/adam_m"), nullptr);
  Session sess(*q.s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(q.s)}).ok());
  ASSERT_TRUE(sess.RunTargets({train}).ok());
  EXPECT_THAT(sess.ReadVariable("unused")->ToVector<float>(), ::testing::ElementsAre(7, 8));
  EXPECT_NE(sess.ReadVariable("dense/kernel")->ToVector<float>()[0], 1.0f);
}

TEST(OptimizerTest, NoGradientAtAllIsAnError) {
  Quadratic q;
  Output unused = CreateVariable(q.s, "unused", ops::Const(q.s, 1.0f));
  SGD sgd;
  EXPECT_EQ(sgd.Minimize(q.s, q.loss, {.var_list = {unused}}), nullptr);
  EXPECT_THAT(Msg(q.s.status()), HasSubstr("no gradient for any of the 1 variables"));
  EXPECT_THAT(Msg(q.s.status()), HasSubstr("optimizer_test.cc"));
}

TEST(OptimizerTest, GlobalStepIncrementsByOnePerRunAndFeedsAdamBiasCorrection) {
  Quadratic q;
  SGD sgd({.learning_rate = 0.01f});
  graph::Node* train = sgd.Minimize(q.s, q.loss);
  ASSERT_TRUE(q.s.ok()) << q.s.status();
  Session sess(*q.s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(q.s)}).ok());
  for (int k = 1; k <= 3; ++k) {
    ASSERT_TRUE(sess.RunTargets({train}).ok());
    EXPECT_EQ(sess.ReadVariable("global_step")->data<int64_t>()[0], k);
  }
  // Adam's bias correction reads the global step: restarting it at 100 gives t = 101 for the first update.
  Quadratic q2;
  Adam adam({.learning_rate = 0.1f});
  graph::Node* train2 = adam.Minimize(q2.s, q2.loss);
  Session sess2(*q2.s.graph());
  ASSERT_TRUE(sess2.RunTargets({InitializeAllVariables(q2.s)}).ok());
  ASSERT_TRUE(sess2.WriteVariable("global_step", Tensor::Scalar<int64_t>(100)).ok());
  ASSERT_TRUE(sess2.RunTargets({train2}).ok());
  std::vector<double> w = kW0;
  Rule rule = AdamRule(0.1, 0.9, 0.999, 1e-7, false, 0);
  std::vector<double> g(3);
  for (size_t i = 0; i < 3; ++i) g[i] = kCurv[i] * (w[i] - kTarget[i]);
  rule(100, w, g);
  std::vector<float> got = sess2.ReadVariable("dense/kernel")->ToVector<float>();
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(got[i], w[i], 1e-5);
  EXPECT_EQ(sess2.ReadVariable("global_step")->data<int64_t>()[0], 101);
}

TEST(OptimizerTest, TrainOpRunsUpdateOpsAndClipping) {
  Quadratic q;
  Output counter = CreateVariable(q.s, "counter", ops::Const(q.s, 0.0f), /*trainable=*/false);
  q.s.graph()->AddToCollection(kUpdateOps, ops::AssignAdd(q.s, counter, 1.0f));
  SGD sgd({.learning_rate = 1.0f});
  // Gradients c*(w - t) = {0.5, -6, 0.75} clipped to [-0.25, 0.25].
  graph::Node* train = sgd.Minimize(q.s, q.loss, {.clipping = {.clip_value = 0.25f}});
  ASSERT_TRUE(q.s.ok()) << q.s.status();
  Session sess(*q.s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(q.s)}).ok());
  ASSERT_TRUE(sess.RunTargets({train}).ok());
  ASSERT_TRUE(sess.RunTargets({train}).ok());
  EXPECT_EQ(sess.ReadVariable("counter")->data<float>()[0], 2.0f);
  // Step 2 gradients {0.25, -5.5, 0.625} are clipped again.
  EXPECT_THAT(sess.ReadVariable("dense/kernel")->ToVector<float>(),
              ::testing::Pointwise(::testing::FloatNear(1e-6f), std::vector<float>{0.5f, -1.5f, 0.0f}));
}

// End to end: y = 3 x1 - 2 x2 + 0.5 recovered from eight fed samples, loss = mean squared error (the mean as
// a product with the residual column, scaled by 1/N).
void ExpectLinearRegressionRecovered(Optimizer* opt, Scope s, int steps, double tol) {
  const std::vector<float> xs = {0, 0, 1, 0, 0, 1, 1, 1, 2, 1, -1, 2, 0.5f, -1, 3, -2};
  std::vector<float> ys;
  for (size_t i = 0; i < xs.size(); i += 2) ys.push_back(3 * xs[i] - 2 * xs[i + 1] + 0.5f);
  const int64_t n = static_cast<int64_t>(ys.size());
  Output x = ops::Placeholder(s, DType::kFloat32, {graph::Shape::kUnknownDim, 2});
  Output y = ops::Placeholder(s, DType::kFloat32, {graph::Shape::kUnknownDim, 1});
  Scope dense = s.NewSubScope("linear");
  Output w = CreateVariable(dense, "kernel", ops::Const(s, Tensor(DType::kFloat32, {2, 1})));
  Output b = CreateVariable(dense, "bias", ops::Const(s, Tensor(DType::kFloat32, {1})));
  Output r = ops::Sub(s, ops::Add(s, ops::MatMul(s, x, w), b), y);
  Output loss = ops::Mul(s, ops::MatMul(s, r, r, {.transpose_a = true}), 1.0f / static_cast<float>(n));
  graph::Node* train = opt->Minimize(s, loss);
  ASSERT_TRUE(s.ok()) << s.status();
  Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(s)}).ok());
  std::vector<graph::Feed> feeds = {{x, *Tensor::FromVector<float>(xs, {n, 2})},
                                    {y, *Tensor::FromVector<float>(ys, {n, 1})}};
  std::vector<Tensor> out;
  for (int i = 0; i < steps; ++i) ASSERT_TRUE(sess.Run(feeds, {}, {train}, &out).ok());
  ASSERT_TRUE(sess.Run(feeds, {loss}, &out).ok());
  EXPECT_LT(out[0].data<float>()[0], tol * tol);
  EXPECT_THAT(sess.ReadVariable("linear/kernel")->ToVector<float>(),
              ::testing::Pointwise(::testing::FloatNear(tol), std::vector<float>{3, -2}));
  EXPECT_NEAR(sess.ReadVariable("linear/bias")->data<float>()[0], 0.5f, tol);
  EXPECT_EQ(sess.ReadVariable("global_step")->data<int64_t>()[0], steps);
}

TEST(OptimizerTest, LinearRegressionRecoveredBySGD) {
  SGD sgd({.learning_rate = 0.1f});
  ExpectLinearRegressionRecovered(&sgd, Scope::NewRootScope(), 400, 1e-3);
}

TEST(OptimizerTest, LinearRegressionRecoveredByAdamWithCosineDecay) {
  Scope s = Scope::NewRootScope();
  Adam adam({.learning_rate = CosineDecay(s, {.initial_learning_rate = 0.2f, .decay_steps = 600})});
  ExpectLinearRegressionRecovered(&adam, s, 600, 1e-2);
}

TEST(OptimizerTest, ValidateRejectsBadOptions) {
  EXPECT_THAT(Msg(SGDOptions{.learning_rate = 0.0f}.Validate()),
              HasSubstr("learning_rate must be finite and > 0"));
  EXPECT_THAT(Msg(SGDOptions{.learning_rate = Output()}.Validate()), HasSubstr("not a value"));
  EXPECT_THAT(Msg(MomentumOptions{.momentum = 1.0f}.Validate()),
              HasSubstr("momentum must be in [0, 1), got 1"));
  EXPECT_THAT(Msg(AdamOptions{.beta_1 = -0.1f}.Validate()), HasSubstr("beta_1 must be in [0, 1)"));
  EXPECT_THAT(Msg(AdamOptions{.beta_2 = 1.0f}.Validate()), HasSubstr("beta_2 must be in [0, 1)"));
  EXPECT_THAT(Msg(AdamOptions{.epsilon = 0.0f}.Validate()), HasSubstr("epsilon must be finite and > 0"));
  EXPECT_THAT(Msg(AdamWOptions{.weight_decay = -1.0f}.Validate()), HasSubstr("weight_decay"));
  EXPECT_THAT(Msg(AdagradOptions{.initial_accumulator_value = -0.1f}.Validate()),
              HasSubstr("initial_accumulator_value"));
  EXPECT_THAT(Msg(RMSPropOptions{.rho = 1.5f}.Validate()), HasSubstr("rho must be in [0, 1)"));
  EXPECT_THAT(Msg(RMSPropOptions{.momentum = -0.5f}.Validate()), HasSubstr("momentum must be in [0, 1)"));
  EXPECT_TRUE(AdamWOptions{}.Validate().ok());
  EXPECT_TRUE(RMSPropOptions{}.Validate().ok());

  Scope s = Scope::NewRootScope();
  Output i64 = ops::Const(s, int64_t{3});
  EXPECT_THAT(Msg(SGDOptions{.learning_rate = i64}.Validate()),
              HasSubstr("must be an f32 scalar, got i64[]"));
  // Invalid options surface as the scope's error at ApplyGradients, with the caller's line.
  Quadratic q;
  Adam bad({.beta_1 = 2.0f});
  EXPECT_EQ(bad.Minimize(q.s, q.loss), nullptr);
  EXPECT_THAT(Msg(q.s.status()), HasSubstr("Adam"));
  EXPECT_THAT(Msg(q.s.status()), HasSubstr("beta_1 must be in [0, 1), got 2"));
}

TEST(OptimizerTest, FactoryCreatesByNameWithDefaultsAndChecksFields) {
  for (const std::string& name : OptimizerNames()) {
    auto opt = CreateOptimizer(name);
    ASSERT_TRUE(opt.ok()) << name << ": " << opt.status();
  }
  auto adam = CreateOptimizer("adam", {.learning_rate = 0.5f, .beta_2 = 0.9f, .amsgrad = true});
  ASSERT_TRUE(adam.ok());
  EXPECT_EQ((*adam)->name(), "Adam");
  const auto& adam_opts = static_cast<const Adam&>(**adam).options();
  EXPECT_FLOAT_EQ(adam_opts.learning_rate.value(), 0.5f);
  EXPECT_FLOAT_EQ(adam_opts.beta_1, 0.9f);
  EXPECT_FLOAT_EQ(adam_opts.beta_2, 0.9f);
  EXPECT_TRUE(adam_opts.amsgrad);
  auto sgd = CreateOptimizer("sgd");
  EXPECT_FLOAT_EQ(static_cast<const SGD&>(**sgd).options().learning_rate.value(), 0.01f);
  auto rms = CreateOptimizer("rmsprop", {.momentum = 0.3f, .centered = true});
  ASSERT_TRUE(rms.ok());
  EXPECT_FLOAT_EQ(static_cast<const RMSProp&>(**rms).options().momentum, 0.3f);

  EXPECT_THAT(Msg(CreateOptimizer("adamm").status()),
              HasSubstr("unknown optimizer 'adamm'; known optimizers: sgd"));
  EXPECT_THAT(Msg(CreateOptimizer("sgd", {.beta_1 = 0.5f}).status()),
              HasSubstr("optimizer 'sgd' has no option beta_1"));
  EXPECT_THAT(Msg(CreateOptimizer("momentum", {.momentum = 1.5f}).status()),
              HasSubstr("optimizer 'momentum': momentum must be in [0, 1), got 1.5"));
}

}  // namespace
}  // namespace layers
