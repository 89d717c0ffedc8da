// The Status a kernel factory returns when oneDNN refuses to create a primitive. Internal to graph/.
#ifndef GRAPH_KERNELS_DNNL_STATUS_H_
#define GRAPH_KERNELS_DNNL_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "dnnl.hpp"
#include "graph/kernel.h"

namespace graph {

// `what` names the primitive ("matmul", "max pooling", ...). A primitive oneDNN has no implementation of
// for these operands on this CPU is Unimplemented: "this CPU has no oneDNN matmul for bf16[2,2], bf16[2,2]
// -> bf16[2,2] (<DescribeCpu()>)". Any other refusal is Internal with oneDNN's message. The plan prefixes
// the op and the user's file:line.
absl::Status DnnlCreationError(absl::string_view what, const KernelContext& ctx, const dnnl::error& e);

}  // namespace graph

#endif  // GRAPH_KERNELS_DNNL_STATUS_H_
