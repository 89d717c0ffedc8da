// File access for everything the library saves: atomic replacement (a file is either entirely the old
// contents or entirely the new ones, even across a crash, and a failed write never touches what was there
// before) and checked reads.
#ifndef ESTIMATOR_ATOMIC_FILE_H_
#define ESTIMATOR_ATOMIC_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace estimator {

// A borrowed run of bytes to be written; the memory must stay valid for the duration of the call.
struct ByteRange {
  const void* data = nullptr;
  size_t size = 0;
};

// Writes the concatenation of `pieces` to `path` atomically: the bytes go to `<path>.tmp-<pid>` with large
// sequential writes (writev), the temporary file is fsync'ed and renamed over `path`, then the directory is
// fsync'ed. On any failure the temporary file is removed, `path` keeps its previous contents (or stays
// absent), and the error names the file and the failing step. The parent directory must exist.
// Thread-compatible: two concurrent writers of the same path in one process race on the temporary name.
absl::Status WriteFileAtomically(const std::string& path, const std::vector<ByteRange>& pieces);

// Convenience form for a single string.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// fsyncs a directory so that renames and creations in it survive a crash; errors name the directory.
absl::Status SyncDirectory(const std::string& dir);

// Reads the whole of `path`; NotFound if it does not exist, another error naming the file on I/O failure.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// A file opened for positional reads. Move-only; closes the file when destroyed. ReadAt may be called from
// several threads at once.
class ReadOnlyFile {
 public:
  // Opens `path`; NotFound if it does not exist, another error naming the file otherwise.
  static absl::StatusOr<ReadOnlyFile> Open(const std::string& path);
  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;
  ~ReadOnlyFile();

  // The size when the file was opened.
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly `n` bytes at `offset` into `dst`; InvalidArgument naming the file if it ends first.
  absl::Status ReadAt(uint64_t offset, void* dst, size_t n) const;

 private:
  ReadOnlyFile(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}

  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

// The steps of WriteFileAtomically at which a test may inject a failure.
enum class AtomicWriteStep { kAfterWrite, kAfterSync, kAfterRename };

// Installs a hook called at each step of every WriteFileAtomically in the process (nullptr removes it). A
// non-OK return makes the write fail at that step as if the system call had failed. For tests only; not
// thread-safe against concurrent writes.
void SetAtomicWriteHookForTesting(std::function<absl::Status(AtomicWriteStep, const std::string& path)> hook);

}  // namespace estimator

#endif  // ESTIMATOR_ATOMIC_FILE_H_
