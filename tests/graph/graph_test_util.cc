#include "tests/graph/graph_test_util.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace testing_util {

std::vector<graph::Tensor> RunFetches(const graph::Scope& s, std::vector<graph::Output> fetches,
                                      std::vector<graph::Feed> feeds) {
  EXPECT_TRUE(s.ok()) << s.status();
  graph::Session sess(*s.graph());
  std::vector<graph::Tensor> out;
  absl::Status st = sess.Run(feeds, fetches, &out);
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

std::string BuildError(const graph::Scope& s, const std::string& file, const std::string& op, int line) {
  EXPECT_FALSE(s.ok());
  const std::string msg(s.status().message());
  EXPECT_THAT(msg, ::testing::HasSubstr(file + ":" + std::to_string(line) + ": " + op));
  return msg;
}

}  // namespace testing_util
