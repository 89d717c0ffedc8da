#include "graph/kernels/conv_primitive.h"

#include "absl/strings/str_cat.h"

namespace graph {

dnnl::memory DnnlPrimitiveKernel::Bind(const dnnl::memory::desc& user_md, void* data,
                                       const dnnl::memory::desc& primitive_md, bool input) {
  dnnl::memory user(user_md, engine_, data);
  if (primitive_md == user_md) return user;
  buffers_.push_back(std::make_shared<Buffer>(primitive_md.get_size()));
  dnnl::memory inner(primitive_md, engine_, buffers_.back()->data());
  if (input) {
    before_.push_back({dnnl::reorder(user, inner), user, inner});
  } else {
    after_.push_back({dnnl::reorder(inner, user), inner, user});
  }
  return inner;
}

void DnnlPrimitiveKernel::BindInput(int arg, const dnnl::memory::desc& user_md, const void* data,
                                    const dnnl::memory::desc& primitive_md) {
  args_[arg] = Bind(user_md, const_cast<void*>(data), primitive_md, /*input=*/true);
}

void DnnlPrimitiveKernel::BindOutput(int arg, const dnnl::memory::desc& user_md, void* data,
                                     const dnnl::memory::desc& primitive_md) {
  args_[arg] = Bind(user_md, data, primitive_md, /*input=*/false);
}

void DnnlPrimitiveKernel::SetPrimitive(dnnl::primitive primitive, const dnnl::memory::desc& scratchpad_md) {
  primitive_ = std::move(primitive);
  const size_t bytes = scratchpad_md.get_size();
  if (bytes > 0) {
    buffers_.push_back(std::make_shared<Buffer>(bytes));
    args_[DNNL_ARG_SCRATCHPAD] = dnnl::memory(scratchpad_md, engine_, buffers_.back()->data());
  }
}

absl::Status DnnlPrimitiveKernel::Run(RunContext& ctx) {
  try {
    for (Reorder& r : before_) r.primitive.execute(*ctx.stream, r.from, r.to);
    primitive_.execute(*ctx.stream, args_);
    for (Reorder& r : after_) r.primitive.execute(*ctx.stream, r.from, r.to);
  } catch (const dnnl::error& e) {
    return absl::InternalError(absl::StrCat("oneDNN ", what_, " failed: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace graph
