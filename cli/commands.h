// The subcommands of the `estimator` command: train, evaluate, predict, export, train_and_evaluate,
// print-config and list-models (see Usage() in cli/command_line.h). The models are those in the model
// registry: a program that links the `estimator_main` library gets this command line with its own models.
#ifndef CLI_COMMANDS_H_
#define CLI_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

namespace cli {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a failure while running (I/O, training, a bad record, ...)
inline constexpr int kExitUsage = 2;    // a usage or config error; nothing was written

// Where a run writes. `out`: results (metrics tables, predictions, configs); `err`: logs, progress and
// errors. `terminal`: err is a terminal (a live progress line instead of log lines). Not owned.
struct CliIo {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool terminal = false;
};

// `estimator --version`: the version, then the CPU and the ISA oneDNN dispatches to (graph::DescribeCpu()).
std::string VersionText();

// Runs the command line `args` (argv without the program name) and returns the exit code. Usage and config
// errors are reported before any file is written. Never throws; one run at a time per process (training
// installs signal handlers).
int RunCli(const std::vector<std::string>& args, const CliIo& io);

// main() of the `estimator` command: checks the model registrations (a duplicate name is reported and gives
// kExitFailure), then RunCli with std::cout / std::cerr (terminal when stderr is a tty).
int CliMain(int argc, char** argv);

}  // namespace cli

#endif  // CLI_COMMANDS_H_
