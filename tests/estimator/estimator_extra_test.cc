// The Estimator's epochs, in-memory continuation and evaluation, warm start, signal-triggered save and
// model_fn error reporting.
#include <csignal>
#include <filesystem>
#include <random>

#include "datasets/datasets.h"
#include "estimator/estimator.h"
#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/nn_ops.h"
#include "gtest/gtest.h"
#include "layers/adam.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "metrics/registry.h"
#include "tests/estimator/estimator_test_util.h"

namespace estimator {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Tensor;
using ::testing::HasSubstr;

std::string FreshDir(const std::string& name) {
  return estimator_test::FreshTestDir("estimator_extra_test_" + name);
}

datasets::Element MakeData() { return estimator_test::MakeToyData(3); }

// One pass over the 64 examples in batches of 8 (8 steps), shuffled per epoch.
InputFn OneEpoch(int* calls = nullptr) {
  return [calls] {
    if (calls != nullptr) ++*calls;
    return datasets::FromTensorSlices(MakeData()).Shuffle(64, 9).Batch(8);
  };
}
InputFn Forever() {
  return [] { return datasets::FromTensorSlices(MakeData()).Shuffle(64, 9).Batch(8).Repeat(); };
}
InputFn EvalInput() {
  return [] { return datasets::FromTensorSlices(MakeData()).Batch(16); };
}

EstimatorSpec Model(const Features& f, const Labels& l, Mode mode, const Params& p) {
  return estimator_test::ToyModel(f, l, mode, p);
}

RunConfig Config(const std::string& dir) {
  RunConfig c;
  c.model_dir = dir;
  c.random_seed = 17;
  c.save_checkpoints_steps = 10;
  c.save_checkpoints_secs = 0;
  c.keep_checkpoint_max = 0;
  c.log_step_count_steps = 0;
  c.save_summary_steps = 0;
  return c;
}

std::map<std::string, Tensor> Checkpoint(const std::string& dir, int64_t step) {
  auto f = ReadSafetensors(dir + "/" + CheckpointManager::CheckpointFileName(step));
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? f->tensors : std::map<std::string, Tensor>{};
}

WarmStartSettings WarmStart(const std::string& checkpoint, std::vector<std::string> patterns) {
  WarmStartSettings ws;
  ws.checkpoint = checkpoint;
  ws.options.patterns = std::move(patterns);
  return ws;
}

// Records the variables right after they were initialized or restored, and the steps run.
class ProbeHook : public Hook {
 public:
  std::map<std::string, Tensor> initial;
  std::vector<int64_t> steps;
  absl::Status AfterCreateSession(HookContext& ctx) override {
    for (const char* name : {"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"}) {
      auto v = ctx.session->ReadVariable(name);
      if (!v.ok()) return v.status();
      initial[name] = *v;
    }
    return absl::OkStatus();
  }
  absl::Status AfterRun(HookContext& ctx, absl::Span<const Tensor>, bool*) override {
    steps.push_back(ctx.global_step);
    return absl::OkStatus();
  }
};

// Fails the loop after step `at`.
class FailingHook : public Hook {
 public:
  explicit FailingHook(int64_t at) : at_(at) {}
  absl::Status AfterRun(HookContext& ctx, absl::Span<const Tensor>, bool*) override {
    if (ctx.global_step < at_) return absl::OkStatus();
    return absl::InternalError("hook failed at step " + std::to_string(ctx.global_step));
  }

 private:
  int64_t at_;
};

TEST(EstimatorExtraTest, EpochsRepeatTheInputAndStopAtItsEnd) {
  const std::string dir = FreshDir("epochs");
  Estimator est(Model, Config(dir));
  est.set_log_sink([](const std::string&) {});
  // 64 examples / batch 8 = 8 steps per epoch; 3 epochs = 24 steps.
  ASSERT_TRUE(est.Train(OneEpoch(), {.epochs = 3}).ok());
  EXPECT_EQ(est.LiveGlobalStep().value_or(-1), 24);
  EXPECT_EQ(Checkpoint(dir, 24).at("global_step").data<int64_t>()[0], 24);
  // The epochs count from step 0: the same call resumes at the end of the data and trains nothing.
  Estimator again(Model, Config(dir));
  again.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(again.Train(OneEpoch(), {.epochs = 3}).ok());
  EXPECT_EQ(again.LiveGlobalStep().value_or(-1), 24);
  // A step limit below the data's end wins.
  Estimator limited(Model, Config(FreshDir("epochs_limited")));
  limited.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(limited.Train(OneEpoch(), {.max_steps = 13, .epochs = 3}).ok());
  EXPECT_EQ(limited.LiveGlobalStep().value_or(-1), 13);
  EXPECT_EQ(limited.Train(OneEpoch(), {.epochs = -1}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(EstimatorExtraTest, ContinuingInMemoryEqualsOneUninterruptedRun) {
  const std::string one = FreshDir("cont_one"), two = FreshDir("cont_two");
  {
    Estimator est(Model, Config(one));
    est.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est.Train(Forever(), {.max_steps = 25}).ok());
  }
  int calls = 0;
  std::vector<std::string> log;
  Estimator est(Model, Config(two));
  est.set_log_sink([&](const std::string& l) { log.push_back(l); });
  auto input = [&calls] {
    ++calls;
    return datasets::FromTensorSlices(MakeData()).Shuffle(64, 9).Batch(8).Repeat();
  };
  ASSERT_TRUE(est.Train(input, {.max_steps = 7}).ok());
  ASSERT_TRUE(est.Train(input, {.max_steps = 25, .continue_in_memory = true}).ok());
  EXPECT_EQ(calls, 1);  // the second call neither rebuilt the input nor read a checkpoint
  for (const std::string& l : log) EXPECT_THAT(l, ::testing::Not(HasSubstr("restored")));
  auto a = Checkpoint(one, 25), b = Checkpoint(two, 25);
  ASSERT_GT(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, t] : a) EXPECT_TRUE(graph::TensorsEqual(t, b.at(name))) << name;
}

TEST(EstimatorExtraTest, EvaluateInMemoryEqualsEvaluatingTheCheckpoint) {
  const std::string dir = FreshDir("eval_mem");
  Estimator est(Model, Config(dir));
  est.set_log_sink([](const std::string&) {});
  EXPECT_EQ(est.EvaluateInMemory(EvalInput()).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(est.Train(Forever(), {.max_steps = 15}).ok());
  auto live = est.EvaluateInMemory(EvalInput());
  ASSERT_TRUE(live.ok()) << live.status();
  Estimator other(Model, Config(dir));
  auto from_file = other.Evaluate(EvalInput());
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(live->global_step, 15);
  EXPECT_EQ(live->checkpoint, dir + "/model.ckpt-15.safetensors");
  EXPECT_EQ(live->num_examples, 64);
  EXPECT_EQ(live->loss, from_file->loss);
  EXPECT_EQ(live->metrics, from_file->metrics);
  EXPECT_EQ(est.EvaluateInMemory(EvalInput(), {.checkpoint = "x"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Invalid options leave the live run alone; a failure inside the loop ends it.
  EXPECT_EQ(est.Train(Forever(), {.max_steps = -1}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(est.EvaluateInMemory(EvalInput()).ok());
  absl::Status st = est.Train(Forever(), {.max_steps = 30, .continue_in_memory = true},
                              {std::make_shared<FailingHook>(17)});
  EXPECT_THAT(std::string(st.message()), HasSubstr("hook failed at step 17"));
  EXPECT_EQ(est.EvaluateInMemory(EvalInput()).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(EstimatorExtraTest, WarmStartLoadsTheSelectedLayerOnly) {
  const std::string source = FreshDir("ws_source");
  {
    Estimator est(Model, Config(source));
    est.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est.Train(Forever(), {.max_steps = 20}).ok());
  }
  const auto src = Checkpoint(source, 20);
  auto control = std::make_shared<ProbeHook>();
  {
    Estimator est(Model, Config(FreshDir("ws_control")));
    est.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est.Train(Forever(), {.max_steps = 1}, {control}).ok());
  }
  const std::string dir = FreshDir("ws_target");
  auto probe = std::make_shared<ProbeHook>();
  std::vector<std::string> log;
  Estimator est(Model, Config(dir));
  est.set_log_sink([&](const std::string& l) { log.push_back(l); });
  est.set_warm_start(WarmStart(source, {"dense/kernel", "dense/bias"}));
  ASSERT_TRUE(est.Train(Forever(), {.max_steps = 3}, {probe}).ok());
  EXPECT_TRUE(graph::TensorsEqual(probe->initial.at("dense/kernel"), src.at("dense/kernel")));
  EXPECT_TRUE(graph::TensorsEqual(probe->initial.at("dense/bias"), src.at("dense/bias")));
  // The second layer was initialized normally: as in a run without warm start, not as in the source.
  EXPECT_TRUE(
      graph::TensorsEqual(probe->initial.at("dense_1/kernel"), control->initial.at("dense_1/kernel")));
  EXPECT_FALSE(graph::TensorsEqual(probe->initial.at("dense_1/kernel"), src.at("dense_1/kernel")));
  EXPECT_FALSE(graph::TensorsEqual(control->initial.at("dense/kernel"), src.at("dense/kernel")));
  EXPECT_EQ(probe->steps, (std::vector<int64_t>{1, 2, 3}));  // global_step is not taken from the source
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log.back(), HasSubstr("warm-started 2 variables from " + source));
  // Once model_dir has a checkpoint, training resumes from it and the warm start is not applied again.
  auto resumed = std::make_shared<ProbeHook>();
  ASSERT_TRUE(est.Train(Forever(), {.max_steps = 4}, {resumed}).ok());
  EXPECT_TRUE(
      graph::TensorsEqual(resumed->initial.at("dense/kernel"), Checkpoint(dir, 3).at("dense/kernel")));
}

TEST(EstimatorExtraTest, WarmStartErrorsNameTheProblem) {
  const std::string source = FreshDir("ws_err_source");
  {
    Estimator est(Model, Config(source));
    est.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est.Train(Forever(), {.max_steps = 2}).ok());
  }
  Params wider;
  wider.Set("hidden", int64_t{16});
  Estimator est(Model, Config(FreshDir("ws_err_target")), wider);
  est.set_log_sink([](const std::string&) {});
  est.set_warm_start(WarmStart(source, {"dense/kernel"}));
  EXPECT_THAT(std::string(est.Train(Forever(), {.max_steps = 1}).message()),
              HasSubstr("variable dense/kernel is f32[4,16] in the model but f32[4,8] in the checkpoint"));
  est.set_warm_start(WarmStart(source, {"encoder/*"}));
  EXPECT_EQ(est.Train(Forever(), {.max_steps = 1}).code(), absl::StatusCode::kNotFound);
  est.set_warm_start(WarmStart(source + "/nothing_here.safetensors", {"*"}));
  absl::Status missing = est.Train(Forever(), {.max_steps = 1});
  EXPECT_THAT(std::string(missing.message()), HasSubstr("nothing_here.safetensors"));
  // None of the failures wrote a checkpoint.
  EXPECT_FALSE(std::filesystem::exists(est.config().model_dir + "/checkpoint"));
}

// Raises SIGTERM after the step `at` ran.
class RaiseSignalHook : public Hook {
 public:
  explicit RaiseSignalHook(int64_t at) : at_(at) {}
  absl::Status AfterRun(HookContext& ctx, absl::Span<const Tensor>, bool*) override {
    if (ctx.global_step == at_) std::raise(SIGTERM);
    return absl::OkStatus();
  }

 private:
  int64_t at_;
};

TEST(EstimatorExtraTest, SigtermSavesACheckpointAndTrainingResumesThere) {
  const std::string dir = FreshDir("signal");
  {
    Estimator est(Model, Config(dir));
    est.set_log_sink([](const std::string&) {});
    absl::Status st = est.Train(Forever(), {.max_steps = 50}, {std::make_shared<RaiseSignalHook>(7)});
    EXPECT_EQ(st.code(), absl::StatusCode::kCancelled) << st;
    EXPECT_THAT(std::string(st.message()), HasSubstr("at step 7"));
    EXPECT_EQ(est.LiveGlobalStep().status().code(), absl::StatusCode::kFailedPrecondition);
  }
  auto latest = CheckpointManager(dir).LatestValid();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->info.step, 7);
  EXPECT_EQ(latest->file.tensors.at("global_step").data<int64_t>()[0], 7);
  std::vector<std::string> log;
  auto probe = std::make_shared<ProbeHook>();
  Estimator est(Model, Config(dir));
  est.set_log_sink([&](const std::string& l) { log.push_back(l); });
  ASSERT_TRUE(est.Train(Forever(), {.max_steps = 10}, {probe}).ok());
  EXPECT_EQ(probe->steps, (std::vector<int64_t>{8, 9, 10}));
  EXPECT_THAT(log, ::testing::Contains(HasSubstr("restored " + dir + "/model.ckpt-7.safetensors")));
}

int g_bad_dense_line = 0;

EstimatorSpec BadModel(const Features& features, const Labels& labels, Mode mode, const Params& params) {
  const Scope& s = features.scope();
  Output cube = ops::Reshape(s, features["x"], graph::Shape({-1, 2, 2}));
  g_bad_dense_line = __LINE__ + 1;
  Output h = layers::Dense(s, cube, {.units = 3});
  (void)h;
  return Model(features, labels, mode, params);
}

TEST(EstimatorExtraTest, ModelFnErrorsAreReportedWithTheModelsFileAndLine) {
  Estimator est(BadModel, Config(FreshDir("bad_model")));
  absl::Status st = est.Train(Forever(), {.max_steps = 1});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("estimator_extra_test.cc:" + std::to_string(g_bad_dense_line) + ": "));
  EXPECT_THAT(std::string(st.message()), HasSubstr("Dense expects [batch, features]"));
  EXPECT_FALSE(std::filesystem::exists(est.config().model_dir + "/checkpoint"));
}

}  // namespace
}  // namespace estimator
