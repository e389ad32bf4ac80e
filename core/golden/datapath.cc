#include "core/golden/datapath.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "core/intmath.h"
#include "core/isa/extents.h"

namespace aorta::golden {
namespace {

static_assert(std::endian::native == std::endian::little,
              "ACC / PARAM rows are stored in host order and exposed as little-endian bytes");

using isa::Mem;
using regs::Counter;

// Which input coordinates one axis of a windowed pass touches: coordinate
// i = o * stride + off + t * dil for o < out, t < k, kept when 0 <= i < in.
using Axis = isa::AxisRange;

Fault CheckWindowRows(const ChipState& s, uint64_t base, uint64_t in_w, const Axis& y,
                      const Axis& x) {
  if (!y.any() || !x.any()) return {};
  uint64_t first = base + static_cast<uint64_t>(y.min) * in_w + static_cast<uint64_t>(x.min);
  uint64_t last = base + static_cast<uint64_t>(y.max) * in_w + static_cast<uint64_t>(x.max);
  return s.CheckRows(Mem::kUb, first, last - first + 1);
}

// Rows occupied by a PARAM record of `lanes` int32 values (normally one row; spills into the
// following rows when N < lanes).
uint64_t RecordRows(uint32_t n, uint32_t lanes) { return (lanes + n - 1) / n; }

// Counter of the bytes read / written in on-chip memory `m` (PARAM and LUT have none).
bool MemCounter(Mem m, bool write, Counter* out) {
  switch (m) {
    case Mem::kUb:
      *out = write ? Counter::kUbWrBytes : Counter::kUbRdBytes;
      return true;
    case Mem::kWb:
      *out = write ? Counter::kWbWrBytes : Counter::kWbRdBytes;
      return true;
    case Mem::kAcc:
      *out = write ? Counter::kAccWrBytes : Counter::kAccRdBytes;
      return true;
    case Mem::kParam:
    case Mem::kLut:
      break;
  }
  return false;
}

void CountMem(Counters& c, Mem m, bool write, uint64_t bytes) {
  Counter k;
  if (MemCounter(m, write, &k)) Count(c, k, bytes);
}

// Scratch buffers of the data path (one per thread: boards of several chips run in one thread,
// studies in several).
std::vector<int8_t>& Scratch8(size_t size) {
  thread_local std::vector<int8_t> v;
  if (v.size() < size) v.resize(size);
  return v;
}

intmath::EltKind KindOf(isa::EltOp op) {
  switch (op) {
    case isa::EltOp::kAdd:
      return intmath::EltKind::kAdd;
    case isa::EltOp::kMul:
      return intmath::EltKind::kMul;
    case isa::EltOp::kMax:
      return intmath::EltKind::kMax;
    case isa::EltOp::kMin:
      return intmath::EltKind::kMin;
  }
  return intmath::EltKind::kAdd;
}

}  // namespace

Fault ChipRangeFault(Mem mem, uint64_t row) {
  return {regs::ErrCode::kChipRange,
          (uint64_t{static_cast<uint8_t>(mem)} << 56) | (row & 0xffffffffu)};
}

ChipState::ChipState(const ChipGeometry& g)
    : g_(g),
      ub_(g.ub_rows * g.n),
      wb_(g.wb_rows * g.n),
      lut_(g.lut_rows * 256),
      acc_(g.acc_rows * g.n),
      param_(g.param_rows * g.n) {
  const std::vector<int8_t> zero(size_t{g.n} * g.n, 0);
  for (auto& b : banks_) b.Set(zero.data(), g.n);
}

Fault ChipState::CheckRows(Mem m, uint64_t first, uint64_t count) const {
  uint64_t rows = Rows(m);
  if (count == 0) return {};
  if (first >= rows || count > rows - first) return ChipRangeFault(m, std::max(first, rows));
  return {};
}

std::span<uint8_t> ChipState::Row(Mem m, uint64_t row) {
  auto c = static_cast<const ChipState*>(this)->Row(m, row);
  return {const_cast<uint8_t*>(c.data()), c.size()};
}

std::span<const uint8_t> ChipState::Row(Mem m, uint64_t row) const {
  const void* p = nullptr;
  switch (m) {
    case Mem::kUb:
      p = Ub(row);
      break;
    case Mem::kWb:
      p = Wb(row);
      break;
    case Mem::kAcc:
      p = Acc(row);
      break;
    case Mem::kParam:
      p = Param(row);
      break;
    case Mem::kLut:
      p = Lut(row);
      break;
  }
  return {static_cast<const uint8_t*>(p), RowBytes(m)};
}

// ---- DMA and links ------------------------------------------------------------------------

Fault CheckDmaRows(const ChipState& s, Mem mem, uint64_t chip_addr, uint64_t rows,
                   uint64_t row_bytes) {
  if (row_bytes > s.RowBytes(mem)) return BadField();
  return s.CheckRows(mem, chip_addr, rows);
}

void CommitDmaLoad(ChipState& s, const isa::DmaLoad& d, std::span<const uint8_t> data,
                   Counters& c) {
  // A memory's rows are consecutive, RowBytes(mem) apart.
  const uint64_t row_size = s.RowBytes(d.mem);
  if (d.rows > 0) {
    uint8_t* row = s.Row(d.mem, d.chip_addr).data();
    if (d.row_bytes == row_size) {
      std::memcpy(row, data.data(), d.rows * row_size);
    } else {
      for (uint64_t r = 0; r < d.rows; ++r, row += row_size) {
        std::memcpy(row, data.data() + r * d.row_bytes, d.row_bytes);
        std::memset(row + d.row_bytes, 0, row_size - d.row_bytes);
      }
    }
  }
  Count(c, Counter::kDmaRdBytes, uint64_t{d.rows} * d.row_bytes);
  CountMem(c, d.mem, true, uint64_t{d.rows} * s.RowBytes(d.mem));
}

std::vector<uint8_t> GatherDmaStore(const ChipState& s, const isa::DmaStore& d, Counters& c) {
  std::vector<uint8_t> out(uint64_t{d.rows} * d.row_bytes);
  // A memory's rows are consecutive, RowBytes(mem) apart.
  const uint64_t row_size = s.RowBytes(d.mem);
  if (d.rows > 0) {
    const uint8_t* row = s.Row(d.mem, d.chip_addr).data();
    if (d.row_bytes == row_size) {
      std::memcpy(out.data(), row, out.size());
    } else {
      for (uint64_t r = 0; r < d.rows; ++r, row += row_size)
        std::memcpy(out.data() + r * d.row_bytes, row, d.row_bytes);
    }
  }
  Count(c, Counter::kDmaWrBytes, out.size());
  CountMem(c, d.mem, false, out.size());
  return out;
}

Fault CheckLinkRows(const ChipState& s, uint64_t ub_addr, uint64_t rows) {
  return s.CheckRows(Mem::kUb, ub_addr, rows);
}

void CommitRecv(ChipState& s, const isa::Recv& r, std::span<const uint8_t> data, Counters& c) {
  std::memcpy(s.Ub(r.ub_addr), data.data(), uint64_t{r.rows} * s.n());
  Count(c, Counter::kLinkRxBytes, uint64_t{r.rows} * s.n());
  Count(c, Counter::kUbWrBytes, uint64_t{r.rows} * s.n());
}

std::vector<uint8_t> GatherSend(const ChipState& s, const isa::Send& snd, Counters& c) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.Ub(snd.ub_addr));
  std::vector<uint8_t> out(p, p + uint64_t{snd.rows} * s.n());
  Count(c, Counter::kLinkTxBytes, out.size());
  Count(c, Counter::kUbRdBytes, out.size());
  return out;
}

// ---- EX instructions ----------------------------------------------------------------------

Fault ExecLoadw(ChipState& s, const isa::Loadw& i, Counters& c) {
  const uint32_t n = s.n();
  if (Fault f = s.CheckRows(Mem::kWb, i.wb_addr, n); !f.ok()) return f;
  // WB rows wb_addr .. wb_addr + N - 1 are the bank's rows k (contiguous N x N int8).
  s.SetBank(i.bank, s.Wb(i.wb_addr));
  Count(c, Counter::kWbRdBytes, uint64_t{n} * n);
  return {};
}

Fault ExecMatmul(ChipState& s, const isa::Matmul& i, Counters& c) {
  const uint32_t n = s.n();
  const uint64_t pixels = uint64_t{i.out_h} * i.out_w;
  Axis y = isa::InImageRange(i.out_h, i.stride_h, i.y_off, 1, 1, i.in_h);
  Axis x = isa::InImageRange(i.out_w, i.stride_w, i.x_off, 1, 1, i.in_w);
  if (Fault f = CheckWindowRows(s, i.act_addr, i.in_w, y, x); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kAcc, i.acc_addr, pixels); !f.ok()) return f;

  // The input row of each output pixel (the padding row outside the image), output row after
  // output row; then one kernel call for the whole pass, whose ACC rows are consecutive.
  std::vector<int8_t>& pad = Scratch8(n);
  std::fill(pad.begin(), pad.end(), static_cast<int8_t>(i.pad_value));
  thread_local std::vector<const int8_t*> rows;
  rows.resize(pixels);
  const int8_t* const ub = s.Ub(0);
  // The pixels whose column is in the image are consecutive (lo .. hi - 1) and read rows
  // stride_w apart; the others read the padding row. The same columns in every output row.
  auto col_in = [&](uint64_t ox) {
    const int64_t ix = static_cast<int64_t>(ox * i.stride_w) + i.x_off;
    return ix >= 0 && ix < int64_t{i.in_w};
  };
  uint64_t lo = 0, hi = i.out_w;
  while (lo < hi && !col_in(lo)) ++lo;
  while (hi > lo && !col_in(hi - 1)) --hi;
  const uint64_t step = uint64_t{i.stride_w} * n;
  for (uint64_t oy = 0; oy < i.out_h; ++oy) {
    const int64_t iy = static_cast<int64_t>(oy * i.stride_h) + i.y_off;
    const bool row_in = iy >= 0 && iy < int64_t{i.in_h};
    const auto first = rows.begin() + static_cast<std::ptrdiff_t>(oy * i.out_w);
    if (!row_in || lo == hi) {
      std::fill(first, first + static_cast<std::ptrdiff_t>(i.out_w), pad.data());
      continue;
    }
    std::fill(first, first + static_cast<std::ptrdiff_t>(lo), pad.data());
    std::fill(first + static_cast<std::ptrdiff_t>(hi), first + static_cast<std::ptrdiff_t>(i.out_w),
              pad.data());
    const int8_t* p =
        ub + (i.act_addr + static_cast<uint64_t>(iy) * i.in_w +
              static_cast<uint64_t>(static_cast<int64_t>(lo * i.stride_w) + i.x_off)) *
                 n;
    for (uint64_t ox = lo; ox < hi; ++ox, p += step) first[static_cast<std::ptrdiff_t>(ox)] = p;
  }
  if (pixels > 0)
    kernels::MatmulRows(s.BankLayout(i.bank), rows.data(), pixels, s.Acc(i.acc_addr), i.accumulate);
  Count(c, Counter::kMacs, pixels * n * n);
  Count(c, Counter::kUbRdBytes, y.in_taps * x.in_taps * n);
  if (i.accumulate) Count(c, Counter::kAccRdBytes, pixels * 4 * n);
  Count(c, Counter::kAccWrBytes, pixels * 4 * n);
  return {};
}

Fault ExecDwconv(ChipState& s, const isa::Dwconv& i, Counters& c) {
  const uint32_t n = s.n();
  const uint64_t pixels = uint64_t{i.out_h} * i.out_w;
  const uint64_t taps = uint64_t{i.k_h} * i.k_w;
  Axis y = isa::InImageRange(i.out_h, i.stride_h, i.y_off, i.k_h, i.dil_h, i.in_h);
  Axis x = isa::InImageRange(i.out_w, i.stride_w, i.x_off, i.k_w, i.dil_w, i.in_w);
  if (Fault f = CheckWindowRows(s, i.act_addr, i.in_w, y, x); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kWb, i.wb_addr, taps); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kAcc, i.acc_addr, pixels); !f.ok()) return f;

  std::vector<int8_t>& pad = Scratch8(n);
  std::fill(pad.begin(), pad.end(), static_cast<int8_t>(i.pad_value));
  // The taps' weights laid out once; then per output row, each pixel's taps' UB rows (the
  // padding row outside the image), and the kernel sums the taps' products per channel into the
  // row's pixels' ACC rows, which are consecutive.
  thread_local std::vector<const int8_t*> w, a;
  thread_local kernels::DepthwiseWeights weights;
  w.resize(taps);
  for (uint64_t t = 0; t < taps; ++t) w[t] = s.Wb(i.wb_addr + t);
  weights.Set(w.data(), taps, n);
  a.resize(i.out_w * taps);
  // Per output column and tap column, the input column's row offset (-1: outside the image), and
  // per output row the tap rows' first UB rows (null: outside): a tap's UB row is then one add.
  thread_local std::vector<int64_t> col;
  thread_local std::vector<const int8_t*> row;
  col.resize(i.out_w * i.k_w);
  row.resize(i.k_h);
  for (uint64_t ox = 0; ox < i.out_w; ++ox)
    for (uint64_t kx = 0; kx < i.k_w; ++kx) {
      const int64_t ix = static_cast<int64_t>(ox * i.stride_w + kx * i.dil_w) + i.x_off;
      col[ox * i.k_w + kx] = ix >= 0 && ix < int64_t{i.in_w} ? ix : -1;
    }
  for (uint64_t oy = 0; oy < i.out_h; ++oy) {
    for (uint64_t ky = 0; ky < i.k_h; ++ky) {
      const int64_t iy = static_cast<int64_t>(oy * i.stride_h + ky * i.dil_h) + i.y_off;
      row[ky] = iy >= 0 && iy < int64_t{i.in_h}
                    ? s.Ub(i.act_addr + static_cast<uint64_t>(iy) * i.in_w)
                    : nullptr;
    }
    for (uint64_t ox = 0; ox < i.out_w; ++ox) {
      const int8_t** pa = a.data() + ox * taps;
      const int64_t* cx = col.data() + ox * i.k_w;
      for (uint64_t ky = 0; ky < i.k_h; ++ky) {
        const int8_t* r = row[ky];
        for (uint64_t kx = 0; kx < i.k_w; ++kx)
          pa[ky * i.k_w + kx] = r != nullptr && cx[kx] >= 0 ? r + cx[kx] * n : pad.data();
      }
    }
    kernels::DepthwisePixels(weights, a.data(), i.out_w, s.Acc(i.acc_addr + oy * i.out_w),
                             i.accumulate);
  }
  Count(c, Counter::kVecMacs, pixels * taps * n);
  Count(c, Counter::kUbRdBytes, y.in_taps * x.in_taps * n);
  Count(c, Counter::kWbRdBytes, taps * n);
  if (i.accumulate) Count(c, Counter::kAccRdBytes, pixels * 4 * n);
  Count(c, Counter::kAccWrBytes, pixels * 4 * n);
  return {};
}

Fault ExecPostproc(ChipState& s, const isa::Postproc& i, Counters& c) {
  const uint32_t n = s.n();
  if (Fault f = s.CheckRows(Mem::kAcc, i.acc_addr, i.rows); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kUb, i.ub_addr, i.rows); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kParam, i.param_addr, 3); !f.ok()) return f;
  if (i.lut_en) {
    if (Fault f = s.CheckRows(Mem::kLut, i.lut_sel, 1); !f.ok()) return f;
  }
  const int32_t* bias = s.Param(i.param_addr);
  const int32_t* mult = s.Param(i.param_addr + 1);
  const int32_t* shift = s.Param(i.param_addr + 2);
  for (uint32_t lane = 0; lane < n; ++lane) {
    if (!intmath::ShiftInRange(shift[lane])) return BadParam(i.param_addr + 2);
  }
  intmath::PostprocOptions o;
  o.out_zp = i.out_zp;
  o.lo = i.lo;
  o.hi = i.hi;
  o.leaky = i.leaky;
  o.alpha_mult = i.alpha_mult;
  o.alpha_shift = i.alpha_shift;
  o.lut = i.lut_en ? s.Lut(i.lut_sel) : nullptr;
  // The rows are consecutive in ACC and in UB (CheckRows above).
  if (i.rows > 0)
    kernels::PostprocRows(s.Acc(i.acc_addr), i.rows, n, bias, mult, shift, o, s.Ub(i.ub_addr));
  Count(c, Counter::kAccRdBytes, uint64_t{i.rows} * 4 * n);
  Count(c, Counter::kUbWrBytes, uint64_t{i.rows} * n);
  return {};
}

Fault ExecVecEltwise(ChipState& s, const isa::VecEltwise& i, Counters& c) {
  const uint32_t n = s.n();
  if (Fault f = s.CheckRows(Mem::kParam, i.param_addr, RecordRows(n, 8)); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kUb, i.a_addr, i.rows); !f.ok()) return f;
  switch (i.b_src) {
    case isa::BSrc::kUbRows:
      if (Fault f = s.CheckRows(Mem::kUb, i.b_addr, i.rows); !f.ok()) return f;
      break;
    case isa::BSrc::kUbBcast:
      if (Fault f = s.CheckRows(Mem::kUb, i.b_addr, 1); !f.ok()) return f;
      break;
    case isa::BSrc::kParam:
      if (Fault f = s.CheckRows(Mem::kParam, i.b_addr, 1); !f.ok()) return f;
      break;
  }
  if (Fault f = s.CheckRows(Mem::kUb, i.out_addr, i.rows); !f.ok()) return f;

  const int32_t* rec = s.Param(i.param_addr);
  intmath::EltwiseParams p;
  p.ma = rec[0];
  p.mb = rec[1];
  p.shift = rec[2];
  p.za = rec[3];
  p.zb = rec[4];
  p.zo = rec[5];
  p.lo = rec[6];
  p.hi = rec[7];
  if (!intmath::EltwiseParamsValid(p)) return BadParam(i.param_addr);
  std::vector<int8_t> b_const;
  if (i.b_src == isa::BSrc::kParam) {
    const int32_t* b = s.Param(i.b_addr);
    for (uint32_t lane = 0; lane < n; ++lane) {
      if (b[lane] < INT8_MIN || b[lane] > INT8_MAX) return BadParam(i.b_addr);
      b_const.push_back(static_cast<int8_t>(b[lane]));
    }
  }

  // Row after row: a and b rows are consecutive UB rows (CheckRows above); b is one row for all
  // (b_stride 0) unless it is UB_ROWS.
  const int8_t* b = i.b_src == isa::BSrc::kParam ? b_const.data() : s.Ub(i.b_addr);
  if (i.rows > 0)
    kernels::EltwiseRows(KindOf(i.op), s.Ub(i.a_addr), b, i.b_src == isa::BSrc::kUbRows ? n : 0,
                         i.rows, n, p, s.Ub(i.out_addr));
  const uint64_t bytes = uint64_t{i.rows} * n;
  Count(c, Counter::kUbRdBytes, i.b_src == isa::BSrc::kParam ? bytes : 2 * bytes);
  Count(c, Counter::kUbWrBytes, bytes);
  return {};
}

Fault ExecPool(ChipState& s, const isa::Pool& i, Counters& c) {
  const uint32_t n = s.n();
  const uint64_t pixels = uint64_t{i.out_h} * i.out_w;
  const bool avg = i.op != isa::PoolOp::kMax;
  Axis y = isa::InImageRange(i.out_h, i.stride_h, -int64_t{i.pad_t}, i.k_h, 1, i.in_h);
  Axis x = isa::InImageRange(i.out_w, i.stride_w, -int64_t{i.pad_l}, i.k_w, 1, i.in_w);
  if (Fault f = CheckWindowRows(s, i.in_addr, i.in_w, y, x); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kUb, i.out_addr, pixels); !f.ok()) return f;
  intmath::AvgPoolParams p;
  if (avg) {
    if (Fault f = s.CheckRows(Mem::kParam, i.param_addr, RecordRows(n, 6)); !f.ok()) return f;
    const int32_t* rec = s.Param(i.param_addr);
    p.m = rec[0];
    p.shift = rec[1];
    p.zi = rec[2];
    p.zo = rec[3];
    p.lo = rec[4];
    p.hi = rec[5];
    if (!intmath::AvgPoolParamsValid(p)) return BadParam(i.param_addr);
  }
  // No tap inside the image (AVG only): zo, clamped exactly as intmath::AvgPool clamps.
  const int8_t empty_avg = static_cast<int8_t>(
      std::min<int32_t>(std::max<int32_t>(p.zo, std::max(p.lo, -128)), std::min(p.hi, 127)));

  // Per output pixel, raster order: its in-image taps' UB rows, then the kernel's per-channel
  // max (and sum for AVG), all read before the pixel is written.
  thread_local std::vector<const int8_t*> taps;
  thread_local std::vector<int8_t> out;
  thread_local std::vector<int32_t> sum;
  out.resize(n);
  sum.resize(n);
  for (uint64_t oy = 0; oy < i.out_h; ++oy) {
    for (uint64_t ox = 0; ox < i.out_w; ++ox) {
      taps.clear();
      for (uint64_t ky = 0; ky < i.k_h; ++ky) {
        const int64_t iy = static_cast<int64_t>(oy * i.stride_h + ky) - i.pad_t;
        if (iy < 0 || iy >= int64_t{i.in_h}) continue;
        for (uint64_t kx = 0; kx < i.k_w; ++kx) {
          const int64_t ix = static_cast<int64_t>(ox * i.stride_w + kx) - i.pad_l;
          if (ix < 0 || ix >= int64_t{i.in_w}) continue;
          taps.push_back(
              s.Ub(i.in_addr + static_cast<uint64_t>(iy) * i.in_w + static_cast<uint64_t>(ix)));
        }
      }
      kernels::PoolTaps(n, taps.data(), taps.size(), p.zi, out.data(), avg ? sum.data() : nullptr);
      if (avg) {
        const auto count = static_cast<int64_t>(taps.size());
        const int64_t div = i.op == isa::PoolOp::kAvgPad ? int64_t{i.k_h} * i.k_w : count;
        for (uint32_t ch = 0; ch < n; ++ch)
          out[ch] = div == 0 ? empty_avg : intmath::AvgPool(sum[ch], div, p);
      }
      std::memcpy(s.Ub(i.out_addr + oy * i.out_w + ox), out.data(), n);
    }
  }
  Count(c, Counter::kUbRdBytes, y.in_taps * x.in_taps * n);
  Count(c, Counter::kUbWrBytes, pixels * n);
  return {};
}

Fault ExecResize(ChipState& s, const isa::Resize& i, Counters& c) {
  const uint32_t n = s.n();
  const uint64_t out_h = uint64_t{i.in_h} * i.scale_h;
  const uint64_t out_w = uint64_t{i.in_w} * i.scale_w;
  const uint64_t in_pixels = uint64_t{i.in_h} * i.in_w;
  const uint64_t out_pixels = out_h * out_w;
  if (Fault f = s.CheckRows(Mem::kUb, i.in_addr, in_pixels); !f.ok()) return f;
  if (Fault f = s.CheckRows(Mem::kUb, i.out_addr, out_pixels); !f.ok()) return f;
  if (i.in_addr < i.out_addr + out_pixels && i.out_addr < i.in_addr + in_pixels) return BadField();
  for (uint64_t oy = 0; oy < out_h; ++oy) {
    for (uint64_t ox = 0; ox < out_w; ++ox) {
      std::memcpy(s.Ub(i.out_addr + oy * out_w + ox),
                  s.Ub(i.in_addr + (oy / i.scale_h) * i.in_w + ox / i.scale_w), n);
    }
  }
  Count(c, Counter::kUbRdBytes, out_pixels * n);
  Count(c, Counter::kUbWrBytes, out_pixels * n);
  return {};
}

Fault ExecEx(ChipState& s, const isa::Insn& insn, Counters& c) {
  return std::visit(
      [&](const auto& i) -> Fault {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, isa::Loadw>) {
          return ExecLoadw(s, i, c);
        } else if constexpr (std::is_same_v<T, isa::Matmul>) {
          return ExecMatmul(s, i, c);
        } else if constexpr (std::is_same_v<T, isa::Dwconv>) {
          return ExecDwconv(s, i, c);
        } else if constexpr (std::is_same_v<T, isa::Postproc>) {
          return ExecPostproc(s, i, c);
        } else if constexpr (std::is_same_v<T, isa::VecEltwise>) {
          return ExecVecEltwise(s, i, c);
        } else if constexpr (std::is_same_v<T, isa::Pool>) {
          return ExecPool(s, i, c);
        } else if constexpr (std::is_same_v<T, isa::Resize>) {
          return ExecResize(s, i, c);
        } else {
          return Fault{regs::ErrCode::kBadOpcode, 0};
        }
      },
      insn);
}

}  // namespace aorta::golden
