#include "compiler/passes/fold_pad_into_window.h"

#include "compiler/passes/graph_edit.h"

namespace aorta::passes {

Result<std::optional<ConstantPad>> ConstantPadOf(const ir::Graph& graph, const ir::Node& node) {
  const Result<std::string> mode = node.GetString("mode", "constant");
  if (!mode.ok()) return mode.status();
  if (*mode != "constant") return std::optional<ConstantPad>();
  AORTA_ASSIGN_OR_RETURN(Shape x, StaticShapeOf(graph, node.inputs.at(0)));
  const size_t rank = x.size();
  ConstantPad p;
  Shape pads;
  if (graph.opset() < 11) {
    AORTA_ASSIGN_OR_RETURN(pads, node.GetInts(graph.opset() < 2 ? "paddings" : "pads"));
    AORTA_ASSIGN_OR_RETURN(float v, node.GetFloat("value", 0.0f));
    p.value = v;
  } else {
    const Tensor* t = node.HasInput(1) ? ConstantValue(graph, node.inputs[1]) : nullptr;
    if (t == nullptr) return std::optional<ConstantPad>();
    pads = t->ToInt64s();
    if (node.HasInput(2)) {
      const Tensor* v = ConstantValue(graph, node.inputs[2]);
      if (v == nullptr) return std::optional<ConstantPad>();
      if (v->element_count() > 0) p.value = v->ToDoubles()[0];
    }
  }
  p.begin.assign(rank, 0);
  p.end.assign(rank, 0);
  if (node.HasInput(3)) {  // opset 18: the axes the pads apply to
    const Tensor* a = ConstantValue(graph, node.inputs[3]);
    if (a == nullptr) return std::optional<ConstantPad>();
    const std::vector<int64_t> axes = a->ToInt64s();
    if (pads.size() != 2 * axes.size())
      return InvalidArgument("{}: {} pads for {} axes", node.Describe(), pads.size(), axes.size());
    for (size_t i = 0; i < axes.size(); ++i) {
      const int64_t ax = axes[i] < 0 ? axes[i] + static_cast<int64_t>(rank) : axes[i];
      if (ax < 0 || ax >= static_cast<int64_t>(rank))
        return InvalidArgument("{}: axis {} of a rank-{} input", node.Describe(), axes[i], rank);
      p.begin[static_cast<size_t>(ax)] = pads[i];
      p.end[static_cast<size_t>(ax)] = pads[i + axes.size()];
    }
    return std::optional<ConstantPad>(p);
  }
  if (pads.size() != 2 * rank)
    return InvalidArgument("{}: {} pads for a rank-{} input", node.Describe(), pads.size(), rank);
  for (size_t i = 0; i < rank; ++i) {
    p.begin[i] = pads[i];
    p.end[i] = pads[i + rank];
  }
  return std::optional<ConstantPad>(p);
}

namespace {

// [t, l, b, r] of a zero Pad of H and W only, none negative; nullopt otherwise.
Result<std::optional<Shape>> SpatialZeroPads(const ir::Graph& graph, const ir::Node& pad) {
  if (!pad.domain.empty() || pad.op_type != "Pad") return std::optional<Shape>();
  AORTA_ASSIGN_OR_RETURN(std::optional<ConstantPad> p, ConstantPadOf(graph, pad));
  if (!p || p->value != 0 || p->begin.size() != 4) return std::optional<Shape>();
  for (size_t d = 0; d < 4; ++d) {
    if (p->begin[d] < 0 || p->end[d] < 0) return std::optional<Shape>();
    if (d < 2 && (p->begin[d] != 0 || p->end[d] != 0)) return std::optional<Shape>();
  }
  return std::optional<Shape>(Shape{p->begin[2], p->begin[3], p->end[2], p->end[3]});
}

// Whether `reader` takes extra padding of a zero Pad as its own (and then sets it).
Result<bool> TakePadding(ir::Node& reader, const Shape& extra) {
  if (!reader.domain.empty() || (reader.op_type != "Conv" && reader.op_type != "AveragePool"))
    return false;
  AORTA_ASSIGN_OR_RETURN(std::string auto_pad, reader.GetString("auto_pad", "NOTSET"));
  if (auto_pad != "NOTSET") return false;
  AORTA_ASSIGN_OR_RETURN(Shape pads, reader.GetInts("pads", {0, 0, 0, 0}));
  if (pads.size() != 4) return false;
  if (reader.op_type == "AveragePool") {
    AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, reader.GetInt("ceil_mode", 0));
    AORTA_ASSIGN_OR_RETURN(int64_t include, reader.GetInt("count_include_pad", 0));
    const bool unpadded = pads == Shape{0, 0, 0, 0};
    if (ceil_mode != 0 || (include == 0 && !unpadded)) return false;
    reader.attributes["count_include_pad"] = int64_t{1};
  }
  for (size_t i = 0; i < 4; ++i) pads[i] += extra[i];
  reader.attributes["pads"] = pads;
  return true;
}

}  // namespace

Status FoldPadIntoWindow::Run(ir::Graph& graph) {
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ir::Node& pad = graph.nodes[i];
    AORTA_ASSIGN_OR_RETURN(std::optional<Shape> extra, SpatialZeroPads(graph, pad));
    if (!extra) continue;
    const int64_t r = SoleReader(graph, pad.outputs.at(0));
    if (r < 0 || graph.nodes[static_cast<size_t>(r)].inputs.at(0) != pad.outputs[0]) continue;
    AORTA_ASSIGN_OR_RETURN(bool taken, TakePadding(graph.nodes[static_cast<size_t>(r)], *extra));
    if (!taken) continue;
    graph.nodes[static_cast<size_t>(r)].inputs[0] = pad.inputs[0];
    graph.values.erase(pad.outputs[0]);
    erase[i] = true;
  }
  EraseNodes(graph, erase);
  return Status::Ok();
}

}  // namespace aorta::passes
