// The event files the toolkit writes, read back by TensorBoard's own reader (PyPI's tensorboard, through
// tools/tensorboard/read_events.py and the python of tests/verify_python.h): a short training run and its
// evaluations show TensorBoard the tags, steps and values the training loop saw, and a file written with
// known values reads back exactly, while a flipped byte is refused. Skipped, with the reason, without
// tensorboard.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "datasets/datasets.h"
#include "estimator/estimator.h"
#include "estimator/hooks.h"
#include "estimator/summary_writer.h"
#include "gmock/gmock.h"
#include "graph/ops/state_ops.h"
#include "gtest/gtest.h"
#include "layers/variables.h"
#include "nlohmann/json.hpp"
#include "tests/estimator/estimator_test_util.h"
#include "tests/verify_python.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAreArray;

// Runs the reader on `dirs`; its exit code and report.
verify_python::CommandResult ReadEvents(const std::vector<std::string>& dirs) {
  std::string args;
  for (const std::string& d : dirs) args += verify_python::Quote(d) + " ";
  return verify_python::RunScript("tensorboard/read_events.py", args);
}

// What TensorBoard saw in each directory (the reader's JSON), or a failure with its report.
nlohmann::json ReadEventsOrFail(const std::vector<std::string>& dirs) {
  verify_python::CommandResult r = ReadEvents(dirs);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return nullptr;
  // stdout holds the JSON; anything TensorBoard logs on stderr comes first or last, outside the braces.
  const size_t begin = r.output.find('{'), end = r.output.rfind('}');
  EXPECT_TRUE(begin != std::string::npos && end != std::string::npos) << r.output;
  if (begin == std::string::npos || end == std::string::npos) return nullptr;
  nlohmann::json seen = nlohmann::json::parse(r.output.substr(begin, end - begin + 1), nullptr, false);
  EXPECT_FALSE(seen.is_discarded()) << r.output;
  return seen.is_discarded() ? nullptr : seen;
}

std::set<std::string> Keys(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// The (step, value) pairs of a scalar tag.
std::vector<std::pair<int64_t, double>> Points(const nlohmann::json& run, const std::string& tag) {
  std::vector<std::pair<int64_t, double>> points;
  for (const auto& p : run["scalars"][tag]) points.emplace_back(p[0].get<int64_t>(), p[1].get<double>());
  return points;
}

// Expects the reader's histogram `seen` to be `expected` field by field, exactly.
void ExpectHistogram(const nlohmann::json& seen, const HistogramValue& expected, const std::string& what) {
  EXPECT_EQ(seen["min"].get<double>(), expected.min) << what;
  EXPECT_EQ(seen["max"].get<double>(), expected.max) << what;
  EXPECT_EQ(seen["num"].get<double>(), expected.num) << what;
  EXPECT_EQ(seen["sum"].get<double>(), expected.sum) << what;
  EXPECT_EQ(seen["sum_squares"].get<double>(), expected.sum_squares) << what;
  EXPECT_EQ(seen["bucket_limit"].get<std::vector<double>>(), expected.bucket_limit) << what;
  EXPECT_EQ(seen["bucket"].get<std::vector<double>>(), expected.bucket) << what;
}

// Records, independently of the summary hooks, what they write: the loss of every step and, every
// `every_n_steps`, the histogram of each trainable variable.
class RecordingHook : public Hook {
 public:
  explicit RecordingHook(int64_t every_n_steps) : every_(every_n_steps) {}
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool*) override {
    losses[ctx.global_step] = ctx.loss;
    if (ctx.global_step % every_ != 0) return absl::OkStatus();
    for (const graph::Output& v : ctx.graph->Collection(layers::kTrainableVariables)) {
      auto value = ctx.session->ReadVariable(v.node->name());
      if (!value.ok()) return value.status();
      auto histogram = MakeHistogram(*value);
      if (!histogram.ok()) return histogram.status();
      histograms[v.node->name()][ctx.global_step] = *std::move(histogram);
    }
    return absl::OkStatus();
  }

  std::map<int64_t, float> losses;
  std::map<std::string, std::map<int64_t, HistogramValue>> histograms;  // by variable, then step

 private:
  int64_t every_;
};

// The toy model of estimator_test_util trained 20 steps in two Train calls, with loss and learning-rate
// summaries every 5 steps, step-rate summaries every 5 steps, weight histograms every 10 and an evaluation
// after each call: TensorBoard reads model_dir and model_dir/eval with every tag, step and value.
TEST(TensorBoardReaderTest, ReadsTrainingAndEvaluationSummaries) {
  if (const std::string missing = verify_python::MissingReason({"tensorboard"}); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  const std::string dir = estimator_test::FreshTestDir("tensorboard_reader_training");
  RunConfig config = estimator_test::QuietRunConfig(dir, 17);
  config.save_summary_steps = 5;
  config.log_step_count_steps = 5;
  auto model = [](const Features& f, const Labels& l, Mode mode, const Params& p) {
    EstimatorSpec spec = estimator_test::ToyModel(f, l, mode, p);
    spec.scalar_summaries["learning_rate"] = graph::ops::Const(f.scope(), 0.02f);
    return spec;
  };
  Estimator est(model, config);
  // The step-rate lines: "step N: loss = L, S steps/s, E examples/s", as the step-rate summaries were
  // written.
  std::vector<int64_t> rate_steps;
  std::map<int64_t, std::pair<double, double>> rates;
  est.set_log_sink([&](const std::string& line) {
    long long step = 0;
    double loss = 0, steps_per_sec = 0, examples_per_sec = 0;
    if (std::sscanf(line.c_str(), "step %lld: loss = %lf, %lf steps/s, %lf examples/s", &step, &loss,
                    &steps_per_sec, &examples_per_sec) == 4) {
      rate_steps.push_back(step);
      rates[step] = {steps_per_sec, examples_per_sec};
    }
  });
  const datasets::Element data = estimator_test::MakeToyData(3);
  auto train_input = [&data] { return datasets::FromTensorSlices(data).Shuffle(64, 9).Batch(8).Repeat(-1); };
  auto eval_input = [&data] { return datasets::FromTensorSlices(data).Batch(16); };
  auto recorder = std::make_shared<RecordingHook>(10);
  std::vector<EvalResult> evals;
  for (int64_t max_steps : {10, 20}) {
    ASSERT_TRUE(est.Train(train_input, {.max_steps = max_steps},
                          {recorder, std::make_shared<WeightHistogramHook>(10)})
                    .ok());
    auto eval = est.Evaluate(eval_input);
    ASSERT_TRUE(eval.ok()) << eval.status();
    evals.push_back(*std::move(eval));
  }
  ASSERT_EQ(recorder->losses.size(), 20u);
  ASSERT_FALSE(rate_steps.empty());

  const std::string eval_dir = dir + "/eval";
  const nlohmann::json seen = ReadEventsOrFail({dir, eval_dir});
  ASSERT_TRUE(seen.is_object());
  for (const std::string& d : {dir, eval_dir}) {
    ASSERT_TRUE(seen.contains(d)) << seen.dump();
    EXPECT_EQ(seen[d]["file_version"], 2.0) << d;
    ASSERT_FALSE(seen[d]["files"].empty()) << d;
    for (const auto& file : seen[d]["files"]) {
      EXPECT_EQ(file["file_version"], "brain.Event:2") << d << "/" << file["name"];
      EXPECT_GE(file["records"].get<int>(), 2) << d << "/" << file["name"];
    }
  }

  const nlohmann::json& train = seen[dir];
  EXPECT_THAT(Keys(train["scalars"]),
              UnorderedElementsAreArray({"loss", "learning_rate", "global_step/sec", "examples/sec"}));
  std::vector<std::pair<int64_t, double>> losses, learning_rates;
  for (int64_t step : {5, 10, 15, 20}) {
    losses.emplace_back(step, recorder->losses.at(step));
    learning_rates.emplace_back(step, 0.02f);
  }
  EXPECT_EQ(Points(train, "loss"), losses);
  EXPECT_EQ(Points(train, "learning_rate"), learning_rates);
  // Step rates are measured, so their values are known only as the log lines print them (%.1f and %.0f).
  for (const std::string tag : {"global_step/sec", "examples/sec"}) {
    const std::vector<std::pair<int64_t, double>> points = Points(train, tag);
    std::vector<int64_t> steps;
    for (const auto& [step, value] : points) {
      steps.push_back(step);
      const double logged = tag == "global_step/sec" ? rates[step].first : rates[step].second;
      const double printed = tag == "global_step/sec" ? 0.05 : 0.5;
      EXPECT_NEAR(value, logged, printed + 1e-6 * logged) << tag << " at step " << step;
    }
    EXPECT_EQ(steps, rate_steps) << tag;
  }
  std::set<std::string> variables;
  for (const auto& [tag, by_step] : recorder->histograms) variables.insert(tag);
  EXPECT_EQ(variables.size(), 4u);  // two Dense layers' kernels and biases
  ASSERT_EQ(Keys(train["histograms"]), variables);
  for (const auto& [tag, by_step] : recorder->histograms) {
    const nlohmann::json& histograms = train["histograms"][tag];
    ASSERT_EQ(histograms.size(), 2u) << tag;
    EXPECT_EQ(histograms[0]["step"], 10) << tag;
    EXPECT_EQ(histograms[1]["step"], 20) << tag;
    for (const auto& h : histograms) {
      const int64_t step = h["step"].get<int64_t>();
      ExpectHistogram(h, by_step.at(step), tag + " at step " + std::to_string(step));
    }
  }

  const nlohmann::json& eval = seen[eval_dir];
  EXPECT_THAT(Keys(eval["scalars"]), UnorderedElementsAreArray({"loss", "accuracy"}));
  EXPECT_TRUE(eval["histograms"].empty());
  ASSERT_EQ(evals.size(), 2u);
  EXPECT_THAT(Points(eval, "loss"), ElementsAre(Pair(10, static_cast<float>(evals[0].loss)),
                                                Pair(20, static_cast<float>(evals[1].loss))));
  EXPECT_THAT(Points(eval, "accuracy"),
              ElementsAre(Pair(10, static_cast<float>(evals[0].metrics.at("accuracy"))),
                          Pair(20, static_cast<float>(evals[1].metrics.at("accuracy")))));
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

// A file written with known values through SummaryWriter: TensorBoard reads every scalar (stored as float)
// and the histogram exactly, at their steps, also one beyond 32 bits; with one byte of the file flipped the
// reader stops with TensorBoard's CRC error naming the file.
TEST(TensorBoardReaderTest, ReadsKnownValuesAndRefusesAFlippedByte) {
  if (const std::string missing = verify_python::MissingReason({"tensorboard"}); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  const std::string dir = estimator_test::FreshTestDir("tensorboard_reader_known");
  const graph::Tensor weights = graph::Tensor::Of<float>({1.0f, 1.0f, -3.0f, 0.5f}, {2, 2});
  std::string path;
  {
    auto writer = SummaryWriter::Create(dir);
    ASSERT_TRUE(writer.ok()) << writer.status();
    path = (*writer)->path();
    ASSERT_TRUE((*writer)->AddScalar("a", 0, 0.25).ok());
    ASSERT_TRUE((*writer)->AddScalar("a", 1, -3.5).ok());
    ASSERT_TRUE((*writer)->AddScalar("a", int64_t{1} << 40, 1e30).ok());
    ASSERT_TRUE((*writer)->AddScalars(2, {{"b/third", 1.0 / 3}, {"b/big", 16777217}}).ok());
    ASSERT_TRUE((*writer)->AddHistogram("w", 3, weights).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  const nlohmann::json seen = ReadEventsOrFail({dir});
  ASSERT_TRUE(seen.is_object());
  const nlohmann::json& run = seen[dir];
  ASSERT_EQ(run["files"].size(), 1u) << run.dump();
  EXPECT_EQ(run["files"][0]["name"], fs::path(path).filename().string());
  EXPECT_EQ(run["files"][0]["records"], 6);  // file_version, then one record per Add* call
  EXPECT_EQ(run["files"][0]["file_version"], "brain.Event:2");
  EXPECT_THAT(Keys(run["scalars"]), UnorderedElementsAreArray({"a", "b/third", "b/big"}));
  EXPECT_THAT(Points(run, "a"), ElementsAre(Pair(0, 0.25), Pair(1, -3.5), Pair(int64_t{1} << 40, 1e30f)));
  EXPECT_THAT(Points(run, "b/third"), ElementsAre(Pair(2, static_cast<float>(1.0 / 3))));
  EXPECT_THAT(Points(run, "b/big"), ElementsAre(Pair(2, 16777216.0)));  // 2^24 + 1 rounds to the float 2^24
  ASSERT_EQ(run["histograms"]["w"].size(), 1u) << run.dump();
  EXPECT_EQ(run["histograms"]["w"][0]["step"], 3);
  auto expected = MakeHistogram(weights);
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(expected->num, 4);
  EXPECT_EQ(expected->sum, -0.5);
  ExpectHistogram(run["histograms"]["w"][0], *expected, "w");

  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 40u);
  bytes[bytes.size() - 10] ^= 0x01;  // inside the last record's data (the histogram's bucket counts)
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  verify_python::CommandResult corrupt = ReadEvents({dir});
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.output;
  EXPECT_THAT(corrupt.output, HasSubstr(path + ": record 5: "));
  EXPECT_THAT(corrupt.output, HasSubstr("failed event crc32 check"));
  EXPECT_EQ(ReadEvents({dir + "/missing"}).exit_code, 2);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace estimator
