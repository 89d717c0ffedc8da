// CpuInfo against what the kernel reports in /proc/cpuinfo and the DNNL_MAX_CPU_ISA cap.
#include "graph/cpu_info.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

// The first "model name" and "flags" lines of /proc/cpuinfo ("" when absent).
struct ProcCpu {
  std::string model;
  std::set<std::string> flags;
};
ProcCpu ReadProcCpu() {
  ProcCpu out;
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line) && line.size() < 65536;) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key(absl::StripAsciiWhitespace(line.substr(0, colon)));
    const std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    if (key == "model name" && out.model.empty()) out.model = value;
    if (key == "flags" && out.flags.empty()) {
      std::istringstream words(value);
      for (std::string w; words >> w;) out.flags.insert(w);
    }
  }
  return out;
}

TEST(CpuInfoTest, ModelIsTheKernelsModelName) {
  const ProcCpu proc = ReadProcCpu();
  if (proc.model.empty()) GTEST_SKIP() << "/proc/cpuinfo has no model name here";
  EXPECT_EQ(GetCpuInfo().model, proc.model);
}

TEST(CpuInfoTest, IsaAndBf16FollowTheCpuFlagsAndTheCap) {
  const CpuInfo& info = GetCpuInfo();
  const ProcCpu proc = ReadProcCpu();
  const char* cap_env = std::getenv("DNNL_MAX_CPU_ISA");
  const std::string cap = absl::AsciiStrToLower(cap_env != nullptr ? cap_env : "");
  if (cap == "avx2") {
    EXPECT_EQ(info.dnnl_isa, "avx2");
    EXPECT_FALSE(info.native_bf16_matmul);  // oneDNN has no bf16 matmul below AVX512-BF16
  }
  if (!proc.flags.empty()) {
    if (proc.flags.count("avx512f") == 0) {
      EXPECT_FALSE(absl::StartsWith(info.dnnl_isa, "avx512"));
    }
    if (proc.flags.count("avx2") && cap.empty()) {
      EXPECT_TRUE(absl::StartsWith(info.dnnl_isa, "avx2") || absl::StartsWith(info.dnnl_isa, "avx512"))
          << info.dnnl_isa;
    }
    const bool cpu_bf16 = proc.flags.count("avx512_bf16") || proc.flags.count("amx_bf16");
    if (cap.empty()) {
      EXPECT_EQ(info.native_bf16_matmul, cpu_bf16) << info.dnnl_isa;
    }
    if (!cpu_bf16) {
      EXPECT_FALSE(info.native_bf16_matmul);
    }
  }
}

TEST(CpuInfoTest, DescriptionNamesModelVersionIsaAndBf16Path) {
  const CpuInfo& info = GetCpuInfo();
  EXPECT_EQ(DescribeCpu(), info.model + "; oneDNN " + info.dnnl_version + ", ISA " + info.dnnl_isa +
                               ", bf16 matmul " + (info.native_bf16_matmul ? "native" : "emulated in f32"));
  EXPECT_THAT(info.dnnl_version, ::testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
  EXPECT_NE(info.dnnl_isa, "unknown ISA");
}

}  // namespace
}  // namespace graph
