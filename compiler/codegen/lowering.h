// Internal to compiler/codegen: what the per-op lowerings share (docs/compiler.md, "Code
// generation"). One lowering function per op family: lower_matrix.cc (Conv, Gemm), lower_vector.cc
// (element-wise, activations, pooling).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/codegen/constants.h"
#include "compiler/ir.h"
#include "compiler/quantize.h"
#include "compiler/reference/kernel.h"
#include "core/config.h"
#include "core/isa/isa.h"
#include "core/status.h"

namespace aorta::codegen {

// Field limits of the ISA (docs/isa.md tables).
inline constexpr int64_t kMaxDim = 4095;       // u12 image dims
inline constexpr int64_t kMaxMatStride = 15;   // u4 MATMUL / DWCONV strides
inline constexpr int64_t kMaxDwKernel = 15;    // u4 DWCONV kernel and dilation
inline constexpr int64_t kMaxPoolField = 255;  // u8 POOL kernel, stride, padding
inline constexpr int64_t kMaxOffset = 4095;    // s13 y_off / x_off

// A tensor in the unified buffer: ceil(c / n) planes of h*w rows from `addr`.
struct TensorPlace {
  uint64_t addr = 0;
  int64_t c = 0, h = 0, w = 0;
  uint32_t blocks = 0;
  uint64_t plane() const { return static_cast<uint64_t>(h * w); }
  uint64_t rows() const { return blocks * plane(); }
};

// The EX instructions of one layer and what it costs.
struct LayerCode {
  std::vector<isa::Insn> insns;
  uint64_t cycles = 0;  // the cycle model (docs/compiler.md)
  uint64_t macs = 0;
  uint32_t passes = 0;
  void Add(isa::Insn insn, uint64_t cost) {
    insns.push_back(std::move(insn));
    cycles += cost;
  }
};

struct LowerContext {
  const quant::QuantizedGraph& q;
  const ChipGeometry& g;
  ConstantImage& consts;
  uint32_t bank = 0;      // the weight bank the next LOADW fills (alternating)
  uint32_t acc_half = 0;  // the accumulator half the next tile uses (alternating)
};

// The operands of one node in the unified buffer.
struct LayerIo {
  const TensorPlace* in = nullptr;   // input 0 (operand a)
  const TensorPlace* in2 = nullptr;  // a second activation operand (element-wise b, residual)
  const TensorPlace* out = nullptr;
  const TensorPlace* temp = nullptr;  // fused residual: the base result before the add
  const TensorPlace* sum = nullptr;   // fused residual + LeakyRelu / LUT: the add's result
};

// The quantized form of `node`, of type T (Internal if the quantizer gave it none: support and
// quantization disagree).
template <typename T>
Result<const T*> QuantizedAs(const LowerContext& ctx, const ir::Node& node) {
  auto it = ctx.q.ops.find(node.name);
  if (it == ctx.q.ops.end() || !std::holds_alternative<T>(it->second))
    return Internal("{}: the quantizer gave it no form for this lowering", node.Describe());
  return &std::get<T>(it->second);
}

// Conv / Gemm window: kernel, strides, dilations, pads of a node whose input has spatial dims
// `in` (the fp32 reference's ResolveWindow, so auto_pad and ceil_mode mean what they mean there).
Result<reference::Window> NodeWindow(const ir::Graph& graph, const ir::Node& node, const Shape& in,
                                     const Shape& kernel, bool ceil_mode);

// The static shape of a value.
Result<Shape> ShapeOf(const ir::Graph& graph, const std::string& value);

Status LowerMatrix(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code);
Status LowerEltwise(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code);
Status LowerPool(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code);

// Whether a matrix op runs as DWCONV (groups == channels, one output per channel, kernel and
// dilation within DWCONV's fields).
bool IsDepthwise(const quant::QuantizedMatrixOp& m, int64_t dil_h, int64_t dil_w);

inline uint32_t Blocks(int64_t c, uint32_t n) { return static_cast<uint32_t>((c + n - 1) / n); }

}  // namespace aorta::codegen
