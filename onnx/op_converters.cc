#include "onnx/op_converters.h"

namespace onnx_export {

const OpConverter* FindConverter(graph::OpKind kind) {
  for (auto find : {FindMathConverter, FindArrayConverter, FindNnConverter, FindConvConverter}) {
    if (const OpConverter* c = find(kind)) return c;
  }
  return nullptr;
}

}  // namespace onnx_export
