// The `export` subcommand, and the exporters `train_and_evaluate` runs after its evaluations: serving
// exports of checkpoints (estimator/export.h) configured by the config's export section.
#ifndef CLI_EXPORT_COMMAND_H_
#define CLI_EXPORT_COMMAND_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "configs/config.h"
#include "estimator/exporters.h"

namespace cli {

// What an export of `config` is fed: the features (the components besides LabelKeys()) of the first batch
// of eval.input, or of train.input when there is no eval section. Reads that batch; errors name the input.
absl::StatusOr<estimator::ServingInput> ConfiguredServingInput(const configs::Config& config);

// The exporter export.exporter asks for: "latest" or "best" (the exporter's name too, so exports go to
// <run.model_dir>/export/<name>/), keeping export.keep exports in export.format with the resolved config in
// their metadata; "none" gives none. Reads the serving input (see ConfiguredServingInput) when there is one.
absl::StatusOr<std::vector<std::shared_ptr<estimator::Exporter>>> ConfiguredExporters(
    const configs::Config& config);

// Exports the latest checkpoint (or cl.checkpoint) to <base>/<global_step>/, base being cl.export_dir, else
// export.dir, else <run.model_dir>/export; cl.format overrides export.format. Prints the export's directory
// and the rewrites of the inference graph to io.out. Returns the exit code: kExitFailure when there is no
// checkpoint or the export fails (nothing is left half-written).
int ExportCommand(const CommandLine& cl, const configs::Config& config, const CliIo& io);

}  // namespace cli

#endif  // CLI_EXPORT_COMMAND_H_
