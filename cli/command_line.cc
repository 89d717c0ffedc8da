#include "cli/command_line.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "configs/yaml_tree.h"

namespace cli {
namespace {

struct CommandInfo {
  const char* summary;
  std::vector<std::string> flags;  // flags besides --help
  bool needs_config;
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
       {"write predictions for eval.input (or --input) as JSON lines to stdout or --output",
        {"config", "set", "model_dir", "checkpoint", "input", "output"},
        true}},
      {"export", {"export the trained model for serving", {"config", "set", "model_dir"}, true}},
      {"train_and_evaluate",
       {"train with evaluations every eval.every_steps and at the end (early stopping, best checkpoint)",
        {"config", "set", "model_dir"},
        true}},
      {"print-config",
       {"print the resolved config, every default written out", {"config", "set", "model_dir"}, true}},
      {"list-models", {"list the registered models", {}, false}},
  };
  return *commands;
}

const std::map<std::string, std::string>& FlagHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"config", "--config FILE          the YAML config (docs/CONFIG.md)"},
      {"set", "--set key.path=value   override one config key (repeatable; the value is YAML)"},
      {"model_dir", "--model_dir DIR        use DIR instead of run.model_dir"},
      {"checkpoint", "--checkpoint FILE      a checkpoint file (default: the latest in model_dir)"},
      {"input", "--input FILE           data file replacing eval.input's (csv path, or idx images)"},
      {"output", "--output FILE          write the JSON lines to FILE (atomically) instead of stdout"},
  };
  return *help;
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
    }
  }
  if (positional.empty()) {
    if (cl.help) return cl;
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
  if (info.needs_config && cl.config.empty() && !cl.help) {
    return absl::InvalidArgumentError(absl::StrCat(cl.command, " needs --config FILE"));
  }
  return cl;
}

std::string Usage(const std::string& command) {
  auto it = Commands().find(command);
  if (it == Commands().end()) {
    std::string text =
        "usage: estimator <command> [--config FILE] [--set key.path=value]... [--model_dir DIR] [--help]\n\n"
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
  std::string text = absl::StrCat("usage: estimator ", command);
  for (const std::string& f : info.flags) {
    const std::string& help = FlagHelp().at(f);
    const std::string flag = help.substr(0, help.find("  "));  // "--model_dir DIR"
    absl::StrAppend(&text, f == "config" ? absl::StrCat(" ", flag)
                           : f == "set"  ? absl::StrCat(" [", flag, "]...")
                                         : absl::StrCat(" [", flag, "]"));
  }
  absl::StrAppend(&text, "\n\n", info.summary, "\n\nflags:\n");
  for (const std::string& f : info.flags) absl::StrAppend(&text, "  ", FlagHelp().at(f), "\n");
  absl::StrAppend(&text, "  --help                 show this text\n");
  return text;
}

}  // namespace cli
