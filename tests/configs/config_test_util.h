// Helpers shared by the config tests: a fresh directory per test and small files written into it.
#ifndef TESTS_CONFIGS_CONFIG_TEST_UTIL_H_
#define TESTS_CONFIGS_CONFIG_TEST_UTIL_H_

#include <string>

namespace configs_test {

// A new empty directory under ::testing::TempDir() named after the running test.
std::string FreshTempDir();

// Writes `contents` to `path` (replacing it); fails the test on error.
void WriteFile(const std::string& path, const std::string& contents);

// A valid config (CSV training input `csv_path`) whose lines 1-9 are fixed:
//   1 model:   2   name: m   3 run:   4   model_dir: /tmp/m   5 train:   6   input:   7     source: csv
//   8     path: <csv_path>   9     batch_size: 2
// followed by `extra` (which starts on line 10).
std::string MinimalConfig(const std::string& csv_path, const std::string& extra = "");

}  // namespace configs_test

#endif  // TESTS_CONFIGS_CONFIG_TEST_UTIL_H_
