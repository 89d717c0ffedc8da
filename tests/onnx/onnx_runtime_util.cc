#include "tests/onnx/onnx_runtime_util.h"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/verify_python.h"

namespace onnx_test {
namespace {

namespace fs = std::filesystem;

const char* ManifestDType(graph::DType t) {
  switch (t) {
    case graph::DType::kFloat32:
      return "float32";
    case graph::DType::kInt32:
      return "int32";
    case graph::DType::kInt64:
      return "int64";
    case graph::DType::kBool:
      return "bool";
    case graph::DType::kBFloat16:
      break;
  }
  return "unsupported";
}

// Writes the tensor's bytes (little-endian on this host) and returns its manifest entry.
std::string WriteTensor(const fs::path& dir, const std::string& file, const std::string& name,
                        const graph::Tensor& t) {
  std::ofstream(dir / file, std::ios::binary).write(static_cast<const char*>(t.raw_data()), t.nbytes());
  std::ostringstream entry;
  entry << "{\"name\": \"" << name << "\", \"dtype\": \"" << ManifestDType(t.dtype()) << "\", \"shape\": [";
  for (int d = 0; d < t.rank(); ++d) entry << (d ? ", " : "") << t.dim(d);
  entry << "], \"file\": \"" << file << "\"}";
  return entry.str();
}

}  // namespace

std::string OnnxRuntimeMissing() { return verify_python::MissingReason({"onnxruntime", "numpy"}); }

std::string Quote(const std::string& s) { return verify_python::Quote(s); }

fs::path WriteCase(const std::string& tag, const std::string& model_bytes,
                   const std::vector<NamedTensor>& inputs, const std::vector<NamedTensor>& outputs) {
  std::string pattern = (fs::path(testing::TempDir()) / ("onnx_" + tag + "_XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "cannot create a directory from " << pattern;
    return {};
  }
  const fs::path dir = pattern;
  std::ofstream(dir / "model.onnx", std::ios::binary)
      .write(model_bytes.data(), static_cast<std::streamsize>(model_bytes.size()));
  std::ostringstream manifest;
  manifest << "{\"inputs\": [";
  for (size_t i = 0; i < inputs.size(); ++i) {
    manifest << (i ? ",\n  " : "\n  ")
             << WriteTensor(dir, "input_" + std::to_string(i) + ".bin", inputs[i].name, inputs[i].tensor);
  }
  manifest << "],\n\"outputs\": [";
  for (size_t i = 0; i < outputs.size(); ++i) {
    manifest << (i ? ",\n  " : "\n  ")
             << WriteTensor(dir, "output_" + std::to_string(i) + ".bin", outputs[i].name, outputs[i].tensor);
  }
  manifest << "]}\n";
  std::ofstream(dir / "manifest.json") << manifest.str();
  return dir;
}

// Runs tools/onnx/compare_onnxruntime.py with `args` (already quoted).
ScriptResult RunCompareScript(const std::string& args) {
  verify_python::CommandResult run = verify_python::RunScript("onnx/compare_onnxruntime.py", args);
  ScriptResult result;
  result.exit_code = run.exit_code;
  result.report = std::move(run.output);
  // "output<TAB>name<TAB>dtype<TAB>max_abs_diff[<TAB>problem]" per output.
  std::istringstream lines(result.report);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string kind, name, dtype, diff;
    if (std::getline(fields, kind, '\t') && kind == "output" && std::getline(fields, name, '\t') &&
        std::getline(fields, dtype, '\t') && std::getline(fields, diff, '\t')) {
      result.diffs[name] = std::stod(diff);
      if (dtype == "float32") result.worst_float = std::max(result.worst_float, result.diffs[name]);
    }
  }
  return result;
}

}  // namespace onnx_test
