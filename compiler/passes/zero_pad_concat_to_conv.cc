#include "compiler/passes/zero_pad_concat_to_conv.h"

#include "compiler/passes/graph_edit.h"

namespace aorta::passes {
namespace {

bool AllZero(const Tensor& t) {
  for (double v : t.ToDoubles())
    if (v != 0) return false;
  return true;
}

}  // namespace

Status ZeroPadConcatToConv::Run(ir::Graph& graph) {
  for (ir::Node& node : graph.nodes) {
    if (node.op_type != "Concat" || !node.domain.empty() || node.outputs.size() != 1) continue;
    AORTA_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis"));
    AORTA_ASSIGN_OR_RETURN(Shape out, StaticShapeOf(graph, node.outputs[0]));
    if (out.size() != 4 || out[0] != 1 || (axis != 1 && axis != -3)) continue;
    AORTA_ASSIGN_OR_RETURN(DType dtype, DTypeOf(graph, node.outputs[0]));
    if (dtype != DType::kF32) continue;
    // Exactly one tensor; every other operand an all-zero constant.
    std::string x;
    int64_t offset = 0, channels = 0, before = 0;
    bool ok = true;
    for (const std::string& in : node.inputs) {
      AORTA_ASSIGN_OR_RETURN(Shape s, StaticShapeOf(graph, in));
      if (const Tensor* k = ConstantValue(graph, in)) {
        ok = ok && AllZero(*k);
      } else {
        ok = ok && x.empty();
        x = in;
        offset = before;
        channels = s[1];
      }
      before += s[1];
    }
    if (!ok || x.empty()) continue;
    const int64_t m = out[1];
    std::vector<float> w(static_cast<size_t>(m * channels), 0.0f);
    for (int64_t c = 0; c < channels; ++c) w[static_cast<size_t>((offset + c) * channels + c)] = 1;
    const std::string wname = FreshValueName(graph, node.name + "_embed");
    graph.AddInitializer(wname, Tensor::FromVector<float>({m, channels, 1, 1}, w));
    node.op_type = "Conv";
    node.inputs = {x, wname};
    node.attributes = {{"kernel_shape", std::vector<int64_t>{1, 1}}};
  }
  return Status::Ok();
}

}  // namespace aorta::passes
