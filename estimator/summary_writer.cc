#include "estimator/summary_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "estimator/crc32c.h"
#include "estimator/protobuf_wire.h"

namespace estimator {
namespace {

constexpr size_t kHeaderBytes = 12;  // uint64 length + uint32 masked CRC of the length.
constexpr size_t kFooterBytes = 4;   // uint32 masked CRC of the data.

uint64_t LoadLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

void AppendLe(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t MaskedCrc(const char* data, size_t n) { return MaskCrc32c(Crc32c(data, n)); }

absl::Status ErrnoError(int err, const std::string& message) {
  const std::string text = absl::StrCat(message, ": ", std::strerror(err));
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(text);
  if (err == EACCES || err == EPERM || err == EROFS) return absl::PermissionDeniedError(text);
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) return absl::ResourceExhaustedError(text);
  return absl::InternalError(text);
}

}  // namespace

std::string FrameRecord(absl::string_view data) {
  std::string out;
  out.reserve(kHeaderBytes + data.size() + kFooterBytes);
  AppendLe(data.size(), 8, &out);
  AppendLe(MaskedCrc(out.data(), 8), 4, &out);
  out.append(data.data(), data.size());
  AppendLe(MaskedCrc(data.data(), data.size()), 4, &out);
  return out;
}

absl::StatusOr<std::vector<Event>> ReadEventFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError(errno, absl::StrCat("cannot open event file ", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read event file ", path));
  const std::string bytes = std::move(buffer).str();

  std::vector<Event> events;
  size_t offset = 0;
  for (int index = 0; offset < bytes.size(); ++index) {
    const std::string where = absl::StrCat(path, ": record ", index, " at byte ", offset);
    const size_t left = bytes.size() - offset;
    if (left < kHeaderBytes) {
      return absl::DataLossError(
          absl::StrCat(where, " is truncated: ", left, " of the ", kHeaderBytes, " header bytes"));
    }
    const char* p = bytes.data() + offset;
    const uint64_t length = LoadLe(p, 8);
    const uint32_t length_crc = static_cast<uint32_t>(LoadLe(p + 8, 4));
    if (MaskedCrc(p, 8) != length_crc) {
      return absl::DataLossError(absl::StrCat(where, ": CRC mismatch in the length header"));
    }
    if (length > left - kHeaderBytes || left - kHeaderBytes - length < kFooterBytes) {
      return absl::DataLossError(absl::StrCat(where, " is truncated: needs ", length, " data bytes + ",
                                              kFooterBytes, " CRC bytes, has ", left - kHeaderBytes));
    }
    const char* data = p + kHeaderBytes;
    const uint32_t data_crc = static_cast<uint32_t>(LoadLe(data + length, 4));
    if (MaskedCrc(data, length) != data_crc) {
      return absl::DataLossError(absl::StrCat(where, ": CRC mismatch in the ", length, " data bytes"));
    }
    absl::StatusOr<Event> event = DecodeEvent(absl::string_view(data, length));
    if (!event.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " is not a valid Event: ", event.status().message()));
    }
    events.push_back(*std::move(event));
    offset += kHeaderBytes + length + kFooterBytes;
  }
  return events;
}

const std::vector<double>& DefaultHistogramBucketLimits() {
  static const std::vector<double>* const kLimits = [] {
    std::vector<double> positive;
    for (double v = 1e-12; v < 1e20; v *= 1.1) positive.push_back(v);
    positive.push_back(DBL_MAX);
    auto* limits = new std::vector<double>();
    limits->reserve(2 * positive.size() + 1);
    for (auto it = positive.rbegin(); it != positive.rend(); ++it) limits->push_back(-*it);
    limits->push_back(0.0);
    limits->insert(limits->end(), positive.begin(), positive.end());
    return limits;
  }();
  return *kLimits;
}

absl::StatusOr<HistogramValue> MakeHistogram(const graph::Tensor& values) {
  if (!values.IsValid() || values.num_elements() == 0) {
    return absl::InvalidArgumentError("histogram of an empty tensor");
  }
  const std::vector<double>& limits = DefaultHistogramBucketLimits();
  std::vector<double> counts(limits.size(), 0.0);
  HistogramValue h;
  h.min = DBL_MAX;
  h.max = -DBL_MAX;
  for (int64_t i = 0; i < values.num_elements(); ++i) {
    const double v = values.ElementAsDouble(i);
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError(absl::StrCat("histogram value ", i, " is ", v));
    }
    h.min = std::min(h.min, v);
    h.max = std::max(h.max, v);
    h.sum += v;
    h.sum_squares += v * v;
    size_t bucket = static_cast<size_t>(std::upper_bound(limits.begin(), limits.end(), v) - limits.begin());
    counts[std::min(bucket, limits.size() - 1)] += 1;
  }
  h.num = static_cast<double>(values.num_elements());
  for (size_t i = 0; i < limits.size(); ++i) {
    if (counts[i] == 0) {
      while (i + 1 < limits.size() && counts[i + 1] == 0) ++i;  // One bucket for a run of empty ones.
    }
    h.bucket_limit.push_back(limits[i]);
    h.bucket.push_back(counts[i]);
  }
  return h;
}

absl::Status SummaryWriterOptions::Validate() const {
  if (max_pending_bytes == 0) {
    return absl::InvalidArgumentError("SummaryWriterOptions.max_pending_bytes must be > 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SummaryWriter>> SummaryWriter::Create(const std::string& dir,
                                                                     const SummaryWriterOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  if (dir.empty()) return absl::InvalidArgumentError("SummaryWriter: empty directory name");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoError(ec.value(), absl::StrCat("cannot create summary directory ", dir));

  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string base =
      absl::StrCat((std::filesystem::path(dir) / "events.out.tfevents.").string(),
                   std::chrono::duration_cast<std::chrono::seconds>(now).count(), ".", host);
  // O_EXCL: a file of the same second and host (another writer, or a restart) is never overwritten.
  std::string path;
  int fd = -1;
  for (int n = 0; n < 1000; ++n) {
    path = n == 0 ? base : absl::StrCat(base, ".", n);
    fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EEXIST) break;
  }
  if (fd < 0) return ErrnoError(errno, absl::StrCat("cannot create event file ", path));

  std::unique_ptr<SummaryWriter> writer(new SummaryWriter(path, fd, options));
  Event version;
  version.wall_time = std::chrono::duration<double>(now).count();
  version.file_version = kEventFileVersion;
  if (absl::Status s = writer->AddEvent(version); !s.ok()) return s;
  if (absl::Status s = writer->Flush(); !s.ok()) return s;
  return writer;
}

SummaryWriter::SummaryWriter(std::string path, int fd, const SummaryWriterOptions& options)
    : path_(std::move(path)), fd_(fd), options_(options) {}

SummaryWriter::~SummaryWriter() {
  if (fd_ >= 0) Close().IgnoreError();
}

absl::Status SummaryWriter::AddEvent(const Event& event) {
  if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("event file ", path_, " is closed"));
  pending_ += FrameRecord(EncodeEvent(event));
  if (pending_.size() > options_.max_pending_bytes) return Flush();
  return absl::OkStatus();
}

namespace {

double WallTimeNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

absl::Status SummaryWriter::AddScalar(absl::string_view tag, int64_t step, double value) {
  if (tag.empty()) return absl::InvalidArgumentError(absl::StrCat("empty scalar tag for event file ", path_));
  Event event;
  event.wall_time = WallTimeNow();
  event.step = step;
  event.summary.emplace(1);
  event.summary->front().tag = std::string(tag);
  event.summary->front().simple_value = static_cast<float>(value);
  return AddEvent(event);
}

absl::Status SummaryWriter::AddScalars(int64_t step,
                                       const std::vector<std::pair<std::string, double>>& values) {
  if (values.empty()) return absl::InvalidArgumentError(absl::StrCat("no scalars for event file ", path_));
  Event event;
  event.wall_time = WallTimeNow();
  event.step = step;
  event.summary.emplace();
  for (const auto& [tag, value] : values) {
    if (tag.empty())
      return absl::InvalidArgumentError(absl::StrCat("empty scalar tag for event file ", path_));
    SummaryValue& v = event.summary->emplace_back();
    v.tag = tag;
    v.simple_value = static_cast<float>(value);
  }
  return AddEvent(event);
}

absl::Status SummaryWriter::AddHistogram(absl::string_view tag, int64_t step, const graph::Tensor& values) {
  if (tag.empty())
    return absl::InvalidArgumentError(absl::StrCat("empty histogram tag for event file ", path_));
  absl::StatusOr<HistogramValue> histo = MakeHistogram(values);
  if (!histo.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("histogram '", std::string(tag), "' for event file ",
                                                   path_, ": ", histo.status().message()));
  }
  Event event;
  event.wall_time = WallTimeNow();
  event.step = step;
  event.summary.emplace(1);
  event.summary->front().tag = std::string(tag);
  event.summary->front().histo = *std::move(histo);
  return AddEvent(event);
}

absl::Status SummaryWriter::Flush() {
  if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("event file ", path_, " is closed"));
  size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t n = pwrite(fd_, pending_.data() + done, pending_.size() - done,
                             static_cast<off_t>(written_bytes_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      // Cut the partial tail so the file still ends on a complete record; keep pending_ for a retry.
      if (ftruncate(fd_, static_cast<off_t>(written_bytes_)) != 0) {
        return ErrnoError(
            err, absl::StrCat("cannot write event file ", path_, " (and cannot cut its partial tail)"));
      }
      return ErrnoError(err, absl::StrCat("cannot write event file ", path_));
    }
    done += static_cast<size_t>(n);
  }
  written_bytes_ += pending_.size();
  pending_.clear();
  return absl::OkStatus();
}

absl::Status SummaryWriter::Close() {
  if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("event file ", path_, " is already closed"));
  absl::Status status = Flush();
  if (status.ok() && fsync(fd_) != 0)
    status = ErrnoError(errno, absl::StrCat("cannot sync event file ", path_));
  if (close(fd_) != 0 && status.ok())
    status = ErrnoError(errno, absl::StrCat("cannot close event file ", path_));
  fd_ = -1;
  return status;
}

}  // namespace estimator
