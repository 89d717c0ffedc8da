// CheckOnnxModel: ONNX's checker plus strict shape inference (what onnx.checker.check_model(full_check=True)
// does in Python; ONNX 1.12's C++ check_model has no full_check flag).
#include <exception>
#include <string>

#include "absl/strings/str_cat.h"
#include "onnx/checker.h"
#include "onnx/onnx_export.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

namespace onnx_export {

absl::Status CheckOnnxModel(const std::string& serialized_model) {
  onnx::ModelProto model;
  if (!model.ParseFromString(serialized_model)) {
    return absl::InvalidArgumentError(absl::StrCat("CheckOnnxModel: the ", serialized_model.size(),
                                                   " bytes given are not a serialized ONNX ModelProto"));
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("ONNX checker refused the model: ", e.what()));
  }
  try {
    // check_type: inputs must match the op schemas' type constraints; error_mode 1: any node's inference
    // error (e.g. a declared output shape contradicting the inferred one) fails.
    const onnx::ShapeInferenceOptions options(/*check_type_val=*/true, /*strict_mode_val=*/1,
                                              /*data_prop_val=*/false);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("ONNX shape inference refused the model: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace onnx_export
