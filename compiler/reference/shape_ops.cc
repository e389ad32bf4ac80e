// Layout and shape ops in plain C++: Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Pad,
// Shape, Gather, Cast, Constant, Identity, Dropout (inference), Slice.
#include <fmt/ranges.h>

#include <cstring>

#include "compiler/onnx_tensor.h"
#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

using Outputs = std::vector<Tensor>;

Result<Outputs> One(Result<Tensor> t) {
  if (!t.ok()) return t.status();
  return Outputs{std::move(t).value()};
}

// An integer tensor input (shape, axes, pads ...) as int64 values.
Result<Shape> IntsInput(const KernelContext& ctx, size_t i) {
  const Tensor& t = ctx.In(i);
  if (t.dtype() != DType::kI64 && t.dtype() != DType::kI32) {
    return ctx.Invalid("input {} ('{}') must be int64 or int32, got {}", i, ctx.node.inputs[i],
                       DTypeName(t.dtype()));
  }
  return t.ToInt64s();
}

Result<Outputs> Reshape(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  Shape target;
  if (ctx.opset < 5) {
    AORTA_ASSIGN_OR_RETURN(target, ctx.node.GetInts("shape"));
  } else {
    AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
    AORTA_ASSIGN_OR_RETURN(target, IntsInput(ctx, 1));
  }
  AORTA_ASSIGN_OR_RETURN(int64_t allowzero, ctx.node.GetInt("allowzero", 0));
  int64_t infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && allowzero == 0) {
      if (static_cast<int64_t>(i) >= x.rank())
        return ctx.Invalid("0 at dim {} beyond input rank", i);
      target[i] = x.dim(static_cast<int64_t>(i));
    }
    if (target[i] == -1) {
      if (infer >= 0) return ctx.Invalid("more than one -1 in shape");
      infer = static_cast<int64_t>(i);
    } else if (target[i] < 0) {
      return ctx.Invalid("negative dim {} in shape", target[i]);
    } else {
      known *= target[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.element_count() % known != 0) {
      return ctx.Invalid("cannot infer -1 reshaping {} to {}", ShapeToString(x.shape()),
                         fmt::join(target, "x"));
    }
    target[static_cast<size_t>(infer)] = x.element_count() / known;
  }
  auto r = x.Reshaped(target);
  if (!r.ok()) return r.status().WithContext(ctx.node.Describe());
  return Outputs{std::move(r).value()};
}

Result<Outputs> Flatten(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node.GetInt("axis", 1));
  // axis may equal rank here (everything in the first dim).
  if (axis_attr < -x.rank() || axis_attr > x.rank()) {
    return ctx.Invalid("axis {} is out of range for rank {}", axis_attr, x.rank());
  }
  const int64_t axis = axis_attr < 0 ? axis_attr + x.rank() : axis_attr;
  const int64_t outer = ElementCount(Shape(x.shape().begin(), x.shape().begin() + axis));
  return One(x.Reshaped({outer, x.element_count() / std::max<int64_t>(outer, 1)}));
}

Result<Outputs> Transpose(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  Shape reversed;
  for (int64_t i = x.rank(); i-- > 0;) reversed.push_back(i);
  AORTA_ASSIGN_OR_RETURN(Shape perm_attr, ctx.node.GetInts("perm", reversed));
  if (static_cast<int64_t>(perm_attr.size()) != x.rank()) {
    return ctx.Invalid("perm has {} entries for rank {}", perm_attr.size(), x.rank());
  }
  AORTA_ASSIGN_OR_RETURN(Shape perm, NormalizeAxes(ctx, perm_attr, x.rank()));
  const Shape in_strides = PlainStrides(x.shape());
  Shape out_shape, strides;
  for (int64_t p : perm) {
    out_shape.push_back(x.dim(p));
    strides.push_back(in_strides[static_cast<size_t>(p)]);
  }
  return Outputs{StridedGather(x, out_shape, strides, 0)};
}

// Squeeze / Unsqueeze axes: an attribute before opset 13, an input from 13 on.
Result<std::optional<Shape>> AxesArgument(const KernelContext& ctx, size_t input) {
  if (ctx.opset < 13) {
    if (!ctx.node.HasAttribute("axes")) return std::optional<Shape>();
    AORTA_ASSIGN_OR_RETURN(Shape axes, ctx.node.GetInts("axes"));
    return std::optional<Shape>(axes);
  }
  if (!ctx.Has(input)) return std::optional<Shape>();
  AORTA_ASSIGN_OR_RETURN(Shape axes, IntsInput(ctx, input));
  return std::optional<Shape>(axes);
}

Result<Outputs> Squeeze(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(std::optional<Shape> axes_arg, AxesArgument(ctx, 1));
  Shape axes;
  if (axes_arg) {
    AORTA_ASSIGN_OR_RETURN(axes, NormalizeAxes(ctx, *axes_arg, x.rank()));
  } else {
    for (int64_t i = 0; i < x.rank(); ++i) {
      if (x.dim(i) == 1) axes.push_back(i);
    }
  }
  Shape out;
  for (int64_t i = 0; i < x.rank(); ++i) {
    const bool squeeze = std::find(axes.begin(), axes.end(), i) != axes.end();
    if (squeeze && x.dim(i) != 1) {
      return ctx.Invalid("cannot squeeze dim {} of size {}", i, x.dim(i));
    }
    if (!squeeze) out.push_back(x.dim(i));
  }
  return One(x.Reshaped(out));
}

Result<Outputs> Unsqueeze(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(std::optional<Shape> axes_arg, AxesArgument(ctx, 1));
  if (!axes_arg) return ctx.Invalid("needs axes");
  const int64_t out_rank = x.rank() + static_cast<int64_t>(axes_arg->size());
  AORTA_ASSIGN_OR_RETURN(Shape axes, NormalizeAxes(ctx, *axes_arg, out_rank));
  Shape out;
  int64_t next = 0;
  for (int64_t i = 0; i < out_rank; ++i) {
    if (std::find(axes.begin(), axes.end(), i) != axes.end()) {
      out.push_back(1);
    } else {
      out.push_back(x.dim(next++));
    }
  }
  return One(x.Reshaped(out));
}

Result<Outputs> Pad(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(std::string mode, ctx.node.GetString("mode", "constant"));
  if (mode != "constant") return ctx.NotSupported("mode '{}' (constant only)", mode);
  Shape pads;
  double value = 0;
  if (ctx.opset < 11) {
    AORTA_ASSIGN_OR_RETURN(pads, ctx.node.GetInts(ctx.opset < 2 ? "paddings" : "pads"));
    AORTA_ASSIGN_OR_RETURN(float v, ctx.node.GetFloat("value", 0.0f));
    value = v;
  } else {
    AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
    AORTA_ASSIGN_OR_RETURN(pads, IntsInput(ctx, 1));
    if (ctx.Has(2) && ctx.In(2).element_count() > 0) value = ctx.In(2).ToDoubles()[0];
  }
  const size_t rank = static_cast<size_t>(x.rank());
  Shape begin(rank, 0), end(rank, 0);
  if (ctx.Has(3)) {  // opset 18 axes
    AORTA_ASSIGN_OR_RETURN(Shape axes_in, IntsInput(ctx, 3));
    AORTA_ASSIGN_OR_RETURN(Shape axes, NormalizeAxes(ctx, axes_in, x.rank()));
    if (pads.size() != 2 * axes.size()) return ctx.Invalid("pads do not match axes");
    for (size_t i = 0; i < axes.size(); ++i) {
      begin[static_cast<size_t>(axes[i])] = pads[i];
      end[static_cast<size_t>(axes[i])] = pads[i + axes.size()];
    }
  } else {
    if (pads.size() != 2 * rank) {
      return ctx.Invalid("pads has {} entries for rank {}", pads.size(), rank);
    }
    begin.assign(pads.begin(), pads.begin() + static_cast<ptrdiff_t>(rank));
    end.assign(pads.begin() + static_cast<ptrdiff_t>(rank), pads.end());
  }
  return Outputs{PadConstant(x, begin, end, value)};
}

Result<Outputs> ShapeOp(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const int64_t rank = ctx.In(0).rank();
  AORTA_ASSIGN_OR_RETURN(int64_t start, ctx.node.GetInt("start", 0));
  AORTA_ASSIGN_OR_RETURN(int64_t end, ctx.node.GetInt("end", rank));
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  const Shape& s = ctx.In(0).shape();
  return Outputs{
      Tensor::FromVector<int64_t>({end - start}, Shape(s.begin() + start, s.begin() + end))};
}

Result<Outputs> Gather(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(2));
  const Tensor& data = ctx.In(0);
  AORTA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node.GetInt("axis", 0));
  AORTA_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(ctx, axis_attr, data.rank()));
  AORTA_ASSIGN_OR_RETURN(Shape indices, IntsInput(ctx, 1));
  const int64_t n = data.dim(axis);
  Shape out_shape(data.shape().begin(), data.shape().begin() + axis);
  const Shape& ishape = ctx.In(1).shape();
  out_shape.insert(out_shape.end(), ishape.begin(), ishape.end());
  out_shape.insert(out_shape.end(), data.shape().begin() + axis + 1, data.shape().end());
  Tensor y(data.dtype(), out_shape);
  const int64_t outer = ElementCount(Shape(data.shape().begin(), data.shape().begin() + axis));
  const size_t block = static_cast<size_t>(ElementCount(
                           Shape(data.shape().begin() + axis + 1, data.shape().end()))) *
                       DTypeSize(data.dtype());
  std::byte* dst = y.raw_data();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t idx : indices) {
      if (idx < -n || idx >= n) return ctx.Invalid("index {} out of range [{}, {})", idx, -n, n);
      const int64_t i = idx < 0 ? idx + n : idx;
      std::memcpy(dst, data.raw_data() + static_cast<size_t>(o * n + i) * block, block);
      dst += block;
    }
  }
  return Outputs{std::move(y)};
}

Result<Outputs> Cast(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  AORTA_ASSIGN_OR_RETURN(int64_t to, ctx.node.GetInt("to"));
  AORTA_ASSIGN_OR_RETURN(
      DType dtype, onnx_convert::DTypeFromOnnx(static_cast<int32_t>(to), ctx.node.Describe()));
  return Outputs{ctx.In(0).CastTo(dtype)};
}

Result<Outputs> Constant(KernelContext& ctx) {
  const ir::Node& n = ctx.node;
  if (n.HasAttribute("value")) return One(n.GetTensor("value"));
  if (n.HasAttribute("value_float")) {
    AORTA_ASSIGN_OR_RETURN(float v, n.GetFloat("value_float", 0));
    return Outputs{Tensor::Scalar<float>(v)};
  }
  if (n.HasAttribute("value_int")) {
    AORTA_ASSIGN_OR_RETURN(int64_t v, n.GetInt("value_int"));
    return Outputs{Tensor::Scalar<int64_t>(v)};
  }
  if (n.HasAttribute("value_floats")) {
    AORTA_ASSIGN_OR_RETURN(std::vector<float> v, n.GetFloats("value_floats"));
    return Outputs{Tensor::FromVector<float>({static_cast<int64_t>(v.size())}, v)};
  }
  if (n.HasAttribute("value_ints")) {
    AORTA_ASSIGN_OR_RETURN(Shape v, n.GetInts("value_ints"));
    return Outputs{Tensor::FromVector<int64_t>({static_cast<int64_t>(v.size())}, v)};
  }
  return ctx.NotSupported("needs one of value, value_float(s), value_int(s)");
}

// ConstantOfShape: a tensor of the shape given by input 0, filled with attribute `value`
// (one element; default f32 0).
Result<Outputs> ConstantOfShape(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  Tensor fill = Tensor::Scalar<float>(0.0f);
  if (ctx.node.HasAttribute("value")) {
    AORTA_ASSIGN_OR_RETURN(fill, ctx.node.GetTensor("value"));
    if (fill.element_count() != 1)
      return ctx.Invalid("attribute 'value' must hold one element, has shape {}",
                         ShapeToString(fill.shape()));
  }
  const Shape shape = ctx.In(0).ToInt64s();
  for (int64_t d : shape)
    if (d < 0) return ctx.Invalid("negative dim {} in shape", d);
  AORTA_ASSIGN_OR_RETURN(Tensor scalar, fill.Reshaped({}));
  Tensor out(fill.dtype(), shape);
  const size_t esize = DTypeSize(fill.dtype());
  for (int64_t i = 0; i < out.element_count(); ++i)
    std::copy_n(scalar.raw_data(), esize, out.raw_data() + static_cast<size_t>(i) * esize);
  return Outputs{std::move(out)};
}

Result<Outputs> Identity(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  if (ctx.node.op_type == "Dropout" && ctx.node.outputs.size() > 1 &&
      !ctx.node.outputs[1].empty()) {
    return ctx.NotSupported("the mask output (inference only)");
  }
  return Outputs{ctx.In(0)};
}

Result<Outputs> Slice(KernelContext& ctx) {
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(1));
  const Tensor& x = ctx.In(0);
  Shape starts, ends, axes_arg, steps;
  if (ctx.opset < 10) {
    AORTA_ASSIGN_OR_RETURN(starts, ctx.node.GetInts("starts"));
    AORTA_ASSIGN_OR_RETURN(ends, ctx.node.GetInts("ends"));
    AORTA_ASSIGN_OR_RETURN(axes_arg, ctx.node.GetInts("axes", {}));
  } else {
    AORTA_RETURN_IF_ERROR(ctx.RequireInputs(3));
    AORTA_ASSIGN_OR_RETURN(starts, IntsInput(ctx, 1));
    AORTA_ASSIGN_OR_RETURN(ends, IntsInput(ctx, 2));
    if (ctx.Has(3)) {
      AORTA_ASSIGN_OR_RETURN(axes_arg, IntsInput(ctx, 3));
    }
    if (ctx.Has(4)) {
      AORTA_ASSIGN_OR_RETURN(steps, IntsInput(ctx, 4));
    }
  }
  if (axes_arg.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes_arg.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes_arg.size() != starts.size() ||
      steps.size() != starts.size()) {
    return ctx.Invalid("starts, ends, axes and steps differ in length");
  }
  AORTA_ASSIGN_OR_RETURN(Shape axes, NormalizeAxes(ctx, axes_arg, x.rank()));
  Shape out_shape = x.shape();
  const Shape plain = PlainStrides(x.shape());
  Shape strides = plain;
  int64_t offset = 0;
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t a = static_cast<size_t>(axes[i]);
    const int64_t dim = x.shape()[a];
    const int64_t step = steps[i];
    if (step == 0) return ctx.Invalid("step 0 on axis {}", axes[i]);
    int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      out_shape[a] = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      out_shape[a] = start > end ? (start - end - step - 1) / -step : 0;
    }
    if (out_shape[a] > 0) offset += start * plain[a];
    strides[a] = plain[a] * step;
  }
  if (ElementCount(out_shape) == 0) return Outputs{Tensor(x.dtype(), out_shape)};
  return Outputs{StridedGather(x, out_shape, strides, offset)};
}

}  // namespace

void RegisterShapeKernels(KernelRegistry& r) {
  r["Reshape"] = Reshape;
  r["Flatten"] = Flatten;
  r["Transpose"] = Transpose;
  r["Squeeze"] = Squeeze;
  r["Unsqueeze"] = Unsqueeze;
  r["Pad"] = Pad;
  r["Shape"] = ShapeOp;
  r["Gather"] = Gather;
  r["Cast"] = Cast;
  r["Constant"] = Constant;
  r["Identity"] = Identity;
  r["ConstantOfShape"] = ConstantOfShape;
  r["Dropout"] = Identity;
  r["Slice"] = Slice;
}

}  // namespace aorta::reference
