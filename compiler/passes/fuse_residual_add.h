// FuseResidualAdd: Add(fused-node output, other tensor) [-> activation] -> the fused node's
// residual input (fused_ops.h; docs/compiler.md "Fused nodes").
//
// The Add must be the sole reader of a Conv / ConvTranspose / Gemm (plain or fused without
// activation or residual: Y = activation(base + R) adds before the activation), and the other
// operand must have the output's shape (no broadcasting: the chip adds tensor to tensor). When
// both operands qualify, the node later in the graph takes the residual (the other is then ready
// when it runs). An activation that is the Add's sole reader is fused too (ResNet's Add + Relu).
// What it leaves: residual Adds folded into the matrix op; nodes re-sorted topologically.
// Needs InferShapes.
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class FuseResidualAdd : public Pass {
 public:
  std::string_view name() const override { return "FuseResidualAdd"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
