// BatchNormalization (inference) and Softmax on oneDNN.
#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

Result<std::vector<Tensor>> BatchNormalization(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(5));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0, 1, 2, 3, 4}));
  AORTA_ASSIGN_OR_RETURN(float epsilon, ctx.node.GetFloat("epsilon", 1e-5f));
  AORTA_ASSIGN_OR_RETURN(int64_t training, ctx.node.GetInt("training_mode", 0));
  if (training != 0) return ctx.NotSupported("training_mode=1 (inference only)");
  for (size_t i = 1; i < ctx.node.outputs.size(); ++i) {
    if (!ctx.node.outputs[i].empty()) {
      return ctx.NotSupported("output {} (running statistics; inference only)", i);
    }
  }
  const Tensor& x = ctx.In(0);
  if (x.rank() < 2) return ctx.Invalid("input {} has no channel dim", ShapeToString(x.shape()));
  const int64_t c = x.dim(1);
  for (size_t i = 1; i <= 4; ++i) {
    if (ctx.In(i).element_count() != c) {
      return ctx.Invalid("input {} ('{}') has shape {}, expected {} channels", i,
                         ctx.node.inputs[i], ShapeToString(ctx.In(i).shape()), c);
    }
  }
  // oneDNN normalizes 2-5-D data; flatten any further spatial dims.
  Shape shape = x.shape();
  if (shape.size() == 2) shape.push_back(1);
  if (shape.size() > 5) shape = {shape[0], shape[1], ElementCount(shape) / (shape[0] * shape[1])};
  AORTA_ASSIGN_OR_RETURN(Tensor src, x.Reshaped(shape));
  Tensor y(DType::kF32, shape);
  using flags = dnnl::normalization_flags;
  dnnl::batch_normalization_forward::desc desc(
      dnnl::prop_kind::forward_inference, PlainDesc(shape), epsilon,
      flags::use_global_stats | flags::use_scale | flags::use_shift);
  dnnl::batch_normalization_forward::primitive_desc pd(desc, ctx.engine);
  const dnnl::memory::desc c_md = PlainDesc({c});
  ExecuteInto(dnnl::batch_normalization_forward(pd),
              {{DNNL_ARG_SRC, WrapTensor(src, ctx.engine)},
               {DNNL_ARG_SCALE, WrapTensor(ctx.In(1), c_md, ctx.engine)},
               {DNNL_ARG_SHIFT, WrapTensor(ctx.In(2), c_md, ctx.engine)},
               {DNNL_ARG_MEAN, WrapTensor(ctx.In(3), c_md, ctx.engine)},
               {DNNL_ARG_VARIANCE, WrapTensor(ctx.In(4), c_md, ctx.engine)}},
              pd.dst_desc(), y, ctx);
  AORTA_ASSIGN_OR_RETURN(y, y.Reshaped(x.shape()));
  return std::vector<Tensor>{std::move(y)};
}

Result<std::vector<Tensor>> Softmax(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0}));
  const Tensor& x = ctx.In(0);
  const bool legacy = ctx.opset < 13;  // before 13: softmax over the flattened dims [axis:]
  AORTA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node.GetInt("axis", legacy ? 1 : -1));
  const int64_t rank = std::max<int64_t>(x.rank(), 1);
  AORTA_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(ctx, axis_attr, rank));
  Shape shape = x.rank() == 0 ? Shape{1} : x.shape();
  if (legacy) {
    const int64_t outer = ElementCount(Shape(shape.begin(), shape.begin() + axis));
    shape = {outer, ElementCount(shape) / std::max<int64_t>(outer, 1)};
    axis = 1;
  }
  AORTA_ASSIGN_OR_RETURN(Tensor src, x.Reshaped(shape));
  Tensor y(DType::kF32, shape);
  if (y.element_count() > 0) {
    dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, PlainDesc(shape),
                                     static_cast<int>(axis));
    dnnl::softmax_forward::primitive_desc pd(desc, ctx.engine);
    ExecuteInto(dnnl::softmax_forward(pd), {{DNNL_ARG_SRC, WrapTensor(src, ctx.engine)}},
                pd.dst_desc(), y, ctx);
  }
  AORTA_ASSIGN_OR_RETURN(y, y.Reshaped(x.shape()));
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterNormalizationKernels(KernelRegistry& r) {
  r["BatchNormalization"] = BatchNormalization;
  r["Softmax"] = Softmax;
}

}  // namespace aorta::reference
