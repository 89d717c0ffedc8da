// Estimator::Export and Predictor: exports equal in-process predictions; the export directory is written
// atomically, pruned to `keep`, and every damaged or mismatched part is reported by name.
#include "estimator/export.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "datasets/datasets.h"
#include "estimator/atomic_file.h"
#include "estimator/crc32c.h"
#include "estimator/estimator.h"
#include "estimator/predictor.h"
#include "gmock/gmock.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/session.h"
#include "gtest/gtest.h"
#include "layers/adam.h"
#include "layers/batch_normalization.h"
#include "layers/conv.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "layers/pooling.h"
#include "nlohmann/json.hpp"
#include "tests/estimator/estimator_test_util.h"
#include "tests/graph/alloc_counter.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;
namespace ops = graph::ops;
using graph::DType;
using graph::Tensor;
using ::testing::HasSubstr;

std::string FreshDir(const std::string& name) { return estimator_test::FreshTestDir("export_test_" + name); }

RunConfig Config(const std::string& dir) { return estimator_test::QuietRunConfig(dir, 7); }

InputFn ToyInput(int64_t batch = 8) {
  return [batch] { return datasets::FromTensorSlices(estimator_test::MakeToyData(3)).Batch(batch); };
}

InputFn TrainInput() {
  return [] { return datasets::FromTensorSlices(estimator_test::MakeToyData(3)).Batch(8).Repeat(); };
}

ServingInput ToyServing() { return ServingInput{{{"x", DType::kFloat32, graph::Shape{4}}}}; }

// Dense → BatchNormalization → relu → Dense, so an export folds the normalization into the first layer.
EstimatorSpec BatchNormModel(const Features& features, const Labels& labels, Mode mode, const Params&) {
  const graph::Scope& s = features.scope();
  const bool training = mode == Mode::kTrain;
  Output h = layers::Dense(s, features["x"], {.units = 8});
  h = layers::BatchNormalization(s, h, training, {.momentum = 0.5f});
  h = layers::Activation(s, h, "relu");
  h = layers::Dropout(s, h, training, {.rate = 0.2f});
  Output logits = layers::Dense(s, h, {.units = 2});
  EstimatorSpec spec;
  spec.predictions["logits"] = logits;
  spec.predictions["class"] = ops::ArgMax(s, logits, 1);
  if (mode == Mode::kPredict) return spec;
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, labels.label(), logits);
  if (training) spec.train_op = layers::Adam({.learning_rate = 0.05f}).Minimize(s, spec.loss);
  return spec;
}

// 32 images 6x6x2 with labels, for the convolutional model.
datasets::Element MakeImages() {
  std::mt19937 rng(11);
  std::normal_distribution<float> n(0, 1);
  Tensor x(DType::kFloat32, {32, 6, 6, 2});
  Tensor y(DType::kInt64, {32});
  for (int i = 0; i < 32; ++i) {
    float sum = 0;
    for (int j = 0; j < 72; ++j) sum += (x.data<float>()[i * 72 + j] = n(rng));
    y.data<int64_t>()[i] = sum > 0 ? 1 : 0;
  }
  datasets::Element e;
  e.Set("image", x);
  e.Set("label", y);
  return e;
}

// Conv2D (no bias) → BatchNormalization → relu → MaxPool2D → Flatten → Dense.
EstimatorSpec ConvBatchNormModel(const Features& features, const Labels& labels, Mode mode, const Params&) {
  const graph::Scope& s = features.scope();
  const bool training = mode == Mode::kTrain;
  Output h = layers::Conv2D(
      s, features["image"],
      {.filters = 4, .kernel_size = {3, 3}, .padding = ops::Padding::kSame, .use_bias = false});
  h = layers::BatchNormalization(s, h, training, {.momentum = 0.5f});
  h = layers::Activation(s, h, "relu");
  h = layers::MaxPool2D(s, h);
  Output logits = layers::Dense(s, layers::Flatten(s, h), {.units = 2});
  EstimatorSpec spec;
  spec.predictions["probabilities"] = ops::Softmax(s, logits);
  if (mode == Mode::kPredict) return spec;
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, labels.label(), logits);
  if (training) spec.train_op = layers::Adam({.learning_rate = 0.05f}).Minimize(s, spec.loss);
  return spec;
}

// Every prediction of Estimator::Predict, by name, concatenated over examples.
std::map<std::string, std::vector<double>> PredictAll(Estimator& est, const InputFn& input) {
  std::map<std::string, std::vector<double>> out;
  absl::Status st = est.Predict(input, [&out](const std::map<std::string, Tensor>& example) {
    for (const auto& [name, t] : example) {
      for (int64_t i = 0; i < t.num_elements(); ++i) {
        out[name].push_back(t.dtype() == DType::kFloat32 ? t.data<float>()[i]
                                                         : static_cast<double>(t.data<int64_t>()[i]));
      }
    }
    return true;
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

// The same through a Predictor, batch by batch.
std::map<std::string, std::vector<double>> PredictorAll(Predictor& p, const InputFn& input) {
  std::map<std::string, std::vector<double>> out;
  auto it = input().MakeIterator();
  EXPECT_TRUE(it.ok());
  datasets::Element batch;
  bool end = false;
  while (it->GetNext(&batch, &end).ok() && !end) {
    std::map<std::string, Tensor> feed;
    for (const TensorSpec& spec : p.signature().inputs) feed[spec.name] = *batch.Find(spec.name);
    auto result = p.Predict(feed);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) break;
    for (const auto& [name, t] : *result) {
      for (int64_t i = 0; i < t.num_elements(); ++i) {
        out[name].push_back(t.dtype() == DType::kFloat32 ? t.data<float>()[i]
                                                         : static_cast<double>(t.data<int64_t>()[i]));
      }
    }
  }
  return out;
}

bool HasRewrite(const Predictor& p, const std::string& text) {
  for (const std::string& r : p.metadata().rewrites) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

class ToyExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    est_ = std::make_unique<Estimator>(estimator_test::ToyModel, Config(dir_ + "/model"));
    est_->set_log_sink([](const std::string&) {});
    ASSERT_TRUE(est_->Train(TrainInput(), {.steps = 6}).ok());
  }
  std::string Export(ExportOptions options = {}) {
    auto path = est_->Export(dir_ + "/export", ToyServing(), options);
    EXPECT_TRUE(path.ok()) << path.status();
    return path.ok() ? *path : "";
  }
  std::string dir_;
  std::unique_ptr<Estimator> est_;
};

TEST_F(ToyExportTest, PredictorEqualsEstimatorPredictBitwise) {
  const std::string path = Export();
  EXPECT_EQ(path, dir_ + "/export/6");
  for (const char* f : {kExportMetadataFile, kExportSignatureFile, kExportGraphFile, kExportWeightsFile}) {
    EXPECT_TRUE(fs::exists(path + "/" + f)) << f;
  }
  auto p = Predictor::Load(path, {.intra_op_threads = 1});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->metadata().global_step, 6);
  ASSERT_EQ((*p)->signature().inputs.size(), 1u);
  EXPECT_EQ((*p)->signature().inputs[0].name, "x");
  EXPECT_EQ((*p)->signature().inputs[0].shape, graph::Shape({-1, 4}));
  ASSERT_EQ((*p)->signature().outputs.size(), 2u);
  EXPECT_EQ((*p)->signature().outputs[0].name, "class");
  EXPECT_EQ((*p)->signature().outputs[1].name, "logits");
  EXPECT_EQ((*p)->signature().outputs[1].shape, graph::Shape({-1, 2}));
  // The model's dropout is not built in PREDICT mode, so the inference pass had nothing to rewrite.
  EXPECT_TRUE((*p)->metadata().rewrites.empty());

  auto expected = PredictAll(*est_, ToyInput(5));
  auto got = PredictorAll(**p, ToyInput(5));
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected["logits"].size(), 128u);
  EXPECT_EQ(got["logits"], expected["logits"]);  // bitwise: nothing folded
  EXPECT_EQ(got["class"], expected["class"]);
}

TEST_F(ToyExportTest, RunReusesOutputsAndClonesRunConcurrently) {
  auto p = Predictor::Load(Export(), {.intra_op_threads = 1});
  ASSERT_TRUE(p.ok()) << p.status();
  const datasets::Element data = estimator_test::MakeToyData(3);
  std::vector<Tensor> reference;
  ASSERT_TRUE((*p)->Run({data.tensor(data.IndexOf("x"))}, &reference).ok());
  ASSERT_EQ(reference.size(), 2u);
  EXPECT_EQ(reference[1].shape(), graph::Shape({64, 2}));
  std::vector<Tensor> again;
  ASSERT_TRUE((*p)->Run({data.tensor(data.IndexOf("x"))}, &again).ok());
  const void* storage = again[1].raw_data();
  ASSERT_TRUE((*p)->Run({data.tensor(data.IndexOf("x"))}, &again).ok());
  EXPECT_EQ(again[1].raw_data(), storage);  // written in place
  std::vector<std::vector<Tensor>> results(3);
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<Predictor>> clones;
  for (int t = 0; t < 3; ++t) clones.push_back((*p)->Clone());
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(clones[t]->Run({data.tensor(data.IndexOf("x"))}, &results[t]).ok());
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.size(), 2u);
    for (int64_t i = 0; i < 128; ++i) EXPECT_EQ(r[1].data<float>()[i], reference[1].data<float>()[i]);
  }
}

TEST_F(ToyExportTest, RunAllocatesNothingBeyondTheSessionItRuns) {
  const std::string path = Export();
  auto p = Predictor::Load(path, {.intra_op_threads = 1});
  ASSERT_TRUE(p.ok()) << p.status();
  auto loaded = ReadExport(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  graph::Session bare(*loaded->graph, graph::SessionOptions{.intra_op_threads = 1});
  const datasets::Element data = estimator_test::MakeToyData(3);
  const Tensor x = data.tensor(data.IndexOf("x"));
  std::vector<Tensor> out, bare_out;
  std::vector<graph::Feed> feeds = {{loaded->inputs[0], x}};
  for (int i = 0; i < 2; ++i) {  // compile, then settle the reused outputs
    ASSERT_TRUE((*p)->Run({x}, &out).ok());
    ASSERT_TRUE(bare.Run(feeds, loaded->outputs, &bare_out).ok());
  }
  const std::vector<Tensor> inputs = {x};
  const int64_t predictor =
      testing_util::CountAllocations([&] { ASSERT_TRUE((*p)->Run(inputs, &out).ok()); });
  const int64_t session =
      testing_util::CountAllocations([&] { ASSERT_TRUE(bare.Run(feeds, loaded->outputs, &bare_out).ok()); });
  // Whatever oneDNN's execute allocates internally, the Predictor adds nothing to it.
  EXPECT_EQ(predictor, session);
}

TEST_F(ToyExportTest, WrongInputsNameTheSignatureField) {
  auto p = Predictor::Load(Export(), {.intra_op_threads = 1});
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<Tensor> out;
  absl::Status st = (*p)->Run({Tensor(DType::kInt32, {2, 4})}, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("input 'x': expected f32[?,4], got i32[2,4]"));
  st = (*p)->Run({Tensor(DType::kFloat32, {2, 5})}, &out);
  EXPECT_THAT(st.message(), HasSubstr("input 'x': expected f32[?,4], got f32[2,5]"));
  st = (*p)->Run({Tensor(DType::kFloat32, {0, 4})}, &out);
  EXPECT_THAT(st.message(), HasSubstr("input 'x': the batch is empty"));
  st = (*p)->Run({}, &out);
  EXPECT_THAT(st.message(), HasSubstr("takes 1 inputs (x), got 0"));
  auto by_name = (*p)->Predict({{"y", Tensor(DType::kFloat32, {2, 4})}});
  EXPECT_THAT(by_name.status().message(), HasSubstr("input 'x' is missing"));
  by_name = (*p)->Predict({{"x", Tensor(DType::kFloat32, {2, 4})}, {"z", Tensor(DType::kFloat32, {1})}});
  EXPECT_THAT(by_name.status().message(), HasSubstr("no input 'z'"));
}

TEST_F(ToyExportTest, KeepsNewestExportsAndReplacesSameStep) {
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(est_->Train(TrainInput(), {.steps = 2}).ok());
    paths.push_back(Export({.keep = 2}));
  }
  EXPECT_EQ(paths.back(), dir_ + "/export/14");
  auto listed = ListExports(dir_ + "/export");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].first, 12);
  EXPECT_EQ(listed[1].first, 14);
  // Exporting the same step again replaces it whole; no temporary directory is left behind.
  EXPECT_EQ(Export({.keep = 2}), dir_ + "/export/14");
  EXPECT_TRUE(Predictor::Load(dir_ + "/export/14").ok());
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_ + "/export")) {
    ++entries;
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
  }
  EXPECT_EQ(entries, 2);
}

TEST_F(ToyExportTest, FailedWriteLeavesPreviousExportsIntact) {
  const std::string first = Export();
  ASSERT_TRUE(est_->Train(TrainInput(), {.steps = 1}).ok());
  SetAtomicWriteHookForTesting([](AtomicWriteStep step, const std::string& path) {
    if (step == AtomicWriteStep::kAfterSync && path.find(kExportSignatureFile) != std::string::npos) {
      return absl::ResourceExhaustedError("disk full (injected)");
    }
    return absl::OkStatus();
  });
  auto failed = est_->Export(dir_ + "/export", ToyServing(), {.keep = 1});
  SetAtomicWriteHookForTesting(nullptr);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_ + "/export"))
    names.push_back(e.path().filename().string());
  EXPECT_THAT(names, ::testing::ElementsAre("6"));
  EXPECT_TRUE(Predictor::Load(first).ok());
}

TEST_F(ToyExportTest, ExportNeedsCheckpointAndValidServingInput) {
  Estimator fresh(estimator_test::ToyModel, Config(dir_ + "/empty"));
  auto st = fresh.Export(dir_ + "/x", ToyServing());
  EXPECT_EQ(st.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.status().message(), HasSubstr("no checkpoint"));
  st = est_->Export(dir_ + "/x", ServingInput{{{"x", DType::kFloat32, graph::Shape{5}}}});
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.status().message(),
              HasSubstr("variable 'dense/kernel' is f32[5,8] in the model, f32[4,8] in the checkpoint"));
  st = est_->Export(dir_ + "/x", ServingInput{{{"x", DType::kFloat32, graph::Shape{-1}}}});
  EXPECT_THAT(st.status().message(), HasSubstr("feature 'x' has shape [?]"));
  EXPECT_FALSE(fs::exists(dir_ + "/x/6"));
}

// Damages one part of a fresh export and expects Load to name it.
class DamagedExportTest : public ToyExportTest {
 protected:
  void Rewrite(const std::string& file, const std::function<void(std::string&)>& edit) {
    std::string bytes = *ReadFileToString(path_ + "/" + file);
    edit(bytes);
    std::ofstream(path_ + "/" + file, std::ios::binary | std::ios::trunc) << bytes;
  }
  // Rewrites a file and updates its digest in metadata.json, as a deliberate (not accidental) edit would.
  void RewriteListed(const std::string& file, const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = nlohmann::json::parse(*ReadFileToString(path_ + "/" + file));
    edit(j);
    const std::string text = j.dump(1);
    std::ofstream(path_ + "/" + file, std::ios::binary | std::ios::trunc) << text;
    nlohmann::json meta = nlohmann::json::parse(*ReadFileToString(path_ + "/" + kExportMetadataFile));
    meta["files"][file]["bytes"] = text.size();
    char crc[9];
    std::snprintf(crc, sizeof(crc), "%08x", Crc32cOf(text));
    meta["files"][file]["crc32c"] = crc;
    std::ofstream(path_ + "/" + kExportMetadataFile, std::ios::trunc) << meta.dump(1);
  }
  static uint32_t Crc32cOf(const std::string& s) { return Crc32c(s.data(), s.size()); }
  absl::Status Load() {
    auto p = Predictor::Load(path_);
    return p.status();
  }
  void SetUp() override {
    ToyExportTest::SetUp();
    path_ = Export();
  }
  std::string path_;
};

TEST_F(DamagedExportTest, MissingDirectoryOrMetadata) {
  auto p = Predictor::Load(dir_ + "/nope");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(p.status().message(), HasSubstr("export directory " + dir_ + "/nope does not exist"));
  fs::remove(path_ + "/" + kExportMetadataFile);
  EXPECT_EQ(Load().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Load().message(), HasSubstr("is not an export: it has no metadata.json"));
}

TEST_F(DamagedExportTest, TruncatedOrCorruptFilesAreDataLoss) {
  Rewrite(kExportWeightsFile, [](std::string& b) { b[b.size() - 3] ^= 0x40; });
  EXPECT_EQ(Load().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Load().message(), HasSubstr("weights.safetensors: CRC32C mismatch"));
  Rewrite(kExportWeightsFile, [](std::string& b) { b[b.size() - 3] ^= 0x40; });
  ASSERT_TRUE(Load().ok());
  Rewrite(kExportGraphFile, [](std::string& b) { b.resize(b.size() / 2); });
  EXPECT_EQ(Load().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Load().message(), HasSubstr("graph.json: "));
  EXPECT_THAT(Load().message(), HasSubstr("truncated"));
  fs::remove(path_ + "/" + kExportGraphFile);
  EXPECT_THAT(Load().message(), HasSubstr("graph.json: missing"));
  Rewrite(kExportMetadataFile, [](std::string& b) { b.resize(b.size() - 10); });
  EXPECT_EQ(Load().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Load().message(), HasSubstr("metadata.json: not valid JSON"));
}

TEST_F(DamagedExportTest, NewerFormatVersionIsRefused) {
  Rewrite(kExportMetadataFile, [](std::string& b) {
    nlohmann::json j = nlohmann::json::parse(b);
    j["format_version"] = kExportFormatVersion + 1;
    b = j.dump();
  });
  EXPECT_EQ(Load().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Load().message(), HasSubstr("format_version 2 is newer than this library reads (up to 1)"));
}

TEST_F(DamagedExportTest, SignatureFieldsAreChecked) {
  RewriteListed(kExportSignatureFile, [](nlohmann::json& j) { j["inputs"][0]["dtype"] = "f64"; });
  EXPECT_THAT(Load().message(), HasSubstr("signature.json: inputs[0].dtype: unknown dtype 'f64'"));
  RewriteListed(kExportSignatureFile, [](nlohmann::json& j) { j["inputs"][0]["dtype"] = "i32"; });
  EXPECT_THAT(Load().message(), HasSubstr("inputs[0] 'x' is declared i32[?,4] but graph tensor"));
  RewriteListed(kExportSignatureFile, [](nlohmann::json& j) {
    j["inputs"][0]["dtype"] = "f32";
    j["outputs"][1]["shape"] = {-1, 3};
  });
  EXPECT_THAT(Load().message(), HasSubstr("outputs[1] 'logits' is declared f32[?,3]"));
  RewriteListed(kExportSignatureFile, [](nlohmann::json& j) {
    j["outputs"][1]["shape"] = {-1, 2};
    j["outputs"][0]["tensor"] = "no_such_node";
  });
  EXPECT_THAT(Load().message(), HasSubstr("outputs[0]: tensor 'no_such_node' is not in graph.json"));
  RewriteListed(kExportSignatureFile, [](nlohmann::json& j) { j["outputs"][0].erase("name"); });
  EXPECT_THAT(Load().message(), HasSubstr("outputs[0].name: missing"));
  RewriteListed(kExportSignatureFile, [](nlohmann::json& j) { j["inputs"] = nlohmann::json::array(); });
  EXPECT_THAT(Load().message(), HasSubstr("inputs: must list at least one tensor"));
}

TEST(ExportBatchNormTest, DenseBatchNormIsFoldedAndMatches) {
  const std::string dir = FreshDir("dense_bn");
  Estimator est(BatchNormModel, Config(dir + "/model"));
  est.set_log_sink([](const std::string&) {});
  ASSERT_TRUE(est.Train(ToyInput(), {.steps = 8}).ok());
  auto path = est.Export(dir + "/export", ToyServing());
  ASSERT_TRUE(path.ok()) << path.status();
  auto p = Predictor::Load(*path, {.intra_op_threads = 1});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(HasRewrite(**p, "folded BatchNorm"));
  auto expected = PredictAll(est, ToyInput(16));
  auto got = PredictorAll(**p, ToyInput(16));
  EXPECT_EQ(expected["logits"].size(), 128u);
  EXPECT_LE(MaxAbsDiff(got["logits"], expected["logits"]), 1e-5);
  // With folding off the export runs the same kernels as Predict: bitwise.
  ExportOptions plain;
  plain.inference.fold_batch_norm = false;
  auto unfolded = est.Export(dir + "/plain", ToyServing(), plain);
  ASSERT_TRUE(unfolded.ok()) << unfolded.status();
  auto q = Predictor::Load(*unfolded, {.intra_op_threads = 1});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(PredictorAll(**q, ToyInput(16))["logits"], expected["logits"]);
}

TEST(ExportBatchNormTest, ConvBatchNormIsFoldedAndMatches) {
  const std::string dir = FreshDir("conv_bn");
  Estimator est(ConvBatchNormModel, Config(dir + "/model"));
  est.set_log_sink([](const std::string&) {});
  const datasets::Element images = MakeImages();
  InputFn input = [images] { return datasets::FromTensorSlices(images).Batch(8); };
  ASSERT_TRUE(est.Train(input, {.steps = 8}).ok());
  auto path = est.Export(dir + "/export", ServingInput{{{"image", DType::kFloat32, graph::Shape{6, 6, 2}}}});
  ASSERT_TRUE(path.ok()) << path.status();
  auto p = Predictor::Load(*path, {.intra_op_threads = 1});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(HasRewrite(**p, "folded BatchNorm"));
  auto expected = PredictAll(est, input);
  auto got = PredictorAll(**p, input);
  EXPECT_EQ(expected["probabilities"].size(), 64u);
  EXPECT_LE(MaxAbsDiff(got["probabilities"], expected["probabilities"]), 1e-5);
}

}  // namespace
}  // namespace estimator
