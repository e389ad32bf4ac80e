#include "compiler/codegen/pack_taps.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "compiler/passes/fused_ops.h"

namespace aorta::codegen {

namespace {

uint64_t DmaCycles(uint64_t rows, double row_cycles) {
  return static_cast<uint64_t>(std::ceil(static_cast<double>(rows) * row_cycles));
}

constexpr size_t kNone = ~size_t{0};
// Pixel stores go in pieces of at most this many rows: SplitTransfers leaves them whole (it
// splits UB transfers of more than twice its 256-row chunk), so none moves before the layer.
constexpr int64_t kMaxStoreRows = 512;

// A convolution that may pack its taps, and its window.
struct Conv {
  const quant::QuantizedMatrixOp* m = nullptr;
  int64_t s_h = 1, s_w = 1, pad_t = 0, pad_l = 0;
};

Result<std::optional<Conv>> Qualifying(const quant::QuantizedGraph& q, const ChipGeometry& g,
                                       const ir::Node& node, const TensorPlace& in) {
  if (passes::BaseOpType(node) != "Conv" || node.HasInput(passes::kResidualInput) ||
      q.ops.count(quant::ActKey(node.name)))
    return std::optional<Conv>();
  auto it = q.ops.find(node.name);
  if (it == q.ops.end() || !std::holds_alternative<quant::QuantizedMatrixOp>(it->second))
    return std::optional<Conv>();
  const quant::QuantizedMatrixOp& m = std::get<quant::QuantizedMatrixOp>(it->second);
  if (m.group != 1 || m.in_c != in.c || 2 * m.in_c > int64_t{g.n} || m.k_w < 2)
    return std::optional<Conv>();
  AORTA_ASSIGN_OR_RETURN(reference::Window win,
                         NodeWindow(q.graph, node, {in.h, in.w}, {m.k_h, m.k_w}, false));
  if (win.dilations[0] != 1 || win.dilations[1] != 1) return std::optional<Conv>();
  return std::optional<Conv>(
      Conv{&m, win.strides[0], win.strides[1], win.pads_begin[0], win.pads_begin[1]});
}

// A band of output rows [oy0, oy0 + h): the rows [r0, r1) of the packed layout (Y = iy / r) its
// windows read, and the layout rows [st0, st1) stored for it (up to one past r1: a packed row of
// row r1 - 1 may read the start of row r1 with a weight of zero, so it must be written before the
// load).
struct Band {
  int64_t oy0 = 0, h = 0, r0 = 0, r1 = 0, st0 = 0, st1 = 0;
  // Margin gaps stored with the band: gap y precedes layout row y; gap Hy follows the last row.
  int64_t Gaps(int64_t rows) const { return st1 - st0 + (st1 == rows && st1 > st0 ? 1 : 0); }
};

// Layout rows of the input: ceil(H / r).
int64_t LayoutRows(const TapPacking& p, const TensorPlace& in) { return (in.h + p.r - 1) / p.r; }

std::vector<Band> BandsOf(const Conv& conv, const TapPacking& p, int64_t th, const TensorPlace& in,
                          const TensorPlace& out) {
  std::vector<Band> bands;
  const int64_t rows = LayoutRows(p, in);
  int64_t done = 0;
  for (int64_t oy0 = 0; oy0 < out.h; oy0 += th) {
    Band b;
    b.oy0 = oy0;
    b.h = std::min(th, out.h - oy0);
    std::tie(b.r0, b.r1) =
        WindowRows(oy0, b.h, conv.s_h / p.r, (p.ky_first - conv.pad_t) / p.r, p.vgroups, 1, rows);
    b.st0 = done;
    b.st1 = std::max(done, std::min(rows, b.r1 + 1));
    done = b.st1;
    bands.push_back(b);
  }
  return bands;
}

// Rows of the bottom fill: the last layout row's missing input rows (H not a multiple of r), as
// zero point, for each of its W pixels.
int64_t BottomRows(const TapPacking& p, const TensorPlace& in) {
  return in.h % p.r == 0 ? 0 : in.w;
}

int64_t MarginBytes(const TapPacking& p, const TensorPlace& in) {
  return (p.pitch - in.w) * p.r * p.c;
}

// The cycle model of docs/compiler.md for the packed form: EX (the zero-point rows, per band
// and output block the passes and the POSTPROC), ST (pixel and margin rows) and LD (packed rows)
// at dma.row_cycles a DMA row overlap, after the first two bands' stores and the first load and
// two DRAM latencies. A direct input (p.direct) has no stores: the first load and one latency.
uint64_t PackedCycles(const Conv& conv, const TapPacking& p, const std::vector<Band>& bands,
                      const TensorPlace& in, const TensorPlace& out, uint32_t n,
                      const DmaCost& dma) {
  const uint64_t ob_n = Blocks(conv.m->out_c, n);
  const int64_t chunks = (MarginBytes(p, in) + n - 1) / n;
  uint64_t ex = p.zp_rows, st = 0, ld = 0, startup = 0;
  for (size_t t = 0; t < bands.size(); ++t) {
    const Band& b = bands[t];
    const auto pixels = static_cast<uint64_t>(b.h * out.w);
    ex += ob_n * (p.passes * (pixels + n) + pixels);
    const int64_t rows = LayoutRows(p, in);
    const auto stores =
        p.direct ? uint64_t{0}
                 : static_cast<uint64_t>((std::min(in.h, b.st1 * p.r) - b.st0 * p.r) * in.w +
                                         b.Gaps(rows) * chunks +
                                         (b.st1 == rows && b.st1 > b.st0 ? BottomRows(p, in) : 0));
    const auto loads = static_cast<uint64_t>((b.r1 - b.r0) * p.cols);
    st += stores;
    ld += loads;
    if (t < 2) startup += stores;
    if (t == 0) startup += loads;
  }
  return (p.direct ? 1 : 2) * dma.latency + DmaCycles(startup, dma.row_cycles) +
         std::max({ex, DmaCycles(st, dma.row_cycles), DmaCycles(ld, dma.row_cycles)});
}

// The unpacked form: per accumulator tile and output block, k_h * k_w passes and the POSTPROC.
uint64_t UnpackedCycles(const Conv& conv, int64_t acc_tile, const TensorPlace& out, uint32_t n) {
  const uint64_t ob_n = Blocks(conv.m->out_c, n);
  const auto taps = static_cast<uint64_t>(conv.m->k_h * conv.m->k_w);
  uint64_t cycles = 0;
  for (int64_t oy0 = 0; oy0 < out.h; oy0 += acc_tile) {
    const auto pixels = static_cast<uint64_t>(std::min(acc_tile, out.h - oy0) * out.w);
    cycles += ob_n * (taps * (pixels + n) + pixels);
  }
  return cycles;
}

}  // namespace

DmaCost DmaCostOf(const ChipConfig& chip) {
  // DmaDataWidth (docs/rtl.md, "The chip"): the smallest power of two of at least 256 bits that
  // carries the DRAM's bandwidth at the clock.
  const double per_cycle = chip.dram().bandwidth_gbps() * 1e3 / chip.clock_mhz();
  double bus = 32;
  while (bus < per_cycle) bus *= 2;
  return {std::max(1.0, bus / per_cycle),
          static_cast<uint64_t>(std::ceil(chip.dram().latency_ns() * chip.clock_mhz() / 1e3))};
}

Result<std::optional<TapPacking>> PlanTapPacking(const quant::QuantizedGraph& q,
                                                 const ChipGeometry& g, const ir::Node& node,
                                                 const TensorPlace& in, const TensorPlace& out,
                                                 uint64_t free_rows, const DmaCost& dma,
                                                 bool direct) {
  AORTA_ASSIGN_OR_RETURN(std::optional<Conv> conv, Qualifying(q, g, node, in));
  if (!conv) return std::optional<TapPacking>();
  const quant::QuantizedMatrixOp& m = *conv->m;
  // A row wider than half the accumulator: the plain lowering tiles its columns (AccTileRows).
  if (out.w > static_cast<int64_t>(g.acc_rows / 2)) return std::optional<TapPacking>();
  AORTA_ASSIGN_OR_RETURN(const int64_t acc_tile, AccTileRows(node, out, g));
  const uint64_t unpacked = UnpackedCycles(*conv, acc_tile, out, g.n);
  std::optional<TapPacking> best;
  // r = 1: horizontal taps only; r = stride_h: the stride_h input rows an output row steps over
  // interleaved per pixel, so a packed row holds r kernel rows too.
  std::vector<int64_t> interleave = {1};
  if (conv->s_h > 1) interleave.push_back(conv->s_h);
  for (const int64_t r : interleave) {
    TapPacking p;
    p.c = m.in_c;
    p.r = r;
    p.direct = direct;
    p.pad_l = conv->pad_l;
    p.unpacked_cycles = unpacked;
    const int64_t a = ((conv->pad_t % r) + r) % r;  // group starts: ky = pad_t (mod r)
    p.ky_first = a == 0 ? 0 : a - r;
    p.vgroups = (m.k_h - p.ky_first + r - 1) / r;
    // As many taps per row as fit; with several column groups, a multiple of stride_w (a group's
    // first packed column is then a whole column of the packed tensor).
    p.g = std::min<int64_t>(m.k_w, g.n / (r * p.c));
    if (p.g < 1) continue;
    if ((m.k_w + p.g - 1) / p.g > 1) p.g -= p.g % conv->s_w;
    if (p.g < 1 || p.g * r < 2) continue;
    p.groups = (m.k_w + p.g - 1) / p.g;
    // Packed columns: every column a group's window reads, the image and its left padding, every
    // column a real tap reads (pitch - W columns of zero point between stored rows).
    const int64_t s_w = conv->s_w;
    p.cols = std::max({out.w + (p.groups - 1) * p.g / s_w, (p.pad_l + in.w + s_w - 1) / s_w,
                       ((out.w - 1) * s_w + m.k_w + s_w - 1) / s_w});
    p.pitch = p.cols * s_w;
    if (p.cols > kMaxDim) continue;
    p.passes = static_cast<uint32_t>(p.vgroups * p.groups);
    const int64_t margin = p.pitch - in.w - p.pad_l;  // columns before row 0's left padding
    p.scratch_bytes = static_cast<uint64_t>(margin + LayoutRows(p, in) * p.pitch +
                                            std::max(p.g, p.pad_l) + p.pitch) *
                      static_cast<uint64_t>(r * p.c);
    // The band (output rows, at most an accumulator tile) with the lowest estimate whose staging
    // fits the free rows: smaller bands start the passes sooner, larger ones fill the array less
    // often.
    for (int64_t th = acc_tile; th >= 1; --th) {
      const std::vector<Band> bands = BandsOf(*conv, p, th, in, out);
      int64_t band_in = 1, gaps = 1;
      for (const Band& b : bands) {
        band_in = std::max(band_in, b.r1 - b.r0);
        gaps = std::max(gaps, b.Gaps(LayoutRows(p, in)));
      }
      p.band_rows = th;
      p.zp_rows =
          direct
              ? 0
              : static_cast<uint64_t>(std::max(gaps, std::min(BottomRows(p, in), kMaxStoreRows)));
      p.slot_rows = static_cast<uint64_t>(band_in * p.cols);
      if (p.staging_rows() > free_rows) continue;
      p.est_cycles = PackedCycles(*conv, p, bands, in, out, g.n, dma);
      if (!best || p.est_cycles < best->est_cycles) best = p;
    }
  }
  if (best && !direct && best->est_cycles >= best->unpacked_cycles) best.reset();
  return best;
}

program::PackedRows PackedRowsOf(const TapPacking& p, const TensorPlace& in) {
  program::PackedRows pr;
  pr.set_interleave(static_cast<uint32_t>(p.r));
  pr.set_pitch(static_cast<uint64_t>(p.pitch));
  pr.set_origin(static_cast<uint64_t>(MarginBytes(p, in)));
  pr.set_size(p.scratch_bytes);
  return pr;
}

Result<PackedStats> LowerPackedConv(LowerContext& ctx, const ir::Node& node, const TapPacking& p,
                                    const TensorPlace& in, const TensorPlace& out,
                                    uint64_t stage_addr, const ExtHome& scratch, const DmaCost& dma,
                                    RunStream& stream, int32_t layer, LayerCode& code) {
  if (p.direct && p.zp_rows != 0)
    return Internal("{}: a direct input planned with {} zero-point rows", node.Describe(),
                    p.zp_rows);
  AORTA_ASSIGN_OR_RETURN(std::optional<Conv> conv, Qualifying(ctx.q, ctx.g, node, in));
  if (!conv)
    return Internal("{}: tap packing planned for a convolution that does not qualify",
                    node.Describe());
  const quant::QuantizedMatrixOp& m = *conv->m;
  const uint32_t n = ctx.g.n;

  // The geometry, POSTPROC rows and LUT of the plain lowering; its dense per-tap tiles go to a
  // throw-away image and the packed tiles replace them.
  ConstantImage dense(n);
  LowerContext dense_ctx{ctx.q, ctx.g, dense, ctx.bank, ctx.acc_half};
  AORTA_ASSIGN_OR_RETURN(MatrixPlan plan, PlanMatrix(dense_ctx, node, in, out, code));
  const uint64_t post_rows = 3ull * plan.ob_n;
  const uint64_t post = ctx.consts.AddParamRows(post_rows);
  for (uint64_t r = 0; r < post_rows; ++r)
    for (uint32_t j = 0; j < n; ++j) ctx.consts.Param(post + r, j) = dense.Param(plan.param + r, j);
  plan.param = post;
  if (plan.lut >= 0)
    plan.lut = static_cast<int32_t>(ctx.consts.AddLut(dense.luts()[static_cast<size_t>(plan.lut)]));

  // Tile (ob, v, q): row (j * r + dy) * C + c, lane o = W[ob * N + o][c][ky][q * g + j] with
  // ky = ky_first + v * r + dy (zero outside the kernel). Its window starts at packed row
  // (ky_first + v * r - pad_t) / r + oy * stride_h / r and packed column q * g / stride_w (encoded
  // as the tap (v, q * g / stride_w) with pad_t = (pad_t - ky_first) / r for EmitMatrixTile).
  const int64_t taps = m.k_h * m.k_w;
  std::vector<int8_t> tile(size_t{n} * n);
  for (uint32_t ob = 0; ob < plan.ob_n; ++ob) {
    plan.tiles[ob].clear();
    for (int64_t v = 0; v < p.vgroups; ++v) {
      for (int64_t grp = 0; grp < p.groups; ++grp) {
        std::fill(tile.begin(), tile.end(), int8_t{0});
        bool any = false;
        for (int64_t dy = 0; dy < p.r; ++dy) {
          const int64_t ky = p.ky_first + v * p.r + dy;
          if (ky < 0 || ky >= m.k_h) continue;
          for (int64_t j = 0; j < p.g && grp * p.g + j < m.k_w; ++j)
            for (int64_t c = 0; c < p.c; ++c)
              for (uint32_t o = 0; o < n && int64_t{ob} * n + o < m.out_c; ++o) {
                const int64_t oc = int64_t{ob} * n + o;
                const int8_t w =
                    m.w[static_cast<size_t>((oc * m.in_c + c) * taps + ky * m.k_w + grp * p.g + j)];
                tile[static_cast<size_t>((j * p.r + dy) * p.c + c) * n + o] = w;
                any |= w != 0;
              }
        }
        const bool last = v == p.vgroups - 1 && grp == p.groups - 1;
        if (!any && !(last && plan.tiles[ob].empty())) continue;
        const uint64_t wb = ctx.consts.AddWbRows(n);
        for (uint32_t k = 0; k < n; ++k)
          for (uint32_t o = 0; o < n; ++o) ctx.consts.Wb(wb + k, o) = tile[size_t{k} * n + o];
        plan.tiles[ob].push_back({v * m.k_w + grp * p.g / conv->s_w, 0, wb});
      }
    }
  }
  plan.stride_h = conv->s_h / p.r;
  plan.dil_h = 1;
  plan.pad_t = (conv->pad_t - p.ky_first) / p.r;
  plan.stride_w = 1;
  plan.dil_w = 1;
  plan.pad_l = 0;

  // UB: the zero-point rows, then two band slots. DRAM: channel c of pixel (iy, ix) at byte
  // base + ((iy / r) * pitch + pad_l + ix) * r * C + (iy % r) * C + c; gap y (the pitch - W
  // columns before layout row y) at scratch.offset + y * pitch * r * C.
  const uint64_t zp_addr = stage_addr;
  const uint64_t slot_addr[2] = {stage_addr + p.zp_rows, stage_addr + p.zp_rows + p.slot_rows};
  const auto c = static_cast<uint64_t>(p.c);
  const auto rc = static_cast<uint64_t>(p.r) * c;  // bytes of one layout pixel
  const auto pitch_bytes = static_cast<uint64_t>(p.pitch) * rc;
  const uint64_t base = scratch.offset + static_cast<uint64_t>(p.pitch - in.w - p.pad_l) * rc;
  const int64_t layout_rows = LayoutRows(p, in);
  const auto margin = static_cast<uint64_t>(MarginBytes(p, in));
  const int32_t zp = plan.pad_value;

  // The zero-point rows: POSTPROC with bias, multiplier and shift 0 gives out_zp in every lane,
  // whatever the accumulator rows hold.
  const uint64_t zero_param = ctx.consts.AddParamRows(3);
  size_t zp_op = kNone;
  uint64_t ex_cycles = 0;
  for (uint64_t r = 0; r < p.zp_rows; r += ctx.g.acc_rows) {
    isa::Postproc pp;
    pp.param_addr = static_cast<uint32_t>(zero_param);
    pp.out_zp = zp;
    pp.lo = -128;
    pp.hi = 127;
    pp.acc_addr = 0;
    pp.ub_addr = static_cast<uint32_t>(zp_addr + r);
    pp.rows = static_cast<uint32_t>(std::min<uint64_t>(ctx.g.acc_rows, p.zp_rows - r));
    zp_op = stream.Add(pp, {}, layer);
    ex_cycles += pp.rows;
  }

  const std::vector<Band> bands = BandsOf(*conv, p, p.band_rows, in, out);
  const size_t count = bands.size();
  PackedStats stats;
  uint64_t st_rows = 0, ld_rows = 0, startup = 0;
  size_t last_st = kNone;
  std::vector<size_t> st_upto(count, kNone), ld(count, kNone), last_ex(count, kNone);
  auto store = [&](uint64_t chip_addr, uint64_t ext_offset, uint64_t stride, uint64_t rows,
                   uint64_t bytes) {
    isa::DmaStore d;
    d.slot = scratch.slot;
    d.mem = isa::Mem::kUb;
    d.chip_addr = static_cast<uint32_t>(chip_addr);
    d.ext_offset = ext_offset;
    d.ext_stride = static_cast<uint32_t>(stride);
    d.rows = static_cast<uint32_t>(rows);
    d.row_bytes = static_cast<uint32_t>(bytes);
    last_st = stream.Add(d, {zp_op});
    st_rows += rows;
    stats.dram_bytes += rows * bytes;
  };
  auto emit_stores = [&](size_t t) {
    const Band& b = bands[t];
    const uint64_t before = st_rows;
    for (int64_t iy = b.st0 * p.r; iy < std::min(in.h, b.st1 * p.r); ++iy)
      for (int64_t x0 = 0; x0 < in.w; x0 += kMaxStoreRows)
        store(in.addr + static_cast<uint64_t>(iy * in.w + x0),
              base + static_cast<uint64_t>((iy / p.r) * p.pitch + p.pad_l + x0) * rc +
                  static_cast<uint64_t>(iy % p.r) * c,
              rc, static_cast<uint64_t>(std::min(kMaxStoreRows, in.w - x0)), c);
    // The last layout row's missing input rows (H not a multiple of r): zero point.
    if (b.st1 == layout_rows && b.st1 > b.st0)
      for (int64_t x0 = 0; x0 < BottomRows(p, in); x0 += static_cast<int64_t>(p.zp_rows))
        store(zp_addr,
              base + static_cast<uint64_t>((layout_rows - 1) * p.pitch + p.pad_l + x0) * rc +
                  static_cast<uint64_t>(in.h % p.r) * c,
              rc, std::min<uint64_t>(p.zp_rows, static_cast<uint64_t>(in.w - x0)),
              static_cast<uint64_t>(p.r - in.h % p.r) * c);
    const auto gaps = static_cast<uint64_t>(b.Gaps(layout_rows));
    for (uint64_t at = 0; gaps > 0 && at < margin; at += n)
      store(zp_addr, scratch.offset + static_cast<uint64_t>(b.st0) * pitch_bytes + at, pitch_bytes,
            gaps, std::min<uint64_t>(n, margin - at));
    st_upto[t] = last_st;
    if (t < 2) startup += st_rows - before;
  };
  auto emit_load = [&](size_t t) {
    const Band& b = bands[t];
    isa::DmaLoad d;
    d.slot = scratch.slot;
    d.mem = isa::Mem::kUb;
    d.ext_offset = base + static_cast<uint64_t>(b.r0) * pitch_bytes;
    d.ext_stride = static_cast<uint32_t>(static_cast<uint64_t>(conv->s_w) * rc);
    d.chip_addr = static_cast<uint32_t>(slot_addr[t % 2]);
    d.rows = static_cast<uint32_t>((b.r1 - b.r0) * p.cols);
    d.row_bytes = static_cast<uint32_t>(static_cast<uint64_t>(p.g) * rc);
    // Slot reuse, and (through that EX instruction) the band's stores.
    ld[t] = stream.Add(d, t >= 2 ? std::vector<size_t>{last_ex[t - 2]} : std::vector<size_t>{});
    ld_rows += d.rows;
    stats.dram_bytes += uint64_t{d.rows} * d.row_bytes;
    if (t == 0) startup += d.rows;
  };
  auto emit_ex = [&](size_t t) -> Status {
    const Band& b = bands[t];
    RowView view;
    view.addr = slot_addr[t % 2];
    view.block_stride = 0;
    view.y0 = b.r0;
    view.h = b.r1 - b.r0;
    view.w = p.cols;
    LayerCode tc;
    for (uint32_t ob = 0; ob < plan.ob_n; ++ob)
      AORTA_RETURN_IF_ERROR(
          EmitMatrixTile(ctx, node, plan, ob, b.oy0, b.h, view,
                         out.addr + ob * out.plane() + static_cast<uint64_t>(b.oy0 * out.w), tc));
    for (size_t i = 0; i < tc.insns.size(); ++i) {
      std::vector<size_t> after;
      if (i == 0) after.push_back(ld[t]);
      // The band two ahead reuses this slot once its stores are done: its load waits for this.
      if (i + 1 == tc.insns.size() && t + 2 < count && st_upto[t + 2] != kNone)
        after.push_back(st_upto[t + 2]);
      last_ex[t] = stream.Add(tc.insns[i], after, layer);
    }
    ex_cycles += tc.cycles;
    code.passes += tc.passes;
    return Status::Ok();
  };

  // Fetch order: SYNC (the input's rows are complete: a model input's load, split into chunks
  // by SplitTransfers, has no EX reader before the stores), the first two bands' stores, SYNC
  // (the ISA has no ST -> LD token), their loads; then per band t the stores of t + 2, the passes
  // of t, the load of t + 2. A direct input (the runtime wrote it in this layout before the run)
  // has no stores and no SYNC: the loads of t + 2 still wait for the passes of t (its slot).
  if (!p.direct) {
    stream.Add(isa::Sync{});
    emit_stores(0);
    if (count > 1) emit_stores(1);
    stream.Add(isa::Sync{});
  }
  emit_load(0);
  if (count > 1) emit_load(1);
  for (size_t t = 0; t < count; ++t) {
    if (t + 2 < count && !p.direct) emit_stores(t + 2);
    AORTA_RETURN_IF_ERROR(emit_ex(t));
    if (t + 2 < count) emit_load(t + 2);
  }
  code.cycles +=
      (p.direct ? 1 : 2) * dma.latency + DmaCycles(startup, dma.row_cycles) +
      std::max({ex_cycles, DmaCycles(st_rows, dma.row_cycles), DmaCycles(ld_rows, dma.row_cycles)});
  return stats;
}

}  // namespace aorta::codegen
