// The YAML examples of docs/CONFIG.md load, and the Fashion-MNIST one is the shipped config.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "configs/config.h"
#include "gtest/gtest.h"
#include "tests/configs/config_test_util.h"

namespace configs {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The bodies of the ```yaml blocks of a Markdown text.
std::vector<std::string> YamlBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  size_t pos = 0;
  while ((pos = markdown.find("```yaml\n", pos)) != std::string::npos) {
    const size_t start = pos + 8;
    const size_t end = markdown.find("```", start);
    if (end == std::string::npos) break;
    blocks.push_back(markdown.substr(start, end - start));
    pos = end + 3;
  }
  return blocks;
}

TEST(DocsTest, ExamplesLoad) {
  const std::string src = ESTIMATOR_SOURCE_DIR;
  const std::vector<std::string> blocks = YamlBlocks(ReadText(src + "/docs/CONFIG.md"));
  ASSERT_EQ(blocks.size(), 2u);

  // The Fashion-MNIST example is the shipped file without its leading comment lines.
  std::string shipped = ReadText(src + "/configs/fashion_mnist_mlp.yaml");
  while (shipped.rfind("#", 0) == 0) shipped.erase(0, shipped.find('\n') + 1);
  EXPECT_EQ(blocks[0], shipped);
  absl::StatusOr<Config> idx = LoadConfigFromString(blocks[0], "CONFIG.md");
  ASSERT_TRUE(idx.ok()) << idx.status();
  EXPECT_EQ(idx->train.input.batch_size, 128);

  // The CSV example, with its data paths pointed at small files.
  const std::string dir = configs_test::FreshTempDir();
  const std::string csv = "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,0\n";
  configs_test::WriteFile(dir + "/train.csv", csv);
  configs_test::WriteFile(dir + "/test.csv", csv);
  absl::StatusOr<Config> tab = LoadConfigFromString(
      blocks[1], "CONFIG.md",
      {"train.input.path=" + dir + "/train.csv", "eval.input.path=" + dir + "/test.csv"});
  ASSERT_TRUE(tab.ok()) << tab.status();
  EXPECT_EQ(tab->train.optimizer.name, "adamw");
  EXPECT_EQ(tab->train.optimizer.options.weight_decay, 0.01f);
  EXPECT_EQ(std::get<layers::CosineDecayOptions>(tab->train.optimizer.learning_rate).warmup_target, 0.003f);
  EXPECT_EQ(tab->run.save_checkpoints_secs, 0.0);
  EXPECT_EQ(tab->eval.early_stopping.goal, estimator::MetricGoal::kMaximize);
  EXPECT_EQ(tab->model.params.GetFloat("dropout"), 0.1);
  EXPECT_EQ(tab->export_.exporter, "best");
  EXPECT_EQ(tab->export_.metric, "accuracy");
  EXPECT_EQ(tab->export_.goal, estimator::MetricGoal::kMaximize);
  EXPECT_EQ(tab->export_.keep, 2);
  absl::StatusOr<datasets::Dataset> ds = BuildDataset(tab->train.input);
  ASSERT_TRUE(ds.ok()) << ds.status();
  absl::StatusOr<datasets::Iterator> it = ds->MakeIterator();
  ASSERT_TRUE(it.ok()) << it.status();
  datasets::Element batch;
  bool end = true;
  ASSERT_TRUE(it->GetNext(&batch, &end).ok());
  ASSERT_FALSE(end);
  EXPECT_EQ(batch.DebugString(),
            "{sepal_length: f32[1] {5.1}, sepal_width: f32[1] {3.5}, "
            "petal_length: f32[1] {1.4}, petal_width: f32[1] {0.2}, label: i64[1] {0}}");
}

}  // namespace
}  // namespace configs
