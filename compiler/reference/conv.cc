// Conv and ConvTranspose on oneDNN convolution / deconvolution primitives.
#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;

memory::dims Dims(const Shape& s) { return memory::dims(s.begin(), s.end()); }

// oneDNN counts dilation from 0 (no dilation), ONNX from 1.
memory::dims OneDnnDilations(const Shape& d) {
  memory::dims out;
  for (int64_t x : d) out.push_back(x - 1);
  return out;
}

Shape SpatialDims(const Tensor& t) { return Shape(t.shape().begin() + 2, t.shape().end()); }

// Runs a conv-like primitive with layouts of oneDNN's choosing, reordering plain tensors in/out.
template <typename PrimitiveDesc, typename Primitive>
void RunWithReorders(const PrimitiveDesc& pd, const Tensor& x, const memory::desc& w_plain,
                     const Tensor& w, const Tensor* bias, Tensor& y, KernelContext& ctx) {
  memory src = Reordered(WrapTensor(x, ctx.engine), pd.src_desc(), ctx.engine, ctx.stream);
  memory wei =
      Reordered(WrapTensor(w, w_plain, ctx.engine), pd.weights_desc(), ctx.engine, ctx.stream);
  std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}};
  if (bias != nullptr) args[DNNL_ARG_BIAS] = WrapTensor(*bias, ctx.engine);
  ExecuteInto(Primitive(pd), std::move(args), pd.dst_desc(), y, ctx);
}

Status CheckConvInputs(const KernelContext& ctx, const char* weight_layout) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0, 1, 2}));
  const Tensor& x = ctx.In(0);
  const Tensor& w = ctx.In(1);
  if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank()) {
    return ctx.Invalid("expects X of rank 3-5 and W ({}) of the same rank, got X {} and W {}",
                       weight_layout, ShapeToString(x.shape()), ShapeToString(w.shape()));
  }
  return Status::Ok();
}

Result<std::vector<Tensor>> Conv(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckConvInputs(ctx, "M x C/group x k..."));
  const Tensor& x = ctx.In(0);
  const Tensor& w = ctx.In(1);
  const Tensor* b = ctx.Has(2) ? &ctx.In(2) : nullptr;
  AORTA_ASSIGN_OR_RETURN(int64_t group, ctx.node.GetInt("group", 1));
  const int64_t n = x.dim(0), c = x.dim(1), m = w.dim(0);
  if (group <= 0 || c % group != 0 || m % group != 0 || w.dim(1) * group != c) {
    return ctx.Invalid("group {} does not fit X channels {} and W {}", group, c,
                       ShapeToString(w.shape()));
  }
  if (b != nullptr && (b->rank() != 1 || b->dim(0) != m)) {
    return ctx.Invalid("bias shape {} should be {}", ShapeToString(b->shape()), m);
  }
  const Shape kernel = SpatialDims(w);
  AORTA_ASSIGN_OR_RETURN(Shape kernel_attr, ctx.node.GetInts("kernel_shape", kernel));
  if (kernel_attr != kernel) {
    return ctx.Invalid("kernel_shape {} disagrees with W {}", ShapeToString(kernel_attr),
                       ShapeToString(w.shape()));
  }
  AORTA_ASSIGN_OR_RETURN(Window win, ResolveWindow(ctx, SpatialDims(x), kernel, false));

  Shape y_shape = {n, m};
  y_shape.insert(y_shape.end(), win.output.begin(), win.output.end());
  Tensor y(DType::kF32, y_shape);

  // ONNX W [M, C/g, k...] is oneDNN's [g, M/g, C/g, k...] with the same bytes.
  Shape w_dims = w.shape();
  if (group > 1) {
    w_dims = {group, m / group, w.dim(1)};
    w_dims.insert(w_dims.end(), kernel.begin(), kernel.end());
  }
  const memory::desc w_plain = PlainDesc(w_dims);
  auto any = [](const Shape& s) { return memory::desc(Dims(s), memory::data_type::f32, tag::any); };
  const memory::desc bias_md = b ? PlainDesc(b->shape()) : memory::desc();
  dnnl::convolution_forward::desc desc(prop_kind::forward_inference, algorithm::convolution_direct,
                                       any(x.shape()), any(w_dims), bias_md, any(y_shape),
                                       Dims(win.strides), OneDnnDilations(win.dilations),
                                       Dims(win.pads_begin), Dims(win.pads_end));
  dnnl::convolution_forward::primitive_desc pd(desc, ctx.engine);
  RunWithReorders<dnnl::convolution_forward::primitive_desc, dnnl::convolution_forward>(
      pd, x, w_plain, w, b, y, ctx);
  return std::vector<Tensor>{std::move(y)};
}

Result<std::vector<Tensor>> ConvTranspose(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(CheckConvInputs(ctx, "C x M/group x k..."));
  const Tensor& x = ctx.In(0);
  const Tensor& w = ctx.In(1);
  const Tensor* b = ctx.Has(2) ? &ctx.In(2) : nullptr;
  AORTA_ASSIGN_OR_RETURN(const DeconvGeometry geo, ResolveDeconv(ctx, x.shape(), w.shape()));
  const int64_t n = x.dim(0), c = x.dim(1);
  const int64_t group = geo.group, m = geo.out_channels;
  if (b != nullptr && (b->rank() != 1 || b->dim(0) != m)) {
    return ctx.Invalid("bias shape {} should be {}", ShapeToString(b->shape()), m);
  }
  const Shape kernel = SpatialDims(w);
  const size_t s = kernel.size();
  const Shape& strides = geo.strides;
  const Shape& dilations = geo.dilations;
  const Shape& output_padding = geo.output_padding;
  const Shape& pb = geo.pads_begin;
  const Shape& pe = geo.pads_end;
  const Shape& out = geo.output;
  // oneDNN has no output_padding: it is extra end rows, i.e. less end padding (possibly below 0:
  // rows that no input reaches and that hold only the bias).
  memory::dims pr;
  for (size_t i = 0; i < s; ++i) pr.push_back(pe[i] - output_padding[i]);

  Shape y_shape = {n, m};
  y_shape.insert(y_shape.end(), out.begin(), out.end());
  Tensor y(DType::kF32, y_shape);

  // ONNX W [C, M/g, k...] is [g][C/g][M/g][k...] in memory; oneDNN wants dims [g, M/g, C/g, k...].
  const int64_t k_elems = ElementCount(kernel);
  memory::dims w_dims, w_strides;
  if (group > 1) {
    w_dims = {group, m / group, c / group};
    w_strides = {(c / group) * (m / group) * k_elems, k_elems, (m / group) * k_elems};
  } else {
    w_dims = {m, c};
    w_strides = {k_elems, m * k_elems};
  }
  int64_t stride = k_elems;
  for (size_t i = 0; i < s; ++i) {
    w_dims.push_back(kernel[i]);
    stride /= kernel[i];
    w_strides.push_back(stride);
  }
  const memory::desc w_plain(w_dims, memory::data_type::f32, w_strides);
  auto any = [](const memory::dims& d) {
    return memory::desc(d, memory::data_type::f32, tag::any);
  };
  const memory::desc bias_md = b ? PlainDesc(b->shape()) : memory::desc();
  dnnl::deconvolution_forward::desc desc(prop_kind::forward_inference,
                                         algorithm::deconvolution_direct, any(Dims(x.shape())),
                                         any(w_dims), bias_md, any(Dims(y_shape)), Dims(strides),
                                         OneDnnDilations(dilations), Dims(pb), pr);
  dnnl::deconvolution_forward::primitive_desc pd(desc, ctx.engine);
  RunWithReorders<dnnl::deconvolution_forward::primitive_desc, dnnl::deconvolution_forward>(
      pd, x, w_plain, w, b, y, ctx);
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterConvKernels(KernelRegistry& r) {
  r["Conv"] = Conv;
  r["ConvTranspose"] = ConvTranspose;
}

}  // namespace aorta::reference
