// FoldBatchNorm: an inference BatchNormalization after a Conv, ConvTranspose or Gemm becomes
// part of that op's weights and bias.
//
//   BN(y) = s * y + t  per output channel,  s = gamma / sqrt(var + eps),  t = beta - mean * s
//   Conv:           W'[m, ...] = s[m] W[m, ...]               B' = s B + t
//   ConvTranspose:  W'[c, j, ...] = s[m] W[c, j, ...], m = (c / (C / group)) * (M / group) + j
//   Gemm:           column n of op(B) scaled by s[n]           C' = s * beta * C + t, beta' = 1
//
// Folds only when the weights, bias and BN parameters are constants and the op's output feeds
// nothing but the BatchNormalization (and is not a graph output). New weights get new
// initializers (a weight shared with another op is not changed); the old ones are left for
// RemoveDeadNodes. What it leaves: no BatchNormalization directly after a foldable op.
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class FoldBatchNorm : public Pass {
 public:
  std::string_view name() const override { return "FoldBatchNorm"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
