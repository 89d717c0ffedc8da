// PredictionWriter: JSON lines and CSV, to a stream or atomically to a file.
#include "cli/prediction_output.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_test_util.h"

namespace cli {
namespace {

using ::testing::HasSubstr;

std::map<std::string, graph::Tensor> Example(int64_t cls, std::initializer_list<float> probabilities) {
  std::map<std::string, graph::Tensor> e;
  e["class"] = graph::Tensor::Scalar<int64_t>(cls);
  e["probabilities"] = graph::Tensor::Of<float>(probabilities, {2, 2});
  return e;
}

TEST(PredictionWriterTest, CsvHeaderAndRows) {
  std::ostringstream out;
  PredictionWriter w(PredictionFormat::kCsv, &out, "");
  ASSERT_TRUE(w.Add(Example(3, {0.1f, 0.25f, NAN, 0.65f})).ok());
  const float inf = std::numeric_limits<float>::infinity();
  ASSERT_TRUE(w.Add(Example(-1, {1e-5f, -inf, inf, 1.0f})).ok());
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(out.str(),
            "class,probabilities_0,probabilities_1,probabilities_2,probabilities_3\n"
            "3,0.1,0.25,nan,0.65\n"
            "-1,1e-05,-inf,inf,1\n");
  EXPECT_EQ(w.count(), 2);
}

TEST(PredictionWriterTest, CsvQuotesNamesAndKeepsTypes) {
  std::ostringstream out;
  PredictionWriter w(PredictionFormat::kCsv, &out, "");
  std::map<std::string, graph::Tensor> e;
  e["a,b"] = graph::Tensor::Scalar<bool>(true);
  e["q\""] = graph::Tensor::Of<int32_t>({7, 8}, {2});
  ASSERT_TRUE(w.Add(e).ok());
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(out.str(), "\"a,b\",\"q\"\"_0\",\"q\"\"_1\"\ntrue,7,8\n");
}

TEST(PredictionWriterTest, CsvRefusesChangingColumns) {
  std::ostringstream out;
  PredictionWriter w(PredictionFormat::kCsv, &out, "");
  ASSERT_TRUE(w.Add(Example(0, {1, 2, 3, 4})).ok());
  std::map<std::string, graph::Tensor> other = Example(0, {1, 2, 3, 4});
  other["probabilities"] = graph::Tensor::Of<float>({1, 2}, {2});
  absl::Status st = w.Add(other);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("prediction 'probabilities' has 2 elements but the first example's "
                                      "'probabilities' has 4"));
  other.erase("class");
  EXPECT_THAT(w.Add(other).message(), HasSubstr("has 1 predictions but the first one has 2"));
  EXPECT_EQ(w.count(), 1);
}

TEST(PredictionWriterTest, JsonLinesToAFileOnlyAtFinish) {
  const std::string dir = cli_test::FreshTempDir();
  const std::string path = dir + "/p.jsonl";
  cli_test::WriteFile(path, "old\n");
  std::ostringstream out;
  PredictionWriter w(PredictionFormat::kJsonLines, &out, path);
  ASSERT_TRUE(w.Add(Example(1, {0.5f, 0.5f, 0, 1})).ok());
  EXPECT_EQ(cli_test::ReadFile(path), "old\n");
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(cli_test::ReadFile(path), "{\"class\":1,\"probabilities\":[[0.5,0.5],[0.0,1.0]]}\n");
  EXPECT_EQ(out.str(), "");
  PredictionWriter bad(PredictionFormat::kJsonLines, &out, dir + "/missing/p.jsonl");
  absl::Status st = bad.Finish();
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr(dir + "/missing/p.jsonl"));
}

TEST(PredictionWriterTest, ParsesFormats) {
  EXPECT_EQ(*ParsePredictionFormat(""), PredictionFormat::kJsonLines);
  EXPECT_EQ(*ParsePredictionFormat("jsonl"), PredictionFormat::kJsonLines);
  EXPECT_EQ(*ParsePredictionFormat("csv"), PredictionFormat::kCsv);
  EXPECT_FALSE(ParsePredictionFormat("tsv").ok());
}

}  // namespace
}  // namespace cli
