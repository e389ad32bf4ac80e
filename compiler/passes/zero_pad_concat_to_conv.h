// ZeroPadConcatToConv: a Concat along the channels of one tensor and all-zero constants (channel
// padding, as TFLite-converted models such as BlazeFace write `Pad` on the channel axis) becomes
// a 1x1 Conv whose weights place each input channel at its output channel and leave the padded
// channels zero:
//
//   Concat(axis 1)(Z0[1, P0, H, W], x[1, C, H, W], Z1[1, P1, H, W])  ->  Conv(x, W), no bias,
//   W[m, c, 0, 0] = 1 if m == P0 + c else 0,  W of shape [P0 + C + P1, C, 1, 1]
//
// Why: the chip has no copy with channel offsets, but a 1x1 convolution by an identity embedding
// is exact in int8 (per-channel weight scale 1/127, weight 127; zero rows) and goes through the
// same fusion as any conv (a residual add of the padded tensor becomes a fused conv + add).
// Only for rank-4 batch-1 tensors with static shapes and constants that are exactly zero.
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class ZeroPadConcatToConv : public Pass {
 public:
  std::string_view name() const override { return "ZeroPadConcatToConv"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
