// Internal to compiler/codegen: what the per-op lowerings share (docs/compiler.md, "Code
// generation"). One lowering function per op family: lower_matrix.cc (Conv, Gemm), lower_vector.cc
// (element-wise, activations, pooling).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
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
inline constexpr int64_t kMaxDim = 4095;        // u12 image dims
inline constexpr int64_t kMaxMatStride = 15;    // u4 MATMUL / DWCONV strides
inline constexpr int64_t kMaxDwKernel = 15;     // u4 DWCONV kernel and dilation
inline constexpr int64_t kMaxPoolField = 255;   // u8 POOL kernel, stride, padding
inline constexpr int64_t kMaxOffset = 4095;     // s13 y_off / x_off
inline constexpr int64_t kMaxResizeScale = 15;  // u4 RESIZE scale_h / scale_w

// A tensor in the unified buffer: ceil(c / n) planes of h*w rows from `addr`.
struct TensorPlace {
  uint64_t addr = 0;
  int64_t c = 0, h = 0, w = 0;
  uint32_t blocks = 0;
  uint64_t plane() const { return static_cast<uint64_t>(h * w); }
  uint64_t rows() const { return blocks * plane(); }
};

// Rows [y0, y0 + h) of every block of a tensor in the unified buffer (the whole tensor, or a tile
// of it staged from DRAM): row y0 of block b is at addr + b * block_stride. A window read of the
// view treats rows outside it as outside the image, which they are when the view holds every
// in-image row the window reads (WindowRows).
struct RowView {
  uint64_t addr = 0, block_stride = 0;
  int64_t y0 = 0, h = 0, w = 0;
  static RowView Whole(const TensorPlace& t) { return {t.addr, t.plane(), 0, t.h, t.w}; }
};

// Output rows per accumulator tile of a matrix op: a tile fills at most one half of the
// accumulator (the halves alternate, so post-processing one tile can overlap the passes of the
// next). An output row wider than half the accumulator: 1 (EmitMatrixTile splits the row into
// column pieces).
Result<int64_t> AccTileRows(const ir::Node& node, const TensorPlace& out, const ChipGeometry& g);

// The in-image input rows [first, last) that output rows [oy0, oy0 + th) of a window op read
// (row oy * stride + off + k * dil for k < taps); one row when every tap is outside the image.
std::pair<int64_t, int64_t> WindowRows(int64_t oy0, int64_t th, int64_t stride, int64_t off,
                                       int64_t k, int64_t dil, int64_t in_h);

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
// ConvTranspose geometry (strides, dilations, begin / end padding, output size) of a node.
Result<reference::DeconvGeometry> NodeDeconv(const ir::Graph& graph, const ir::Node& node);

// The static shape of a value.
Result<Shape> ShapeOf(const ir::Graph& graph, const std::string& value);

// A wide output (docs/compiler.md, "Wide outputs"): an external buffer that receives a layer's
// int32 accumulator rows (DMA_STORE from ACC) instead of its POSTPROC result. Bytes from
// `offset`: pixel-major (NHWC int32, C per pixel) or channel-blocked (the UB layout, 4 bytes a
// lane).
struct WideSink {
  uint32_t slot = 0;
  uint64_t offset = 0;
  bool pixel_major = false;
};

Status LowerMatrix(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code,
                   const std::vector<WideSink>& wide = {});

// LowerMatrix in parts, for tiled layers: PlanMatrix packs the constants (weight tiles or taps,
// POSTPROC rows, LUT, residual record) and fixes the geometry; EmitMatrixTile emits the passes of
// output block `ob`, output rows [oy0, oy0 + th), reading the view `in` and post-processing into
// UB row `dst_row` (pixel (oy0, 0) of block ob), or with `wide` sinks storing the accumulator
// rows to each of them (an ST instruction in the layer's code, see AddLayerCode);
// EmitResidualAdd the fused residual add.
struct MatrixPlan {
  struct Tile {
    int64_t tap;
    uint32_t ib;
    uint64_t wb;
  };
  const quant::QuantizedMatrixOp* m = nullptr;
  int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, pad_t = 0, pad_l = 0;
  int64_t in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  bool depthwise = false;
  int64_t taps = 1;
  uint64_t param = 0;  // POSTPROC rows of block 0
  int32_t lut = -1;
  uint32_t ob_n = 0, ib_n = 0;
  std::vector<std::vector<Tile>> tiles;  // per output block (MATMUL)
  uint64_t dw_first = 0;                 // first tap row (DWCONV)
  int64_t acc_tile_rows = 1;             // output rows that fill at most half the accumulator
  uint64_t residual_record = 0;          // PARAM row of the residual add's record
  int32_t pad_value = 0;                 // read outside the image: z_in, or a Pad's value
  std::vector<WideSink> wide;            // a wide output: no POSTPROC (and no POSTPROC rows)
};
Result<MatrixPlan> PlanMatrix(LowerContext& ctx, const ir::Node& node, const TensorPlace& in,
                              const TensorPlace& out, LayerCode& code,
                              const std::vector<WideSink>& wide = {});
Status EmitMatrixTile(LowerContext& ctx, const ir::Node& node, const MatrixPlan& plan, uint32_t ob,
                      int64_t oy0, int64_t th, const RowView& in, uint64_t dst_row,
                      LayerCode& code);
void EmitResidualAdd(const MatrixPlan& plan, uint64_t a_row, uint64_t b_row, uint64_t out_row,
                     uint64_t rows, LayerCode& code);
// ConvTranspose: its input with (s_h - 1) zero rows and (s_w - 1) zero columns after every pixel
// (zero = the zero point `zp`), written to `z` (in.h * s_h x in.w * s_w); the transposed
// convolution is then the stride-1 convolution of `z` (PlanMatrix). Per input row, one 1x1
// DWCONV by 1 whose window is the row seen as an in.w x 1 image read in an (s_h * in.w) x s_w
// grid: column 0 of the grid is inside the image, the other columns and the rows past in.w are
// padding, and the accumulator rows come out in the order of the zero-inserted rows; POSTPROC
// per accumulator tile (half of it). A row whose s_h * in.w * s_w rows exceed a tile goes in
// pieces: runs of its pixels (the same grid with fewer rows), then its zero rows (a window
// entirely below a one-row image).
Status EmitZeroInsert(LowerContext& ctx, const ir::Node& node, const TensorPlace& in,
                      const TensorPlace& z, int32_t zp, LayerCode& code);
// EmitZeroInsert in parts, for tiled layers: PlanZeroInsert packs the constants (the tap of ones,
// the POSTPROC rows; Unsupported for s_w above half the accumulator); EmitZeroInsertRows inserts
// the zeros after the view's rows [0, in.h) of `blocks` blocks into z rows from z_addr (block b
// at z_addr + b * z_block_stride, in.h * s_h rows of in.w * s_w pixels).
struct ZeroInsertPlan {
  uint64_t ones = 0, param = 0;  // WB row of the tap, first PARAM row
  int64_t s_h = 1, s_w = 1;
  int32_t zp = 0;
};
Result<ZeroInsertPlan> PlanZeroInsert(LowerContext& ctx, const ir::Node& node, int64_t s_h,
                                      int64_t s_w, int32_t zp);
void EmitZeroInsertRows(LowerContext& ctx, const ZeroInsertPlan& plan, const RowView& in,
                        uint32_t blocks, uint64_t z_addr, uint64_t z_block_stride, LayerCode& code);
// Resize / Upsample (nearest, integer factors): one RESIZE per channel block.
Status LowerResize(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code);
// One RESIZE of in_h x in_w pixels from UB row in_row (one block) into out_row (a tile of a
// tiled Resize: its rows start at a multiple of scale_h).
void EmitResizeRows(uint64_t in_row, int64_t in_h, int64_t in_w, int64_t scale_h, int64_t scale_w,
                    uint64_t out_row, LayerCode& code);
Status LowerEltwise(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code);
Status LowerPool(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code);

// LowerEltwise / LowerPool in parts, for tiled layers. PlanEltwise packs the record (and the
// per-channel constants); EmitEltwiseRows emits one VEC_ELTWISE over `rows` rows of block `blk`
// (b_row: operand b's UB row for UB_ROWS / UB_BCAST, ignored for PARAM and unary ops). PlanPool
// gives the whole-image POOL (kernel, strides, padding, record); a tile overrides the rows.
struct EltwisePlan {
  isa::VecEltwise v;
  bool unary = false, same_shape = false, b_const = false;
  uint64_t b_first = 0;  // PARAM row of block 0's constants
};
Result<EltwisePlan> PlanEltwise(LowerContext& ctx, const ir::Node& node, const LayerIo& io);
void EmitEltwiseRows(const EltwisePlan& plan, uint32_t blk, uint64_t a_row, uint64_t b_row,
                     uint64_t out_row, uint64_t rows, LayerCode& code);
Result<isa::Pool> PlanPool(LowerContext& ctx, const ir::Node& node, const TensorPlace& in,
                           const TensorPlace& out);

// Whether a matrix op runs as DWCONV (groups == channels, one output per channel, kernel and
// dilation within DWCONV's fields).
bool IsDepthwise(const quant::QuantizedMatrixOp& m, int64_t dil_h, int64_t dil_w);

inline uint32_t Blocks(int64_t c, uint32_t n) { return static_cast<uint32_t>((c + n - 1) / n); }

}  // namespace aorta::codegen
