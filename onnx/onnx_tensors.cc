#include "onnx/onnx_tensors.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace onnx_export {

onnx::TensorProto::DataType OnnxDataType(graph::DType dtype) {
  switch (dtype) {
    case graph::DType::kFloat32:
      return onnx::TensorProto::FLOAT;
    case graph::DType::kInt32:
      return onnx::TensorProto::INT32;
    case graph::DType::kInt64:
      return onnx::TensorProto::INT64;
    case graph::DType::kBool:
      return onnx::TensorProto::BOOL;
    case graph::DType::kBFloat16:
      return onnx::TensorProto::BFLOAT16;
  }
  return onnx::TensorProto::UNDEFINED;
}

void TensorToProto(const graph::Tensor& value, const std::string& name, onnx::TensorProto* proto) {
  proto->set_name(name);
  proto->set_data_type(OnnxDataType(value.dtype()));
  for (int64_t d : value.shape().dims()) proto->add_dims(d);
  std::string bytes(static_cast<const char*>(value.raw_data()), value.nbytes());
  if constexpr (std::endian::native == std::endian::big) {
    // raw_data is little-endian whatever the host: reverse the bytes of every element.
    const size_t size = graph::DTypeSize(value.dtype());
    for (size_t i = 0; i + size <= bytes.size(); i += size)
      std::reverse(bytes.begin() + i, bytes.begin() + i + size);
  }
  proto->set_raw_data(std::move(bytes));
}

graph::Tensor TransposeTensor(const graph::Tensor& value, const std::vector<int64_t>& perm) {
  const int rank = value.rank();
  graph::Shape out_shape;
  for (int64_t p : perm) out_shape.AddDim(value.dim(static_cast<int>(p)));
  graph::Tensor out(value.dtype(), out_shape);
  // Row-major strides of the input, read in the output's dim order.
  std::vector<int64_t> in_strides(static_cast<size_t>(rank), 1);
  for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * value.dim(d + 1);
  std::vector<int64_t> strides(static_cast<size_t>(rank));
  for (int d = 0; d < rank; ++d) strides[d] = in_strides[static_cast<size_t>(perm[d])];
  const size_t size = graph::DTypeSize(value.dtype());
  const char* src = static_cast<const char*>(value.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    int64_t offset = 0;
    for (int d = 0; d < rank; ++d) offset += index[d] * strides[d];
    std::memcpy(dst + static_cast<size_t>(i) * size, src + static_cast<size_t>(offset) * size, size);
    for (int d = rank - 1; d >= 0; --d) {  // odometer over the output's dims
      if (++index[d] < out_shape.dim(d)) break;
      index[d] = 0;
    }
  }
  return out;
}

void FillValueInfo(const std::string& name, graph::DType dtype, const graph::Shape& shape,
                   const std::vector<bool>& batch_dims, onnx::ValueInfoProto* info) {
  info->set_name(name);
  onnx::TypeProto::Tensor* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(OnnxDataType(dtype));
  onnx::TensorShapeProto* out = tensor->mutable_shape();
  for (int d = 0; d < shape.rank(); ++d) {
    onnx::TensorShapeProto::Dimension* dim = out->add_dim();
    if (shape.dim(d) >= 0) {
      dim->set_dim_value(shape.dim(d));
    } else if (static_cast<size_t>(d) < batch_dims.size() && batch_dims[static_cast<size_t>(d)]) {
      dim->set_dim_param(kBatchDimParam);
    }
  }
}

}  // namespace onnx_export
