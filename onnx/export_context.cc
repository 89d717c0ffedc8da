#include "onnx/export_context.h"

#include <type_traits>

#include "absl/strings/str_cat.h"
#include "onnx/onnx_tensors.h"

namespace onnx_export {

std::string ExportContext::FreshTensorName(const std::string& base) {
  std::string name = base;
  for (int i = 1; tensor_names_.contains(name); ++i) name = absl::StrCat(base, "_", i);
  tensor_names_.insert(name);
  return name;
}

const ExportContext::Forms* ExportContext::FindForms(graph::Output value) {
  const graph::Tensor* t = ConstValue(value);
  auto it = forms_.find(value);
  if (it != forms_.end() && (t == nullptr || !it->second.plain.empty())) return &it->second;
  if (t != nullptr) {  // constants get their initializer on first use
    Forms& f = forms_[value];
    f.plain = AddInitializer(value.name(), *t);
    return &f;
  }
  Fail(absl::InternalError(absl::StrCat("ONNX export: ", value.name(), " is used before it is converted")));
  return nullptr;
}

std::string ExportContext::Tensor(graph::Output value) {
  const Forms* f = FindForms(value);
  if (f == nullptr) return "";
  if (!f->plain.empty()) return f->plain;
  // Only the NCHW form exists: transpose it back once.
  const std::string nchw = f->nchw;
  const std::string name = DefineTensor(value);
  onnx::NodeProto* node = AddNode("Transpose", value.node->name() + "/to_nhwc", {nchw}, {name});
  SetIntsAttr(node, "perm", kToNhwc);
  return name;
}

std::string ExportContext::NchwTensor(graph::Output value) {
  auto it = forms_.find(value);
  if (it != forms_.end() && !it->second.nchw.empty()) return it->second.nchw;
  if (ConstValue(value) != nullptr) {  // a permuted initializer rather than a Transpose node
    const std::string name = Transposed(value, kToNchw, "");
    forms_[value].nchw = name;
    return name;
  }
  const Forms* f = FindForms(value);
  if (f == nullptr) return "";
  const std::string plain = f->plain;
  const std::string name = DefineNchwTensor(value);
  onnx::NodeProto* node = AddNode("Transpose", value.node->name() + "/to_nchw", {plain}, {name});
  SetIntsAttr(node, "perm", kToNchw);
  return name;
}

bool ExportContext::OnlyNchw(graph::Output value) const {
  auto it = forms_.find(value);
  return it != forms_.end() && it->second.plain.empty() && !it->second.nchw.empty() &&
         ConstValue(value) == nullptr;
}

std::string ExportContext::AnyLayoutTensor(graph::Output value, bool* nchw) {
  *nchw = OnlyNchw(value);
  return *nchw ? NchwTensor(value) : Tensor(value);
}

std::string ExportContext::DefineTensor(graph::Output value) {
  std::string name;
  auto it = requested_.find(value);
  if (it != requested_.end() && !it->second.empty()) {
    name = it->second;  // reserved up front
    it->second.clear();
  } else {
    name = FreshTensorName(value.name());
  }
  forms_[value].plain = name;
  return name;
}

std::string ExportContext::DefineNchwTensor(graph::Output value) {
  std::string name = FreshTensorName(value.name() + "/nchw");
  forms_[value].nchw = name;
  return name;
}

const graph::Tensor* ExportContext::ConstValue(graph::Output value) {
  if (!value.valid() || value.node->kind() != graph::OpKind::kConst) return nullptr;
  return &value.node->attrs().GetTensor("value");
}

std::string ExportContext::Transposed(graph::Output value, const std::vector<int64_t>& perm,
                                      const std::string& node_name) {
  if (const graph::Tensor* t = ConstValue(value)) {
    auto [it, inserted] = transposed_consts_.try_emplace({value.name(), perm}, "");
    if (inserted) it->second = AddInitializer(value.name() + "/transposed", TransposeTensor(*t, perm));
    return it->second;
  }
  const std::string input = Tensor(value);
  const std::string name = FreshTensorName(value.name() + "/transposed");
  SetIntsAttr(AddNode("Transpose", node_name, {input}, {name}), "perm", perm);
  return name;
}

onnx::NodeProto* ExportContext::AddNode(const std::string& op_type, const std::string& name,
                                        std::vector<std::string> inputs, std::vector<std::string> outputs) {
  std::string unique = name;
  for (int i = 1; node_names_.contains(unique); ++i) unique = absl::StrCat(name, "_", i);
  node_names_.insert(unique);
  return AppendNode(op_type, unique, std::move(inputs), std::move(outputs));
}

onnx::NodeProto* ExportContext::AddOwnNode(const std::string& op_type, const graph::Node& node,
                                           std::vector<std::string> inputs,
                                           std::vector<std::string> outputs) {
  return AppendNode(op_type, node.name(), std::move(inputs), std::move(outputs));
}

onnx::NodeProto* ExportContext::AppendNode(const std::string& op_type, const std::string& name,
                                           std::vector<std::string> inputs,
                                           std::vector<std::string> outputs) {
  onnx::NodeProto* node = graph_->add_node();
  node->set_op_type(op_type);
  node->set_name(name);
  for (std::string& in : inputs) node->add_input(std::move(in));
  for (std::string& out : outputs) node->add_output(std::move(out));
  return node;
}

std::string ExportContext::AddInitializer(const std::string& base, const graph::Tensor& value) {
  const std::string name = FreshTensorName(base);
  TensorToProto(value, name, graph_->add_initializer());
  return name;
}

std::string ExportContext::Int64Initializer(const std::string& base, const std::vector<int64_t>& values) {
  return AddInitializer(base, graph::Tensor::Vector<int64_t>(values));
}

std::string ExportContext::ScalarInitializer(graph::DType dtype, double value) {
  auto [it, inserted] = scalars_.try_emplace({static_cast<int>(dtype), value}, "");
  if (!inserted) return it->second;
  const graph::Tensor t = graph::DispatchDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, graph::bfloat16>) {
      return graph::Tensor::Scalar(graph::bfloat16(static_cast<float>(value)));
    } else {
      return graph::Tensor::Scalar(static_cast<T>(value));
    }
  });
  it->second = AddInitializer(absl::StrCat("const/", graph::DTypeName(dtype), "_", value), t);
  return it->second;
}

void ExportContext::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
}

void SetIntAttr(onnx::NodeProto* node, const std::string& name, int64_t value) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void SetFloatAttr(onnx::NodeProto* node, const std::string& name, float value) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

void SetStringAttr(onnx::NodeProto* node, const std::string& name, const std::string& value) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

void SetIntsAttr(onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

}  // namespace onnx_export
