// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool on the oneDNN pooling primitive.
#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

using dnnl::algorithm;
using dnnl::memory;

memory::dims Dims(const Shape& s) { return memory::dims(s.begin(), s.end()); }

Tensor RunPooling(KernelContext& ctx, const Tensor& x, algorithm alg, const Window& w) {
  Shape y_shape = {x.dim(0), x.dim(1)};
  y_shape.insert(y_shape.end(), w.output.begin(), w.output.end());
  Tensor y(DType::kF32, y_shape);
  memory::dims dil;
  for (int64_t d : w.dilations) dil.push_back(d - 1);
  dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, alg, PlainDesc(x.shape()),
                                      PlainDesc(y_shape), Dims(w.strides), Dims(w.kernel), dil,
                                      Dims(w.pads_begin), Dims(w.pads_end));
  dnnl::pooling_v2_forward::primitive_desc pd(desc, ctx.engine);
  ExecuteInto(dnnl::pooling_v2_forward(pd), {{DNNL_ARG_SRC, WrapTensor(x, ctx.engine)}},
              pd.dst_desc(), y, ctx);
  return y;
}

Status CheckPoolInput(const KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0}));
  if (ctx.In(0).rank() < 3 || ctx.In(0).rank() > 5) {
    return ctx.Invalid("expects input of rank 3-5 (N, C, spatial...), got {}",
                       ShapeToString(ctx.In(0).shape()));
  }
  return Status::Ok();
}

Shape Spatial(const Tensor& t) { return Shape(t.shape().begin() + 2, t.shape().end()); }

Result<std::vector<Tensor>> MaxPool(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckPoolInput(ctx));
  if (ctx.node.outputs.size() > 1 && !ctx.node.outputs[1].empty()) {
    return ctx.NotSupported("the Indices output is not supported");
  }
  AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, ctx.node.GetInt("ceil_mode", 0));
  AORTA_ASSIGN_OR_RETURN(int64_t storage_order, ctx.node.GetInt("storage_order", 0));
  if (storage_order != 0) return ctx.NotSupported("storage_order {} (only 0)", storage_order);
  AORTA_ASSIGN_OR_RETURN(Window w, ResolveWindow(ctx, Spatial(ctx.In(0)), {}, ceil_mode != 0));
  return std::vector<Tensor>{RunPooling(ctx, ctx.In(0), algorithm::pooling_max, w)};
}

Result<std::vector<Tensor>> AveragePool(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckPoolInput(ctx));
  AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, ctx.node.GetInt("ceil_mode", 0));
  AORTA_ASSIGN_OR_RETURN(int64_t count_include_pad, ctx.node.GetInt("count_include_pad", 0));
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(Window w, ResolveWindow(ctx, Spatial(x), {}, ceil_mode != 0));
  if (count_include_pad == 0) {
    return std::vector<Tensor>{RunPooling(ctx, x, algorithm::pooling_avg_exclude_padding, w)};
  }
  // count_include_pad counts the explicit padding but not the extra end positions that ceil_mode
  // adds (ONNX Runtime / PyTorch): pad explicitly with zeros, then exclude what is left.
  const Window spec = w;
  AORTA_ASSIGN_OR_RETURN(Window explicit_pads, ResolveWindow(ctx, Spatial(x), {}, false));
  Shape pb = {0, 0}, pe = {0, 0};
  for (size_t i = 0; i < w.output.size(); ++i) {
    pb.push_back(explicit_pads.pads_begin[i]);
    pe.push_back(explicit_pads.pads_end[i]);
    w.pads_begin[i] = 0;
    w.pads_end[i] = spec.pads_end[i] - explicit_pads.pads_end[i];
  }
  const Tensor padded = PadConstant(x, pb, pe, 0.0);
  return std::vector<Tensor>{RunPooling(ctx, padded, algorithm::pooling_avg_exclude_padding, w)};
}

template <algorithm kAlg>
Result<std::vector<Tensor>> GlobalPool(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckPoolInput(ctx));
  const Shape spatial = Spatial(ctx.In(0));
  Window w;
  w.kernel = spatial;
  w.strides = w.dilations = w.output = Shape(spatial.size(), 1);
  w.pads_begin = w.pads_end = Shape(spatial.size(), 0);
  return std::vector<Tensor>{RunPooling(ctx, ctx.In(0), kAlg, w)};
}

}  // namespace

void RegisterPoolKernels(KernelRegistry& r) {
  r["MaxPool"] = MaxPool;
  r["AveragePool"] = AveragePool;
  r["GlobalAveragePool"] = GlobalPool<algorithm::pooling_avg_exclude_padding>;
  r["GlobalMaxPool"] = GlobalPool<algorithm::pooling_max>;
}

}  // namespace aorta::reference
