// Sources: FromTensorSlices, Range, Idx, Csv, TextLines, FromGenerator, and the gzip-aware file reader.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "datasets/csv.h"
#include "datasets/file_reader.h"
#include "datasets/generator.h"
#include "datasets/idx.h"
#include "datasets/tensor_slices.h"
#include "datasets/text_lines.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/datasets/test_util.h"

namespace datasets {
namespace {

using ::datasets::testing::Collect;
using ::datasets::testing::CollectInts;
using ::datasets::testing::FirstError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TensorSlicesTest, RowsAreViewsInOrder) {
  graph::Tensor x = graph::Tensor::Of<float>({1, 2, 3, 4, 5, 6}, {3, 2});
  graph::Tensor y = graph::Tensor::Of<int64_t>({7, 8, 9}, {3});
  Dataset d = FromTensorSlices(Element{{"x", x}, {"y", y}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d.Cardinality(), 3);
  std::vector<Element> e = Collect(d);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[1]["x"].shape(), graph::Shape({2}));
  EXPECT_EQ(e[1]["x"].ToVector<float>(), (std::vector<float>{3, 4}));
  EXPECT_EQ(e[2]["y"].ToVector<int64_t>(), (std::vector<int64_t>{9}));
  EXPECT_EQ(e[2]["y"].rank(), 0);
  EXPECT_TRUE(e[0]["x"].SharesBufferWith(x));  // No copy.
}

TEST(TensorSlicesTest, RejectsBadInputs) {
  EXPECT_THAT(FromTensorSlices(Element{}).status().message(), HasSubstr("no tensors"));
  EXPECT_THAT(FromTensorSlices(Element{{"s", graph::Tensor::Scalar<float>(1)}}).status().message(),
              HasSubstr("scalar"));
  Dataset mismatch = FromTensorSlices(
      Element{{"a", graph::Tensor::Of<float>({1, 2}, {2})}, {"b", graph::Tensor::Of<float>({1, 2, 3}, {3})}});
  EXPECT_THAT(mismatch.status().message(), HasSubstr("'b' has 3 rows"));
}

TEST(RangeTest, ValuesAndCardinality) {
  EXPECT_THAT(CollectInts(Range(5)), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(CollectInts(Range(2, 11, 3)), ElementsAre(2, 5, 8));
  EXPECT_THAT(CollectInts(Range(5, 0, -2)), ElementsAre(5, 3, 1));
  EXPECT_EQ(Range(2, 11, 3).Cardinality(), 3);
  EXPECT_EQ(Range(3, 3).Cardinality(), 0);
  EXPECT_FALSE(Range(0, 5, 0).ok());
}

class FileSourceTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) { return dir_ + "/" + name; }
  std::string dir_ = testing::MakeTempDir();
};

std::string ReadRawBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_F(FileSourceTest, ReadsRawAndGzipAndJoinsMembers) {
  testing::WriteFile(Path("raw"), "hello");
  testing::WriteGzip(Path("gz"), "hello gzip");
  EXPECT_EQ(*ReadFileMaybeGzip(Path("raw")), "hello");
  EXPECT_EQ(*ReadFileMaybeGzip(Path("gz")), "hello gzip");
  testing::WriteGzip(Path("a.gz"), "abc");
  testing::WriteGzip(Path("b.gz"), "def");
  testing::WriteFile(Path("ab.gz"), ReadRawBytes(Path("a.gz")) + ReadRawBytes(Path("b.gz")));
  EXPECT_EQ(*ReadFileMaybeGzip(Path("ab.gz")), "abcdef");
}

TEST_F(FileSourceTest, FileErrorsNameThePath) {
  absl::StatusOr<std::string> missing = ReadFileMaybeGzip(Path("nope"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(Path("nope")));
  std::string big(100000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7919) % 26);
  testing::WriteGzip(Path("big.gz"), big);
  std::string gz = ReadRawBytes(Path("big.gz"));
  testing::WriteFile(Path("cut.gz"), gz.substr(0, gz.size() / 2));
  absl::StatusOr<std::string> cut = ReadFileMaybeGzip(Path("cut.gz"));
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(cut.status().message(), HasSubstr("truncated"));
  EXPECT_THAT(cut.status().message(), HasSubstr("cut.gz"));
  std::string corrupt = gz;
  corrupt[20] = static_cast<char>(corrupt[20] ^ 0xff);
  corrupt[21] = static_cast<char>(corrupt[21] ^ 0xff);
  testing::WriteFile(Path("corrupt.gz"), corrupt);
  EXPECT_FALSE(ReadFileMaybeGzip(Path("corrupt.gz")).ok());
}

// 3 images of 2x2 pixels and their labels.
class IdxTest : public FileSourceTest {
 protected:
  void SetUp() override {
    testing::WriteGzip(Path("images.gz"),
                       testing::IdxBytes({3, 2, 2}, {0, 1, 2, 3, 10, 11, 12, 13, 255, 254, 253, 252}));
    testing::WriteFile(Path("labels"), testing::IdxBytes({3}, {7, 8, 9}));
  }
};

TEST_F(IdxTest, ReadsImagesAndLabels) {
  Dataset d = Idx(Path("images.gz"), Path("labels"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d.Cardinality(), 3);
  std::vector<Element> e = Collect(d);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].name(0), "image");
  EXPECT_EQ(e[0].name(1), "label");
  EXPECT_EQ(e[1]["image"].dtype(), graph::DType::kFloat32);
  EXPECT_EQ(e[1]["image"].shape(), graph::Shape({2, 2, 1}));
  EXPECT_EQ(e[1]["image"].ToVector<float>(), (std::vector<float>{10, 11, 12, 13}));
  EXPECT_EQ(e[2]["image"].ToVector<float>(), (std::vector<float>{255, 254, 253, 252}));
  EXPECT_EQ(e[2]["label"].dtype(), graph::DType::kInt64);
  EXPECT_EQ(testing::Ints(e, "label"), (std::vector<int64_t>{7, 8, 9}));
}

TEST_F(IdxTest, OptionsAndOtherTypes) {
  IdxOptions o;
  o.add_channel_dim = false;
  o.image_dtype = graph::DType::kInt32;
  o.image_key = "x";
  Dataset d = Idx(Path("images.gz"), "", o);
  std::vector<Element> e = Collect(d);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].size(), 1);
  EXPECT_EQ(e[0]["x"].shape(), graph::Shape({2, 2}));
  EXPECT_EQ(e[0]["x"].ToVector<int32_t>(), (std::vector<int32_t>{0, 1, 2, 3}));
  // Big-endian i16 and i8 files.
  testing::WriteFile(Path("i16"), testing::IdxBytes({2}, {0x01, 0x02, 0xff, 0xfe}, 0x0B));
  EXPECT_EQ(ReadIdxFile(Path("i16"), graph::DType::kInt64)->ToVector<int64_t>(),
            (std::vector<int64_t>{258, -2}));
  testing::WriteFile(Path("i8"), testing::IdxBytes({2}, {0x05, 0xfb}, 0x09));
  EXPECT_EQ(ReadIdxFile(Path("i8"), graph::DType::kInt64)->ToVector<int64_t>(),
            (std::vector<int64_t>{5, -5}));
  o.image_key = "label";
  o.label_key = "label";
  EXPECT_FALSE(Idx(Path("images.gz"), "", o).ok());
}

TEST_F(IdxTest, BadFilesAreErrorsNamingTheFile) {
  Dataset missing = Idx(Path("absent"), Path("labels"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("absent"));
  EXPECT_EQ(missing.MakeIterator().status().code(), absl::StatusCode::kNotFound);

  std::string bad_magic = testing::IdxBytes({3}, {1, 2, 3});
  bad_magic[0] = 1;
  testing::WriteFile(Path("magic"), bad_magic);
  EXPECT_THAT(Idx(Path("images.gz"), Path("magic")).status().message(), HasSubstr("bad IDX magic"));
  std::string bad_type = testing::IdxBytes({3}, {1, 2, 3}, 0x07);
  testing::WriteFile(Path("type"), bad_type);
  EXPECT_THAT(Idx(Path("type"), "").status().message(), HasSubstr("magic"));

  testing::WriteFile(Path("short"), testing::IdxBytes({3, 2, 2}, {0, 1, 2, 3, 4}));
  Dataset truncated = Idx(Path("short"), "");
  EXPECT_THAT(truncated.status().message(), HasSubstr("truncated"));
  EXPECT_THAT(truncated.status().message(), HasSubstr("short"));
  testing::WriteFile(Path("long"), testing::IdxBytes({2}, {0, 1, 2}));
  EXPECT_THAT(Idx(Path("long"), "").status().message(), HasSubstr("trailing"));
  testing::WriteFile(Path("header"), std::string("\0\0\x08\x03\0\0", 6));
  EXPECT_THAT(Idx(Path("header"), "").status().message(), HasSubstr("truncated IDX header"));

  testing::WriteFile(Path("four_labels"), testing::IdxBytes({4}, {1, 2, 3, 4}));
  Dataset count = Idx(Path("images.gz"), Path("four_labels"));
  EXPECT_THAT(count.status().message(), HasSubstr("4 labels"));
  EXPECT_THAT(count.status().message(), HasSubstr("3 images"));
  testing::WriteFile(Path("2d_labels"), testing::IdxBytes({3, 1}, {1, 2, 3}));
  EXPECT_THAT(Idx(Path("images.gz"), Path("2d_labels")).status().message(), HasSubstr("1-D"));

  // Gzip cut short inside the image data.
  std::string gz = ReadRawBytes(Path("images.gz"));
  testing::WriteFile(Path("cut.gz"), gz.substr(0, gz.size() - 10));
  EXPECT_EQ(Idx(Path("cut.gz"), "").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(FileSourceTest, CsvHeaderTypesDefaultsQuotesAndLabel) {
  testing::WriteFile(Path("a.csv"),
                     "x,name,y,label\r\n"
                     "1.5,\"a, b\",2,0\r\n"
                     "\n"
                     "-2,\"say \"\"hi\"\"\",,1\n"
                     "3e2,\"multi\nline\",4,1");
  CsvOptions o;
  o.select_columns = {"y", "x", "label"};
  o.column_dtypes = {{"y", graph::DType::kInt32}, {"label", graph::DType::kInt64}};
  o.column_defaults = {{"y", "-1"}};
  o.label_column = "label";
  Dataset d = Csv(Path("a.csv"), o);
  ASSERT_TRUE(d.ok()) << d.status();
  std::vector<Element> e = Collect(d);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].name(0), "y");
  EXPECT_EQ(e[0].name(1), "x");
  EXPECT_EQ(e[0].name(2), "label");
  EXPECT_EQ(e[0]["y"].dtype(), graph::DType::kInt32);
  EXPECT_EQ(e[0]["x"].dtype(), graph::DType::kFloat32);
  EXPECT_EQ(testing::Ints(e, "y"), (std::vector<int64_t>{2, -1, 4}));
  EXPECT_EQ(e[0]["x"].ToVector<float>()[0], 1.5f);
  EXPECT_EQ(e[1]["x"].ToVector<float>()[0], -2.0f);
  EXPECT_EQ(e[2]["x"].ToVector<float>()[0], 300.0f);
  EXPECT_EQ(testing::Ints(e, "label"), (std::vector<int64_t>{0, 1, 1}));
}

TEST_F(FileSourceTest, CsvWithoutHeaderAndOtherDelimiter) {
  testing::WriteGzip(Path("b.csv.gz"), "1;2\n3;4\n");
  CsvOptions o;
  o.header = false;
  o.delimiter = ';';
  o.default_dtype = graph::DType::kInt64;
  std::vector<Element> e = Collect(Csv(Path("b.csv.gz"), o));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].name(0), "column_0");
  EXPECT_EQ(testing::Ints(e, "column_1"), (std::vector<int64_t>{2, 4}));
}

TEST_F(FileSourceTest, CsvErrorsNameFileAndLine) {
  testing::WriteFile(Path("fields.csv"), "a,b\n1,2\n3\n");
  absl::Status s = Csv(Path("fields.csv")).status();
  EXPECT_THAT(s.message(), HasSubstr("fields.csv' line 3: expected 2 fields, got 1"));
  testing::WriteFile(Path("number.csv"), "a,b\n1,2\n3,x4\n");
  s = Csv(Path("number.csv")).status();
  EXPECT_THAT(s.message(), HasSubstr("number.csv' line 3, column 'b': cannot parse 'x4' as f32"));
  testing::WriteFile(Path("empty.csv"), "a,b\n1,\n");
  EXPECT_THAT(Csv(Path("empty.csv")).status().message(),
              HasSubstr("line 2, column 'b': empty field and no default"));
  testing::WriteFile(Path("quote.csv"), "a,b\n1,\"2\n");
  EXPECT_THAT(Csv(Path("quote.csv")).status().message(), HasSubstr("unterminated quoted field"));
  testing::WriteFile(Path("int.csv"), "a\n1.5\n");
  CsvOptions ints;
  ints.default_dtype = graph::DType::kInt32;
  EXPECT_THAT(Csv(Path("int.csv"), ints).status().message(), HasSubstr("cannot parse '1.5' as i32"));
  CsvOptions unknown;
  unknown.select_columns = {"zz"};
  EXPECT_THAT(Csv(Path("int.csv"), unknown).status().message(), HasSubstr("no column named 'zz'"));
  EXPECT_EQ(Csv(Path("missing.csv")).status().code(), absl::StatusCode::kNotFound);
  CsvOptions same;
  same.delimiter = '"';
  EXPECT_THAT(same.Validate().message(), HasSubstr("same character"));
  CsvOptions bad_type;
  bad_type.default_dtype = graph::DType::kBool;
  EXPECT_FALSE(bad_type.Validate().ok());
}

TEST_F(FileSourceTest, TextLinesDefaultParserAndCustomParser) {
  testing::WriteFile(Path("t.txt"), "header\nab\r\n\nc\n");
  std::vector<Element> e = Collect(TextLines(Path("t.txt")));
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[1]["line"].ToVector<int32_t>(), (std::vector<int32_t>{'a', 'b'}));
  EXPECT_EQ(e[2]["line"].num_elements(), 0);

  TextLinesOptions o;
  o.skip_header_lines = 1;
  o.skip_empty_lines = true;
  LineParser length = [](absl::string_view line, int64_t number, Element* out) {
    if (line == "c") return absl::InvalidArgumentError("no c allowed");
    out->Set("len", graph::Tensor::Scalar<int64_t>(static_cast<int64_t>(line.size())));
    out->Set("number", graph::Tensor::Scalar<int64_t>(number));
    return absl::OkStatus();
  };
  Dataset d = TextLines(Path("t.txt"), length, o);
  EXPECT_EQ(d.Cardinality(), 2);
  absl::StatusOr<Iterator> it = d.MakeIterator();
  ASSERT_TRUE(it.ok());
  Element x;
  bool end = false;
  ASSERT_TRUE(it->GetNext(&x, &end).ok());
  EXPECT_EQ(x["len"].ToVector<int64_t>()[0], 2);
  EXPECT_EQ(x["number"].ToVector<int64_t>()[0], 2);
  absl::Status bad = it->GetNext(&x, &end);
  EXPECT_THAT(bad.message(), HasSubstr("t.txt' line 4: no c allowed"));
  EXPECT_EQ(TextLines(Path("none.txt")).status().code(), absl::StatusCode::kNotFound);
  TextLinesOptions negative;
  negative.skip_header_lines = -1;
  EXPECT_THAT(TextLines(Path("t.txt"), BytesLineParser, negative).status().message(),
              HasSubstr("skip_header_lines must be >= 0"));
}

// Random byte flips, truncations and extensions of valid files give a Status or valid elements, never a
// crash.
TEST_F(FileSourceTest, MutatedFilesNeverCrash) {
  std::mt19937 rng(99);
  const std::string idx = testing::IdxBytes({4, 3, 2}, std::vector<uint8_t>(24, 7));
  const std::string csv = "a,b,c\n1,2,3\n\"4\",5.5,-6\n7,,9\n";
  int ok = 0, failed = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = trial % 2 == 0 ? idx : csv;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0:
          bytes[at] = static_cast<char>(rng());
          break;
        case 1:
          bytes.resize(at);
          break;
        default:
          bytes.insert(at, 1, static_cast<char>(rng()));
      }
      if (bytes.empty()) bytes.push_back('x');
    }
    const std::string path = Path("fuzz" + std::to_string(trial));
    if (trial % 4 < 2) {
      testing::WriteFile(path, bytes);
    } else {
      testing::WriteGzip(path, bytes);
    }
    CsvOptions lenient;
    lenient.column_defaults = {{"a", "0"}, {"b", "0"}, {"c", "0"}};
    Dataset d = trial % 2 == 0 ? Idx(path, "") : Csv(path, lenient);
    if (!d.ok()) {
      ++failed;
      continue;
    }
    ++ok;
    absl::Status s = FirstError(d.Batch(2));
    (void)s;
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(ok, 0);
}

TEST(GeneratorTest, CallsWithIndicesUntilEnd) {
  Dataset d = FromGenerator([](int64_t i, Element* out, bool* end) {
    if (i == 4) {
      *end = true;
      return absl::OkStatus();
    }
    out->Set("value", graph::Tensor::Scalar<int64_t>(i * i));
    return absl::OkStatus();
  });
  EXPECT_EQ(d.Cardinality(), kUnknownCardinality);
  EXPECT_THAT(CollectInts(d), ElementsAre(0, 1, 4, 9));
  EXPECT_THAT(CollectInts(d), ElementsAre(0, 1, 4, 9));  // Each iterator starts again.
  Dataset failing = FromGenerator([](int64_t i, Element* out, bool*) {
    if (i == 2) return absl::DataLossError("record 2 is bad");
    out->Set("value", graph::Tensor::Scalar<int64_t>(i));
    return absl::OkStatus();
  });
  EXPECT_THAT(FirstError(failing).message(), HasSubstr("record 2 is bad"));
}

}  // namespace
}  // namespace datasets
