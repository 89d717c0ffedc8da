#include "cli/serving_predict.h"

#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/predict_command.h"
#include "cli/prediction_output.h"
#include "cli/progress_hook.h"
#include "configs/config.h"
#include "configs/input_spec.h"
#include "estimator/prediction_rows.h"
#include "estimator/predictor.h"
#include "graph/cpu_info.h"

namespace cli {
namespace {

int Report(const CliIo& io, const std::string& message, int code) {
  *io.err << "estimator predict: " << (code == kExitUsage ? "" : "error: ") << message << "\n";
  return code;
}

// The resolved config stored in the export, with cl.sets applied.
absl::StatusOr<configs::Config> StoredConfig(const CommandLine& cl, const estimator::Predictor& predictor) {
  const std::string source = absl::StrCat(cl.export_dir, "/", estimator::kExportMetadataFile);
  const std::string& text = predictor.metadata().config;
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, " holds no config to take the input from; give --config FILE"));
  }
  absl::StatusOr<configs::Config> config =
      configs::LoadConfigFromString(text, absl::StrCat(source, " config"), cl.sets);
  if (!config.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(config.status().message(),
                                                   " (the config stored in the export; --config FILE "
                                                   "gives another)"));
  }
  return config;
}

// The batch's tensors for the signature's inputs, in order; a missing one is named.
absl::Status GatherInputs(const estimator::Signature& signature, const datasets::Element& batch,
                          std::vector<graph::Tensor>* inputs) {
  inputs->clear();
  for (const estimator::TensorSpec& spec : signature.inputs) {
    const graph::Tensor* t = batch.Find(spec.name);
    if (t == nullptr) {
      std::vector<std::string> names;
      for (int i = 0; i < batch.size(); ++i) names.push_back(batch.name(i));
      return absl::InvalidArgumentError(
          absl::StrCat("the export's input '", spec.name,
                       "' is not in the data (its components: ", absl::StrJoin(names, ", "), ")"));
    }
    inputs->push_back(*t);
  }
  return absl::OkStatus();
}

}  // namespace

int PredictFromExport(const CommandLine& cl, const CliIo& io) {
  absl::StatusOr<PredictionFormat> format = ParsePredictionFormat(cl.output_format);
  if (!format.ok()) return Report(io, std::string(format.status().message()), kExitUsage);
  // A config given on the command line is checked before anything else is read.
  std::optional<configs::Config> given;
  if (!cl.config.empty()) {
    // No model name check: the export runs without the model's code.
    absl::StatusOr<configs::Config> c = configs::LoadConfig(cl.config, cl.sets);
    if (!c.ok()) return Report(io, std::string(c.status().message()), kExitUsage);
    given = *std::move(c);
  }
  if (!cl.input.empty() && !std::ifstream(cl.input).good()) {
    return Report(io, absl::StrCat("--input ", cl.input, ": cannot read the file"), kExitUsage);
  }
  absl::StatusOr<std::unique_ptr<estimator::Predictor>> predictor = estimator::Predictor::Load(cl.export_dir);
  if (!predictor.ok()) {
    return Report(io, absl::StrCat("--export_dir ", cl.export_dir, ": ", predictor.status().message()),
                  kExitFailure);
  }
  absl::StatusOr<configs::Config> config = given ? *given : StoredConfig(cl, **predictor);
  if (!config.ok()) return Report(io, std::string(config.status().message()), kExitUsage);
  if (!config->eval.enabled) {
    return Report(
        io,
        absl::StrCat(cl.config.empty() ? absl::StrCat("the config stored in ", cl.export_dir) : cl.config,
                     ": predict needs an eval section (its input is the data to predict on)"),
        kExitUsage);
  }

  Console console(io.err, io.terminal);
  console.Line(absl::StrCat("running on ", graph::DescribeCpu()));
  absl::StatusOr<datasets::Dataset> data =
      configs::BuildDataset(PredictInputSpec(config->eval.input, cl.input));
  if (!data.ok()) return Report(io, std::string(data.status().message()), kExitFailure);
  absl::StatusOr<datasets::Iterator> it = data->MakeIterator();
  if (!it.ok()) return Report(io, std::string(it.status().message()), kExitFailure);
  estimator::Predictor& p = **predictor;
  PredictionWriter writer(*format, io.out, cl.output);
  datasets::Element batch;
  std::vector<graph::Tensor> inputs, outputs;
  std::vector<std::string> output_names;
  for (const estimator::TensorSpec& spec : p.signature().outputs) output_names.push_back(spec.name);
  absl::Status st;
  while (st.ok()) {
    bool end = false;
    st = it->GetNext(&batch, &end);
    if (!st.ok() || end) break;
    st = GatherInputs(p.signature(), batch, &inputs);
    if (st.ok()) st = p.Run(inputs, &outputs);
    if (!st.ok()) break;
    const graph::Tensor* first = !inputs.empty() ? &inputs[0] : !outputs.empty() ? &outputs[0] : nullptr;
    const int64_t n = first != nullptr && first->rank() > 0 ? first->dim(0) : 0;
    inputs.clear();  // the batch's storage may then be reused by the pipeline
    absl::StatusOr<std::vector<std::map<std::string, graph::Tensor>>> examples =
        estimator::SplitExamples(output_names, outputs, n);
    if (!examples.ok()) st = examples.status();
    for (size_t i = 0; st.ok() && i < examples->size(); ++i) st = writer.Add((*examples)[i]);
  }
  if (st.ok()) {
    st = writer.Finish();
  } else {
    io.out->flush();
  }
  if (!st.ok()) return Report(io, std::string(st.message()), kExitFailure);
  console.Line(absl::StrCat(writer.count(), " predictions from ", p.dir(),
                            cl.output.empty() ? "" : absl::StrCat(" written to ", cl.output)));
  return kExitOk;
}

}  // namespace cli
