#include "tests/cli/cli_test_util.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "gtest/gtest.h"
#include "models/builtin_models.h"

namespace cli_test {

std::string FreshTempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir =
      absl::StrCat(::testing::TempDir(), "/cli_test_", info->test_suite_name(), "_", info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << contents;
  ASSERT_TRUE(f.good()) << "cannot write " << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

CliRun RunCli(const std::vector<std::string>& args) {
  EXPECT_TRUE(models::RegisterBuiltinModels().ok());
  std::ostringstream out, err;
  CliRun run;
  run.exit_code = cli::RunCli(args, {.out = &out, .err = &err, .terminal = false});
  run.out = out.str();
  run.err = err.str();
  return run;
}

std::string WriteClassificationCsv(const std::string& dir, int rows) {
  std::string text = "x0,x1,label\n";
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / static_cast<double>(1u << 24) * 2.0 - 1.0;
  };
  for (int i = 0; i < rows; ++i) {
    const double x0 = next(), x1 = next();
    absl::StrAppend(&text, absl::StrFormat("%.4f,%.4f,%d\n", x0, x1, x0 + x1 > 0 ? 1 : 0));
  }
  const std::string path = dir + "/data.csv";
  WriteFile(path, text);
  return path;
}

std::string TinyConfig(const std::string& model, const std::string& params, const std::string& csv,
                       const std::string& model_dir, int max_steps) {
  const std::string input = absl::StrCat("    source: csv\n    path: ", csv,
                                         "\n    column_dtypes: {label: i64}\n    label_column: label\n");
  return absl::StrCat("model:\n  name: ", model, "\n  params: ", params, "\nrun:\n  model_dir: ", model_dir,
                      "\n  random_seed: 3\n  save_checkpoints_steps: 10\n  save_summary_steps: 0\n"
                      "  log_step_count_steps: 5\ntrain:\n  input:\n",
                      input,
                      "    shuffle_buffer: 64\n    batch_size: 8\n    repeat: -1\n  max_steps: ", max_steps,
                      "\n  optimizer:\n    name: adam\n    learning_rate: 0.05\neval:\n  input:\n", input,
                      "    batch_size: 16\n");
}

}  // namespace cli_test
