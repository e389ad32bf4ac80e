#include "core/isa/extents.h"

#include <algorithm>

#include "aorta/regs_gen.h"

namespace aorta::isa {
namespace {

struct Range {
  int64_t lo = 0, hi = -1;  // inclusive; empty when hi < lo
};

// In-image coordinates read by out positions [0, out) with stride s, offset off and taps at
// 0, dil, ..., (taps - 1) * dil, clipped to [0, in).
Range InImage(int64_t out, int64_t s, int64_t off, int64_t taps, int64_t dil, int64_t in) {
  int64_t first = off;
  int64_t last = (out - 1) * s + off + (taps - 1) * dil;
  Range r{std::max<int64_t>(first, 0), std::min<int64_t>(last, in - 1)};
  return r;
}

void AddWindow(Extents& e, uint64_t base, int64_t in_w, Range y, Range x) {
  if (y.hi < y.lo || x.hi < x.lo) return;
  uint64_t first = base + static_cast<uint64_t>(y.lo * in_w + x.lo);
  uint64_t last = base + static_cast<uint64_t>(y.hi * in_w + x.hi);
  e.chip.push_back({Mem::kUb, first, last - first + 1, false});
}

void AddDma(Extents& e, Mem mem, uint32_t slot, uint64_t off, uint64_t stride, uint64_t chip_addr,
            uint64_t rows, uint64_t row_bytes, bool to_chip) {
  e.chip.push_back({mem, chip_addr, rows, to_chip});
  e.ext = ExtExtent{slot, off, off + (rows - 1) * stride + row_bytes, !to_chip};
}

}  // namespace

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
          AddWindow(e, x.act_addr, x.in_w, InImage(x.out_h, x.stride_h, x.y_off, 1, 1, x.in_h),
                    InImage(x.out_w, x.stride_w, x.x_off, 1, 1, x.in_w));
          uint64_t rows = uint64_t{x.out_h} * x.out_w;
          if (x.accumulate) e.chip.push_back({Mem::kAcc, x.acc_addr, rows, false});
          e.chip.push_back({Mem::kAcc, x.acc_addr, rows, true});
        } else if constexpr (std::is_same_v<T, Dwconv>) {
          AddWindow(e, x.act_addr, x.in_w,
                    InImage(x.out_h, x.stride_h, x.y_off, x.k_h, x.dil_h, x.in_h),
                    InImage(x.out_w, x.stride_w, x.x_off, x.k_w, x.dil_w, x.in_w));
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
                    InImage(x.out_h, x.stride_h, -int64_t{x.pad_t}, x.k_h, 1, x.in_h),
                    InImage(x.out_w, x.stride_w, -int64_t{x.pad_l}, x.k_w, 1, x.in_w));
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
