// FuseActivation: Conv / ConvTranspose / Gemm + bias + activation -> one aorta.* fused node
// (fused_ops.h; docs/compiler.md "Fused nodes").
//
// Every Conv, ConvTranspose and Gemm becomes its fused form (a MatMul of a 2-D input by a 2-D
// constant becomes aorta.Gemm), so that the later stages see one kind of node per matrix op.
// It then swallows, while its output has exactly one reader:
//   - an Add of a constant that is a per-channel bias (Conv: shape broadcasting as [M, 1, ...];
//     Gemm: anything broadcasting to the output) into the bias input;
//   - one activation (Relu, Clip with constant bounds / ReLU6, LeakyRelu, Sigmoid, HardSigmoid,
//     HardSwish, Tanh) into the `activation` attributes; nothing after it.
// What it leaves: no plain Conv / ConvTranspose / Gemm, and no bias Add or activation that is
// the sole reader of a fused node. Needs InferShapes.
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class FuseActivation : public Pass {
 public:
  std::string_view name() const override { return "FuseActivation"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
