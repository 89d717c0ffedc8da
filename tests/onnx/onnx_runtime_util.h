// Running exported ONNX models with onnxruntime (CPU), through tools/onnx/compare_onnxruntime.py and the
// python of tests/verify_python.h: whether the runtime is installed, writing a model with its inputs and
// expected outputs, and reading the script's report.
#ifndef TESTS_ONNX_ONNX_RUNTIME_UTIL_H_
#define TESTS_ONNX_ONNX_RUNTIME_UTIL_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace onnx_test {

// "" when the python of tests/verify_python.h has onnxruntime and numpy; otherwise what is missing and how to
// install it, the message of the tests that then skip.
std::string OnnxRuntimeMissing();
// `s` in single quotes, for a shell command.
std::string Quote(const std::string& s);

struct NamedTensor {
  std::string name;
  graph::Tensor tensor;
};

// A model, its inputs and the expected outputs written as compare_onnxruntime.py reads them (manifest.json
// and raw little-endian files), in a new directory under the test's temporary directory.
std::filesystem::path WriteCase(const std::string& tag, const std::string& model_bytes,
                                const std::vector<NamedTensor>& inputs,
                                const std::vector<NamedTensor>& outputs);

struct ScriptResult {
  int exit_code = -1;
  std::string report;                   // stdout and stderr
  std::map<std::string, double> diffs;  // per output line
  double worst_float = 0;
};

// Runs tools/onnx/compare_onnxruntime.py with `args` (already quoted).
ScriptResult RunCompareScript(const std::string& args);

}  // namespace onnx_test

#endif  // TESTS_ONNX_ONNX_RUNTIME_UTIL_H_
