// Readers of the config's nested blocks (input specs, model params, the optimizer), shared by the config
// parser. Each reads the block under `key` of `parent` into `out`; errors are positioned config errors.
#ifndef CONFIGS_SECTION_PARSERS_H_
#define CONFIGS_SECTION_PARSERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "configs/config.h"
#include "configs/config_reader.h"

namespace configs {

// An input spec (required: the key must be present). Data paths must be readable regular files.
absl::Status ParseInputSpec(const MapReader& parent, const std::string& key, InputSpec* out);

// model.params: scalars become bool / int64 / double / string (quoted scalars are always strings), lists of
// scalars become int, float (ints and floats mixed) or string lists. Maps and nested lists are refused.
absl::Status ParseParams(const MapReader& parent, const std::string& key, estimator::Params* out);

// The optimizer block: name, learning rate or schedule, the named optimizer's fields, clipping. Resolves
// every applicable field to its default and validates the result with layers::CreateOptimizer.
absl::Status ParseOptimizer(const MapReader& parent, const std::string& key, OptimizerConfig* out);

// The names of the fields of optimizer `name` besides learning_rate, in documentation order.
const std::vector<std::string>& OptimizerFields(const std::string& name);

// Names of learning-rate schedule types: constant, exponential_decay, ...
const std::vector<std::string>& ScheduleTypes();

}  // namespace configs

#endif  // CONFIGS_SECTION_PARSERS_H_
