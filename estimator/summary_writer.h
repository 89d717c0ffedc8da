// TensorBoard event files: TFRecord framing, a buffered writer, a verifying reader and histogram summaries.
// The Event/Summary message structs and their wire codec are in estimator/protobuf_wire.h.
//
// File layout (TFRecord): each record is
//   uint64 length (LE) | uint32 masked CRC32C of those 8 bytes | data | uint32 masked CRC32C of the data
// with masked(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8, and each record's data is one serialized
// `tensorflow.Event`. The first record of every file is an Event whose file_version is "brain.Event:2". Field
// numbers follow TensorFlow's event.proto / summary.proto:
//   Event { double wall_time = 1; int64 step = 2; oneof { string file_version = 3; Summary summary = 5; } }
//   Summary { repeated Value value = 1; }
//   Summary.Value { string tag = 1; oneof { float simple_value = 2; HistogramProto histo = 5; } }
//   HistogramProto { double min = 1; max = 2; num = 3; sum = 4; sum_squares = 5;
//                    repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed]; }
#ifndef ESTIMATOR_SUMMARY_WRITER_H_
#define ESTIMATOR_SUMMARY_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "estimator/protobuf_wire.h"
#include "graph/tensor.h"

namespace estimator {

// Frames `data` as one TFRecord (12-byte header, data, 4-byte footer).
std::string FrameRecord(absl::string_view data);

// Reads every record of the event file at `path`, verifying both CRCs of each record, and decodes the events.
// Errors name the file, the 0-based record index and its byte offset: NotFound / PermissionDenied if the
// file cannot be opened, DataLoss for a truncated record or a CRC mismatch, InvalidArgument for a record
// that is not a valid Event.
absl::StatusOr<std::vector<Event>> ReadEventFile(const std::string& path);

// The bucket upper edges TensorFlow's histogram summaries use by default: 0, ±1e-12 * 1.1^k for every k with
// 1e-12 * 1.1^k < 1e20, and ±DBL_MAX; ascending (1551 edges). Computed once; thread-safe.
const std::vector<double>& DefaultHistogramBucketLimits();

// Summarizes the elements of `values` (any dtype, converted to double) over DefaultHistogramBucketLimits():
// each value counts in the first bucket whose limit is greater than it. Only non-empty buckets are kept,
// except that each run of empty buckets between them becomes one zero-count bucket (the run's last limit),
// as TensorFlow does. Fails on an invalid or empty tensor or on a NaN/infinite value.
absl::StatusOr<HistogramValue> MakeHistogram(const graph::Tensor& values);

// Options of SummaryWriter. Maps to nothing in YAML (the RunConfig's save_summary_steps decides when to
// write); exposed for tools and tests.
struct SummaryWriterOptions {
  // Pending record bytes beyond which an Add* call writes them out itself (so memory stays bounded when
  // Flush is rarely called). Must be > 0.
  size_t max_pending_bytes = size_t{1} << 20;

  // OK when every field is in range.
  absl::Status Validate() const;
};

// Appends summaries to a new event file `events.out.tfevents.<unix seconds>.<hostname>` in a directory
// (".<n>" is appended if that name already exists, so no existing file is ever overwritten). Records are
// buffered in memory: Add* calls make no system call until max_pending_bytes is exceeded or Flush() is
// called. Not thread-safe: callers serialize access (the chief's summary hook owns one writer per directory).
class SummaryWriter {
 public:
  // Creates `dir` (and its parents) if needed, creates the event file and writes and flushes its
  // file_version record. Errors name the directory or file.
  static absl::StatusOr<std::unique_ptr<SummaryWriter>> Create(const std::string& dir,
                                                               const SummaryWriterOptions& options = {});

  // Close()s the file if it is still open; errors are dropped (call Close() first to see them).
  ~SummaryWriter();
  SummaryWriter(const SummaryWriter&) = delete;
  SummaryWriter& operator=(const SummaryWriter&) = delete;

  // Queues one Event at `step` holding the scalar `value` (stored as float, as TensorBoard does) under
  // `tag`. Fails on an empty tag, or with the file named if an automatic write fails.
  absl::Status AddScalar(absl::string_view tag, int64_t step, double value);
  // Queues one Event at `step` holding every (tag, value) of `values`. Fails on an empty list or tag.
  absl::Status AddScalars(int64_t step, const std::vector<std::pair<std::string, double>>& values);
  // Queues one Event at `step` holding the histogram of `values` (see MakeHistogram).
  absl::Status AddHistogram(absl::string_view tag, int64_t step, const graph::Tensor& values);
  // Queues an arbitrary Event (wall_time is kept as given). All Add* calls fail with FailedPrecondition
  // after Close().
  absl::Status AddEvent(const Event& event);

  // Hands every pending record to the kernel in one write (no fsync). On failure the file is cut back to its
  // last complete record and the pending records are kept for a later retry.
  absl::Status Flush();
  // Flush(), fsync and close. Later calls return FailedPrecondition; the destructor then does nothing.
  absl::Status Close();

  // The event file's full path.
  const std::string& path() const { return path_; }
  // Bytes queued but not yet written.
  size_t pending_bytes() const { return pending_.size(); }

 private:
  SummaryWriter(std::string path, int fd, const SummaryWriterOptions& options);

  std::string path_;
  int fd_;  // -1 once closed.
  SummaryWriterOptions options_;
  std::string pending_;
  uint64_t written_bytes_ = 0;  // Length of the file's complete records.
};

}  // namespace estimator

#endif  // ESTIMATOR_SUMMARY_WRITER_H_
