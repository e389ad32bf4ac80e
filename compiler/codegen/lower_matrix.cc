// Conv and Gemm (fused nodes): MATMUL passes or DWCONV, then POSTPROC, then the residual add.
// Stand-alone LUT activations take the same path, as a 1x1 depthwise convolution by 1.
//
// A convolution of C_in -> C_out channels with a K_h x K_w kernel is, for each output block ob
// and each tile of output rows, one MATMUL per (kernel tap, input block) accumulating into one
// half of the accumulator (the halves alternate), then one POSTPROC into the output plane. Grouped
// convolutions use a block-diagonal weight matrix and skip the tiles that are all zero, so a group
// touches only its own blocks. Depthwise convolutions (groups == channels) run on DWCONV, N
// channels per instruction. A Gemm is a 1x1 convolution of the (K, 1, M) image. The input zero
// point is the padding value and is folded into the bias (quant::QuantizedMatrixOp::folded_bias).
#include <algorithm>

#include "compiler/codegen/lowering.h"
#include "compiler/passes/fold_pad_into_window.h"
#include "compiler/passes/fused_ops.h"

namespace aorta::codegen {

bool IsDepthwise(const quant::QuantizedMatrixOp& m, int64_t dil_h, int64_t dil_w) {
  return m.group > 1 && m.group == m.in_c && m.out_c == m.in_c && m.k_h <= kMaxDwKernel &&
         m.k_w <= kMaxDwKernel && dil_h <= kMaxDwKernel && dil_w <= kMaxDwKernel;
}

namespace {

// The weight of output channel oc, input channel ic (of all), tap: 0 outside oc's group.
int8_t DenseWeight(const quant::QuantizedMatrixOp& m, int64_t oc, int64_t ic, int64_t tap) {
  const int64_t in_g = m.in_c / m.group, out_g = m.out_c / m.group;
  const int64_t g = oc / out_g;
  if (ic < g * in_g || ic >= (g + 1) * in_g) return 0;
  const int64_t taps = m.k_h * m.k_w;
  return m.w[static_cast<size_t>((oc * in_g + ic - g * in_g) * taps + tap)];
}

// POSTPROC rows per output block: +0 bias, +1 multiplier, +2 shift. Lanes beyond the channels
// stay 0 (multiplier 0: the lane is the output zero point, and nothing reads it).
uint64_t PackPostproc(ConstantImage& k, const quant::QuantizedMatrixOp& m) {
  const uint32_t n = k.n();
  const uint64_t first = k.AddParamRows(3ull * Blocks(m.out_c, n));
  for (int64_t oc = 0; oc < m.out_c; ++oc) {
    const uint64_t row = first + 3 * static_cast<uint64_t>(oc / n);
    const auto lane = static_cast<uint32_t>(oc % n);
    const auto c = static_cast<size_t>(oc);
    k.Param(row, lane) = m.folded_bias[c];
    k.Param(row + 1, lane) = m.mult[c].mult;
    k.Param(row + 2, lane) = m.mult[c].shift;
  }
  return first;
}

isa::Postproc MakePostproc(const quant::QuantizedMatrixOp& m, uint64_t param, int32_t lut) {
  isa::Postproc p;
  p.param_addr = static_cast<uint32_t>(param);
  p.out_zp = m.post.zero_point;
  p.lo = m.lo;
  p.hi = m.hi;
  p.leaky = m.leaky;
  p.alpha_mult = m.alpha_mult;
  p.alpha_shift = m.alpha_shift;
  p.lut_en = lut >= 0;
  p.lut_sel = lut >= 0 ? static_cast<uint32_t>(lut) : 0;
  return p;
}

Status CheckOffset(const ir::Node& node, int64_t off) {
  if (off < -kMaxOffset - 1 || off > kMaxOffset)
    return Unsupported("{}: window offset {} exceeds the 13-bit y_off / x_off fields",
                       node.Describe(), off);
  return Status::Ok();
}

}  // namespace

Result<int64_t> AccTileRows(const ir::Node& node, const TensorPlace& out, const ChipGeometry& g) {
  const auto acc = static_cast<int64_t>(g.acc_rows / 2);
  if (acc < 1) return Internal("{}: an accumulator of {} rows", node.Describe(), g.acc_rows);
  // A row wider than half the accumulator: one row at a time, in column pieces (EmitMatrixTile).
  return std::clamp<int64_t>(acc / out.w, 1, out.h);
}

std::pair<int64_t, int64_t> WindowRows(int64_t oy0, int64_t th, int64_t stride, int64_t off,
                                       int64_t k, int64_t dil, int64_t in_h) {
  const int64_t first = oy0 * stride + off, last = (oy0 + th - 1) * stride + off + (k - 1) * dil;
  int64_t lo = std::max<int64_t>(first, 0), hi = std::min<int64_t>(last + 1, in_h);
  if (hi <= lo) {  // every tap outside the image: any one row (nothing is read from it)
    lo = std::clamp<int64_t>(first, 0, in_h - 1);
    hi = lo + 1;
  }
  return {lo, hi};
}

Result<MatrixPlan> PlanMatrix(LowerContext& ctx, const ir::Node& node, const TensorPlace& in,
                              const TensorPlace& out, LayerCode& code,
                              const std::vector<WideSink>& wide) {
  AORTA_ASSIGN_OR_RETURN(const quant::QuantizedMatrixOp* mp,
                         QuantizedAs<quant::QuantizedMatrixOp>(ctx, node));
  MatrixPlan plan;
  plan.m = mp;
  const quant::QuantizedMatrixOp& m = *mp;
  const uint32_t n = ctx.g.n;
  plan.in_h = in.h;
  plan.in_w = in.w;
  plan.out_h = out.h;
  plan.out_w = out.w;
  const std::string base = passes::BaseOpType(node);
  if (base == "Conv") {
    AORTA_ASSIGN_OR_RETURN(reference::Window win,
                           NodeWindow(ctx.q.graph, node, {in.h, in.w}, {m.k_h, m.k_w}, false));
    plan.stride_h = win.strides[0];
    plan.stride_w = win.strides[1];
    plan.dil_h = win.dilations[0];
    plan.dil_w = win.dilations[1];
    plan.pad_t = win.pads_begin[0];
    plan.pad_l = win.pads_begin[1];
  }
  if (base == "ConvTranspose") {
    // The stride-1 convolution of the zero-inserted input (`in`, EmitZeroInsert) by the flipped
    // kernel (the quantizer's weights): begin padding d (k - 1) - pad_begin; the zero rows and
    // columns after the last pixel read the zero point, like the padding.
    AORTA_ASSIGN_OR_RETURN(reference::DeconvGeometry geo, NodeDeconv(ctx.q.graph, node));
    plan.dil_h = geo.dilations[0];
    plan.dil_w = geo.dilations[1];
    plan.pad_t = geo.dilations[0] * (m.k_h - 1) - geo.pads_begin[0];
    plan.pad_l = geo.dilations[1] * (m.k_w - 1) - geo.pads_begin[1];
  }
  plan.pad_value = m.in.zero_point;
  if (node.op_type == "Pad") {
    // A copy whose window starts at (-top, -left): outside the image it reads the pad value.
    AORTA_ASSIGN_OR_RETURN(std::optional<passes::ConstantPad> p,
                           passes::ConstantPadOf(ctx.q.graph, node));
    if (!p || p->begin.size() != 4)
      return Internal("{}: not a constant 4-D pad (support and lowering disagree)",
                      node.Describe());
    plan.pad_t = p->begin[2];
    plan.pad_l = p->begin[3];
    plan.pad_value = m.in.Quantize(p->value);
  }
  plan.depthwise = IsDepthwise(m, plan.dil_h, plan.dil_w);
  plan.taps = m.k_h * m.k_w;
  const int64_t taps = plan.taps;
  // Logical MACs of the op (none for a stand-alone activation lowered as a 1x1 depthwise pass).
  if (base == "Conv" || base == "Gemm")
    code.macs = static_cast<uint64_t>(m.out_c * (m.in_c / m.group) * taps * out.h * out.w);
  if (base == "ConvTranspose") {  // every input pixel times every weight (not the zeros)
    AORTA_ASSIGN_OR_RETURN(Shape x, ShapeOf(ctx.q.graph, node.inputs[0]));
    code.macs = static_cast<uint64_t>(m.out_c * (m.in_c / m.group) * taps * x[2] * x[3]);
  }

  AORTA_ASSIGN_OR_RETURN(plan.acc_tile_rows, AccTileRows(node, out, ctx.g));
  plan.wide = wide;
  if (wide.empty()) {
    plan.param = PackPostproc(ctx.consts, m);
    plan.lut = m.lut ? static_cast<int32_t>(ctx.consts.AddLut(*m.lut)) : -1;
  }
  plan.ob_n = Blocks(m.out_c, n);
  plan.ib_n = Blocks(m.in_c, n);

  // Weights: depthwise taps (row first + ob * taps + tap, lane = channel), or the kept MATMUL
  // tiles of each output block (row k, lane j = W[ob*N + j][ib*N + k][tap]).
  plan.tiles.resize(plan.ob_n);
  if (plan.depthwise) {
    plan.dw_first = ctx.consts.AddWbRows(plan.ob_n * static_cast<uint64_t>(taps));
    for (int64_t c = 0; c < m.out_c; ++c)
      for (int64_t t = 0; t < taps; ++t)
        ctx.consts.Wb(plan.dw_first + static_cast<uint64_t>(c / n * taps + t),
                      static_cast<uint32_t>(c % n)) = m.w[static_cast<size_t>(c * taps + t)];
  } else {
    std::vector<int8_t> tile(size_t{n} * n, 0);
    for (uint32_t ob = 0; ob < plan.ob_n; ++ob) {
      for (int64_t t = 0; t < taps; ++t) {
        for (uint32_t ib = 0; ib < plan.ib_n; ++ib) {
          std::fill(tile.begin(), tile.end(), int8_t{0});
          bool any = false;
          for (uint32_t k = 0; k < n; ++k)
            for (uint32_t j = 0; j < n; ++j) {
              const int64_t oc = int64_t{ob} * n + j, ic = int64_t{ib} * n + k;
              if (oc >= m.out_c || ic >= m.in_c) continue;
              const int8_t v = DenseWeight(m, oc, ic, t);
              tile[size_t{k} * n + j] = v;
              any |= v != 0;
            }
          // An all-zero tile adds nothing; keep one per block so that ACC is written.
          const bool last = t == taps - 1 && ib == plan.ib_n - 1;
          if (!any && !(last && plan.tiles[ob].empty())) continue;
          const uint64_t wb = ctx.consts.AddWbRows(n);
          for (uint32_t k = 0; k < n; ++k)
            for (uint32_t j = 0; j < n; ++j) ctx.consts.Wb(wb + k, j) = tile[size_t{k} * n + j];
          plan.tiles[ob].push_back({t, ib, wb});
        }
      }
    }
  }
  if (m.residual) {
    plan.residual_record = ctx.consts.AddParamRows(1);
    const intmath::EltwiseParams& r = *m.residual;
    uint32_t lane = 0;
    for (int32_t v : {r.ma, r.mb, r.shift, r.za, r.zb, r.zo, r.lo, r.hi})
      ctx.consts.Param(plan.residual_record, lane++) = v;
  }
  return plan;
}

namespace {

// Output rows [oy0, oy0 + th), columns [ox0, ox0 + tw) of block ob (th * tw pixels, at most half
// the accumulator) into UB rows from dst_row: the passes, then POSTPROC.
Status EmitMatrixPiece(LowerContext& ctx, const ir::Node& node, const MatrixPlan& plan, uint32_t ob,
                       int64_t oy0, int64_t th, int64_t ox0, int64_t tw, const RowView& in,
                       uint64_t dst_row, LayerCode& code) {
  const quant::QuantizedMatrixOp& m = *plan.m;
  const uint32_t n = ctx.g.n;
  const auto pixels = static_cast<uint64_t>(th * tw);
  const auto acc = static_cast<uint32_t>((ctx.acc_half++ & 1) * (ctx.g.acc_rows / 2));
  if (plan.depthwise) {
    isa::Dwconv d;
    d.act_addr = static_cast<uint32_t>(in.addr + ob * in.block_stride);
    d.in_h = static_cast<uint32_t>(in.h);
    d.in_w = static_cast<uint32_t>(in.w);
    d.out_h = static_cast<uint32_t>(th);
    d.out_w = static_cast<uint32_t>(tw);
    d.stride_h = static_cast<uint32_t>(plan.stride_h);
    d.stride_w = static_cast<uint32_t>(plan.stride_w);
    d.dil_h = static_cast<uint32_t>(plan.dil_h);
    d.dil_w = static_cast<uint32_t>(plan.dil_w);
    d.k_h = static_cast<uint32_t>(m.k_h);
    d.k_w = static_cast<uint32_t>(m.k_w);
    const int64_t y_off = oy0 * plan.stride_h - plan.pad_t - in.y0;
    const int64_t x_off = ox0 * plan.stride_w - plan.pad_l;
    AORTA_RETURN_IF_ERROR(CheckOffset(node, y_off));
    AORTA_RETURN_IF_ERROR(CheckOffset(node, x_off));
    d.y_off = static_cast<int32_t>(y_off);
    d.x_off = static_cast<int32_t>(x_off);
    d.pad_value = plan.pad_value;
    d.wb_addr = static_cast<uint32_t>(plan.dw_first + ob * static_cast<uint64_t>(plan.taps));
    d.acc_addr = acc;
    code.Add(d, pixels * static_cast<uint64_t>(plan.taps));
  } else {
    bool first = true;
    for (const MatrixPlan::Tile& tile : plan.tiles[ob]) {
      const bool bank = (ctx.bank++ & 1) != 0;
      code.Add(isa::Loadw{.deps = {}, .bank = bank, .wb_addr = static_cast<uint32_t>(tile.wb)}, 0);
      isa::Matmul mm;
      mm.bank = bank;
      mm.accumulate = !first;
      first = false;
      mm.act_addr = static_cast<uint32_t>(in.addr + tile.ib * in.block_stride);
      mm.in_h = static_cast<uint32_t>(in.h);
      mm.in_w = static_cast<uint32_t>(in.w);
      mm.out_h = static_cast<uint32_t>(th);
      mm.out_w = static_cast<uint32_t>(tw);
      mm.stride_h = static_cast<uint32_t>(plan.stride_h);
      mm.stride_w = static_cast<uint32_t>(plan.stride_w);
      const int64_t ky = tile.tap / m.k_w, kx = tile.tap % m.k_w;
      const int64_t y_off = ky * plan.dil_h - plan.pad_t + oy0 * plan.stride_h - in.y0;
      const int64_t x_off = kx * plan.dil_w - plan.pad_l + ox0 * plan.stride_w;
      AORTA_RETURN_IF_ERROR(CheckOffset(node, y_off));
      AORTA_RETURN_IF_ERROR(CheckOffset(node, x_off));
      mm.y_off = static_cast<int32_t>(y_off);
      mm.x_off = static_cast<int32_t>(x_off);
      mm.pad_value = plan.pad_value;
      mm.acc_addr = acc;
      code.Add(mm, pixels + n);  // one pixel per cycle, plus the array's fill
      ++code.passes;
    }
  }
  if (!plan.wide.empty()) {
    // A wide output: the accumulator rows (int32, bias and requantization left to the host).
    const auto c = static_cast<uint64_t>(m.out_c);
    const uint64_t lanes = std::min<uint64_t>(n, c - uint64_t{ob} * n);
    for (const WideSink& sink : plan.wide) {
      isa::DmaStore st;
      st.slot = sink.slot;
      st.mem = isa::Mem::kAcc;
      st.chip_addr = acc;
      st.rows = static_cast<uint32_t>(pixels);
      const auto first = static_cast<uint64_t>(oy0 * plan.out_w + ox0);
      if (sink.pixel_major) {
        st.ext_offset = sink.offset + 4 * (first * c + uint64_t{ob} * n);
        st.ext_stride = static_cast<uint32_t>(4 * c);
        st.row_bytes = static_cast<uint32_t>(4 * lanes);
      } else {
        const auto plane = static_cast<uint64_t>(plan.out_h * plan.out_w);
        st.ext_offset = sink.offset + 4 * n * (ob * plane + first);
        st.ext_stride = 4 * n;
        st.row_bytes = 4 * n;
      }
      code.Add(st, pixels);
    }
    return Status::Ok();
  }
  isa::Postproc p = MakePostproc(m, plan.param + 3ull * ob, plan.lut);
  p.ub_addr = static_cast<uint32_t>(dst_row);
  p.acc_addr = acc;
  p.rows = static_cast<uint32_t>(pixels);
  code.Add(p, pixels);
  return Status::Ok();
}

}  // namespace

Status EmitMatrixTile(LowerContext& ctx, const ir::Node& node, const MatrixPlan& plan, uint32_t ob,
                      int64_t oy0, int64_t th, const RowView& in, uint64_t dst_row,
                      LayerCode& code) {
  // Column tiling: a row wider than half the accumulator goes in pieces of half of it (a tile is
  // then one row, AccTileRows), each with its own passes and POSTPROC into its part of the row.
  const auto half = static_cast<int64_t>(ctx.g.acc_rows / 2);
  const int64_t cols = th * plan.out_w <= half ? plan.out_w : half;
  if (cols < plan.out_w && th != 1)
    return Internal("{}: a tile of {} rows of {} pixels exceeds half of the accumulator",
                    node.Describe(), th, plan.out_w);
  for (int64_t ox0 = 0; ox0 < plan.out_w; ox0 += cols)
    AORTA_RETURN_IF_ERROR(EmitMatrixPiece(ctx, node, plan, ob, oy0, th, ox0,
                                          std::min(cols, plan.out_w - ox0), in,
                                          dst_row + static_cast<uint64_t>(ox0), code));
  return Status::Ok();
}

Result<ZeroInsertPlan> PlanZeroInsert(LowerContext& ctx, const ir::Node& node, int64_t s_h,
                                      int64_t s_w, int32_t zp) {
  const uint32_t n = ctx.g.n;
  const auto half = static_cast<int64_t>(ctx.g.acc_rows / 2);
  if (s_w > half)
    return Unsupported("{}: stride {} is wider than half of the accumulator ({} rows)",
                       node.Describe(), s_w, half);
  ZeroInsertPlan plan;
  plan.s_h = s_h;
  plan.s_w = s_w;
  plan.zp = zp;
  // Tap weight 1 in every lane; POSTPROC adds -zp and requantizes by 1 (2^30 * 2^-30) to zp.
  plan.ones = ctx.consts.AddWbRows(1);
  plan.param = ctx.consts.AddParamRows(3);
  for (uint32_t j = 0; j < n; ++j) {
    ctx.consts.Wb(plan.ones, j) = 1;
    ctx.consts.Param(plan.param, j) = -zp;
    ctx.consts.Param(plan.param + 1, j) = 1 << 30;
    ctx.consts.Param(plan.param + 2, j) = -1;
  }
  return plan;
}

void EmitZeroInsertRows(LowerContext& ctx, const ZeroInsertPlan& plan, const RowView& in,
                        uint32_t blocks, uint64_t z_addr, uint64_t z_block_stride,
                        LayerCode& code) {
  const int64_t s_h = plan.s_h, s_w = plan.s_w, z_w = in.w * plan.s_w;
  const int32_t zp = plan.zp;
  const auto half = static_cast<int64_t>(ctx.g.acc_rows / 2);
  // The zero-inserted rows go through the accumulator in tiles of at most half of it: `fill`
  // rows of the current tile, which starts at zero-inserted row `z_row` of the block.
  int64_t fill = 0, z_row = 0;
  uint32_t acc = 0;
  auto flush = [&](uint32_t b) {
    if (fill == 0) return;
    isa::Postproc p;
    p.param_addr = static_cast<uint32_t>(plan.param);
    p.out_zp = zp;
    p.lo = -128;
    p.hi = 127;
    p.acc_addr = acc;
    p.ub_addr = static_cast<uint32_t>(z_addr + b * z_block_stride + static_cast<uint64_t>(z_row));
    p.rows = static_cast<uint32_t>(fill);
    code.Add(p, static_cast<uint64_t>(fill));
    z_row += fill;
    fill = 0;
  };
  // `pixels` input pixels from `row` read as a pixels x 1 image in an out_h x s_w grid: column 0
  // of the first `pixels` grid rows is inside the image, everything else reads zp. With
  // pixels = 0 (row unused: in_h 1 and every tap below it) the grid is all zeros.
  auto piece = [&](uint32_t b, uint64_t row, int64_t pixels, int64_t out_h, int64_t out_w) {
    if (fill == 0) acc = static_cast<uint32_t>((ctx.acc_half++ & 1) * static_cast<uint64_t>(half));
    isa::Dwconv d;
    d.act_addr = static_cast<uint32_t>(in.addr + b * in.block_stride + row);
    d.in_h = static_cast<uint32_t>(std::max<int64_t>(pixels, 1));
    d.in_w = 1;
    d.out_h = static_cast<uint32_t>(out_h);
    d.out_w = static_cast<uint32_t>(out_w);
    d.y_off = pixels == 0 ? 1 : 0;
    d.pad_value = zp;
    d.wb_addr = static_cast<uint32_t>(plan.ones);
    d.acc_addr = acc + static_cast<uint32_t>(fill);
    code.Add(d, static_cast<uint64_t>(out_h * out_w));
    fill += out_h * out_w;
  };
  const int64_t per_row = s_h * z_w;  // accumulator rows of one input row and its zero rows
  for (uint32_t b = 0; b < blocks; ++b) {
    z_row = 0;
    for (int64_t y = 0; y < in.h; ++y) {
      const auto row = static_cast<uint64_t>(y * in.w);
      if (per_row <= half && s_h * in.w <= kMaxDim) {
        // The row and its s_h - 1 zero rows in one pass: grid rows past in.w are all zeros.
        if (fill + per_row > half) flush(b);
        piece(b, row, in.w, s_h * in.w, s_w);
        continue;
      }
      // A row too wide for that: its pixels, then its zero rows, in pieces that fit.
      for (int64_t x = 0; x < in.w;) {
        const int64_t count = std::min({(half - fill) / s_w, in.w - x, kMaxDim});
        if (count == 0) {
          flush(b);
          continue;
        }
        piece(b, row + static_cast<uint64_t>(x), count, count, s_w);
        x += count;
      }
      for (int64_t zeros = (s_h - 1) * z_w; zeros > 0;) {
        const int64_t count = std::min({half - fill, zeros, kMaxDim});
        if (count == 0) {
          flush(b);
          continue;
        }
        piece(b, row, 0, count, 1);
        zeros -= count;
      }
    }
    flush(b);
  }
}

Status EmitZeroInsert(LowerContext& ctx, const ir::Node& node, const TensorPlace& in,
                      const TensorPlace& z, int32_t zp, LayerCode& code) {
  AORTA_ASSIGN_OR_RETURN(ZeroInsertPlan plan,
                         PlanZeroInsert(ctx, node, z.h / in.h, z.w / in.w, zp));
  EmitZeroInsertRows(ctx, plan, RowView::Whole(in), in.blocks, z.addr, z.plane(), code);
  return Status::Ok();
}

void EmitResidualAdd(const MatrixPlan& plan, uint64_t a_row, uint64_t b_row, uint64_t out_row,
                     uint64_t rows, LayerCode& code) {
  isa::VecEltwise e;
  e.op = isa::EltOp::kAdd;
  e.b_src = isa::BSrc::kUbRows;
  e.a_addr = static_cast<uint32_t>(a_row);
  e.b_addr = static_cast<uint32_t>(b_row);
  e.out_addr = static_cast<uint32_t>(out_row);
  e.rows = static_cast<uint32_t>(rows);
  e.param_addr = static_cast<uint32_t>(plan.residual_record);
  code.Add(e, rows);
}

Status LowerMatrix(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code,
                   const std::vector<WideSink>& wide) {
  const TensorPlace& in = *io.in;
  const TensorPlace& out = *io.out;
  AORTA_ASSIGN_OR_RETURN(MatrixPlan plan, PlanMatrix(ctx, node, in, out, code, wide));
  const TensorPlace& dst = io.temp != nullptr ? *io.temp : out;
  const TensorPlace& sum = io.sum != nullptr ? *io.sum : out;
  for (uint32_t ob = 0; ob < plan.ob_n; ++ob) {
    for (int64_t oy0 = 0; oy0 < out.h; oy0 += plan.acc_tile_rows) {
      const int64_t th = std::min(plan.acc_tile_rows, out.h - oy0);
      const auto first = static_cast<uint64_t>(oy0 * out.w);
      AORTA_RETURN_IF_ERROR(EmitMatrixTile(ctx, node, plan, ob, oy0, th, RowView::Whole(in),
                                           dst.addr + ob * dst.plane() + first, code));
      // The fused residual add of the tile's rows right after its POSTPROC (the add is
      // row-wise): it runs in the vector unit while the next tile's passes run in the array.
      if (plan.m->residual)
        EmitResidualAdd(
            plan, dst.addr + ob * dst.plane() + first, io.in2->addr + ob * io.in2->plane() + first,
            sum.addr + ob * sum.plane() + first, static_cast<uint64_t>(th * out.w), code);
    }
  }
  return Status::Ok();
}

}  // namespace aorta::codegen
