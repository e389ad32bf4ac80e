// CancelTransposes: layout clean-up, so that NHWC models and exporters' layout shuffles do not
// reach the chip as data movement.
//
//   - Transpose(Transpose(x)) becomes one Transpose with the composed perm, or nothing when the
//     perms cancel; an identity Transpose is removed.
//   - A Transpose moves down through layout-agnostic ops that are its output's sole reader:
//     unary element-wise ops (Relu, LeakyRelu, Sigmoid, Tanh, HardSwish, HardSigmoid, Clip,
//     Cast) and binary ones (Add, Sub, Mul, Div, Max, Min) whose other operand is a constant
//     (permuted at compile time) or a Transpose with the same perm. It never multiplies
//     transposes, and so meets its inverse where one exists: an NHWC model's
//     Conv -> Transpose(NHWC) -> Add(bias) -> Relu -> Transpose(NCHW) -> Conv loses both.
//   - Chains of Reshape / Flatten / Squeeze / Unsqueeze collapse into one Reshape, and one whose
//     output shape equals its input shape is removed.
// What it leaves: only transposes with no inverse to meet (typically at graph inputs / outputs
// or before layout-sensitive ops), at most one reshape in a row. Needs InferShapes.
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class CancelTransposes : public Pass {
 public:
  std::string_view name() const override { return "CancelTransposes"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
