// FoldPadIntoWindow: a constant Pad by zeros whose only reader is a Conv (or an AveragePool that
// counts its padding) becomes that op's own padding.
//
//   Pad(x, [0, 0, t, l, 0, 0, b, r], constant 0) -> Conv(pads p)       = Conv(x, pads p + [t, l, b,
//   r]) Pad(x, ..., constant 0) -> AveragePool(pads p, count_include_pad 1, or p = 0)
//                                                     = AveragePool(x, pads p + [t, l, b, r],
//                                                                   count_include_pad 1)
//
// Zero is what the chip pads with (the input zero point is the quantized 0), so the folded op
// reads the same values and the Pad costs nothing. Only rank-4 pads of H and W that are not
// negative, in mode "constant" (pads and value as attributes before opset 11, as constant inputs
// from 11), into an op with explicit padding (auto_pad NOTSET) and no ceil_mode. What it leaves:
// Pads that do not fold (another value, another mode, other readers, MaxPool after it); the chip
// runs those as a copy (docs/compiler.md, "Op support").
#pragma once

#include <optional>

#include "compiler/passes/pass.h"

namespace aorta::passes {

// The padding of a Pad node in mode "constant" with constant arguments: per dim of the input,
// begin and end (negative: cropped), and the value. nullopt for another mode or non-constant
// pads / value; malformed arguments are an error naming the node.
struct ConstantPad {
  Shape begin, end;
  double value = 0;
};
Result<std::optional<ConstantPad>> ConstantPadOf(const ir::Graph& graph, const ir::Node& node);

class FoldPadIntoWindow : public Pass {
 public:
  std::string_view name() const override { return "FoldPadIntoWindow"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
