// Which nodes the chip runs (docs/compiler.md, "Op support"), and the window helper the
// lowerings share.
#include <cmath>
#include <dnnl.hpp>

#include "compiler/codegen/codegen.h"
#include "compiler/codegen/lowering.h"
#include "compiler/passes/fold_pad_into_window.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"

namespace aorta::codegen {

const char* PlacementName(Placement p) {
  switch (p) {
    case Placement::kChip:
      return "chip";
    case Placement::kLayout:
      return "chip (layout only, no instructions)";
    case Placement::kUnsupported:
      return "unsupported";
  }
  return "?";
}

Result<Shape> ShapeOf(const ir::Graph& graph, const std::string& value) {
  if (const Tensor* t = graph.FindInitializer(value)) return t->shape();
  const ir::ValueInfo* info = graph.FindValue(value);
  std::optional<Shape> s = info ? info->StaticShape() : std::nullopt;
  if (!s) return InvalidArgument("value '{}' has no static shape", value);
  return *s;
}

namespace {

// The reference's view of one node, for its geometry helpers.
reference::KernelContext NodeContext(const ir::Graph& graph, const ir::Node& node) {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  return reference::KernelContext{node, graph.opset(), {}, engine, stream};
}

}  // namespace

Result<reference::Window> NodeWindow(const ir::Graph& graph, const ir::Node& node, const Shape& in,
                                     const Shape& kernel, bool ceil_mode) {
  return reference::ResolveWindow(NodeContext(graph, node), in, kernel, ceil_mode);
}

Result<reference::DeconvGeometry> NodeDeconv(const ir::Graph& graph, const ir::Node& node) {
  AORTA_ASSIGN_OR_RETURN(Shape x, ShapeOf(graph, node.inputs.at(0)));
  AORTA_ASSIGN_OR_RETURN(Shape w, ShapeOf(graph, node.inputs.at(1)));
  return reference::ResolveDeconv(NodeContext(graph, node), x, w);
}

namespace {

// A reason the chip cannot run the node, or "" if it can.
using Why = Result<std::string>;

// Tensors the chip holds: batch-1 images [1, C, H, W] and matrices [M, K], f32 in the graph.
Why CheckActivation(const ir::Graph& graph, const std::string& value) {
  AORTA_ASSIGN_OR_RETURN(Shape s, ShapeOf(graph, value));
  if (s.size() == 4 && s[0] != 1)
    return fmt::format("'{}' has batch {} (the chip runs batch 1)", value, s[0]);
  if (s.size() != 4 && s.size() != 2)
    return fmt::format("'{}' has rank {} (the chip holds [1, C, H, W] images and [M, K] matrices)",
                       value, s.size());
  const int64_t h = s.size() == 4 ? s[2] : 1, w = s.size() == 4 ? s[3] : s[0];
  if (h > kMaxDim || w > kMaxDim)
    return fmt::format("'{}' is {} (image dims are at most {})", value, ShapeToString(s), kMaxDim);
  return std::string();
}

Why CheckMatrix(const ir::Graph& graph, const ir::Node& node) {
  const std::string base = passes::BaseOpType(node);
  for (size_t i : {size_t{1}, size_t{2}})
    if (node.HasInput(i) && passes::ConstantValue(graph, node.inputs[i]) == nullptr)
      return fmt::format("input {} ('{}') is not a constant", i, node.inputs[i]);
  AORTA_ASSIGN_OR_RETURN(Shape x, ShapeOf(graph, node.inputs[0]));
  AORTA_ASSIGN_OR_RETURN(Shape w, ShapeOf(graph, node.inputs[1]));
  if (base == "ConvTranspose") {
    // A convolution of the input with zeros inserted (ZeroInsert in lower_matrix.cc).
    if (x.size() != 4 || w.size() != 4) return std::string("only 2-D transposed convolutions");
    AORTA_ASSIGN_OR_RETURN(reference::DeconvGeometry geo, NodeDeconv(graph, node));
    const int64_t zh = x[2] * geo.strides[0], zw = x[3] * geo.strides[1];
    if (zh > kMaxDim || zw > kMaxDim)
      return fmt::format("the input with zeros inserted is {}x{} (image dims are at most {})", zh,
                         zw, kMaxDim);
    return std::string();
  }
  if (base == "Gemm") {
    AORTA_ASSIGN_OR_RETURN(int64_t trans_a, node.GetInt("transA", 0));
    if (trans_a != 0) return std::string("transA = 1");
    if (node.HasInput(2)) {
      AORTA_ASSIGN_OR_RETURN(Shape c, ShapeOf(graph, node.inputs[2]));
      if (ElementCount(c) != 1 && !(c.size() == 1 || (c.size() == 2 && c[0] == 1)))
        return fmt::format("bias C of shape {} (only [N], [1, N] or a scalar)", ShapeToString(c));
    }
    return std::string();
  }
  if (x.size() != 4 || w.size() != 4) return std::string("only 2-D convolutions");
  AORTA_ASSIGN_OR_RETURN(reference::Window win,
                         NodeWindow(graph, node, {x[2], x[3]}, {w[2], w[3]}, false));
  if (win.strides[0] > kMaxMatStride || win.strides[1] > kMaxMatStride)
    return fmt::format("stride {}x{} (at most {})", win.strides[0], win.strides[1], kMaxMatStride);
  return std::string();
}

Why CheckPool(const ir::Graph& graph, const ir::Node& node) {
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) return std::string("the Indices output");
  AORTA_ASSIGN_OR_RETURN(Shape x, ShapeOf(graph, node.inputs[0]));
  if (x.size() != 4) return std::string("only 2-D pooling");
  if (node.op_type == "GlobalAveragePool") {
    if (x[2] > kMaxPoolField || x[3] > kMaxPoolField)
      return fmt::format("a {}x{} image (POOL windows are at most {})", x[2], x[3], kMaxPoolField);
    return std::string();
  }
  AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, node.GetInt("ceil_mode", 0));
  AORTA_ASSIGN_OR_RETURN(reference::Window win,
                         NodeWindow(graph, node, {x[2], x[3]}, {}, ceil_mode != 0));
  if (win.dilations[0] != 1 || win.dilations[1] != 1) return std::string("dilated pooling");
  for (const Shape* s : {&win.kernel, &win.strides, &win.pads_begin})
    for (int64_t v : *s)
      if (v > kMaxPoolField)
        return fmt::format("window field {} (POOL fields are at most {})", v, kMaxPoolField);
  if (node.op_type == "AveragePool") {
    AORTA_ASSIGN_OR_RETURN(int64_t include_pad, node.GetInt("count_include_pad", 0));
    if (include_pad != 0 && ceil_mode != 0) return std::string("count_include_pad with ceil_mode");
  }
  return std::string();
}

// Element-wise: operand a has the output's shape; b has it too, or is per channel (a constant,
// or a [1, C, 1, 1] activation), or a scalar constant.
Why CheckBinary(const ir::Graph& graph, const ir::Node& node) {
  if (node.inputs.size() != 2) return fmt::format("{} inputs (2 supported)", node.inputs.size());
  AORTA_ASSIGN_OR_RETURN(Shape o, ShapeOf(graph, node.outputs[0]));
  AORTA_ASSIGN_OR_RETURN(Shape s0, ShapeOf(graph, node.inputs[0]));
  AORTA_ASSIGN_OR_RETURN(Shape s1, ShapeOf(graph, node.inputs[1]));
  const bool swapped = s0 != o && s1 == o;
  const std::string& a = node.inputs[swapped ? 1 : 0];
  const std::string& b = node.inputs[swapped ? 0 : 1];
  const Shape& sa = swapped ? s1 : s0;
  const Shape& sb = swapped ? s0 : s1;
  if (sa != o) return fmt::format("both operands broadcast to {}", ShapeToString(o));
  if (passes::ConstantValue(graph, a) != nullptr)
    return std::string("a constant operand of the output's shape");
  AORTA_ASSIGN_OR_RETURN(std::string why, CheckActivation(graph, a));
  if (!why.empty()) return why;
  // Right-aligned per-channel pattern: [.., C, 1, 1] for images, [.., K] for matrices.
  const int64_t c = o[1];  // channels: C of [1, C, H, W], K of [M, K]
  Shape padded(o.size() > sb.size() ? o.size() - sb.size() : 0, 1);
  padded.insert(padded.end(), sb.begin(), sb.end());
  bool per_channel = padded.size() == o.size();
  for (size_t i = 0; per_channel && i < o.size(); ++i) {
    const bool channel_axis = i == 1;
    per_channel = padded[i] == 1 || (channel_axis && padded[i] == c);
  }
  const Tensor* constant = passes::ConstantValue(graph, b);
  const bool is_const = constant != nullptr;
  if (node.op_type == "Div") {
    if (!is_const || swapped) return std::string("division by a tensor (only by a constant)");
    for (double v : constant->ToDoubles())
      if (v == 0 || !std::isfinite(1.0 / v)) return std::string("division by zero");
  }
  if (is_const) {
    if (!per_channel)
      return fmt::format("a constant of shape {} (per-channel or scalar constants only)",
                         ShapeToString(sb));
    return std::string();
  }
  if (sb == o) return std::string();
  if (per_channel && padded[1] == c) return std::string();  // one UB row per block
  return fmt::format("broadcasting '{}' of shape {} to {}", b, ShapeToString(sb), ShapeToString(o));
}

// A constant Pad of H and W (negative: cropped): a 1x1 depthwise copy whose window reads the pad
// value outside the image.
Why CheckPad(const ir::Graph& graph, const ir::Node& node) {
  AORTA_ASSIGN_OR_RETURN(std::optional<passes::ConstantPad> p, passes::ConstantPadOf(graph, node));
  if (!p) return std::string("a mode other than constant, or pads / value that are not constants");
  if (p->begin.size() != 4) return std::string("only 4-D tensors");
  if (p->begin[0] != 0 || p->end[0] != 0 || p->begin[1] != 0 || p->end[1] != 0)
    return std::string("padding of the batch or channel axis");
  for (int64_t v : {p->begin[2], p->begin[3]})
    if (std::abs(v) > kMaxOffset)
      return fmt::format("padding {} (window offsets are at most {})", v, kMaxOffset);
  return CheckActivation(graph, node.inputs[0]);
}

// Nearest Resize / Upsample by integer factors of H and W: RESIZE. Which modes mean floor(o / s)
// is the reference's rule (it runs only those), so the node is tried on it.
Why CheckResize(const ir::Graph& graph, const ir::Node& node) {
  AORTA_ASSIGN_OR_RETURN(Shape x, ShapeOf(graph, node.inputs[0]));
  AORTA_ASSIGN_OR_RETURN(Shape y, ShapeOf(graph, node.outputs[0]));
  if (x.size() != 4) return std::string("only 4-D tensors");
  if (y[0] != x[0] || y[1] != x[1]) return std::string("scaling of the batch or channel axis");
  if (y[2] % x[2] != 0 || y[3] % x[3] != 0)
    return fmt::format("{} -> {} is not an integer upscale", ShapeToString(x), ShapeToString(y));
  if (y[2] / x[2] > kMaxResizeScale || y[3] / x[3] > kMaxResizeScale)
    return fmt::format("scale {}x{} (RESIZE factors are at most {})", y[2] / x[2], y[3] / x[3],
                       kMaxResizeScale);
  const Tensor stand_in(DType::kF32, x);
  std::vector<const Tensor*> ins = {&stand_in};
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    ins.push_back(node.inputs[i].empty() ? nullptr : passes::ConstantValue(graph, node.inputs[i]));
    if (!node.inputs[i].empty() && ins.back() == nullptr)
      return fmt::format("input {} ('{}') is not a constant", i, node.inputs[i]);
  }
  Result<std::vector<Tensor>> r = passes::EvaluateNode(graph, node, ins);
  if (!r.ok()) return r.status().message();
  if (r->empty() || r->front().shape() != y)
    return fmt::format("the reference gives another shape than {}", ShapeToString(y));
  return CheckActivation(graph, node.inputs[0]);
}

Why CheckLayout(const ir::Graph& graph, const ir::Node& node, bool* layout) {
  AORTA_ASSIGN_OR_RETURN(Shape in, ShapeOf(graph, node.inputs[0]));
  AORTA_ASSIGN_OR_RETURN(Shape out, ShapeOf(graph, node.outputs[0]));
  Result<BlockedDims> a = BlockedDimsOf(in), b = BlockedDimsOf(out);
  if (a.ok() && b.ok() && a->c == b->c && a->h * a->w == b->h * b->w &&
      (a->h * a->w == 1 || (in.size() == 4 && out.size() == 4))) {
    *layout = true;
    return std::string();
  }
  return fmt::format(
      "{} -> {} reorders the channel-blocked rows (only reshapes that keep channels and pixel "
      "order are free)",
      ShapeToString(in), ShapeToString(out));
}

Why Check(const ir::Graph& graph, const ir::Node& node, bool* layout) {
  const std::string& op = node.op_type;
  for (const std::string& v : node.inputs) {
    if (v.empty() || passes::ConstantValue(graph, v) != nullptr) continue;
    const ir::ValueInfo* info = graph.FindValue(v);
    if (info && info->dtype && *info->dtype != DType::kF32)
      return fmt::format("input '{}' is {} (only f32 tensors are quantized)", v,
                         DTypeName(*info->dtype));
  }
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" ||
      op == "Identity")
    return CheckLayout(graph, node, layout);
  AORTA_ASSIGN_OR_RETURN(std::string why, CheckActivation(graph, node.outputs.at(0)));
  if (!why.empty()) return why;
  if (passes::IsFusedOp(node)) return CheckMatrix(graph, node);
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool")
    return CheckPool(graph, node);
  if (op == "Pad") return CheckPad(graph, node);
  if (op == "Resize" || op == "Upsample") return CheckResize(graph, node);
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Max" || op == "Min")
    return CheckBinary(graph, node);
  if (op == "Relu" || op == "LeakyRelu" || op == "Clip" || op == "Sigmoid" || op == "Tanh" ||
      op == "HardSigmoid" || op == "HardSwish") {
    AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> a,
                           passes::MatchActivation(graph, node));
    if (!a) return std::string("Clip bounds that are not constants");
    return std::string();
  }
  return fmt::format("no lowering for op type '{}'", op);
}

}  // namespace

std::vector<NodeSupport> CheckSupport(const ir::Graph& graph) {
  std::vector<NodeSupport> out;
  for (const ir::Node& node : graph.nodes) {
    NodeSupport s{node.name, node.op_type, Placement::kChip, {}};
    bool layout = false;
    Why why = Check(graph, node, &layout);
    if (!why.ok()) {
      s.placement = Placement::kUnsupported;
      s.reason = why.status().message();
    } else if (!why->empty()) {
      s.placement = Placement::kUnsupported;
      s.reason = *why;
    } else if (layout) {
      s.placement = Placement::kLayout;
    }
    out.push_back(std::move(s));
  }
  return out;
}

Status FirstUnsupported(const std::vector<NodeSupport>& support) {
  const NodeSupport* first = nullptr;
  size_t count = 0;
  for (const NodeSupport& s : support) {
    if (s.placement != Placement::kUnsupported) continue;
    if (first == nullptr) first = &s;
    ++count;
  }
  if (first == nullptr) return Status::Ok();
  std::string more =
      count > 1 ? fmt::format(" (and {} more unsupported node{})", count - 1, count > 2 ? "s" : "")
                : "";
  return Unsupported("{} node '{}' cannot run on the chip: {}{}", first->op_type, first->node,
                     first->reason, more);
}

}  // namespace aorta::codegen
