#include "compiler/onnx_tensor.h"

#include <cstring>

namespace aorta::onnx_convert {

using onnx::TensorProto;

Result<DType> DTypeFromOnnx(int32_t elem_type, const std::string& what) {
  switch (elem_type) {
    case TensorProto::FLOAT:
      return DType::kF32;
    case TensorProto::DOUBLE:
      return DType::kF64;
    case TensorProto::INT8:
      return DType::kI8;
    case TensorProto::UINT8:
      return DType::kU8;
    case TensorProto::INT32:
      return DType::kI32;
    case TensorProto::INT64:
      return DType::kI64;
    case TensorProto::BOOL:
      return DType::kBool;
    default:
      break;
  }
  const std::string type_name = TensorProto::DataType_IsValid(elem_type)
                                    ? TensorProto::DataType_Name(elem_type)
                                    : std::string("invalid");
  return Unsupported(
      "{}: tensor data type {} ({}) is not supported (supported: FLOAT, DOUBLE, INT8, UINT8, "
      "INT32, INT64, BOOL)",
      what, type_name, elem_type);
}

int32_t OnnxElemType(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return TensorProto::FLOAT;
    case DType::kF64:
      return TensorProto::DOUBLE;
    case DType::kI8:
      return TensorProto::INT8;
    case DType::kU8:
      return TensorProto::UINT8;
    case DType::kI32:
      return TensorProto::INT32;
    case DType::kI64:
      return TensorProto::INT64;
    case DType::kBool:
      return TensorProto::BOOL;
  }
  return TensorProto::UNDEFINED;
}

namespace {

// Copies a repeated typed field into the tensor, converting element by element.
template <typename Dst, typename Field>
Status CopyTyped(const Field& field, Tensor& t, const char* field_name, const std::string& what) {
  if (field.size() != t.element_count()) {
    return DataLoss("{}: {} has {} values, shape {} needs {}", what, field_name, field.size(),
                    ShapeToString(t.shape()), t.element_count());
  }
  Dst* dst = reinterpret_cast<Dst*>(t.raw_data());
  for (int i = 0; i < field.size(); ++i) dst[i] = static_cast<Dst>(field.Get(i));
  return Status::Ok();
}

}  // namespace

Result<Tensor> TensorFromProto(const TensorProto& proto, const std::string& what) {
  if (proto.data_location() == TensorProto::EXTERNAL) {
    return Unsupported("{}: external data (a separate weights file) is not supported", what);
  }
  if (proto.has_segment()) return Unsupported("{}: segmented tensors are not supported", what);
  AORTA_ASSIGN_OR_RETURN(DType dtype, DTypeFromOnnx(proto.data_type(), what));
  Shape shape;
  for (int64_t d : proto.dims()) {
    if (d < 0) return DataLoss("{}: negative dimension {} in dims", what, d);
    shape.push_back(d);
  }
  Tensor t(dtype, shape);
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != t.byte_size()) {
      return DataLoss("{}: raw_data has {} bytes, shape {} of {} needs {}", what,
                      proto.raw_data().size(), ShapeToString(shape), DTypeName(dtype),
                      t.byte_size());
    }
    std::memcpy(t.raw_data(), proto.raw_data().data(), t.byte_size());
    return t;
  }
  switch (dtype) {
    case DType::kF32:
      AORTA_RETURN_IF_ERROR(CopyTyped<float>(proto.float_data(), t, "float_data", what));
      break;
    case DType::kF64:
      AORTA_RETURN_IF_ERROR(CopyTyped<double>(proto.double_data(), t, "double_data", what));
      break;
    case DType::kI8:
      AORTA_RETURN_IF_ERROR(CopyTyped<int8_t>(proto.int32_data(), t, "int32_data", what));
      break;
    case DType::kU8:
    case DType::kBool:
      AORTA_RETURN_IF_ERROR(CopyTyped<uint8_t>(proto.int32_data(), t, "int32_data", what));
      break;
    case DType::kI32:
      AORTA_RETURN_IF_ERROR(CopyTyped<int32_t>(proto.int32_data(), t, "int32_data", what));
      break;
    case DType::kI64:
      AORTA_RETURN_IF_ERROR(CopyTyped<int64_t>(proto.int64_data(), t, "int64_data", what));
      break;
  }
  return t;
}

void TensorToProto(const Tensor& tensor, const std::string& name, TensorProto* proto) {
  proto->set_name(name);
  proto->set_data_type(OnnxElemType(tensor.dtype()));
  for (int64_t d : tensor.shape()) proto->add_dims(d);
  proto->set_raw_data(reinterpret_cast<const char*>(tensor.raw_data()), tensor.byte_size());
}

}  // namespace aorta::onnx_convert
