// Running exported ONNX models with onnxruntime (CPU) under node, through tools/onnx/compare_onnxruntime.js:
// finding the runtime, writing a model with its inputs and expected outputs, and reading the script's report.
#ifndef TESTS_ONNX_ONNX_RUNTIME_UTIL_H_
#define TESTS_ONNX_ONNX_RUNTIME_UTIL_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace onnx_test {

// The node_modules directory holding onnxruntime-node: $ONNXRUNTIME_NODE_PATH, else
// <source>/build/onnxruntime/node_modules; "" if neither holds it.
std::string OnnxRuntimeModules();
// True when node runs and onnxruntime-node is found.
bool OnnxRuntimeAvailable();
// How to install the runtime (the skip message of tests that need it).
extern const char kHowToInstall[];
// `s` in single quotes, for a shell command.
std::string Quote(const std::string& s);

struct NamedTensor {
  std::string name;
  graph::Tensor tensor;
};

// A model, its inputs and the expected outputs written as compare_onnxruntime.js reads them (manifest.json
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

// Runs tools/onnx/compare_onnxruntime.js with `args` (already quoted).
ScriptResult RunCompareScript(const std::string& args);

}  // namespace onnx_test

#endif  // TESTS_ONNX_ONNX_RUNTIME_UTIL_H_
