// aorta::Tensor: the host-side dense tensor used across the project (file I/O, the fp32
// reference, the runtime, golden-model runs).
//
// A Tensor owns its bytes, is C-ordered (row-major, last dimension fastest) and little-endian
// like the host. Shapes are int64 dims; a rank-0 tensor (shape {}) holds one element.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/status.h"

namespace aorta {

enum class DType : uint8_t {
  kF32,
  kF64,
  kI8,
  kU8,
  kI32,
  kI64,
  kBool,  // one byte per element, 0 or 1
};

// Bytes per element.
size_t DTypeSize(DType dtype);
// Short lower-case name: "f32", "i64", "bool" ...
const char* DTypeName(DType dtype);

// The C++ element type of a DType (bool is stored as uint8_t).
template <typename T>
constexpr DType DTypeOf();
template <>
constexpr DType DTypeOf<float>() {
  return DType::kF32;
}
template <>
constexpr DType DTypeOf<double>() {
  return DType::kF64;
}
template <>
constexpr DType DTypeOf<int8_t>() {
  return DType::kI8;
}
template <>
constexpr DType DTypeOf<uint8_t>() {
  return DType::kU8;
}
template <>
constexpr DType DTypeOf<int32_t>() {
  return DType::kI32;
}
template <>
constexpr DType DTypeOf<int64_t>() {
  return DType::kI64;
}

using Shape = std::vector<int64_t>;

// Product of the dims (1 for rank 0). Negative dims count as 0.
int64_t ElementCount(const Shape& shape);
// "1x3x224x224" ("scalar" for rank 0).
std::string ShapeToString(const Shape& shape);

class Tensor {
 public:
  // An empty f32 scalar-less tensor: shape {0}, no bytes.
  Tensor() : shape_{0} {}
  // Zero-filled tensor of the given type and shape (every dim must be >= 0).
  Tensor(DType dtype, Shape shape);

  // A tensor holding a copy of `values`; values.size() must equal ElementCount(shape).
  template <typename T>
  static Tensor FromVector(Shape shape, const std::vector<T>& values);
  // A rank-0 tensor.
  template <typename T>
  static Tensor Scalar(T value) {
    return FromVector<T>({}, {value});
  }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  // Dimension i; negative i counts from the back.
  int64_t dim(int64_t i) const { return shape_[i < 0 ? i + rank() : i]; }
  int64_t element_count() const { return ElementCount(shape_); }
  size_t byte_size() const { return bytes_.size(); }

  std::byte* raw_data() { return bytes_.data(); }
  const std::byte* raw_data() const { return bytes_.data(); }

  // Typed views; T must match dtype() (asserted; uint8_t also reads kBool).
  template <typename T>
  std::span<T> data() {
    CheckType<T>();
    return {reinterpret_cast<T*>(bytes_.data()), static_cast<size_t>(element_count())};
  }
  template <typename T>
  std::span<const T> data() const {
    CheckType<T>();
    return {reinterpret_cast<const T*>(bytes_.data()), static_cast<size_t>(element_count())};
  }
  // Element i of the flattened (C-order) tensor.
  template <typename T>
  T at(int64_t i) const {
    return data<T>()[static_cast<size_t>(i)];
  }
  template <typename T>
  std::vector<T> ToVector() const {
    auto d = data<T>();
    return {d.begin(), d.end()};
  }

  // Every element converted to double / int64, whatever the dtype (for shape arithmetic,
  // printing and comparisons in tests).
  std::vector<double> ToDoubles() const;
  std::vector<int64_t> ToInt64s() const;

  // The same bytes with another shape of the same element count.
  Result<Tensor> Reshaped(Shape shape) const;
  // Element-wise conversion (float -> integer truncates toward zero, like a C++ cast;
  // anything -> bool is "!= 0").
  Tensor CastTo(DType dtype) const;

  bool operator==(const Tensor& other) const = default;

 private:
  template <typename T>
  void CheckType() const {
    if constexpr (std::is_same_v<T, uint8_t>) {
      assert(dtype_ == DType::kU8 || dtype_ == DType::kBool);
    } else {
      assert(dtype_ == DTypeOf<T>());
    }
  }

  DType dtype_ = DType::kF32;
  Shape shape_;
  std::vector<std::byte> bytes_;
};

template <typename T>
Tensor Tensor::FromVector(Shape shape, const std::vector<T>& values) {
  Tensor t(DTypeOf<T>(), std::move(shape));
  assert(static_cast<int64_t>(values.size()) == t.element_count());
  std::copy(values.begin(), values.end(), t.data<T>().begin());
  return t;
}

// Named tensors (graph inputs / outputs, .npz archives).
using TensorMap = std::map<std::string, Tensor>;

}  // namespace aorta
