#include "compiler/passes/fused_ops.h"

#include <limits>

#include "compiler/passes/graph_edit.h"

namespace aorta::passes {
namespace {

constexpr std::string_view kFusedPrefix = "aorta.";
constexpr const char* kActivationAttributes[] = {"activation", "activation_alpha",
                                                 "activation_beta", "clip_min", "clip_max"};

// A Clip bound from an optional constant scalar input: nullopt if it is not a constant.
Result<std::optional<float>> ClipBoundInput(const ir::Graph& graph, const ir::Node& node,
                                            size_t i, float fallback) {
  if (!node.HasInput(i)) return std::optional<float>(fallback);
  const Tensor* t = ConstantValue(graph, node.inputs[i]);
  if (t == nullptr) return std::optional<float>();
  if (t->element_count() != 1) {
    return InvalidArgument("{}: bound input {} ('{}') must be a scalar, got {}", node.Describe(),
                           i, node.inputs[i], ShapeToString(t->shape()));
  }
  return std::optional<float>(static_cast<float>(t->ToDoubles()[0]));
}

}  // namespace

bool IsFusableBase(const ir::Node& node) {
  return node.domain.empty() &&
         (node.op_type == "Conv" || node.op_type == "ConvTranspose" || node.op_type == "Gemm");
}

bool IsFusedOp(const ir::Node& node) {
  return node.domain == kAortaDomain && node.op_type.starts_with(kFusedPrefix);
}

std::string FusedOpType(std::string_view base) {
  return std::string(kFusedPrefix) + std::string(base);
}

std::string BaseOpType(const ir::Node& node) {
  return IsFusedOp(node) ? node.op_type.substr(kFusedPrefix.size()) : node.op_type;
}

void MakeFused(ir::Node& node) {
  if (IsFusedOp(node)) return;
  node.op_type = FusedOpType(node.op_type);
  node.domain = kAortaDomain;
}

Result<std::optional<Activation>> MatchActivation(const ir::Graph& graph, const ir::Node& node) {
  using Found = std::optional<Activation>;
  if (!node.domain.empty() || !node.HasInput(0)) return Found();
  const std::string& op = node.op_type;
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "HardSwish") {
    return Found(Activation{op});
  }
  if (op == "LeakyRelu") {
    AORTA_ASSIGN_OR_RETURN(float alpha, node.GetFloat("alpha", 0.01f));
    return Found(Activation{op, alpha});
  }
  if (op == "HardSigmoid") {
    AORTA_ASSIGN_OR_RETURN(float alpha, node.GetFloat("alpha", 0.2f));
    AORTA_ASSIGN_OR_RETURN(float beta, node.GetFloat("beta", 0.5f));
    return Found(Activation{op, alpha, beta});
  }
  if (op != "Clip") return Found();
  constexpr float kMax = std::numeric_limits<float>::max();
  Activation clip{op};
  if (graph.opset() < 11) {
    AORTA_ASSIGN_OR_RETURN(clip.clip_min, node.GetFloat("min", -kMax));
    AORTA_ASSIGN_OR_RETURN(clip.clip_max, node.GetFloat("max", kMax));
    return Found(clip);
  }
  AORTA_ASSIGN_OR_RETURN(std::optional<float> lo, ClipBoundInput(graph, node, 1, -kMax));
  AORTA_ASSIGN_OR_RETURN(std::optional<float> hi, ClipBoundInput(graph, node, 2, kMax));
  if (!lo || !hi) return Found();
  clip.clip_min = *lo;
  clip.clip_max = *hi;
  return Found(clip);
}

Result<std::optional<Activation>> FusedActivation(const ir::Node& fused) {
  if (!fused.HasAttribute("activation")) return std::optional<Activation>();
  Activation a;
  AORTA_ASSIGN_OR_RETURN(a.op, fused.GetString("activation", ""));
  AORTA_ASSIGN_OR_RETURN(a.alpha, fused.GetFloat("activation_alpha", 0.0f));
  AORTA_ASSIGN_OR_RETURN(a.beta, fused.GetFloat("activation_beta", 0.0f));
  AORTA_ASSIGN_OR_RETURN(a.clip_min, fused.GetFloat("clip_min", 0.0f));
  AORTA_ASSIGN_OR_RETURN(a.clip_max, fused.GetFloat("clip_max", 0.0f));
  for (const char* known :
       {"Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh"}) {
    if (a.op == known) return std::optional<Activation>(a);
  }
  return InvalidArgument("{}: unknown activation '{}'", fused.Describe(), a.op);
}

void SetFusedActivation(ir::Node& fused, const Activation& a) {
  for (const char* key : kActivationAttributes) fused.attributes.erase(key);
  fused.attributes["activation"] = a.op;
  if (a.op == "LeakyRelu" || a.op == "HardSigmoid") fused.attributes["activation_alpha"] = a.alpha;
  if (a.op == "HardSigmoid") fused.attributes["activation_beta"] = a.beta;
  if (a.op == "Clip") {
    fused.attributes["clip_min"] = a.clip_min;
    fused.attributes["clip_max"] = a.clip_max;
  }
}

namespace {

// The standard ONNX node computing `a` from `in` into `out` (Clip bounds become initializers
// from opset 11 on).
ir::Node ActivationNode(ir::Graph& graph, const Activation& a, const std::string& node_name,
                        const std::string& in, const std::string& out) {
  ir::Node n{node_name, a.op, "", {in}, {out}, {}};
  if (a.op == "LeakyRelu") n.attributes["alpha"] = a.alpha;
  if (a.op == "HardSigmoid") {
    n.attributes["alpha"] = a.alpha;
    n.attributes["beta"] = a.beta;
  }
  if (a.op == "Clip") {
    if (graph.opset() < 11) {
      n.attributes["min"] = a.clip_min;
      n.attributes["max"] = a.clip_max;
    } else {
      const std::string lo = FreshValueName(graph, node_name + "_min");
      graph.AddInitializer(lo, Tensor::Scalar<float>(a.clip_min));
      const std::string hi = FreshValueName(graph, node_name + "_max");
      graph.AddInitializer(hi, Tensor::Scalar<float>(a.clip_max));
      n.inputs = {in, lo, hi};
    }
  }
  return n;
}

}  // namespace

Result<ir::Graph> ExpandFusedOps(ir::Graph graph) {
  std::vector<ir::Node> expanded;
  // graph.nodes keeps the original nodes until the end so that fresh names avoid them; new
  // values are recorded in graph.values as they are made.
  std::vector<ir::Node> nodes = graph.nodes;
  for (ir::Node& node : nodes) {
    if (!IsFusedOp(node)) {
      expanded.push_back(std::move(node));
      continue;
    }
    AORTA_ASSIGN_OR_RETURN(std::optional<Activation> activation, FusedActivation(node));
    const bool residual = node.HasInput(kResidualInput);
    ir::Node base = node;
    base.op_type = BaseOpType(node);
    base.domain.clear();
    for (const char* key : kActivationAttributes) base.attributes.erase(key);
    if (base.inputs.size() > kResidualInput) base.inputs.resize(kResidualInput);
    const std::string out = node.outputs.at(0);
    const ir::ValueInfo* info = graph.FindValue(out);
    const ir::ValueInfo out_info = info ? *info : ir::ValueInfo{};
    auto intermediate = [&](const std::string& suffix) {
      std::string name = FreshValueName(graph, out + suffix);
      graph.values[name] = out_info;
      graph.values[name].name = name;
      return name;
    };
    std::string current = out;
    if (residual || activation) current = intermediate("_base");
    base.outputs = {current};
    expanded.push_back(std::move(base));
    if (residual) {
      const std::string sum = activation ? intermediate("_sum") : out;
      expanded.push_back(ir::Node{FreshNodeName(graph, node.name + "_residual"), "Add", "",
                                  {current, node.inputs[kResidualInput]}, {sum}, {}});
      current = sum;
    }
    if (activation) {
      expanded.push_back(ActivationNode(graph, *activation, FreshNodeName(graph, node.name + "_act"),
                                        current, out));
    }
  }
  graph.nodes = std::move(expanded);
  return graph;
}

}  // namespace aorta::passes
