#include "datasets/file_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

namespace datasets {
namespace {

absl::StatusOr<std::string> ReadRaw(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) {
    const int err = errno;
    std::string msg = absl::StrCat("cannot open '", path, "': ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    return absl::PermissionDeniedError(msg);
  }
  std::string data;
  char chunk[1 << 16];
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(f.get());
    if (size > 0) data.reserve(static_cast<size_t>(size));
    std::rewind(f.get());
  }
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) data.append(chunk, n);
  if (std::ferror(f.get())) return absl::DataLossError(absl::StrCat("error reading '", path, "'"));
  return data;
}

absl::StatusOr<std::string> Gunzip(const std::string& path, const std::string& in) {
  std::string out;
  // The last four bytes of a gzip member hold the uncompressed size modulo 2^32: a good first guess unless it
  // exceeds what deflate can produce (about 1032:1), as it may in a damaged file.
  size_t guess = in.size() * 4 + 1024;
  if (in.size() >= 18) {
    uint32_t isize;
    std::memcpy(&isize, in.data() + in.size() - 4, 4);
    if (isize > 0 && isize <= in.size() * 1032) guess = isize;
  }
  out.resize(guess);
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError(absl::StrCat("zlib init failed for '", path, "'"));
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  size_t produced = 0;
  absl::Status status;
  while (true) {
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(&out[produced]);
    const size_t room = out.size() - produced;
    zs.avail_out = static_cast<uInt>(room > (1u << 30) ? (1u << 30) : room);
    const uInt before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Another member may follow; anything else is trailing garbage.
      if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      status = absl::DataLossError(absl::StrCat("'", path, "': trailing bytes after gzip data"));
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      status = absl::DataLossError(
          absl::StrCat("'", path, "': truncated gzip data (ended after ", produced, " decompressed bytes)"));
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      status = absl::DataLossError(
          absl::StrCat("'", path, "': corrupt gzip data: ", zs.msg != nullptr ? zs.msg : "unknown error"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  out.resize(produced);
  return out;
}

}  // namespace

absl::StatusOr<std::string> ReadFileMaybeGzip(const std::string& path) {
  absl::StatusOr<std::string> raw = ReadRaw(path);
  if (!raw.ok()) return raw.status();
  if (raw->size() >= 2 && static_cast<unsigned char>((*raw)[0]) == 0x1f &&
      static_cast<unsigned char>((*raw)[1]) == 0x8b) {
    return Gunzip(path, *raw);
  }
  return raw;
}

}  // namespace datasets
