// Conversions between the toolkit's tensors and types and ONNX's TensorProto / ValueInfoProto.
#ifndef ONNX_ONNX_TENSORS_H_
#define ONNX_ONNX_TENSORS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "graph/shape.h"
#include "graph/tensor.h"
#include "onnx/onnx_pb.h"

namespace onnx_export {

// The dim_param naming the batch (dim 0 of the inputs and every dim that provably equals it).
inline constexpr char kBatchDimParam[] = "batch";

// ONNX's TensorProto.DataType code of `dtype` (every DType has one).
onnx::TensorProto::DataType OnnxDataType(graph::DType dtype);

// Fills `proto` with `value`: name, dims, data_type and the elements as little-endian raw_data.
void TensorToProto(const graph::Tensor& value, const std::string& name, onnx::TensorProto* proto);

// `value` with its dims permuted (output dim i is input dim perm[i]); `perm` must be a permutation of
// 0..rank-1 (the caller's invariant). Any dtype.
graph::Tensor TransposeTensor(const graph::Tensor& value, const std::vector<int64_t>& perm);

// Fills a graph input/output declaration: `dtype` and `shape`, where unknown dims flagged in `batch_dims`
// become the dim_param "batch" and other unknown dims stay unnamed. `batch_dims` may be shorter than the
// rank (missing entries count as false).
void FillValueInfo(const std::string& name, graph::DType dtype, const graph::Shape& shape,
                   const std::vector<bool>& batch_dims, onnx::ValueInfoProto* info);

}  // namespace onnx_export

#endif  // ONNX_ONNX_TENSORS_H_
