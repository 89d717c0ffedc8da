// A kernel that executes one oneDNN primitive on memory bound at compile time, shared by the neural-network
// kernels. Internal to graph/kernels.
#ifndef GRAPH_KERNELS_NN_DNNL_H_
#define GRAPH_KERNELS_NN_DNNL_H_

#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "dnnl.hpp"
#include "graph/kernel.h"
#include "graph/kernels/dnnl_status.h"
#include "graph/tensor.h"

namespace graph {

// Holds a primitive, its argument map (views of planned storage) and a user-mode scratchpad. Build it at
// compile time with Bind/SetPrimitive; Run executes the primitive without allocating anything of its own. A
// kernel with no primitive (empty tensors) runs as a no-op. Not thread-safe.
class DnnlKernel : public Kernel {
 public:
  // `what` names the primitive in error messages ("softmax", ...); must outlive the kernel.
  explicit DnnlKernel(const char* what) : what_(what) {}

  // The oneDNN attributes every primitive here is created with (user-mode scratchpad).
  static dnnl::primitive_attr Attr() {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return attr;
  }
  // Binds argument `arg` to `data` (not owned; must outlive the kernel) described by `md`.
  void Bind(int arg, const dnnl::memory::desc& md, dnnl::engine& engine, const void* data) {
    args_[arg] = dnnl::memory(md, engine, const_cast<void*>(data));
  }
  // Installs the primitive and allocates the scratchpad `pd` asks for. Call after the Binds.
  template <typename PrimitiveDesc, typename Primitive>
  void SetPrimitive(const PrimitiveDesc& pd, dnnl::engine& engine) {
    primitive_ = Primitive(pd);
    has_primitive_ = true;
    const dnnl::memory::desc scratch_md = pd.scratchpad_desc();
    if (scratch_md.get_size() > 0) {
      scratchpad_ = std::make_shared<Buffer>(scratch_md.get_size());
      args_[DNNL_ARG_SCRATCHPAD] = dnnl::memory(scratch_md, engine, scratchpad_->data());
    }
    implementation_ = pd.impl_info_str();
  }
  // The oneDNN implementation chosen ("jit:avx512_core", ...), empty without a primitive.
  const std::string& implementation() const { return implementation_; }

  absl::Status Run(RunContext& ctx) override {
    if (!has_primitive_) return absl::OkStatus();
    try {
      primitive_.execute(*ctx.stream, args_);
    } catch (const dnnl::error& e) {
      return absl::InternalError(std::string("oneDNN ") + what_ + " failed: " + e.what());
    }
    return absl::OkStatus();
  }

  // The error a factory returns when oneDNN rejects a descriptor (see DnnlCreationError).
  absl::Status CreationError(const KernelContext& ctx, const dnnl::error& e) const {
    return DnnlCreationError(what_, ctx, e);
  }

 private:
  const char* what_;
  dnnl::primitive primitive_;
  bool has_primitive_ = false;
  std::unordered_map<int, dnnl::memory> args_;
  std::shared_ptr<Buffer> scratchpad_;
  std::string implementation_;
};

}  // namespace graph

#endif  // GRAPH_KERNELS_NN_DNNL_H_
