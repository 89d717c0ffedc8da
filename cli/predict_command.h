// The `predict` subcommand: per-example predictions as JSON lines.
#ifndef CLI_PREDICT_COMMAND_H_
#define CLI_PREDICT_COMMAND_H_

#include <map>
#include <string>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "configs/config.h"
#include "graph/tensor.h"

namespace cli {

// One example's predictions as a JSON object on one line (no newline): each tensor as a number (scalar) or
// nested arrays following its shape; integers as integers, bool as true/false, floats in their shortest
// exact f32 form, NaN and infinities as null. Keys in name order.
std::string PredictionJson(const std::map<std::string, graph::Tensor>& example);

// Predicts with the latest checkpoint (or cl.checkpoint) over eval.input, or over cl.input (the data file
// replacing eval.input's: the CSV path, or the IDX images with no labels). Lines go to io.out, or to
// cl.output written atomically once every prediction is made (an existing file is only replaced then).
// Returns the exit code: kExitUsage for an unreadable --input (nothing is written), kExitFailure for a
// failure while predicting.
int Predict(const CommandLine& cl, const configs::Config& config, const CliIo& io);

}  // namespace cli

#endif  // CLI_PREDICT_COMMAND_H_
