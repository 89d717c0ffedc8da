#include "datasets/csv.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "datasets/file_reader.h"
#include "datasets/tensor_slices.h"

namespace datasets {
namespace {

bool AllowedDType(graph::DType t) {
  return t == graph::DType::kFloat32 || t == graph::DType::kInt32 || t == graph::DType::kInt64;
}

// Splits `text` into records of fields. Reports the line a record starts on.
class CsvReader {
 public:
  CsvReader(const std::string& path, const std::string& text, char delimiter, char quote)
      : path_(path), text_(text), delimiter_(delimiter), quote_(quote) {}

  // Reads the next non-blank record into *fields; false at the end of the text.
  absl::StatusOr<bool> Next(std::vector<std::string>* fields, int64_t* line) {
    // Skip blank lines.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    *line = line_;
    size_t n = 0;
    while (true) {
      if (n == fields->size()) fields->emplace_back();
      std::string& f = (*fields)[n++];
      f.clear();
      if (pos_ < text_.size() && text_[pos_] == quote_) {
        ++pos_;
        while (true) {
          if (pos_ >= text_.size()) {
            return absl::DataLossError(
                absl::StrCat("'", path_, "' line ", *line, ": unterminated quoted field"));
          }
          const char c = text_[pos_++];
          if (c == quote_) {
            if (pos_ < text_.size() && text_[pos_] == quote_) {
              f += quote_;
              ++pos_;
              continue;
            }
            break;
          }
          if (c == '\n') ++line_;
          f += c;
        }
        if (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
          return absl::DataLossError(
              absl::StrCat("'", path_, "' line ", line_, ": unexpected character after a quoted field"));
        }
      } else {
        const size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r')
          ++pos_;
        f.assign(text_, start, pos_ - start);
      }
      if (pos_ < text_.size() && text_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      // End of record.
      if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') {
        ++pos_;
        ++line_;
      }
      break;
    }
    fields->resize(n);
    return true;
  }

 private:
  const std::string& path_;
  const std::string& text_;
  char delimiter_, quote_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

struct Column {
  std::string name;       // output component name
  std::string file_name;  // name in the file
  int index = 0;          // position in the record
  graph::DType dtype = graph::DType::kFloat32;
  bool has_default = false;
  std::string default_text;
  std::vector<float> f32;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
};

absl::Status ParseField(const std::string& path, int64_t line, Column* col, const std::string& field) {
  const std::string& text = field.empty() && col->has_default ? col->default_text : field;
  if (text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' line ", line, ", column '", col->file_name,
                                                   "': empty field and no default"));
  }
  bool ok = false;
  switch (col->dtype) {
    case graph::DType::kFloat32: {
      float v;
      ok = absl::SimpleAtof(text, &v);
      if (ok) col->f32.push_back(v);
      break;
    }
    case graph::DType::kInt32: {
      int32_t v;
      ok = absl::SimpleAtoi(text, &v);
      if (ok) col->i32.push_back(v);
      break;
    }
    default: {
      int64_t v;
      ok = absl::SimpleAtoi(text, &v);
      if (ok) col->i64.push_back(v);
      break;
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' line ", line, ", column '", col->file_name,
                                                   "': cannot parse '", text, "' as ",
                                                   graph::DTypeName(col->dtype)));
  }
  return absl::OkStatus();
}

graph::Tensor ColumnTensor(const Column& c) {
  switch (c.dtype) {
    case graph::DType::kFloat32:
      return graph::Tensor::Vector<float>(c.f32);
    case graph::DType::kInt32:
      return graph::Tensor::Vector<int32_t>(c.i32);
    default:
      return graph::Tensor::Vector<int64_t>(c.i64);
  }
}

absl::StatusOr<Element> ReadCsv(const std::string& path, const CsvOptions& options) {
  absl::StatusOr<std::string> text = ReadFileMaybeGzip(path);
  if (!text.ok()) return text.status();
  CsvReader reader(path, *text, options.delimiter, options.quote);
  std::vector<std::string> fields;
  int64_t line = 0;
  absl::StatusOr<bool> more = reader.Next(&fields, &line);
  if (!more.ok()) return more.status();
  if (!*more) return absl::InvalidArgumentError(absl::StrCat("'", path, "': no records"));
  std::vector<std::string> names;
  const bool first_is_data = !options.header;
  if (options.header) {
    names = fields;
    for (size_t i = 0; i < names.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (names[i] == names[j]) {
          return absl::InvalidArgumentError(absl::StrCat("'", path, "' line ", line, ": column '", names[i],
                                                         "' appears twice in the header"));
        }
      }
    }
  } else {
    for (size_t i = 0; i < fields.size(); ++i) names.push_back(absl::StrCat("column_", i));
  }
  const size_t num_fields = names.size();

  std::vector<std::string> wanted = options.select_columns;
  if (wanted.empty()) wanted = names;
  if (!options.label_column.empty()) {
    std::vector<std::string> reordered;
    for (const std::string& w : wanted)
      if (w != options.label_column) reordered.push_back(w);
    reordered.push_back(options.label_column);
    wanted = std::move(reordered);
  }
  if (!options.label_column.empty()) {
    for (const std::string& w : wanted) {
      if (w == options.label_key && w != options.label_column) {
        return absl::InvalidArgumentError(absl::StrCat(
            "'", path, "': column '", w, "' has the same name as label_key; choose another label_key"));
      }
    }
  }
  std::vector<Column> columns(wanted.size());
  for (size_t k = 0; k < wanted.size(); ++k) {
    Column& c = columns[k];
    c.file_name = wanted[k];
    c.name = wanted[k] == options.label_column ? options.label_key : wanted[k];
    c.index = -1;
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == wanted[k]) c.index = static_cast<int>(i);
    if (c.index < 0) {
      return absl::InvalidArgumentError(absl::StrCat("'", path, "': no column named '", wanted[k], "'"));
    }
    c.dtype = options.default_dtype;
    for (const auto& [name, dtype] : options.column_dtypes)
      if (name == c.file_name) c.dtype = dtype;
    for (const auto& [name, text] : options.column_defaults) {
      if (name == c.file_name) {
        c.has_default = true;
        c.default_text = text;
      }
    }
  }
  for (const auto& [name, dtype] : options.column_dtypes) {
    bool known = false;
    for (const std::string& n : names) known = known || n == name;
    if (!known)
      return absl::InvalidArgumentError(
          absl::StrCat("'", path, "': column_dtypes names unknown column '", name, "'"));
  }

  bool have = first_is_data;
  while (true) {
    if (!have) {
      more = reader.Next(&fields, &line);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
    have = false;
    if (fields.size() != num_fields) {
      return absl::InvalidArgumentError(absl::StrCat("'", path, "' line ", line, ": expected ", num_fields,
                                                     " fields, got ", fields.size()));
    }
    for (Column& c : columns) {
      if (absl::Status s = ParseField(path, line, &c, fields[static_cast<size_t>(c.index)]); !s.ok())
        return s;
    }
  }
  Element columns_element;
  for (const Column& c : columns) columns_element.Set(c.name, ColumnTensor(c));
  return columns_element;
}

}  // namespace

absl::Status CsvOptions::Validate() const {
  if (delimiter == quote)
    return absl::InvalidArgumentError("CsvOptions: delimiter and quote are the same character");
  if (delimiter == '\n' || delimiter == '\r' || quote == '\n' || quote == '\r') {
    return absl::InvalidArgumentError("CsvOptions: delimiter and quote cannot be line breaks");
  }
  if (!AllowedDType(default_dtype))
    return absl::InvalidArgumentError("CsvOptions: default_dtype must be f32, i32 or i64");
  for (const auto& [name, dtype] : column_dtypes) {
    if (!AllowedDType(dtype)) {
      return absl::InvalidArgumentError(
          absl::StrCat("CsvOptions: column '", name, "' dtype must be f32, i32 or i64"));
    }
  }
  for (size_t i = 0; i < select_columns.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (select_columns[i] == select_columns[j]) {
        return absl::InvalidArgumentError(
            absl::StrCat("CsvOptions: column '", select_columns[i], "' selected twice"));
      }
    }
  }
  if (!label_column.empty() && label_key.empty())
    return absl::InvalidArgumentError("CsvOptions: empty label_key");
  return absl::OkStatus();
}

Dataset Csv(const std::string& path, const CsvOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return Dataset::FromStatus(s);
  absl::StatusOr<Element> columns = ReadCsv(path, options);
  if (!columns.ok()) return Dataset::FromStatus(columns.status());
  return FromTensorSlices(*columns);
}

}  // namespace datasets
