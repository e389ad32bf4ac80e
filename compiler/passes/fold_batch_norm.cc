#include "compiler/passes/fold_batch_norm.h"

#include <cmath>
#include <functional>

#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/graph_edit.h"

namespace aorta::passes {
namespace {

// Per-channel scale and shift of an inference BatchNormalization with constant parameters;
// nullopt when a parameter is not a constant.
struct Affine {
  std::vector<double> scale, shift;
};

Result<std::optional<Affine>> BatchNormAffine(const ir::Graph& graph, const ir::Node& bn) {
  std::vector<const Tensor*> p;
  for (size_t i = 1; i <= 4; ++i) {
    p.push_back(bn.HasInput(i) ? ConstantValue(graph, bn.inputs[i]) : nullptr);
    if (p.back() == nullptr) return std::optional<Affine>();
  }
  AORTA_ASSIGN_OR_RETURN(float epsilon, bn.GetFloat("epsilon", 1e-5f));
  const int64_t c = p[0]->element_count();
  for (const Tensor* t : p) {
    if (t->element_count() != c || t->dtype() != DType::kF32) {
      return InvalidArgument("{}: scale, B, mean and var must be f32 with {} elements each",
                             bn.Describe(), c);
    }
  }
  const std::vector<double> gamma = p[0]->ToDoubles(), beta = p[1]->ToDoubles(),
                            mean = p[2]->ToDoubles(), var = p[3]->ToDoubles();
  Affine a;
  for (int64_t i = 0; i < c; ++i) {
    const size_t u = static_cast<size_t>(i);
    a.scale.push_back(gamma[u] / std::sqrt(var[u] + static_cast<double>(epsilon)));
    a.shift.push_back(beta[u] - mean[u] * a.scale[u]);
  }
  return std::optional<Affine>(a);
}

// Multiplies W's elements by scale[channel(index along the leading dims)].
Tensor ScaleWeights(const Tensor& w, const std::vector<double>& scale, int64_t per,
                    const std::function<size_t(int64_t)>& channel_of_block) {
  Tensor out = w;
  auto data = out.data<float>();
  for (int64_t i = 0; i < out.element_count(); ++i) {
    const size_t u = static_cast<size_t>(i);
    data[u] = static_cast<float>(data[u] * scale[channel_of_block(i / per)]);
  }
  return out;
}

// The op's new weights and bias for the BN's affine map; nullopt if it does not apply.
struct Folded {
  Tensor weights, bias;
};

Result<std::optional<Folded>> FoldInto(const ir::Graph& graph, ir::Node& op, const Affine& a) {
  const Tensor* w = op.HasInput(1) ? ConstantValue(graph, op.inputs[1]) : nullptr;
  const Tensor* b = op.HasInput(2) ? ConstantValue(graph, op.inputs[2]) : nullptr;
  if (w == nullptr || (op.HasInput(2) && b == nullptr) || w->dtype() != DType::kF32) {
    return std::optional<Folded>();
  }
  const int64_t m = static_cast<int64_t>(a.scale.size());
  std::vector<double> bias(a.scale.size(), 0.0);
  Folded f;
  if (op.op_type == "Conv" || op.op_type == "ConvTranspose") {
    if (b != nullptr) bias = b->ToDoubles();
    if (static_cast<int64_t>(bias.size()) != m) return std::optional<Folded>();
    AORTA_ASSIGN_OR_RETURN(int64_t group, op.GetInt("group", 1));
    const int64_t kernel = ElementCount(Shape(w->shape().begin() + 2, w->shape().end()));
    if (op.op_type == "Conv") {
      if (w->dim(0) != m) return std::optional<Folded>();
      f.weights = ScaleWeights(*w, a.scale, kernel * w->dim(1),
                               [](int64_t block) { return static_cast<size_t>(block); });
    } else {
      const int64_t c = w->dim(0), m_per_group = w->dim(1), c_per_group = c / group;
      if (m_per_group * group != m) return std::optional<Folded>();
      f.weights = ScaleWeights(*w, a.scale, kernel, [&](int64_t block) {
        const int64_t ci = block / m_per_group, j = block % m_per_group;
        return static_cast<size_t>((ci / c_per_group) * m_per_group + j);
      });
    }
  } else {  // Gemm: Y = alpha op(A) op(B) + beta C, output columns n.
    AORTA_ASSIGN_OR_RETURN(int64_t trans_b, op.GetInt("transB", 0));
    AORTA_ASSIGN_OR_RETURN(float beta, op.GetFloat("beta", 1.0f));
    if (w->rank() != 2 || (trans_b ? w->dim(0) : w->dim(1)) != m) return std::optional<Folded>();
    if (trans_b) {
      f.weights = ScaleWeights(*w, a.scale, w->dim(1),
                               [](int64_t row) { return static_cast<size_t>(row); });
    } else {
      f.weights =
          ScaleWeights(*w, a.scale, 1, [m](int64_t i) { return static_cast<size_t>(i % m); });
    }
    // C' = s * beta * C + t over C broadcast to [rows, m] (rows 1 unless C has them).
    const Shape c_shape = b ? b->shape() : Shape{};
    if (c_shape.size() > 2 || (!c_shape.empty() && c_shape.back() != 1 && c_shape.back() != m)) {
      return std::optional<Folded>();
    }
    const int64_t rows = c_shape.size() == 2 ? c_shape[0] : 1;
    const bool per_column = !c_shape.empty() && c_shape.back() == m;
    const std::vector<double> c = b ? b->ToDoubles() : std::vector<double>{0.0};
    Tensor out(DType::kF32, {rows, m});
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t n = 0; n < m; ++n) {
        const size_t u = static_cast<size_t>(n);
        const double cv = c[static_cast<size_t>(per_column ? r * m + n : r)] * beta;
        out.data<float>()[static_cast<size_t>(r * m + n)] =
            static_cast<float>(a.scale[u] * cv + a.shift[u]);
      }
    }
    f.bias = std::move(out);
    op.attributes["beta"] = 1.0f;
    return std::optional<Folded>(std::move(f));
  }
  std::vector<float> folded(bias.size());
  for (size_t i = 0; i < bias.size(); ++i) {
    folded[i] = static_cast<float>(a.scale[i] * bias[i] + a.shift[i]);
  }
  f.bias = Tensor::FromVector<float>({m}, folded);
  return std::optional<Folded>(std::move(f));
}

bool Foldable(const ir::Node& node) {
  return node.domain.empty() &&
         (node.op_type == "Conv" || node.op_type == "ConvTranspose" || node.op_type == "Gemm");
}

}  // namespace

Status FoldBatchNorm::Run(ir::Graph& graph) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    ir::Node& bn = graph.nodes[i];
    if (!bn.domain.empty() || bn.op_type != "BatchNormalization" || !bn.HasInput(0)) continue;
    bool extra_outputs = false;
    for (size_t o = 1; o < bn.outputs.size(); ++o) extra_outputs |= !bn.outputs[o].empty();
    const int64_t p = ProducerIndex(graph, bn.inputs[0]);
    if (extra_outputs || p < 0 || !Foldable(graph.nodes[static_cast<size_t>(p)]) ||
        SoleReader(graph, bn.inputs[0]) != static_cast<int64_t>(i)) {
      continue;
    }
    AORTA_ASSIGN_OR_RETURN(std::optional<Affine> affine, BatchNormAffine(graph, bn));
    if (!affine) continue;
    ir::Node& op = graph.nodes[static_cast<size_t>(p)];
    AORTA_ASSIGN_OR_RETURN(std::optional<Folded> folded, FoldInto(graph, op, *affine));
    if (!folded) continue;
    const std::string w_name = FreshValueName(graph, op.name + "_bn_weights");
    graph.AddInitializer(w_name, std::move(folded->weights));
    const std::string b_name = FreshValueName(graph, op.name + "_bn_bias");
    graph.AddInitializer(b_name, std::move(folded->bias));
    op.inputs.resize(std::max<size_t>(op.inputs.size(), 3));
    op.inputs[1] = w_name;
    op.inputs[2] = b_name;
    for (const char* k : {kQWeight, kQBias, kQBiasScale}) op.attributes.erase(k);  // new weights
    Absorb(graph, static_cast<size_t>(p), i);
  }
  EraseDetached(graph);
  return Status::Ok();
}

}  // namespace aorta::passes
