// Test helpers for the reference kernels: run one op, compare with hand-computed values.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::reference::testing {

// Runs a single-node graph `op`(inputs) -> num_outputs outputs; std::nullopt inputs are omitted
// optional inputs. Inputs become graph inputs named in0, in1, ...
Result<std::vector<Tensor>> RunOp(const std::string& op, std::vector<std::optional<Tensor>> inputs,
                                  std::map<std::string, ir::Attribute> attributes = {},
                                  int64_t opset = 13, size_t num_outputs = 1);

// Like RunOp but for exactly one output, failing the test on error.
Tensor RunOne(const std::string& op, std::vector<std::optional<Tensor>> inputs,
              std::map<std::string, ir::Attribute> attributes = {}, int64_t opset = 13);

// actual == expected (shape exactly, values within tol).
void ExpectTensor(const Tensor& actual, const Shape& shape, const std::vector<float>& expected,
                  float tol = 1e-5f);

inline Tensor F32(Shape shape, std::vector<float> values) {
  return Tensor::FromVector<float>(std::move(shape), values);
}
inline Tensor I64(Shape shape, std::vector<int64_t> values) {
  return Tensor::FromVector<int64_t>(std::move(shape), values);
}
// 0, 1, 2, ... as f32.
Tensor Iota(Shape shape, float start = 0.0f);

}  // namespace aorta::reference::testing
