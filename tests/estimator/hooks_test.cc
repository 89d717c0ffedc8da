// The built-in hooks, driven directly through a HookContext.
#include "estimator/hooks.h"

#include <cmath>
#include <filesystem>

#include "estimator/atomic_file.h"
#include "estimator/early_stopping.h"
#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"

namespace estimator {
namespace {

using graph::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(HooksTest, StopAtStepStopsAtTheLastStep) {
  StopAtStepHook hook(3);
  HookContext ctx;
  bool stop = false;
  for (int64_t step = 1; step <= 2; ++step) {
    ctx.global_step = step;
    ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
    EXPECT_FALSE(stop);
  }
  ctx.global_step = 3;
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  EXPECT_TRUE(stop);
}

TEST(HooksTest, NanTensorHookNamesTheTensorAndStep) {
  Scope s = Scope::NewRootScope();
  Output w = graph::ops::Const(s.WithOpName("weights"), 1.0f);
  NanTensorHook hook({w});
  HookContext ctx;
  ctx.global_step = 12;
  ctx.loss = 0.5f;
  bool stop = false;
  Tensor good = Tensor::Of<float>({1, 2}, {2}), bad = Tensor::Of<float>({1, NAN}, {2});
  EXPECT_TRUE(hook.AfterRun(ctx, {good}, &stop).ok());
  absl::Status st = hook.AfterRun(ctx, {bad}, &stop);
  EXPECT_THAT(std::string(st.message()), HasSubstr("tensor 'weights'"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("at element 1 at step 12"));
  ctx.loss = INFINITY;
  EXPECT_THAT(std::string(hook.AfterRun(ctx, {good}, &stop).message()),
              HasSubstr("the loss is inf at step 12"));
}

TEST(HooksTest, LoggingTensorHookLogsEveryNSteps) {
  Scope s = Scope::NewRootScope();
  Output w = graph::ops::Const(s.WithOpName("w"), 1.0f);
  std::vector<std::string> lines;
  LoggingTensorHook hook({w}, 2, [&](const std::string& l) { lines.push_back(l); });
  HookContext ctx;
  bool stop = false;
  for (int64_t step = 1; step <= 4; ++step) {
    ctx.global_step = step;
    ASSERT_TRUE(hook.AfterRun(ctx, {Tensor::Of<float>({0.5f * static_cast<float>(step)}, {1})}, &stop).ok());
  }
  EXPECT_THAT(lines, ElementsAre("step 2: w = f32[1] {1}", "step 4: w = f32[1] {2}"));
}

TEST(HooksTest, StepCounterMeasuresStepsAndExamplesPerSecond) {
  std::vector<std::string> lines;
  std::vector<std::pair<std::string, double>> scalars;
  StepCounterHook hook(10, [&](const std::string& l) { lines.push_back(l); });
  HookContext ctx;
  ctx.add_scalar = [&](const std::string& tag, double v) { scalars.emplace_back(tag, v); };
  ctx.batch_size = 32;
  bool stop = false;
  for (int64_t step = 1; step <= 11; ++step) {  // the window starts at step 1 and closes at step 11
    ctx.global_step = step;
    ctx.wall_seconds = 0.5 * static_cast<double>(step);
    ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  }
  // 10 steps in 5 s: 2 steps/s; 320 examples in 5 s: 64 examples/s.
  EXPECT_DOUBLE_EQ(hook.last_steps_per_sec(), 2.0);
  ASSERT_EQ(scalars.size(), 2u);
  EXPECT_EQ(scalars[0].first, "global_step/sec");
  EXPECT_DOUBLE_EQ(scalars[1].second, 64.0);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("2.0 steps/s, 64 examples/s"));
}

class CountingListener : public CheckpointSaverListener {
 public:
  std::vector<std::string> events;
  void BeforeSave(int64_t step) override { events.push_back("before " + std::to_string(step)); }
  void AfterSave(int64_t step) override { events.push_back("after " + std::to_string(step)); }
};

TEST(HooksTest, CheckpointSaverSavesEveryNStepsAndAtEndWithListeners) {
  CountingListener listener;
  CheckpointSaverHook hook(4, 0, {&listener});
  std::vector<int64_t> saved;
  HookContext ctx;
  ctx.save_checkpoint = [&] {
    saved.push_back(ctx.global_step);
    return absl::OkStatus();
  };
  bool stop = false;
  for (int64_t step = 1; step <= 10; ++step) {
    ctx.global_step = step;
    ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  }
  ASSERT_TRUE(hook.End(ctx).ok());
  EXPECT_THAT(saved, ElementsAre(4, 8, 10));
  EXPECT_THAT(listener.events,
              ElementsAre("before 4", "after 4", "before 8", "after 8", "before 10", "after 10"));
  // A failing save is returned, and listeners hear no AfterSave for it.
  ctx.save_checkpoint = [] { return absl::DataLossError("disk full"); };
  ctx.global_step = 14;  // 4 steps after the save at End
  EXPECT_EQ(hook.AfterRun(ctx, {}, &stop).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(listener.events.back(), "before 14");
}

TEST(HooksTest, SummarySaverWritesLossAndScalarsEveryNSteps) {
  Scope s = Scope::NewRootScope();
  Output lr = graph::ops::Const(s, 0.1f);
  SummarySaverHook hook(2, {{"learning_rate", lr}});
  ASSERT_EQ(hook.Fetches().size(), 1u);
  std::vector<std::pair<std::string, double>> scalars;
  HookContext ctx;
  ctx.add_scalar = [&](const std::string& tag, double v) { scalars.emplace_back(tag, v); };
  bool stop = false;
  for (int64_t step = 1; step <= 4; ++step) {
    ctx.global_step = step;
    ctx.loss = static_cast<float>(step);
    ASSERT_TRUE(hook.AfterRun(ctx, {Tensor::Scalar(0.25f)}, &stop).ok());
  }
  ASSERT_EQ(scalars.size(), 4u);
  EXPECT_EQ(scalars[0], (std::pair<std::string, double>{"loss", 2.0}));
  EXPECT_EQ(scalars[1], (std::pair<std::string, double>{"learning_rate", 0.25}));
  EXPECT_EQ(scalars[2], (std::pair<std::string, double>{"loss", 4.0}));
}

TEST(HooksTest, EarlyStoppingHookReadsEvaluationsFromTheEvalDirectory) {
  const std::string dir = ::testing::TempDir() + "/hooks_test_early";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/eval");
  EarlyStoppingHook hook({.metric = "accuracy", .goal = MetricGoal::kMaximize, .patience = 2}, "", 10);
  HookContext ctx;
  ctx.model_dir = dir;
  ASSERT_TRUE(hook.Begin(ctx).ok());
  bool stop = false;
  auto evaluation = [&](int64_t step, double accuracy) {
    ASSERT_TRUE(WriteFileAtomically(
                    dir + "/eval/metrics.json",
                    "{\"global_step\": " + std::to_string(step) +
                        ", \"loss\": 1.0, \"metrics\": {\"accuracy\": " + std::to_string(accuracy) + "}}")
                    .ok());
  };
  ctx.global_step = 10;
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());  // no evaluation yet
  evaluation(10, 0.80);
  ctx.global_step = 20;
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  evaluation(20, 0.85);  // improves
  ctx.global_step = 30;
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  ctx.global_step = 40;  // the same evaluation again does not count
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  evaluation(40, 0.84);
  ctx.global_step = 50;
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  EXPECT_FALSE(stop);
  evaluation(50, 0.85);  // not better than the best: the second without improvement
  ctx.global_step = 60;
  ASSERT_TRUE(hook.AfterRun(ctx, {}, &stop).ok());
  EXPECT_TRUE(stop);
  EXPECT_EQ(hook.tracker().best_step(), 20);
  ASSERT_TRUE(WriteFileAtomically(dir + "/eval/metrics.json", "{oops").ok());
  ctx.global_step = 70;
  EXPECT_THAT(std::string(hook.AfterRun(ctx, {}, &stop).message()), HasSubstr("not an evaluation result"));
}

}  // namespace
}  // namespace estimator
