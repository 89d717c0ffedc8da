#include "graph/kernels/dnnl_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "graph/cpu_info.h"

namespace graph {
namespace {

std::string Operands(const std::vector<Tensor>& tensors) {
  std::string text;
  for (const Tensor& t : tensors) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", DTypeName(t.dtype()), t.shape().ToString());
  }
  return text.empty() ? std::string("nothing") : text;
}

}  // namespace

absl::Status DnnlCreationError(absl::string_view what, const KernelContext& ctx, const dnnl::error& e) {
  const std::string types = absl::StrCat(Operands(ctx.inputs), " -> ", Operands(ctx.outputs));
  if (e.status == dnnl_unimplemented) {
    return absl::UnimplementedError(
        absl::StrCat("this CPU has no oneDNN ", what, " for ", types, " (", DescribeCpu(), ")"));
  }
  return absl::InternalError(absl::StrCat("oneDNN could not create a ", what, " for ", types, ": ", e.what(),
                                          " (", DescribeCpu(), ")"));
}

}  // namespace graph
