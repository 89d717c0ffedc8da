#include "tests/onnx/onnx_proto_test_util.h"

#include <cstring>

#include "gtest/gtest.h"

namespace onnx_test {

onnx::ModelProto ExportAndParse(const TestModel& model, const onnx_export::OnnxExportOptions& options) {
  EXPECT_TRUE(model.scope.ok()) << model.scope.status();
  onnx::ModelProto proto;
  absl::StatusOr<std::string> bytes =
      onnx_export::ExportOnnx(model.graph(), model.inputs, model.outputs, options);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok()) return proto;
  EXPECT_TRUE(proto.ParseFromString(*bytes));
  const absl::Status check = onnx_export::CheckOnnxModel(*bytes);
  EXPECT_TRUE(check.ok()) << check;
  return proto;
}

std::vector<std::string> OpTypes(const onnx::GraphProto& g) {
  std::vector<std::string> types;
  for (const onnx::NodeProto& n : g.node()) types.push_back(n.op_type());
  return types;
}

const onnx::NodeProto* FindNode(const onnx::GraphProto& g, const std::string& name) {
  for (const onnx::NodeProto& n : g.node()) {
    if (n.name() == name) return &n;
  }
  return nullptr;
}

const onnx::TensorProto* FindInitializer(const onnx::GraphProto& g, const std::string& name) {
  for (const onnx::TensorProto& t : g.initializer()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

const onnx::ValueInfoProto* FindOutput(const onnx::GraphProto& g, const std::string& name) {
  for (const onnx::ValueInfoProto& v : g.output()) {
    if (v.name() == name) return &v;
  }
  return nullptr;
}

const onnx::NodeProto* Producer(const onnx::GraphProto& g, const std::string& tensor) {
  for (const onnx::NodeProto& n : g.node()) {
    for (const std::string& out : n.output()) {
      if (out == tensor) return &n;
    }
  }
  return nullptr;
}

namespace {

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& n, const std::string& name) {
  for (const onnx::AttributeProto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  ADD_FAILURE() << "node " << n.name() << " has no attribute " << name;
  return nullptr;
}

}  // namespace

bool HasAttr(const onnx::NodeProto& n, const std::string& name) {
  for (const onnx::AttributeProto& a : n.attribute()) {
    if (a.name() == name) return true;
  }
  return false;
}

int64_t IntAttr(const onnx::NodeProto& n, const std::string& name) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a ? a->i() : -999;
}

float FloatAttr(const onnx::NodeProto& n, const std::string& name) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a ? a->f() : -999.0f;
}

std::string StringAttr(const onnx::NodeProto& n, const std::string& name) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a ? a->s() : "";
}

std::vector<int64_t> IntsAttr(const onnx::NodeProto& n, const std::string& name) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}

std::vector<int64_t> Dims(const onnx::TensorProto& t) { return {t.dims().begin(), t.dims().end()}; }

std::vector<float> FloatValues(const onnx::TensorProto& t) {
  EXPECT_EQ(t.data_type(), onnx::TensorProto::FLOAT);
  std::vector<float> v(t.raw_data().size() / sizeof(float));
  std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(float));
  return v;
}

std::vector<int64_t> Int64Values(const onnx::TensorProto& t) {
  EXPECT_EQ(t.data_type(), onnx::TensorProto::INT64);
  std::vector<int64_t> v(t.raw_data().size() / sizeof(int64_t));
  std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(int64_t));
  return v;
}

std::vector<std::string> DimStrings(const onnx::ValueInfoProto& v) {
  std::vector<std::string> dims;
  for (const auto& d : v.type().tensor_type().shape().dim()) {
    dims.push_back(d.has_dim_value()   ? std::to_string(d.dim_value())
                   : d.has_dim_param() ? d.dim_param()
                                       : "?");
  }
  return dims;
}

}  // namespace onnx_test
