// The Estimator end to end on small data: train, evaluate, predict, exact resume, hooks, failures.
#include "estimator/estimator.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "datasets/datasets.h"
#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"
#include "layers/adam.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "metrics/registry.h"
#include "nlohmann/json.hpp"
#include "tests/estimator/estimator_test_util.h"

namespace estimator {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Tensor;
using ::testing::HasSubstr;

std::string FreshDir(const std::string& name) {
  return estimator_test::FreshTestDir("estimator_test_" + name);
}

datasets::Element MakeData() { return estimator_test::MakeToyData(3); }

InputFn TrainInput(int64_t epochs = -1) {
  return [epochs] { return datasets::FromTensorSlices(MakeData()).Shuffle(64, 9).Batch(8).Repeat(epochs); };
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
  c.log_step_count_steps = 0;
  c.save_summary_steps = 5;
  return c;
}

std::map<std::string, Tensor> LatestVariables(const std::string& dir) {
  CheckpointManager m(dir);
  auto latest = m.LatestValid();
  EXPECT_TRUE(latest.ok()) << latest.status();
  return latest.ok() ? latest->file.tensors : std::map<std::string, Tensor>{};
}

TEST(EstimatorTest, TrainEvaluatePredict) {
  const std::string dir = FreshDir("tep");
  Estimator est(Model, Config(dir));
  est.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 60}).ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/model.ckpt-60.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/model.ckpt-50.safetensors"));
  auto eval = est.Evaluate(EvalInput());
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_EQ(eval->global_step, 60);
  EXPECT_EQ(eval->num_examples, 64);
  EXPECT_LT(eval->loss, 0.6);
  ASSERT_TRUE(eval->metrics.count("accuracy"));
  EXPECT_GT(eval->metrics.at("accuracy"), 0.75);
  std::ifstream f(dir + "/eval/metrics.json");
  nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["global_step"], 60);
  EXPECT_NEAR(j["metrics"]["accuracy"].get<double>(), eval->metrics.at("accuracy"), 1e-12);
  // Predictions agree with the evaluated accuracy, example by example.
  int n = 0, correct = 0;
  datasets::Element data = MakeData();
  ASSERT_TRUE(est.Predict(EvalInput(),
                          [&](const std::map<std::string, Tensor>& ex) {
                            EXPECT_EQ(ex.at("logits").shape(), (graph::Shape{2}));
                            correct += ex.at("class").data<int64_t>()[0] == data["label"].data<int64_t>()[n];
                            ++n;
                            return true;
                          })
                  .ok());
  EXPECT_EQ(n, 64);
  EXPECT_NEAR(static_cast<double>(correct) / 64, eval->metrics.at("accuracy"), 1e-12);
  // Event files exist in model_dir and model_dir/eval and hold the loss.
  int event_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      ++event_files;
      auto events = ReadEventFile(e.path().string());
      ASSERT_TRUE(events.ok()) << events.status();
      EXPECT_GT(events->size(), 5u);
    }
  }
  EXPECT_EQ(event_files, 1);
}

TEST(EstimatorTest, ResumingGivesBitwiseTheSameVariables) {
  const std::string one = FreshDir("resume_one"), two = FreshDir("resume_two");
  {
    Estimator est(Model, Config(one));
    est.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 40}).ok());
  }
  {
    Estimator first(Model, Config(two));
    first.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(first.Train(TrainInput(), {.max_steps = 17}).ok());  // stops mid-epoch, between saves
  }
  {
    Estimator second(Model,
                     Config(two));  // a new process would look the same: state comes from the checkpoint
    second.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(second.Train(TrainInput(), {.max_steps = 40}).ok());
  }
  auto a = LatestVariables(one), b = LatestVariables(two);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 5u);  // weights, biases, Adam slots, global_step
  for (const auto& [name, t] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(graph::TensorsEqual(t, b.at(name))) << name;
  }
  EXPECT_EQ(a.at("global_step").data<int64_t>()[0], 40);
}

TEST(EstimatorTest, EvaluateAndPredictWithoutCheckpointAreErrors) {
  Estimator est(Model, Config(FreshDir("nockpt")));
  auto eval = est.Evaluate(EvalInput());
  EXPECT_EQ(eval.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(eval.status().message()), HasSubstr("train first"));
  EXPECT_EQ(est.Predict(EvalInput(), [](const auto&) { return true; }).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EstimatorTest, NanLossStopsWithTheStep) {
  auto bad = [](const Features& f, const Labels& l, Mode mode, const Params& p) {
    EstimatorSpec spec = Model(f, l, mode, p);
    // log(-1) = NaN from the first step on.
    spec.loss = ops::Add(f.scope(), spec.loss, ops::Log(f.scope(), ops::Const(f.scope(), -1.0f)));
    layers::Adam adam;
    spec.train_op = adam.Minimize(f.scope().NewSubScope("nan_opt"), spec.loss);
    return spec;
  };
  Estimator est(bad, Config(FreshDir("nan")));
  est.set_log_sink([](const std::string&) {});
  absl::Status st = est.Train(TrainInput(), {.max_steps = 5});
  EXPECT_THAT(std::string(st.message()), HasSubstr("the loss is nan at step 1"));
}

class RecordingHook : public Hook {
 public:
  std::vector<std::string> calls;
  absl::Status Begin(HookContext&) override { return Record("begin"); }
  absl::Status AfterCreateSession(HookContext&) override { return Record("session"); }
  absl::Status AfterRun(HookContext& ctx, absl::Span<const Tensor>, bool* stop) override {
    *stop = ctx.global_step >= 3;
    return Record("run" + std::to_string(ctx.global_step));
  }
  absl::Status End(HookContext&) override { return Record("end"); }

 private:
  absl::Status Record(std::string s) {
    calls.push_back(std::move(s));
    return absl::OkStatus();
  }
};

TEST(EstimatorTest, HooksRunInOrderAndCanStop) {
  auto hook = std::make_shared<RecordingHook>();
  Estimator est(Model, Config(FreshDir("hooks")));
  est.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 100}, {hook}).ok());
  EXPECT_THAT(hook->calls, ::testing::ElementsAre("begin", "session", "run1", "run2", "run3", "end"));
}

TEST(EstimatorTest, CorruptLatestCheckpointFallsBackToThePreviousOne) {
  const std::string dir = FreshDir("corrupt");
  std::vector<std::string> log;
  {
    Estimator est(Model, Config(dir));
    est.set_log_sink([&](const std::string& l) { log.push_back(l); });
    ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 20}).ok());
  }
  std::filesystem::resize_file(dir + "/model.ckpt-20.safetensors", 100);  // truncated
  Estimator est(Model, Config(dir));
  est.set_log_sink([&](const std::string& l) { log.push_back(l); });
  auto eval = est.Evaluate(EvalInput());
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_EQ(eval->global_step, 10);
  bool skipped = false;
  for (const auto& l : log) skipped |= l.find("skipping unreadable checkpoint") != std::string::npos;
  EXPECT_TRUE(skipped);
}

TEST(EstimatorTest, ModelCheckpointMismatchListsVariables) {
  const std::string dir = FreshDir("mismatch");
  {
    Estimator est(Model, Config(dir));
    est.set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 10}).ok());
  }
  Params wider;
  wider.Set("hidden", int64_t{16});
  Estimator est(Model, Config(dir), wider);
  auto eval = est.Evaluate(EvalInput());
  EXPECT_THAT(std::string(eval.status().message()),
              HasSubstr("dense/kernel (model f32[4,16], checkpoint f32[4,8])"));
}

TEST(EstimatorTest, InvalidSpecAndConfigAreReported) {
  auto no_train_op = [](const Features& f, const Labels& l, Mode mode, const Params& p) {
    EstimatorSpec spec = Model(f, l, Mode::kEval, p);
    (void)mode;
    return spec;
  };
  Estimator est(no_train_op, Config(FreshDir("spec")));
  EXPECT_THAT(std::string(est.Train(TrainInput(), {.max_steps = 1}).message()),
              HasSubstr("EstimatorSpec for train: train_op is required"));
  RunConfig c = Config(FreshDir("cfg"));
  c.save_checkpoints_secs = 5;
  Estimator est2(Model, c);
  EXPECT_THAT(std::string(est2.Train(TrainInput(), {.max_steps = 1}).message()),
              HasSubstr("set either save_checkpoints_steps or save_checkpoints_secs"));
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

TEST(ProfilerHookTest, WritesAChromeTraceOfOneStep) {
  const std::string dir = FreshDir("profiler");
  auto profiler = std::make_shared<ProfilerHook>(5);
  Estimator est(Model, Config(dir));
  est.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 12}, {profiler}).ok());
  ASSERT_EQ(profiler->written().size(), 2u);
  EXPECT_EQ(profiler->written()[0], dir + "/timeline-5.json");
  std::ifstream f(dir + "/timeline-10.json");
  nlohmann::json j = nlohmann::json::parse(f);
  const auto& events = j["traceEvents"];
  ASSERT_GT(events.size(), 20u);  // forward, backward and update kernels of the MLP
  bool saw_matmul = false;
  double last_ts = -1;
  for (const auto& e : events) {
    EXPECT_EQ(e["ph"], "X");
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    EXPECT_GE(e["ts"].get<double>(), last_ts);
    last_ts = e["ts"].get<double>();
    saw_matmul |= e["cat"] == "MatMul" && e["name"] == "dense/matmul";
  }
  EXPECT_TRUE(saw_matmul);
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

TEST(SummariesTest, LossLearningRateStepsPerSecondAndWeightHistogramsReachTheEventFile) {
  const std::string dir = FreshDir("summaries");
  auto model = [](const Features& f, const Labels& l, Mode mode, const Params& p) {
    EstimatorSpec spec = Model(f, l, mode, p);
    spec.scalar_summaries["learning_rate"] = ops::Const(f.scope(), 0.02f);
    return spec;
  };
  RunConfig c = Config(dir);
  c.log_step_count_steps = 5;
  Estimator est(model, c);
  est.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 10}, {std::make_shared<WeightHistogramHook>(10)}).ok());
  std::string path;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) path = e.path().string();
  }
  auto events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status();
  std::map<std::string, int> scalars;
  const HistogramValue* kernel = nullptr;
  float lr = 0;
  for (const Event& e : *events) {
    if (!e.summary) continue;
    for (const SummaryValue& v : *e.summary) {
      if (v.simple_value) ++scalars[v.tag];
      if (v.tag == "learning_rate") lr = *v.simple_value;
      if (v.tag == "dense/kernel" && v.histo) kernel = &*v.histo;
    }
  }
  EXPECT_EQ(scalars["loss"], 2);  // steps 5 and 10
  EXPECT_EQ(scalars["learning_rate"], 2);
  EXPECT_FLOAT_EQ(lr, 0.02f);
  EXPECT_GE(scalars["global_step/sec"], 1);
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->num, 4 * 8);  // the first Dense kernel is [4, 8]
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

TEST(EstimatorTest, EvaluationHooksSeeEachBatchAndCanStopEarly) {
  const std::string dir = FreshDir("eval_hooks");
  Estimator est(Model, Config(dir));
  est.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(est.Train(TrainInput(), {.max_steps = 5}).ok());
  class StopAfterTwo : public Hook {
   public:
    std::vector<std::string> calls;
    absl::Status Begin(HookContext& ctx) override {
      calls.push_back(std::string("begin ") + ModeName(ctx.mode));
      return absl::OkStatus();
    }
    absl::Status AfterRun(HookContext& ctx, absl::Span<const Tensor>, bool* stop) override {
      calls.push_back("batch " + std::to_string(ctx.batch_size));
      *stop = calls.size() == 3;
      return absl::OkStatus();
    }
    absl::Status End(HookContext&) override {
      calls.push_back("end");
      return absl::OkStatus();
    }
  };
  auto hook = std::make_shared<StopAfterTwo>();
  auto eval = est.Evaluate(EvalInput(), {.hooks = {hook}});
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_EQ(eval->num_examples, 32);  // two batches of 16
  EXPECT_THAT(hook->calls, ::testing::ElementsAre("begin eval", "batch 16", "batch 16", "end"));
}

}  // namespace
}  // namespace estimator

namespace estimator {
namespace {

TEST(EstimatorSpecTest, ValidationNamesTheField) {
  Scope s = Scope::NewRootScope();
  EstimatorSpec spec;
  EXPECT_THAT(std::string(ValidateSpec(spec, Mode::kPredict).message()),
              HasSubstr("predictions are required"));
  spec.predictions["p"] = ops::Const(s, 1.0f);
  spec.export_outputs["served"] = Output();
  EXPECT_THAT(std::string(ValidateSpec(spec, Mode::kPredict).message()),
              HasSubstr("EstimatorSpec for predict: export output 'served' is not a value"));
  EXPECT_THAT(std::string(ValidateSpec(spec, Mode::kEval).message()), HasSubstr("loss is required"));
  spec.loss = ops::Const(s, Tensor::Of<float>({1, 2}, {2}));
  EXPECT_THAT(std::string(ValidateSpec(spec, Mode::kEval).message()),
              HasSubstr("loss must be an f32 scalar, got f32[2]"));
}

}  // namespace
}  // namespace estimator
