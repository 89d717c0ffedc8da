// Reading whole input files, transparently gunzipping them.
#ifndef DATASETS_FILE_READER_H_
#define DATASETS_FILE_READER_H_

#include <string>

#include "absl/status/statusor.h"

namespace datasets {

// Returns the bytes of the file at `path`. If the file starts with the gzip magic (1f 8b) it is decompressed
// with zlib (concatenated members are joined); a truncated or corrupt stream is an error. Errors name the
// path: NotFound for a missing file, DataLoss for bad gzip data. Thread-safe.
absl::StatusOr<std::string> ReadFileMaybeGzip(const std::string& path);

}  // namespace datasets

#endif  // DATASETS_FILE_READER_H_
