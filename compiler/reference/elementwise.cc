// Element-wise ops: activations and Sqrt / Log / Exp on oneDNN eltwise, arithmetic and comparisons
// on oneDNN binary (f32) with numpy broadcasting, Pow on eltwise pow (scalar exponent). Integer
// arithmetic (shape computations in real models) is plain C++.
#include <cmath>
#include <limits>

#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

using dnnl::algorithm;

struct EltwiseStep {
  algorithm alg;
  float alpha = 0.0f;
  float beta = 0.0f;
};

Tensor RunEltwise(KernelContext& ctx, const Tensor& x, const std::vector<EltwiseStep>& steps) {
  Tensor y = x;
  if (y.element_count() == 0) return y;
  for (const EltwiseStep& s : steps) {  // in place on y
    dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, s.alg,
                                     PlainDesc(y.shape()), s.alpha, s.beta);
    dnnl::eltwise_forward::primitive_desc pd(desc, ctx.engine);
    ExecuteInto(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, WrapTensor(y, ctx.engine)}},
                pd.dst_desc(), y, ctx);
  }
  return y;
}

// Scalar bound of Clip from an optional input (opset >= 11).
Result<float> ClipBound(const KernelContext& ctx, size_t i, float fallback) {
  if (!ctx.Has(i)) return fallback;
  const Tensor& t = ctx.In(i);
  if (t.element_count() != 1) {
    return ctx.Invalid("clip bound input {} must be a scalar, got {}", i, ShapeToString(t.shape()));
  }
  return static_cast<float>(t.ToDoubles()[0]);
}

Result<std::vector<EltwiseStep>> UnarySteps(const KernelContext& ctx) {
  const ir::Node& n = ctx.node;
  const std::string& op = n.op_type;
  if (op == "Relu") return std::vector<EltwiseStep>{{algorithm::eltwise_relu}};
  if (op == "LeakyRelu") {
    AORTA_ASSIGN_OR_RETURN(float alpha, n.GetFloat("alpha", 0.01f));
    return std::vector<EltwiseStep>{{algorithm::eltwise_relu, alpha}};
  }
  if (op == "Sigmoid") return std::vector<EltwiseStep>{{algorithm::eltwise_logistic}};
  if (op == "Sqrt") return std::vector<EltwiseStep>{{algorithm::eltwise_sqrt}};
  if (op == "Log") return std::vector<EltwiseStep>{{algorithm::eltwise_log}};
  if (op == "Exp") return std::vector<EltwiseStep>{{algorithm::eltwise_exp}};
  if (op == "Tanh") return std::vector<EltwiseStep>{{algorithm::eltwise_tanh}};
  if (op == "HardSwish") return std::vector<EltwiseStep>{{algorithm::eltwise_hardswish}};
  if (op == "HardSigmoid") {  // max(0, min(1, alpha * x + beta))
    AORTA_ASSIGN_OR_RETURN(float alpha, n.GetFloat("alpha", 0.2f));
    AORTA_ASSIGN_OR_RETURN(float beta, n.GetFloat("beta", 0.5f));
    return std::vector<EltwiseStep>{{algorithm::eltwise_linear, alpha, beta},
                                    {algorithm::eltwise_clip_v2, 0.0f, 1.0f}};
  }
  if (op == "Clip") {
    constexpr float kMax = std::numeric_limits<float>::max();
    float lo = -kMax, hi = kMax;
    if (ctx.opset < 11) {
      AORTA_ASSIGN_OR_RETURN(lo, n.GetFloat("min", -kMax));
      AORTA_ASSIGN_OR_RETURN(hi, n.GetFloat("max", kMax));
    } else {
      AORTA_ASSIGN_OR_RETURN(lo, ClipBound(ctx, 1, -kMax));
      AORTA_ASSIGN_OR_RETURN(hi, ClipBound(ctx, 2, kMax));
    }
    lo = std::min(lo, hi);  // ONNX: min > max sets everything to max
    return std::vector<EltwiseStep>{{algorithm::eltwise_clip_v2, lo, hi}};
  }
  return ctx.NotSupported("not an eltwise op");
}

Result<std::vector<Tensor>> Unary(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0}));
  AORTA_ASSIGN_OR_RETURN(std::vector<EltwiseStep> steps, UnarySteps(ctx));
  return std::vector<Tensor>{RunEltwise(ctx, ctx.In(0), steps)};
}

// ---- binary -----------------------------------------------------------------------------------

Result<algorithm> BinaryAlgorithm(const KernelContext& ctx) {
  const std::string& op = ctx.node.op_type;
  if (op == "Add" || op == "Sum") return algorithm::binary_add;
  if (op == "Sub") return algorithm::binary_sub;
  if (op == "Mul") return algorithm::binary_mul;
  if (op == "Div") return algorithm::binary_div;
  if (op == "Max") return algorithm::binary_max;
  if (op == "Min") return algorithm::binary_min;
  return ctx.NotSupported("not a binary op");
}

bool Commutative(algorithm alg) {
  return alg == algorithm::binary_add || alg == algorithm::binary_mul ||
         alg == algorithm::binary_max || alg == algorithm::binary_min;
}

Shape PadRank(const Shape& s, size_t rank) {
  Shape out(rank - s.size(), 1);
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Result<Tensor> BinaryF32(KernelContext& ctx, algorithm alg, const Tensor& a_in,
                         const Tensor& b_in) {
  AORTA_ASSIGN_OR_RETURN(Shape out_shape, BroadcastShapes(ctx, a_in.shape(), b_in.shape()));
  Tensor y(DType::kF32, out_shape);
  if (y.element_count() == 0) return y;
  const size_t rank = std::max<size_t>(out_shape.size(), 1);
  Shape full = PadRank(out_shape, rank);
  AORTA_ASSIGN_OR_RETURN(Tensor a, a_in.Reshaped(PadRank(a_in.shape(), rank)));
  AORTA_ASSIGN_OR_RETURN(Tensor b, b_in.Reshaped(PadRank(b_in.shape(), rank)));
  // oneDNN broadcasts src1 only: put the full-shape operand first.
  if (a.shape() != full && b.shape() == full && Commutative(alg)) std::swap(a, b);
  if (a.shape() != full) a = ExpandTo(a, full);
  dnnl::binary::desc desc(alg, PlainDesc(a.shape()), PlainDesc(b.shape()), PlainDesc(full));
  dnnl::binary::primitive_desc pd(desc, ctx.engine);
  ExecuteInto(
      dnnl::binary(pd),
      {{DNNL_ARG_SRC_0, WrapTensor(a, ctx.engine)}, {DNNL_ARG_SRC_1, WrapTensor(b, ctx.engine)}},
      pd.dst_desc(), y, ctx);
  return y;
}

template <typename T>
Result<Tensor> BinaryIntTyped(KernelContext& ctx, algorithm alg, const Tensor& a_in,
                              const Tensor& b_in) {
  AORTA_ASSIGN_OR_RETURN(Shape out_shape, BroadcastShapes(ctx, a_in.shape(), b_in.shape()));
  const Tensor a = ExpandTo(a_in, out_shape);
  const Tensor b = ExpandTo(b_in, out_shape);
  Tensor y(a.dtype(), out_shape);
  auto pa = a.data<T>();
  auto pb = b.data<T>();
  auto py = y.data<T>();
  for (size_t i = 0; i < py.size(); ++i) {
    switch (alg) {
      case algorithm::binary_add:
        py[i] = static_cast<T>(pa[i] + pb[i]);
        break;
      case algorithm::binary_sub:
        py[i] = static_cast<T>(pa[i] - pb[i]);
        break;
      case algorithm::binary_mul:
        py[i] = static_cast<T>(pa[i] * pb[i]);
        break;
      case algorithm::binary_max:
        py[i] = std::max(pa[i], pb[i]);
        break;
      case algorithm::binary_min:
        py[i] = std::min(pa[i], pb[i]);
        break;
      case algorithm::binary_div:
        if (pb[i] == 0) return ctx.Invalid("integer division by zero");
        py[i] = static_cast<T>(pa[i] / pb[i]);
        break;
      default:
        return ctx.NotSupported("integer operation");
    }
  }
  return y;
}

Result<std::vector<Tensor>> Binary(KernelContext& ctx) {
  if (ctx.inputs.empty()) return ctx.Invalid("needs at least one input");
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(ctx.inputs.size()));
  AORTA_ASSIGN_OR_RETURN(algorithm alg, BinaryAlgorithm(ctx));
  const bool variadic =
      ctx.node.op_type == "Max" || ctx.node.op_type == "Min" || ctx.node.op_type == "Sum";
  if (!variadic && ctx.inputs.size() != 2) {
    return ctx.Invalid("expects 2 inputs, got {}", ctx.inputs.size());
  }
  Tensor acc = ctx.In(0);
  for (size_t i = 1; i < ctx.inputs.size(); ++i) {
    const Tensor& rhs = ctx.In(i);
    if (rhs.dtype() != acc.dtype()) {
      return ctx.Invalid("input types differ: {} and {}", DTypeName(acc.dtype()),
                         DTypeName(rhs.dtype()));
    }
    switch (acc.dtype()) {
      case DType::kF32: {
        AORTA_ASSIGN_OR_RETURN(acc, BinaryF32(ctx, alg, acc, rhs));
        break;
      }
      case DType::kI64: {
        AORTA_ASSIGN_OR_RETURN(acc, BinaryIntTyped<int64_t>(ctx, alg, acc, rhs));
        break;
      }
      case DType::kI32: {
        AORTA_ASSIGN_OR_RETURN(acc, BinaryIntTyped<int32_t>(ctx, alg, acc, rhs));
        break;
      }
      default:
        return ctx.NotSupported("element type {} (f32, i32, i64 only)", DTypeName(acc.dtype()));
    }
  }
  return std::vector<Tensor>{std::move(acc)};
}

// ---- Pow ----------------------------------------------------------------------------------------

// x ^ y (f32 base). A one-element exponent is oneDNN's eltwise pow (1 * x^y); an exponent tensor
// broadcasts against x (numpy rules) element by element.
Result<std::vector<Tensor>> Pow(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0}));
  const Tensor& x = ctx.In(0);
  const Tensor& e = ctx.In(1);
  if (e.dtype() == DType::kBool) return ctx.NotSupported("a bool exponent");
  const std::vector<double> ev = e.ToDoubles();
  if (ev.size() == 1 && e.rank() <= x.rank()) {
    const auto beta = static_cast<float>(ev[0]);
    return std::vector<Tensor>{RunEltwise(ctx, x, {{algorithm::eltwise_pow, 1.0f, beta}})};
  }
  AORTA_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(ctx, x.shape(), e.shape()));
  const Tensor xb = ExpandTo(x, shape);
  const std::vector<double> eb = ExpandTo(e, shape).ToDoubles();
  Tensor y(DType::kF32, shape);
  auto px = xb.data<float>();
  auto py = y.data<float>();
  for (size_t i = 0; i < py.size(); ++i) py[i] = std::pow(px[i], static_cast<float>(eb[i]));
  return std::vector<Tensor>{std::move(y)};
}

// ---- comparisons
// ----------------------------------------------------------------------------------

// Greater, GreaterOrEqual, Less, LessOrEqual, Equal -> bool, numpy broadcasting. f32 on oneDNN
// binary (its 0 / 1 result cast to bool); integer and bool operands compared exactly.
Result<std::vector<Tensor>> Compare(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
  const std::string& op = ctx.node.op_type;
  const Tensor& a = ctx.In(0);
  const Tensor& b = ctx.In(1);
  if (a.dtype() != b.dtype()) {
    return ctx.Invalid("input types differ: {} and {}", DTypeName(a.dtype()), DTypeName(b.dtype()));
  }
  if (a.dtype() == DType::kF32) {
    algorithm alg = algorithm::binary_eq;
    if (op == "Greater") alg = algorithm::binary_gt;
    if (op == "GreaterOrEqual") alg = algorithm::binary_ge;
    if (op == "Less") alg = algorithm::binary_lt;
    if (op == "LessOrEqual") alg = algorithm::binary_le;
    AORTA_ASSIGN_OR_RETURN(Tensor y, BinaryF32(ctx, alg, a, b));
    return std::vector<Tensor>{y.CastTo(DType::kBool)};
  }
  if (a.dtype() == DType::kF64) return ctx.NotSupported("element type f64");
  AORTA_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(ctx, a.shape(), b.shape()));
  const std::vector<int64_t> av = ExpandTo(a, shape).ToInt64s();
  const std::vector<int64_t> bv = ExpandTo(b, shape).ToInt64s();
  Tensor y(DType::kBool, shape);
  auto py = y.data<uint8_t>();
  for (size_t i = 0; i < py.size(); ++i) {
    bool r = av[i] == bv[i];
    if (op == "Greater") r = av[i] > bv[i];
    if (op == "GreaterOrEqual") r = av[i] >= bv[i];
    if (op == "Less") r = av[i] < bv[i];
    if (op == "LessOrEqual") r = av[i] <= bv[i];
    py[i] = r ? 1 : 0;
  }
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterElementwiseKernels(KernelRegistry& r) {
  for (const char* op : {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "Clip",
                         "Sqrt", "Log", "Exp"}) {
    r[op] = Unary;
  }
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Max", "Min", "Sum"}) r[op] = Binary;
  r["Pow"] = Pow;
  for (const char* op : {"Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal"}) {
    r[op] = Compare;
  }
}

}  // namespace aorta::reference
