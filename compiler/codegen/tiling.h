// Layers tiled through DRAM (docs/compiler.md, "Tiling through DRAM").
//
// When a model's live activations do not fit the unified buffer, the code generator keeps some
// tensors outside it ("external": in a SCRATCH buffer in board DRAM, or directly in the model's
// input / output buffer), channel-blocked exactly as in the UB. A layer that reads or writes an
// external tensor runs in tiles of output rows: per tile, the LD queue stages the input rows the
// tile's windows read (the halo included) into the UB, the EX queue computes every output block
// of the tile, and the ST queue stores the tile's output rows. Staging buffers are double
// buffered (tile t uses slot t % 2), and dependency tokens let the loads of tile t + 1 and the
// stores of tile t - 1 run while tile t computes. Operands that are in the UB are read in place.
#pragma once

#include <cstdint>
#include <optional>

#include "compiler/codegen/lowering.h"
#include "compiler/codegen/schedule.h"

namespace aorta::codegen {

// Where an external tensor lives: a DMA slot and the byte offset of row 0 of its block 0.
struct ExtHome {
  uint32_t slot = 0;
  uint64_t offset = 0;
};

struct Operand {
  TensorPlace t;               // dims; the UB address when not external
  std::optional<ExtHome> ext;  // set: staged tile by tile
  bool present = false;
};

// The operands of a tiled layer: the main input (a), a second one (residual or element-wise b),
// the output.
struct TiledIo {
  Operand in, in2, out;
};

// How the output-row tiles of a layer read its main input: output row oy reads rows
// oy * stride + off + t * dil for t < k of the input up-sampled `up` times on H (input row =
// that row / up: Resize, and ConvTranspose's zero-inserted input); all rows for a whole-image
// window (GlobalAveragePool: its tiles are channel blocks instead of rows).
struct TileShape {
  enum class Kind { kMatrix, kPool, kEltwise, kResize } kind = Kind::kEltwise;
  int64_t stride = 1, off = 0, k = 1, dil = 1, up = 1;
  bool whole_input = false;
  int64_t max_rows = 1;   // output rows per tile at most (half the accumulator for matrix ops)
  int64_t row_align = 1;  // tiles start at multiples of this many output rows (Resize: up)
  bool residual = false;
  bool residual_act = false;  // LeakyRelu / a LUT after the residual add: the sum's temporary
  bool bcast_in2 = false;     // in2 is one row per block, broadcast over the pixels
  int64_t zero_insert_w = 0;  // ConvTranspose: the zero-inserted input's width (0: none)
};
Result<TileShape> TileShapeOf(const quant::QuantizedGraph& q, const ChipGeometry& g,
                              const ir::Node& node, const TiledIo& io);

// UB rows a tile of `units` stages (both slots of every staged operand, the temporaries): units
// are output rows (rounded up to row_align), or channel blocks for a whole-image window.
uint64_t StagingRows(const TileShape& shape, const TiledIo& io, int64_t units);

struct TiledStats {
  uint64_t tiles = 0;
  uint64_t staging_rows = 0;  // UB rows used for staging
  uint64_t dram_bytes = 0;    // activation bytes loaded and stored
};

// Emits the tiled layer into `stream` (EX instructions tagged with `layer`), with staging in UB
// rows [stage_addr, stage_addr + stage_rows). `code` receives the cycle model and MACs. A matrix
// layer with `wide` sinks stores each tile's accumulator rows to them (MatrixPlan::wide; its
// output operand is then not written).
Result<TiledStats> LowerTiled(LowerContext& ctx, const ir::Node& node, const TiledIo& io,
                              uint64_t stage_addr, uint64_t stage_rows, RunStream& stream,
                              int32_t layer, LayerCode& code,
                              const std::vector<WideSink>& wide = {});

}  // namespace aorta::codegen
