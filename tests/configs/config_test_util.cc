#include "tests/configs/config_test_util.h"

#include <cstdio>
#include <filesystem>

#include "gtest/gtest.h"

namespace configs_test {

std::string FreshTempDir() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "configs_test";
  if (info != nullptr) name += std::string("_") + info->test_suite_name() + "_" + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  EXPECT_FALSE(ec) << ec.message();
  return dir.string();
}

void WriteFile(const std::string& path, const std::string& contents) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(contents.data(), 1, contents.size(), f), contents.size());
  ASSERT_EQ(std::fclose(f), 0);
}

std::string MinimalConfig(const std::string& csv_path, const std::string& extra) {
  return "model:\n  name: m\nrun:\n  model_dir: /tmp/m\ntrain:\n  input:\n    source: csv\n    path: " +
         csv_path + "\n    batch_size: 2\n" + extra;
}

}  // namespace configs_test
