#include "compiler/codegen/tiling.h"

#include <algorithm>

#include "compiler/passes/fused_ops.h"

namespace aorta::codegen {

Result<TileShape> TileShapeOf(const quant::QuantizedGraph& q, const ChipGeometry& g,
                              const ir::Node& node, const TiledIo& io) {
  TileShape s;
  const std::string base = passes::BaseOpType(node);
  if (base == "ConvTranspose" || base == "Pad" || base == "Resize" || base == "Upsample")
    return Unsupported(
        "{}: {} cannot be tiled through DRAM yet (its tensors do not fit the unified buffer)",
        node.Describe(), base);
  const TensorPlace& in = io.in.t;
  const TensorPlace& out = io.out.t;
  s.max_rows = out.h;
  auto it = q.ops.find(node.name);
  if (it != q.ops.end() && std::holds_alternative<quant::QuantizedMatrixOp>(it->second)) {
    const quant::QuantizedMatrixOp& m = std::get<quant::QuantizedMatrixOp>(it->second);
    s.kind = TileShape::Kind::kMatrix;
    if (q.ops.count(quant::ActKey(node.name)))
      return Unsupported(
          "{}: a residual add followed by LeakyRelu or a LUT activation cannot be tiled through "
          "DRAM yet (its tensors do not fit the unified buffer)",
          node.Describe());
    s.residual = node.HasInput(passes::kResidualInput);
    s.k = m.k_h;
    if (passes::BaseOpType(node) == "Conv") {
      AORTA_ASSIGN_OR_RETURN(reference::Window win,
                             NodeWindow(q.graph, node, {in.h, in.w}, {m.k_h, m.k_w}, false));
      s.stride = win.strides[0];
      s.dil = win.dilations[0];
      s.off = -win.pads_begin[0];
    }
    AORTA_ASSIGN_OR_RETURN(s.max_rows, AccTileRows(node, out, g));
    return s;
  }
  const std::string& op = node.op_type;
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
    s.kind = TileShape::Kind::kPool;
    if (op == "GlobalAveragePool") {
      s.whole_input = true;
      return s;
    }
    AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, node.GetInt("ceil_mode", 0));
    AORTA_ASSIGN_OR_RETURN(reference::Window win,
                           NodeWindow(q.graph, node, {in.h, in.w}, {}, ceil_mode != 0));
    s.stride = win.strides[0];
    s.off = -win.pads_begin[0];
    s.k = win.kernel[0];
    return s;
  }
  s.kind = TileShape::Kind::kEltwise;
  if (io.in2.present && io.in2.ext && io.in2.t.plane() != out.plane())
    return Unsupported(
        "{}: a broadcast operand outside the unified buffer (tiling through DRAM handles "
        "same-shape and constant operands)",
        node.Describe());
  return s;
}

namespace {

int64_t InputRowsPerTile(const TileShape& s, const TensorPlace& in, int64_t rows) {
  if (s.whole_input) return in.h;
  return std::min(in.h, (rows - 1) * s.stride + (s.k - 1) * s.dil + 1);
}

}  // namespace

uint64_t StagingRows(const TileShape& shape, const TiledIo& io, int64_t rows) {
  const TensorPlace& in = io.in.t;
  const TensorPlace& out = io.out.t;
  const auto tile = static_cast<uint64_t>(rows * out.w);
  uint64_t total = 0;
  if (io.in.ext)
    total += 2 * uint64_t{in.blocks} * static_cast<uint64_t>(InputRowsPerTile(shape, in, rows)) *
             static_cast<uint64_t>(in.w);
  if (io.in2.present && io.in2.ext) total += 2 * uint64_t{io.in2.t.blocks} * tile;
  if (io.out.ext) total += 2 * uint64_t{out.blocks} * tile;
  if (shape.residual) total += tile;
  return total;
}

Result<TiledStats> LowerTiled(LowerContext& ctx, const ir::Node& node, const TiledIo& io,
                              uint64_t stage_addr, uint64_t stage_rows, RunStream& stream,
                              int32_t layer, LayerCode& code) {
  AORTA_ASSIGN_OR_RETURN(TileShape shape, TileShapeOf(ctx.q, ctx.g, node, io));
  const uint32_t n = ctx.g.n;
  const TensorPlace& in = io.in.t;
  const TensorPlace& out = io.out.t;
  int64_t th = shape.max_rows;
  while (th > 1 && StagingRows(shape, io, th) > stage_rows) --th;
  if (StagingRows(shape, io, th) > stage_rows)
    return Unsupported(
        "{}: a tile of one output row needs {} unified-buffer rows for staging, {} are free",
        node.Describe(), StagingRows(shape, io, 1), stage_rows);
  const auto in_rows = static_cast<uint64_t>(InputRowsPerTile(shape, in, th));
  const uint64_t in_bs = in_rows * static_cast<uint64_t>(in.w);
  const auto tile_bs = static_cast<uint64_t>(th * out.w);
  uint64_t at = stage_addr;
  auto take = [&](bool used, uint64_t rows) {
    const uint64_t a = at;
    if (used) at += rows;
    return a;
  };
  const bool in2_ext = io.in2.present && io.in2.ext.has_value();
  const uint64_t in_slot[2] = {take(io.in.ext.has_value(), in.blocks * in_bs),
                               take(io.in.ext.has_value(), in.blocks * in_bs)};
  const uint64_t in2_slot[2] = {take(in2_ext, io.in2.t.blocks * tile_bs),
                                take(in2_ext, io.in2.t.blocks * tile_bs)};
  const uint64_t out_slot[2] = {take(io.out.ext.has_value(), out.blocks * tile_bs),
                                take(io.out.ext.has_value(), out.blocks * tile_bs)};
  const uint64_t temp = take(shape.residual, tile_bs);

  std::optional<MatrixPlan> mplan;
  std::optional<isa::Pool> pool;
  std::optional<EltwisePlan> eplan;
  if (shape.kind == TileShape::Kind::kMatrix) {
    AORTA_ASSIGN_OR_RETURN(MatrixPlan p, PlanMatrix(ctx, node, in, out, code));
    mplan = std::move(p);
  } else if (shape.kind == TileShape::Kind::kPool) {
    AORTA_ASSIGN_OR_RETURN(isa::Pool p, PlanPool(ctx, node, in, out));
    pool = p;
  } else {
    const LayerIo lio{.in = &in,
                      .in2 = io.in2.present ? &io.in2.t : nullptr,
                      .out = &out,
                      .temp = nullptr,
                      .sum = nullptr};
    AORTA_ASSIGN_OR_RETURN(EltwisePlan p, PlanEltwise(ctx, node, lio));
    eplan = std::move(p);
  }

  TiledStats stats;
  stats.staging_rows = StagingRows(shape, io, th);
  const auto tiles = static_cast<size_t>((out.h + th - 1) / th);
  stats.tiles = tiles;
  constexpr size_t kNone = ~size_t{0};
  std::vector<size_t> last_ld(tiles, kNone), last_ex(tiles, kNone), last_st(tiles, kNone);
  struct Rows {
    int64_t oy0, h, r0, r1;
  };
  auto rows_of = [&](size_t t) {
    Rows r;
    r.oy0 = static_cast<int64_t>(t) * th;
    r.h = std::min(th, out.h - r.oy0);
    if (shape.whole_input) {
      r.r0 = 0;
      r.r1 = in.h;
    } else {
      std::tie(r.r0, r.r1) =
          WindowRows(r.oy0, r.h, shape.stride, shape.off, shape.k, shape.dil, in.h);
    }
    return r;
  };
  auto dma = [&](auto insn, const ExtHome& home, uint64_t ext_row, uint64_t chip_row,
                 uint64_t rows) {
    insn.slot = home.slot;
    insn.mem = isa::Mem::kUb;
    insn.ext_offset = home.offset + ext_row * n;
    insn.ext_stride = n;
    insn.chip_addr = static_cast<uint32_t>(chip_row);
    insn.rows = static_cast<uint32_t>(rows);
    insn.row_bytes = n;
    stats.dram_bytes += rows * n;
    return isa::Insn{insn};
  };
  auto emit_loads = [&](size_t t) {
    const Rows r = rows_of(t);
    std::vector<size_t> after;
    if (t >= 2) after.push_back(last_ex[t - 2]);  // the slot's previous tile has been read
    if (io.in.ext) {
      const auto rows = static_cast<uint64_t>((r.r1 - r.r0) * in.w);
      for (uint32_t b = 0; b < in.blocks; ++b)
        last_ld[t] = stream.Add(
            dma(isa::DmaLoad{}, *io.in.ext, b * in.plane() + static_cast<uint64_t>(r.r0 * in.w),
                in_slot[t % 2] + b * in_bs, rows),
            after);
    }
    if (in2_ext) {
      const auto rows = static_cast<uint64_t>(r.h * out.w);
      for (uint32_t b = 0; b < io.in2.t.blocks; ++b)
        last_ld[t] = stream.Add(dma(isa::DmaLoad{}, *io.in2.ext,
                                    b * io.in2.t.plane() + static_cast<uint64_t>(r.oy0 * out.w),
                                    in2_slot[t % 2] + b * tile_bs, rows),
                                after);
    }
  };
  auto emit_ex = [&](size_t t) -> Status {
    const Rows r = rows_of(t);
    const auto s = t % 2;
    RowView view;
    view.y0 = r.r0;
    view.h = r.r1 - r.r0;
    view.w = in.w;
    if (io.in.ext) {
      view.addr = in_slot[s];
      view.block_stride = in_bs;
    } else {
      view.addr = in.addr + static_cast<uint64_t>(r.r0 * in.w);
      view.block_stride = in.plane();
    }
    auto out_row = [&](uint32_t b) {
      return io.out.ext ? out_slot[s] + b * tile_bs
                        : out.addr + b * out.plane() + static_cast<uint64_t>(r.oy0 * out.w);
    };
    auto in2_row = [&](uint32_t b) -> uint64_t {
      if (!io.in2.present) return 0;
      if (in2_ext) return in2_slot[s] + b * tile_bs;
      if (io.in2.t.plane() != out.plane()) return io.in2.t.addr + b;  // broadcast: one row
      return io.in2.t.addr + b * io.in2.t.plane() + static_cast<uint64_t>(r.oy0 * out.w);
    };
    const auto pixels = static_cast<uint64_t>(r.h * out.w);
    LayerCode tc;
    if (mplan) {
      for (uint32_t ob = 0; ob < mplan->ob_n; ++ob) {
        AORTA_RETURN_IF_ERROR(EmitMatrixTile(ctx, node, *mplan, ob, r.oy0, r.h, view,
                                             shape.residual ? temp : out_row(ob), tc));
        if (shape.residual) EmitResidualAdd(*mplan, temp, in2_row(ob), out_row(ob), pixels, tc);
      }
    } else if (pool) {
      const int64_t pad_t = view.y0 - (r.oy0 * shape.stride + shape.off);
      if (pad_t < 0 || pad_t > kMaxPoolField)
        return Internal("{}: tile padding {} outside the POOL field", node.Describe(), pad_t);
      for (uint32_t b = 0; b < in.blocks; ++b) {
        isa::Pool p = *pool;
        p.in_addr = static_cast<uint32_t>(view.addr + b * view.block_stride);
        p.in_h = static_cast<uint32_t>(view.h);
        p.out_h = static_cast<uint32_t>(r.h);
        p.pad_t = static_cast<uint32_t>(pad_t);
        p.out_addr = static_cast<uint32_t>(out_row(b));
        tc.Add(p, pixels * p.k_h * p.k_w);
      }
    } else {
      for (uint32_t b = 0; b < out.blocks; ++b)
        EmitEltwiseRows(*eplan, b, view.addr + b * view.block_stride, in2_row(b), out_row(b),
                        pixels, tc);
    }
    std::vector<size_t> after;
    if (last_ld[t] != kNone) after.push_back(last_ld[t]);
    if (io.out.ext && t >= 2) after.push_back(last_st[t - 2]);  // the output slot is stored
    for (size_t i = 0; i < tc.insns.size(); ++i)
      last_ex[t] = stream.Add(tc.insns[i], i == 0 ? after : std::vector<size_t>{}, layer);
    code.cycles += tc.cycles;
    code.passes += tc.passes;
    return Status::Ok();
  };
  auto emit_stores = [&](size_t t) {
    if (!io.out.ext) return;
    const Rows r = rows_of(t);
    for (uint32_t b = 0; b < out.blocks; ++b)
      last_st[t] = stream.Add(
          dma(isa::DmaStore{}, *io.out.ext, b * out.plane() + static_cast<uint64_t>(r.oy0 * out.w),
              out_slot[t % 2] + b * tile_bs, static_cast<uint64_t>(r.h * out.w)),
          {last_ex[t]});
  };
  // Software pipeline in fetch order: loads(0), then per tile loads(t + 1), compute(t),
  // stores(t); the loads of t + 1 wait only for the compute of t - 1 (their slot).
  emit_loads(0);
  for (size_t t = 0; t < tiles; ++t) {
    if (t + 1 < tiles) emit_loads(t + 1);
    AORTA_RETURN_IF_ERROR(emit_ex(t));
    emit_stores(t);
  }
  return stats;
}

}  // namespace aorta::codegen
