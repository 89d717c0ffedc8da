// Helpers shared by the command-line tests: fresh directories, small files, and running the CLI in-process.
#ifndef TESTS_CLI_CLI_TEST_UTIL_H_
#define TESTS_CLI_CLI_TEST_UTIL_H_

#include <string>
#include <vector>

namespace cli_test {

// A new empty directory under ::testing::TempDir() named after the running test.
std::string FreshTempDir();

// Writes `contents` to `path` (replacing it); fails the test on error.
void WriteFile(const std::string& path, const std::string& contents);

// The contents of `path` ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// What one in-process run of the command line produced.
struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Registers the built-in models (once) and runs the command line `args` with captured streams.
CliRun RunCli(const std::vector<std::string>& args);

// Writes `dir`/data.csv: a header "x0,x1,label" and `rows` rows of deterministic values in [-1, 1] with
// label = 1 when x0 + x1 > 0 else 0. Returns its path.
std::string WriteClassificationCsv(const std::string& dir, int rows);

// A config training `model` (with `params`, a YAML flow map) on `csv` for `max_steps` steps of batches of 8,
// evaluating on the same file, model_dir `model_dir`.
std::string TinyConfig(const std::string& model, const std::string& params, const std::string& csv,
                       const std::string& model_dir, int max_steps);

}  // namespace cli_test

#endif  // TESTS_CLI_CLI_TEST_UTIL_H_
