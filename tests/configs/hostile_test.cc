// Hostile config files are refused quickly, with one positioned message and no crash.
#include <chrono>
#include <random>
#include <string>

#include "configs/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/configs/config_test_util.h"

namespace configs {
namespace {

using configs_test::FreshTempDir;
using configs_test::MinimalConfig;
using configs_test::WriteFile;
using ::testing::HasSubstr;

class HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTempDir();
    file_ = dir_ + "/c.yaml";
  }
  // Writes `text`, loads it and returns the error message ("OK" if it loaded); checks it took < 1 s.
  std::string Refusal(const std::string& text) {
    WriteFile(file_, text);
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<Config> c = LoadConfig(file_);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(secs, 1.0);
    return c.ok() ? std::string("OK") : std::string(c.status().message());
  }
  std::string dir_, file_;
};

TEST_F(HostileTest, DeepFlowNesting) {
  const int n = 100000;
  EXPECT_THAT(Refusal("model: " + std::string(n, '[') + std::string(n, ']') + "\n"),
              HasSubstr(": nesting deeper than 64 levels"));
  // Deeper than the limit but shallow enough for the parser: refused by the tree's own check.
  EXPECT_EQ(Refusal("model: " + std::string(70, '[') + std::string(70, ']') + "\n"),
            file_ + ":1:72: nesting deeper than 64 levels");
}

TEST_F(HostileTest, DeepBlockNesting) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  EXPECT_EQ(Refusal(text), file_ + ":66:66: nesting deeper than 64 levels");
}

TEST_F(HostileTest, AliasBomb) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    const char prev = static_cast<char>(c - 1);
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", " : "") + "*" + prev;
    text += "]\n";
  }
  EXPECT_THAT(Refusal(text), HasSubstr(": more than 100000 nodes once aliases are expanded"));
  EXPECT_THAT(Refusal(text), ::testing::StartsWith(file_ + ":"));
}

TEST_F(HostileTest, DeepNestingOfOtherForms) {
  std::string dashes;
  for (int i = 0; i < 300000; ++i) dashes += "- ";
  EXPECT_THAT(Refusal(dashes + "x\n"), HasSubstr(": nesting deeper than 64 levels"));
  std::string maps;
  for (int i = 0; i < 200000; ++i) maps += "{a: ";
  EXPECT_THAT(Refusal(maps + "1" + std::string(200000, '}') + "\n"),
              HasSubstr(": nesting deeper than 64 levels"));
}

TEST_F(HostileTest, AliasedLongStrings) {
  // 100 aliases of a 500 kB string would expand to 50 MB of text. An alias is reported at its anchor.
  std::string text = "model: {name: m, params: {s: &s " + std::string(500000, 'x') + "}}\nrun: [";
  for (int i = 0; i < 100; ++i) text += std::string(i ? ", " : "") + "*s";
  EXPECT_EQ(Refusal(text + "]\n"),
            file_ + ":1:30" + ": more than 16777216 bytes of values once aliases are expanded");
}

TEST_F(HostileTest, HugeNumbers) {
  const std::string csv = dir_ + "/d.csv";
  WriteFile(csv, "x\n1\n");
  EXPECT_EQ(Refusal(MinimalConfig(csv, "  optimizer: {learning_rate: 1e400}\n")),
            file_ + ":10:30: train.optimizer.learning_rate: '1e400' is out of range for a 32-bit float");
  EXPECT_EQ(Refusal(MinimalConfig(csv) + "run2: 1\n"),
            file_ + ":10:1: run2: unknown key; did you mean 'run'?");
  EXPECT_EQ(Refusal("model: {name: m, params: {x: 1e400}}\n"),
            file_ + ":1:30: model.params.x: '1e400' is out of range for a 64-bit float");
  EXPECT_EQ(
      Refusal("model: {name: m, params: {x: [1" + std::string(30, '0') + "]}}\n"),
      file_ + ":1:31: model.params.x: '1" + std::string(30, '0') + "' is out of range for a 64-bit integer");
}

TEST_F(HostileTest, BinaryBytes) {
  EXPECT_EQ(Refusal(std::string("model:\n  name: a\0b\n", 19)),
            file_ + ":2:10: NUL byte: a config must be UTF-8 text");
  EXPECT_EQ(Refusal("model:\n  name: \xff\n"),
            file_ + ":2:9: invalid UTF-8 byte 0xff: a config must be UTF-8 text");
  EXPECT_EQ(Refusal("model: \xc3\x28\n"),
            file_ + ":1:8: invalid UTF-8 byte 0xc3: a config must be UTF-8 text");
  EXPECT_EQ(Refusal("model:\x1b\n"), file_ + ":1:7: control byte 0x1b: a config must be UTF-8 text");
  // Valid multi-byte UTF-8 is accepted in values and counted as one column.
  EXPECT_EQ(Refusal("mod\xc3\xa9l: 1\n"), file_ + ":1:1: mod\xc3\xa9l: unknown key; did you mean 'model'?");
}

TEST_F(HostileTest, OversizedFile) {
  EXPECT_EQ(Refusal("# " + std::string(2 << 20, 'x') + "\n"),
            file_ + ":1:1: file of 2097155 bytes is over the limit of 1048576 bytes");
}

TEST_F(HostileTest, RandomMutationsNeverCrash) {
  const std::string csv = dir_ + "/d.csv";
  WriteFile(csv, "x\n1\n");
  const std::string base = MinimalConfig(csv,
                                         "  optimizer: {name: adam, learning_rate: 0.1}\neval:\n  input: "
                                         "{source: csv, path: " +
                                             csv + ", batch_size: 1}\n");
  std::mt19937 rng(7);
  const std::string alphabet = "[]{}:-&*!|>'\"#,? \n\t0a%@`\\";
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    std::string text = base;
    for (int k = 0; k < 3; ++k) {
      text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    }
    absl::StatusOr<Config> c = LoadConfigFromString(text, "m.yaml");
    if (!c.ok()) {
      ++refused;
      EXPECT_THAT(std::string(c.status().message()), ::testing::StartsWith("m.yaml:")) << text;
    }
  }
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace configs
