// Helpers shared by the reference kernels: axes, broadcasting, padding, window geometry.
#include <algorithm>
#include <cstring>

#include "compiler/reference/kernel.h"

namespace aorta::reference {

Status KernelContext::RequireInputs(size_t count) const {
  for (size_t i = 0; i < count; ++i) {
    if (!Has(i)) return Invalid("missing required input {}", i);
  }
  return Status::Ok();
}

Status KernelContext::RequireF32(std::initializer_list<size_t> f32_inputs) const {
  for (size_t i : f32_inputs) {
    if (Has(i) && In(i).dtype() != DType::kF32) {
      return NotSupported("input {} ('{}') is {}; the fp32 reference runs this op on f32 only", i,
                          node.inputs[i], DTypeName(In(i).dtype()));
    }
  }
  return Status::Ok();
}

Result<int64_t> NormalizeAxis(const KernelContext& ctx, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    return ctx.Invalid("axis {} is out of range for rank {}", axis, rank);
  }
  return axis < 0 ? axis + rank : axis;
}

Result<Shape> NormalizeAxes(const KernelContext& ctx, const Shape& axes, int64_t rank) {
  Shape out;
  for (int64_t a : axes) {
    AORTA_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(ctx, a, rank));
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      return ctx.Invalid("axis {} is repeated", a);
    }
    out.push_back(n);
  }
  return out;
}

Result<Shape> BroadcastShapes(const KernelContext& ctx, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const int64_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1) {
      return ctx.Invalid("shapes {} and {} do not broadcast", ShapeToString(a), ShapeToString(b));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape PlainStrides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

namespace {
// `n` elements of `Bytes` bytes, `stride` elements apart in `src`, to consecutive ones in `dst`.
template <size_t Bytes>
void GatherRow(std::byte* dst, const std::byte* src, int64_t n, int64_t stride) {
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(dst + i * static_cast<int64_t>(Bytes),
                src + i * stride * static_cast<int64_t>(Bytes), Bytes);
}
}  // namespace

Tensor StridedGather(const Tensor& src, const Shape& out_shape, const Shape& src_strides,
                     int64_t src_offset) {
  Tensor out(src.dtype(), out_shape);
  const int64_t count = out.element_count();
  if (count == 0) return out;
  const size_t rank = out_shape.size();
  const size_t esize = DTypeSize(src.dtype());
  // Rows along the last dimension (a scalar is one row of one element), the outer dimensions
  // stepped like an odometer.
  const int64_t row = rank == 0 ? 1 : out_shape[rank - 1];
  const int64_t step = rank == 0 ? 0 : src_strides[rank - 1];
  auto gather = [&](std::byte* dst, const std::byte* from) {
    switch (esize) {  // the sizes DTypeSize gives; any other by the plain loop
      case 1:
        return GatherRow<1>(dst, from, row, step);
      case 4:
        return GatherRow<4>(dst, from, row, step);
      case 8:
        return GatherRow<8>(dst, from, row, step);
      default:
        for (int64_t i = 0; i < row; ++i)
          std::memcpy(dst + i * static_cast<int64_t>(esize),
                      from + i * step * static_cast<int64_t>(esize), esize);
    }
  };
  std::vector<int64_t> idx(rank, 0);
  int64_t at = src_offset;
  const auto e = static_cast<int64_t>(esize);
  for (int64_t flat = 0; flat < count; flat += row) {
    gather(out.raw_data() + flat * e, src.raw_data() + at * e);
    // Odometer increment of the outer dimensions.
    for (size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
      at += src_strides[d];
      if (++idx[d] < out_shape[d]) break;
      at -= src_strides[d] * out_shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

Tensor ExpandTo(const Tensor& t, const Shape& shape) {
  const size_t rank = shape.size();
  // Source strides aligned to the output's dims, 0 on broadcast dims.
  const Shape src_plain = PlainStrides(t.shape());
  Shape src_strides(rank, 0);
  for (size_t i = 0; i < t.shape().size(); ++i) {
    const size_t o = rank - t.shape().size() + i;
    src_strides[o] = t.shape()[i] == 1 ? 0 : src_plain[i];
  }
  return StridedGather(t, shape, src_strides, 0);
}

Tensor PadConstant(const Tensor& t, const Shape& pads_begin, const Shape& pads_end, double value) {
  const size_t rank = t.shape().size();
  Shape out_shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    out_shape[i] = std::max<int64_t>(0, t.shape()[i] + pads_begin[i] + pads_end[i]);
  }
  Tensor fill = Tensor::Scalar<double>(value).CastTo(t.dtype());
  Tensor out = ExpandTo(fill, out_shape);
  const size_t esize = DTypeSize(t.dtype());
  const Shape src_strides = PlainStrides(t.shape());
  std::vector<int64_t> idx(rank, 0);
  for (int64_t flat = 0; flat < out.element_count(); ++flat) {
    int64_t src = 0;
    bool inside = true;
    for (size_t d = 0; d < rank; ++d) {
      const int64_t s = idx[d] - pads_begin[d];
      if (s < 0 || s >= t.shape()[d]) {
        inside = false;
        break;
      }
      src += s * src_strides[d];
    }
    if (inside) std::memcpy(out.raw_data() + flat * esize, t.raw_data() + src * esize, esize);
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out_shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

Result<Window> ResolveWindow(const KernelContext& ctx, const Shape& in, const Shape& kernel,
                             bool ceil_mode) {
  const ir::Node& node = ctx.node;
  const size_t n = in.size();
  Window w;
  if (!kernel.empty()) {
    w.kernel = kernel;
  } else {
    AORTA_ASSIGN_OR_RETURN(w.kernel, node.GetInts("kernel_shape"));
  }
  AORTA_ASSIGN_OR_RETURN(w.strides, node.GetInts("strides", Shape(n, 1)));
  AORTA_ASSIGN_OR_RETURN(w.dilations, node.GetInts("dilations", Shape(n, 1)));
  AORTA_ASSIGN_OR_RETURN(Shape pads, node.GetInts("pads", Shape(2 * n, 0)));
  AORTA_ASSIGN_OR_RETURN(std::string auto_pad, node.GetString("auto_pad", "NOTSET"));
  if (w.kernel.size() != n || w.strides.size() != n || w.dilations.size() != n ||
      pads.size() != 2 * n) {
    return ctx.Invalid(
        "kernel_shape / strides / dilations / pads sizes ({}, {}, {}, {}) do not "
        "match {} spatial dims",
        w.kernel.size(), w.strides.size(), w.dilations.size(), pads.size(), n);
  }
  w.pads_begin.assign(pads.begin(), pads.begin() + static_cast<ptrdiff_t>(n));
  w.pads_end.assign(pads.begin() + static_cast<ptrdiff_t>(n), pads.end());
  w.output.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilations[i] <= 0) {
      return ctx.Invalid("kernel, strides and dilations must be positive");
    }
    const int64_t ext = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w.output[i] = (in[i] + w.strides[i] - 1) / w.strides[i];
      const int64_t total = std::max<int64_t>(0, (w.output[i] - 1) * w.strides[i] + ext - in[i]);
      w.pads_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pads_end[i] = total - w.pads_begin[i];
      continue;
    }
    if (auto_pad == "VALID") {
      w.pads_begin[i] = w.pads_end[i] = 0;
    } else if (auto_pad != "NOTSET") {
      return ctx.Invalid("unknown auto_pad '{}'", auto_pad);
    }
    const int64_t span = in[i] + w.pads_begin[i] + w.pads_end[i] - ext;
    if (span < 0) {
      return ctx.Invalid("window {} (dilated) is larger than the padded input {} in spatial dim {}",
                         ext, in[i] + w.pads_begin[i] + w.pads_end[i], i);
    }
    w.output[i] = (ceil_mode ? (span + w.strides[i] - 1) / w.strides[i] : span / w.strides[i]) + 1;
    // A last window that would start in the end padding is dropped (ONNX / PyTorch rule).
    if (ceil_mode && (w.output[i] - 1) * w.strides[i] >= in[i] + w.pads_begin[i]) --w.output[i];
    // oneDNN wants the end padding that the output size implies.
    w.pads_end[i] =
        std::max(w.pads_end[i], (w.output[i] - 1) * w.strides[i] + ext - in[i] - w.pads_begin[i]);
  }
  return w;
}

Result<DeconvGeometry> ResolveDeconv(const KernelContext& ctx, const Shape& x, const Shape& w) {
  const ir::Node& node = ctx.node;
  DeconvGeometry g;
  AORTA_ASSIGN_OR_RETURN(g.group, node.GetInt("group", 1));
  if (g.group <= 0 || x[1] % g.group != 0 || w[0] != x[1]) {
    return ctx.Invalid("group {} does not fit X channels {} and W {}", g.group, x[1],
                       ShapeToString(w));
  }
  g.out_channels = w[1] * g.group;
  const size_t s = x.size() - 2;
  AORTA_ASSIGN_OR_RETURN(g.strides, node.GetInts("strides", Shape(s, 1)));
  AORTA_ASSIGN_OR_RETURN(g.dilations, node.GetInts("dilations", Shape(s, 1)));
  AORTA_ASSIGN_OR_RETURN(Shape pads, node.GetInts("pads", Shape(2 * s, 0)));
  AORTA_ASSIGN_OR_RETURN(g.output_padding, node.GetInts("output_padding", Shape(s, 0)));
  AORTA_ASSIGN_OR_RETURN(Shape output_shape, node.GetInts("output_shape", {}));
  AORTA_ASSIGN_OR_RETURN(std::string auto_pad, node.GetString("auto_pad", "NOTSET"));
  if (g.strides.size() != s || g.dilations.size() != s || pads.size() != 2 * s ||
      g.output_padding.size() != s || (!output_shape.empty() && output_shape.size() != s)) {
    return ctx.Invalid(
        "strides / dilations / pads / output_padding / output_shape sizes do not match {} spatial "
        "dims",
        s);
  }
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" &&
      auto_pad != "SAME_LOWER") {
    return ctx.Invalid("unknown auto_pad '{}'", auto_pad);
  }
  g.pads_begin.assign(pads.begin(), pads.begin() + static_cast<ptrdiff_t>(s));
  g.pads_end.assign(pads.begin() + static_cast<ptrdiff_t>(s), pads.end());
  g.output.resize(s);
  for (size_t i = 0; i < s; ++i) {
    if (g.strides[i] <= 0 || g.dilations[i] <= 0)
      return ctx.Invalid("strides and dilations must be positive");
    if (g.output_padding[i] < 0 || g.output_padding[i] >= std::max(g.strides[i], g.dilations[i])) {
      return ctx.Invalid("output_padding {} must be below stride or dilation", g.output_padding[i]);
    }
    const int64_t ext = (w[i + 2] - 1) * g.dilations[i] + 1;
    const int64_t full = g.strides[i] * (x[i + 2] - 1) + g.output_padding[i] + ext;
    const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
    if (!output_shape.empty() || same) {
      const int64_t target = output_shape.empty() ? x[i + 2] * g.strides[i] : output_shape[i];
      const int64_t total = full - target;
      if (total < 0) return ctx.Invalid("output_shape {} is too large (at most {})", target, full);
      // ONNX: SAME_UPPER puts the odd pixel at the end, everything else at the beginning.
      g.pads_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.pads_end[i] = total - g.pads_begin[i];
    } else if (auto_pad == "VALID") {
      g.pads_begin[i] = g.pads_end[i] = 0;
    }
    g.output[i] = full - g.pads_begin[i] - g.pads_end[i];
    if (g.output[i] <= 0) return ctx.Invalid("output spatial size {} in dim {}", g.output[i], i);
  }
  return g;
}

}  // namespace aorta::reference
