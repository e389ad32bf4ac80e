#include "core/io/tensor.h"

#include <fmt/ranges.h>

namespace aorta {

size_t DTypeSize(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return 4;
    case DType::kF64:
      return 8;
    case DType::kI8:
      return 1;
    case DType::kU8:
      return 1;
    case DType::kI32:
      return 4;
    case DType::kI64:
      return 8;
    case DType::kBool:
      return 1;
  }
  return 0;
}

const char* DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return "f32";
    case DType::kF64:
      return "f64";
    case DType::kI8:
      return "i8";
    case DType::kU8:
      return "u8";
    case DType::kI32:
      return "i32";
    case DType::kI64:
      return "i64";
    case DType::kBool:
      return "bool";
  }
  return "?";
}

int64_t ElementCount(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= std::max<int64_t>(d, 0);
  return n;
}

std::string ShapeToString(const Shape& shape) {
  if (shape.empty()) return "scalar";
  return fmt::format("{}", fmt::join(shape, "x"));
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  for ([[maybe_unused]] int64_t d : shape_) assert(d >= 0);
  bytes_.resize(static_cast<size_t>(element_count()) * DTypeSize(dtype_));
}

namespace {

// Calls fn(typed pointer) with the element type of `dtype`.
template <typename Fn>
auto VisitDType(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kF32:
      return fn(static_cast<float*>(nullptr));
    case DType::kF64:
      return fn(static_cast<double*>(nullptr));
    case DType::kI8:
      return fn(static_cast<int8_t*>(nullptr));
    case DType::kU8:
      return fn(static_cast<uint8_t*>(nullptr));
    case DType::kI32:
      return fn(static_cast<int32_t*>(nullptr));
    case DType::kI64:
      return fn(static_cast<int64_t*>(nullptr));
    case DType::kBool:
      return fn(static_cast<uint8_t*>(nullptr));
  }
  return fn(static_cast<float*>(nullptr));
}

template <typename To>
std::vector<To> ConvertAll(const Tensor& t) {
  return VisitDType(t.dtype(), [&](auto* tag) {
    using From = std::remove_pointer_t<decltype(tag)>;
    auto src = t.data<From>();
    std::vector<To> out(src.size());
    for (size_t i = 0; i < src.size(); ++i) out[i] = static_cast<To>(src[i]);
    return out;
  });
}

}  // namespace

std::vector<double> Tensor::ToDoubles() const { return ConvertAll<double>(*this); }
std::vector<int64_t> Tensor::ToInt64s() const { return ConvertAll<int64_t>(*this); }

Result<Tensor> Tensor::Reshaped(Shape shape) const {
  for (int64_t d : shape) {
    if (d < 0) return InvalidArgument("reshape to {}: negative dim", fmt::join(shape, "x"));
  }
  if (ElementCount(shape) != element_count()) {
    return InvalidArgument("cannot reshape {} ({} elements) to {} ({} elements)",
                           ShapeToString(shape_), element_count(), ShapeToString(shape),
                           ElementCount(shape));
  }
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::CastTo(DType dtype) const {
  if (dtype == dtype_) return *this;
  Tensor out(dtype, shape_);
  const bool from_float = dtype_ == DType::kF32 || dtype_ == DType::kF64;
  // Integers go through int64 so that large values survive exactly.
  const std::vector<double> floats = from_float ? ToDoubles() : std::vector<double>{};
  const std::vector<int64_t> ints = from_float ? std::vector<int64_t>{} : ToInt64s();
  VisitDType(dtype, [&](auto* tag) {
    using To = std::remove_pointer_t<decltype(tag)>;
    To* dst = reinterpret_cast<To*>(out.raw_data());
    for (int64_t i = 0; i < element_count(); ++i) {
      if (dtype == DType::kBool) {
        dst[i] = (from_float ? floats[i] != 0 : ints[i] != 0) ? 1 : 0;
      } else {
        dst[i] = from_float ? static_cast<To>(floats[i]) : static_cast<To>(ints[i]);
      }
    }
    return 0;
  });
  return out;
}

}  // namespace aorta
