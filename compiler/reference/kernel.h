// The op kernels of the fp32 reference executor and what they share.
//
// A kernel reads its node's inputs and attributes from a KernelContext and returns the node's
// outputs. Kernels use oneDNN primitives for everything oneDNN has (conv, deconv, matmul,
// pooling, eltwise, binary, batchnorm, softmax, resampling, concat) and plain C++ only for layout
// and shape ops. oneDNN exceptions are caught by the executor and reported with the node.
#pragma once

#include <dnnl.hpp>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::reference {

struct KernelContext {
  const ir::Node& node;
  int64_t opset;                      // default-domain opset of the graph
  std::vector<const Tensor*> inputs;  // nullptr for omitted optional inputs
  dnnl::engine& engine;
  dnnl::stream& stream;

  bool Has(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
  const Tensor& In(size_t i) const { return *inputs[i]; }
  // Errors prefixed with the node ("Conv node 'c1': ...").
  template <typename... Args>
  Status Invalid(fmt::format_string<Args...> f, Args&&... args) const {
    return InvalidArgument("{}: {}", node.Describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  Status NotSupported(fmt::format_string<Args...> f, Args&&... args) const {
    return Unsupported("{}: {}", node.Describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  // Checks that inputs [0, count) are present and input i is f32 for each i in `f32_inputs`.
  Status RequireInputs(size_t count) const;
  Status RequireF32(std::initializer_list<size_t> f32_inputs) const;
};

using Kernel = Result<std::vector<Tensor>> (*)(KernelContext& ctx);
using KernelRegistry = std::map<std::string, Kernel>;

// Every op the reference runs, by op_type (default ONNX domain).
const KernelRegistry& Kernels();

// Registration, one function per kernel file.
void RegisterConvKernels(KernelRegistry& r);
void RegisterMatMulKernels(KernelRegistry& r);
void RegisterPoolKernels(KernelRegistry& r);
void RegisterElementwiseKernels(KernelRegistry& r);
void RegisterNormalizationKernels(KernelRegistry& r);
void RegisterResizeKernels(KernelRegistry& r);
void RegisterConcatKernels(KernelRegistry& r);
void RegisterShapeKernels(KernelRegistry& r);
void RegisterReduceKernels(KernelRegistry& r);
void RegisterControlFlowKernels(KernelRegistry& r);

// ---- shared helpers (kernel_util.cc) ----------------------------------------------------------

// axis in [-rank, rank) -> [0, rank).
Result<int64_t> NormalizeAxis(const KernelContext& ctx, int64_t axis, int64_t rank);
// Each axis normalized; duplicates are an error.
Result<Shape> NormalizeAxes(const KernelContext& ctx, const Shape& axes, int64_t rank);
// numpy broadcasting of two shapes.
Result<Shape> BroadcastShapes(const KernelContext& ctx, const Shape& a, const Shape& b);
// C-order strides (in elements).
Shape PlainStrides(const Shape& shape);
// out[i...] = src[src_offset + sum(i_d * src_strides[d])]: transposes, slices, broadcasts.
Tensor StridedGather(const Tensor& src, const Shape& out_shape, const Shape& src_strides,
                     int64_t src_offset);
// `t` broadcast (numpy rules) to `shape`, materialized; any dtype.
Tensor ExpandTo(const Tensor& t, const Shape& shape);
// Constant padding (negative pads crop); pads_begin / pads_end have one entry per dim.
Tensor PadConstant(const Tensor& t, const Shape& pads_begin, const Shape& pads_end, double value);

// The sliding-window geometry of Conv / pooling, per spatial dim.
struct Window {
  Shape kernel, strides, dilations, pads_begin, pads_end, output;
};
// Reads kernel_shape (or `kernel` if given), strides, dilations, pads and auto_pad for a node
// whose input has spatial dims `in`; ceil_mode rounds the output size up as pooling does (the
// extra window positions become extra end padding).
Result<Window> ResolveWindow(const KernelContext& ctx, const Shape& in, const Shape& kernel,
                             bool ceil_mode);

// The geometry of ConvTranspose for X [N, C, in...] and W [C, M/group, k...]: group, output
// channels M, and per spatial dim strides, dilations, output_padding, the begin / end padding
// that auto_pad or output_shape imply, and the output size. Checks every attribute.
struct DeconvGeometry {
  int64_t group = 1;
  int64_t out_channels = 0;
  Shape strides, dilations, output_padding, pads_begin, pads_end, output;
};
Result<DeconvGeometry> ResolveDeconv(const KernelContext& ctx, const Shape& x, const Shape& w);

// ---- oneDNN glue (dnnl_util.cc) ----------------------------------------------------------------

// Plain (C-order) f32 descriptor; rank-0 tensors become {1}.
dnnl::memory::desc PlainDesc(const Shape& shape,
                             dnnl::memory::data_type dt = dnnl::memory::data_type::f32);
// A oneDNN memory aliasing the tensor's bytes (the tensor must outlive it).
dnnl::memory WrapTensor(const Tensor& t, const dnnl::engine& engine);
dnnl::memory WrapTensor(const Tensor& t, const dnnl::memory::desc& desc,
                        const dnnl::engine& engine);
// `user` in the layout `want` (a reorder if they differ).
dnnl::memory Reordered(const dnnl::memory& user, const dnnl::memory::desc& want,
                       dnnl::engine& engine, dnnl::stream& stream);
// Runs a primitive whose DST may be in a blocked layout: writes the result into `out` (plain).
void ExecuteInto(const dnnl::primitive& prim, std::unordered_map<int, dnnl::memory> args,
                 const dnnl::memory::desc& dst_desc, Tensor& out, KernelContext& ctx);

}  // namespace aorta::reference
