#include "cli/command_line.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "configs/yaml_tree.h"

namespace cli {
namespace {

struct CommandInfo {
  const char* summary;
  std::vector<std::string> flags;  // flags besides --help
  bool needs_config;
  // Flag texts that differ from FlagHelp()'s for this command.
  std::map<std::string, std::string> help = {};
};

const std::map<std::string, CommandInfo>& Commands() {
  static const auto* commands = new std::map<std::string, CommandInfo>{
      {"train",
       {"train the configured model (train section); writes checkpoints, summaries and config.yaml to "
        "model_dir",
        {"config", "set", "model_dir"},
        true}},
      {"evaluate",
       {"evaluate a checkpoint on eval.input; prints the metrics and writes model_dir/eval/metrics.json",
        {"config", "set", "model_dir", "checkpoint"},
        true}},
      {"predict",
       {"write predictions for eval.input (or --input) as JSON lines or CSV to stdout or --output, from a "
        "checkpoint or, with --export_dir, from an export (no model code needed; the config defaults to the "
        "one stored in the export)",
        {"config", "set", "model_dir", "checkpoint", "input", "output", "output_format", "export_dir"},
        true,
        {{"export_dir", "an export directory (<export.dir>/<step>) to predict with"},
         {"config", "the YAML config (optional with --export_dir: the export's own by default)"}}}},
      {"export",
       {"export a checkpoint for serving to <export.dir>/<global_step>/: inference graph, weights, signature "
        "(and model.onnx with format onnx)",
        {"config", "set", "model_dir", "checkpoint", "format", "export_dir"},
        true,
        {{"export_dir", "write under DIR instead of export.dir (default <model_dir>/export)"}}}},
      {"train_and_evaluate",
       {"train with evaluations every eval.every_steps and at the end (early stopping, best checkpoint, "
        "export.exporter)",
        {"config", "set", "model_dir"},
        true}},
      {"print-config",
       {"print the resolved config, every default written out", {"config", "set", "model_dir"}, true}},
      {"list-models", {"list the registered models", {}, false}},
  };
  return *commands;
}

struct FlagInfo {
  std::string syntax;  // "--config FILE"
  std::string help;
};

const std::map<std::string, FlagInfo>& FlagHelp() {
  static const auto* help = new std::map<std::string, FlagInfo>{
      {"config", {"--config FILE", "the YAML config (docs/CONFIG.md)"}},
      {"set", {"--set key.path=value", "override one config key (repeatable; the value is YAML)"}},
      {"model_dir", {"--model_dir DIR", "use DIR instead of run.model_dir"}},
      {"checkpoint", {"--checkpoint FILE", "a checkpoint file (default: the latest in model_dir)"}},
      {"input", {"--input FILE", "data file replacing eval.input's (csv path, or idx images)"}},
      {"output", {"--output FILE", "write the predictions to FILE (atomically) instead of stdout"}},
      {"output_format", {"--output_format FORMAT", "jsonl (default: one JSON object per line) or csv"}},
      {"format", {"--format FORMAT", "safetensors or onnx (default: export.format)"}},
      {"export_dir", {"--export_dir DIR", ""}},
  };
  return *help;
}

// The value of flag `name` when it must be one of `names`; else a usage error with a suggestion.
absl::Status CheckChoice(const std::string& name, const std::string& value,
                         const std::vector<std::string>& names) {
  if (value.empty() || std::find(names.begin(), names.end(), value) != names.end()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--", name, " ", value, ": unknown value; ", configs::SuggestFrom(value, names)));
}

}  // namespace

const std::vector<std::string>& CommandNames() {
  static const auto* names = new std::vector<std::string>{
      "train", "evaluate", "predict", "export", "train_and_evaluate", "print-config", "list-models"};
  return *names;
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  std::vector<std::string> flags_seen;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h" || a == "-help") {
      cl.help = true;
      continue;
    }
    if (a == "--version") {
      cl.version = true;
      continue;
    }
    if (!absl::StartsWith(a, "--")) {
      positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (FlagHelp().count(name) == 0) {
      std::vector<std::string> known;
      for (const auto& [f, h] : FlagHelp()) known.push_back(f);
      known.push_back("help");
      known.push_back("version");
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag '--", name, "'; ", configs::SuggestFrom(name, known)));
    }
    if (!has_value) {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      value = args[++i];
    }
    flags_seen.push_back(name);
    if (name == "config") {
      cl.config = value;
    } else if (name == "set") {
      if (value.find('=') == std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("--set ", value, ": expected key.path=value (e.g. --set train.max_steps=100)"));
      }
      cl.sets.push_back(value);
    } else if (name == "model_dir") {
      cl.model_dir = value;
    } else if (name == "checkpoint") {
      cl.checkpoint = value;
    } else if (name == "input") {
      cl.input = value;
    } else if (name == "output") {
      cl.output = value;
    } else if (name == "output_format") {
      if (absl::Status st = CheckChoice(name, value, {"jsonl", "csv"}); !st.ok()) return st;
      cl.output_format = value;
    } else if (name == "format") {
      if (absl::Status st = CheckChoice(name, value, {"safetensors", "onnx"}); !st.ok()) return st;
      cl.format = value;
    } else if (name == "export_dir") {
      if (value.empty()) return absl::InvalidArgumentError("--export_dir needs a directory");
      cl.export_dir = value;
    }
  }
  if (positional.empty()) {
    if (cl.help || cl.version) return cl;
    return absl::InvalidArgumentError("no command given");
  }
  cl.command = positional[0];
  auto it = Commands().find(cl.command);
  if (it == Commands().end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown command '", cl.command, "'; ",
                                                   configs::SuggestFrom(cl.command, CommandNames())));
  }
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", positional[1], "'"));
  }
  const CommandInfo& info = it->second;
  for (const std::string& f : flags_seen) {
    if (std::find(info.flags.begin(), info.flags.end(), f) == info.flags.end()) {
      return absl::InvalidArgumentError(absl::StrCat(cl.command, " does not take --", f));
    }
  }
  const bool from_export = cl.command == "predict" && !cl.export_dir.empty();
  if (from_export) {
    for (const char* flag : {"checkpoint", "model_dir"}) {
      if (std::find(flags_seen.begin(), flags_seen.end(), flag) != flags_seen.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("predict --export_dir does not take --", flag, " (the export holds its weights)"));
      }
    }
  }
  if (info.needs_config && cl.config.empty() && !cl.help && !from_export) {
    return absl::InvalidArgumentError(absl::StrCat(cl.command, " needs --config FILE",
                                                   cl.command == "predict" ? " or --export_dir DIR" : ""));
  }
  return cl;
}

std::string Usage(const std::string& command) {
  auto it = Commands().find(command);
  if (it == Commands().end()) {
    std::string text =
        "usage: estimator <command> [--config FILE] [--set key.path=value]... [--model_dir DIR] [--help]\n"
        "       estimator --version\n\n"
        "commands:\n";
    for (const std::string& name : CommandNames()) {
      absl::StrAppend(&text, "  ", name, std::string(20 - std::min<size_t>(name.size(), 19), ' '),
                      Commands().at(name).summary, "\n");
    }
    absl::StrAppend(&text,
                    "\nexit codes: 0 success, 2 usage or config error (nothing is written), 1 failure while "
                    "running\n'estimator <command> --help' shows the command's flags.\n");
    return text;
  }
  const CommandInfo& info = it->second;
  const bool optional_config = command == "predict";  // not with --export_dir
  std::string text = absl::StrCat("usage: estimator ", command);
  for (const std::string& f : info.flags) {
    const std::string& flag = FlagHelp().at(f).syntax;
    absl::StrAppend(&text, f == "config" && !optional_config ? absl::StrCat(" ", flag)
                           : f == "set"                      ? absl::StrCat(" [", flag, "]...")
                                                             : absl::StrCat(" [", flag, "]"));
  }
  absl::StrAppend(&text, "\n\n", info.summary, "\n\nflags:\n");
  for (const std::string& f : info.flags) {
    const FlagInfo& flag = FlagHelp().at(f);
    auto own = info.help.find(f);
    absl::StrAppend(&text, "  ", absl::StrFormat("%-24s ", flag.syntax),
                    own != info.help.end() ? own->second : flag.help, "\n");
  }
  absl::StrAppend(&text, absl::StrFormat("  %-24s show this text\n", "--help"));
  return text;
}

}  // namespace cli
