#include "compiler/quant_sim.h"

#include <algorithm>
#include <cmath>

#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"

namespace aorta::quant {

float FakeQuantize(float x, const QParams& q, int bits) {
  if (bits == 8) return static_cast<float>(q.Dequantize(q.Quantize(x)));
  const double k = std::ldexp(1.0, bits - 8), s = q.scale / k;
  const double v = std::clamp(std::nearbyint(x / s) + q.zero_point * k, -128 * k, 128 * k - 1);
  return static_cast<float>(s * (v - q.zero_point * k));
}

namespace {

bool IsLayout(const std::string& op) {
  return op == "Reshape" || op == "Transpose" || op == "Flatten" || op == "Squeeze" ||
         op == "Unsqueeze" || op == "Identity";
}

// The weights of a matrix op in the layout of its node's weight input, and its bias, as the chip
// computes with them (quantized) or the equalized float ones.
Status ReplaceWeights(ir::Graph& g, ir::Node& node, const QuantizedMatrixOp& m,
                      const std::map<std::string, std::vector<double>>& equalized,
                      const std::map<std::string, std::vector<double>>& consumer_scale,
                      bool quantized) {
  const Tensor* w = passes::ConstantValue(g, node.inputs[1]);
  if (w == nullptr) return Internal("{}: weights are not a constant", node.Describe());
  std::vector<double> wv = w->ToDoubles();
  const std::string base = passes::BaseOpType(node);
  const auto out_c = static_cast<size_t>(m.out_c);
  std::vector<double> bias(out_c, 0.0);
  if (quantized) {
    // m.w is [out_c][in / group][k_h][k_w]; the node's layout differs for ConvTranspose and Gemm.
    const size_t per = m.w.size() / out_c;
    std::vector<double> deq(m.w.size());
    for (size_t i = 0; i < m.w.size(); ++i) deq[i] = m.w[i] * m.w_scale[i / per];
    if (base == "Conv") {
      wv = deq;
    } else if (base == "ConvTranspose") {
      AORTA_ASSIGN_OR_RETURN(int64_t group, node.GetInt("group", 1));
      const int64_t c = w->dim(0), mg = w->dim(1), kh = w->dim(2), kw = w->dim(3);
      const int64_t cg = c / group;
      for (int64_t o = 0; o < m.out_c; ++o)
        for (int64_t i = 0; i < cg; ++i)
          for (int64_t y = 0; y < kh; ++y)
            for (int64_t x = 0; x < kw; ++x)
              wv[static_cast<size_t>((((o / mg) * cg + i) * mg + o % mg) * kh * kw +
                                     (kh - 1 - y) * kw + (kw - 1 - x))] =
                  deq[static_cast<size_t>(((o * cg + i) * kh + y) * kw + x)];
    } else {  // Gemm: B as [N, K] (transB = 1), alpha and beta folded in
      wv = deq;
      node.attributes["transB"] = int64_t{1};
      node.attributes["alpha"] = 1.0f;
      node.attributes["beta"] = 1.0f;
    }
    for (size_t c = 0; c < out_c; ++c) bias[c] = m.bias[c] * m.in.scale * m.w_scale[c];
  } else {
    if (base != "Conv" && (equalized.count(node.outputs[0]) || consumer_scale.count(node.name)))
      return Internal("{}: equalized, but not a Conv", node.Describe());
    if (node.HasInput(2)) {
      const Tensor* b = passes::ConstantValue(g, node.inputs[2]);
      if (b == nullptr || b->element_count() != m.out_c)
        return Internal("{}: bias is not a constant of {} values", node.Describe(), m.out_c);
      bias = b->ToDoubles();
    }
    if (base == "Gemm") {
      AORTA_ASSIGN_OR_RETURN(float alpha, node.GetFloat("alpha", 1.0f));
      AORTA_ASSIGN_OR_RETURN(float beta, node.GetFloat("beta", 1.0f));
      for (double& x : wv) x *= alpha;
      for (double& x : bias) x *= beta;
      node.attributes["alpha"] = 1.0f;
      node.attributes["beta"] = 1.0f;
    }
    if (auto e = equalized.find(node.outputs[0]); e != equalized.end()) {
      const size_t per = wv.size() / e->second.size();
      for (size_t i = 0; i < wv.size(); ++i) wv[i] /= e->second[i / per];
      for (size_t c = 0; c < bias.size(); ++c) bias[c] /= e->second[c];
    }
    if (auto e = consumer_scale.find(node.name); e != consumer_scale.end()) {
      const auto taps = static_cast<size_t>(w->dim(2) * w->dim(3));
      for (size_t i = 0; i < wv.size(); ++i) wv[i] *= e->second[(i / taps) % e->second.size()];
    }
  }
  std::vector<float> wf(wv.begin(), wv.end()), bf(bias.begin(), bias.end());
  const std::string wname = node.name + "#sim_w", bname = node.name + "#sim_b";
  g.initializers[wname] = Tensor::FromVector<float>(w->shape(), wf);
  node.inputs[1] = wname;
  g.initializers[bname] = Tensor::FromVector<float>(Shape{static_cast<int64_t>(out_c)}, bf);
  if (node.inputs.size() < 3) node.inputs.resize(3);
  node.inputs[2] = bname;
  return Status::Ok();
}

}  // namespace

Result<QuantSimulator> QuantSimulator::Create(const QuantizedGraph& q, const SimOptions& options) {
  ir::Graph g = q.graph;
  // The consumers of equalized values (their input channel c is multiplied by s_c).
  std::map<std::string, std::vector<double>> consumer_scale;
  for (const auto& [value, s] : q.equalized)
    for (const ir::Node* reader : g.Consumers(value)) consumer_scale[reader->name] = s;
  std::set<std::string> wide;
  // Model outputs, and the values layout ops turn into them.
  std::set<std::string> outputs(g.outputs.begin(), g.outputs.end());
  for (bool grew = true; grew;) {
    grew = false;
    for (const ir::Node& node : g.nodes)
      if (IsLayout(node.op_type) && !node.outputs.empty() && outputs.count(node.outputs[0]) &&
          outputs.insert(node.inputs.at(0)).second)
        grew = true;
  }
  for (ir::Node& node : g.nodes) {
    auto it = q.ops.find(node.name);
    if (it == q.ops.end() || !std::holds_alternative<QuantizedMatrixOp>(it->second)) continue;
    const auto& m = std::get<QuantizedMatrixOp>(it->second);
    AORTA_RETURN_IF_ERROR(
        ReplaceWeights(g, node, m, q.equalized, consumer_scale, options.quantize_weights)
            .WithContext("quantization simulation"));
    AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act, passes::FusedActivation(node));
    if (options.wide_outputs && outputs.count(node.outputs[0]) && !act &&
        !node.HasInput(passes::kResidualInput))
      wide.insert(node.outputs[0]);
  }
  // The layout ops after a wide output carry its exact values.
  for (bool grew = true; grew;) {
    grew = false;
    for (const ir::Node& node : g.nodes)
      if (IsLayout(node.op_type) && !node.outputs.empty() && wide.count(node.inputs.at(0)) &&
          wide.insert(node.outputs[0]).second)
        grew = true;
  }
  AORTA_ASSIGN_OR_RETURN(ir::Graph expanded, passes::ExpandFusedOps(g));
  const std::map<std::string, std::string> key_of = RangeKeys(g, expanded);
  AORTA_ASSIGN_OR_RETURN(reference::Executor exec, reference::Executor::Create(expanded));
  QuantSimulator sim(std::move(exec));
  sim.options_ = options;
  sim.act_ = q.act;
  sim.inputs_ = g.inputs;
  for (const auto& [value, key] : key_of)
    if (q.act.count(key) && !wide.count(value)) sim.key_of_[value] = key;
  for (const std::string& in : g.inputs)
    if (sim.key_of_.count(in)) sim.keys_.push_back(in);
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, expanded.TopologicalOrder());
  for (size_t i : order)
    for (const std::string& out : expanded.nodes[i].outputs)
      if (auto k = sim.key_of_.find(out); k != sim.key_of_.end()) sim.keys_.push_back(k->second);
  return sim;
}

bool QuantSimulator::Rounds(const std::string& key) const {
  if (!options_.only.empty()) return options_.only.count(key) != 0;
  return options_.exact.count(key) == 0;
}

Result<TensorMap> QuantSimulator::Run(const TensorMap& inputs,
                                      const reference::Executor::ValueHook& observe) const {
  auto round = [&](const std::string& value, Tensor& t) {
    auto k = key_of_.find(value);
    if (k == key_of_.end() || t.dtype() != DType::kF32 || !Rounds(k->second)) return;
    const int bits = options_.bits;
    if (auto pc = options_.per_channel.find(k->second);
        pc != options_.per_channel.end() && t.rank() >= 2 &&
        t.dim(1) == static_cast<int64_t>(pc->second.size())) {
      const auto c_n = static_cast<size_t>(t.dim(1));
      const size_t plane =
          static_cast<size_t>(t.element_count()) / c_n / static_cast<size_t>(t.dim(0));
      std::span<float> v = t.data<float>();
      for (size_t i = 0; i < v.size(); ++i)
        v[i] = FakeQuantize(v[i], pc->second[(i / plane) % c_n], bits);
      return;
    }
    const QParams& q = act_.at(k->second);
    for (float& x : t.data<float>()) x = FakeQuantize(x, q, bits);
  };
  TensorMap in = inputs;
  for (auto& [name, t] : in) {
    round(name, t);
    if (observe) observe(name, t);
  }
  if (!observe) return exec_.Run(in, round);
  return exec_.Run(in, [&](const std::string& value, Tensor& t) {
    round(value, t);
    observe(value, t);
  });
}

}  // namespace aorta::quant
