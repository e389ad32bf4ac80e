// Kernel taps packed into the array's rows (docs/compiler.md, "Packed kernel taps").
//
// A convolution with few input channels (an RGB stem: 7x7/2 on 3 channels) uses C_in of the
// array's N rows in each of its k_h * k_w MATMUL passes. In NHWC order the C_in bytes of
// horizontally adjacent pixels are contiguous, so one DMA_LOAD whose rows overlap (ext_stride =
// stride_w * C_in, row_bytes = g * C_in) builds a tensor whose row (iy, px) holds the g
// horizontal taps x C_in channels of input row iy from padded column px * stride_w. The
// convolution is then k_h * ceil(k_w / g) passes over K' = g * C_in rows (weights reordered to
// match), each a window of stride (stride_h, 1) at x_off = q * g / stride_w for column group q.
//
// The input is staged through a DRAM scratch region in that NHWC order: one DMA_STORE per input
// row (row_bytes = C_in), and the horizontal padding in memory (the gaps between stored rows,
// written from UB rows of the input zero point that a POSTPROC with multiplier 0 makes); the
// vertical padding stays MATMUL's pad_value. Per band of output rows (an accumulator tile): the
// stores of the input rows it reads, the packed load of those rows into one of two UB slots, the
// passes and the POSTPROC; stores run two bands ahead of the passes, loads one. The ISA has no
// ST -> LD token: a band's load waits for the EX instruction that ends the band two before it
// (its slot), which itself waits for the band's stores; the first two bands' loads follow a SYNC.
// With stride_h > 1 the copy may also interleave the r = stride_h input rows an output row steps
// over (byte (iy / r, column, iy % r, c)), so a packed row holds r kernel rows too: ceil((k_h -
// ky_first) / r) * ceil(k_w / g) passes over g * r * C_in rows, g = N / (r * C_in) (ResNet-50's
// stem on a 144-wide array: 4 passes of 42 rows); the estimate picks r = 1 or stride_h.
// A model input read by nothing else may be bound directly in that layout (program.proto
// LAYOUT_PACKED_ROWS, PackedRowsOf): the runtime writes the margins and the rows, and the packed
// loads read the input buffer: no input DMA into the UB, no stores, no zero-point rows.
// Only the order of the int32 sums changes: the results are bit-identical with the unpacked form.
#pragma once

#include <cstdint>
#include <optional>

#include "compiler/codegen/lowering.h"
#include "compiler/codegen/schedule.h"
#include "compiler/codegen/tiling.h"
#include "core/proto/program.pb.h"

namespace aorta::codegen {

struct TapPacking {
  int64_t c = 0;           // input channels
  int64_t r = 1;           // input rows interleaved per pixel in DRAM: 1 or stride_h
  bool direct = false;     // the NHWC copy is the model input's own buffer (no stores)
  int64_t ky_first = 0;    // kernel row of the first vertical group's first tap (may be < 0)
  int64_t vgroups = 1;     // vertical groups of r kernel rows: ceil((k_h - ky_first) / r)
  int64_t g = 1;           // horizontal taps per packed row
  int64_t groups = 1;      // column groups: ceil(k_w / g)
  int64_t pitch = 0;       // padded columns per input row in DRAM (cols * stride_w)
  int64_t cols = 0;        // packed columns per input row
  int64_t pad_l = 0;       // the convolution's left padding
  int64_t band_rows = 1;   // output rows per band (at most an accumulator tile)
  uint64_t zp_rows = 0;    // UB rows of the zero point (the margin stores' source)
  uint64_t slot_rows = 0;  // UB rows of one packed band slot
  uint64_t scratch_bytes = 0;
  uint32_t passes = 0;      // MATMUL passes per output block and band: vgroups * groups
  uint64_t est_cycles = 0;  // the packed form's cycle model
  uint64_t unpacked_cycles = 0;
  uint64_t staging_rows() const { return zp_rows + 2 * slot_rows; }
};

// What the packed form's DMA costs on a chip: cycles per narrow row (a pixel's C_in bytes, a
// packed row: the DMA moves one row per cycle at most, and each row costs a whole beat of the DMA
// bus (docs/rtl.md, "DMA engine"), which the board DRAM delivers in bus bytes / (bandwidth /
// clock) cycles), and the DRAM latency in cycles (each of the two barriers before the first
// passes waits for a store's response, then the first load's data).
struct DmaCost {
  double row_cycles = 1;
  uint64_t latency = 0;
};
DmaCost DmaCostOf(const ChipConfig& chip);

// How `node` (a Conv of the quantized graph, input `in` and output `out` in the unified buffer)
// packs its taps with at most `free_rows` UB rows for staging, the DMA costing `dma`; the band of
// output rows is the one with the lowest estimate. nullopt when it does not qualify (not a dense
// single-group convolution with dilation 1, C_in > N / 2, fused residual or activation pass, fewer
// than 2 taps per row) or when packing does not lower the cycle estimate. `direct`: the input is
// bound in the packed layout (no stores, no zero-point rows) and the best packing is returned
// whatever the unpacked estimate (the caller weighs it against the unpacked form plus the input's
// DMA into the UB).
Result<std::optional<TapPacking>> PlanTapPacking(const quant::QuantizedGraph& q,
                                                 const ChipGeometry& g, const ir::Node& node,
                                                 const TensorPlace& in, const TensorPlace& out,
                                                 uint64_t free_rows, const DmaCost& dma,
                                                 bool direct = false);

// The input binding's geometry (program.proto PackedRows) of a direct input `in` packed as `p`:
// the scratch layout with element (0, 0, 0) at byte MarginBytes (offset 0 = the region's start).
program::PackedRows PackedRowsOf(const TapPacking& p, const TensorPlace& in);

struct PackedStats {
  uint64_t dram_bytes = 0;  // bytes stored to and loaded from the scratch region
};

// Emits the packed convolution into `stream` (EX instructions tagged with `layer`): staging in UB
// rows from `stage_addr` (p.staging_rows()), the NHWC copy in p.scratch_bytes bytes at `scratch`
// (for a direct input: the input buffer, which the runtime filled; `in` only gives the shape).
// `code` receives the cycle model, MACs and passes.
Result<PackedStats> LowerPackedConv(LowerContext& ctx, const ir::Node& node, const TapPacking& p,
                                    const TensorPlace& in, const TensorPlace& out,
                                    uint64_t stage_addr, const ExtHome& scratch, const DmaCost& dma,
                                    RunStream& stream, int32_t layer, LayerCode& code);

}  // namespace aorta::codegen
