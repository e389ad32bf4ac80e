#include "compiler/passes/fold_constants.h"

#include "compiler/passes/graph_edit.h"
#include "compiler/reference/executor.h"

namespace aorta::passes {
namespace {

bool Evaluable(const ir::Node& node) {
  if (!node.domain.empty()) return false;
  if (node.op_type == "ConstantOfShape") return true;
  const std::vector<std::string> ops = reference::SupportedOps();
  return std::binary_search(ops.begin(), ops.end(), node.op_type);
}

}  // namespace

Status FoldConstants::Run(ir::Graph& graph) {
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, graph.TopologicalOrder());
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t index : order) {
    const ir::Node& node = graph.nodes[index];
    if (!Evaluable(node)) continue;
    // Shape only needs its input's static shape: a zero-filled stand-in carries it.
    std::vector<Tensor> stand_ins(node.inputs.size());
    std::vector<const Tensor*> args;
    bool constant = true;
    for (size_t i = 0; i < node.inputs.size() && constant; ++i) {
      const std::string& in = node.inputs[i];
      args.push_back(in.empty() ? nullptr : ConstantValue(graph, in));
      if (in.empty() || args.back() != nullptr) continue;
      if (node.op_type != "Shape") {
        constant = false;
        continue;
      }
      Result<Shape> shape = StaticShapeOf(graph, in);
      Result<DType> dtype = DTypeOf(graph, in);
      if (!shape.ok() || !dtype.ok()) return shape.ok() ? dtype.status() : shape.status();
      stand_ins[i] = Tensor(*dtype, *shape);
      args.back() = &stand_ins[i];
    }
    if (!constant) continue;
    AORTA_ASSIGN_OR_RETURN(std::vector<Tensor> values, EvaluateNode(graph, node, args));
    for (size_t i = 0; i < node.outputs.size() && i < values.size(); ++i) {
      if (!node.outputs[i].empty()) graph.AddInitializer(node.outputs[i], std::move(values[i]));
    }
    erase[index] = true;
  }
  EraseNodes(graph, erase);
  return Status::Ok();
}

}  // namespace aorta::passes
