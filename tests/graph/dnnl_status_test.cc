// What a kernel factory reports when oneDNN has no primitive for an op on this CPU.
#include "graph/kernels/dnnl_status.h"

#include "gmock/gmock.h"
#include "graph/cpu_info.h"
#include "graph/ops/matmul_ops.h"
#include "graph/ops/state_ops.h"
#include "graph/plan.h"
#include "gtest/gtest.h"

namespace graph {
namespace {

using ::testing::HasSubstr;

class NoServices : public CompileServices {
 public:
  dnnl::engine& engine() override { return engine_; }
  bool emulate_bf16() const override { return false; }
  VariableSlot* Variable(const Node&) override { return nullptr; }
  uint64_t* RngCounter(const Node&) override { return nullptr; }
  absl::StatusOr<std::unique_ptr<Plan>> CompileSubgraph(const Graph&, absl::Span<const TensorType>) override {
    return absl::UnimplementedError("no subgraphs here");
  }

 private:
  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
};

TEST(DnnlStatusTest, MissingPrimitiveIsUnimplementedNamingOperandsAndCpu) {
  Scope s = Scope::NewRootScope();
  Output c = ops::MatMul(s, ops::Const(s, Tensor(DType::kBFloat16, {2, 3})),
                         ops::Const(s, Tensor(DType::kBFloat16, {3, 4})));
  ASSERT_TRUE(s.ok()) << s.status();
  NoServices services;
  KernelContext ctx{*c.node,
                    {Tensor(DType::kBFloat16, {2, 3}), Tensor(DType::kBFloat16, {3, 4})},
                    {Tensor(DType::kBFloat16, {2, 4})},
                    services};
  absl::Status st = DnnlCreationError("matmul", ctx, dnnl::error(dnnl_unimplemented, "no implementation"));
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(st.message(),
            "this CPU has no oneDNN matmul for bf16[2,3], bf16[3,4] -> bf16[2,4] (" + DescribeCpu() + ")");
  EXPECT_THAT(std::string(st.message()), HasSubstr("ISA " + GetCpuInfo().dnnl_isa));

  absl::Status other = DnnlCreationError("matmul", ctx, dnnl::error(dnnl_invalid_arguments, "bad dims"));
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(other.message()),
              HasSubstr("oneDNN could not create a matmul for bf16[2,3], bf16[3,4] -> bf16[2,4]: bad dims"));
}

}  // namespace
}  // namespace graph
