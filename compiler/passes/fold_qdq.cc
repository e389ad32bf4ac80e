#include "compiler/passes/fold_qdq.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "compiler/passes/graph_edit.h"

namespace aorta::passes {
namespace {

// ONNX Runtime's contrib QLinear ops (domain com.microsoft) and the float op each computes
// between DequantizeLinear and QuantizeLinear: binary (A, A_scale, A_zp, B, B_scale, B_zp,
// C_scale, C_zp) and unary (X, X_scale, X_zp, Y_scale, Y_zp).
const std::map<std::string, std::string>& ContribBinary() {
  static const std::map<std::string, std::string> ops = {{"QLinearAdd", "Add"},
                                                         {"QLinearMul", "Mul"}};
  return ops;
}
const std::map<std::string, std::string>& ContribUnary() {
  static const std::map<std::string, std::string> ops = {
      {"QLinearGlobalAveragePool", "GlobalAveragePool"},
      {"QLinearAveragePool", "AveragePool"},
      {"QLinearSigmoid", "Sigmoid"},
      {"QLinearLeakyRelu", "LeakyRelu"}};
  return ops;
}
bool IsContribQLinear(const ir::Node& n) {
  return n.domain == "com.microsoft" &&
         (ContribBinary().count(n.op_type) != 0 || ContribUnary().count(n.op_type) != 0);
}

bool IsQdqOp(const ir::Node& n) {
  return IsContribQLinear(n) ||
         (n.domain.empty() && (n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear" ||
                               n.op_type == "QLinearConv" || n.op_type == "QLinearMatMul"));
}

// The quantization of a QuantizeLinear / DequantizeLinear node: scale per element of `axis`
// (one entry: per tensor), zero points alike, and the integer type.
struct QuantSpec {
  std::vector<double> scale;
  std::vector<int64_t> zp;
  int64_t axis = 1;
  DType qtype = DType::kU8;
  bool per_tensor() const { return scale.size() == 1; }
  // The int8 zero point of a per-tensor spec (uint8 shifted by -128).
  int32_t Zp8() const { return static_cast<int32_t>(zp[0] - (qtype == DType::kU8 ? 128 : 0)); }
};

Result<QuantSpec> SpecOf(const ir::Graph& graph, const ir::Node& node, DType input_dtype) {
  QuantSpec s;
  const Tensor* scale = node.HasInput(1) ? ConstantValue(graph, node.inputs[1]) : nullptr;
  if (scale == nullptr)
    return Unsupported(
        "{}: the scale is not a constant (pre-quantized graphs need constant "
        "scales and zero points)",
        node.Describe());
  s.scale = scale->ToDoubles();
  if (s.scale.empty() || scale->rank() > 1)
    return InvalidArgument("{}: the scale has shape {} (a scalar or a 1-D tensor)", node.Describe(),
                           ShapeToString(scale->shape()));
  for (double v : s.scale)
    if (!(v > 0) || !std::isfinite(v))
      return InvalidArgument("{}: scale {} is not positive and finite", node.Describe(), v);
  s.qtype = node.op_type == "QuantizeLinear" ? DType::kU8 : input_dtype;
  if (node.HasInput(2)) {
    const Tensor* zp = ConstantValue(graph, node.inputs[2]);
    if (zp == nullptr) return Unsupported("{}: the zero point is not a constant", node.Describe());
    s.zp = zp->ToInt64s();
    s.qtype = zp->dtype();
    if (s.zp.size() == 1) s.zp.assign(s.scale.size(), s.zp[0]);  // one zero point for all
    if (s.zp.size() != s.scale.size())
      return InvalidArgument("{}: {} zero points for {} scales", node.Describe(), s.zp.size(),
                             s.scale.size());
  } else {
    s.zp.assign(s.scale.size(), 0);
  }
  if (s.qtype != DType::kU8 && s.qtype != DType::kI8 &&
      !(s.qtype == DType::kI32 && node.op_type == "DequantizeLinear"))
    return Unsupported("{}: {} quantization (int8 and uint8 only; int32 for a bias)",
                       node.Describe(), DTypeName(s.qtype));
  AORTA_ASSIGN_OR_RETURN(s.axis, node.GetInt("axis", 1));
  return s;
}

// The channel of flat element i along `axis` of `shape` (0 for a per-tensor spec).
size_t ChannelOf(const QuantSpec& s, const Shape& shape, size_t i) {
  if (s.per_tensor()) return 0;
  const int64_t axis = s.axis < 0 ? s.axis + static_cast<int64_t>(shape.size()) : s.axis;
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  return static_cast<size_t>((static_cast<int64_t>(i) / inner) % shape[static_cast<size_t>(axis)]);
}

Status CheckAxis(const ir::Node& node, const QuantSpec& s, const Shape& shape) {
  if (s.per_tensor()) return Status::Ok();
  const auto rank = static_cast<int64_t>(shape.size());
  const int64_t axis = s.axis < 0 ? s.axis + rank : s.axis;
  if (axis < 0 || axis >= rank ||
      shape[static_cast<size_t>(axis)] != static_cast<int64_t>(s.scale.size()))
    return InvalidArgument("{}: {} scales along axis {} of a {} tensor", node.Describe(),
                           s.scale.size(), s.axis, ShapeToString(shape));
  return Status::Ok();
}

class Folder {
 public:
  explicit Folder(ir::Graph& graph) : g_(graph) {}

  Status Run() {
    if (std::none_of(g_.nodes.begin(), g_.nodes.end(), IsQdqOp)) return Status::Ok();
    ConstantNodesToInitializers();
    AORTA_RETURN_IF_ERROR(ExpandQLinear());
    WrapMovesOfQuantized();
    AORTA_RETURN_IF_ERROR(FoldConstantQuantize());
    AORTA_RETURN_IF_ERROR(FoldConstantDequantize());
    AORTA_RETURN_IF_ERROR(FoldPairs());
    for (const ir::Node& n : g_.nodes) {
      if (!IsQdqOp(n)) continue;
      if (n.op_type == "DequantizeLinear")
        return Unsupported(
            "{}: dequantizes '{}', which no QuantizeLinear of the graph produces (a quantized "
            "graph input or an integer op's result; the chip's model interface is f32)",
            n.Describe(), n.inputs[0]);
      return Unsupported(
          "{}: its quantized result '{}' is not read by DequantizeLinear nodes only (a quantized "
          "graph output or an integer op the compiler does not map)",
          n.Describe(), n.outputs[0]);
    }
    Annotate();
    return Status::Ok();
  }

 private:
  // Constant nodes (a 'value' tensor) read by quantization nodes become initializers.
  void ConstantNodesToInitializers() {
    std::set<std::string> read;
    for (const ir::Node& n : g_.nodes)
      if (IsQdqOp(n)) read.insert(n.inputs.begin(), n.inputs.end());
    std::vector<bool> erase(g_.nodes.size(), false);
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const ir::Node& n = g_.nodes[i];
      if (n.op_type != "Constant" || !n.domain.empty() || n.outputs.size() != 1 ||
          !read.count(n.outputs[0]))
        continue;
      Result<Tensor> t = n.GetTensor("value");
      if (!t.ok()) continue;
      g_.AddInitializer(n.outputs[0], *t);
      erase[i] = true;
    }
    EraseNodes(g_, erase);
  }

  std::string NewValue(const std::string& base) {
    std::string v = FreshValueName(g_, base);
    g_.values[v].name = v;  // reserve the name (InferShapes fills in the rest)
    return v;
  }

  // QLinearConv / QLinearMatMul -> DequantizeLinear, the float op, QuantizeLinear.
  Status ExpandQLinear() {
    std::vector<ir::Node> out;
    for (ir::Node& n : g_.nodes) {
      if (IsContribQLinear(n)) {
        AORTA_RETURN_IF_ERROR(ExpandContrib(n, out));
        continue;
      }
      if (!n.domain.empty() || (n.op_type != "QLinearConv" && n.op_type != "QLinearMatMul")) {
        out.push_back(std::move(n));
        continue;
      }
      const bool conv = n.op_type == "QLinearConv";
      if (n.inputs.size() < 8 || !n.HasInput(0) || !n.HasInput(3))
        return InvalidArgument(
            "{}: needs 8 inputs (x, scale, zero point, w, scale, zero point, "
            "y scale, y zero point)",
            n.Describe());
      auto dq = [&](const std::string& v, const std::string& s, const std::string& z, int64_t axis,
                    const std::string& tag) {
        const std::string o = NewValue(n.name + "_" + tag);
        ir::Node d{FreshNodeName(g_, n.name + "_dq_" + tag),
                   "DequantizeLinear",
                   "",
                   {v, s, z},
                   {o},
                   {{"axis", axis}}};
        out.push_back(std::move(d));
        g_.values[o].name = o;
        return o;
      };
      const std::string x = dq(n.inputs[0], n.inputs[1], n.inputs[2], 1, "x");
      // Weights: per output channel is axis 0 of a conv's [M, C, k...], axis 1 of [K, N].
      const std::string w = dq(n.inputs[3], n.inputs[4], n.inputs[5], conv ? 0 : 1, "w");
      std::vector<std::string> ins = {x, w};
      if (conv && n.HasInput(8)) {
        // The int32 bias at scale x_scale * w_scale (per output channel), zero point 0.
        const Tensor* xs = ConstantValue(g_, n.inputs[1]);
        const Tensor* ws = ConstantValue(g_, n.inputs[4]);
        if (xs == nullptr || ws == nullptr)
          return Unsupported("{}: the scales are not constants", n.Describe());
        std::vector<float> bs;
        for (double v : ws->ToDoubles())
          bs.push_back(static_cast<float>(xs->ToDoubles().at(0)) * static_cast<float>(v));
        const std::string bs_name = FreshValueName(g_, n.name + "_bias_scale");
        g_.AddInitializer(bs_name, bs.size() == 1 ? Tensor::Scalar<float>(bs[0])
                                                  : Tensor::FromVector<float>(
                                                        {static_cast<int64_t>(bs.size())}, bs));
        ins.push_back(dq(n.inputs[8], bs_name, "", 0, "b"));
      }
      const std::string y = NewValue(n.name + "_y");
      std::map<std::string, ir::Attribute> attrs;
      if (conv) attrs = n.attributes;
      out.push_back(ir::Node{n.name, conv ? "Conv" : "MatMul", "", ins, {y}, attrs});
      out.push_back(ir::Node{FreshNodeName(g_, n.name + "_q"),
                             "QuantizeLinear",
                             "",
                             {y, n.inputs[6], n.inputs[7]},
                             {n.outputs.at(0)},
                             {}});
    }
    g_.nodes = std::move(out);
    return Status::Ok();
  }

  // A contrib QLinear op: its operands dequantized, the float op (the node's name and attributes
  // but channels_last), its result quantized.
  Status ExpandContrib(const ir::Node& n, std::vector<ir::Node>& out) {
    const bool binary = ContribBinary().count(n.op_type) != 0;
    const size_t operands = binary ? 2 : 1;
    if (n.inputs.size() < 3 * operands + 1 || !n.HasInput(0) || (binary && !n.HasInput(3)))
      return InvalidArgument("{}: needs {} inputs", n.Describe(), 3 * operands + 2);
    AORTA_ASSIGN_OR_RETURN(int64_t channels_last, n.GetInt("channels_last", 0));
    if (channels_last != 0)
      return Unsupported("{}: channels_last = 1 (NHWC contrib ops are not mapped)", n.Describe());
    auto in = [&](size_t i) { return i < n.inputs.size() ? n.inputs[i] : std::string(); };
    std::vector<std::string> ins;
    for (size_t k = 0; k < operands; ++k) {
      const std::string o = NewValue(fmt::format("{}_in{}", n.name, k));
      out.push_back(ir::Node{FreshNodeName(g_, fmt::format("{}_dq{}", n.name, k)),
                             "DequantizeLinear",
                             "",
                             {in(3 * k), in(3 * k + 1), in(3 * k + 2)},
                             {o},
                             {}});
      ins.push_back(o);
    }
    std::map<std::string, ir::Attribute> attrs = n.attributes;
    attrs.erase("channels_last");
    const std::string y = NewValue(n.name + "_y");
    out.push_back(ir::Node{
        n.name, (binary ? ContribBinary() : ContribUnary()).at(n.op_type), "", ins, {y}, attrs});
    out.push_back(ir::Node{FreshNodeName(g_, n.name + "_q"),
                           "QuantizeLinear",
                           "",
                           {y, in(3 * operands), in(3 * operands + 1)},
                           {n.outputs.at(0)},
                           {}});
    return Status::Ok();
  }

  // An op that only moves quantized values (layout ops, max pooling) reading a QuantizeLinear's
  // integer result runs on the float values between a DequantizeLinear and a QuantizeLinear of
  // the same parameters: L(q) -> Q(L(DQ(q))), which then folds like any pair.
  void WrapMovesOfQuantized() {
    static const std::set<std::string> moves = {"Reshape",   "Flatten",  "Squeeze", "Unsqueeze",
                                                "Transpose", "Identity", "MaxPool"};
    std::vector<ir::Node> nodes = std::move(g_.nodes);
    g_.nodes.clear();
    std::map<std::string, std::pair<std::string, std::string>> params;  // value -> (scale, zp)
    for (ir::Node& n : nodes) {
      if (n.domain.empty() && n.op_type == "QuantizeLinear" && n.inputs.size() >= 2)
        params[n.outputs.at(0)] = {n.inputs[1], n.inputs.size() > 2 ? n.inputs[2] : ""};
      auto it = n.inputs.empty() ? params.end() : params.find(n.inputs[0]);
      if (!n.domain.empty() || !moves.count(n.op_type) || it == params.end() ||
          n.outputs.size() != 1) {
        g_.nodes.push_back(std::move(n));
        continue;
      }
      const auto [scale, zp] = it->second;
      const std::string f_in = NewValue(n.inputs[0] + "_f");
      const std::string f_out = NewValue(n.outputs[0] + "_f");
      const std::string q_out = n.outputs[0];
      g_.nodes.push_back(ir::Node{FreshNodeName(g_, n.name + "_dq"),
                                  "DequantizeLinear",
                                  "",
                                  {n.inputs[0], scale, zp},
                                  {f_in},
                                  {}});
      n.inputs[0] = f_in;
      n.outputs[0] = f_out;
      const std::string name = n.name;
      g_.nodes.push_back(std::move(n));
      g_.nodes.push_back(ir::Node{
          FreshNodeName(g_, name + "_q"), "QuantizeLinear", "", {f_out, scale, zp}, {q_out}, {}});
      g_.values.erase(q_out);
      params[q_out] = {scale, zp};
    }
  }

  // QuantizeLinear of a float constant: the integer constant.
  Status FoldConstantQuantize() {
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const ir::Node& n = g_.nodes[i];
      if (n.op_type != "QuantizeLinear" || !n.domain.empty()) continue;
      const Tensor* x = ConstantValue(g_, n.inputs[0]);
      if (x == nullptr) continue;
      AORTA_ASSIGN_OR_RETURN(QuantSpec s, SpecOf(g_, n, DType::kF32));
      AORTA_RETURN_IF_ERROR(CheckAxis(n, s, x->shape()));
      const std::vector<double> v = x->ToDoubles();
      const double lo = s.qtype == DType::kU8 ? 0 : -128, hi = s.qtype == DType::kU8 ? 255 : 127;
      std::vector<int32_t> q(v.size());
      for (size_t k = 0; k < v.size(); ++k) {
        const size_t c = ChannelOf(s, x->shape(), k);
        q[k] = static_cast<int32_t>(
            std::clamp(std::nearbyint(v[k] / s.scale[c]) + static_cast<double>(s.zp[c]), lo, hi));
      }
      Tensor t(s.qtype, x->shape());
      for (size_t k = 0; k < q.size(); ++k) {
        if (s.qtype == DType::kU8)
          t.data<uint8_t>()[k] = static_cast<uint8_t>(q[k]);
        else
          t.data<int8_t>()[k] = static_cast<int8_t>(q[k]);
      }
      ReplaceByConstant(i, std::move(t));
    }
    EraseDetached(g_);
    return Status::Ok();
  }

  // Node i's output becomes the constant `t`; the node is detached (EraseDetached drops it).
  void ReplaceByConstant(size_t i, Tensor t) {
    ir::Node& n = g_.nodes[i];
    g_.values.erase(n.outputs[0]);
    g_.AddInitializer(n.outputs[0], std::move(t));
    n.inputs.clear();
    n.outputs.clear();
  }

  // DequantizeLinear of an integer constant: the float constant, with the scales (weights) or the
  // exact integers (bias) kept on the matrix ops that read it.
  Status FoldConstantDequantize() {
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const ir::Node& n = g_.nodes[i];
      if (n.op_type != "DequantizeLinear" || !n.domain.empty()) continue;
      const Tensor* x = ConstantValue(g_, n.inputs[0]);
      if (x == nullptr) continue;
      AORTA_ASSIGN_OR_RETURN(QuantSpec s, SpecOf(g_, n, x->dtype()));
      if (x->dtype() != s.qtype)
        return InvalidArgument("{}: input '{}' is {} but the zero point is {}", n.Describe(),
                               n.inputs[0], DTypeName(x->dtype()), DTypeName(s.qtype));
      AORTA_RETURN_IF_ERROR(CheckAxis(n, s, x->shape()));
      const std::vector<int64_t> q = x->ToInt64s();
      std::vector<float> f(q.size());
      bool fits_int8 = true;
      for (size_t k = 0; k < q.size(); ++k) {
        const size_t c = ChannelOf(s, x->shape(), k);
        const int64_t d = q[k] - s.zp[c];
        fits_int8 = fits_int8 && d >= -128 && d <= 127;
        f[k] = static_cast<float>(static_cast<double>(d) * s.scale[c]);
      }
      const std::string out = n.outputs[0];
      for (size_t r = 0; r < g_.nodes.size(); ++r) {
        ir::Node& reader = g_.nodes[r];
        if (!reader.domain.empty()) continue;
        const bool matrix =
            reader.op_type == "Conv" || reader.op_type == "Gemm" || reader.op_type == "MatMul";
        if (!matrix) continue;
        // Gemm's alpha / beta scale the weights / bias: the graph's integers hold only at 1.
        AORTA_ASSIGN_OR_RETURN(float alpha, reader.GetFloat("alpha", 1.0f));
        AORTA_ASSIGN_OR_RETURN(float beta, reader.GetFloat("beta", 1.0f));
        if (alpha != 1.0f || beta != 1.0f) continue;
        if (reader.HasInput(1) && reader.inputs[1] == out && fits_int8 && x->rank() >= 1) {
          AORTA_ASSIGN_OR_RETURN(int64_t trans_b, reader.GetInt("transB", 0));
          const int64_t out_axis = reader.op_type == "Conv" ? 0 : (trans_b != 0 ? 0 : 1);
          const int64_t axis = s.axis < 0 ? s.axis + x->rank() : s.axis;
          if (s.per_tensor() || axis == out_axis) {
            const int64_t oc = x->dim(static_cast<int>(out_axis));
            std::vector<float> scales;
            for (int64_t c = 0; c < oc; ++c)
              scales.push_back(
                  static_cast<float>(s.scale[s.per_tensor() ? 0 : static_cast<size_t>(c)]));
            reader.attributes[kQWeight] = scales;
          }
        }
        if (reader.HasInput(2) && reader.inputs[2] == out && x->dtype() == DType::kI32 &&
            x->rank() == 1 &&
            std::all_of(s.zp.begin(), s.zp.end(), [](int64_t z) { return z == 0; })) {
          reader.attributes[kQBias] = q;
          std::vector<float> bs;
          for (size_t c = 0; c < q.size(); ++c)
            bs.push_back(static_cast<float>(s.scale[s.per_tensor() ? 0 : c]));
          reader.attributes[kQBiasScale] = bs;
        }
      }
      ReplaceByConstant(i, Tensor::FromVector<float>(x->shape(), f));
    }
    EraseDetached(g_);
    return Status::Ok();
  }

  // x -> QuantizeLinear -> DequantizeLinear(s) -> readers: the readers read x, whose int8
  // parameters are the pair's.
  Status FoldPairs() {
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const ir::Node q = g_.nodes[i];
      if (q.op_type != "QuantizeLinear" || !q.domain.empty()) continue;
      AORTA_ASSIGN_OR_RETURN(QuantSpec s, SpecOf(g_, q, DType::kF32));
      if (!s.per_tensor())
        return Unsupported("{}: per-axis quantization of an activation (per tensor only)",
                           q.Describe());
      const std::string& y = q.outputs.at(0);
      if (IsGraphOutput(g_, y)) continue;  // reported as left over
      std::vector<size_t> dqs;
      bool only_dq = true;
      for (size_t r = 0; r < g_.nodes.size(); ++r) {
        const ir::Node& d = g_.nodes[r];
        if (std::find(d.inputs.begin(), d.inputs.end(), y) == d.inputs.end()) continue;
        if (d.op_type != "DequantizeLinear" || d.inputs[0] != y) {
          only_dq = false;
          break;
        }
        AORTA_ASSIGN_OR_RETURN(QuantSpec ds, SpecOf(g_, d, s.qtype));
        if (!ds.per_tensor() || static_cast<float>(ds.scale[0]) != static_cast<float>(s.scale[0]) ||
            ds.zp[0] != s.zp[0] || ds.qtype != s.qtype)
          return Unsupported(
              "{} dequantizes '{}' with other parameters than {} quantized it (scale {} zero "
              "point {} vs {} {})",
              d.Describe(), y, q.Describe(), ds.scale[0], ds.zp[0], s.scale[0], s.zp[0]);
        dqs.push_back(r);
      }
      if (!only_dq || dqs.empty()) continue;  // reported as left over
      std::string x = q.inputs[0];
      const FixedQParams p{static_cast<double>(static_cast<float>(s.scale[0])), s.Zp8()};
      for (size_t r : dqs) {
        const std::string d_out = g_.nodes[r].outputs.at(0);
        g_.nodes[r].inputs.clear();
        g_.nodes[r].outputs.clear();
        if (IsGraphOutput(g_, d_out)) {
          if (!ForwardValue(g_, x, d_out))
            return Unsupported("{}: graph input '{}' goes straight to graph output '{}'",
                               q.Describe(), x, d_out);
          if (auto it = fixed_.find(x); it != fixed_.end()) {  // x was renamed to d_out
            fixed_[d_out] = it->second;
            fixed_.erase(it);
          }
          x = d_out;
        } else {
          ReplaceUses(g_, d_out, x);
          g_.values.erase(d_out);
        }
      }
      auto [it, inserted] = fixed_.emplace(x, p);
      if (!inserted && !(it->second == p))
        return Unsupported("'{}' is quantized twice with different parameters ({})", x,
                           q.Describe());
      g_.nodes[i].inputs.clear();
      g_.nodes[i].outputs.clear();
      g_.values.erase(y);
    }
    EraseDetached(g_);
    return Status::Ok();
  }

  // The fixed parameters as attributes of every node writing or reading the value.
  void Annotate() {
    for (const auto& [v, p] : fixed_) {
      const std::vector<float> attr = {static_cast<float>(p.scale),
                                       static_cast<float>(p.zero_point)};
      for (ir::Node& n : g_.nodes) {
        const bool touches = std::find(n.inputs.begin(), n.inputs.end(), v) != n.inputs.end() ||
                             std::find(n.outputs.begin(), n.outputs.end(), v) != n.outputs.end();
        if (touches) n.attributes[kQActPrefix + v] = attr;
      }
    }
  }

  ir::Graph& g_;
  std::map<std::string, FixedQParams> fixed_;
};

}  // namespace

Status FoldQdq::Run(ir::Graph& graph) { return Folder(graph).Run(); }

Result<std::map<std::string, FixedQParams>> FixedActivationParams(const ir::Graph& graph) {
  std::map<std::string, FixedQParams> out;
  std::map<std::string, std::string> where;
  const std::string prefix = kQActPrefix;
  for (const ir::Node& n : graph.nodes) {
    for (const auto& [key, attr] : n.attributes) {
      if (key.rfind(prefix, 0) != 0) continue;
      const auto* v = std::get_if<std::vector<float>>(&attr);
      if (v == nullptr || v->size() != 2)
        return InvalidArgument("{}: attribute '{}' is not {{scale, zero point}}", n.Describe(),
                               key);
      const std::string value = key.substr(prefix.size());
      const FixedQParams p{static_cast<double>((*v)[0]), static_cast<int32_t>((*v)[1])};
      auto [it, inserted] = out.emplace(value, p);
      if (!inserted && !(it->second == p))
        return InvalidArgument("'{}' has two quantizations: {} and {}", value, where[value],
                               n.Describe());
      where.emplace(value, n.Describe());
    }
  }
  return out;
}

bool HasFixedParams(const ir::Graph& graph, const std::string& value) {
  const std::string key = kQActPrefix + value;
  return std::any_of(graph.nodes.begin(), graph.nodes.end(),
                     [&](const ir::Node& n) { return n.HasAttribute(key); });
}

void CopyQuantAnnotations(const ir::Node& from, ir::Node& to) {
  const std::string prefix = kQActPrefix;
  for (const auto& [key, attr] : from.attributes)
    if (key.rfind(prefix, 0) == 0) to.attributes[key] = attr;
}

}  // namespace aorta::passes
