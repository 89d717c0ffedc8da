// BuildDataset: input specs turned into pipelines over small CSV and IDX files written by the tests.
#include "configs/input_spec.h"
#include "datasets/tensor_slices.h"
#include "estimator/model_registry.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "configs/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/configs/config_test_util.h"

namespace configs {
namespace {

using configs_test::FreshTempDir;
using configs_test::WriteFile;
using ::testing::ElementsAre;

// Every element of `ds` in order.
std::vector<datasets::Element> Drain(const datasets::Dataset& ds) {
  std::vector<datasets::Element> out;
  absl::StatusOr<datasets::Iterator> it = ds.MakeIterator();
  EXPECT_TRUE(it.ok()) << it.status();
  if (!it.ok()) return out;
  for (int i = 0; i < 100; ++i) {
    datasets::Element e;
    bool end = false;
    absl::Status st = it->GetNext(&e, &end);
    EXPECT_TRUE(st.ok()) << st;
    if (!st.ok() || end) break;
    out.push_back(e);
  }
  return out;
}

// An IDX header: two zero bytes, the type code, the dimension count, then big-endian u32 dims.
std::string IdxHeader(uint8_t type, const std::vector<uint32_t>& dims) {
  std::string h = {0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) h += static_cast<char>((d >> shift) & 0xFF);
  }
  return h;
}

TEST(BuildDatasetTest, CsvBatchesWithScaleAndLabel) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "a,b,y\n1,2,0\n3,,1\n5,6,2\n");
  InputSpec spec;
  spec.source = InputSource::kCsv;
  spec.path = dir + "/d.csv";
  spec.column_dtypes = {{"y", graph::DType::kInt64}};
  spec.defaults = {{"b", "10"}};
  spec.label_column = "y";
  spec.batch_size = 2;
  spec.prefetch = 0;
  spec.map = {{MapPreset::Kind::kScale, 2}};
  absl::StatusOr<datasets::Dataset> ds = BuildDataset(spec);
  ASSERT_TRUE(ds.ok()) << ds.status();
  std::vector<datasets::Element> batches = Drain(*ds);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0]["a"].shape(), graph::Shape({2}));
  EXPECT_THAT(batches[0]["a"].ToVector<float>(), ElementsAre(0.5f, 1.5f));
  EXPECT_THAT(batches[0]["b"].ToVector<float>(), ElementsAre(1.0f, 5.0f));  // empty field: default 10, / 2
  EXPECT_THAT(batches[0]["label"].ToVector<int64_t>(), ElementsAre(0, 1));  // labels are not scaled
  EXPECT_THAT(batches[1]["a"].ToVector<float>(), ElementsAre(2.5f));
  EXPECT_THAT(batches[1]["label"].ToVector<int64_t>(), ElementsAre(2));

  spec.drop_remainder = true;
  spec.repeat = 2;
  ds = BuildDataset(spec);
  ASSERT_TRUE(ds.ok()) << ds.status();
  batches = Drain(*ds);
  ASSERT_EQ(batches.size(), 2u);  // one full batch per pass
  EXPECT_THAT(batches[1]["a"].ToVector<float>(), ElementsAre(0.5f, 1.5f));
}

TEST(BuildDatasetTest, SeededShuffleIsAPermutation) {
  const std::string dir = FreshTempDir();
  std::string csv = "v\n";
  for (int i = 0; i < 20; ++i) csv += std::to_string(i) + "\n";
  WriteFile(dir + "/d.csv", csv);
  InputSpec spec;
  spec.source = InputSource::kCsv;
  spec.path = dir + "/d.csv";
  spec.default_dtype = graph::DType::kInt64;
  spec.batch_size = 20;
  spec.shuffle_buffer = 20;
  spec.seed = 3;
  auto order = [&] {
    absl::StatusOr<datasets::Dataset> ds = BuildDataset(spec);
    EXPECT_TRUE(ds.ok()) << ds.status();
    std::vector<datasets::Element> batches = ds.ok() ? Drain(*ds) : std::vector<datasets::Element>{};
    return batches.size() == 1 ? batches[0]["v"].ToVector<int64_t>() : std::vector<int64_t>{};
  };
  const std::vector<int64_t> first = order();
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(order(), first);  // the same seed gives the same order
  std::vector<int64_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(20);
  for (int i = 0; i < 20; ++i) identity[static_cast<size_t>(i)] = i;
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(first, identity);
  spec.shuffle_buffer = 0;
  EXPECT_EQ(order(), identity);
}

TEST(BuildDatasetTest, IdxFromLoadedConfigWithScaleAndFlatten) {
  const std::string dir = FreshTempDir();
  // Three 2x2 u8 images with pixels 10*i + k, labels 7, 8, 9.
  std::string images = IdxHeader(0x08, {3, 2, 2});
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 4; ++k) images += static_cast<char>(10 * i + k);
  }
  WriteFile(dir + "/images.idx", images);
  WriteFile(dir + "/labels.idx", IdxHeader(0x08, {3}) + std::string("\x07\x08\x09", 3));
  const std::string text =
      "model: {name: m}\nrun: {model_dir: " + dir +
      "/model}\ntrain:\n  input:\n    source: idx\n    images: " + dir + "/images.idx\n    labels: " + dir +
      "/labels.idx\n    map: [{scale: 2}, flatten]\n    batch_size: 2\n    cache: true\n";
  absl::StatusOr<Config> config = LoadConfigFromString(text, "idx.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<datasets::Dataset> ds = BuildDataset(config->train.input);
  ASSERT_TRUE(ds.ok()) << ds.status();
  std::vector<datasets::Element> batches = Drain(*ds);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0]["image"].shape(), graph::Shape({2, 4}));
  EXPECT_THAT(batches[0]["image"].ToVector<float>(), ElementsAre(0, 0.5f, 1, 1.5f, 5, 5.5f, 6, 6.5f));
  EXPECT_THAT(batches[0]["label"].ToVector<int64_t>(), ElementsAre(7, 8));
  EXPECT_EQ(batches[1]["image"].shape(), graph::Shape({1, 4}));
  EXPECT_THAT(batches[1]["image"].ToVector<float>(), ElementsAre(10, 10.5f, 11, 11.5f));
}

TEST(BuildDatasetTest, ShippedFashionMnistEvalInput) {
  absl::StatusOr<Config> c =
      LoadConfig(std::string(ESTIMATOR_SOURCE_DIR) + "/configs/fashion_mnist_mlp.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<datasets::Dataset> ds = BuildDataset(c->eval.input);
  ASSERT_TRUE(ds.ok()) << ds.status();
  EXPECT_EQ(ds->Cardinality(), 10);  // 10000 test images in batches of 1000
  absl::StatusOr<datasets::Iterator> it = ds->MakeIterator();
  ASSERT_TRUE(it.ok()) << it.status();
  datasets::Element batch;
  bool end = true;
  ASSERT_TRUE(it->GetNext(&batch, &end).ok());
  ASSERT_FALSE(end);
  EXPECT_EQ(batch["image"].shape(), graph::Shape({1000, 28, 28, 1}));
  EXPECT_EQ(batch["label"].shape(), graph::Shape({1000}));
  float lo = 1, hi = 0;
  for (float v : batch["image"].flat<float>()) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 1.0f);  // 255 / 255
  // The first Fashion-MNIST test labels: ankle boot, pullover, trouser, trouser.
  std::vector<int64_t> labels = batch["label"].ToVector<int64_t>();
  labels.resize(4);
  EXPECT_THAT(labels, ElementsAre(9, 2, 1, 1));
}

TEST(BuildDatasetTest, ErrorsAreReturned) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/bad.idx", "not an idx file");
  InputSpec spec;
  spec.images = dir + "/bad.idx";
  spec.batch_size = 4;
  absl::StatusOr<datasets::Dataset> ds = BuildDataset(spec);
  ASSERT_FALSE(ds.ok());
  EXPECT_THAT(std::string(ds.status().message()), ::testing::HasSubstr("bad.idx"));
  spec.batch_size = 0;
  EXPECT_EQ(BuildDataset(spec).status().message(), "input.batch_size: must be > 0, got 0");
}

}  // namespace
}  // namespace configs

namespace configs {
namespace {

// Six examples {"x": f32 = i, "label": i64 = i % 2}.
datasets::Dataset SixExamples() {
  datasets::Element e;
  e.Set("x", graph::Tensor::Of<float>({0, 1, 2, 3, 4, 5}, {6}));
  e.Set("label", graph::Tensor::Of<int64_t>({0, 1, 0, 1, 0, 1}, {6}));
  return datasets::FromTensorSlices(e);
}
ESTIMATOR_REGISTER_INPUT_FN("six_examples", SixExamples);

TEST(BuildDatasetTest, RegisteredInputFunctionGetsThePipelineStages) {
  const std::string text =
      "model: {name: m}\nrun: {model_dir: /tmp/x}\ntrain:\n  input:\n    source: input_fn\n"
      "    name: six_examples\n    map: [{scale: 2}]\n    batch_size: 4\n";
  absl::StatusOr<Config> config = LoadConfigFromString(text, "fn.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(PrintConfig(*config),
              ::testing::HasSubstr("    source: input_fn\n    name: \"six_examples\"\n"));
  absl::StatusOr<Config> again = LoadConfigFromString(PrintConfig(*config), "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(*again == *config);
  absl::StatusOr<datasets::Dataset> ds = BuildDataset(config->train.input);
  ASSERT_TRUE(ds.ok()) << ds.status();
  std::vector<datasets::Element> batches = Drain(*ds);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_THAT(batches[0]["x"].ToVector<float>(), ElementsAre(0, 0.5f, 1, 1.5f));
  EXPECT_THAT(batches[1]["label"].ToVector<int64_t>(), ElementsAre(0, 1));
}

TEST(BuildDatasetTest, UnknownInputFunctionAndMisplacedKeysAreConfigErrors) {
  absl::StatusOr<Config> c = LoadConfigFromString(
      "model: {name: m}\nrun: {model_dir: /tmp/x}\ntrain:\n  input:\n    source: input_fn\n"
      "    name: seven_examples\n    batch_size: 4\n",
      "fn.yaml");
  EXPECT_THAT(
      std::string(c.status().message()),
      ::testing::HasSubstr("fn.yaml:6:11: train.input.name: unknown input function 'seven_examples'"));
  EXPECT_THAT(std::string(c.status().message()), ::testing::HasSubstr("six_examples"));
  c = LoadConfigFromString(
      "model: {name: m}\nrun: {model_dir: /tmp/x}\ntrain:\n  input:\n    source: input_fn\n"
      "    name: six_examples\n    images: a.idx\n    batch_size: 4\n",
      "fn.yaml");
  EXPECT_THAT(std::string(c.status().message()),
              ::testing::HasSubstr("train.input.images: applies to source idx, not input_fn"));
}

}  // namespace
}  // namespace configs
