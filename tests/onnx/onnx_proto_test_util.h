// Reading back exported ONNX models in tests: parse, find nodes / initializers / attributes, decode values.
#ifndef TESTS_ONNX_ONNX_PROTO_TEST_UTIL_H_
#define TESTS_ONNX_ONNX_PROTO_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "tests/onnx/onnx_test_models.h"

namespace onnx_test {

// Exports `model` with `options`, expects success and a passing CheckOnnxModel, and parses the bytes.
onnx::ModelProto ExportAndParse(const TestModel& model, const onnx_export::OnnxExportOptions& options = {});

std::vector<std::string> OpTypes(const onnx::GraphProto& g);
// nullptr when absent.
const onnx::NodeProto* FindNode(const onnx::GraphProto& g, const std::string& name);
const onnx::TensorProto* FindInitializer(const onnx::GraphProto& g, const std::string& name);
const onnx::ValueInfoProto* FindOutput(const onnx::GraphProto& g, const std::string& name);
// The node producing tensor `name`, or nullptr.
const onnx::NodeProto* Producer(const onnx::GraphProto& g, const std::string& tensor);
// Attribute values (expects the attribute to exist).
int64_t IntAttr(const onnx::NodeProto& n, const std::string& name);
float FloatAttr(const onnx::NodeProto& n, const std::string& name);
std::string StringAttr(const onnx::NodeProto& n, const std::string& name);
std::vector<int64_t> IntsAttr(const onnx::NodeProto& n, const std::string& name);
bool HasAttr(const onnx::NodeProto& n, const std::string& name);

std::vector<int64_t> Dims(const onnx::TensorProto& t);
std::vector<float> FloatValues(const onnx::TensorProto& t);
std::vector<int64_t> Int64Values(const onnx::TensorProto& t);
// A graph input/output's dims as strings: "7", "batch" (dim_param) or "?" (unknown).
std::vector<std::string> DimStrings(const onnx::ValueInfoProto& v);

}  // namespace onnx_test

#endif  // TESTS_ONNX_ONNX_PROTO_TEST_UTIL_H_
