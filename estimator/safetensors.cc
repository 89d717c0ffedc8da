#include "estimator/safetensors.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <functional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "estimator/atomic_file.h"
#include "estimator/crc32c.h"
#include "nlohmann/json.hpp"

namespace estimator {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is stored little-endian");

using Json = nlohmann::json;

// One tensor as described by the header.
struct Entry {
  std::string name;
  graph::DType dtype;
  graph::Shape shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

struct Header {
  std::vector<Entry> entries;
  std::map<std::string, std::string> metadata;  // Without checksums.
  std::map<std::string, uint32_t> checksums;    // Tensor name -> CRC32C.
};

// Reads `size` bytes at byte `offset` of the file into `dst`.
using ReadFn = std::function<absl::Status(uint64_t offset, void* dst, size_t size)>;

absl::Status Invalid(const std::string& source, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
}

constexpr std::pair<const char*, graph::DType> kDTypeNames[] = {{"F32", graph::DType::kFloat32},
                                                                {"I32", graph::DType::kInt32},
                                                                {"I64", graph::DType::kInt64},
                                                                {"BOOL", graph::DType::kBool},
                                                                {"BF16", graph::DType::kBFloat16}};

bool ParseDType(const std::string& s, graph::DType* dtype) {
  for (const auto& [name, value] : kDTypeNames) {
    if (s != name) continue;
    *dtype = value;
    return true;
  }
  return false;
}

using NamedTensor = std::pair<std::string, graph::Tensor>;

std::vector<const NamedTensor*> SortedByName(const std::vector<NamedTensor>& tensors) {
  std::vector<const NamedTensor*> sorted;
  for (const NamedTensor& t : tensors) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return sorted;
}

std::string RangeString(const Entry& e) { return absl::StrCat("[", e.begin, ",", e.end, "]"); }

absl::StatusOr<uint64_t> ParseUnsigned(const Json& value, const std::string& source,
                                       const std::string& what) {
  if (!value.is_number_unsigned())
    return Invalid(source, absl::StrCat(what, " is not a non-negative integer"));
  return value.get<uint64_t>();
}

absl::StatusOr<Entry> ParseEntry(const std::string& name, const Json& info, const std::string& source) {
  const std::string where = absl::StrCat("tensor '", name, "'");
  if (!info.is_object()) return Invalid(source, absl::StrCat(where, " is not a JSON object"));
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    if (!info.contains(field)) return Invalid(source, absl::StrCat(where, " has no \"", field, "\""));
  }
  Entry e;
  e.name = name;
  const Json& dtype = info["dtype"];
  if (!dtype.is_string() || !ParseDType(dtype.get<std::string>(), &e.dtype)) {
    return Invalid(source, absl::StrCat(where, " has unsupported dtype ", dtype.dump(),
                                        " (expected F32, I32, I64, BOOL or BF16)"));
  }
  const Json& shape = info["shape"];
  if (!shape.is_array()) return Invalid(source, absl::StrCat(where, " \"shape\" is not an array"));
  const uint64_t element_size = graph::DTypeSize(e.dtype);
  uint64_t elements = 1;
  for (const Json& d : shape) {
    absl::StatusOr<uint64_t> dim = ParseUnsigned(d, source, absl::StrCat(where, " shape dimension"));
    if (!dim.ok()) return dim.status();
    if (*dim > (uint64_t{1} << 62) || (*dim != 0 && elements > (uint64_t{1} << 62) / *dim)) {
      return Invalid(source, absl::StrCat(where, " shape ", shape.dump(), " is too large"));
    }
    elements *= *dim;
    e.shape.AddDim(static_cast<int64_t>(*dim));
  }
  const Json& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2) {
    return Invalid(source, absl::StrCat(where, " \"data_offsets\" is not a [begin, end] pair"));
  }
  absl::StatusOr<uint64_t> begin =
      ParseUnsigned(offsets[0], source, absl::StrCat(where, " data_offsets begin"));
  if (!begin.ok()) return begin.status();
  absl::StatusOr<uint64_t> end = ParseUnsigned(offsets[1], source, absl::StrCat(where, " data_offsets end"));
  if (!end.ok()) return end.status();
  e.begin = *begin;
  e.end = *end;
  if (e.end < e.begin)
    return Invalid(source, absl::StrCat(where, " data_offsets ", RangeString(e), " end before begin"));
  if (e.end - e.begin != elements * element_size) {
    return Invalid(source, absl::StrFormat("%s shape %s of %s needs %d bytes but data_offsets %s hold %d",
                                           where, e.shape.ToString(), dtype.get<std::string>(),
                                           elements * element_size, RangeString(e), e.end - e.begin));
  }
  return e;
}

absl::Status ParseMetadata(const Json& meta, const std::string& source, Header* header) {
  if (!meta.is_object()) return Invalid(source, "\"__metadata__\" is not a JSON object");
  for (const auto& [key, value] : meta.items()) {
    if (!value.is_string()) {
      return Invalid(source, absl::StrCat("\"__metadata__\" entry '", key, "' is not a string"));
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (!absl::StartsWith(key, kCrc32cKeyPrefix)) {
      header->metadata[key] = text;
      continue;
    }
    const std::string tensor = key.substr(std::strlen(kCrc32cKeyPrefix));
    uint32_t crc = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), crc, 16);
    if (text.size() != 8 || error != std::errc() || end != text.data() + text.size()) {
      return Invalid(source,
                     absl::StrCat("tensor '", tensor, "' checksum \"", text, "\" is not 8 hex digits"));
    }
    header->checksums[tensor] = crc;
  }
  return absl::OkStatus();
}

// Parses and validates the JSON header against a data section of `data_size` bytes.
absl::StatusOr<Header> ParseHeader(absl::string_view text, uint64_t data_size, const std::string& source) {
  std::set<std::string> seen;
  std::string duplicate;
  Json json;
  try {
    json = Json::parse(text.begin(), text.end(), [&](int depth, Json::parse_event_t event, Json& parsed) {
      if (depth == 1 && event == Json::parse_event_t::key && !seen.insert(parsed.get<std::string>()).second) {
        duplicate = parsed.get<std::string>();
      }
      return true;
    });
  } catch (const Json::exception& e) {
    return Invalid(source, absl::StrCat("header is not valid JSON: ", e.what()));
  }
  if (!duplicate.empty())
    return Invalid(source, absl::StrCat("tensor '", duplicate, "' appears twice in the header"));
  if (!json.is_object()) return Invalid(source, "header is not a JSON object");
  Header header;
  for (const auto& [name, info] : json.items()) {
    if (name == "__metadata__") {
      absl::Status status = ParseMetadata(info, source, &header);
      if (!status.ok()) return status;
      continue;
    }
    absl::StatusOr<Entry> entry = ParseEntry(name, info, source);
    if (!entry.ok()) return entry.status();
    header.entries.push_back(*std::move(entry));
  }
  std::vector<const Entry*> by_offset;
  for (const Entry& e : header.entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry* e : by_offset) {
    if (e->end > data_size) {
      return Invalid(source,
                     absl::StrCat("tensor '", e->name, "' data_offsets ", RangeString(*e),
                                  " exceed the data section of ", data_size, " bytes (truncated file?)"));
    }
    if (e->begin < covered) {
      return Invalid(source, absl::StrCat("tensor '", e->name, "' data_offsets ", RangeString(*e),
                                          " overlap tensor '", previous->name, "' ", RangeString(*previous)));
    }
    if (e->begin > covered) {
      return Invalid(source, absl::StrCat("bytes [", covered, ",", e->begin,
                                          ") of the data section belong to no tensor"));
    }
    covered = e->end;
    if (e->end > e->begin || previous == nullptr) previous = e;
  }
  if (covered != data_size) {
    return Invalid(source,
                   absl::StrCat("data section has ", data_size - covered, " bytes after the last tensor"));
  }
  for (const auto& [name, crc] : header.checksums) {
    if (!seen.count(name) || name == "__metadata__") {
      return Invalid(source, absl::StrCat("checksum for unknown tensor '", name, "'"));
    }
  }
  return header;
}

// Fills tensors from the validated header (data section at `data_start`), checking bool bytes and checksums.
absl::StatusOr<SafetensorsFile> LoadTensors(Header header, const ReadFn& read, uint64_t data_start,
                                            const std::string& source) {
  SafetensorsFile file;
  file.path = source;
  for (const Entry& e : header.entries) {
    graph::Tensor tensor(e.dtype, e.shape);
    const size_t size = tensor.nbytes();
    if (size > 0) {
      absl::Status status = read(data_start + e.begin, tensor.raw_data(), size);
      if (!status.ok()) return status;
    }
    const auto* bytes = static_cast<const unsigned char*>(tensor.raw_data());
    if (e.dtype == graph::DType::kBool) {
      for (size_t i = 0; i < size; ++i) {
        if (bytes[i] > 1) {
          return Invalid(source, absl::StrCat("tensor '", e.name, "' element ", i, " is not a bool (byte ",
                                              static_cast<int>(bytes[i]), ")"));
        }
      }
    }
    auto crc = header.checksums.find(e.name);
    if (crc != header.checksums.end()) {
      const uint32_t computed = Crc32c(bytes, size);
      if (computed != crc->second) {
        return absl::DataLossError(
            absl::StrFormat("%s: tensor '%s' checksum mismatch: stored crc32c %08x, data has %08x", source,
                            e.name, crc->second, computed));
      }
    }
    file.tensors.emplace(e.name, std::move(tensor));
  }
  file.metadata = std::move(header.metadata);
  return file;
}

absl::StatusOr<SafetensorsFile> ReadAndValidate(uint64_t file_size, const ReadFn& read,
                                                const std::string& source) {
  if (file_size < 8) {
    return Invalid(source,
                   absl::StrCat("file is ", file_size, " bytes, shorter than the 8-byte header length"));
  }
  uint64_t n = 0;
  absl::Status status = read(0, &n, sizeof n);
  if (!status.ok()) return status;
  if (n > file_size - 8 || n > kMaxSafetensorsHeaderBytes) {
    return Invalid(source,
                   absl::StrCat("header length ", n, " exceeds the ", file_size - 8,
                                " bytes after the length field (truncated or not a safetensors file)"));
  }
  std::string text(n, '\0');
  status = read(8, text.data(), text.size());
  if (!status.ok()) return status;
  absl::StatusOr<Header> header = ParseHeader(text, file_size - 8 - n, source);
  if (!header.ok()) return header.status();
  return LoadTensors(*std::move(header), read, 8 + n, source);
}

}  // namespace

const char* SafetensorsDTypeName(graph::DType dtype) {
  for (const auto& [name, value] : kDTypeNames) {
    if (value == dtype) return name;
  }
  return "?";
}

absl::StatusOr<std::string> BuildSafetensorsHeader(
    const std::vector<std::pair<std::string, graph::Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata) {
  const std::vector<const NamedTensor*> sorted = SortedByName(tensors);
  std::map<std::string, std::string> all_metadata;
  for (const auto& [key, value] : metadata) {
    if (absl::StartsWith(key, kCrc32cKeyPrefix)) {
      return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' is reserved for checksums"));
    }
    all_metadata[key] = value;
  }
  std::string body;
  uint64_t offset = 0;
  try {
    for (size_t i = 0; i < sorted.size(); ++i) {
      const auto& [name, tensor] = *sorted[i];
      if (name.empty() || name == "__metadata__") {
        return absl::InvalidArgumentError(absl::StrCat("tensor name '", name, "' is not allowed"));
      }
      if (i > 0 && sorted[i - 1]->first == name) {
        return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "' is given twice"));
      }
      if (!tensor.IsValid())
        return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "' has no storage"));
      all_metadata[absl::StrCat(kCrc32cKeyPrefix, name)] =
          absl::StrFormat("%08x", Crc32c(tensor.raw_data(), tensor.nbytes()));
      std::string shape;
      for (int64_t d : tensor.shape().dims()) absl::StrAppend(&shape, shape.empty() ? "" : ",", d);
      absl::StrAppend(&body, ",", Json(name).dump(), ":{\"dtype\":\"", SafetensorsDTypeName(tensor.dtype()),
                      "\",\"shape\":[", shape, "],\"data_offsets\":[", offset, ",", offset + tensor.nbytes(),
                      "]}");
      offset += tensor.nbytes();
    }
    std::string header = "{";
    if (!all_metadata.empty()) header += absl::StrCat("\"__metadata__\":", Json(all_metadata).dump());
    header += all_metadata.empty() && !body.empty() ? body.substr(1) : body;
    header += "}";
    header.append((8 - header.size() % 8) % 8, ' ');
    return header;
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("tensor name or metadata is not valid UTF-8: ", e.what()));
  }
}

absl::Status WriteSafetensors(const std::string& path,
                              const std::vector<std::pair<std::string, graph::Tensor>>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  absl::StatusOr<std::string> header = BuildSafetensorsHeader(tensors, metadata);
  if (!header.ok())
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", path, ": ", header.status().message()));
  std::string prefix(8, '\0');
  const uint64_t n = header->size();
  std::memcpy(prefix.data(), &n, sizeof n);
  prefix += *header;
  const std::vector<const NamedTensor*> sorted = SortedByName(tensors);
  std::vector<ByteRange> pieces = {{prefix.data(), prefix.size()}};
  for (const auto* t : sorted) pieces.push_back({t->second.raw_data(), t->second.nbytes()});
  return WriteFileAtomically(path, pieces);
}

absl::StatusOr<SafetensorsFile> ReadSafetensors(const std::string& path) {
  absl::StatusOr<ReadOnlyFile> file = ReadOnlyFile::Open(path);
  if (!file.ok()) return file.status();
  return ReadAndValidate(
      file->size(), [&](uint64_t offset, void* dst, size_t size) { return file->ReadAt(offset, dst, size); },
      path);
}

absl::StatusOr<SafetensorsFile> ParseSafetensors(absl::string_view bytes, const std::string& source) {
  return ReadAndValidate(
      bytes.size(),
      [&](uint64_t offset, void* dst, size_t size) {
        std::memcpy(dst, bytes.data() + offset, size);
        return absl::OkStatus();
      },
      source);
}

}  // namespace estimator
