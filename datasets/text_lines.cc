#include "datasets/text_lines.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "datasets/file_reader.h"

namespace datasets {
namespace {

class TextLinesDataset : public DatasetBase {
 public:
  TextLinesDataset(std::string path, std::string text, LineParser parser, const TextLinesOptions& options)
      : path_(std::move(path)), text_(std::move(text)), parser_(std::move(parser)) {
    size_t start = 0;
    int64_t number = 0;
    while (start < text_.size()) {
      size_t end = text_.find('\n', start);
      const size_t next = end == std::string::npos ? text_.size() : end + 1;
      if (end == std::string::npos) end = text_.size();
      size_t stop = end;
      if (stop > start && text_[stop - 1] == '\r') --stop;
      ++number;
      if (number > options.skip_header_lines && !(options.skip_empty_lines && stop == start)) {
        lines_.push_back(Line{start, stop - start, number});
      }
      start = next;
    }
  }

  std::string Describe() const override { return absl::StrCat("TextLines(", path_, ")"); }
  int64_t Cardinality() const override { return static_cast<int64_t>(lines_.size()); }
  bool RandomAccess() const override { return true; }

  absl::Status Get(int64_t index, Element* out) const override {
    if (index < 0 || index >= Cardinality())
      return absl::OutOfRangeError(absl::StrCat(Describe(), ": no line ", index));
    const Line& l = lines_[static_cast<size_t>(index)];
    absl::Status s = parser_(absl::string_view(text_.data() + l.offset, l.size), l.number, out);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("'", path_, "' line ", l.number, ": ", s.message()));
    }
    return absl::OkStatus();
  }

 private:
  struct Line {
    size_t offset;
    size_t size;
    int64_t number;
  };
  std::string path_;
  std::string text_;
  LineParser parser_;
  std::vector<Line> lines_;
};

}  // namespace

absl::Status BytesLineParser(absl::string_view line, int64_t /*line_number*/, Element* out) {
  graph::Tensor* t =
      out->ReuseAt(0, "line", graph::DType::kInt32, graph::Shape{static_cast<int64_t>(line.size())});
  int32_t* p = t->data<int32_t>();
  for (size_t i = 0; i < line.size(); ++i) p[i] = static_cast<unsigned char>(line[i]);
  out->Truncate(1);
  return absl::OkStatus();
}

absl::Status TextLinesOptions::Validate() const {
  if (skip_header_lines < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("TextLinesOptions: skip_header_lines must be >= 0, got ", skip_header_lines));
  }
  return absl::OkStatus();
}

Dataset TextLines(const std::string& path, LineParser parser, const TextLinesOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return Dataset::FromStatus(s);
  if (!parser) return Dataset::FromStatus(absl::InvalidArgumentError("TextLines: null parser"));
  absl::StatusOr<std::string> text = ReadFileMaybeGzip(path);
  if (!text.ok()) return Dataset::FromStatus(text.status());
  return Dataset(std::make_shared<TextLinesDataset>(path, *std::move(text), std::move(parser), options));
}

}  // namespace datasets
