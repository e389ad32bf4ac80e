#include "core/isa/extents.h"

#include <algorithm>
#include <limits>

#include "aorta/regs_gen.h"

namespace aorta::isa {
namespace {

// Floor and ceiling of a / b for b > 0.
int64_t FloorDivPos(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t CeilDivPos(int64_t a, int64_t b) { return -FloorDivPos(-a, b); }

void AddWindow(Extents& e, uint64_t base, int64_t in_w, const AxisRange& y, const AxisRange& x) {
  if (!y.any() || !x.any()) return;
  uint64_t first = base + static_cast<uint64_t>(y.min * in_w + x.min);
  uint64_t last = base + static_cast<uint64_t>(y.max * in_w + x.max);
  e.chip.push_back({Mem::kUb, first, last - first + 1, false});
}

void AddDma(Extents& e, Mem mem, uint32_t slot, uint64_t off, uint64_t stride, uint64_t chip_addr,
            uint64_t rows, uint64_t row_bytes, bool to_chip) {
  e.chip.push_back({mem, chip_addr, rows, to_chip});
  e.ext = ExtExtent{slot, off, off + (rows - 1) * stride + row_bytes, !to_chip};
}

}  // namespace

AxisRange InImageRange(uint64_t out, uint64_t stride, int64_t off, uint64_t taps, uint64_t dil,
                       uint64_t in) {
  AxisRange r;
  r.min = std::numeric_limits<int64_t>::max();
  const auto s = static_cast<int64_t>(stride);
  for (uint64_t t = 0; t < taps; ++t) {
    // Positions o*s + base for o in [0, out): inside [0, in) for o in [lo, hi].
    const int64_t base = static_cast<int64_t>(t * dil) + off;
    const int64_t lo = std::max<int64_t>(0, CeilDivPos(-base, s));
    const int64_t hi = std::min<int64_t>(static_cast<int64_t>(out) - 1,
                                         FloorDivPos(static_cast<int64_t>(in) - 1 - base, s));
    if (lo > hi) continue;
    r.min = std::min(r.min, lo * s + base);
    r.max = std::max(r.max, hi * s + base);
    r.in_taps += static_cast<uint64_t>(hi - lo + 1);
  }
  if (!r.any()) r = AxisRange{};
  return r;
}

Extents ExtentsOf(const Insn& insn, const ChipGeometry& g) {
  Extents e;
  const uint64_t n = g.n;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, DmaLoad>) {
          AddDma(e, x.mem, x.slot, x.ext_offset, x.ext_stride, x.chip_addr, x.rows, x.row_bytes,
                 true);
        } else if constexpr (std::is_same_v<T, DmaStore>) {
          AddDma(e, x.mem, x.slot, x.ext_offset, x.ext_stride, x.chip_addr, x.rows, x.row_bytes,
                 false);
        } else if constexpr (std::is_same_v<T, Recv>) {
          e.chip.push_back({Mem::kUb, x.ub_addr, x.rows, true});
        } else if constexpr (std::is_same_v<T, Send>) {
          e.chip.push_back({Mem::kUb, x.ub_addr, x.rows, false});
        } else if constexpr (std::is_same_v<T, Loadw>) {
          e.chip.push_back({Mem::kWb, x.wb_addr, n, false});
        } else if constexpr (std::is_same_v<T, Matmul>) {
          AddWindow(e, x.act_addr, x.in_w, InImageRange(x.out_h, x.stride_h, x.y_off, 1, 1, x.in_h),
                    InImageRange(x.out_w, x.stride_w, x.x_off, 1, 1, x.in_w));
          uint64_t rows = uint64_t{x.out_h} * x.out_w;
          if (x.accumulate) e.chip.push_back({Mem::kAcc, x.acc_addr, rows, false});
          e.chip.push_back({Mem::kAcc, x.acc_addr, rows, true});
        } else if constexpr (std::is_same_v<T, Dwconv>) {
          AddWindow(e, x.act_addr, x.in_w,
                    InImageRange(x.out_h, x.stride_h, x.y_off, x.k_h, x.dil_h, x.in_h),
                    InImageRange(x.out_w, x.stride_w, x.x_off, x.k_w, x.dil_w, x.in_w));
          e.chip.push_back({Mem::kWb, x.wb_addr, uint64_t{x.k_h} * x.k_w, false});
          uint64_t rows = uint64_t{x.out_h} * x.out_w;
          if (x.accumulate) e.chip.push_back({Mem::kAcc, x.acc_addr, rows, false});
          e.chip.push_back({Mem::kAcc, x.acc_addr, rows, true});
        } else if constexpr (std::is_same_v<T, Postproc>) {
          e.chip.push_back({Mem::kAcc, x.acc_addr, x.rows, false});
          e.chip.push_back({Mem::kParam, x.param_addr, 3, false});
          if (x.lut_en) e.chip.push_back({Mem::kLut, x.lut_sel, 1, false});
          e.chip.push_back({Mem::kUb, x.ub_addr, x.rows, true});
        } else if constexpr (std::is_same_v<T, VecEltwise>) {
          e.chip.push_back({Mem::kUb, x.a_addr, x.rows, false});
          switch (x.b_src) {
            case BSrc::kUbRows:
              e.chip.push_back({Mem::kUb, x.b_addr, x.rows, false});
              break;
            case BSrc::kUbBcast:
              e.chip.push_back({Mem::kUb, x.b_addr, 1, false});
              break;
            case BSrc::kParam:
              e.chip.push_back({Mem::kParam, x.b_addr, 1, false});
              break;
          }
          e.chip.push_back({Mem::kParam, x.param_addr, 1, false});
          e.chip.push_back({Mem::kUb, x.out_addr, x.rows, true});
        } else if constexpr (std::is_same_v<T, Pool>) {
          AddWindow(e, x.in_addr, x.in_w,
                    InImageRange(x.out_h, x.stride_h, -int64_t{x.pad_t}, x.k_h, 1, x.in_h),
                    InImageRange(x.out_w, x.stride_w, -int64_t{x.pad_l}, x.k_w, 1, x.in_w));
          if (x.op != PoolOp::kMax) e.chip.push_back({Mem::kParam, x.param_addr, 1, false});
          e.chip.push_back({Mem::kUb, x.out_addr, uint64_t{x.out_h} * x.out_w, true});
        } else if constexpr (std::is_same_v<T, Resize>) {
          uint64_t in = uint64_t{x.in_h} * x.in_w;
          e.chip.push_back({Mem::kUb, x.in_addr, in, false});
          e.chip.push_back({Mem::kUb, x.out_addr, in * x.scale_h * x.scale_w, true});
        } else if constexpr (std::is_same_v<T, Perf>) {
          e.ext = ExtExtent{x.slot, x.ext_offset, x.ext_offset + regs::kSnapshotBytes, true};
        }
      },
      insn);
  return e;
}

std::optional<ChipExtent> FirstOutOfRange(const Extents& e, const ChipGeometry& g) {
  for (const ChipExtent& c : e.chip) {
    uint64_t rows = g.Rows(static_cast<unsigned>(c.mem));
    if (c.first >= rows || c.count > rows - c.first) return c;
  }
  return std::nullopt;
}

}  // namespace aorta::isa
