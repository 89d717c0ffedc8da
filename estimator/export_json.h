// JSON forms of an export's signature and metadata (shared by the export writer and reader).
#ifndef ESTIMATOR_EXPORT_JSON_H_
#define ESTIMATOR_EXPORT_JSON_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "estimator/export.h"
#include "nlohmann/json.hpp"

namespace estimator::export_json {

// Size and CRC32C of a file of the export, as listed in metadata.json.
struct FileDigest {
  uint64_t bytes = 0;
  uint32_t crc32c = 0;
};

nlohmann::ordered_json SignatureToJson(const Signature& signature);
// `source` names the file in errors; fields are named by their JSON path ("outputs[1].dtype").
absl::StatusOr<Signature> SignatureFromJson(const nlohmann::json& j, const std::string& source);

nlohmann::ordered_json MetadataToJson(const ExportMetadata& metadata,
                                      const std::map<std::string, FileDigest>& files);
// Checks the format name and version first (a newer version is FailedPrecondition).
absl::StatusOr<ExportMetadata> MetadataFromJson(const nlohmann::json& j, const std::string& source,
                                                std::map<std::string, FileDigest>* files);

// The text of a signature or metadata document: one top-level member per line, each element of a list of
// objects (and each member of an object of objects) on a line of its own, everything deeper compact.
std::string ToText(const nlohmann::ordered_json& j);

// "f32" -> kFloat32 ...; nullopt-like error for unknown names.
absl::StatusOr<graph::DType> ParseDType(const std::string& name);

}  // namespace estimator::export_json

#endif  // ESTIMATOR_EXPORT_JSON_H_
