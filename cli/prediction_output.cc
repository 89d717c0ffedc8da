#include "cli/prediction_output.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "estimator/atomic_file.h"
#include "nlohmann/json.hpp"

namespace cli {
namespace {

// The shortest text that reads back as the f32 value `f` (finite).
std::string ShortestFloat(float f) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, res.ptr);
}

bool IsFloat(graph::DType t) { return t == graph::DType::kFloat32 || t == graph::DType::kBFloat16; }

nlohmann::json JsonElement(const graph::Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case graph::DType::kInt32:
      return t.data<int32_t>()[i];
    case graph::DType::kInt64:
      return t.data<int64_t>()[i];
    case graph::DType::kBool:
      return t.data<bool>()[i];
    case graph::DType::kFloat32:
    case graph::DType::kBFloat16: {
      const float f = static_cast<float>(t.ElementAsDouble(i));
      if (!std::isfinite(f)) return nullptr;
      return std::strtod(ShortestFloat(f).c_str(), nullptr);
    }
  }
  return nullptr;
}

std::string CsvElement(const graph::Tensor& t, int64_t i) {
  if (IsFloat(t.dtype())) {
    const float f = static_cast<float>(t.ElementAsDouble(i));
    if (std::isnan(f)) return "nan";
    if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
    return ShortestFloat(f);
  }
  switch (t.dtype()) {
    case graph::DType::kInt32:
      return absl::StrCat(t.data<int32_t>()[i]);
    case graph::DType::kInt64:
      return absl::StrCat(t.data<int64_t>()[i]);
    case graph::DType::kBool:
      return t.data<bool>()[i] ? "true" : "false";
    default:
      return "";
  }
}

// A CSV field: quoted (with quotes doubled) when it holds a delimiter, a quote or a line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Elements [offset, offset + product of dims[dim:]) of `t`, nested by the dims from `dim` on.
nlohmann::json Nested(const graph::Tensor& t, int dim, int64_t offset) {
  if (dim == t.rank()) return JsonElement(t, offset);
  int64_t stride = 1;
  for (int d = dim + 1; d < t.rank(); ++d) stride *= t.dim(d);
  nlohmann::json a = nlohmann::json::array();
  for (int64_t i = 0; i < t.dim(dim); ++i) a.push_back(Nested(t, dim + 1, offset + i * stride));
  return a;
}

}  // namespace

absl::StatusOr<PredictionFormat> ParsePredictionFormat(const std::string& name) {
  if (name.empty() || name == "jsonl") return PredictionFormat::kJsonLines;
  if (name == "csv") return PredictionFormat::kCsv;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown output format '", name, "'; expected jsonl or csv"));
}

std::string PredictionJson(const std::map<std::string, graph::Tensor>& example) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, t] : example) j[name] = Nested(t, 0, 0);
  return j.dump();
}

PredictionWriter::PredictionWriter(PredictionFormat format, std::ostream* out, std::string path)
    : format_(format), out_(out), path_(std::move(path)) {}

void PredictionWriter::Emit(const std::string& line) {
  if (path_.empty()) {
    *out_ << line << '\n';
  } else {
    absl::StrAppend(&buffer_, line, "\n");
  }
}

absl::Status PredictionWriter::Add(const std::map<std::string, graph::Tensor>& example) {
  if (format_ == PredictionFormat::kJsonLines) {
    Emit(PredictionJson(example));
    ++count_;
    return absl::OkStatus();
  }
  if (count_ == 0) {
    std::vector<std::string> header;
    for (const auto& [name, t] : example) {
      columns_.push_back({name, t.num_elements()});
      if (t.rank() == 0) {
        header.push_back(CsvField(name));
        continue;
      }
      for (int64_t i = 0; i < t.num_elements(); ++i) header.push_back(CsvField(absl::StrCat(name, "_", i)));
    }
    Emit(absl::StrJoin(header, ","));
  }
  if (example.size() != columns_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("example ", count_, " has ", example.size(),
                                                   " predictions but the first one has ", columns_.size()));
  }
  std::vector<std::string> row;
  size_t k = 0;
  for (const auto& [name, t] : example) {
    const auto& [column, elements] = columns_[k++];
    if (name != column || t.num_elements() != elements) {
      return absl::InvalidArgumentError(absl::StrCat(
          "example ", count_, ": prediction '", name, "' has ", t.num_elements(),
          " elements but the first example's '", column, "' has ", elements, " (CSV needs fixed columns)"));
    }
    for (int64_t i = 0; i < t.num_elements(); ++i) row.push_back(CsvElement(t, i));
  }
  Emit(absl::StrJoin(row, ","));
  ++count_;
  return absl::OkStatus();
}

absl::Status PredictionWriter::Finish() {
  if (path_.empty()) {
    out_->flush();
    return absl::OkStatus();
  }
  return estimator::WriteFileAtomically(path_, buffer_);
}

}  // namespace cli
