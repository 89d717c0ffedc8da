#include "graph/op_registry.h"

namespace graph {

const OpRegistry& OpRegistry::Global() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    RegisterStateOps(*r);
    RegisterElementwiseOps(*r);
    RegisterArrayOps(*r);
    RegisterReductionOps(*r);
    RegisterMatMulOps(*r);
    RegisterGeneratorOps(*r);
    RegisterControlFlowOps(*r);
    RegisterGradSupportOps(*r);
    RegisterNnOps(*r);
    RegisterConvOps(*r);
    RegisterBatchNormOps(*r);
    RegisterLossOps(*r);
    RegisterStateGradients(*r);
    RegisterElementwiseGradients(*r);
    RegisterMatMulGradients(*r);
    RegisterArrayGradients(*r);
    RegisterReductionGradients(*r);
    return r;
  }();
  return *registry;
}

}  // namespace graph
