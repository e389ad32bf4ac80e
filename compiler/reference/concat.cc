// Concat: oneDNN concat for f32, a plain copy for integer tensors (shape computations).
#include <cstring>

#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

Tensor ConcatPlain(const std::vector<const Tensor*>& parts, const Shape& out_shape, int64_t axis) {
  Tensor y(parts[0]->dtype(), out_shape);
  const size_t esize = DTypeSize(y.dtype());
  const int64_t outer = ElementCount(Shape(out_shape.begin(), out_shape.begin() + axis));
  const int64_t inner = ElementCount(Shape(out_shape.begin() + axis + 1, out_shape.end()));
  size_t offset = 0;  // bytes into each output row
  const size_t row = static_cast<size_t>(out_shape[static_cast<size_t>(axis)] * inner) * esize;
  for (const Tensor* p : parts) {
    const size_t chunk = static_cast<size_t>(p->dim(axis) * inner) * esize;
    for (int64_t o = 0; o < outer; ++o) {
      std::memcpy(y.raw_data() + static_cast<size_t>(o) * row + offset,
                  p->raw_data() + static_cast<size_t>(o) * chunk, chunk);
    }
    offset += chunk;
  }
  return y;
}

Result<std::vector<Tensor>> Concat(KernelContext& ctx) {
  if (ctx.inputs.empty()) return ctx.Invalid("needs at least one input");
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(ctx.inputs.size()));
  AORTA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node.GetInt("axis"));
  const Tensor& first = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(ctx, axis_attr, first.rank()));
  Shape out_shape = first.shape();
  out_shape[static_cast<size_t>(axis)] = 0;
  std::vector<const Tensor*> parts;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const Tensor& t = ctx.In(i);
    bool same = t.dtype() == first.dtype() && t.rank() == first.rank();
    for (int64_t d = 0; same && d < t.rank(); ++d) same = d == axis || t.dim(d) == first.dim(d);
    if (!same) {
      return ctx.Invalid("input {} ({} {}) does not match input 0 ({} {}) outside axis {}", i,
                         DTypeName(t.dtype()), ShapeToString(t.shape()), DTypeName(first.dtype()),
                         ShapeToString(first.shape()), axis);
    }
    out_shape[static_cast<size_t>(axis)] += t.dim(axis);
    if (t.element_count() > 0) parts.push_back(&t);
  }
  if (parts.empty()) return std::vector<Tensor>{Tensor(first.dtype(), out_shape)};
  if (first.dtype() != DType::kF32) return std::vector<Tensor>{ConcatPlain(parts, out_shape, axis)};

  Tensor y(DType::kF32, out_shape);
  std::vector<dnnl::memory::desc> mds;
  std::unordered_map<int, dnnl::memory> args;
  for (size_t i = 0; i < parts.size(); ++i) {
    mds.push_back(PlainDesc(parts[i]->shape()));
    args[DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i)] = WrapTensor(*parts[i], ctx.engine);
  }
  dnnl::concat::primitive_desc pd(PlainDesc(out_shape), static_cast<int>(axis), mds, ctx.engine);
  ExecuteInto(dnnl::concat(pd), std::move(args), pd.dst_desc(), y, ctx);
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterConcatKernels(KernelRegistry& r) { r["Concat"] = Concat; }

}  // namespace aorta::reference
