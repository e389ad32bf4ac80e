#include "compiler/passes/fuse_activation.h"

#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"
#include "compiler/reference/kernel.h"

namespace aorta::passes {
namespace {

// MatMul(A [M, K], B [K, N] constant) is Gemm(A, B).
bool MatMulAsGemm(const ir::Graph& graph, ir::Node& node) {
  if (!node.domain.empty() || node.op_type != "MatMul" || node.inputs.size() != 2) return false;
  const Tensor* b = ConstantValue(graph, node.inputs[1]);
  Result<Shape> a = StaticShapeOf(graph, node.inputs[0]);
  if (b == nullptr || b->rank() != 2 || !a.ok() || a->size() != 2) return false;
  node.op_type = "Gemm";
  return true;
}

// The constant operand of an Add reading `value`, if the other one is `value`.
const Tensor* ConstantAddend(const ir::Graph& graph, const ir::Node& add, const std::string& value,
                             std::string* name) {
  if (!add.domain.empty() || add.op_type != "Add" || add.inputs.size() != 2) return nullptr;
  const size_t other = add.inputs[0] == value ? 1 : 0;
  if (add.inputs[1 - other] != value) return nullptr;
  *name = add.inputs[other];
  return ConstantValue(graph, add.inputs[other]);
}

// The new bias input of `fused` after adding `k` to its output; nullopt if `k` is not a bias.
Result<std::optional<Tensor>> BiasWith(const ir::Graph& graph, ir::Node& fused, const Tensor& k,
                                       const Shape& out) {
  using None = std::optional<Tensor>;
  if (k.dtype() != DType::kF32 || k.rank() > static_cast<int64_t>(out.size())) return None();
  const Tensor* old = fused.HasInput(2) ? ConstantValue(graph, fused.inputs[2]) : nullptr;
  if (fused.HasInput(2) && old == nullptr) return None();
  if (BaseOpType(fused) == "Gemm") {
    AORTA_ASSIGN_OR_RETURN(float beta, fused.GetFloat("beta", 1.0f));
    Tensor sum = reference::ExpandTo(k, out);
    if (old != nullptr) {
      const Tensor c = reference::ExpandTo(*old, out);
      for (int64_t i = 0; i < sum.element_count(); ++i) {
        sum.data<float>()[static_cast<size_t>(i)] += beta * c.at<float>(i);
      }
    }
    fused.attributes["beta"] = 1.0f;
    return None(std::move(sum));
  }
  // Conv / ConvTranspose: k must broadcast as [M, 1, ...] against [N, M, spatial...].
  const int64_t m = out[1];
  Shape aligned(out.size() - static_cast<size_t>(k.rank()), 1);
  aligned.insert(aligned.end(), k.shape().begin(), k.shape().end());
  for (size_t d = 0; d < aligned.size(); ++d) {
    if (aligned[d] != 1 && !(d == 1 && aligned[d] == m)) return None();
  }
  Tensor bias = reference::ExpandTo(*k.Reshaped({aligned[1]}), {m});
  if (old != nullptr) {
    for (int64_t i = 0; i < m; ++i) bias.data<float>()[static_cast<size_t>(i)] += old->at<float>(i);
  }
  return None(std::move(bias));
}

}  // namespace

Status FuseActivation::Run(ir::Graph& graph) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    MatMulAsGemm(graph, graph.nodes[i]);
    if (!IsFusableBase(graph.nodes[i])) continue;
    MakeFused(graph.nodes[i]);
    while (true) {
      ir::Node& node = graph.nodes[i];
      const int64_t r = SoleReader(graph, node.outputs[0]);
      if (r < 0) break;
      // A tensor a pre-quantized graph quantizes (FoldQdq) stays a tensor of its own.
      if (HasFixedParams(graph, node.outputs[0])) break;
      const ir::Node& reader = graph.nodes[static_cast<size_t>(r)];
      std::string k_name;
      if (const Tensor* k = ConstantAddend(graph, reader, node.outputs[0], &k_name)) {
        AORTA_ASSIGN_OR_RETURN(Shape out, StaticShapeOf(graph, node.outputs[0]));
        AORTA_ASSIGN_OR_RETURN(Shape sum, StaticShapeOf(graph, reader.outputs[0]));
        if (sum != out) break;
        AORTA_ASSIGN_OR_RETURN(std::optional<Tensor> bias, BiasWith(graph, node, *k, out));
        if (!bias) break;
        const std::string name = FreshValueName(graph, node.name + "_bias");
        graph.AddInitializer(name, std::move(*bias));
        node.inputs.resize(std::max<size_t>(node.inputs.size(), 3));
        node.inputs[2] = name;
        node.attributes.erase(kQBias);  // the bias changed: no longer the graph's integers
        node.attributes.erase(kQBiasScale);
        Absorb(graph, i, static_cast<size_t>(r));
        continue;
      }
      if (reader.inputs[0] != node.outputs[0]) break;
      AORTA_ASSIGN_OR_RETURN(std::optional<Activation> activation, MatchActivation(graph, reader));
      if (activation) {
        SetFusedActivation(node, *activation);
        Absorb(graph, i, static_cast<size_t>(r));
      }
      break;
    }
  }
  EraseDetached(graph);
  return Status::Ok();
}

}  // namespace aorta::passes
