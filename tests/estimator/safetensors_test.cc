#include "estimator/safetensors.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "estimator/atomic_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace estimator {
namespace {

using graph::DType;
using graph::Shape;
using graph::Tensor;
using ::testing::HasSubstr;

class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (std::string("safetensors_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes an 8-byte little-endian length, `header` and `data` to a file and returns its path.
  std::string WriteRaw(const std::string& header, const std::string& data, uint64_t length_field) {
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((length_field >> (8 * i)) & 0xff));
    bytes += header + data;
    const std::string path = Path("raw.safetensors");
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string WriteRaw(const std::string& header, const std::string& data) {
    return WriteRaw(header, data, header.size());
  }

  std::filesystem::path dir_;
};

TEST_F(SafetensorsTest, RoundTripsEveryDTypeScalarsAndEmptyTensors) {
  const std::vector<std::pair<std::string, Tensor>> tensors = {
      {"w", Tensor::Of<float>({1.5f, -2.f, 0.f, 3.25f, 1e-30f, -7.f}, Shape{2, 3})},
      {"counts", Tensor::Of<int32_t>({1, -2, 2147483647, -2147483647 - 1}, Shape{4})},
      {"global_step", Tensor::Scalar<int64_t>(int64_t{1} << 40)},
      {"mask", Tensor::Of<bool>({true, false, true}, Shape{3})},
      {"half", Tensor::Of<graph::bfloat16>({graph::bfloat16(1.f), graph::bfloat16(-0.5f)}, Shape{2})},
      {"empty", Tensor(DType::kFloat32, Shape{0, 5})},
      {"empty_i64", Tensor(DType::kInt64, Shape{0})},
  };
  const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"pipeline", "{\"epoch\":3}"}};
  const std::string path = Path("all.safetensors");
  ASSERT_TRUE(WriteSafetensors(path, tensors, metadata).ok());

  absl::StatusOr<SafetensorsFile> file = ReadSafetensors(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->path, path);
  EXPECT_EQ(file->metadata, metadata);  // Checksums are verified and not returned.
  ASSERT_EQ(file->tensors.size(), tensors.size());
  for (const auto& [name, expected] : tensors) {
    const Tensor& got = file->tensors.at(name);
    EXPECT_TRUE(graph::TensorsEqual(got, expected)) << name << ": " << got.DebugString();
    EXPECT_EQ(got.shape(), expected.shape()) << name;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(got.raw_data()) % 64, 0u) << name;
  }
  EXPECT_EQ(file->tensors.at("global_step").ToVector<int64_t>(), std::vector<int64_t>{int64_t{1} << 40});
  EXPECT_EQ(file->tensors.at("w").ToVector<float>()[3], 3.25f);
  EXPECT_EQ(file->tensors.at("half").ToVector<graph::bfloat16>()[1].bits, 0xBF00);
  EXPECT_EQ(file->tensors.at("empty").shape(), (Shape{0, 5}));
}

TEST_F(SafetensorsTest, WritesExactlyTheHandBuiltBytes) {
  const std::string path = Path("tiny.safetensors");
  ASSERT_TRUE(
      WriteSafetensors(path, {{"b", Tensor::Scalar<int32_t>(7)}, {"a", Tensor::Of<bool>({true, false}, {2})}},
                       {{"k", "vv"}})
          .ok());
  // CRC32C(01 00) = e2c3efa5 and CRC32C(07 00 00 00) = 5167f30d, from the bitwise definition.
  const std::string json =
      "{\"__metadata__\":{\"crc32c/a\":\"e2c3efa5\",\"crc32c/b\":\"5167f30d\",\"k\":\"vv\"},"
      "\"a\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]},"
      "\"b\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[2,6]}}";
  ASSERT_EQ(json.size(), 177u);
  std::string expected("\xb8\0\0\0\0\0\0\0", 8);  // 184 = 177 bytes of JSON + 7 spaces of padding.
  expected += json + std::string(7, ' ');
  expected += std::string("\x01\x00\x07\x00\x00\x00", 6);
  absl::StatusOr<std::string> bytes = ReadFileToString(path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, expected);
  absl::StatusOr<SafetensorsFile> parsed = ParseSafetensors(expected, "memory");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->tensors.at("b").ToVector<int32_t>(), std::vector<int32_t>{7});
  EXPECT_EQ(parsed->tensors.at("a").ToVector<bool>(), (std::vector<bool>{true, false}));
}

TEST_F(SafetensorsTest, ReadsAFileWithoutChecksumsOrPadding) {
  const std::string path = WriteRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                                    std::string("\x00\x00\xc0\x3f\x00\x00\x00\xc0", 8));
  absl::StatusOr<SafetensorsFile> file = ReadSafetensors(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->tensors.at("x").ToVector<float>(), (std::vector<float>{1.5f, -2.f}));
  EXPECT_TRUE(file->metadata.empty());
}

TEST_F(SafetensorsTest, RejectsTruncatedFiles) {
  const std::string path = Path("t.safetensors");
  ASSERT_TRUE(WriteSafetensors(path, {{"weights", Tensor(DType::kFloat32, Shape{10})}}, {}).ok());
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 3);
  absl::Status status = ReadSafetensors(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr(path + ": tensor 'weights' data_offsets [0,40] exceed the data section"));

  std::filesystem::resize_file(path, 5);
  EXPECT_THAT(ReadSafetensors(path).status().message(),
              HasSubstr(path + ": file is 5 bytes, shorter than the 8-byte header length"));
  EXPECT_EQ(ReadSafetensors(Path("absent.safetensors")).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SafetensorsTest, RejectsHeaderLongerThanFile) {
  const std::string path = WriteRaw("{}      ", "", 1000);
  EXPECT_THAT(ReadSafetensors(path).status().message(),
              HasSubstr(path + ": header length 1000 exceeds the 8 bytes after the length field"));
}

TEST_F(SafetensorsTest, RejectsBadJson) {
  const std::string path = WriteRaw("{\"a\":{\"dtype\":", "");
  absl::Status status = ReadSafetensors(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(path + ": header is not valid JSON"));
  EXPECT_THAT(ReadSafetensors(WriteRaw("[1,2]   ", "")).status().message(),
              HasSubstr("header is not a JSON object"));
}

TEST_F(SafetensorsTest, RejectsOverlappingGappedAndMisSizedRanges) {
  const std::string overlap = WriteRaw(
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
      std::string(6, '\0'));
  EXPECT_THAT(ReadSafetensors(overlap).status().message(),
              HasSubstr(overlap + ": tensor 'b' data_offsets [2,6] overlap tensor 'a' [0,4]"));
  const std::string gap =
      WriteRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", std::string(8, '\0'));
  EXPECT_THAT(ReadSafetensors(gap).status().message(),
              HasSubstr("bytes [0,4) of the data section belong to no tensor"));
  const std::string trailing =
      WriteRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", std::string(6, '\0'));
  EXPECT_THAT(ReadSafetensors(trailing).status().message(), HasSubstr("2 bytes after the last tensor"));
  const std::string sized =
      WriteRaw("{\"a\":{\"dtype\":\"I64\",\"shape\":[2,1],\"data_offsets\":[0,8]}}", std::string(8, '\0'));
  EXPECT_THAT(ReadSafetensors(sized).status().message(),
              HasSubstr("tensor 'a' shape [2,1] of I64 needs 16 bytes but data_offsets [0,8] hold 8"));
}

TEST_F(SafetensorsTest, RejectsUnknownDTypeDuplicatesAndBadFields) {
  const std::string dtype =
      WriteRaw("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", std::string(2, '\0'));
  EXPECT_THAT(
      ReadSafetensors(dtype).status().message(),
      HasSubstr(dtype + ": tensor 'a' has unsupported dtype \"F16\" (expected F32, I32, I64, BOOL or BF16)"));
  const std::string dup = WriteRaw(
      "{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]},"
      "\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[1,2]}}",
      std::string(2, '\0'));
  EXPECT_THAT(ReadSafetensors(dup).status().message(), HasSubstr("tensor 'a' appears twice in the header"));
  const std::string neg =
      WriteRaw("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[-1],\"data_offsets\":[0,1]}}", std::string(1, '\0'));
  EXPECT_THAT(ReadSafetensors(neg).status().message(),
              HasSubstr("tensor 'a' shape dimension is not a non-negative integer"));
  const std::string missing = WriteRaw("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1]}}", "");
  EXPECT_THAT(ReadSafetensors(missing).status().message(), HasSubstr("tensor 'a' has no \"data_offsets\""));
  const std::string boolean = WriteRaw("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                                       std::string("\x01\x02", 2));
  EXPECT_THAT(ReadSafetensors(boolean).status().message(),
              HasSubstr("tensor 'm' element 1 is not a bool (byte 2)"));
  const std::string meta = WriteRaw("{\"__metadata__\":{\"crc32c/zz\":\"00000000\"}}", "");
  EXPECT_THAT(ReadSafetensors(meta).status().message(), HasSubstr("checksum for unknown tensor 'zz'"));
}

TEST_F(SafetensorsTest, RejectsChecksumMismatchAfterOneFlippedByte) {
  const std::string path = Path("c.safetensors");
  ASSERT_TRUE(WriteSafetensors(path,
                               {{"bias", Tensor::Of<float>({1.f, 2.f}, {2})},
                                {"kernel", Tensor::Of<float>({1.5f, -2.f}, {2})}},
                               {})
                  .ok());
  std::string bytes = *ReadFileToString(path);
  bytes[bytes.size() - 5] ^= 0x01;  // Last byte of kernel[0]: the 8 bytes of "kernel" close the file.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  absl::Status status = ReadSafetensors(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  // CRC32C of the original kernel bytes 00 00 c0 3f 00 00 00 c0 is a432a922 (bitwise definition).
  EXPECT_THAT(status.message(),
              HasSubstr(path + ": tensor 'kernel' checksum mismatch: stored crc32c a432a922"));
}

TEST_F(SafetensorsTest, WriterRejectsBadInputAndLeavesNoFile) {
  const std::string path = Path("bad.safetensors");
  EXPECT_THAT(WriteSafetensors(path, {{"a", Tensor::Scalar<float>(1)}, {"a", Tensor::Scalar<float>(2)}}, {})
                  .message(),
              HasSubstr("tensor 'a' is given twice"));
  EXPECT_THAT(WriteSafetensors(path, {{"a", Tensor()}}, {}).message(),
              HasSubstr("tensor 'a' has no storage"));
  EXPECT_THAT(WriteSafetensors(path, {}, {{"crc32c/a", "0"}}).message(), HasSubstr("reserved for checksums"));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(WriteSafetensors(Path("no/such/dir/x.safetensors"), {}, {}).code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace estimator
