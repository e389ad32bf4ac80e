// Resize / Upsample in nearest mode with integer scale factors, on oneDNN resampling.
#include <cmath>

#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

// The ONNX source index of output index `o` for integer upscale `s`, for the node's coordinate
// transformation and nearest rounding modes.
Result<int64_t> OnnxNearestIndex(const KernelContext& ctx, const std::string& coord,
                                 const std::string& rounding, int64_t o, int64_t s, int64_t in) {
  double x = 0;
  const double out = static_cast<double>(in * s);
  if (coord == "asymmetric") {
    x = static_cast<double>(o) / static_cast<double>(s);
  } else if (coord == "half_pixel") {
    x = (static_cast<double>(o) + 0.5) / static_cast<double>(s) - 0.5;
  } else if (coord == "pytorch_half_pixel") {
    x = out > 1 ? (static_cast<double>(o) + 0.5) / static_cast<double>(s) - 0.5 : 0.0;
  } else {
    return ctx.NotSupported("coordinate_transformation_mode '{}'", coord);
  }
  double r = 0;
  if (rounding == "round_prefer_floor") {
    r = (x - std::floor(x) == 0.5) ? std::floor(x) : std::round(x);
  } else if (rounding == "round_prefer_ceil") {
    r = (x - std::floor(x) == 0.5) ? std::ceil(x) : std::round(x);
  } else if (rounding == "floor") {
    r = std::floor(x);
  } else if (rounding == "ceil") {
    r = std::ceil(x);
  } else {
    return ctx.NotSupported("nearest_mode '{}'", rounding);
  }
  return std::clamp<int64_t>(static_cast<int64_t>(r), 0, in - 1);
}

// Integer per-dim scales from a 'scales' tensor / attribute or a 'sizes' tensor.
Result<Shape> IntegerScales(const KernelContext& ctx, const Tensor& x,
                            const std::vector<double>& scales, const std::vector<int64_t>& sizes) {
  Shape factors;
  for (int64_t i = 0; i < x.rank(); ++i) {
    const size_t u = static_cast<size_t>(i);
    double f =
        sizes.empty() ? scales[u] : static_cast<double>(sizes[u]) / static_cast<double>(x.dim(i));
    if (!sizes.empty() && sizes[u] % x.dim(i) != 0) f = 0.5;  // forces the error below
    if (f < 1 || std::abs(f - std::round(f)) > 1e-6) {
      return ctx.NotSupported("scale {} on dim {}: only integer upscaling is supported", f, i);
    }
    factors.push_back(static_cast<int64_t>(std::round(f)));
  }
  if (factors.size() < 3 || factors[0] != 1 || factors[1] != 1) {
    return ctx.NotSupported("scales must be 1 on N and C and the input of rank 3-5");
  }
  return factors;
}

Result<std::vector<Tensor>> Resize(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  AORTA_RETURN_IF_ERROR(ctx.RequireF32({0}));
  const ir::Node& node = ctx.node;
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(std::string mode, node.GetString("mode", "nearest"));
  if (mode != "nearest") return ctx.NotSupported("mode '{}' (nearest only)", mode);

  std::vector<double> scales;
  std::vector<int64_t> sizes;
  const bool is_upsample = node.op_type == "Upsample";
  if (is_upsample && ctx.opset < 9) {
    AORTA_ASSIGN_OR_RETURN(std::vector<float> s, node.GetFloats("scales"));
    scales.assign(s.begin(), s.end());
  } else if (is_upsample || ctx.opset < 11) {
    AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
    scales = ctx.In(1).ToDoubles();
  } else {
    if (ctx.Has(3) && ctx.In(3).element_count() > 0) {
      sizes = ctx.In(3).ToInt64s();
    } else if (ctx.Has(2) && ctx.In(2).element_count() > 0) {
      scales = ctx.In(2).ToDoubles();
    } else {
      return ctx.Invalid("needs a non-empty 'scales' or 'sizes' input");
    }
  }
  const size_t want = static_cast<size_t>(x.rank());
  if ((sizes.empty() && scales.size() != want) || (!sizes.empty() && sizes.size() != want)) {
    return ctx.Invalid("scales/sizes have {} entries for input rank {}",
                       sizes.empty() ? scales.size() : sizes.size(), want);
  }
  AORTA_ASSIGN_OR_RETURN(Shape factors, IntegerScales(ctx, x, scales, sizes));

  // oneDNN's nearest picks floor(o / s) for integer s; make sure ONNX's modes agree here.
  std::string coord = "asymmetric", rounding = "floor";
  if (!is_upsample && ctx.opset >= 11) {
    AORTA_ASSIGN_OR_RETURN(coord, node.GetString("coordinate_transformation_mode", "half_pixel"));
    AORTA_ASSIGN_OR_RETURN(rounding, node.GetString("nearest_mode", "round_prefer_floor"));
  }
  for (int64_t i = 2; i < x.rank(); ++i) {
    const int64_t s = factors[static_cast<size_t>(i)];
    for (int64_t o = 0; o < x.dim(i) * s; ++o) {
      AORTA_ASSIGN_OR_RETURN(int64_t src, OnnxNearestIndex(ctx, coord, rounding, o, s, x.dim(i)));
      if (src != o / s) {
        return ctx.NotSupported(
            "coordinate_transformation_mode '{}' with nearest_mode '{}' at "
            "scale {} (only modes equivalent to floor(x / scale))",
            coord, rounding, s);
      }
    }
  }
  Shape y_shape = x.shape();
  for (size_t i = 0; i < y_shape.size(); ++i) y_shape[i] *= factors[i];
  Tensor y(DType::kF32, y_shape);
  dnnl::resampling_forward::desc desc(dnnl::prop_kind::forward_inference,
                                      dnnl::algorithm::resampling_nearest, PlainDesc(x.shape()),
                                      PlainDesc(y_shape));
  dnnl::resampling_forward::primitive_desc pd(desc, ctx.engine);
  ExecuteInto(dnnl::resampling_forward(pd), {{DNNL_ARG_SRC, WrapTensor(x, ctx.engine)}},
              pd.dst_desc(), y, ctx);
  return std::vector<Tensor>{std::move(y)};
}

}  // namespace

void RegisterResizeKernels(KernelRegistry& r) {
  r["Resize"] = Resize;
  r["Upsample"] = Resize;
}

}  // namespace aorta::reference
