#include "compiler/passes/cancel_transposes.h"

#include <fmt/ranges.h>

#include <set>

#include "compiler/passes/graph_edit.h"
#include "compiler/reference/kernel.h"

namespace aorta::passes {
namespace {

bool Is(const ir::Node& node, std::initializer_list<std::string_view> ops) {
  if (!node.domain.empty() || node.outputs.empty()) return false;
  for (std::string_view op : ops) {
    if (node.op_type == op) return true;
  }
  return false;
}

bool IsReshapeLike(const ir::Node& node) {
  return Is(node, {"Reshape", "Flatten", "Squeeze", "Unsqueeze"});
}

// The node's perm, checked to be a permutation of the input's dims.
Result<Shape> PermOf(const ir::Graph& graph, const ir::Node& t) {
  AORTA_ASSIGN_OR_RETURN(Shape in, StaticShapeOf(graph, t.inputs.at(0)));
  Shape reversed;
  for (size_t i = in.size(); i-- > 0;) reversed.push_back(static_cast<int64_t>(i));
  AORTA_ASSIGN_OR_RETURN(Shape perm, t.GetInts("perm", reversed));
  std::set<int64_t> seen(perm.begin(), perm.end());
  if (perm.size() != in.size() || seen.size() != in.size() || *seen.begin() != 0 ||
      *seen.rbegin() != static_cast<int64_t>(in.size()) - 1) {
    return InvalidArgument("{}: perm [{}] is not a permutation of {} dims", t.Describe(),
                           fmt::join(perm, ", "), in.size());
  }
  return perm;
}

bool IsIdentityPerm(const Shape& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

Shape Inverse(const Shape& perm) {
  Shape inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  return inv;
}

// The other operand of binary `u` in the layout before Transpose `perm`: a constant permuted
// by the inverse (a new initializer), or the input of a Transpose with the same perm that only
// `u` reads (whose index goes to `*other_transpose`). Empty if neither.
Result<std::string> OperandBeforeTranspose(ir::Graph& graph, const ir::Node& u, size_t side,
                                           const Shape& perm, int64_t* other_transpose) {
  const std::string& other = u.inputs[side];
  if (const Tensor* k = ConstantValue(graph, other)) {
    if (k->rank() > static_cast<int64_t>(perm.size())) return std::string();
    Shape full(perm.size() - static_cast<size_t>(k->rank()), 1);
    full.insert(full.end(), k->shape().begin(), k->shape().end());
    AORTA_ASSIGN_OR_RETURN(Tensor aligned, k->Reshaped(full));
    const ir::Node t{"permute_constant", "Transpose", "", {"k"}, {"kt"}, {{"perm", Inverse(perm)}}};
    AORTA_ASSIGN_OR_RETURN(std::vector<Tensor> permuted, EvaluateNode(graph, t, {&aligned}));
    const std::string name = FreshValueName(graph, other + "_permuted");
    graph.AddInitializer(name, std::move(permuted[0]));
    return name;
  }
  const int64_t p = ProducerIndex(graph, other);
  if (p < 0 || !Is(graph.nodes[static_cast<size_t>(p)], {"Transpose"})) return std::string();
  AORTA_ASSIGN_OR_RETURN(Shape other_perm, PermOf(graph, graph.nodes[static_cast<size_t>(p)]));
  if (other_perm != perm || UseCount(graph, other) != 1 || IsGraphOutput(graph, other)) {
    return std::string();
  }
  *other_transpose = p;
  return graph.nodes[static_cast<size_t>(p)].inputs[0];
}

// Moves Transpose `t` below its sole reader `r` when `r` is layout-agnostic.
Result<bool> SinkTranspose(ir::Graph& graph, size_t t, size_t r, const Shape& perm) {
  const std::string moved = graph.nodes[t].outputs[0];
  const ir::Node& u = graph.nodes[r];
  const bool unary =
      Is(u, {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "Clip", "Cast"});
  const bool binary = Is(u, {"Add", "Sub", "Mul", "Div", "Max", "Min"}) && u.inputs.size() == 2;
  if ((!unary && !binary) || u.inputs.empty() || u.outputs.size() != 1) return false;
  std::vector<std::string> inputs = u.inputs;
  int64_t other_transpose = -1;
  if (unary) {
    if (inputs[0] != moved) return false;
    inputs[0] = graph.nodes[t].inputs[0];
  } else {
    const size_t side = inputs[0] == moved ? 0 : 1;
    AORTA_ASSIGN_OR_RETURN(std::string other,
                           OperandBeforeTranspose(graph, u, 1 - side, perm, &other_transpose));
    if (other.empty()) return false;
    inputs[side] = graph.nodes[t].inputs[0];
    inputs[1 - side] = other;
  }
  // r now computes in the layout before the transpose; t transposes its result.
  const std::string out = graph.nodes[r].outputs[0];
  AORTA_ASSIGN_OR_RETURN(Shape out_shape, StaticShapeOf(graph, out));
  AORTA_ASSIGN_OR_RETURN(DType out_dtype, DTypeOf(graph, out));
  Shape before(out_shape.size());
  for (size_t i = 0; i < perm.size(); ++i) before[static_cast<size_t>(perm[i])] = out_shape[i];
  const std::string pre = FreshValueName(graph, out + "_untransposed");
  SetStaticInfo(graph, pre, out_dtype, before);
  graph.values.erase(moved);
  graph.nodes[r].inputs = inputs;
  graph.nodes[r].outputs[0] = pre;
  graph.nodes[t].inputs[0] = pre;
  graph.nodes[t].outputs[0] = out;
  if (other_transpose >= 0) {
    ir::Node& o = graph.nodes[static_cast<size_t>(other_transpose)];
    graph.values.erase(o.outputs[0]);
    o.inputs.clear();
    o.outputs.clear();
  }
  return true;
}

// One Transpose: merge with a producing Transpose, drop if identity, else sink.
Result<bool> SimplifyTranspose(ir::Graph& graph, size_t i) {
  AORTA_ASSIGN_OR_RETURN(Shape perm, PermOf(graph, graph.nodes[i]));
  bool changed = false;
  const int64_t p = ProducerIndex(graph, graph.nodes[i].inputs[0]);
  if (p >= 0 && Is(graph.nodes[static_cast<size_t>(p)], {"Transpose"})) {
    ir::Node& first = graph.nodes[static_cast<size_t>(p)];
    AORTA_ASSIGN_OR_RETURN(Shape first_perm, PermOf(graph, first));
    Shape composed(perm.size());
    for (size_t d = 0; d < perm.size(); ++d) composed[d] = first_perm[static_cast<size_t>(perm[d])];
    const std::string between = graph.nodes[i].inputs[0];
    graph.nodes[i].inputs[0] = first.inputs[0];
    graph.nodes[i].attributes["perm"] = composed;
    if (UseCount(graph, between) == 0) {
      graph.values.erase(between);
      first.inputs.clear();
      first.outputs.clear();
    }
    perm = composed;
    changed = true;
  }
  ir::Node& node = graph.nodes[i];
  if (IsIdentityPerm(perm) && ForwardValue(graph, node.inputs[0], node.outputs[0])) {
    node.inputs.clear();
    node.outputs.clear();
    return true;
  }
  const int64_t r = SoleReader(graph, node.outputs[0]);
  if (r < 0) return changed;
  AORTA_ASSIGN_OR_RETURN(bool sunk, SinkTranspose(graph, i, static_cast<size_t>(r), perm));
  return changed || sunk;
}

// One reshape-like node: read through a reshape-like producer, drop if it changes nothing.
Result<bool> SimplifyReshape(ir::Graph& graph, size_t i) {
  ir::Node& node = graph.nodes[i];
  AORTA_ASSIGN_OR_RETURN(Shape out, StaticShapeOf(graph, node.outputs[0]));
  const int64_t p = ProducerIndex(graph, node.inputs[0]);
  bool changed = false;
  if (p >= 0 && IsReshapeLike(graph.nodes[static_cast<size_t>(p)]) &&
      std::find(out.begin(), out.end(), 0) == out.end()) {
    const std::string between = node.inputs[0];
    const std::string target = FreshValueName(graph, node.outputs[0] + "_shape");
    graph.AddInitializer(target, Tensor::FromVector<int64_t>({static_cast<int64_t>(out.size())}, out));
    ir::Node& first = graph.nodes[static_cast<size_t>(p)];
    node.op_type = "Reshape";
    node.attributes.clear();
    if (graph.opset() < 5) {
      node.attributes["shape"] = out;
      node.inputs = {first.inputs[0]};
    } else {
      node.inputs = {first.inputs[0], target};
    }
    if (UseCount(graph, between) == 0) {
      graph.values.erase(between);
      first.inputs.clear();
      first.outputs.clear();
    }
    changed = true;
  }
  AORTA_ASSIGN_OR_RETURN(Shape in, StaticShapeOf(graph, node.inputs[0]));
  if (in == out && ForwardValue(graph, node.inputs[0], node.outputs[0])) {
    node.inputs.clear();
    node.outputs.clear();
    return true;
  }
  return changed;
}

}  // namespace

Status CancelTransposes::Run(ir::Graph& graph) {
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      const ir::Node& node = graph.nodes[i];
      if (node.outputs.empty() || !node.HasInput(0)) continue;  // detached this sweep
      Result<bool> step = Is(node, {"Transpose"}) ? SimplifyTranspose(graph, i)
                          : IsReshapeLike(node)   ? SimplifyReshape(graph, i)
                                                  : Result<bool>(false);
      if (!step.ok()) return step.status();
      changed = changed || *step;
    }
    EraseDetached(graph);
    AORTA_RETURN_IF_ERROR(SortNodes(graph));
  }
  return Status::Ok();
}

}  // namespace aorta::passes
