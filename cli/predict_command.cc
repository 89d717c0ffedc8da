#include "cli/predict_command.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "cli/progress_hook.h"
#include "cli/run_setup.h"

namespace cli {

configs::InputSpec PredictInputSpec(const configs::InputSpec& eval, const std::string& input) {
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

int Predict(const CommandLine& cl, const configs::Config& config, const CliIo& io) {
  if (!cl.input.empty() && !std::ifstream(cl.input).good()) {
    *io.err << "estimator predict: --input " << cl.input << ": cannot read the file\n";
    return kExitUsage;
  }
  absl::StatusOr<PredictionFormat> format = ParsePredictionFormat(cl.output_format);
  if (!format.ok()) {
    *io.err << "estimator predict: " << format.status().message() << "\n";
    return kExitUsage;
  }
  Console console(io.err, io.terminal);
  absl::StatusOr<datasets::Dataset> data =
      configs::BuildDataset(PredictInputSpec(config.eval.input, cl.input));
  if (!data.ok()) {
    *io.err << "estimator predict: error: " << data.status().message() << "\n";
    return kExitFailure;
  }
  auto est = MakeEstimator(config, &console);
  if (!est.ok()) {
    *io.err << "estimator predict: error: " << est.status().message() << "\n";
    return kExitFailure;
  }
  PredictionWriter writer(*format, io.out, cl.output);
  absl::Status write_status;
  auto on_example = [&](const std::map<std::string, graph::Tensor>& example) {
    write_status = writer.Add(example);
    return write_status.ok();
  };
  const datasets::Dataset predict_data = *data;
  absl::Status st = (*est)->Predict([predict_data] { return predict_data; }, on_example, cl.checkpoint);
  if (st.ok()) st = write_status;
  if (st.ok()) {
    st = writer.Finish();
  } else {
    io.out->flush();
  }
  if (!st.ok()) {
    *io.err << "estimator predict: error: " << st.message() << "\n";
    return kExitFailure;
  }
  console.Line(absl::StrCat(writer.count(), " predictions",
                            cl.output.empty() ? "" : absl::StrCat(" written to ", cl.output)));
  return kExitOk;
}

}  // namespace cli
