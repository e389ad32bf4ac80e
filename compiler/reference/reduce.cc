// ReduceMean / ReduceMax / ReduceMin / ReduceSum / ReduceProd on the oneDNN reduction primitive
// (f32). Axes come from the `axes` attribute (opset < 18; ReduceSum < 13) or the optional second
// input (later opsets); no axes reduces every axis unless noop_with_empty_axes = 1.
#include <algorithm>

#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

using dnnl::algorithm;

Result<algorithm> ReduceAlgorithm(const KernelContext& ctx) {
  const std::string& op = ctx.node.op_type;
  if (op == "ReduceMean") return algorithm::reduction_mean;
  if (op == "ReduceMax") return algorithm::reduction_max;
  if (op == "ReduceMin") return algorithm::reduction_min;
  if (op == "ReduceSum") return algorithm::reduction_sum;
  if (op == "ReduceProd") return algorithm::reduction_mul;
  return ctx.NotSupported("not a reduction");
}

// The axes to reduce, normalized and sorted; empty = none (noop_with_empty_axes).
Result<Shape> ReducedAxes(const KernelContext& ctx, int64_t rank) {
  const bool axes_as_input =
      ctx.opset >= 18 || (ctx.node.op_type == "ReduceSum" && ctx.opset >= 13);
  Shape axes;
  bool given = false;
  if (axes_as_input) {
    if (ctx.node.HasAttribute("axes")) {
      return ctx.Invalid("opset {} takes axes as input 1, not as an attribute", ctx.opset);
    }
    if (ctx.Has(1)) {
      const Tensor& t = ctx.In(1);
      if (t.dtype() != DType::kI64 || t.rank() > 1) {
        return ctx.Invalid("axes (input 1) must be a 1-D int64 tensor, got {} {}",
                           DTypeName(t.dtype()), ShapeToString(t.shape()));
      }
      axes = t.ToInt64s();
      given = !axes.empty();
    }
  } else {
    if (ctx.inputs.size() > 1) return ctx.Invalid("opset {} takes one input", ctx.opset);
    AORTA_ASSIGN_OR_RETURN(axes, ctx.node.GetInts("axes"));
    given = ctx.node.HasAttribute("axes");
  }
  AORTA_ASSIGN_OR_RETURN(int64_t noop, ctx.node.GetInt("noop_with_empty_axes", 0));
  if (!given) {
    if (noop != 0) return Shape{};
    axes.clear();
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  AORTA_ASSIGN_OR_RETURN(Shape normalized, NormalizeAxes(ctx, axes, rank));
  std::sort(normalized.begin(), normalized.end());
  return normalized;
}

Result<std::vector<Tensor>> Reduce(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0}));
  AORTA_ASSIGN_OR_RETURN(algorithm alg, ReduceAlgorithm(ctx));
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(int64_t keepdims, ctx.node.GetInt("keepdims", 1));
  AORTA_ASSIGN_OR_RETURN(Shape axes, ReducedAxes(ctx, x.rank()));
  if (axes.empty()) return std::vector<Tensor>{x};  // noop_with_empty_axes
  Shape kept = x.shape(), squeezed;
  for (int64_t d = 0; d < x.rank(); ++d) {
    const bool reduced = std::binary_search(axes.begin(), axes.end(), d);
    if (reduced) kept[static_cast<size_t>(d)] = 1;
    if (!reduced) squeezed.push_back(x.dim(d));
  }
  if (x.element_count() == 0) {
    return ctx.NotSupported("reducing an empty tensor {}", ShapeToString(x.shape()));
  }
  Tensor y(DType::kF32, kept);
  if (kept != x.shape()) {
    dnnl::reduction::desc desc(alg, PlainDesc(x.shape()), PlainDesc(kept), 0.0f, 0.0f);
    dnnl::reduction::primitive_desc pd(desc, ctx.engine);
    ExecuteInto(dnnl::reduction(pd), {{DNNL_ARG_SRC, WrapTensor(x, ctx.engine)}}, pd.dst_desc(), y,
                ctx);
  } else {
    y = x;  // every reduced axis has size 1: the values are the input's
  }
  if (keepdims == 0) {
    AORTA_ASSIGN_OR_RETURN(y, y.Reshaped(squeezed));
  }
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterReduceKernels(KernelRegistry& r) {
  for (const char* op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd"}) {
    r[op] = Reduce;
  }
}

}  // namespace aorta::reference
