#include "compiler/passes/graph_edit.h"

#include <algorithm>
#include <set>

#include "compiler/passes/fold_qdq.h"
#include "compiler/reference/executor.h"

namespace aorta::passes {

const Tensor* ConstantValue(const ir::Graph& graph, const std::string& value) {
  return graph.FindInitializer(value);
}

bool IsGraphOutput(const ir::Graph& graph, const std::string& value) {
  return std::find(graph.outputs.begin(), graph.outputs.end(), value) != graph.outputs.end();
}

size_t UseCount(const ir::Graph& graph, const std::string& value) {
  size_t count = 0;
  for (const ir::Node& n : graph.nodes)
    count += std::count(n.inputs.begin(), n.inputs.end(), value);
  return count + std::count(graph.outputs.begin(), graph.outputs.end(), value);
}

int64_t ProducerIndex(const ir::Graph& graph, const std::string& value) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& outs = graph.nodes[i].outputs;
    if (std::find(outs.begin(), outs.end(), value) != outs.end()) return static_cast<int64_t>(i);
  }
  return -1;
}

int64_t SoleReader(const ir::Graph& graph, const std::string& value) {
  if (UseCount(graph, value) != 1 || IsGraphOutput(graph, value)) return -1;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& ins = graph.nodes[i].inputs;
    if (std::find(ins.begin(), ins.end(), value) != ins.end()) return static_cast<int64_t>(i);
  }
  return -1;
}

void Absorb(ir::Graph& graph, size_t node, size_t reader) {
  ir::Node& r = graph.nodes[reader];
  ir::Node& n = graph.nodes[node];
  graph.values.erase(n.outputs[0]);
  n.outputs[0] = r.outputs[0];
  CopyQuantAnnotations(r, n);  // the reader's output is n's now
  r.inputs.clear();
  r.outputs.clear();
}

void EraseDetached(ir::Graph& graph) {
  std::erase_if(graph.nodes, [](const ir::Node& n) { return n.outputs.empty(); });
}

void ReplaceUses(ir::Graph& graph, const std::string& from, const std::string& to) {
  for (ir::Node& n : graph.nodes) {
    for (std::string& in : n.inputs) {
      if (in == from) in = to;
    }
  }
}

bool ForwardValue(ir::Graph& graph, const std::string& in, const std::string& out) {
  if (!IsGraphOutput(graph, out)) {
    ReplaceUses(graph, out, in);
    graph.values.erase(out);
    return true;
  }
  const int64_t producer = ProducerIndex(graph, in);
  if (producer < 0 || IsGraphOutput(graph, in)) return false;
  for (std::string& o : graph.nodes[static_cast<size_t>(producer)].outputs) {
    if (o == in) o = out;
  }
  ReplaceUses(graph, in, out);
  graph.values.erase(in);
  return true;
}

namespace {

std::set<std::string> UsedValueNames(const ir::Graph& graph) {
  std::set<std::string> used(graph.inputs.begin(), graph.inputs.end());
  used.insert(graph.outputs.begin(), graph.outputs.end());
  for (const auto& [name, info] : graph.values) used.insert(name);
  for (const auto& [name, t] : graph.initializers) used.insert(name);
  for (const ir::Node& n : graph.nodes) {
    used.insert(n.inputs.begin(), n.inputs.end());
    used.insert(n.outputs.begin(), n.outputs.end());
  }
  return used;
}

std::string FirstFree(const std::set<std::string>& used, const std::string& base) {
  if (!used.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = fmt::format("{}_{}", base, i);
    if (!used.count(candidate)) return candidate;
  }
}

}  // namespace

std::string FreshValueName(const ir::Graph& graph, const std::string& base) {
  return FirstFree(UsedValueNames(graph), base);
}

std::string FreshNodeName(const ir::Graph& graph, const std::string& base) {
  std::set<std::string> used;
  for (const ir::Node& n : graph.nodes) used.insert(n.name);
  return FirstFree(used, base);
}

void SetStaticInfo(ir::Graph& graph, const std::string& value, DType dtype, const Shape& shape) {
  graph.values[value] = ir::ValueInfo{value, dtype, ir::StaticDims(shape)};
}

Result<Shape> StaticShapeOf(const ir::Graph& graph, const std::string& value) {
  const ir::ValueInfo* info = graph.FindValue(value);
  std::optional<Shape> shape = info ? info->StaticShape() : std::nullopt;
  if (!shape) {
    return FailedPrecondition("value '{}' has no static shape (run InferShapes first)", value);
  }
  return *shape;
}

Result<DType> DTypeOf(const ir::Graph& graph, const std::string& value) {
  const ir::ValueInfo* info = graph.FindValue(value);
  if (info == nullptr || !info->dtype) {
    return FailedPrecondition("value '{}' has no element type (run InferShapes first)", value);
  }
  return *info->dtype;
}

void EraseNodes(ir::Graph& graph, const std::vector<bool>& erase) {
  std::vector<ir::Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (i >= erase.size() || !erase[i]) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
}

Status SortNodes(ir::Graph& graph) {
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, graph.TopologicalOrder());
  std::vector<ir::Node> sorted;
  for (size_t i : order) sorted.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(sorted);
  return Status::Ok();
}

Result<std::vector<Tensor>> EvaluateNode(const ir::Graph& graph, const ir::Node& node,
                                         const std::vector<const Tensor*>& inputs) {
  ir::Graph one;
  one.name = node.name;
  one.opset_imports = graph.opset_imports;
  ir::Node copy = node;
  for (size_t i = 0; i < copy.inputs.size(); ++i) {
    if (i >= inputs.size() || inputs[i] == nullptr) {
      copy.inputs[i].clear();
      continue;
    }
    copy.inputs[i] = fmt::format("aorta.eval.in{}", i);  // one value may be read twice
    one.AddInitializer(copy.inputs[i], *inputs[i]);
  }
  for (const std::string& out : copy.outputs) {
    if (!out.empty()) one.AddOutput(out);
  }
  const std::vector<std::string> outputs = copy.outputs;
  one.nodes.push_back(std::move(copy));
  AORTA_ASSIGN_OR_RETURN(TensorMap values, reference::RunReference(one, {}));
  std::vector<Tensor> result;
  for (const std::string& out : outputs) {
    result.push_back(out.empty() ? Tensor() : values.at(out));
  }
  return result;
}

}  // namespace aorta::passes
