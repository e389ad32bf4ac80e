// FoldConstants: nodes whose inputs are all constants become initializers.
//
// Constant nodes, arithmetic on constants, the shape computations of exported models (Shape of
// a value with a static shape, Gather, Concat, Unsqueeze, Squeeze, Slice, Cast, Reshape,
// ConstantOfShape) and anything else whose inputs are initializers are evaluated with the fp32
// reference (graph_edit.h EvaluateNode), in topological order so that chains fold completely.
// An If whose condition is a constant is replaced by the nodes of the branch it takes (renamed
// apart, reading the If's implicit inputs, writing its outputs), and folding runs again on them.
// What it leaves: no node with only constant inputs; the initializers the folded nodes read stay
// until RemoveDeadNodes drops the unused ones. Needs InferShapes (Shape reads static shapes).
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class FoldConstants : public Pass {
 public:
  std::string_view name() const override { return "FoldConstants"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
