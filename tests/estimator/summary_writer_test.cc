#include "estimator/summary_writer.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cfloat>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "estimator/protobuf_wire.h"
#include "gmock/gmock.h"
#include "graph/tensor.h"
#include "gtest/gtest.h"

namespace estimator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A fresh, empty directory named after the running test.
std::string FreshDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              (std::string("summary_writer_") + info->test_suite_name() + "_" + info->name() +
                               "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Byte offsets of the records of a well-formed TFRecord file (read from the length fields).
std::vector<size_t> RecordOffsets(const std::string& bytes) {
  std::vector<size_t> offsets;
  for (size_t at = 0; at + 12 <= bytes.size();) {
    offsets.push_back(at);
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
    at += 12 + length + 4;
  }
  return offsets;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(WireTest, VarintBytes) {
  auto varint = [](uint64_t v) {
    wire::Encoder e;
    e.PutRawVarint(v);
    return e.Release();
  };
  EXPECT_EQ(varint(0), Bytes({0x00}));
  EXPECT_EQ(varint(127), Bytes({0x7f}));
  EXPECT_EQ(varint(128), Bytes({0x80, 0x01}));  // 128 = 0b1'0000000: low group 0 with continuation, then 1.
  EXPECT_EQ(varint(300), Bytes({0xac, 0x02}));  // 300 = 0b10'0101100: 0x2c | 0x80, then 0b10.
  EXPECT_EQ(varint(UINT64_MAX), Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  wire::Encoder e;
  e.PutInt64Field(2, -1);  // int64 -1 as two's complement: nine all-ones groups (0xff), then 1.
  EXPECT_EQ(e.data(), Bytes({0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(WireTest, FixedAndLengthDelimitedFields) {
  wire::Encoder e;
  e.PutDoubleField(1, 1.0);   // key 1<<3|1 = 0x09; 1.0 = 0x3ff0000000000000, little-endian.
  e.PutFloatField(2, -2.0f);  // key 2<<3|5 = 0x15; -2.0f = 0xc0000000.
  e.PutBytesField(3, "ab");   // key 3<<3|2 = 0x1a; length 2.
  const double packed[] = {1.0, -2.0};
  e.PutPackedDoubleField(6, packed);  // key 6<<3|2 = 0x32; length 16; 1.0 then -2.0 = 0xc000000000000000.
  e.PutPackedDoubleField(7, {});      // Empty: nothing at all.
  EXPECT_EQ(e.data(), Bytes({0x09, 0,    0,   0,   0,    0, 0, 0xf0, 0x3f,  //
                             0x15, 0,    0,   0,   0xc0,                    //
                             0x1a, 0x02, 'a', 'b',                          //
                             0x32, 0x10, 0,   0,   0,    0, 0, 0,    0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0}));

  wire::Decoder d(e.data());
  auto f = d.Next();
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->number, 1);
  EXPECT_EQ(f->AsDouble(), 1.0);
  f = d.Next();
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->number, 2);
  EXPECT_EQ(f->AsFloat(), -2.0f);
  f = d.Next();
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->bytes, "ab");
  f = d.Next();
  ASSERT_TRUE(f.ok()) << f.status();
  std::vector<double> values;
  ASSERT_TRUE(wire::AppendPackedDoubles(f->bytes, &values).ok());
  EXPECT_THAT(values, ElementsAre(1.0, -2.0));
  EXPECT_TRUE(d.done());
}

TEST(WireTest, DecoderRejectsMalformedInput) {
  auto first_error = [](const std::string& bytes) {
    wire::Decoder d(bytes);
    while (!d.done()) {
      auto f = d.Next();
      if (!f.ok()) return f.status();
    }
    return absl::OkStatus();
  };
  EXPECT_THAT(first_error(Bytes({0x10, 0x80})).message(), HasSubstr("truncated varint at byte 1"));
  EXPECT_THAT(first_error(Bytes({0x1a, 0x05, 'a'})).message(), HasSubstr("runs past the end"));
  EXPECT_THAT(first_error(Bytes({0x09, 1, 2, 3})).message(), HasSubstr("truncated fixed64"));
  EXPECT_THAT(first_error(Bytes({0x0b})).message(), HasSubstr("unsupported wire type 3"));  // A group.
  EXPECT_THAT(first_error(Bytes({0x00, 0x00})).message(), HasSubstr("invalid field number 0"));
  std::vector<double> values;
  EXPECT_FALSE(wire::AppendPackedDoubles("1234567", &values).ok());
}

// One Event { wall_time: 1.5, step: 300, summary { value { tag: "loss", simple_value: 0.25 } } } framed as a
// TFRecord, byte by byte.
TEST(EventTest, FramedRecordBytesAreExact) {
  Event event;
  event.wall_time = 1.5;
  event.step = 300;
  event.summary.emplace(1);
  event.summary->front().tag = "loss";
  event.summary->front().simple_value = 0.25f;
  const std::string data = Bytes({
      0x09, 0,    0,    0,    0,    0,
      0,    0xf8, 0x3f,                   // field 1 fixed64: 1.5 = 0x3ff8000000000000, little-endian
      0x10, 0xac, 0x02,                   // field 2 varint: 300
      0x2a, 0x0d,                         // field 5 length-delimited, 13 bytes (the Summary)
      0x0a, 0x0b,                         //   Summary field 1 (value), 11 bytes
      0x0a, 0x04, 'l',  'o',  's',  's',  //     Value field 1 (tag): "loss"
      0x15, 0,    0,    0x80, 0x3e,       //     Value field 2 fixed32: 0.25f = 0x3e800000
  });
  ASSERT_EQ(data.size(), 27u);
  EXPECT_EQ(EncodeEvent(event), data);
  // The CRCs below come from a bit-at-a-time CRC32C (reflected polynomial 0x82f63b78, checked against
  // crc32c("123456789") = 0xe3069283), then masked: crc32c(length bytes) = 0x9121388d -> 0x139e0d1a;
  // crc32c(data) = 0x8ee0a5ad -> 0xedde0899. `protoc --decode_raw` on `data` prints 1: 0x3ff8000000000000,
  // 2: 300, 5 { 1 { 1: "loss" 2: 0x3e800000 } }.
  const std::string expected = Bytes({0x1b, 0, 0, 0, 0, 0, 0, 0,  // length 27, uint64 little-endian
                                      0x1a, 0x0d, 0x9e, 0x13}) +  // masked CRC of the length bytes
                               data +
                               Bytes({0x99, 0x08, 0xde, 0xed});  // masked CRC of the data
  EXPECT_EQ(FrameRecord(EncodeEvent(event)), expected);
}

TEST(EventTest, MaskedCrcOfKnownInputs) {
  // crc32c("123456789") = 0xe3069283. Rotated right by 15: (0xe3069283 >> 15) = 0x0001c60d,
  // (0xe3069283 << 17) mod 2^32 = 0x25060000, or-ed 0x2507c60d; + 0xa282ead8 = 0xc78ab0e5.
  std::string framed = FrameRecord("123456789");
  EXPECT_EQ(framed.substr(framed.size() - 4), Bytes({0xe5, 0xb0, 0x8a, 0xc7}));
  // RFC 3720 B.4: crc32c of 32 zero bytes = 0x8a9136aa; masked = 0x0fd7fffa.
  framed = FrameRecord(std::string(32, '\0'));
  EXPECT_EQ(framed.substr(framed.size() - 4), Bytes({0xfa, 0xff, 0xd7, 0x0f}));
  // crc32c("") = 0, so its masked CRC is the mask constant itself, 0xa282ead8.
  framed = FrameRecord("");
  ASSERT_EQ(framed.size(), 16u);
  EXPECT_EQ(framed.substr(12), Bytes({0xd8, 0xea, 0x82, 0xa2}));
}

TEST(EventTest, DecodeSkipsUnknownFieldsAndReadsFileVersion) {
  const std::string bytes = Bytes({
      0x10, 0x07,                 // step 7
      0x22, 0x02, 'g', 'd',       // field 4 (graph_def), unknown here: skipped
      0x38, 0x01,                 // field 7 varint, unknown: skipped
      0x1a, 0x03, 'v', ':', '2',  // file_version "v:2"
      0x45, 0, 0, 0, 0,           // field 8 fixed32, unknown: skipped
  });
  auto event = DecodeEvent(bytes);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->step, 7);
  EXPECT_EQ(event->wall_time, 0.0);
  EXPECT_EQ(event->file_version, "v:2");
  EXPECT_FALSE(event->summary.has_value());
  // Step as a fixed64 is the wrong wire type for an int64.
  EXPECT_THAT(DecodeEvent(Bytes({0x11, 0, 0, 0, 0, 0, 0, 0, 0})).status().message(),
              HasSubstr("Event field 2 has wire type 1"));
}

TEST(EventTest, EncodeDecodeRoundTripsHistogramsAndNegativeSteps) {
  Event event;
  event.wall_time = 1700000000.25;
  event.step = -5;
  event.summary.emplace(2);
  (*event.summary)[0].tag = "w";
  (*event.summary)[0].histo = HistogramValue{.min = -1,
                                             .max = 3,
                                             .num = 4,
                                             .sum = 2,
                                             .sum_squares = 11,
                                             .bucket_limit = {-0.5, 0, 3.5},
                                             .bucket = {1, 0, 3}};
  (*event.summary)[1].tag = "zero";
  (*event.summary)[1].simple_value = 0.0f;  // In a oneof: written even though it is zero.
  auto decoded = DecodeEvent(EncodeEvent(event));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->wall_time, 1700000000.25);
  EXPECT_EQ(decoded->step, -5);
  ASSERT_TRUE(decoded->summary.has_value());
  ASSERT_EQ(decoded->summary->size(), 2u);
  ASSERT_TRUE((*decoded->summary)[0].histo.has_value());
  const HistogramValue& h = *(*decoded->summary)[0].histo;
  EXPECT_EQ(h.min, -1);
  EXPECT_EQ(h.max, 3);
  EXPECT_EQ(h.num, 4);
  EXPECT_EQ(h.sum, 2);
  EXPECT_EQ(h.sum_squares, 11);
  EXPECT_THAT(h.bucket_limit, ElementsAre(-0.5, 0, 3.5));
  EXPECT_THAT(h.bucket, ElementsAre(1, 0, 3));
  EXPECT_FALSE((*decoded->summary)[0].simple_value.has_value());
  EXPECT_EQ((*decoded->summary)[1].tag, "zero");
  EXPECT_EQ((*decoded->summary)[1].simple_value, 0.0f);
}

TEST(SummaryHistogramTest, DefaultBucketLimits) {
  const std::vector<double>& limits = DefaultHistogramBucketLimits();
  // 1e-12 * 1.1^k < 1e20 for k = 0..773 (log(1e32) / log(1.1) = 773.1): 774 per side, +-DBL_MAX and 0.
  ASSERT_EQ(limits.size(), 1551u);
  EXPECT_EQ(limits.front(), -DBL_MAX);
  EXPECT_EQ(limits[775], 0.0);
  EXPECT_EQ(limits[776], 1e-12);
  EXPECT_DOUBLE_EQ(limits[777], 1.1e-12);
  EXPECT_EQ(limits.back(), DBL_MAX);
  EXPECT_LT(limits[1549], 1e20);
  EXPECT_GE(limits[1549] * 1.1, 1e20);
  for (size_t i = 0; i < limits.size(); ++i) {
    EXPECT_EQ(limits[i], -limits[limits.size() - 1 - i]);
    if (i > 0) {
      EXPECT_LT(limits[i - 1], limits[i]);
    }
  }
}

TEST(SummaryHistogramTest, CountsValuesAndCollapsesEmptyRuns) {
  auto h = MakeHistogram(graph::Tensor::Of<float>({-1.0f, 0.0f, 0.5f, 2.0f, 2.0f}, {5}));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->min, -1.0);
  EXPECT_EQ(h->max, 2.0);
  EXPECT_EQ(h->num, 5.0);
  EXPECT_EQ(h->sum, 3.5);
  EXPECT_EQ(h->sum_squares, 9.25);  // 1 + 0 + 0.25 + 4 + 4
  // Empty run, {-1}, empty run ending at limit 0, {0} in (0, 1e-12), empty run, {0.5}, empty run, {2, 2},
  // empty run up to DBL_MAX.
  EXPECT_THAT(h->bucket, ElementsAre(0, 1, 0, 1, 0, 1, 0, 2, 0));
  ASSERT_EQ(h->bucket_limit.size(), 9u);
  EXPECT_EQ(h->bucket_limit[2], 0.0);
  EXPECT_EQ(h->bucket_limit[3], 1e-12);
  EXPECT_EQ(h->bucket_limit[8], DBL_MAX);
  // Each value's limit is the first edge above it: x < limit <= 1.1 * x (up to rounding of 1.1^k).
  EXPECT_GT(h->bucket_limit[1], -1.0);
  EXPECT_LE(h->bucket_limit[1], -1.0 / 1.1 + 1e-12);
  EXPECT_GT(h->bucket_limit[5], 0.5);
  EXPECT_LE(h->bucket_limit[5], 0.55 + 1e-12);
  EXPECT_GT(h->bucket_limit[7], 2.0);
  EXPECT_LE(h->bucket_limit[7], 2.2 + 1e-12);

  auto ints = MakeHistogram(graph::Tensor::Of<int32_t>({3, 3}, {2}));
  ASSERT_TRUE(ints.ok()) << ints.status();
  EXPECT_EQ(ints->sum, 6.0);
  EXPECT_THAT(ints->bucket, ElementsAre(0, 2, 0));
  EXPECT_FALSE(MakeHistogram(graph::Tensor::Of<float>({1.0f, NAN}, {2})).ok());
  EXPECT_FALSE(MakeHistogram(graph::Tensor(graph::DType::kFloat32, {0})).ok());
  EXPECT_FALSE(MakeHistogram(graph::Tensor()).ok());
}

TEST(SummaryWriterTest, FirstRecordIsFileVersion) {
  const std::string dir = FreshDir() + "/model/eval";  // Created with its parents.
  const double before = Now();
  auto writer = SummaryWriter::Create(dir);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string name = std::filesystem::path((*writer)->path()).filename().string();
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  const std::string prefix = "events.out.tfevents.";
  ASSERT_EQ(name.rfind(prefix, 0), 0u) << name;
  const std::string seconds = name.substr(prefix.size(), name.find('.', prefix.size()) - prefix.size());
  EXPECT_NEAR(std::stod(seconds), before, 2.0);
  EXPECT_EQ(name.substr(prefix.size() + seconds.size() + 1), host);
  EXPECT_EQ(std::filesystem::path((*writer)->path()).parent_path(), std::filesystem::path(dir));

  auto events = ReadEventFile((*writer)->path());  // Already on disk: Create flushes it.
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].file_version, "brain.Event:2");
  EXPECT_EQ((*events)[0].step, 0);
  EXPECT_GE((*events)[0].wall_time, before - 1.0);
  EXPECT_LE((*events)[0].wall_time, Now() + 1.0);
}

TEST(SummaryWriterTest, ScalarsAndHistogramsRoundTrip) {
  const std::string dir = FreshDir();
  std::string path;
  {
    auto writer = SummaryWriter::Create(dir);
    ASSERT_TRUE(writer.ok()) << writer.status();
    path = (*writer)->path();
    ASSERT_TRUE((*writer)->AddScalar("loss", 1, 0.5).ok());
    ASSERT_TRUE((*writer)->AddScalars(2, {{"loss", 0.25}, {"accuracy", 0.1}}).ok());
    ASSERT_TRUE((*writer)->AddHistogram("w", 3, graph::Tensor::Of<float>({1.0f, 1.0f, -3.0f}, {3})).ok());
    EXPECT_FALSE((*writer)->AddScalar("", 4, 1.0).ok());
    EXPECT_FALSE((*writer)->AddScalars(4, {}).ok());
    EXPECT_THAT((*writer)->AddHistogram("bad", 4, graph::Tensor::Of<float>({INFINITY}, {1})).message(),
                HasSubstr(path));
  }  // The destructor flushes.
  auto events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 4u);
  const Event& scalar = (*events)[1];
  EXPECT_EQ(scalar.step, 1);
  ASSERT_TRUE(scalar.summary.has_value());
  ASSERT_EQ(scalar.summary->size(), 1u);
  EXPECT_EQ((*scalar.summary)[0].tag, "loss");
  EXPECT_EQ((*scalar.summary)[0].simple_value, 0.5f);
  const Event& scalars = (*events)[2];
  EXPECT_EQ(scalars.step, 2);
  ASSERT_TRUE(scalars.summary.has_value());
  ASSERT_EQ(scalars.summary->size(), 2u);
  EXPECT_EQ((*scalars.summary)[0].tag, "loss");
  EXPECT_EQ((*scalars.summary)[0].simple_value, 0.25f);
  EXPECT_EQ((*scalars.summary)[1].tag, "accuracy");
  EXPECT_EQ((*scalars.summary)[1].simple_value, 0.1f);  // Stored as float.
  const Event& histo = (*events)[3];
  EXPECT_EQ(histo.step, 3);
  ASSERT_TRUE(histo.summary.has_value() && histo.summary->size() == 1 &&
              (*histo.summary)[0].histo.has_value());
  const HistogramValue& h = *(*histo.summary)[0].histo;
  EXPECT_EQ(h.min, -3.0);
  EXPECT_EQ(h.max, 1.0);
  EXPECT_EQ(h.num, 3.0);
  EXPECT_EQ(h.sum, -1.0);
  EXPECT_EQ(h.sum_squares, 11.0);
  EXPECT_THAT(h.bucket, ElementsAre(0, 1, 0, 2, 0));
}

// Writes a file with records 0..3 (file_version + three scalars) and returns its path.
std::string WriteFourRecords(const std::string& dir) {
  auto writer = SummaryWriter::Create(dir);
  EXPECT_TRUE(writer.ok()) << writer.status();
  for (int step = 1; step <= 3; ++step) EXPECT_TRUE((*writer)->AddScalar("loss", step, step).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  return (*writer)->path();
}

TEST(SummaryWriterTest, FlippedByteIsReportedWithItsRecordIndex) {
  const std::string path = WriteFourRecords(FreshDir());
  const std::string good = ReadAll(path);
  const std::vector<size_t> offsets = RecordOffsets(good);
  ASSERT_EQ(offsets.size(), 4u);

  std::string bad = good;
  bad[offsets[2] + 12 + 3] ^= 0x01;  // A data byte of record 2.
  WriteAll(path, bad);
  auto events = ReadEventFile(path);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(events.status().message(),
              HasSubstr(path + ": record 2 at byte " + std::to_string(offsets[2])));
  EXPECT_THAT(events.status().message(), HasSubstr("CRC mismatch in the"));

  bad = good;
  bad[offsets[1]] ^= 0x40;  // The length of record 1.
  WriteAll(path, bad);
  events = ReadEventFile(path);
  EXPECT_THAT(events.status().message(), HasSubstr("record 1 at byte"));
  EXPECT_THAT(events.status().message(), HasSubstr("length header"));

  WriteAll(path, good);
  EXPECT_TRUE(ReadEventFile(path).ok());
}

TEST(SummaryWriterTest, TruncatedFileIsReported) {
  const std::string path = WriteFourRecords(FreshDir());
  const std::string good = ReadAll(path);
  const std::vector<size_t> offsets = RecordOffsets(good);
  ASSERT_EQ(offsets.size(), 4u);

  WriteAll(path, good.substr(0, good.size() - 3));  // Inside the last record's data CRC.
  auto events = ReadEventFile(path);
  EXPECT_EQ(events.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(events.status().message(), HasSubstr("record 3 at byte " + std::to_string(offsets[3])));
  EXPECT_THAT(events.status().message(), HasSubstr("is truncated"));

  WriteAll(path, good.substr(0, offsets[3] + 5));  // Inside the last record's header.
  events = ReadEventFile(path);
  EXPECT_THAT(events.status().message(), HasSubstr("record 3 at byte"));
  EXPECT_THAT(events.status().message(), HasSubstr("5 of the 12 header bytes"));

  EXPECT_EQ(ReadEventFile(path + ".missing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ReadEventFile(path + ".missing").status().message(), HasSubstr(path + ".missing"));
}

TEST(SummaryWriterTest, TenThousandScalarsReachTheFileOnlyAtFlush) {
  auto writer = SummaryWriter::Create(FreshDir());
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string path = (*writer)->path();
  const auto size_after_create = std::filesystem::file_size(path);
  EXPECT_EQ(size_after_create, ReadAll(path).size());
  for (int step = 0; step < 10000; ++step)
    ASSERT_TRUE((*writer)->AddScalar("loss", step, 1.0 / (step + 1)).ok());
  EXPECT_EQ(std::filesystem::file_size(path), size_after_create);  // Nothing written yet.
  const size_t pending = (*writer)->pending_bytes();
  EXPECT_GT(pending, 10000u * 30);
  ASSERT_TRUE((*writer)->Flush().ok());
  EXPECT_EQ(std::filesystem::file_size(path), size_after_create + pending);
  EXPECT_EQ((*writer)->pending_bytes(), 0u);

  auto events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 10001u);
  EXPECT_EQ((*events)[10000].step, 9999);
  ASSERT_TRUE((*events)[10000].summary.has_value() && (*events)[10000].summary->size() == 1);
  EXPECT_EQ((*(*events)[10000].summary)[0].simple_value, static_cast<float>(1.0 / 10000));
}

TEST(SummaryWriterTest, WritesOnItsOwnPastMaxPendingBytes) {
  auto writer = SummaryWriter::Create(FreshDir(), {.max_pending_bytes = 100});
  ASSERT_TRUE(writer.ok()) << writer.status();
  const auto size_after_create = std::filesystem::file_size((*writer)->path());
  int steps = 0;
  while ((*writer)->pending_bytes() > 0 || steps == 0)
    ASSERT_TRUE((*writer)->AddScalar("x", ++steps, 1).ok());
  EXPECT_GT(std::filesystem::file_size((*writer)->path()), size_after_create);
  EXPECT_GT(steps, 1);  // Each scalar record is < 100 bytes, so the first one stays pending.
  EXPECT_FALSE(SummaryWriter::Create(FreshDir(), {.max_pending_bytes = 0}).ok());
}

TEST(SummaryWriterTest, NeverOverwritesAnExistingFileAndNamesPathsInErrors) {
  const std::string dir = FreshDir();
  auto a = SummaryWriter::Create(dir);
  auto b = SummaryWriter::Create(dir);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->path(), (*b)->path());
  ASSERT_TRUE((*a)->AddScalar("a", 1, 1).ok());
  ASSERT_TRUE((*a)->Close().ok());
  EXPECT_EQ((*a)->Close().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*a)->AddScalar("a", 2, 1).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*b)->Close().ok());
  auto events_a = ReadEventFile((*a)->path());
  auto events_b = ReadEventFile((*b)->path());
  ASSERT_TRUE(events_a.ok() && events_b.ok());
  EXPECT_EQ(events_a->size(), 2u);
  EXPECT_EQ(events_b->size(), 1u);

  WriteAll(dir + "/plain_file", "x");  // A file where a directory is wanted.
  auto bad = SummaryWriter::Create(dir + "/plain_file/eval");
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr(dir + "/plain_file/eval"));
}

TEST(SummaryWriterTest, FailedFlushCutsThePartialTailAndKeepsRecordsForARetry) {
  auto writer = SummaryWriter::Create(FreshDir());
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string path = (*writer)->path();
  const auto size_after_create = std::filesystem::file_size(path);
  for (int step = 1; step <= 10; ++step) ASSERT_TRUE((*writer)->AddScalar("loss", step, step).ok());
  const size_t pending = (*writer)->pending_bytes();
  // A file size limit 50 bytes past the first record: the write stops part-way with EFBIG.
  rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit limit = old_limit;
  limit.rlim_cur = size_after_create + 50;
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  const absl::Status failed = (*writer)->Flush();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(failed.ok());
  EXPECT_THAT(failed.message(), HasSubstr("cannot write event file " + path));
  EXPECT_EQ(std::filesystem::file_size(path), size_after_create);  // The partial tail is gone.
  auto after_failure = ReadEventFile(path);
  ASSERT_TRUE(after_failure.ok()) << after_failure.status();
  EXPECT_EQ(after_failure->size(), 1u);
  EXPECT_EQ((*writer)->pending_bytes(), pending);

  ASSERT_TRUE((*writer)->Flush().ok());
  auto events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 11u);
  EXPECT_EQ((*events)[10].step, 10);
}

}  // namespace
}  // namespace estimator
