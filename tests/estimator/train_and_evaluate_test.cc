// TrainAndEvaluate: evaluation schedule, graphs built once, early stopping, best-checkpoint copy, resume.
#include "estimator/train_and_evaluate.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>

#include "datasets/datasets.h"
#include "estimator/atomic_file.h"
#include "gmock/gmock.h"
#include "graph/ops/nn_ops.h"
#include "gtest/gtest.h"
#include "layers/dense.h"
#include "layers/learning_rate_schedule.h"
#include "layers/losses.h"
#include "layers/sgd.h"
#include "metrics/registry.h"
#include "nlohmann/json.hpp"
#include "tests/estimator/estimator_test_util.h"

namespace estimator {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string FreshDir(const std::string& name) {
  return estimator_test::FreshTestDir("train_and_evaluate_test_" + name);
}

datasets::Element MakeData() { return estimator_test::MakeToyData(5); }

InputFn TrainInput(int64_t epochs = -1) {
  return [epochs] { return datasets::FromTensorSlices(MakeData()).Shuffle(64, 9).Batch(8).Repeat(epochs); };
}

struct Counts {
  int train_graphs = 0, eval_graphs = 0, eval_inputs = 0;
};

InputFn EvalInput(Counts* counts) {
  return [counts] {
    ++counts->eval_inputs;
    return datasets::FromTensorSlices(MakeData()).Batch(16);
  };
}

// An MLP trained by SGD at rate 0.2 up to step 20 and at rate 0 afterwards, so its evaluation loss stops
// changing after step 20. Counts the graphs built per mode.
ModelFn Model(Counts* counts) {
  return [counts](const Features& features, const Labels& labels, Mode mode, const Params&) {
    ++(mode == Mode::kTrain ? counts->train_graphs : counts->eval_graphs);
    const Scope& s = features.scope();
    Output h = layers::Dense(s, features["x"], {.units = 8, .activation = "relu"});
    Output logits = layers::Dense(s, h, {.units = 2});
    EstimatorSpec spec;
    spec.predictions["logits"] = logits;
    spec.loss = layers::SparseSoftmaxCrossEntropy(s, labels.label(), logits);
    if (mode == Mode::kTrain) {
      layers::SGD sgd(
          {.learning_rate = layers::PiecewiseConstant(s, {.boundaries = {19}, .values = {0.2f, 0}})});
      spec.train_op = sgd.Minimize(s, spec.loss);
    }
    auto accuracy = metrics::CreateMetricFromParams("accuracy", {});
    if (accuracy.ok())
      spec.eval_metrics.push_back(
          {"accuracy", std::move(*accuracy), ops::Softmax(s, logits), labels.label()});
    return spec;
  };
}

RunConfig Config(const std::string& dir) {
  RunConfig c;
  c.model_dir = dir;
  c.random_seed = 11;
  c.save_checkpoints_steps = 100;
  c.save_checkpoints_secs = 0;
  c.keep_checkpoint_max = 0;
  c.log_step_count_steps = 0;
  c.save_summary_steps = 0;
  return c;
}

std::vector<int64_t> Steps(const std::vector<EvalResult>& results) {
  std::vector<int64_t> steps;
  for (const EvalResult& r : results) steps.push_back(r.global_step);
  return steps;
}

TEST(TrainAndEvaluateTest, EvaluatesEveryNStepsAndAtTheEndWithGraphsBuiltOnce) {
  const std::string dir = FreshDir("schedule");
  Counts counts;
  Estimator est(Model(&counts), Config(dir));
  est.set_log_sink([](const std::string&) {});
  int train_inputs = 0;
  auto train_input = [&train_inputs] {
    ++train_inputs;
    return TrainInput()();
  };
  auto results = TrainAndEvaluate(est, {.input_fn = train_input, .max_steps = 25},
                                  {.input_fn = EvalInput(&counts), .every_steps = 10});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Steps(*results), ElementsAre(10, 20, 25));
  EXPECT_EQ(train_inputs, 1);  // training went on from the live iterator after each evaluation
  EXPECT_EQ(counts.train_graphs, 1);
  EXPECT_EQ(counts.eval_graphs, 1);
  EXPECT_EQ(counts.eval_inputs, 3);
  // Each result names the checkpoint of its step, and equals a plain evaluation of that checkpoint.
  Counts other_counts;
  Estimator other(Model(&other_counts), Config(dir));
  for (const EvalResult& r : *results) {
    EXPECT_EQ(r.checkpoint, dir + "/" + CheckpointManager::CheckpointFileName(r.global_step));
    EXPECT_EQ(r.num_examples, 64);
    auto plain = other.Evaluate(EvalInput(&other_counts), {.checkpoint = r.checkpoint});
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_EQ(plain->global_step, r.global_step);
    EXPECT_EQ(plain->loss, r.loss);
    EXPECT_EQ(plain->metrics, r.metrics);
  }
  EXPECT_LT(results->at(1).loss, results->at(0).loss);
  // The last evaluation's file.
  std::ifstream f(dir + "/eval/metrics.json");
  EXPECT_EQ(nlohmann::json::parse(f)["global_step"], 25);
}

TEST(TrainAndEvaluateTest, EndsWhenTheInputEnds) {
  const std::string dir = FreshDir("input_end");
  Counts counts;
  Estimator est(Model(&counts), Config(dir));
  est.set_log_sink([](const std::string&) {});
  // 2 epochs of 8 batches: the data ends at step 16.
  auto results = TrainAndEvaluate(est, {.input_fn = TrainInput(2)},
                                  {.input_fn = EvalInput(&counts), .every_steps = 10, .name = "val"});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Steps(*results), ElementsAre(10, 16));
  std::ifstream f(dir + "/eval_val/metrics.json");
  EXPECT_EQ(nlohmann::json::parse(f)["global_step"], 16);
}

TEST(TrainAndEvaluateTest, ResumesFromTheCheckpointAtTheSameEvaluationSteps) {
  const std::string dir = FreshDir("resume");
  Counts counts;
  {
    Estimator est(Model(&counts), Config(dir));
    est.set_log_sink([](const std::string&) {});
    auto results = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 16},
                                    {.input_fn = EvalInput(&counts), .every_steps = 10});
    ASSERT_TRUE(results.ok()) << results.status();
    EXPECT_THAT(Steps(*results), ElementsAre(10, 16));
  }
  Estimator est(Model(&counts), Config(dir));
  est.set_log_sink([](const std::string&) {});
  auto results = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 35},
                                  {.input_fn = EvalInput(&counts), .every_steps = 10});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Steps(*results), ElementsAre(20, 30, 35));
  // Already at max_steps: nothing to train, one evaluation of the same variables.
  auto again = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 35},
                                {.input_fn = EvalInput(&counts), .every_steps = 10});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(Steps(*again), ElementsAre(35));
  EXPECT_EQ(again->at(0).loss, results->back().loss);
}

TEST(TrainAndEvaluateTest, EarlyStoppingAndBestCheckpoint) {
  const std::string dir = FreshDir("early");
  Counts counts;
  Estimator est(Model(&counts), Config(dir));
  est.set_log_sink([](const std::string&) {});
  EvalSpec eval{.input_fn = EvalInput(&counts), .every_steps = 10};
  eval.early_stopping = {.metric = "loss", .goal = MetricGoal::kMinimize, .patience = 2};
  eval.best_checkpoint = {.metric = "loss", .goal = MetricGoal::kMinimize};
  auto results = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 100}, eval);
  ASSERT_TRUE(results.ok()) << results.status();
  // The loss improves at 10 and 20, then stays put (rate 0): two evaluations without improvement stop at 40.
  ASSERT_THAT(Steps(*results), ElementsAre(10, 20, 30, 40));
  EXPECT_LT(results->at(1).loss, results->at(0).loss);
  EXPECT_EQ(results->at(2).loss, results->at(1).loss);
  EXPECT_EQ(results->at(3).loss, results->at(1).loss);
  EXPECT_EQ(est.LiveGlobalStep().value_or(-1), 40);
  // best/ holds exactly the checkpoint of step 20 (the later equal values are not better) and best.json.
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/best"))
    files.push_back(e.path().filename());
  std::sort(files.begin(), files.end());
  EXPECT_THAT(files, ElementsAre("best.json", "model.ckpt-20.safetensors"));
  auto copy = ReadFileToString(dir + "/best/model.ckpt-20.safetensors");
  auto original = ReadFileToString(dir + "/model.ckpt-20.safetensors");
  ASSERT_TRUE(copy.ok() && original.ok());
  EXPECT_EQ(*copy, *original);
  std::ifstream f(dir + "/best/best.json");
  nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["global_step"], 20);
  EXPECT_EQ(j["value"].get<double>(), results->at(1).loss);
  EXPECT_EQ(j["metric"], "loss");
  EXPECT_EQ(j["goal"], "min");
  EXPECT_EQ(j["checkpoint"], "model.ckpt-20.safetensors");
}

TEST(TrainAndEvaluateTest, EarlyStoppingWaitsForMinSteps) {
  Counts counts;
  Estimator est(Model(&counts), Config(FreshDir("min_steps")));
  est.set_log_sink([](const std::string&) {});
  EvalSpec eval{.input_fn = EvalInput(&counts), .every_steps = 10};
  eval.early_stopping = {.metric = "loss", .patience = 1, .min_steps = 60};
  auto results = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 100}, eval);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Steps(*results), ElementsAre(10, 20, 30, 40, 50, 60));
}

TEST(TrainAndEvaluateTest, SigtermDuringAnEvaluationEndsAfterIt) {
  const std::string dir = FreshDir("signal");
  Counts counts;
  Estimator est(Model(&counts), Config(dir));
  est.set_log_sink([](const std::string&) {});
  InputFn eval_input = [&counts] {
    if (++counts.eval_inputs == 2) std::raise(SIGTERM);  // the evaluation at step 20
    return datasets::FromTensorSlices(MakeData()).Batch(16);
  };
  auto results = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 50},
                                  {.input_fn = eval_input, .every_steps = 10});
  EXPECT_EQ(results.status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(std::string(results.status().message()), HasSubstr("during the evaluation at step 20"));
  auto latest = CheckpointManager(dir).LatestValid();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->info.step, 20);
  std::ifstream f(dir + "/eval/metrics.json");
  EXPECT_EQ(nlohmann::json::parse(f)["global_step"], 20);
}

TEST(TrainAndEvaluateTest, InvalidSpecsAndUnknownMetricsAreReported) {
  Counts counts;
  Estimator est(Model(&counts), Config(FreshDir("invalid")));
  est.set_log_sink([](const std::string&) {});
  EXPECT_THAT(std::string(TrainAndEvaluate(est, {}, {.input_fn = EvalInput(&counts)}).status().message()),
              HasSubstr("TrainSpec.input_fn is required"));
  EXPECT_THAT(std::string(TrainAndEvaluate(est, {.input_fn = TrainInput()},
                                           {.input_fn = EvalInput(&counts), .every_steps = -5})
                              .status()
                              .message()),
              HasSubstr("EvalSpec.every_steps must be >= 0, got -5"));
  EvalSpec eval{.input_fn = EvalInput(&counts)};
  eval.early_stopping = {.metric = "loss", .patience = 0};
  EXPECT_THAT(std::string(TrainAndEvaluate(est, {.input_fn = TrainInput()}, eval).status().message()),
              HasSubstr("EarlyStoppingOptions.patience must be >= 1, got 0"));
  EXPECT_EQ(counts.train_graphs, 0);  // reported before any work
  eval.early_stopping = {.metric = "auc", .patience = 1};
  auto unknown = TrainAndEvaluate(est, {.input_fn = TrainInput(), .max_steps = 3}, eval);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("no metric 'auc' in the evaluation results; available: loss, accuracy"));
}

EvalResult Eval(int64_t step, double loss, double accuracy = 0) {
  EvalResult r;
  r.global_step = step;
  r.loss = loss;
  r.metrics["accuracy"] = accuracy;
  return r;
}

TEST(EarlyStoppingTest, PatienceMinDeltaAndMaximize) {
  // Minimize with min_delta 0.1: 1.0 (best) 0.95 (no: not below 0.9) 0.85 (best) 0.8 (no) 0.9 (no) 0.7
  // (best).
  EarlyStopping stop({.metric = "loss", .patience = 3, .min_delta = 0.1});
  const double losses[] = {1.0, 0.95, 0.85, 0.8, 0.9, 0.7, 0.65, 0.65, 0.65};
  const bool want[] = {false, false, false, false, false, false, false, false, true};
  const int without[] = {0, 1, 0, 1, 2, 0, 1, 2, 3};
  for (int i = 0; i < 9; ++i) {
    auto s = stop.Update(Eval(10 * (i + 1), losses[i]));
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(*s, want[i]) << i;
    EXPECT_EQ(stop.evaluations_without_improvement(), without[i]) << i;
  }
  EXPECT_EQ(stop.best_value(), 0.7);
  EXPECT_EQ(stop.best_step(), 60);
  // Maximize accuracy, patience 1: NaN never improves.
  EarlyStopping acc({.metric = "accuracy", .goal = MetricGoal::kMaximize, .patience = 1});
  EXPECT_FALSE(*acc.Update(Eval(1, 0, 0.5)));
  EXPECT_FALSE(*acc.Update(Eval(2, 0, 0.6)));
  EXPECT_TRUE(*acc.Update(Eval(3, 0, std::nan(""))));
  EXPECT_EQ(acc.best_value(), 0.6);
  EXPECT_EQ(EarlyStopping({.metric = "recall"}).Update(Eval(1, 0)).status().code(),
            absl::StatusCode::kNotFound);
}

// Writes a small valid checkpoint whose only tensor holds `value`.
std::string FakeCheckpoint(const std::string& dir, int64_t step, float value) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + CheckpointManager::CheckpointFileName(step);
  EXPECT_TRUE(WriteSafetensors(path, {{"w", Tensor::Of<float>({value}, {1})}}, {}).ok());
  return path;
}

TEST(BestCheckpointKeeperTest, KeepsTheStrictlyBestAndSurvivesRestarts) {
  const std::string dir = FreshDir("keeper");
  const std::string c1 = FakeCheckpoint(dir, 1, 1), c2 = FakeCheckpoint(dir, 2, 2),
                    c3 = FakeCheckpoint(dir, 3, 3);
  {
    BestCheckpointKeeper keeper(dir, {.metric = "accuracy", .goal = MetricGoal::kMaximize});
    ASSERT_TRUE(keeper.Load().ok());
    EXPECT_TRUE(*keeper.Update(Eval(1, 0, 0.5), c1));
    EXPECT_TRUE(*keeper.Update(Eval(2, 0, 0.75), c2));
    EXPECT_FALSE(*keeper.Update(Eval(3, 0, 0.75), c3));  // equal is not better
    EXPECT_EQ(keeper.best_path(), dir + "/best/model.ckpt-2.safetensors");
    EXPECT_FALSE(std::filesystem::exists(dir + "/best/model.ckpt-1.safetensors"));
  }
  // A new keeper (a restarted run) only replaces the copy with a better value.
  BestCheckpointKeeper keeper(dir, {.metric = "accuracy", .goal = MetricGoal::kMaximize});
  ASSERT_TRUE(keeper.Load().ok());
  EXPECT_EQ(keeper.best_step(), 2);
  EXPECT_EQ(keeper.best_value(), 0.75);
  EXPECT_FALSE(*keeper.Update(Eval(3, 0, 0.625), c3));
  // A damaged checkpoint is refused and the kept copy stays.
  std::filesystem::resize_file(c3, 20);
  EXPECT_FALSE(keeper.Update(Eval(3, 0, 0.875), c3).ok());
  auto kept = ReadSafetensors(dir + "/best/model.ckpt-2.safetensors");
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->tensors.at("w").data<float>()[0], 2.0f);
  // best.json of another metric, or garbled, is an error naming the file.
  BestCheckpointKeeper by_loss(dir, {.metric = "loss"});
  EXPECT_THAT(std::string(by_loss.Load().message()),
              HasSubstr("best/best.json: it keeps the best by accuracy"));
  ASSERT_TRUE(WriteFileAtomically(dir + "/best/best.json", "{\"metric\": 3").ok());
  EXPECT_EQ(keeper.Load().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace estimator
