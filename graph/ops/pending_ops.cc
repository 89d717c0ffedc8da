// Weak placeholders so the library links while op families are being added; strong definitions replace them.
#include "graph/op_registry.h"

namespace graph {
__attribute__((weak)) void RegisterArrayOps(OpRegistry&) {}
__attribute__((weak)) void RegisterReductionOps(OpRegistry&) {}
__attribute__((weak)) void RegisterMatMulOps(OpRegistry&) {}
__attribute__((weak)) void RegisterGeneratorOps(OpRegistry&) {}
__attribute__((weak)) void RegisterControlFlowOps(OpRegistry&) {}
__attribute__((weak)) void RegisterArrayGradients(OpRegistry&) {}
__attribute__((weak)) void RegisterReductionGradients(OpRegistry&) {}
__attribute__((weak)) void RegisterNnOps(OpRegistry&) {}
__attribute__((weak)) void RegisterConvOps(OpRegistry&) {}
__attribute__((weak)) void RegisterBatchNormOps(OpRegistry&) {}
}  // namespace graph
