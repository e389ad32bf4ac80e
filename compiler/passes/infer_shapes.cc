#include "compiler/passes/infer_shapes.h"

#include <fmt/ranges.h>

#include <cmath>
#include <set>

#include "compiler/onnx_tensor.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"
#include "compiler/reference/kernel.h"

namespace aorta::passes {
namespace {

// Constant computations with at most this many input elements are evaluated during inference.
constexpr int64_t kMaxPropagatedElements = 1 << 16;

struct Operand {
  DType dtype;
  Shape shape;
  const Tensor* value;  // the contents when known (a constant), else nullptr
};

struct Inferred {
  DType dtype;
  Shape shape;
  std::optional<Tensor> value;
};
using Outputs = std::vector<Inferred>;

// What a shape rule sees of its node. `kernel` gives the reference's helpers (axes, broadcasting,
// window geometry) with the same node-prefixed messages as the kernels.
struct ShapeContext {
  const ir::Graph& graph;
  const ir::Node& node;
  int64_t opset;
  std::vector<std::optional<Operand>> in;
  reference::KernelContext kernel;

  bool Has(size_t i) const { return i < in.size() && in[i].has_value(); }
  const Operand& In(size_t i) const { return *in[i]; }
  const Shape& S(size_t i) const { return in[i]->shape; }
  Status Require(size_t count) const {
    for (size_t i = 0; i < count; ++i) {
      if (!Has(i)) return Invalid("missing required input {}", i);
    }
    return Status::Ok();
  }
  template <typename... Args>
  Status Invalid(fmt::format_string<Args...> f, Args&&... args) const {
    return kernel.Invalid(f, std::forward<Args>(args)...);
  }
  // Input i's contents, which the output shape depends on.
  Result<const Tensor*> Constant(size_t i, const char* what) const {
    if (!Has(i) || In(i).value == nullptr) {
      return Unsupported(
          "{}: input {} ('{}', the {}) must be a constant: the output shape depends on it",
          node.Describe(), i, i < node.inputs.size() ? node.inputs[i] : "", what);
    }
    return In(i).value;
  }
};

using ShapeRule = Result<Outputs> (*)(ShapeContext&);

Shape Spatial(const Shape& s) { return Shape(s.begin() + 2, s.end()); }

Outputs One(DType dtype, Shape shape) { return {Inferred{dtype, std::move(shape), {}}}; }

// ---- element-wise -------------------------------------------------------------------------------

Result<Outputs> SameAsInput(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(1));
  Outputs out = One(ctx.In(0).dtype, ctx.S(0));
  // Dropout's optional mask.
  if (ctx.node.outputs.size() > 1) out.push_back(Inferred{DType::kBool, ctx.S(0), {}});
  return out;
}

Result<Outputs> Broadcast(ShapeContext& ctx) {
  if (ctx.in.empty()) return ctx.Invalid("needs at least one input");
  AORTA_RETURN_IF_ERROR(ctx.Require(ctx.in.size()));
  Shape shape = ctx.S(0);
  for (size_t i = 1; i < ctx.in.size(); ++i) {
    if (ctx.In(i).dtype != ctx.In(0).dtype) {
      return ctx.Invalid("input types differ: {} and {}", DTypeName(ctx.In(0).dtype),
                         DTypeName(ctx.In(i).dtype));
    }
    AORTA_ASSIGN_OR_RETURN(shape, reference::BroadcastShapes(ctx.kernel, shape, ctx.S(i)));
  }
  return One(ctx.In(0).dtype, shape);
}

Result<Outputs> Cast(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(1));
  AORTA_ASSIGN_OR_RETURN(int64_t to, ctx.node.GetInt("to"));
  AORTA_ASSIGN_OR_RETURN(
      DType dtype, onnx_convert::DTypeFromOnnx(static_cast<int32_t>(to), ctx.node.Describe()));
  return One(dtype, ctx.S(0));
}

// ---- matrix ops ---------------------------------------------------------------------------------

// A fused node's residual (input 3) must have the output's shape.
Status CheckResidual(const ShapeContext& ctx, const Shape& out) {
  if (ctx.Has(kResidualInput) && ctx.S(kResidualInput) != out) {
    return ctx.Invalid("residual input '{}' has shape {}, the output {}",
                       ctx.node.inputs[kResidualInput], ShapeToString(ctx.S(kResidualInput)),
                       ShapeToString(out));
  }
  return Status::Ok();
}

Status CheckBias(const ShapeContext& ctx, int64_t channels) {
  if (ctx.Has(2) && ctx.S(2) != Shape{channels}) {
    return ctx.Invalid("bias shape {} should be {}", ShapeToString(ctx.S(2)), channels);
  }
  return Status::Ok();
}

Status CheckConvRanks(const ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(2));
  const size_t rank = ctx.S(0).size();
  if (rank < 3 || rank > 5 || ctx.S(1).size() != rank) {
    return ctx.Invalid("expects X of rank 3-5 and W of the same rank, got X {} and W {}",
                       ShapeToString(ctx.S(0)), ShapeToString(ctx.S(1)));
  }
  return Status::Ok();
}

Result<Outputs> Conv(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckConvRanks(ctx));
  const Shape& x = ctx.S(0);
  const Shape& w = ctx.S(1);
  AORTA_ASSIGN_OR_RETURN(int64_t group, ctx.node.GetInt("group", 1));
  if (group <= 0 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1]) {
    return ctx.Invalid("group {} does not fit X channels {} and W {}", group, x[1],
                       ShapeToString(w));
  }
  AORTA_RETURN_IF_ERROR(CheckBias(ctx, w[0]));
  const Shape kernel = Spatial(w);
  AORTA_ASSIGN_OR_RETURN(Shape kernel_attr, ctx.node.GetInts("kernel_shape", kernel));
  if (kernel_attr != kernel) {
    return ctx.Invalid("kernel_shape {} disagrees with W {}", ShapeToString(kernel_attr),
                       ShapeToString(w));
  }
  AORTA_ASSIGN_OR_RETURN(reference::Window win,
                         reference::ResolveWindow(ctx.kernel, Spatial(x), kernel, false));
  Shape out = {x[0], w[0]};
  out.insert(out.end(), win.output.begin(), win.output.end());
  AORTA_RETURN_IF_ERROR(CheckResidual(ctx, out));
  return One(DType::kF32, out);
}

Result<Outputs> ConvTranspose(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckConvRanks(ctx));
  const Shape& x = ctx.S(0);
  const Shape& w = ctx.S(1);
  AORTA_ASSIGN_OR_RETURN(const reference::DeconvGeometry geo,
                         reference::ResolveDeconv(ctx.kernel, x, w));
  AORTA_RETURN_IF_ERROR(CheckBias(ctx, geo.out_channels));
  Shape out = {x[0], geo.out_channels};
  out.insert(out.end(), geo.output.begin(), geo.output.end());
  AORTA_RETURN_IF_ERROR(CheckResidual(ctx, out));
  return One(DType::kF32, out);
}

Result<Outputs> Gemm(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(2));
  const Shape& a = ctx.S(0);
  const Shape& b = ctx.S(1);
  if (a.size() != 2 || b.size() != 2) {
    return ctx.Invalid("A {} and B {} must be 2-D", ShapeToString(a), ShapeToString(b));
  }
  AORTA_ASSIGN_OR_RETURN(int64_t trans_a, ctx.node.GetInt("transA", 0));
  AORTA_ASSIGN_OR_RETURN(int64_t trans_b, ctx.node.GetInt("transB", 0));
  const int64_t m = trans_a ? a[1] : a[0], k = trans_a ? a[0] : a[1];
  const int64_t kb = trans_b ? b[1] : b[0], n = trans_b ? b[0] : b[1];
  if (k != kb) {
    return ctx.Invalid("A {} (transA={}) and B {} (transB={}) do not multiply", ShapeToString(a),
                       trans_a, ShapeToString(b), trans_b);
  }
  if (ctx.Has(2)) {
    AORTA_ASSIGN_OR_RETURN(Shape bc, reference::BroadcastShapes(ctx.kernel, ctx.S(2), {m, n}));
    if (bc != Shape{m, n}) {
      return ctx.Invalid("C {} does not broadcast to {}x{}", ShapeToString(ctx.S(2)), m, n);
    }
  }
  AORTA_RETURN_IF_ERROR(CheckResidual(ctx, {m, n}));
  return One(DType::kF32, {m, n});
}

Result<Outputs> MatMul(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(2));
  Shape a = ctx.S(0), b = ctx.S(1);
  if (a.empty() || b.empty()) return ctx.Invalid("MatMul inputs must not be scalars");
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  if (b[b.size() - 2] != a.back()) {
    return ctx.Invalid("A {} and B {} do not multiply", ShapeToString(ctx.S(0)),
                       ShapeToString(ctx.S(1)));
  }
  AORTA_ASSIGN_OR_RETURN(Shape out,
                         reference::BroadcastShapes(ctx.kernel, Shape(a.begin(), a.end() - 2),
                                                    Shape(b.begin(), b.end() - 2)));
  if (!a_vec) out.push_back(a[a.size() - 2]);
  if (!b_vec) out.push_back(b.back());
  return One(DType::kF32, out);
}

// ---- pooling, normalization, resampling ---------------------------------------------------------

Status CheckPoolRank(const ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(1));
  if (ctx.S(0).size() < 3 || ctx.S(0).size() > 5) {
    return ctx.Invalid("expects input of rank 3-5 (N, C, spatial...), got {}",
                       ShapeToString(ctx.S(0)));
  }
  return Status::Ok();
}

Result<Outputs> Pool(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckPoolRank(ctx));
  AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, ctx.node.GetInt("ceil_mode", 0));
  AORTA_ASSIGN_OR_RETURN(reference::Window win,
                         reference::ResolveWindow(ctx.kernel, Spatial(ctx.S(0)), {}, ceil_mode));
  Shape out = {ctx.S(0)[0], ctx.S(0)[1]};
  out.insert(out.end(), win.output.begin(), win.output.end());
  Outputs result = One(DType::kF32, out);
  if (ctx.node.outputs.size() > 1) result.push_back(Inferred{DType::kI64, out, {}});  // Indices
  return result;
}

Result<Outputs> GlobalPool(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckPoolRank(ctx));
  Shape out = ctx.S(0);
  std::fill(out.begin() + 2, out.end(), 1);
  return One(DType::kF32, out);
}

Result<Outputs> BatchNormalization(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(5));
  const Shape& x = ctx.S(0);
  if (x.size() < 2) return ctx.Invalid("input {} has no channel dim", ShapeToString(x));
  for (size_t i = 1; i <= 4; ++i) {
    if (ElementCount(ctx.S(i)) != x[1]) {
      return ctx.Invalid("input {} ('{}') has shape {}, expected {} channels", i,
                         ctx.node.inputs[i], ShapeToString(ctx.S(i)), x[1]);
    }
  }
  Outputs out = One(DType::kF32, x);
  for (size_t i = 1; i < ctx.node.outputs.size(); ++i) {
    out.push_back(Inferred{DType::kF32, {x[1]}, {}});  // running mean / variance
  }
  return out;
}

Result<Outputs> Resize(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(1));
  const Shape& x = ctx.S(0);
  std::vector<double> scales;
  Shape sizes;
  const bool is_upsample = ctx.node.op_type == "Upsample";
  if (is_upsample && ctx.opset < 9) {
    AORTA_ASSIGN_OR_RETURN(std::vector<float> s, ctx.node.GetFloats("scales"));
    scales.assign(s.begin(), s.end());
  } else if (is_upsample || ctx.opset < 11) {
    AORTA_ASSIGN_OR_RETURN(const Tensor* s, ctx.Constant(1, "scales"));
    scales = s->ToDoubles();
  } else if (ctx.Has(3) && ctx.S(3) != Shape{0}) {
    AORTA_ASSIGN_OR_RETURN(const Tensor* s, ctx.Constant(3, "sizes"));
    sizes = s->ToInt64s();
  } else if (ctx.Has(2) && ctx.S(2) != Shape{0}) {
    AORTA_ASSIGN_OR_RETURN(const Tensor* s, ctx.Constant(2, "scales"));
    scales = s->ToDoubles();
  } else {
    return ctx.Invalid("needs a non-empty 'scales' or 'sizes' input");
  }
  const size_t given = sizes.empty() ? scales.size() : sizes.size();
  if (given != x.size()) {
    return ctx.Invalid("scales/sizes have {} entries for input rank {}", given, x.size());
  }
  Shape out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    out[i] = sizes.empty() ? static_cast<int64_t>(std::floor(static_cast<double>(x[i]) * scales[i]))
                           : sizes[i];
    if (out[i] < 0) return ctx.Invalid("negative output size {} in dim {}", out[i], i);
  }
  return One(ctx.In(0).dtype, out);
}

Result<Outputs> ConstantOfShape(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(1));
  AORTA_ASSIGN_OR_RETURN(const Tensor* shape, ctx.Constant(0, "shape"));
  DType dtype = DType::kF32;
  if (ctx.node.HasAttribute("value")) {
    AORTA_ASSIGN_OR_RETURN(Tensor value, ctx.node.GetTensor("value"));
    dtype = value.dtype();
  }
  return One(dtype, shape->ToInt64s());
}

// ---- layout ops: the reference kernel on a stand-in ---------------------------------------------

// Runs the node's reference kernel with the known inputs and zero-filled stand-ins for the
// others; inputs listed in `shape_args` decide the output shape and must be known. The outputs
// carry their values when every input was known (or `value_from_shapes`: Shape).
Result<Outputs> ByReference(ShapeContext& ctx, std::initializer_list<size_t> shape_args,
                            bool value_from_shapes = false) {
  std::vector<Tensor> stand_ins(ctx.in.size());
  std::vector<const Tensor*> args(ctx.in.size(), nullptr);
  bool all_known = true;
  for (size_t i = 0; i < ctx.in.size(); ++i) {
    if (!ctx.Has(i)) continue;
    if (ctx.In(i).value == nullptr &&
        std::find(shape_args.begin(), shape_args.end(), i) != shape_args.end()) {
      return ctx.Constant(i, "shape argument").status();
    }
    if (ctx.In(i).value != nullptr) {
      args[i] = ctx.In(i).value;
      continue;
    }
    all_known = false;
    stand_ins[i] = Tensor(ctx.In(i).dtype, ctx.S(i));
    args[i] = &stand_ins[i];
  }
  AORTA_ASSIGN_OR_RETURN(std::vector<Tensor> values, EvaluateNode(ctx.graph, ctx.node, args));
  Outputs out;
  for (Tensor& v : values) {
    Inferred inferred{v.dtype(), v.shape(), {}};
    if (all_known || value_from_shapes) inferred.value = std::move(v);
    out.push_back(std::move(inferred));
  }
  return out;
}

Result<Outputs> FirstInputOnly(ShapeContext& ctx) { return ByReference(ctx, {}); }

// If: the branch is run on stand-ins; with a condition known only at run time, both branches,
// which must then agree on every output's type and shape.
Result<Outputs> IfShape(ShapeContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.Require(ctx.in.size()));
  if (ctx.In(0).value != nullptr) return ByReference(ctx, {});
  std::vector<Tensor> stand_ins(ctx.in.size());
  std::vector<const Tensor*> args(ctx.in.size());
  for (size_t i = 1; i < ctx.in.size(); ++i) {
    if (ctx.In(i).value == nullptr) stand_ins[i] = Tensor(ctx.In(i).dtype, ctx.S(i));
    args[i] = ctx.In(i).value != nullptr ? ctx.In(i).value : &stand_ins[i];
  }
  std::vector<Tensor> branch_outputs[2];
  for (int taken = 0; taken < 2; ++taken) {
    stand_ins[0] = Tensor(DType::kBool, {});
    stand_ins[0].data<uint8_t>()[0] = static_cast<uint8_t>(taken);
    args[0] = &stand_ins[0];
    AORTA_ASSIGN_OR_RETURN(branch_outputs[taken], EvaluateNode(ctx.graph, ctx.node, args));
  }
  Outputs out;
  for (size_t i = 0; i < branch_outputs[0].size(); ++i) {
    const Tensor& e = branch_outputs[0][i];
    const Tensor& t = branch_outputs[1][i];
    if (e.dtype() != t.dtype() || e.shape() != t.shape()) {
      return Unsupported("{}: output {} is {} {} in then_branch but {} {} in else_branch",
                         ctx.node.Describe(), i, DTypeName(t.dtype()), ShapeToString(t.shape()),
                         DTypeName(e.dtype()), ShapeToString(e.shape()));
    }
    out.push_back(Inferred{t.dtype(), t.shape(), {}});
  }
  return out;
}
Result<Outputs> ShapeArgsFrom1(ShapeContext& ctx) { return ByReference(ctx, {1, 2, 3, 4}); }
Result<Outputs> PadShape(ShapeContext& ctx) { return ByReference(ctx, {1, 3}); }
Result<Outputs> ShapeOp(ShapeContext& ctx) { return ByReference(ctx, {}, true); }

const std::map<std::string, ShapeRule>& Rules() {
  static const std::map<std::string, ShapeRule> rules = [] {
    std::map<std::string, ShapeRule> r;
    for (const char* op : {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid",
                           "Clip", "Softmax", "Identity", "Dropout", "Sqrt", "Log", "Exp"}) {
      r[op] = SameAsInput;
    }
    // Broadcasting with another result type (bool) or a mixed-type exponent.
    for (const char* op : {"Pow", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal"}) {
      r[op] = FirstInputOnly;
    }
    // Axes as input 1 (later opsets) decide the shape.
    for (const char* op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd"}) {
      r[op] = ShapeArgsFrom1;
    }
    r["If"] = IfShape;
    for (const char* op : {"Add", "Sub", "Mul", "Div", "Max", "Min", "Sum"}) r[op] = Broadcast;
    r["Cast"] = Cast;
    r["Conv"] = r["aorta.Conv"] = Conv;
    r["ConvTranspose"] = r["aorta.ConvTranspose"] = ConvTranspose;
    r["Gemm"] = r["aorta.Gemm"] = Gemm;
    r["MatMul"] = MatMul;
    r["MaxPool"] = r["AveragePool"] = Pool;
    r["GlobalAveragePool"] = r["GlobalMaxPool"] = GlobalPool;
    r["BatchNormalization"] = BatchNormalization;
    r["Resize"] = r["Upsample"] = Resize;
    r["ConstantOfShape"] = ConstantOfShape;
    for (const char* op : {"Flatten", "Transpose", "Concat", "Gather", "Constant"}) {
      r[op] = FirstInputOnly;
    }
    for (const char* op : {"Reshape", "Squeeze", "Unsqueeze", "Slice"}) r[op] = ShapeArgsFrom1;
    r["Pad"] = PadShape;
    r["Shape"] = ShapeOp;
    return r;
  }();
  return rules;
}

// ---- the pass -----------------------------------------------------------------------------------

Status ApplyInputShapes(const std::map<std::string, Shape>& overrides, ir::Graph& graph) {
  for (const auto& [name, shape] : overrides) {
    if (!graph.IsGraphInput(name)) {
      return InvalidArgument("input shape for '{}': the model has no such input (inputs: {})", name,
                             fmt::join(graph.inputs, ", "));
    }
    ir::ValueInfo& info = graph.values[name];
    if (info.dims) {
      bool agree = info.dims->size() == shape.size();
      for (size_t i = 0; agree && i < shape.size(); ++i) {
        agree = !(*info.dims)[i].is_static() || (*info.dims)[i].value == shape[i];
      }
      if (!agree) {
        return InvalidArgument("input shape {} for '{}' disagrees with the model's {}",
                               ShapeToString(shape), name, ir::DimsToString(*info.dims));
      }
    }
    info.name = name;
    info.dims = ir::StaticDims(shape);
  }
  for (const std::string& name : graph.inputs) {
    const ir::ValueInfo* info = graph.FindValue(name);
    if (info == nullptr || !info->dtype) {
      return InvalidArgument("input '{}' has no element type", name);
    }
    if (!info->StaticShape()) {
      return InvalidArgument(
          "input '{}' has dynamic dims {}: give its shape (--input-shape {}=...)", name,
          info->dims ? ir::DimsToString(*info->dims) : "(rank unknown)", name);
    }
  }
  return Status::Ok();
}

// Records an inferred output, refusing a declared value_info it contradicts.
Status Record(ir::Graph& graph, const ir::Node& node, const std::string& value,
              const Inferred& inferred) {
  ir::ValueInfo& info = graph.values[value];
  bool agree = !info.dtype || *info.dtype == inferred.dtype;
  if (info.dims) {
    agree = agree && info.dims->size() == inferred.shape.size();
    for (size_t i = 0; agree && i < inferred.shape.size(); ++i) {
      agree = !(*info.dims)[i].is_static() || (*info.dims)[i].value == inferred.shape[i];
    }
  }
  if (!agree) {
    return InvalidArgument("{}: output '{}' is declared {} {} but infers to {} {}", node.Describe(),
                           value, info.dtype ? DTypeName(*info.dtype) : "?",
                           info.dims ? ir::DimsToString(*info.dims) : "(rank unknown)",
                           DTypeName(inferred.dtype), ShapeToString(inferred.shape));
  }
  SetStaticInfo(graph, value, inferred.dtype, inferred.shape);
  return Status::Ok();
}

}  // namespace

std::vector<std::string> InferShapes::SupportedOps() {
  std::vector<std::string> ops;
  for (const auto& [op, rule] : Rules()) ops.push_back(op);
  return ops;
}

Status InferShapes::Run(ir::Graph& graph) {
  AORTA_RETURN_IF_ERROR(ApplyInputShapes(input_shapes_, graph));
  for (const auto& [name, t] : graph.initializers) SetStaticInfo(graph, name, t.dtype(), t.shape());
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, graph.TopologicalOrder());
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  std::map<std::string, Tensor> computed;  // values known by evaluation
  auto known = [&](const std::string& name) -> const Tensor* {
    auto it = computed.find(name);
    return it != computed.end() ? &it->second : graph.FindInitializer(name);
  };
  for (size_t index : order) {
    const ir::Node& node = graph.nodes[index];
    const bool fused = IsFusedOp(node);
    auto rule = Rules().find(node.op_type);
    if ((!node.domain.empty() && !fused) || rule == Rules().end()) {
      return Unsupported("{}: no shape inference for op type '{}'{}", node.Describe(), node.op_type,
                         node.domain.empty() ? "" : fmt::format(" (domain '{}')", node.domain));
    }
    ShapeContext ctx{graph,
                     node,
                     graph.opset(),
                     {},
                     reference::KernelContext{node, graph.opset(), {}, engine, stream}};
    int64_t input_elements = 0;
    bool all_known = true;
    for (const std::string& in : node.inputs) {
      if (in.empty()) {
        ctx.in.emplace_back();
        continue;
      }
      const ir::ValueInfo* info = graph.FindValue(in);
      std::optional<Shape> shape = info ? info->StaticShape() : std::nullopt;
      if (!shape || !info->dtype) {
        return Internal("{}: input '{}' has no inferred shape", node.Describe(), in);
      }
      ctx.in.push_back(Operand{*info->dtype, *shape, known(in)});
      input_elements += ElementCount(*shape);
      all_known = all_known && known(in) != nullptr;
    }
    AORTA_ASSIGN_OR_RETURN(Outputs outs, rule->second(ctx));
    // A small constant computation: evaluate it so that shapes downstream can depend on it.
    const bool has_values = !outs.empty() && outs[0].value.has_value();
    if (all_known && !has_values && !fused && input_elements <= kMaxPropagatedElements) {
      std::vector<const Tensor*> args;
      for (const auto& op : ctx.in) args.push_back(op ? op->value : nullptr);
      AORTA_ASSIGN_OR_RETURN(std::vector<Tensor> values, EvaluateNode(graph, node, args));
      for (size_t i = 0; i < outs.size() && i < values.size(); ++i) {
        if (node.outputs[i].empty()) continue;
        if (values[i].shape() != outs[i].shape || values[i].dtype() != outs[i].dtype) {
          return Internal("{}: shape inference says {} {} but the reference computes {} {}",
                          node.Describe(), DTypeName(outs[i].dtype), ShapeToString(outs[i].shape),
                          DTypeName(values[i].dtype()), ShapeToString(values[i].shape()));
        }
        outs[i].value = std::move(values[i]);
      }
    }
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const std::string& out = node.outputs[i];
      if (out.empty()) continue;
      if (i >= outs.size()) {
        return Unsupported("{}: no shape inference for output {} ('{}')", node.Describe(), i, out);
      }
      AORTA_RETURN_IF_ERROR(Record(graph, node, out, outs[i]));
      if (outs[i].value) computed[out] = std::move(*outs[i].value);
    }
  }
  return Status::Ok();
}

}  // namespace aorta::passes
