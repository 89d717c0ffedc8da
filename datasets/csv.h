// CSV files (raw or gzip) of numeric columns.
#ifndef DATASETS_CSV_H_
#define DATASETS_CSV_H_

#include <string>
#include <utility>
#include <vector>

#include "datasets/dataset.h"
#include "graph/dtype.h"

namespace datasets {

struct CsvOptions {
  // The first record names the columns. Without a header columns are named "column_0", "column_1", ...
  bool header = true;
  char delimiter = ',';
  // Fields may be enclosed in this character; inside, a doubled quote is a literal quote and delimiters and
  // line breaks are data.
  char quote = '"';
  // Columns to emit, by name, in this order; empty = every column in file order.
  std::vector<std::string> select_columns;
  // Type of every column not listed in column_dtypes: kFloat32, kInt32 or kInt64.
  graph::DType default_dtype = graph::DType::kFloat32;
  std::vector<std::pair<std::string, graph::DType>> column_dtypes;
  // Text used for an empty field of the column; without one an empty field is an error.
  std::vector<std::pair<std::string, std::string>> column_defaults;
  // If set, this column is emitted last under the name label_key (it is added to select_columns if those do
  // not name it).
  std::string label_column;
  std::string label_key = "label";

  absl::Status Validate() const;
};

// One element per record: a scalar per selected column, e.g. {"x": f32[], "y": f32[], "label": i64[]}. The
// file is read and parsed when this is called; blank lines are skipped; "\r\n" line ends are accepted. Errors
// held by the returned Dataset name the file and line: a record with the wrong number of fields, an
// unparsable number, an empty field without default, an unterminated quote, an unknown selected column.
// Random-access.
Dataset Csv(const std::string& path, const CsvOptions& options = {});

}  // namespace datasets

#endif  // DATASETS_CSV_H_
