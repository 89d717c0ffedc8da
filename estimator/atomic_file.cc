#include "estimator/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace estimator {
namespace {

std::function<absl::Status(AtomicWriteStep, const std::string&)>& Hook() {
  static auto* hook = new std::function<absl::Status(AtomicWriteStep, const std::string&)>();
  return *hook;
}

absl::Status RunHook(AtomicWriteStep step, const std::string& path) {
  const auto& hook = Hook();
  return hook ? hook(step, path) : absl::OkStatus();
}

absl::Status ErrnoError(const std::string& what, const std::string& path, int err) {
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  if (err == ENOSPC) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Writes every piece to `fd`, resuming after partial writes and interrupted calls.
absl::Status WriteAll(int fd, const std::vector<ByteRange>& pieces, const std::string& tmp_path) {
  std::vector<iovec> iov;
  iov.reserve(pieces.size());
  for (const ByteRange& piece : pieces) {
    if (piece.size > 0) iov.push_back({const_cast<void*>(piece.data), piece.size});
  }
  size_t first = 0;
  while (first < iov.size()) {
    const int count = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    const ssize_t written = ::writev(fd, iov.data() + first, count);
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", tmp_path, errno);
    }
    size_t left = static_cast<size_t>(written);
    while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (left > 0) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return absl::OkStatus();
}

// Everything up to and including the rename; the caller removes `tmp_path` on failure.
absl::Status WriteAndRename(const std::string& path, const std::string& tmp_path,
                            const std::vector<ByteRange>& pieces) {
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", tmp_path, errno);
  absl::Status status = WriteAll(fd, pieces, tmp_path);
  if (status.ok()) status = RunHook(AtomicWriteStep::kAfterWrite, path);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError("cannot fsync", tmp_path, errno);
  if (status.ok()) status = RunHook(AtomicWriteStep::kAfterSync, path);
  if (::close(fd) != 0 && status.ok()) status = ErrnoError("cannot close", tmp_path, errno);
  if (!status.ok()) return status;
  if (::rename(tmp_path.c_str(), path.c_str()) != 0) {
    return ErrnoError(absl::StrCat("cannot rename ", tmp_path, " to"), path, errno);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) return ErrnoError("cannot fsync directory", dir, err);
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, const std::vector<ByteRange>& pieces) {
  if (path.empty() || path.back() == '/') {
    return absl::InvalidArgumentError(absl::StrCat("cannot write file '", path, "': not a file name"));
  }
  const std::string tmp_path = absl::StrCat(path, ".tmp-", static_cast<long>(::getpid()));
  absl::Status status = WriteAndRename(path, tmp_path, pieces);
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status;
  }
  // The rename has happened: the new contents are in place, only durability of the directory entry remains.
  status = RunHook(AtomicWriteStep::kAfterRename, path);
  if (status.ok()) status = SyncDirectory(DirectoryOf(path));
  return status;
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  return WriteFileAtomically(path, std::vector<ByteRange>{{contents.data(), contents.size()}});
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  absl::StatusOr<ReadOnlyFile> file = ReadOnlyFile::Open(path);
  if (!file.ok()) return file.status();
  std::string contents(file->size(), '\0');
  absl::Status status = file->ReadAt(0, contents.data(), contents.size());
  if (!status.ok()) return status;
  return contents;
}

absl::StatusOr<ReadOnlyFile> ReadOnlyFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoError("cannot stat", path, err);
  }
  return ReadOnlyFile(fd, static_cast<uint64_t>(st.st_size), path);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), path_(std::move(other.path_)) {}

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    path_ = std::move(other.path_);
  }
  return *this;
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status ReadOnlyFile::ReadAt(uint64_t offset, void* dst, size_t n) const {
  auto* out = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoError("cannot read", path_, errno);
    if (got == 0) {
      return absl::InvalidArgumentError(absl::StrCat(path_, ": unexpected end of file at byte ", offset));
    }
    out += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return absl::OkStatus();
}

void SetAtomicWriteHookForTesting(
    std::function<absl::Status(AtomicWriteStep, const std::string& path)> hook) {
  Hook() = std::move(hook);
}

}  // namespace estimator
