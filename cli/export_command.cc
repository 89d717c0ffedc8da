#include "cli/export_command.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/progress_hook.h"
#include "cli/run_setup.h"
#include "configs/input_spec.h"
#include "estimator/export.h"

namespace cli {
namespace {

// The export options of `config` with the resolved config stored in the metadata.
estimator::ExportOptions OptionsOf(const configs::Config& config) {
  estimator::ExportOptions options = config.export_.ToExportOptions();
  options.config = configs::PrintConfig(config);
  return options;
}

int Fail(const CliIo& io, const absl::Status& status) {
  *io.err << "estimator export: error: " << status.message() << "\n";
  return kExitFailure;
}

}  // namespace

absl::StatusOr<estimator::ServingInput> ConfiguredServingInput(const configs::Config& config) {
  const std::string section = config.eval.enabled ? "eval.input" : "train.input";
  auto named = [&section](const absl::Status& st) {
    return absl::Status(st.code(), absl::StrCat("the serving input from ", section, ": ", st.message()));
  };
  absl::StatusOr<datasets::Dataset> data =
      configs::BuildDataset(config.eval.enabled ? config.eval.input : config.train.input);
  if (!data.ok()) return named(data.status());
  const datasets::Dataset d = *data;
  absl::StatusOr<estimator::ServingInput> serving =
      estimator::ServingInputFromInput([d] { return d; }, LabelKeys());
  if (!serving.ok()) return named(serving.status());
  return serving;
}

absl::StatusOr<std::vector<std::shared_ptr<estimator::Exporter>>> ConfiguredExporters(
    const configs::Config& config) {
  std::vector<std::shared_ptr<estimator::Exporter>> exporters;
  const configs::ExportConfig& x = config.export_;
  if (x.exporter == "none") return exporters;
  absl::StatusOr<estimator::ServingInput> serving = ConfiguredServingInput(config);
  if (!serving.ok()) return serving.status();
  // Under export.dir when it is set, else under <model_dir>/export/.
  const std::string base = x.dir.empty() ? "" : x.dir + "/" + x.exporter;
  if (x.exporter == "latest") {
    exporters.push_back(
        std::make_shared<estimator::LatestExporter>("latest", *serving, OptionsOf(config), base));
  } else {
    exporters.push_back(std::make_shared<estimator::BestExporter>("best", *serving, x.metric, x.goal,
                                                                  OptionsOf(config), base));
  }
  return exporters;
}

int ExportCommand(const CommandLine& cl, const configs::Config& loaded, const CliIo& io) {
  // The flags become part of the config stored with the export.
  configs::Config config = loaded;
  if (!cl.format.empty()) config.export_.format = cl.format;
  if (!cl.export_dir.empty()) config.export_.dir = cl.export_dir;
  const std::string base = config.export_.dir.empty() ? config.run.model_dir + "/export" : config.export_.dir;

  Console console(io.err, io.terminal);
  absl::StatusOr<estimator::ServingInput> serving = ConfiguredServingInput(config);
  if (!serving.ok()) return Fail(io, serving.status());
  auto est = MakeEstimator(config, &console);
  if (!est.ok()) return Fail(io, est.status());
  estimator::ExportOptions options = OptionsOf(config);
  options.checkpoint = cl.checkpoint;
  absl::StatusOr<std::string> dir = (*est)->Export(base, *serving, options);
  if (!dir.ok()) return Fail(io, dir.status());
  // Read back: the export must load as a server would load it.
  absl::StatusOr<estimator::LoadedExport> exported = estimator::ReadExport(*dir);
  if (!exported.ok()) return Fail(io, exported.status());
  const estimator::ExportMetadata& meta = exported->metadata;
  // A summary in the evaluate command's layout (the Estimator has logged the export itself).
  auto row = [](const std::string& key, const std::string& value) {
    return absl::StrFormat("%-16s %s\n", key, value);
  };
  std::string text = row("export", *dir) + row("global_step", absl::StrCat(meta.global_step));
  if (meta.has_onnx) text += row("onnx", absl::StrCat(*dir, "/", estimator::kExportOnnxFile));
  text += row("rewrites", meta.rewrites.empty() ? "none" : absl::StrCat(meta.rewrites.size()));
  for (const std::string& r : meta.rewrites) absl::StrAppend(&text, "  ", r, "\n");
  *io.out << text << std::flush;
  return kExitOk;
}

}  // namespace cli
