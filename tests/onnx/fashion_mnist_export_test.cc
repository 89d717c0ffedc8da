// Exports of the built-in Fashion-MNIST models, trained a few steps from their shipped configs, give the
// same outputs as Estimator::Predict on the whole test set: bitwise (nothing is folded in these models).
// Their ONNX form passes ONNX's checker and, when onnxruntime is installed, reproduces the Predictor's
// outputs on the whole test set within 1e-4 (classes exactly).
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command_line.h"
#include "cli/run_setup.h"
#include "datasets/datasets.h"
#include "estimator/atomic_file.h"
#include "estimator/predictor.h"
#include "gtest/gtest.h"
#include "models/builtin_models.h"
#include "onnx/onnx_export.h"
#include "tests/onnx/onnx_runtime_util.h"

namespace cli {
namespace {

struct Outputs {
  std::vector<float> probabilities;
  std::vector<int64_t> classes;
};

// A built-in model trained three steps from its shipped config and exported (with model.onnx), with the
// Predictor's outputs on the whole test set.
struct Prepared {
  std::unique_ptr<estimator::Estimator> estimator;
  std::string export_path;
  datasets::Dataset test_data;
  Outputs predictor;
};

void Prepare(const std::string& name, Prepared* p) {
  ASSERT_TRUE(models::RegisterBuiltinModels().ok());
  // Per test: ctest runs the tests of this file in parallel processes.
  const std::string dir = ::testing::TempDir() + "/fashion_mnist_export_" +
                          ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" + name;
  std::filesystem::remove_all(dir);
  CommandLine cl;
  cl.command = "train";
  cl.config = std::string(ESTIMATOR_SOURCE_DIR) + "/configs/" + name + ".yaml";
  cl.model_dir = dir + "/model";
  cl.sets = {"run.intra_op_threads=1", "train.input.shuffle_buffer=1000"};
  absl::StatusOr<configs::Config> config = LoadCliConfig(cl);
  ASSERT_TRUE(config.ok()) << config.status();
  std::ostringstream log;
  Console console(&log, false);
  auto est = MakeEstimator(*config, &console);
  ASSERT_TRUE(est.ok()) << est.status();
  p->estimator = *std::move(est);
  auto train = TrainDataset(*config, false);
  ASSERT_TRUE(train.ok()) << train.status();
  const datasets::Dataset train_data = *train;
  ASSERT_TRUE(p->estimator->Train([train_data] { return train_data; }, {.steps = 3}).ok());

  auto test_set = configs::BuildDataset(config->eval.input);
  ASSERT_TRUE(test_set.ok()) << test_set.status();
  p->test_data = *test_set;
  const datasets::Dataset test_data = *test_set;
  auto serving = estimator::ServingInputFromInput([test_data] { return test_data; });
  ASSERT_TRUE(serving.ok()) << serving.status();
  auto path = p->estimator->Export(dir + "/export", *serving, {.onnx = true});
  ASSERT_TRUE(path.ok()) << path.status();
  p->export_path = *path;

  auto predictor = estimator::Predictor::Load(*path, {.intra_op_threads = 1});
  ASSERT_TRUE(predictor.ok()) << predictor.status();
  const std::vector<estimator::TensorSpec>& outs = (*predictor)->signature().outputs;
  ASSERT_EQ(outs.size(), 2u);
  ASSERT_EQ(outs[0].name, "class");
  ASSERT_EQ(outs[1].name, "probabilities");
  auto it = p->test_data.MakeIterator();
  ASSERT_TRUE(it.ok());
  datasets::Element batch;
  bool end = false;
  std::vector<graph::Tensor> out;
  while (it->GetNext(&batch, &end).ok() && !end) {
    ASSERT_TRUE((*predictor)->Run({*batch.Find("image")}, &out).ok());
    p->predictor.classes.insert(p->predictor.classes.end(), out[0].data<int64_t>(),
                                out[0].data<int64_t>() + out[0].dim(0));
    p->predictor.probabilities.insert(p->predictor.probabilities.end(), out[1].data<float>(),
                                      out[1].data<float>() + out[1].num_elements());
  }
  ASSERT_EQ(p->predictor.classes.size(), 10000u);
}

class FashionMnistExportTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FashionMnistExportTest, PredictorEqualsEstimatorPredictOnTestSet) {
  Prepared p;
  ASSERT_NO_FATAL_FAILURE(Prepare(GetParam(), &p));
  Outputs expected;
  const datasets::Dataset test_data = p.test_data;
  absl::Status st =
      p.estimator->Predict([test_data] { return test_data; },
                           [&expected](const std::map<std::string, graph::Tensor>& ex) {
                             const graph::Tensor& prob = ex.at("probabilities");
                             expected.probabilities.insert(expected.probabilities.end(), prob.data<float>(),
                                                           prob.data<float>() + 10);
                             expected.classes.push_back(ex.at("class").data<int64_t>()[0]);
                             return true;
                           });
  ASSERT_TRUE(st.ok()) << st;
  ASSERT_EQ(expected.classes.size(), 10000u);
  EXPECT_EQ(p.predictor.classes, expected.classes);
  ASSERT_EQ(p.predictor.probabilities.size(), expected.probabilities.size());
  size_t differing = 0;
  for (size_t i = 0; i < expected.probabilities.size(); ++i) {
    differing += p.predictor.probabilities[i] != expected.probabilities[i];
  }
  EXPECT_EQ(differing, 0u) << "of " << expected.probabilities.size() << " probabilities";
  // The ONNX model written next to it passes ONNX's checker.
  auto onnx_model = estimator::ReadFileToString(p.export_path + "/model.onnx");
  ASSERT_TRUE(onnx_model.ok()) << onnx_model.status();
  EXPECT_TRUE(onnx_export::CheckOnnxModel(*onnx_model).ok());
}

TEST_P(FashionMnistExportTest, OnnxRuntimeMatchesPredictorOnTestSet) {
  if (const std::string missing = onnx_test::OnnxRuntimeMissing(); !missing.empty()) GTEST_SKIP() << missing;
  const std::string name = GetParam();
  Prepared p;
  ASSERT_NO_FATAL_FAILURE(Prepare(name, &p));
  auto onnx_model = estimator::ReadFileToString(p.export_path + "/model.onnx");
  ASSERT_TRUE(onnx_model.ok()) << onnx_model.status();
  graph::Tensor images(graph::DType::kFloat32, {10000, 28, 28, 1});
  graph::Tensor classes(graph::DType::kInt64, {10000});
  graph::Tensor probabilities(graph::DType::kFloat32, {10000, 10});
  size_t offset = 0;
  auto it = p.test_data.MakeIterator();
  ASSERT_TRUE(it.ok());
  datasets::Element batch;
  bool end = false;
  while (it->GetNext(&batch, &end).ok() && !end) {
    const graph::Tensor& x = *batch.Find("image");
    ASSERT_LE(offset + x.nbytes(), images.nbytes());
    std::memcpy(static_cast<char*>(images.raw_data()) + offset, x.raw_data(), x.nbytes());
    offset += x.nbytes();
  }
  ASSERT_EQ(offset, images.nbytes());
  std::memcpy(classes.raw_data(), p.predictor.classes.data(), classes.nbytes());
  std::memcpy(probabilities.raw_data(), p.predictor.probabilities.data(), probabilities.nbytes());
  const std::filesystem::path case_dir = onnx_test::WriteCase(
      name, *onnx_model, {{"image", images}}, {{"class", classes}, {"probabilities", probabilities}});
  onnx_test::ScriptResult r = onnx_test::RunCompareScript(onnx_test::Quote(case_dir / "model.onnx") + " " +
                                                          onnx_test::Quote(case_dir) + " 1e-4");
  EXPECT_EQ(r.exit_code, 0) << r.report;
  EXPECT_EQ(r.diffs["class"], 0.0) << r.report;
  EXPECT_LE(r.diffs["probabilities"], 1e-4) << r.report;
  std::cout << "[" << name << "] onnxruntime vs Predictor on 10000 test images: probabilities max-abs-diff "
            << r.diffs["probabilities"] << ", class max-abs-diff " << r.diffs["class"] << "\n";
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(case_dir);
}

INSTANTIATE_TEST_SUITE_P(BuiltinModels, FashionMnistExportTest,
                         ::testing::Values("fashion_mnist_mlp", "fashion_mnist_cnn"));

}  // namespace
}  // namespace cli
