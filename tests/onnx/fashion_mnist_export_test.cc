// Exports of the built-in Fashion-MNIST models, trained a few steps from their shipped configs, give the
// same outputs as Estimator::Predict on the whole test set: bitwise (nothing is folded in these models).
// Their ONNX form passes ONNX's checker and, when onnxruntime-node is installed, reproduces the Predictor's
// outputs on the whole test set within 1e-4 (classes exactly).
#include <cstring>
#include <filesystem>
#include <iostream>
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

class FashionMnistExportTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FashionMnistExportTest, PredictorEqualsEstimatorPredictOnTestSet) {
  const std::string name = GetParam();
  ASSERT_TRUE(models::RegisterBuiltinModels().ok());
  const std::string dir = ::testing::TempDir() + "/fashion_mnist_export_" + name;
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
  auto train = TrainDataset(*config, false);
  ASSERT_TRUE(train.ok()) << train.status();
  const datasets::Dataset train_data = *train;
  ASSERT_TRUE((*est)->Train([train_data] { return train_data; }, {.steps = 3}).ok());

  auto test_set = configs::BuildDataset(config->eval.input);
  ASSERT_TRUE(test_set.ok()) << test_set.status();
  const datasets::Dataset test_data = *test_set;
  estimator::InputFn input = [test_data] { return test_data; };
  auto serving = estimator::ServingInputFromInput(input);
  ASSERT_TRUE(serving.ok()) << serving.status();
  auto path = (*est)->Export(dir + "/export", *serving, {.onnx = true});
  ASSERT_TRUE(path.ok()) << path.status();

  Outputs expected;
  absl::Status st = (*est)->Predict(input, [&expected](const std::map<std::string, graph::Tensor>& ex) {
    const graph::Tensor& p = ex.at("probabilities");
    expected.probabilities.insert(expected.probabilities.end(), p.data<float>(), p.data<float>() + 10);
    expected.classes.push_back(ex.at("class").data<int64_t>()[0]);
    return true;
  });
  ASSERT_TRUE(st.ok()) << st;
  ASSERT_EQ(expected.classes.size(), 10000u);

  auto predictor = estimator::Predictor::Load(*path, {.intra_op_threads = 1});
  ASSERT_TRUE(predictor.ok()) << predictor.status();
  EXPECT_TRUE((*predictor)->metadata().rewrites.empty() ||
              (*predictor)->metadata().rewrites[0].find("BatchNorm") == std::string::npos);
  Outputs got;
  auto it = test_data.MakeIterator();
  ASSERT_TRUE(it.ok());
  datasets::Element batch;
  bool end = false;
  std::vector<graph::Tensor> out;
  const std::vector<estimator::TensorSpec>& outs = (*predictor)->signature().outputs;
  ASSERT_EQ(outs.size(), 2u);
  ASSERT_EQ(outs[0].name, "class");
  ASSERT_EQ(outs[1].name, "probabilities");
  while (it->GetNext(&batch, &end).ok() && !end) {
    ASSERT_TRUE((*predictor)->Run({*batch.Find("image")}, &out).ok());
    got.classes.insert(got.classes.end(), out[0].data<int64_t>(), out[0].data<int64_t>() + out[0].dim(0));
    got.probabilities.insert(got.probabilities.end(), out[1].data<float>(),
                             out[1].data<float>() + out[1].num_elements());
  }
  EXPECT_EQ(got.classes, expected.classes);
  ASSERT_EQ(got.probabilities.size(), expected.probabilities.size());
  size_t differing = 0;
  for (size_t i = 0; i < got.probabilities.size(); ++i)
    differing += got.probabilities[i] != expected.probabilities[i];
  EXPECT_EQ(differing, 0u) << "of " << got.probabilities.size() << " probabilities";

  // The ONNX model next to it: checked, then run by onnxruntime on the whole test set.
  auto onnx_model = estimator::ReadFileToString(*path + "/model.onnx");
  ASSERT_TRUE(onnx_model.ok()) << onnx_model.status();
  EXPECT_TRUE(onnx_export::CheckOnnxModel(*onnx_model).ok());
  if (!onnx_test::OnnxRuntimeAvailable()) GTEST_SKIP() << onnx_test::kHowToInstall;
  graph::Tensor images(graph::DType::kFloat32, {10000, 28, 28, 1});
  graph::Tensor classes(graph::DType::kInt64, {10000});
  graph::Tensor probabilities(graph::DType::kFloat32, {10000, 10});
  size_t offset = 0;
  it = test_data.MakeIterator();
  ASSERT_TRUE(it.ok());
  while (it->GetNext(&batch, &end).ok() && !end) {
    const graph::Tensor& x = *batch.Find("image");
    std::memcpy(static_cast<char*>(images.raw_data()) + offset, x.raw_data(), x.nbytes());
    offset += x.nbytes();
  }
  ASSERT_EQ(offset, images.nbytes());
  std::memcpy(classes.raw_data(), got.classes.data(), classes.nbytes());
  std::memcpy(probabilities.raw_data(), got.probabilities.data(), probabilities.nbytes());
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
