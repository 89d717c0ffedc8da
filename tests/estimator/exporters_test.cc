// LatestExporter and BestExporter, alone and inside TrainAndEvaluate.
#include "estimator/exporters.h"

#include <cmath>
#include <filesystem>

#include "datasets/datasets.h"
#include "estimator/predictor.h"
#include "estimator/train_and_evaluate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/estimator/estimator_test_util.h"

namespace estimator {
namespace {

using graph::DType;
using ::testing::ElementsAre;
using ::testing::Pair;

RunConfig Config(const std::string& dir) { return estimator_test::QuietRunConfig(dir, 3); }

InputFn Input() {
  return [] { return datasets::FromTensorSlices(estimator_test::MakeToyData(5)).Batch(8).Repeat(); };
}

ServingInput Serving() { return ServingInput{{{"x", DType::kFloat32, graph::Shape{4}}}}; }

std::vector<int64_t> Steps(const std::string& base) {
  std::vector<int64_t> steps;
  for (const auto& [step, dir] : ListExports(base)) steps.push_back(step);
  return steps;
}

EvalResult Result(int64_t step, double loss) {
  EvalResult r;
  r.global_step = step;
  r.loss = loss;
  r.metrics["accuracy"] = 1 - loss;
  return r;
}

TEST(ExportersTest, BestExporterExportsOnlyImprovementsAndRemembersAcrossRestarts) {
  const std::string dir = estimator_test::FreshTestDir("exporters_best");
  Estimator est(estimator_test::ToyModel, Config(dir));
  est.set_log_sink([](const std::string&) {});
  const std::string base = dir + "/export/best";
  auto exporter = std::make_unique<BestExporter>("best", Serving(), "loss", MetricGoal::kMinimize,
                                                 ExportOptions{.keep = 2});
  const std::vector<std::pair<double, bool>> plan = {{0.5, true}, {0.7, false}, {0.4, true}, {0.4, false}};
  for (size_t i = 0; i < plan.size(); ++i) {
    ASSERT_TRUE(est.Train(Input(), {.steps = 2}).ok());
    auto exported = exporter->Export(est, Result(2 * (i + 1), plan[i].first), false);
    ASSERT_TRUE(exported.ok()) << exported.status();
    EXPECT_EQ(exported->has_value(), plan[i].second) << "evaluation " << i;
  }
  EXPECT_THAT(Steps(base), ElementsAre(2, 6));
  EXPECT_EQ(*exporter->best_value(), 0.4);
  // A new exporter (a restarted run) starts from the best of the exports on disk.
  exporter = std::make_unique<BestExporter>("best", Serving(), "loss", MetricGoal::kMinimize,
                                            ExportOptions{.keep = 2});
  ASSERT_TRUE(est.Train(Input(), {.steps = 2}).ok());
  EXPECT_FALSE(exporter->Export(est, Result(10, 0.45), false)->has_value());
  EXPECT_FALSE(exporter->Export(est, Result(10, std::nan("")), false)->has_value());
  EXPECT_TRUE(exporter->Export(est, Result(10, 0.3), true)->has_value());
  EXPECT_THAT(Steps(base), ElementsAre(6, 10));
  auto p = Predictor::Load(base + "/10");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT((*p)->metadata().eval_metrics, ElementsAre(Pair("accuracy", 1 - 0.3), Pair("loss", 0.3)));
  // A metric the evaluation does not have is an error naming it.
  BestExporter wrong("best2", Serving(), "auc", MetricGoal::kMaximize);
  auto st = wrong.Export(est, Result(10, 0.3), false);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(st.status().message(), ::testing::HasSubstr("auc"));
}

TEST(ExportersTest, TrainAndEvaluateRunsExportersAfterEachEvaluation) {
  const std::string dir = estimator_test::FreshTestDir("exporters_tae");
  Estimator est(estimator_test::ToyModel, Config(dir));
  est.set_log_sink([](const std::string&) {});
  TrainSpec train{.input_fn = Input(), .max_steps = 12};
  EvalSpec eval;
  eval.input_fn = [] { return datasets::FromTensorSlices(estimator_test::MakeToyData(5)).Batch(16); };
  eval.every_steps = 4;
  eval.exporters.push_back(std::make_shared<LatestExporter>("latest", Serving(), ExportOptions{.keep = 2}));
  eval.exporters.push_back(
      std::make_shared<BestExporter>("best", Serving(), "accuracy", MetricGoal::kMaximize));
  auto results = TrainAndEvaluate(est, train, eval);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_THAT(Steps(dir + "/export/latest"), ElementsAre(8, 12));
  // The best exporter exported the first evaluation and every later strict improvement.
  std::vector<int64_t> expected_best;
  double best = -1;
  for (const EvalResult& r : *results) {
    if (r.metrics.at("accuracy") > best) {
      best = r.metrics.at("accuracy");
      expected_best.push_back(r.global_step);
    }
  }
  EXPECT_EQ(Steps(dir + "/export/best"), expected_best);
  auto p = Predictor::Load(dir + "/export/latest/12");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->metadata().eval_metrics.at("loss"), results->back().loss);
  EXPECT_EQ((*p)->metadata().global_step, 12);
}

}  // namespace
}  // namespace estimator
