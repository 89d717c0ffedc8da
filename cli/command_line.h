// The `estimator` command line: subcommands, their flags and their usage texts.
#ifndef CLI_COMMAND_LINE_H_
#define CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cli {

// A parsed command line. Flags a command does not take are usage errors.
struct CommandLine {
  std::string command;            // "train", "evaluate", ... (see CommandNames())
  std::string config;             // --config FILE
  std::vector<std::string> sets;  // --set key.path=value, in order
  std::string model_dir;          // --model_dir DIR (overrides run.model_dir)
  std::string checkpoint;         // --checkpoint FILE (evaluate, predict, export)
  std::string input;              // --input FILE (predict)
  std::string output;             // --output FILE (predict)
  std::string output_format;      // --output_format jsonl|csv (predict; empty: jsonl)
  std::string format;             // --format safetensors|onnx (export; empty: export.format)
  std::string export_dir;         // --export_dir DIR (export: the base directory; predict: an export)
  bool help = false;              // --help / -h
  bool version = false;           // --version
};

// The subcommands, in the order the usage text lists them.
const std::vector<std::string>& CommandNames();

// Parses `args` (argv without the program name). Flags take their value as the next argument or after '='
// (`--config=x.yaml`). `--help` anywhere sets `help` (a missing command is then allowed). Errors
// (InvalidArgument, the message says what is wrong): no or an unknown command (with a suggestion), an
// unknown flag or one the command does not take, a flag without value, a stray argument, a `--set` without
// '=', an unknown --format or --output_format value (with a suggestion), a missing --config for commands
// that need one (unless `help`; predict needs it only without --export_dir), and --checkpoint or
// --model_dir with predict --export_dir (the export holds its weights).
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// The usage text of `command` (every command and flag when `command` is empty or unknown), ending in '\n'.
std::string Usage(const std::string& command);

}  // namespace cli

#endif  // CLI_COMMAND_LINE_H_
