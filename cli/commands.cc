#include "cli/commands.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/command_line.h"
#include "cli/export_command.h"
#include "cli/predict_command.h"
#include "cli/progress_hook.h"
#include "cli/run_setup.h"
#include "cli/serving_predict.h"
#include "configs/config.h"
#include "estimator/atomic_file.h"
#include "estimator/model_registry.h"
#include "estimator/train_and_evaluate.h"
#include "graph/cpu_info.h"

namespace cli {
namespace {

int Fail(const CliIo& io, const std::string& command, const absl::Status& status, int code) {
  *io.err << "estimator " << command << ": " << (code == kExitUsage ? "" : "error: ") << status.message()
          << "\n";
  return code;
}

// Creates model_dir and writes the resolved config to model_dir/config.yaml atomically.
absl::Status WriteResolvedConfig(const configs::Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.run.model_dir, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot create ", config.run.model_dir, ": ", ec.message()));
  return estimator::WriteFileAtomically(config.run.model_dir + "/config.yaml", configs::PrintConfig(config));
}

void PrintEvalResult(std::ostream& out, const estimator::EvalResult& r) {
  auto row = [&out](const std::string& key, const std::string& value) {
    out << absl::StrFormat("%-16s %s\n", key, value);
  };
  row("global_step", absl::StrCat(r.global_step));
  row("examples", absl::StrCat(r.num_examples));
  row("loss", absl::StrFormat("%.6g", r.loss));
  for (const auto& [name, value] : r.metrics) row(name, absl::StrFormat("%.6g", value));
  row("checkpoint", r.checkpoint);
  out.flush();
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Train(const CommandLine& cl, const configs::Config& config, const CliIo& io) {
  Console console(io.err, io.terminal);
  absl::StatusOr<datasets::Dataset> data = TrainDataset(config, /*repeat_epochs=*/false);
  if (!data.ok()) return Fail(io, cl.command, data.status(), kExitFailure);
  auto est = MakeEstimator(config, &console);
  if (!est.ok()) return Fail(io, cl.command, est.status(), kExitFailure);
  if (absl::Status st = WriteResolvedConfig(config); !st.ok()) return Fail(io, cl.command, st, kExitFailure);
  auto progress = MakeProgressHook(config, *data, /*data_repeats_epochs=*/false, &console);
  const datasets::Dataset train_data = *data;
  const auto start = std::chrono::steady_clock::now();
  absl::Status st =
      (*est)->Train([train_data] { return train_data; }, config.train.ToTrainOptions(), {progress});
  if (!st.ok()) return Fail(io, cl.command, st, kExitFailure);
  absl::StatusOr<int64_t> step = (*est)->LiveGlobalStep();
  *io.out << absl::StrFormat("trained to global_step %d in %.1f s; model_dir %s\n", step.ok() ? *step : -1,
                             SecondsSince(start), config.run.model_dir);
  return kExitOk;
}

int Evaluate(const CommandLine& cl, const configs::Config& config, const CliIo& io) {
  Console console(io.err, io.terminal);
  auto est = MakeEstimator(config, &console);
  if (!est.ok()) return Fail(io, cl.command, est.status(), kExitFailure);
  estimator::EvalOptions options = config.eval.ToEvalOptions();
  options.checkpoint = cl.checkpoint;
  const configs::InputSpec spec = config.eval.input;
  absl::StatusOr<datasets::Dataset> data = configs::BuildDataset(spec);
  if (!data.ok()) return Fail(io, cl.command, data.status(), kExitFailure);
  const datasets::Dataset eval_data = *data;
  absl::StatusOr<estimator::EvalResult> r = (*est)->Evaluate([eval_data] { return eval_data; }, options);
  if (!r.ok()) return Fail(io, cl.command, r.status(), kExitFailure);
  PrintEvalResult(*io.out, *r);
  return kExitOk;
}

int TrainAndEvaluateCommand(const CommandLine& cl, const configs::Config& config, const CliIo& io) {
  Console console(io.err, io.terminal);
  if (config.train.steps > 0) {
    console.Line("note: train.steps is not used by train_and_evaluate (it trains to train.max_steps)");
  }
  absl::StatusOr<datasets::Dataset> train = TrainDataset(config, /*repeat_epochs=*/true);
  if (!train.ok()) return Fail(io, cl.command, train.status(), kExitFailure);
  absl::StatusOr<datasets::Dataset> eval = configs::BuildDataset(config.eval.input);
  if (!eval.ok()) return Fail(io, cl.command, eval.status(), kExitFailure);
  auto exporters = ConfiguredExporters(config);
  if (!exporters.ok()) return Fail(io, cl.command, exporters.status(), kExitFailure);
  auto est = MakeEstimator(config, &console);
  if (!est.ok()) return Fail(io, cl.command, est.status(), kExitFailure);
  if (absl::Status st = WriteResolvedConfig(config); !st.ok()) return Fail(io, cl.command, st, kExitFailure);
  configs::Config no_steps = config;
  no_steps.train.steps = 0;
  estimator::TrainSpec train_spec;
  const datasets::Dataset train_data = *train, eval_data = *eval;
  train_spec.input_fn = [train_data] { return train_data; };
  train_spec.max_steps = config.train.max_steps;
  train_spec.hooks = {MakeProgressHook(no_steps, train_data, /*data_repeats_epochs=*/true, &console)};
  estimator::EvalSpec eval_spec;
  eval_spec.input_fn = [eval_data] { return eval_data; };
  eval_spec.steps = config.eval.steps;
  eval_spec.every_steps = config.eval.every_steps;
  eval_spec.name = config.eval.name;
  eval_spec.early_stopping = config.eval.early_stopping;
  eval_spec.best_checkpoint = config.eval.best_checkpoint;
  eval_spec.exporters = *std::move(exporters);  // after every evaluation (export.exporter)
  const auto start = std::chrono::steady_clock::now();
  auto results = estimator::TrainAndEvaluate(**est, train_spec, eval_spec);
  if (!results.ok()) return Fail(io, cl.command, results.status(), kExitFailure);
  for (size_t i = 0; i + 1 < results->size(); ++i) {
    std::string line = absl::StrCat("evaluation at step ", (*results)[i].global_step, ": loss ",
                                    absl::StrFormat("%.6g", (*results)[i].loss));
    for (const auto& [k, v] : (*results)[i].metrics)
      absl::StrAppend(&line, absl::StrFormat(", %s %.6g", k, v));
    console.Line(line);
  }
  *io.out << absl::StrFormat("trained and evaluated in %.1f s; model_dir %s\n", SecondsSince(start),
                             config.run.model_dir);
  if (!results->empty()) PrintEvalResult(*io.out, results->back());
  return kExitOk;
}

int RunCommand(const CommandLine& cl, const CliIo& io) {
  if (cl.command == "list-models") {
    for (const std::string& name : estimator::ModelNames()) *io.out << name << "\n";
    return kExitOk;
  }
  if (cl.command == "predict" && !cl.export_dir.empty()) return PredictFromExport(cl, io);
  absl::StatusOr<configs::Config> config = LoadCliConfig(cl);
  if (!config.ok()) return Fail(io, cl.command, config.status(), kExitUsage);
  const bool needs_eval =
      cl.command == "evaluate" || cl.command == "predict" || cl.command == "train_and_evaluate";
  if (needs_eval && !config->eval.enabled) {
    return Fail(
        io, cl.command,
        absl::InvalidArgumentError(absl::StrCat(cl.config, ": ", cl.command, " needs an eval section")),
        kExitUsage);
  }
  if (cl.command == "print-config") {
    *io.out << configs::PrintConfig(*config) << std::flush;
    return kExitOk;
  }
  if (cl.command == "train") return Train(cl, *config, io);
  if (cl.command == "evaluate") return Evaluate(cl, *config, io);
  if (cl.command == "train_and_evaluate") return TrainAndEvaluateCommand(cl, *config, io);
  if (cl.command == "predict") return Predict(cl, *config, io);
  return ExportCommand(cl, *config, io);
}

}  // namespace

std::string VersionText() {
  return absl::StrCat("estimator ", ESTIMATOR_VERSION, "\n", graph::DescribeCpu(), "\n");
}

int RunCli(const std::vector<std::string>& args, const CliIo& io) {
  absl::StatusOr<CommandLine> cl = ParseCommandLine(args);
  if (!cl.ok()) {
    *io.err << "estimator: " << cl.status().message() << "\n" << Usage("");
    return kExitUsage;
  }
  if (cl->help) {
    *io.out << Usage(cl->command);
    return kExitOk;
  }
  if (cl->version) {
    *io.out << VersionText();
    return kExitOk;
  }
  return RunCommand(*cl, io);
}

int CliMain(int argc, char** argv) {
  if (absl::Status st = estimator::RegistrationStatus(); !st.ok()) {
    std::cerr << "estimator: error: " << st.message() << "\n";
    return kExitFailure;
  }
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  return RunCli(args, {.out = &std::cout, .err = &std::cerr, .terminal = isatty(2) == 1});
}

}  // namespace cli
