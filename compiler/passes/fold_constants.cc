#include "compiler/passes/fold_constants.h"

#include <algorithm>
#include <map>
#include <optional>

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

// The branch an If with a constant condition takes ("then_branch" / "else_branch"), or nothing.
std::optional<std::string> ConstantBranch(const ir::Graph& graph, const ir::Node& node) {
  if (!node.domain.empty() || node.op_type != "If" || !node.HasInput(0)) return std::nullopt;
  const Tensor* cond = ConstantValue(graph, node.inputs[0]);
  if (cond == nullptr || cond->element_count() != 1) return std::nullopt;
  return cond->ToDoubles()[0] != 0 ? "then_branch" : "else_branch";
}

// Replaces If `node` (already removed from the graph) by the nodes of its branch `key`: the
// branch's own values and initializers get fresh names, what it reads from the outer scope is
// bound to the node's implicit inputs (ir.h ImplicitInputs), and its outputs are written to the
// If's outputs (through an Identity where a branch output is not computed inside the branch, or
// is the same value twice).
Status InlineBranch(ir::Graph& graph, const ir::Node& node, const std::string& key) {
  AORTA_ASSIGN_OR_RETURN(const ir::Graph* body, node.GetGraph(key));
  if (!body->inputs.empty() || body->outputs.size() != node.outputs.size()) {
    return InvalidArgument("{}: {} has {} inputs and {} outputs, expected none and {}",
                           node.Describe(), key, body->inputs.size(), body->outputs.size(),
                           node.outputs.size());
  }
  const std::vector<std::string> implicit = ir::ImplicitInputs(node);
  const size_t offset = node.inputs.size() - std::min(node.inputs.size(), implicit.size());
  std::map<std::string, std::string> rename;
  for (const std::string& v : ir::OuterScopeValues(*body)) {
    const auto it = std::find(implicit.begin(), implicit.end(), v);
    if (it == implicit.end() || offset == 0) {
      return InvalidArgument("{}: {} reads '{}', which is not among the node's implicit inputs",
                             node.Describe(), key, v);
    }
    rename[v] = node.inputs[offset + static_cast<size_t>(it - implicit.begin())];
  }
  auto fresh = [&](const std::string& v) {
    const std::string name = FreshValueName(graph, v);
    const ir::ValueInfo* info = body->FindValue(v);
    graph.values[name] = info != nullptr ? *info : ir::ValueInfo{};
    graph.values[name].name = name;
    return name;
  };
  for (const auto& [name, tensor] : body->initializers) {
    const std::string to = FreshValueName(graph, name);
    graph.AddInitializer(to, tensor);
    rename[name] = to;
  }
  std::vector<std::pair<std::string, std::string>> copies;  // If output <- branch value
  for (size_t i = 0; i < body->outputs.size(); ++i) {
    const std::string& out = body->outputs[i];
    if (body->Producer(out) != nullptr && !rename.count(out) && !node.outputs[i].empty()) {
      rename[out] = node.outputs[i];
    } else if (!node.outputs[i].empty()) {
      copies.emplace_back(node.outputs[i], out);
    }
  }
  for (const ir::Node& n : body->nodes) {
    for (const std::string& out : n.outputs) {
      if (!out.empty() && !rename.count(out)) rename[out] = fresh(out);
    }
  }
  auto mapped = [&](const std::string& v) { return v.empty() ? v : rename.at(v); };
  for (const ir::Node& n : body->nodes) {
    ir::Node copy = n;
    copy.name = FreshNodeName(graph, n.name);
    for (std::string& in : copy.inputs) in = mapped(in);
    for (std::string& out : copy.outputs) out = mapped(out);
    graph.nodes.push_back(std::move(copy));
  }
  for (const auto& [to, from] : copies) {
    graph.AddNode("Identity", {mapped(from)}, {to}, {}, FreshNodeName(graph, node.name));
  }
  return Status::Ok();
}

// One sweep: constant nodes become initializers, Ifs with a constant condition their branch.
// Returns whether any If was inlined (its nodes may fold further).
Result<bool> FoldOnce(ir::Graph& graph) {
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, graph.TopologicalOrder());
  std::vector<bool> erase(graph.nodes.size(), false);
  std::vector<std::pair<ir::Node, std::string>> inline_ifs;
  for (size_t index : order) {
    const ir::Node& node = graph.nodes[index];
    if (std::optional<std::string> key = ConstantBranch(graph, node)) {
      inline_ifs.emplace_back(node, *key);
      erase[index] = true;
      continue;
    }
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
  for (const auto& [node, key] : inline_ifs) AORTA_RETURN_IF_ERROR(InlineBranch(graph, node, key));
  if (!inline_ifs.empty()) AORTA_RETURN_IF_ERROR(SortNodes(graph));
  return !inline_ifs.empty();
}

}  // namespace

Status FoldConstants::Run(ir::Graph& graph) {
  for (;;) {
    AORTA_ASSIGN_OR_RETURN(bool inlined, FoldOnce(graph));
    if (!inlined) return Status::Ok();
  }
}

}  // namespace aorta::passes
