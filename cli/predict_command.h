// The `predict` subcommand from a checkpoint: per-example predictions as JSON lines or CSV.
#ifndef CLI_PREDICT_COMMAND_H_
#define CLI_PREDICT_COMMAND_H_

#include <string>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/prediction_output.h"
#include "configs/config.h"
#include "configs/input_spec.h"

namespace cli {

// `eval` with its data file replaced by `input` (empty: unchanged): the CSV path, or the IDX images with
// no labels.
configs::InputSpec PredictInputSpec(const configs::InputSpec& eval, const std::string& input);

// Predicts with the latest checkpoint (or cl.checkpoint) over eval.input, or over cl.input (see
// PredictInputSpec), in cl.output_format (see PredictionWriter). Rows go to io.out, or to cl.output written
// atomically once every prediction is made (an existing file is only replaced then). Returns the exit code:
// kExitUsage for an unreadable --input (nothing is written), kExitFailure for a failure while predicting.
int Predict(const CommandLine& cl, const configs::Config& config, const CliIo& io);

}  // namespace cli

#endif  // CLI_PREDICT_COMMAND_H_
