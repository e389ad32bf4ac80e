#include "compiler/passes/fuse_residual_add.h"

#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"

namespace aorta::passes {
namespace {

// Whether the producer of operand `side` of `add` (node index `a`) can take the other operand as
// its residual; its index or -1.
Result<int64_t> ResidualTaker(const ir::Graph& graph, size_t a, size_t side) {
  const ir::Node& add = graph.nodes[a];
  const int64_t p = ProducerIndex(graph, add.inputs[side]);
  if (p < 0 || SoleReader(graph, add.inputs[side]) != static_cast<int64_t>(a)) return -1;
  // A tensor a pre-quantized graph quantizes (FoldQdq) stays a tensor of its own.
  if (HasFixedParams(graph, add.inputs[side])) return -1;
  const ir::Node& node = graph.nodes[static_cast<size_t>(p)];
  if (IsFusedOp(node)) {
    AORTA_ASSIGN_OR_RETURN(std::optional<Activation> act, FusedActivation(node));
    if (act || node.HasInput(kResidualInput)) return -1;
  } else if (!IsFusableBase(node)) {
    return -1;
  }
  const std::string& other = add.inputs[1 - side];
  AORTA_ASSIGN_OR_RETURN(Shape out, StaticShapeOf(graph, add.outputs[0]));
  AORTA_ASSIGN_OR_RETURN(Shape mine, StaticShapeOf(graph, add.inputs[side]));
  AORTA_ASSIGN_OR_RETURN(Shape theirs, StaticShapeOf(graph, other));
  AORTA_ASSIGN_OR_RETURN(DType dtype, DTypeOf(graph, other));
  if (mine != out || theirs != out || dtype != DType::kF32) return -1;
  return p;
}

}  // namespace

Status FuseResidualAdd::Run(ir::Graph& graph) {
  for (size_t a = 0; a < graph.nodes.size(); ++a) {
    const ir::Node& add = graph.nodes[a];
    if (!add.domain.empty() || add.op_type != "Add" || add.inputs.size() != 2 || !add.HasInput(0) ||
        !add.HasInput(1) || add.inputs[0] == add.inputs[1]) {
      continue;
    }
    AORTA_ASSIGN_OR_RETURN(int64_t p0, ResidualTaker(graph, a, 0));
    AORTA_ASSIGN_OR_RETURN(int64_t p1, ResidualTaker(graph, a, 1));
    if (p0 < 0 && p1 < 0) continue;
    const size_t side = p1 > p0 ? 1 : 0;
    const size_t p = static_cast<size_t>(std::max(p0, p1));
    ir::Node& node = graph.nodes[p];
    MakeFused(node);
    node.inputs.resize(kResidualInput + 1);
    node.inputs[kResidualInput] = graph.nodes[a].inputs[1 - side];
    Absorb(graph, p, a);
    const int64_t r = SoleReader(graph, node.outputs[0]);
    if (r < 0 || graph.nodes[static_cast<size_t>(r)].inputs[0] != node.outputs[0]) continue;
    AORTA_ASSIGN_OR_RETURN(std::optional<Activation> activation,
                           MatchActivation(graph, graph.nodes[static_cast<size_t>(r)]));
    if (activation) {
      SetFusedActivation(graph.nodes[p], *activation);
      Absorb(graph, p, static_cast<size_t>(r));
    }
  }
  EraseDetached(graph);
  return SortNodes(graph);
}

}  // namespace aorta::passes
