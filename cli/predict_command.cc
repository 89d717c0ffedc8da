#include "cli/predict_command.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "cli/progress_hook.h"
#include "cli/run_setup.h"
#include "configs/input_spec.h"
#include "estimator/atomic_file.h"
#include "nlohmann/json.hpp"

namespace cli {
namespace {

nlohmann::json Element(const graph::Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case graph::DType::kInt32:
      return t.data<int32_t>()[i];
    case graph::DType::kInt64:
      return t.data<int64_t>()[i];
    case graph::DType::kBool:
      return t.data<bool>()[i];
    case graph::DType::kFloat32:
    case graph::DType::kBFloat16: {
      const float f = static_cast<float>(t.ElementAsDouble(i));
      if (!std::isfinite(f)) return nullptr;
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, f);  // shortest form that reads back as f
      *res.ptr = '\0';
      return std::strtod(buf, nullptr);
    }
  }
  return nullptr;
}

// Elements [offset, offset + product of dims[dim:]) of `t`, nested by the dims from `dim` on.
nlohmann::json Nested(const graph::Tensor& t, int dim, int64_t offset) {
  if (dim == t.rank()) return Element(t, offset);
  int64_t stride = 1;
  for (int d = dim + 1; d < t.rank(); ++d) stride *= t.dim(d);
  nlohmann::json a = nlohmann::json::array();
  for (int64_t i = 0; i < t.dim(dim); ++i) a.push_back(Nested(t, dim + 1, offset + i * stride));
  return a;
}

// eval.input with its data file replaced by `input` (empty: unchanged).
configs::InputSpec PredictInput(const configs::InputSpec& eval, const std::string& input) {
  configs::InputSpec spec = eval;
  if (input.empty()) return spec;
  if (spec.source == configs::InputSource::kCsv) {
    spec.path = input;
  } else {
    spec.images = input;
    spec.labels.clear();
  }
  return spec;
}

}  // namespace

std::string PredictionJson(const std::map<std::string, graph::Tensor>& example) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, t] : example) j[name] = Nested(t, 0, 0);
  return j.dump();
}

int Predict(const CommandLine& cl, const configs::Config& config, const CliIo& io) {
  if (!cl.input.empty() && !std::ifstream(cl.input).good()) {
    *io.err << "estimator predict: --input " << cl.input << ": cannot read the file\n";
    return kExitUsage;
  }
  Console console(io.err, io.terminal);
  absl::StatusOr<datasets::Dataset> data = configs::BuildDataset(PredictInput(config.eval.input, cl.input));
  if (!data.ok()) {
    *io.err << "estimator predict: error: " << data.status().message() << "\n";
    return kExitFailure;
  }
  auto est = MakeEstimator(config, &console);
  if (!est.ok()) {
    *io.err << "estimator predict: error: " << est.status().message() << "\n";
    return kExitFailure;
  }
  std::string buffer;
  int64_t count = 0;
  auto on_example = [&](const std::map<std::string, graph::Tensor>& example) {
    std::string line = PredictionJson(example);
    line.push_back('\n');
    if (cl.output.empty()) {
      *io.out << line;
    } else {
      buffer += line;
    }
    ++count;
    return true;
  };
  const datasets::Dataset predict_data = *data;
  absl::Status st = (*est)->Predict([predict_data] { return predict_data; }, on_example, cl.checkpoint);
  io.out->flush();
  if (st.ok() && !cl.output.empty()) st = estimator::WriteFileAtomically(cl.output, buffer);
  if (!st.ok()) {
    *io.err << "estimator predict: error: " << st.message() << "\n";
    return kExitFailure;
  }
  console.Line(
      absl::StrCat(count, " predictions", cl.output.empty() ? "" : absl::StrCat(" written to ", cl.output)));
  return kExitOk;
}

}  // namespace cli
