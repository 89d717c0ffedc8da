#include "graph/cpu_info.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "dnnl.hpp"

namespace graph {
namespace {

std::string BrandString() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned int regs[12] = {};
  if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000004u) {
    for (unsigned int i = 0; i < 3; ++i) {
      __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    }
    char text[sizeof regs + 1] = {};
    std::memcpy(text, regs, sizeof regs);
    std::string brand = std::string(absl::StripAsciiWhitespace(text));
    if (!brand.empty()) return brand;
  }
#endif
  return "unknown CPU";
}

const char* IsaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::all:
      return "all";
    case dnnl::cpu_isa::sse41:
      return "sse41";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic:
      return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops:
      return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
  }
  return "unknown ISA";
}

// True when oneDNN creates a bf16 matmul here (it has none below AVX512-BF16 in 2.6).
bool ProbeBf16Matmul() {
  try {
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const dnnl::memory::dims d = {16, 16};
    dnnl::memory::desc md(d, dnnl::memory::data_type::bf16, dnnl::memory::format_tag::ab);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(md, md, md), engine);
    return true;
  } catch (const dnnl::error&) {
    return false;
  }
}

}  // namespace

const CpuInfo& GetCpuInfo() {
  static const CpuInfo* info = [] {
    auto* i = new CpuInfo;
    i->model = BrandString();
    const dnnl_version_t* v = dnnl_version();
    i->dnnl_version = absl::StrCat(v->major, ".", v->minor, ".", v->patch);
    i->dnnl_isa = IsaName(dnnl::get_effective_cpu_isa());
    i->native_bf16_matmul = ProbeBf16Matmul();
    return i;
  }();
  return *info;
}

std::string DescribeCpu() {
  const CpuInfo& i = GetCpuInfo();
  return absl::StrCat(i.model, "; oneDNN ", i.dnnl_version, ", ISA ", i.dnnl_isa, ", bf16 matmul ",
                      i.native_bf16_matmul ? "native" : "emulated in f32");
}

}  // namespace graph
