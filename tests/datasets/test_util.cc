#include "tests/datasets/test_util.h"

#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "gtest/gtest.h"

namespace datasets::testing {

std::string MakeTempDir() {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("datasets_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir.string();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
}

void WriteGzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(f);
}

std::string IdxBytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data, uint8_t type) {
  std::string s;
  s += '\0';
  s += '\0';
  s += static_cast<char>(type);
  s += static_cast<char>(dims.size());
  for (uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((d >> shift) & 0xff);
  }
  s.append(reinterpret_cast<const char*>(data.data()), data.size());
  return s;
}

std::vector<Element> Collect(const Dataset& d, int64_t limit) {
  std::vector<Element> out;
  absl::StatusOr<Iterator> it = d.MakeIterator();
  EXPECT_TRUE(it.ok()) << it.status();
  if (!it.ok()) return out;
  while (static_cast<int64_t>(out.size()) < limit) {
    Element e;
    bool end = false;
    absl::Status s = it->GetNext(&e, &end);
    EXPECT_TRUE(s.ok()) << s;
    if (!s.ok() || end) break;
    out.push_back(e);
  }
  return out;
}

std::vector<int64_t> Ints(const std::vector<Element>& elements, const std::string& name) {
  std::vector<int64_t> v;
  for (const Element& e : elements) {
    const graph::Tensor* t = e.Find(name);
    EXPECT_NE(t, nullptr) << name << " missing in " << e.DebugString();
    if (t != nullptr) v.push_back(static_cast<int64_t>(t->ElementAsDouble(0)));
  }
  return v;
}

std::vector<int64_t> CollectInts(const Dataset& d, const std::string& name, int64_t limit) {
  return Ints(Collect(d, limit), name);
}

absl::Status FirstError(const Dataset& d, int64_t limit) {
  absl::StatusOr<Iterator> it = d.MakeIterator();
  if (!it.ok()) return it.status();
  Element e;
  for (int64_t i = 0; i < limit; ++i) {
    bool end = false;
    absl::Status s = it->GetNext(&e, &end);
    if (!s.ok() || end) return s;
  }
  return absl::OkStatus();
}

}  // namespace datasets::testing
