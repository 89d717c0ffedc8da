// Learning-rate schedules at and around their boundaries, against their closed forms.
#include "layers/learning_rate_schedule.h"

#include <cmath>
#include <numbers>
#include <vector>

#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/variables.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Session;
using graph::Tensor;
using ::testing::HasSubstr;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

// Builds a schedule on a fed i64 step and evaluates it at given steps.
class ScheduleHarness {
 public:
  ScheduleHarness() : step_(ops::Placeholder(s_, DType::kInt64, {})) {}
  const Scope& scope() const { return s_; }
  Output step() const { return step_; }
  // The schedule's value at `step` (NaN and a test failure on error).
  double At(Output lr, int64_t step) {
    if (!session_) session_ = std::make_unique<Session>(*s_.graph());
    std::vector<Tensor> out;
    absl::Status st = session_->Run({{step_, Tensor::Scalar<int64_t>(step)}}, {lr}, &out);
    EXPECT_TRUE(st.ok()) << st;
    return st.ok() ? out[0].data<float>()[0] : std::nan("");
  }

 private:
  Scope s_ = Scope::NewRootScope();
  Output step_;
  std::unique_ptr<Session> session_;
};

TEST(LearningRateTest, Constant) {
  ScheduleHarness h;
  Output lr = ConstantLearningRate(h.scope(), 0.25f);
  ASSERT_TRUE(h.scope().ok());
  EXPECT_EQ(lr.dtype(), DType::kFloat32);
  EXPECT_EQ(h.At(lr, 0), 0.25);
  EXPECT_EQ(h.At(lr, 1000), 0.25);
}

TEST(LearningRateTest, ExponentialDecaySmoothAndStaircase) {
  ScheduleHarness h;
  Output smooth = ExponentialDecay(
      h.scope(), {.initial_learning_rate = 0.5f, .decay_steps = 10, .decay_rate = 0.5f}, h.step());
  Output stairs = ExponentialDecay(
      h.scope(), {.initial_learning_rate = 0.5f, .decay_steps = 10, .decay_rate = 0.5f, .staircase = true},
      h.step());
  ASSERT_TRUE(h.scope().ok()) << h.scope().status();
  for (int64_t step : {0, 1, 9, 10, 11, 19, 20, 35}) {
    SCOPED_TRACE(step);
    EXPECT_NEAR(h.At(smooth, step), 0.5 * std::pow(0.5, step / 10.0), 1e-7);
    EXPECT_NEAR(h.At(stairs, step), 0.5 * std::pow(0.5, static_cast<double>(step / 10)), 1e-7);
  }
  EXPECT_EQ(h.At(stairs, 9), 0.5);
  EXPECT_EQ(h.At(stairs, 10), 0.25);
}

TEST(LearningRateTest, PiecewiseConstantAroundBoundaries) {
  ScheduleHarness h;
  Output lr =
      PiecewiseConstant(h.scope(), {.boundaries = {100, 200}, .values = {1.0f, 0.5f, 0.1f}}, h.step());
  ASSERT_TRUE(h.scope().ok()) << h.scope().status();
  EXPECT_FLOAT_EQ(h.At(lr, 0), 1.0f);
  EXPECT_FLOAT_EQ(h.At(lr, 99), 1.0f);
  EXPECT_FLOAT_EQ(h.At(lr, 100), 1.0f);  // step <= boundary keeps the earlier value, like Keras
  EXPECT_FLOAT_EQ(h.At(lr, 101), 0.5f);
  EXPECT_FLOAT_EQ(h.At(lr, 200), 0.5f);
  EXPECT_FLOAT_EQ(h.At(lr, 201), 0.1f);
  EXPECT_FLOAT_EQ(h.At(lr, 100000), 0.1f);
}

TEST(LearningRateTest, PiecewiseConstantValidation) {
  EXPECT_THAT(Msg(PiecewiseConstantOptions{.boundaries = {10}, .values = {1.0f}}.Validate()),
              HasSubstr("1 values for 1 boundaries; need one more value than boundaries"));
  EXPECT_THAT(Msg(PiecewiseConstantOptions{.boundaries = {10, 10}, .values = {1, 2, 3}}.Validate()),
              HasSubstr("boundaries must increase strictly, got 10 then 10 at index 1"));
  EXPECT_THAT(Msg(PiecewiseConstantOptions{.boundaries = {10}, .values = {1, NAN}}.Validate()),
              HasSubstr("values must be finite and >= 0, got nan at index 1"));
  EXPECT_TRUE(PiecewiseConstantOptions{}.Validate().ok());
  Scope s = Scope::NewRootScope();
  EXPECT_FALSE(PiecewiseConstant(s, {.boundaries = {5, 1}, .values = {1, 2, 3}}).valid());
  EXPECT_THAT(Msg(s.status()), HasSubstr("learning_rate_test.cc"));
  EXPECT_THAT(Msg(s.status()), HasSubstr("piecewise_constant"));
}

TEST(LearningRateTest, PolynomialDecay) {
  ScheduleHarness h;
  const PolynomialDecayOptions o{
      .initial_learning_rate = 1.0f, .decay_steps = 10, .end_learning_rate = 0.1f, .power = 2.0f};
  Output lr = PolynomialDecay(h.scope(), o, h.step());
  PolynomialDecayOptions oc = o;
  oc.cycle = true;
  Output cyc = PolynomialDecay(h.scope(), oc, h.step());
  ASSERT_TRUE(h.scope().ok()) << h.scope().status();
  auto closed = [](double step, double period) {
    return 0.9 * std::pow(1 - std::min(step, period) / period, 2) + 0.1;
  };
  for (int64_t step : {0, 1, 5, 9, 10, 11, 50}) {
    SCOPED_TRACE(step);
    EXPECT_NEAR(h.At(lr, step), closed(step, 10), 1e-6);
  }
  EXPECT_NEAR(h.At(lr, 10), 0.1, 1e-7);
  // Cycling: the period grows to the next multiple of decay_steps (step 0 uses one period).
  EXPECT_NEAR(h.At(cyc, 0), 1.0, 1e-7);
  EXPECT_NEAR(h.At(cyc, 10), 0.1, 1e-7);
  EXPECT_NEAR(h.At(cyc, 11), closed(11, 20), 1e-6);
  EXPECT_NEAR(h.At(cyc, 20), 0.1, 1e-7);
  EXPECT_NEAR(h.At(cyc, 25), closed(25, 30), 1e-6);
  EXPECT_THAT(Msg(PolynomialDecayOptions{.decay_steps = 0}.Validate()),
              HasSubstr("decay_steps must be > 0, got 0"));
  EXPECT_THAT(Msg(PolynomialDecayOptions{.power = -1}.Validate()),
              HasSubstr("power must be finite and >= 0"));
}

TEST(LearningRateTest, CosineDecayWithWarmup) {
  ScheduleHarness h;
  const CosineDecayOptions o{.initial_learning_rate = 0.0f,
                             .decay_steps = 100,
                             .alpha = 0.1f,
                             .warmup_steps = 10,
                             .warmup_target = 1.0f};
  Output lr = CosineDecay(h.scope(), o, h.step());
  ASSERT_TRUE(h.scope().ok()) << h.scope().status();
  auto closed = [](double step) {
    if (step < 10) return step / 10;
    const double d = std::min(step - 10, 100.0);
    return 0.9 * 0.5 * (1 + std::cos(std::numbers::pi * d / 100)) + 0.1;
  };
  for (int64_t step : {0, 1, 5, 9, 10, 11, 35, 60, 85, 109, 110, 111, 500}) {
    SCOPED_TRACE(step);
    EXPECT_NEAR(h.At(lr, step), closed(step), 5e-7);
  }
  EXPECT_EQ(h.At(lr, 0), 0.0);
  EXPECT_NEAR(h.At(lr, 10), 1.0, 3e-7);   // the peak right after warmup
  EXPECT_NEAR(h.At(lr, 110), 0.1, 3e-7);  // alpha * peak at the end
}

TEST(LearningRateTest, CosineDecayWithoutWarmup) {
  ScheduleHarness h;
  Output lr = CosineDecay(h.scope(), {.initial_learning_rate = 0.5f, .decay_steps = 7}, h.step());
  ASSERT_TRUE(h.scope().ok()) << h.scope().status();
  for (int64_t step = 0; step <= 9; ++step) {
    const double d = std::min<double>(step, 7);
    EXPECT_NEAR(h.At(lr, step), 0.5 * 0.5 * (1 + std::cos(std::numbers::pi * d / 7)), 1e-7) << step;
  }
  EXPECT_THAT(Msg(CosineDecayOptions{.warmup_steps = 5}.Validate()), HasSubstr("but no warmup_target"));
  EXPECT_THAT(Msg(CosineDecayOptions{.alpha = 1.5f}.Validate()),
              HasSubstr("alpha must be in [0, 1], got 1.5"));
  EXPECT_THAT(Msg(CosineDecayOptions{.initial_learning_rate = 0}.Validate()),
              HasSubstr("initial_learning_rate"));
}

TEST(LearningRateTest, SchedulesReadTheGlobalStepVariableByDefault) {
  Scope s = Scope::NewRootScope();
  Output lr = ExponentialDecay(s, {.initial_learning_rate = 1.0f, .decay_steps = 1, .decay_rate = 0.5f});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_NE(s.graph()->FindNode("global_step"), nullptr);
  Session sess(*s.graph());
  ASSERT_TRUE(sess.RunTargets({InitializeAllVariables(s)}).ok());
  std::vector<Tensor> out;
  ASSERT_TRUE(sess.Run({lr}, &out).ok());
  EXPECT_EQ(out[0].data<float>()[0], 1.0f);
  ASSERT_TRUE(sess.WriteVariable("global_step", Tensor::Scalar<int64_t>(3)).ok());
  ASSERT_TRUE(sess.Run({lr}, &out).ok());
  EXPECT_EQ(out[0].data<float>()[0], 0.125f);
}

TEST(LearningRateTest, ScheduleChosenByVariant) {
  ScheduleHarness h;
  Output constant = LearningRateSchedule(h.scope(), 0.5f, h.step());
  Output piecewise = LearningRateSchedule(
      h.scope(), PiecewiseConstantOptions{.boundaries = {3}, .values = {2, 1}}, h.step());
  Output poly = LearningRateSchedule(
      h.scope(), PolynomialDecayOptions{.initial_learning_rate = 1, .decay_steps = 4, .end_learning_rate = 0},
      h.step());
  ASSERT_TRUE(h.scope().ok()) << h.scope().status();
  EXPECT_EQ(h.At(constant, 7), 0.5);
  EXPECT_EQ(h.At(piecewise, 3), 2.0);
  EXPECT_EQ(h.At(piecewise, 4), 1.0);
  EXPECT_EQ(h.At(poly, 1), 0.75);
  EXPECT_TRUE(ValidateLearningRateSchedule(CosineDecayOptions{}).ok());
  EXPECT_THAT(Msg(ValidateLearningRateSchedule(-1.0f)),
              HasSubstr("learning_rate must be finite and > 0, got -1"));
  EXPECT_THAT(Msg(ValidateLearningRateSchedule(ExponentialDecayOptions{.decay_steps = 0})),
              HasSubstr("decay_steps must be > 0, got 0"));
}

TEST(LearningRateTest, BadOptionsAndStepsAreScopeErrors) {
  EXPECT_THAT(Msg(ExponentialDecayOptions{.decay_rate = 0}.Validate()),
              HasSubstr("decay_rate must be finite and > 0"));
  EXPECT_THAT(Msg(ExponentialDecayOptions{.initial_learning_rate = -1}.Validate()),
              HasSubstr("initial_learning_rate must be finite and > 0, got -1"));
  Scope s = Scope::NewRootScope();
  EXPECT_FALSE(ConstantLearningRate(s, 0.0f).valid());
  EXPECT_THAT(Msg(s.status()), HasSubstr("learning_rate must be finite and > 0, got 0"));
  Scope s2 = Scope::NewRootScope();
  Output f32_step = ops::Const(s2, 1.0f);
  EXPECT_FALSE(ExponentialDecay(s2, {}, f32_step).valid());
  EXPECT_THAT(Msg(s2.status()), HasSubstr("the global step must be an i64 scalar, got f32[]"));
}

}  // namespace
}  // namespace layers
