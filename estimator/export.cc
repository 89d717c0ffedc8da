// Writing, listing and reading export directories.
#include "estimator/export.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "estimator/atomic_file.h"
#include "estimator/crc32c.h"
#include "estimator/export_json.h"
#include "estimator/safetensors.h"
#include "graph/graph_io.h"

namespace estimator {
namespace {

namespace fs = std::filesystem;
using export_json::FileDigest;

absl::Status FsError(const std::string& what, const std::string& path, const std::error_code& ec) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", ec.message()));
}

// Writes one file of the export and records its digest.
absl::Status WriteExportFile(const std::string& dir, const std::string& name, absl::string_view bytes,
                             std::map<std::string, FileDigest>* files) {
  if (absl::Status st = WriteFileAtomically(dir + "/" + name, bytes); !st.ok()) return st;
  (*files)[name] = FileDigest{bytes.size(), Crc32c(bytes.data(), bytes.size())};
  return absl::OkStatus();
}

// Renames `from` to `to`; when `to` exists, swaps the two atomically (then `from` names the old one).
absl::Status RenameOrExchange(const std::string& from, const std::string& to, bool* exchanged) {
  *exchanged = false;
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
    return absl::OkStatus();
  if (errno == EEXIST) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) {
      *exchanged = true;
      return absl::OkStatus();
    }
  }
  return absl::InternalError(absl::StrCat("cannot move ", from, " to ", to, ": ", std::strerror(errno)));
}

// Fills `dir` (which exists and is empty) with the export's files.
absl::Status WriteExportFiles(const std::string& dir, const ExportContents& c) {
  absl::StatusOr<graph::SerializedGraph> serialized = graph::SerializeGraph(*c.graph);
  if (!serialized.ok()) return serialized.status();
  std::map<std::string, FileDigest> files;
  if (absl::Status st = WriteExportFile(dir, kExportGraphFile, serialized->json, &files); !st.ok()) return st;
  const std::string weights_path = dir + "/" + kExportWeightsFile;
  if (absl::Status st = WriteSafetensors(weights_path, serialized->tensors, {{"format", kExportFormatName}});
      !st.ok()) {
    return st;
  }
  absl::StatusOr<std::string> weights = ReadFileToString(weights_path);
  if (!weights.ok()) return weights.status();
  files[kExportWeightsFile] = FileDigest{weights->size(), Crc32c(weights->data(), weights->size())};
  const std::string signature = export_json::ToText(export_json::SignatureToJson(c.signature));
  if (absl::Status st = WriteExportFile(dir, kExportSignatureFile, signature, &files); !st.ok()) return st;
  ExportMetadata meta = c.metadata;
  meta.format_version = kExportFormatVersion;
  meta.has_onnx = !c.onnx_model.empty();
  if (meta.has_onnx) {
    if (absl::Status st = WriteExportFile(dir, kExportOnnxFile, c.onnx_model, &files); !st.ok()) return st;
  }
  // Written last: a directory with a complete metadata.json has every file it lists.
  const std::string metadata = export_json::ToText(export_json::MetadataToJson(meta, files));
  return WriteFileAtomically(dir + "/" + kExportMetadataFile, metadata);
}

// Removes exports beyond the `keep` newest, never `current`.
void PruneExports(const std::string& base, int keep, const std::string& current) {
  if (keep <= 0) return;
  std::vector<std::pair<int64_t, std::string>> all = ListExports(base);
  const int excess = static_cast<int>(all.size()) - keep;
  for (int i = 0; i < excess; ++i) {
    if (all[static_cast<size_t>(i)].second == current) continue;
    std::error_code ec;
    fs::remove_all(all[static_cast<size_t>(i)].second, ec);
  }
}

absl::Status CheckSignatureTensor(const TensorSpec& spec, const graph::Output& out, const std::string& source,
                                  const std::string& field) {
  if (out.dtype() != spec.dtype || !(out.shape() == spec.shape)) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", field, " '", spec.name, "' is declared ",
                                                   graph::DTypeName(spec.dtype), spec.shape.ToString(),
                                                   " but graph tensor '", spec.tensor, "' is ",
                                                   graph::DTypeName(out.dtype()), out.shape().ToString()));
  }
  return absl::OkStatus();
}

// Resolves "node" / "node:k" in `g`.
absl::StatusOr<graph::Output> FindTensor(const graph::Graph& g, const std::string& name,
                                         const std::string& source, const std::string& field) {
  std::string node_name = name;
  int index = 0;
  if (const size_t colon = name.rfind(':'); colon != std::string::npos) {
    if (!absl::SimpleAtoi(name.substr(colon + 1), &index) || index < 0) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", field, ": bad tensor name '", name, "'"));
    }
    node_name = name.substr(0, colon);
  }
  graph::Node* node = g.FindNode(node_name);
  if (node == nullptr || index >= node->num_outputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", field, ": tensor '", name, "' is not in ", kExportGraphFile));
  }
  return node->output(index);
}

}  // namespace

absl::Status ServingInput::Validate() const {
  if (features.empty()) return absl::InvalidArgumentError("ServingInput has no features");
  std::set<std::string> names;
  for (const ServingFeature& f : features) {
    if (f.name.empty()) return absl::InvalidArgumentError("ServingInput: a feature has an empty name");
    if (!names.insert(f.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("ServingInput: duplicate feature '", f.name, "'"));
    }
    if (f.shape.num_elements() < 0) {
      return absl::InvalidArgumentError(absl::StrCat("ServingInput: feature '", f.name, "' has shape ",
                                                     f.shape.ToString(),
                                                     "; per-example shapes must be fully defined"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::pair<int64_t, std::string>> ListExports(const std::string& export_dir_base) {
  std::vector<std::pair<int64_t, std::string>> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(export_dir_base, ec)) {
    const std::string name = e.path().filename().string();
    int64_t step = 0;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (!absl::SimpleAtoi(name, &step) || !e.is_directory(ec)) continue;
    out.emplace_back(step, e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::string> WriteExport(const std::string& export_dir_base, const ExportContents& contents,
                                        int keep) {
  if (contents.graph == nullptr) return absl::InvalidArgumentError("WriteExport: no graph");
  if (contents.metadata.global_step < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("WriteExport: negative global_step ", contents.metadata.global_step));
  }
  std::error_code ec;
  fs::create_directories(export_dir_base, ec);
  if (ec) return FsError("cannot create", export_dir_base, ec);
  const std::string final_dir = absl::StrCat(export_dir_base, "/", contents.metadata.global_step);
  const std::string tmp_dir =
      absl::StrCat(export_dir_base, "/.tmp-", contents.metadata.global_step, "-", ::getpid());
  fs::remove_all(tmp_dir, ec);
  fs::create_directory(tmp_dir, ec);
  if (ec) return FsError("cannot create", tmp_dir, ec);
  absl::Status st = WriteExportFiles(tmp_dir, contents);
  if (st.ok()) st = SyncDirectory(tmp_dir);
  bool exchanged = false;
  if (st.ok()) st = RenameOrExchange(tmp_dir, final_dir, &exchanged);
  if (st.ok()) st = SyncDirectory(export_dir_base);
  // On failure the temporary directory goes; after an exchange it holds the replaced export.
  fs::remove_all(tmp_dir, ec);
  if (!st.ok()) return st;
  PruneExports(export_dir_base, keep, final_dir);
  return final_dir;
}

absl::StatusOr<LoadedExport> ReadExport(const std::string& dir) {
  const std::string meta_path = dir + "/" + kExportMetadataFile;
  absl::StatusOr<std::string> meta_text = ReadFileToString(meta_path);
  if (!meta_text.ok()) {
    if (absl::IsNotFound(meta_text.status())) {
      std::error_code ec;
      return absl::NotFoundError(fs::is_directory(dir, ec)
                                     ? absl::StrCat(dir, " is not an export: it has no ", kExportMetadataFile)
                                     : absl::StrCat("export directory ", dir, " does not exist"));
    }
    return meta_text.status();
  }
  nlohmann::json meta_json = nlohmann::json::parse(*meta_text, nullptr, /*allow_exceptions=*/false);
  if (meta_json.is_discarded()) {
    return absl::DataLossError(absl::StrCat(meta_path, ": not valid JSON (truncated or corrupt)"));
  }
  LoadedExport out;
  out.dir = dir;
  std::map<std::string, FileDigest> files;
  absl::StatusOr<ExportMetadata> meta = export_json::MetadataFromJson(meta_json, meta_path, &files);
  if (!meta.ok()) return meta.status();
  out.metadata = *std::move(meta);
  for (const char* required : {kExportGraphFile, kExportWeightsFile, kExportSignatureFile}) {
    if (!files.count(required)) {
      return absl::InvalidArgumentError(absl::StrCat(meta_path, ": files.", required, ": missing"));
    }
  }
  // Every listed file must be there, whole and unchanged.
  std::map<std::string, std::string> contents;
  for (const auto& [name, digest] : files) {
    const std::string path = dir + "/" + name;
    absl::StatusOr<std::string> bytes = ReadFileToString(path);
    if (!bytes.ok()) {
      if (absl::IsNotFound(bytes.status())) {
        return absl::DataLossError(absl::StrCat(path, ": missing (listed in ", kExportMetadataFile, ")"));
      }
      return bytes.status();
    }
    if (bytes->size() != digest.bytes) {
      return absl::DataLossError(absl::StrCat(path, ": ", bytes->size(), " bytes, ", kExportMetadataFile,
                                              " says ", digest.bytes, " (truncated or replaced)"));
    }
    if (Crc32c(bytes->data(), bytes->size()) != digest.crc32c) {
      return absl::DataLossError(absl::StrCat(path, ": CRC32C mismatch (the file is corrupt)"));
    }
    contents[name] = *std::move(bytes);
  }
  const std::string sig_path = dir + "/" + kExportSignatureFile;
  nlohmann::json sig_json = nlohmann::json::parse(contents[kExportSignatureFile], nullptr, false);
  if (sig_json.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(sig_path, ": not valid JSON"));
  absl::StatusOr<Signature> sig = export_json::SignatureFromJson(sig_json, sig_path);
  if (!sig.ok()) return sig.status();
  out.signature = *std::move(sig);
  absl::StatusOr<SafetensorsFile> weights =
      ParseSafetensors(contents[kExportWeightsFile], dir + "/" + kExportWeightsFile);
  if (!weights.ok()) return weights.status();
  absl::StatusOr<std::unique_ptr<graph::Graph>> g =
      graph::DeserializeGraph(contents[kExportGraphFile], weights->tensors, dir + "/" + kExportGraphFile);
  if (!g.ok()) return g.status();
  out.graph = *std::move(g);
  for (size_t i = 0; i < out.signature.inputs.size(); ++i) {
    const TensorSpec& spec = out.signature.inputs[i];
    const std::string field = absl::StrCat("inputs[", i, "]");
    absl::StatusOr<graph::Output> t = FindTensor(*out.graph, spec.tensor, sig_path, field);
    if (!t.ok()) return t.status();
    if (t->node->kind() != graph::OpKind::kPlaceholder) {
      return absl::InvalidArgumentError(
          absl::StrCat(sig_path, ": ", field, ": '", spec.tensor, "' is not a placeholder of the graph"));
    }
    if (absl::Status st = CheckSignatureTensor(spec, *t, sig_path, field); !st.ok()) return st;
    out.inputs.push_back(*t);
  }
  for (size_t i = 0; i < out.signature.outputs.size(); ++i) {
    const TensorSpec& spec = out.signature.outputs[i];
    const std::string field = absl::StrCat("outputs[", i, "]");
    absl::StatusOr<graph::Output> t = FindTensor(*out.graph, spec.tensor, sig_path, field);
    if (!t.ok()) return t.status();
    if (absl::Status st = CheckSignatureTensor(spec, *t, sig_path, field); !st.ok()) return st;
    out.outputs.push_back(*t);
  }
  return out;
}

}  // namespace estimator
