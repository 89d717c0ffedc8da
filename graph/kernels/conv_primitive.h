// A Kernel that runs one oneDNN primitive whose arguments are bound, at compile time, to the plan's tensors
// in plain layouts. When the primitive chose another layout for an argument, a reorder and a buffer in that
// layout are created at compile time too; Run then reorders inputs, executes the primitive and reorders
// outputs back. Used by the convolution and pooling kernels.
#ifndef GRAPH_KERNELS_CONV_PRIMITIVE_H_
#define GRAPH_KERNELS_CONV_PRIMITIVE_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "dnnl.hpp"
#include "graph/kernel.h"
#include "graph/tensor.h"

namespace graph {

class DnnlPrimitiveKernel : public Kernel {
 public:
  // `what` names the primitive in run-time errors ("convolution backward data").
  DnnlPrimitiveKernel(dnnl::engine& engine, std::string what) : engine_(engine), what_(std::move(what)) {}

  // Binds primitive argument `arg` (DNNL_ARG_*) to `data`, laid out as `user_md`. If `primitive_md` differs,
  // the primitive reads a compile-time buffer that a reorder fills from `data` before each execution. May
  // throw dnnl::error (callers turn it into a Status).
  void BindInput(int arg, const dnnl::memory::desc& user_md, const void* data,
                 const dnnl::memory::desc& primitive_md);
  // Same for an output: the primitive writes a buffer that is reordered into `data` after each execution.
  void BindOutput(int arg, const dnnl::memory::desc& user_md, void* data,
                  const dnnl::memory::desc& primitive_md);
  // Sets the primitive and gives it a user-mode scratchpad of `scratchpad_md`'s size (owned by the kernel).
  void SetPrimitive(dnnl::primitive primitive, const dnnl::memory::desc& scratchpad_md);

  // Number of reorders around the primitive (0 when every argument is used in place).
  int num_reorders() const { return static_cast<int>(before_.size() + after_.size()); }

  absl::Status Run(RunContext& ctx) override;

 private:
  struct Reorder {
    dnnl::reorder primitive;
    dnnl::memory from, to;
  };
  // The memory the primitive uses for `arg`: the user's storage or a new buffer with its own reorder.
  dnnl::memory Bind(const dnnl::memory::desc& user_md, void* data, const dnnl::memory::desc& primitive_md,
                    bool input);

  dnnl::engine& engine_;
  std::string what_;
  dnnl::primitive primitive_;
  std::unordered_map<int, dnnl::memory> args_;
  std::vector<Reorder> before_, after_;
  std::vector<std::shared_ptr<Buffer>> buffers_;  // scratchpad and reorder targets
};

}  // namespace graph

#endif  // GRAPH_KERNELS_CONV_PRIMITIVE_H_
