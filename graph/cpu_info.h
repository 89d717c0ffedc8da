// What this process computes on: the CPU's model name, the instruction set oneDNN dispatches to and whether
// bf16 matmuls have native kernels. oneDNN's ISA is the CPU's own unless DNNL_MAX_CPU_ISA caps it (e.g.
// DNNL_MAX_CPU_ISA=AVX2 shows on an AVX-512 machine what an AVX2-only CPU does).
#ifndef GRAPH_CPU_INFO_H_
#define GRAPH_CPU_INFO_H_

#include <string>

namespace graph {

struct CpuInfo {
  std::string model;         // the CPU's brand string, e.g. "AMD EPYC 7B13"; "unknown CPU" if unreadable
  std::string dnnl_version;  // e.g. "2.6.3"
  std::string dnnl_isa;      // oneDNN's effective ISA: "avx2", "avx512_core", "avx512_core_amx", ...
  // oneDNN has a bf16 matmul for this ISA. Without one, bf16 matmuls compute in f32 on up-converted
  // inputs and round the result to bf16.
  bool native_bf16_matmul = false;
};

// Read once (the first call creates a tiny oneDNN primitive to probe bf16); thread-safe.
const CpuInfo& GetCpuInfo();

// One line for logs and --version: "Intel(R) Xeon(R) Processor; oneDNN 2.6.3, ISA avx512_core_amx, bf16
// matmul native" (or "bf16 matmul emulated in f32").
std::string DescribeCpu();

}  // namespace graph

#endif  // GRAPH_CPU_INFO_H_
