#include "compiler/codegen/tiling.h"

#include <algorithm>
#include <optional>

#include "compiler/passes/fold_pad_into_window.h"
#include "compiler/passes/fused_ops.h"
#include "core/isa/extents.h"

namespace aorta::codegen {

Result<TileShape> TileShapeOf(const quant::QuantizedGraph& q, const ChipGeometry& g,
                              const ir::Node& node, const TiledIo& io) {
  TileShape s;
  const std::string base = passes::BaseOpType(node);
  const TensorPlace& in = io.in.t;
  const TensorPlace& out = io.out.t;
  s.max_rows = out.h;
  if (base == "Resize" || base == "Upsample") {
    // Output rows [oy0, oy0 + th) with oy0 and th multiples of the factor: input rows
    // [oy0 / up, (oy0 + th) / up), one RESIZE per block.
    if (in.h <= 0 || out.h % in.h != 0)
      return Internal("{}: {} -> {} rows is not an integer upscale", node.Describe(), in.h, out.h);
    s.kind = TileShape::Kind::kResize;
    s.up = s.row_align = out.h / in.h;
    return s;
  }
  auto it = q.ops.find(node.name);
  if (it != q.ops.end() && std::holds_alternative<quant::QuantizedMatrixOp>(it->second)) {
    const quant::QuantizedMatrixOp& m = std::get<quant::QuantizedMatrixOp>(it->second);
    s.kind = TileShape::Kind::kMatrix;
    s.residual = node.HasInput(passes::kResidualInput);
    s.residual_act = q.ops.count(quant::ActKey(node.name)) > 0;
    s.k = m.k_h;
    if (base == "Conv") {
      AORTA_ASSIGN_OR_RETURN(reference::Window win,
                             NodeWindow(q.graph, node, {in.h, in.w}, {m.k_h, m.k_w}, false));
      s.stride = win.strides[0];
      s.dil = win.dilations[0];
      s.off = -win.pads_begin[0];
    } else if (base == "ConvTranspose") {
      // The stride-1 convolution of the input with zeros inserted (s_h rows per input row),
      // begin padding d (k - 1) - pad_begin (PlanMatrix); each tile inserts the zeros into the
      // input rows it reads.
      AORTA_ASSIGN_OR_RETURN(reference::DeconvGeometry geo, NodeDeconv(q.graph, node));
      s.up = geo.strides[0];
      s.dil = geo.dilations[0];
      s.off = geo.pads_begin[0] - geo.dilations[0] * (m.k_h - 1);
      s.zero_insert_w = in.w * geo.strides[1];
    } else if (node.op_type == "Pad") {
      // A 1x1 copy whose window starts at row -top.
      AORTA_ASSIGN_OR_RETURN(std::optional<passes::ConstantPad> p,
                             passes::ConstantPadOf(q.graph, node));
      if (!p || p->begin.size() != 4)
        return Internal("{}: not a constant 4-D pad (support and lowering disagree)",
                        node.Describe());
      s.off = -p->begin[2];
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
  if (io.in2.present && io.in2.t.plane() != out.plane()) {
    if (io.in2.t.plane() != 1)
      return Internal(
          "{}: operand b of {} rows per block is neither the output's shape nor one "
          "pixel",
          node.Describe(), io.in2.t.plane());
    s.bcast_in2 = true;
  }
  return s;
}

namespace {

// Input rows a tile of `rows` output rows reads at most.
int64_t InputRowsPerTile(const TileShape& s, const TensorPlace& in, int64_t rows) {
  if (s.whole_input) return in.h;
  if (s.kind == TileShape::Kind::kResize) return std::min(in.h, (rows + s.up - 1) / s.up);
  const int64_t span = (rows - 1) * s.stride + (s.k - 1) * s.dil + 1;  // window rows
  if (s.up == 1) return std::min(in.h, span);
  return std::min(in.h, (span - 1) / s.up + 2);  // a span of rows / up, straddling two
}

}  // namespace

uint64_t StagingRows(const TileShape& shape, const TiledIo& io, int64_t units) {
  const TensorPlace& in = io.in.t;
  const TensorPlace& out = io.out.t;
  const auto u = static_cast<uint64_t>(units);
  if (shape.whole_input) {  // tiles of `units` channel blocks, every row
    uint64_t total = 0;
    if (io.in.ext) total += 2 * u * in.plane();
    if (io.out.ext) total += 2 * u * out.plane();
    return total;
  }
  const int64_t rows = (units + shape.row_align - 1) / shape.row_align * shape.row_align;
  const auto tile = static_cast<uint64_t>(rows * out.w);
  const auto in_rows = static_cast<uint64_t>(InputRowsPerTile(shape, in, rows));
  uint64_t total = 0;
  if (io.in.ext) total += 2 * uint64_t{in.blocks} * in_rows * static_cast<uint64_t>(in.w);
  if (io.in2.present && io.in2.ext)
    total += shape.bcast_in2 ? uint64_t{io.in2.t.blocks} : 2 * uint64_t{io.in2.t.blocks} * tile;
  if (io.out.ext) total += 2 * uint64_t{out.blocks} * tile;
  if (shape.residual) total += tile;
  if (shape.residual_act) total += tile;
  if (shape.zero_insert_w > 0)
    total += uint64_t{in.blocks} * in_rows * static_cast<uint64_t>(shape.up * shape.zero_insert_w);
  return total;
}

namespace {

// LeakyRelu or a LUT activation after a fused residual add (quantized as ops[ActKey(node)]): the
// add writes the tile's sum to a temporary, the activation reads it from there into the output,
// as LowerInUb does for the whole tensor.
struct TiledActivation {
  ir::Node node;
  std::optional<MatrixPlan> matrix;    // a LUT: a 1x1 depthwise pass by 1
  std::optional<EltwisePlan> eltwise;  // LeakyRelu
};

Result<TiledActivation> PlanTiledActivation(LowerContext& ctx, const ir::Node& node,
                                            const TensorPlace& out) {
  AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> a, passes::FusedActivation(node));
  TiledActivation act{
      ir::Node{quant::ActKey(node.name), a ? a->op : "", "", {"sum"}, {node.outputs.at(0)}, {}},
      std::nullopt, std::nullopt};
  auto it = ctx.q.ops.find(act.node.name);
  if (it != ctx.q.ops.end() && std::holds_alternative<quant::QuantizedMatrixOp>(it->second)) {
    LayerCode unused;  // an activation has no MACs of its own
    AORTA_ASSIGN_OR_RETURN(MatrixPlan p, PlanMatrix(ctx, act.node, out, out, unused));
    act.matrix = std::move(p);
  } else {
    const LayerIo io{.in = &out, .in2 = nullptr, .out = &out, .temp = nullptr, .sum = nullptr};
    AORTA_ASSIGN_OR_RETURN(EltwisePlan p, PlanEltwise(ctx, act.node, io));
    act.eltwise = std::move(p);
  }
  return act;
}

// The activation of block ob's output rows [oy0, oy0 + h): the sum at UB row sum_row (the tile's
// pixels, one block) into out_row.
Status EmitTiledActivation(LowerContext& ctx, const TiledActivation& act, uint32_t ob, int64_t oy0,
                           int64_t h, int64_t w, uint64_t sum_row, uint64_t out_row,
                           LayerCode& code) {
  if (act.eltwise) {
    EmitEltwiseRows(*act.eltwise, ob, sum_row, sum_row, out_row, static_cast<uint64_t>(h * w),
                    code);
    return Status::Ok();
  }
  // Block stride 0: the view's every block is the one sum tile.
  return EmitMatrixTile(ctx, act.node, *act.matrix, ob, oy0, h, RowView{sum_row, 0, oy0, h, w},
                        out_row, code);
}

}  // namespace

Result<TiledStats> LowerTiled(LowerContext& ctx, const ir::Node& node, const TiledIo& io,
                              uint64_t stage_addr, uint64_t stage_rows, RunStream& stream,
                              int32_t layer, LayerCode& code, const std::vector<WideSink>& wide) {
  AORTA_ASSIGN_OR_RETURN(TileShape shape, TileShapeOf(ctx.q, ctx.g, node, io));
  const uint32_t n = ctx.g.n;
  const TensorPlace& in = io.in.t;
  const TensorPlace& out = io.out.t;
  // Output rows per tile (a multiple of row_align), or channel blocks for a whole-image window.
  const int64_t align = shape.row_align;
  int64_t th = shape.whole_input ? in.blocks : std::max(align, shape.max_rows / align * align);
  while (th > align && StagingRows(shape, io, th) > stage_rows) th -= align;
  if (StagingRows(shape, io, th) > stage_rows)
    return Unsupported("{}: a tile of one {} needs {} unified-buffer rows for staging, {} are free",
                       node.Describe(), shape.whole_input ? "channel block" : "output row",
                       StagingRows(shape, io, th), stage_rows);
  const int64_t bpt = shape.whole_input ? th : in.blocks;  // channel blocks per tile
  const int64_t rows_pt = shape.whole_input ? out.h : th;  // output rows per tile
  const auto in_rows = static_cast<uint64_t>(InputRowsPerTile(shape, in, rows_pt));
  const uint64_t in_bs = in_rows * static_cast<uint64_t>(in.w);
  const auto tile_bs = static_cast<uint64_t>(rows_pt * out.w);
  const uint64_t z_bs = in_rows * static_cast<uint64_t>(shape.up * shape.zero_insert_w);
  uint64_t at = stage_addr;
  auto take = [&](bool used, uint64_t rows) {
    const uint64_t a = at;
    if (used) at += rows;
    return a;
  };
  const bool in2_ext = io.in2.present && io.in2.ext.has_value();
  const auto in_blocks = static_cast<uint64_t>(bpt);
  const auto out_blocks = shape.whole_input ? in_blocks : uint64_t{out.blocks};
  const uint64_t in_slot[2] = {take(io.in.ext.has_value(), in_blocks * in_bs),
                               take(io.in.ext.has_value(), in_blocks * in_bs)};
  // A broadcast operand is one row per block, loaded once with the first tile (one slot).
  const uint64_t in2_rows = io.in2.t.blocks * (shape.bcast_in2 ? 1 : tile_bs);
  uint64_t in2_slot[2];
  in2_slot[0] = take(in2_ext, in2_rows);
  in2_slot[1] = shape.bcast_in2 ? in2_slot[0] : take(in2_ext, in2_rows);
  const uint64_t out_slot[2] = {take(io.out.ext.has_value(), out_blocks * tile_bs),
                                take(io.out.ext.has_value(), out_blocks * tile_bs)};
  const uint64_t temp = take(shape.residual, tile_bs);
  const uint64_t sum = take(shape.residual_act, tile_bs);
  const uint64_t zins = take(shape.zero_insert_w > 0, in.blocks * z_bs);

  std::optional<MatrixPlan> mplan;
  std::optional<isa::Pool> pool;
  std::optional<EltwisePlan> eplan;
  std::optional<ZeroInsertPlan> zplan;
  std::optional<TiledActivation> act;
  if (shape.kind == TileShape::Kind::kMatrix) {
    TensorPlace window_in = in;  // ConvTranspose: the convolution reads the zero-inserted input
    if (shape.zero_insert_w > 0) {
      AORTA_ASSIGN_OR_RETURN(const quant::QuantizedMatrixOp* m,
                             QuantizedAs<quant::QuantizedMatrixOp>(ctx, node));
      AORTA_ASSIGN_OR_RETURN(
          ZeroInsertPlan z,
          PlanZeroInsert(ctx, node, shape.up, shape.zero_insert_w / in.w, m->in.zero_point));
      zplan = z;
      window_in.h = in.h * shape.up;
      window_in.w = shape.zero_insert_w;
    }
    AORTA_ASSIGN_OR_RETURN(MatrixPlan p, PlanMatrix(ctx, node, window_in, out, code, wide));
    mplan = std::move(p);
    if (shape.residual_act) {
      AORTA_ASSIGN_OR_RETURN(TiledActivation a, PlanTiledActivation(ctx, node, out));
      act = std::move(a);
    }
  } else if (shape.kind == TileShape::Kind::kPool) {
    AORTA_ASSIGN_OR_RETURN(isa::Pool p, PlanPool(ctx, node, in, out));
    pool = p;
  } else if (shape.kind == TileShape::Kind::kEltwise) {
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
  const auto tiles =
      static_cast<size_t>(shape.whole_input ? (in.blocks + bpt - 1) / bpt : (out.h + th - 1) / th);
  stats.tiles = tiles;
  constexpr size_t kNone = ~size_t{0};
  std::vector<size_t> last_ex(tiles, kNone), last_st(tiles, kNone);
  AccStores acc_stores;
  // A tile: output rows [oy0, oy0 + h) of blocks [b0, b1), reading input rows [r0, r1).
  struct Rows {
    int64_t oy0, h, r0, r1;
    uint32_t b0, b1;
  };
  auto rows_of = [&](size_t t) {
    Rows r;
    if (shape.whole_input) {
      r.oy0 = 0;
      r.h = out.h;
      r.r0 = 0;
      r.r1 = in.h;
      r.b0 = static_cast<uint32_t>(static_cast<int64_t>(t) * bpt);
      r.b1 = static_cast<uint32_t>(std::min<int64_t>(in.blocks, r.b0 + bpt));
      return r;
    }
    r.oy0 = static_cast<int64_t>(t) * th;
    r.h = std::min(th, out.h - r.oy0);
    const auto [w0, w1] =
        WindowRows(r.oy0, r.h, shape.stride, shape.off, shape.k, shape.dil, in.h * shape.up);
    r.r0 = w0 / shape.up;
    r.r1 = (w1 - 1) / shape.up + 1;
    r.b0 = 0;
    r.b1 = in.blocks;
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
  // A DMA_LOAD of a tile and the UB rows it writes; `pos` once it is in the stream.
  struct Load {
    isa::Insn insn;
    uint64_t first = 0, count = 0;
    std::optional<size_t> pos;
  };
  auto loads_of = [&](size_t t) {
    const Rows r = rows_of(t);
    std::vector<Load> loads;
    auto add = [&](const ExtHome& home, uint64_t ext_row, uint64_t chip_row, uint64_t rows) {
      loads.push_back({dma(isa::DmaLoad{}, home, ext_row, chip_row, rows), chip_row, rows, {}});
    };
    if (io.in.ext) {
      const auto rows = static_cast<uint64_t>((r.r1 - r.r0) * in.w);
      for (uint32_t b = r.b0; b < r.b1; ++b)
        add(*io.in.ext, b * in.plane() + static_cast<uint64_t>(r.r0 * in.w),
            in_slot[t % 2] + (b - r.b0) * in_bs, rows);
    }
    if (in2_ext && shape.bcast_in2 && t == 0) {
      add(*io.in2.ext, 0, in2_slot[0], io.in2.t.blocks);
    } else if (in2_ext && !shape.bcast_in2) {
      const auto rows = static_cast<uint64_t>(r.h * out.w);
      for (uint32_t b = 0; b < io.in2.t.blocks; ++b)
        add(*io.in2.ext, b * io.in2.t.plane() + static_cast<uint64_t>(r.oy0 * out.w),
            in2_slot[t % 2] + b * tile_bs, rows);
    }
    return loads;
  };
  // The instructions of tile t (EX, and the DMA_STOREs of a wide output) in fetch order, with
  // the loads of tile t not in the stream yet (tile 0's) and the loads of tile t + 1 (`next`)
  // interleaved; see the fetch order below.
  auto emit_ex = [&](size_t t, std::vector<Load>& cur, std::vector<Load>& next) -> Status {
    const Rows r = rows_of(t);
    const auto s = t % 2;
    // Row r0 of input block b (b0 <= b < b1), staged or in place.
    auto in_row = [&](uint32_t b) {
      return io.in.ext ? in_slot[s] + (b - r.b0) * in_bs
                       : in.addr + b * in.plane() + static_cast<uint64_t>(r.r0 * in.w);
    };
    RowView view{in_row(r.b0), io.in.ext ? in_bs : in.plane(), r.r0, r.r1 - r.r0, in.w};
    auto out_row = [&](uint32_t b) {
      return io.out.ext ? out_slot[s] + (b - r.b0) * tile_bs
                        : out.addr + b * out.plane() + static_cast<uint64_t>(r.oy0 * out.w);
    };
    auto in2_row = [&](uint32_t b) -> uint64_t {
      if (!io.in2.present) return 0;
      if (in2_ext) return shape.bcast_in2 ? in2_slot[0] + b : in2_slot[s] + b * tile_bs;
      if (shape.bcast_in2) return io.in2.t.addr + b;  // broadcast: one row
      return io.in2.t.addr + b * io.in2.t.plane() + static_cast<uint64_t>(r.oy0 * out.w);
    };
    const auto pixels = static_cast<uint64_t>(r.h * out.w);
    LayerCode tc;
    if (mplan) {
      if (zplan) {
        // The tile's input rows with their zeros inserted; the convolution reads them as rows
        // [r0 * up, r1 * up) of the zero-inserted image.
        EmitZeroInsertRows(ctx, *zplan, view, in.blocks, zins, z_bs, tc);
        view = RowView{zins, z_bs, r.r0 * shape.up, (r.r1 - r.r0) * shape.up, shape.zero_insert_w};
      }
      for (uint32_t ob = 0; ob < mplan->ob_n; ++ob) {
        AORTA_RETURN_IF_ERROR(EmitMatrixTile(ctx, node, *mplan, ob, r.oy0, r.h, view,
                                             shape.residual ? temp : out_row(ob), tc));
        if (!shape.residual) continue;
        EmitResidualAdd(*mplan, temp, in2_row(ob), act ? sum : out_row(ob), pixels, tc);
        if (act)
          AORTA_RETURN_IF_ERROR(
              EmitTiledActivation(ctx, *act, ob, r.oy0, r.h, out.w, sum, out_row(ob), tc));
      }
    } else if (pool) {
      const int64_t pad_t = view.y0 - (r.oy0 * shape.stride + shape.off);
      if (pad_t < 0 || pad_t > kMaxPoolField)
        return Internal("{}: tile padding {} outside the POOL field", node.Describe(), pad_t);
      for (uint32_t b = r.b0; b < r.b1; ++b) {
        isa::Pool p = *pool;
        p.in_addr = static_cast<uint32_t>(in_row(b));
        p.in_h = static_cast<uint32_t>(view.h);
        p.out_h = static_cast<uint32_t>(r.h);
        p.pad_t = static_cast<uint32_t>(pad_t);
        p.out_addr = static_cast<uint32_t>(out_row(b));
        tc.Add(p, pixels * p.k_h * p.k_w);
      }
    } else if (shape.kind == TileShape::Kind::kResize) {
      // The tile's rows start at a multiple of the factor: input rows [r0, r1) exactly.
      for (uint32_t b = 0; b < in.blocks; ++b)
        EmitResizeRows(in_row(b), view.h, in.w, shape.up, out.w / in.w, out_row(b), tc);
    } else {
      for (uint32_t b = 0; b < out.blocks; ++b)
        EmitEltwiseRows(*eplan, b, in_row(b), in2_row(b), out_row(b), pixels, tc);
    }
    const size_t m = tc.insns.size();
    // Each staged output block is stored right after the last instruction that writes its rows
    // (a tile's stores all after its last instruction would leave the layer's last tile stored
    // after its compute, and fill the ST queue).
    const uint32_t out_b1 = shape.whole_input ? r.b1 : out.blocks;
    std::vector<std::optional<size_t>> writer(io.out.ext ? out_b1 - r.b0 : 0);
    for (size_t i = 0; i < m && !writer.empty(); ++i)
      for (const isa::ChipExtent& e : isa::ExtentsOf(tc.insns[i], ctx.g).chip)
        for (size_t k = 0; k < writer.size(); ++k)
          if (e.mem == isa::Mem::kUb && e.write && e.first < out_slot[s] + (k + 1) * tile_bs &&
              out_slot[s] + k * tile_bs < e.first + e.count)
            writer[k] = i;
    auto store = [&](size_t k) {
      const uint64_t b = r.b0 + k;
      last_st[t] = stream.Add(
          dma(isa::DmaStore{}, *io.out.ext, b * out.plane() + static_cast<uint64_t>(r.oy0 * out.w),
              out_slot[s] + k * tile_bs, static_cast<uint64_t>(r.h * out.w)),
          {last_ex[t]});
    };
    // The loads of tile t + 1 wait for the EX of tile t - 1 (the previous reader of their slot).
    // Fetched before it has issued, more of them than the LD queue holds would stop decode, and
    // with it the EX instructions of this tile behind them. So they start at instruction
    // d = min(queue_depth, m / 2) of this tile — its first queue_depth EX instructions fill the
    // EX queue, so by then every EX instruction of tile t - 1 has issued — and are spread over
    // the rest in proportion to the rows loaded before them (load j before instruction
    // d + rows_before(j) * (m - d) / rows_total, or the next EX instruction after it).
    const size_t d = std::min<size_t>(ctx.g.queue_depth, m / 2);
    uint64_t next_rows = 0;
    for (const Load& l : next) next_rows += l.count;
    const std::vector<size_t> slot_read =
        t >= 1 ? std::vector<size_t>{last_ex[t - 1]} : std::vector<size_t>{};
    size_t placed = 0;
    uint64_t rows_before = 0;
    // Places the loads due before instruction i (all of them for i = m).
    auto place_next = [&](size_t i) {
      for (; placed < next.size() &&
             (i >= m || (i >= d && rows_before * (m - d) < (i - d + 1) * next_rows));
           ++placed) {
        next[placed].pos = stream.Add(next[placed].insn, slot_read);
        rows_before += next[placed].count;
      }
    };
    // Loads fetched during the previous tile: the tile's first instruction waits for the last of
    // them (one token; SplitTransfers gives each chunk of a split load its first reader).
    std::optional<size_t> prefetched;
    for (const Load& l : cur)
      if (l.pos) prefetched = std::max(prefetched.value_or(0), *l.pos);
    for (size_t i = 0; i < m; ++i) {
      std::vector<size_t> after;
      if (i == 0 && prefetched) after.push_back(*prefetched);
      if (i == 0 && io.out.ext && t >= 2) after.push_back(last_st[t - 2]);  // output slot stored
      if (isa::QueueOf(tc.insns[i]) != isa::Queue::kEx) {
        // A wide output's DMA_STORE of accumulator rows: after the EX instruction before it.
        after.push_back(last_ex[t]);
        AddLayerCode(stream, {tc.insns[i]}, after, layer, ctx.g, acc_stores);
        continue;
      }
      // Loads not fetched yet (tile 0's) go right before the first instruction that reads their
      // rows, which waits for the last of them (producer and consumer adjacent in fetch order,
      // so the LD->EX tokens never run ahead of the token capacity).
      std::optional<size_t> need;
      for (const isa::ChipExtent& e : isa::ExtentsOf(tc.insns[i], ctx.g).chip) {
        if (e.mem != isa::Mem::kUb || e.count == 0) continue;
        for (Load& l : cur) {
          if (l.pos || l.first >= e.first + e.count || e.first >= l.first + l.count) continue;
          l.pos = stream.Add(l.insn);
          need = *l.pos;
        }
      }
      if (need) after.push_back(*need);
      place_next(i);
      if (std::optional<size_t> ex =
              AddLayerCode(stream, {tc.insns[i]}, after, layer, ctx.g, acc_stores))
        last_ex[t] = *ex;
      for (size_t k = 0; k < writer.size(); ++k)
        if (writer[k] == i) store(k);
    }
    for (size_t k = 0; k < writer.size(); ++k)
      if (!writer[k]) store(k);
    place_next(m);
    // Loads no instruction reads: in LD order before the next tile's.
    for (Load& l : cur)
      if (!l.pos) l.pos = stream.Add(l.insn);
    code.cycles += tc.cycles;
    code.passes += tc.passes;
    return Status::Ok();
  };
  // Software pipeline in fetch order: the instructions of tile t with the loads of tile t + 1
  // spread among them (they wait for the EX of tile t - 1, the previous reader of their slot)
  // and each output block's store right after the instruction that completes it. Tile 0's loads are
  // fetched right before the first instruction that reads them, so the layer's first pass starts as
  // soon as its own input has arrived.
  std::vector<Load> cur = loads_of(0);
  for (size_t t = 0; t < tiles; ++t) {
    std::vector<Load> next = t + 1 < tiles ? loads_of(t + 1) : std::vector<Load>{};
    AORTA_RETURN_IF_ERROR(emit_ex(t, cur, next));
    cur = std::move(next);
  }
  return stats;
}

}  // namespace aorta::codegen
