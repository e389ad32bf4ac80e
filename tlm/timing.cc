#include "tlm/timing.h"

#include <algorithm>
#include <cmath>
#include <variant>

namespace aorta::tlm {

double PcieBytesPerSecond(uint32_t generation, uint32_t lanes) {
  // Transfer rate per lane (GT/s) and line-coding efficiency: 8b/10b up to gen 2, then 128b/130b.
  double gts = 2.5, coding = 0.8;
  switch (generation) {
    case 1:
      break;
    case 2:
      gts = 5.0;
      break;
    case 3:
      gts = 8.0, coding = 128.0 / 130.0;
      break;
    case 4:
      gts = 16.0, coding = 128.0 / 130.0;
      break;
    default:
      gts = 32.0, coding = 128.0 / 130.0;
      break;
  }
  return gts * 1e9 * coding / 8.0 * lanes;
}

ChipTiming TimingOf(const ChipConfig& c) {
  ChipTiming t;
  t.clock_mhz = c.clock_mhz();
  t.period_ps = 1e6 / c.clock_mhz();
  t.n = c.array_rows();
  t.dram_bytes_per_s = c.dram().bandwidth_gbps() * 1e9;
  t.dram_latency_ps = std::ceil(c.dram().latency_ns() * c.clock_mhz() / 1e3 - 1e-9) * t.period_ps;
  t.host_bytes_per_s = PcieBytesPerSecond(c.pcie().generation(), c.pcie().lanes());
  t.host_latency_ps = t.dram_latency_ps;
  t.link_bytes_per_s = c.links().bandwidth_gbps() * 1e9 / 8.0;
  t.link_latency_ps = c.links().latency_ns() * 1e3;
  const double bytes_per_cycle = c.dram().bandwidth_gbps() * 1e3 / c.clock_mhz();
  uint32_t bits = 256;
  while (bits / 8 < bytes_per_cycle && bits < 4096) bits *= 2;
  t.dma_bus_bytes = bits / 8;
  return t;
}

uint64_t VectorCycles(const isa::Insn& insn) {
  return std::visit(
      [](const auto& i) -> uint64_t {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, isa::Postproc>) {
          return uint64_t{i.rows} + 9;
        } else if constexpr (std::is_same_v<T, isa::VecEltwise>) {
          switch (i.b_src) {
            case isa::BSrc::kUbRows:
              return 2ull * i.rows + 7;
            case isa::BSrc::kUbBcast:
              return uint64_t{i.rows} + 7;
            case isa::BSrc::kParam:
              break;
          }
          return uint64_t{i.rows} + 8;
        } else if constexpr (std::is_same_v<T, isa::Pool>) {
          const uint64_t taps = Pixels(i.out_h, i.out_w) * i.k_h * i.k_w;
          return taps + (i.op == isa::PoolOp::kMax ? 6 : 7);
        } else if constexpr (std::is_same_v<T, isa::Dwconv>) {
          return Pixels(i.out_h, i.out_w) * i.k_h * i.k_w + 6;
        } else if constexpr (std::is_same_v<T, isa::Resize>) {
          return Pixels(i.in_h, i.in_w) * i.scale_h * i.scale_w + 6;
        } else {
          return 0;  // not a vector-unit instruction
        }
      },
      insn);
}

uint64_t CheckCycles(const ShellTiming& s, const isa::Insn& insn) {
  uint64_t taps = 1;
  if (const auto* d = std::get_if<isa::Dwconv>(&insn)) taps = std::max(d->k_h, d->k_w);
  if (const auto* p = std::get_if<isa::Pool>(&insn)) taps = std::max(p->k_h, p->k_w);
  return std::max<uint64_t>(1, taps) + s.check_eval;
}

ExRanges ExRangesOf(const isa::Insn& insn) {
  ExRanges r;
  std::visit(
      [&](const auto& i) {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, isa::Matmul>) {
          r.ub_lo = i.act_addr;
          r.ub_hi = i.act_addr + uint64_t{i.in_h} * i.in_w;
          r.acc_lo = i.acc_addr;
          r.acc_hi = i.acc_addr + Pixels(i.out_h, i.out_w);
        } else if constexpr (std::is_same_v<T, isa::Dwconv>) {
          r.acc_lo = i.acc_addr;
          r.acc_hi = i.acc_addr + Pixels(i.out_h, i.out_w);
        } else if constexpr (std::is_same_v<T, isa::Postproc>) {
          r.ub_lo = i.ub_addr;
          r.ub_hi = i.ub_addr + uint64_t{i.rows};
          r.acc_lo = i.acc_addr;
          r.acc_hi = i.acc_addr + uint64_t{i.rows};
        } else if constexpr (std::is_same_v<T, isa::VecEltwise>) {
          r.ub_lo = i.out_addr;
          r.ub_hi = i.out_addr + uint64_t{i.rows};
        } else if constexpr (std::is_same_v<T, isa::Pool>) {
          r.ub_lo = i.out_addr;
          r.ub_hi = i.out_addr + Pixels(i.out_h, i.out_w);
        } else if constexpr (std::is_same_v<T, isa::Resize>) {
          r.ub_lo = i.out_addr;
          r.ub_hi = i.out_addr + Pixels(i.in_h, i.in_w) * i.scale_h * i.scale_w;
        }
      },
      insn);
  return r;
}

}  // namespace aorta::tlm
