// `estimator predict --export_dir DIR`: predictions from an export (estimator/export.h) through a Predictor,
// without the model's code or a model_dir.
#ifndef CLI_SERVING_PREDICT_H_
#define CLI_SERVING_PREDICT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "estimator/export.h"
#include "graph/tensor.h"

namespace cli {

// Runs the export cl.export_dir over the eval.input of cl.config — or, without --config, of the config
// stored in the export's metadata.json (cl.sets apply to either) — with cl.input replacing its data file
// (see PredictInputSpec). Each batch's components named like the signature's inputs are fed (labels and
// other components are ignored). Rows, in input order and in cl.output_format, go to io.out or to cl.output
// written atomically at the end. Returns the exit code: kExitUsage for config errors (also a stored config
// that does not load, or has no eval section) and an unreadable --input, kExitFailure for an export that
// does not load (the message names the directory), a signature input missing from the data (named), and
// failures while predicting.
int PredictFromExport(const CommandLine& cl, const CliIo& io);

}  // namespace cli

#endif  // CLI_SERVING_PREDICT_H_
