// Shared test utilities for the datasets tests: temporary files and draining pipelines.
#ifndef TESTS_DATASETS_TEST_UTIL_H_
#define TESTS_DATASETS_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace datasets::testing {

// A fresh directory under the system temp dir, unique per call.
std::string MakeTempDir();
// Writes `bytes` to `path` (raw) or gzip-compressed.
void WriteFile(const std::string& path, const std::string& bytes);
void WriteGzip(const std::string& path, const std::string& bytes);
// An IDX header + payload: u8 data with the given dims.
std::string IdxBytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data,
                     uint8_t type = 0x08);

// Runs a fresh iterator to the end (at most `limit` elements); fails the test on an error.
std::vector<Element> Collect(const Dataset& d, int64_t limit = 1 << 20);
// Component `name` (an integer scalar) of each element.
std::vector<int64_t> Ints(const std::vector<Element>& elements, const std::string& name = "value");
// Collect() then Ints().
std::vector<int64_t> CollectInts(const Dataset& d, const std::string& name = "value",
                                 int64_t limit = 1 << 20);
// The status of the first failing GetNext (OK if the pass ends cleanly).
absl::Status FirstError(const Dataset& d, int64_t limit = 1 << 20);

}  // namespace datasets::testing

#endif  // TESTS_DATASETS_TEST_UTIL_H_
