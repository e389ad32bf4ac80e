#include "compiler/passes/remove_dead_nodes.h"

#include <set>

#include "compiler/passes/graph_edit.h"

namespace aorta::passes {
namespace {

// Identity, or a Dropout whose mask nobody reads.
bool IsIdentity(const ir::Graph& graph, const ir::Node& node) {
  if (!node.domain.empty() || !node.HasInput(0) || node.outputs.empty()) return false;
  if (node.op_type == "Identity") return true;
  if (node.op_type != "Dropout") return false;
  return node.outputs.size() < 2 || node.outputs[1].empty() ||
         UseCount(graph, node.outputs[1]) == 0;
}

}  // namespace

Status RemoveDeadNodes::Run(ir::Graph& graph) {
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    ir::Node& node = graph.nodes[i];
    if (!IsIdentity(graph, node)) continue;
    const std::string in = node.inputs[0], out = node.outputs[0];
    if (ForwardValue(graph, in, out)) {
      erase[i] = true;
      node.inputs.clear();
      node.outputs.clear();
    }
  }
  EraseNodes(graph, erase);

  // Mark from the outputs back, in reverse topological order.
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, graph.TopologicalOrder());
  std::set<std::string> live(graph.outputs.begin(), graph.outputs.end());
  std::vector<bool> dead(graph.nodes.size(), true);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const ir::Node& node = graph.nodes[*it];
    for (const std::string& out : node.outputs) {
      if (!out.empty() && live.count(out)) dead[*it] = false;
    }
    if (dead[*it]) continue;
    for (const std::string& in : node.inputs) {
      if (!in.empty()) live.insert(in);
    }
  }
  EraseNodes(graph, dead);
  std::erase_if(graph.initializers, [&](const auto& kv) { return !live.count(kv.first); });
  std::set<std::string> defined(graph.inputs.begin(), graph.inputs.end());
  for (const auto& [name, t] : graph.initializers) defined.insert(name);
  for (const ir::Node& node : graph.nodes) defined.insert(node.outputs.begin(), node.outputs.end());
  std::erase_if(graph.values, [&](const auto& kv) { return !defined.count(kv.first); });
  return Status::Ok();
}

}  // namespace aorta::passes
