// Conversions between ONNX protobuf tensors / element types and aorta::Tensor / DType, shared by
// the importer and the exporter.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::onnx_convert {

// ONNX TensorProto.DataType -> DType; `what` names the tensor or value in the error.
Result<DType> DTypeFromOnnx(int32_t elem_type, const std::string& what);
int32_t OnnxElemType(DType dtype);

// Reads raw_data or the typed repeated fields; checks the byte count against the dims.
Result<Tensor> TensorFromProto(const onnx::TensorProto& proto, const std::string& what);
// Writes dims, data_type and raw_data (little-endian).
void TensorToProto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto);

}  // namespace aorta::onnx_convert
