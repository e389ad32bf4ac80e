// Gemm and MatMul on the oneDNN matmul primitive.
#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

using dnnl::memory;

// A [M, K] view of a 2-D tensor stored as [rows, cols], transposed if asked.
memory::desc MatrixDesc(const Tensor& t, bool transpose) {
  const int64_t rows = t.dim(0), cols = t.dim(1);
  if (!transpose) return memory::desc({rows, cols}, memory::data_type::f32, {cols, 1});
  return memory::desc({cols, rows}, memory::data_type::f32, {1, cols});
}

Result<std::vector<Tensor>> Gemm(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0, 1, 2}));
  const Tensor& a = ctx.In(0);
  const Tensor& b = ctx.In(1);
  AORTA_ASSIGN_OR_RETURN(int64_t trans_a, ctx.node.GetInt("transA", 0));
  AORTA_ASSIGN_OR_RETURN(int64_t trans_b, ctx.node.GetInt("transB", 0));
  AORTA_ASSIGN_OR_RETURN(float alpha, ctx.node.GetFloat("alpha", 1.0f));
  AORTA_ASSIGN_OR_RETURN(float beta, ctx.node.GetFloat("beta", 1.0f));
  if (a.rank() != 2 || b.rank() != 2) {
    return ctx.Invalid("A {} and B {} must be 2-D", ShapeToString(a.shape()),
                       ShapeToString(b.shape()));
  }
  const memory::desc a_md = MatrixDesc(a, trans_a != 0);
  const memory::desc b_md = MatrixDesc(b, trans_b != 0);
  const int64_t m = a_md.dims()[0], k = a_md.dims()[1], n = b_md.dims()[1];
  if (b_md.dims()[0] != k) {
    return ctx.Invalid("A {} (transA={}) and B {} (transB={}) do not multiply",
                       ShapeToString(a.shape()), trans_a, ShapeToString(b.shape()), trans_b);
  }
  Tensor y(DType::kF32, {m, n});
  dnnl::primitive_attr attr;
  if (alpha != 1.0f) attr.set_output_scales(0, {alpha});
  if (ctx.Has(2) && beta != 0.0f) {
    const Tensor& c = ctx.In(2);
    AORTA_ASSIGN_OR_RETURN(Shape bc, BroadcastShapes(ctx, c.shape(), {m, n}));
    if (bc != Shape{m, n}) {
      return ctx.Invalid("C {} does not broadcast to {}x{}", ShapeToString(c.shape()), m, n);
    }
    y = ExpandTo(c, {m, n});  // dst = alpha * A.B + beta * C through the sum post-op
    dnnl::post_ops ops;
    ops.append_sum(beta);
    attr.set_post_ops(ops);
  }
  dnnl::matmul::desc desc(a_md, b_md, PlainDesc(y.shape()));
  dnnl::matmul::primitive_desc pd(desc, attr, ctx.engine);
  ExecuteInto(dnnl::matmul(pd),
              {{DNNL_ARG_SRC, WrapTensor(a, a_md, ctx.engine)},
               {DNNL_ARG_WEIGHTS, WrapTensor(b, b_md, ctx.engine)}},
              pd.dst_desc(), y, ctx);
  return std::vector<Tensor>{std::move(y)};
}

Result<std::vector<Tensor>> MatMul(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0, 1}));
  Shape a_shape = ctx.In(0).shape();
  Shape b_shape = ctx.In(1).shape();
  if (a_shape.empty() || b_shape.empty()) return ctx.Invalid("MatMul inputs must not be scalars");
  // numpy.matmul: a 1-D A is a row vector, a 1-D B a column vector; those dims are dropped.
  const bool a_vec = a_shape.size() == 1, b_vec = b_shape.size() == 1;
  if (a_vec) a_shape.insert(a_shape.begin(), 1);
  if (b_vec) b_shape.push_back(1);
  const int64_t m = a_shape[a_shape.size() - 2], k = a_shape.back();
  const int64_t n = b_shape.back();
  if (b_shape[b_shape.size() - 2] != k) {
    return ctx.Invalid("A {} and B {} do not multiply", ShapeToString(ctx.In(0).shape()),
                       ShapeToString(ctx.In(1).shape()));
  }
  AORTA_ASSIGN_OR_RETURN(Shape batch,
                         BroadcastShapes(ctx, Shape(a_shape.begin(), a_shape.end() - 2),
                                         Shape(b_shape.begin(), b_shape.end() - 2)));
  Shape a_full = batch, b_full = batch, y_full = batch;
  a_full.insert(a_full.end(), {m, k});
  b_full.insert(b_full.end(), {k, n});
  y_full.insert(y_full.end(), {m, n});
  // Batch broadcasting is materialized so that oneDNN sees equal batch dims.
  AORTA_ASSIGN_OR_RETURN(Tensor a, ctx.In(0).Reshaped(a_shape));
  AORTA_ASSIGN_OR_RETURN(Tensor b, ctx.In(1).Reshaped(b_shape));
  if (a.shape() != a_full) a = ExpandTo(a, a_full);
  if (b.shape() != b_full) b = ExpandTo(b, b_full);
  Tensor y(DType::kF32, y_full);
  dnnl::matmul::desc desc(PlainDesc(a_full), PlainDesc(b_full), PlainDesc(y_full));
  dnnl::matmul::primitive_desc pd(desc, ctx.engine);
  ExecuteInto(
      dnnl::matmul(pd),
      {{DNNL_ARG_SRC, WrapTensor(a, ctx.engine)}, {DNNL_ARG_WEIGHTS, WrapTensor(b, ctx.engine)}},
      pd.dst_desc(), y, ctx);
  Shape y_shape = batch;
  if (!a_vec) y_shape.push_back(m);
  if (!b_vec) y_shape.push_back(n);
  AORTA_ASSIGN_OR_RETURN(y, y.Reshaped(y_shape));
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterMatMulKernels(KernelRegistry& r) {
  r["Gemm"] = Gemm;
  r["MatMul"] = MatMul;
}

}  // namespace aorta::reference
