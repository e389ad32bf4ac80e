// The TLM model's timing parameters and per-instruction cycle formulas.
//
// Everything comes from the chip's config (core/proto/config.proto): the clock, board DRAM
// bandwidth and latency, the PCIe generation and lanes (the host window), the link bandwidth and
// latency. The unit formulas are the RTL's (docs/rtl.md "Matrix unit" / "Vector unit" timing
// tables, rtl/aorta_matrix_unit.sv header); docs/tlm.md lists them with their sources.
#pragma once

#include <cstdint>

#include "aorta/isa_gen.h"
#include "core/config.h"

namespace aorta::tlm {

// Structural constants of the RTL shell, in cycles: the one place where the TLM model's
// pipeline rules live (docs/tlm.md "Timing" gives each its source). When the RTL's rules change,
// they change here.
struct ShellTiming {
  // Decode (rtl/aorta_soc.sv decode slot, aorta_range_check.sv): a word taken in cycle t is
  // range-checked in max(1, taps) tap cycles plus one evaluation cycle and enters its queue in
  // the cycle the check ends, t + CheckCycles; the slot takes the next word in that cycle.
  uint32_t check_eval = 1;
  // An entry written into its queue in cycle D is at the head in D + 1.
  uint32_t queue_to_head = 1;
  // Issue in cycle i: the unit (EX handoff register) or the DMA front (ld_valid / st_valid)
  // sees the instruction in i + 1.
  uint32_t handoff = 1;
  // A completion in cycle c: its tokens count, and LD / ST may issue again, in c + 1.
  uint32_t token_delay = 1;
  // A unit's done in cycle d marks its EX entry in d + 1, the earliest cycle it retires; entries
  // retire in program order, one per cycle (their pushes count from the retire cycle).
  uint32_t ex_retire = 1;
  uint32_t ex_inflight = 16;  // EX table entries (ExInflight)
  // DMA (aorta_dma_front.sv, aorta_dma_check.sv): a job taken in cycle a makes its first bus
  // request in a + dma_check.
  uint32_t dma_check = 4;
  // AXI: a request accepted in cycle c starts its latency in c + 1 (verif/common/axi_mem).
  uint32_t bus_request = 1;
  // DMA_LOAD: the beat that completes the last row -> done (row buffer, output register, the
  // on-chip write, the done pulse).
  uint32_t dma_load_tail = 3;
  // DMA_STORE / PERF: the last write response -> done (the store mover's on-chip row read and
  // two-row W buffer ahead of the first beat, the response walker and the done pulse; 5 fits the
  // RTL's ST_BUSY exactly on the demo, tiny and sim16).
  uint32_t dma_store_tail = 5;
  // The board memory's outstanding bursts per direction: a read burst holds a slot from its
  // request to its last data beat, a write burst from its request to its write response; a
  // request that finds every slot taken is accepted the cycle after the oldest burst finishes,
  // and the rows behind it wait with it (the RTL bench's memory, verif/common/axi_mem
  // max_reads / max_writes = 16; the DMA's own MaxReads / MaxWrites, 32, are larger).
  uint32_t mem_outstanding = 16;
};

struct ChipTiming {
  ShellTiming shell;
  double clock_mhz = 0;
  double period_ps = 0;  // one clock cycle
  uint32_t n = 0;        // array size
  // Board DRAM: peak bytes per second and the latency of one burst, in whole cycles (rounded up,
  // as the RTL's memory controller and its bench model count it).
  double dram_bytes_per_s = 0;
  double dram_latency_ps = 0;
  // The host window over PCIe: bytes per second of the link (generation x lanes, after line
  // coding). The config has no PCIe latency; a host access costs the DRAM latency (the RTL test
  // bench's memory model, verif/common/axi_mem, serves both windows with the DRAM timing).
  double host_bytes_per_s = 0;
  double host_latency_ps = 0;
  // Chip-to-chip links: bytes per second per direction and the one-way latency.
  double link_bytes_per_s = 0;
  double link_latency_ps = 0;
  // The DMA engine's AXI data width in bytes (the RTL's DmaDataWidth: the smallest power of two
  // >= 32 bytes that carries the DRAM bandwidth per cycle, verif/soc/soc_params.cc).
  uint32_t dma_bus_bytes = 0;
};

// Derives the timing of a validated config.
ChipTiming TimingOf(const ChipConfig& c);

// PCIe bytes per second of one direction: generation 1..5, lanes 1..16.
double PcieBytesPerSecond(uint32_t generation, uint32_t lanes);

// Output pixels of a pass.
inline uint64_t Pixels(uint32_t out_h, uint32_t out_w) { return uint64_t{out_h} * out_w; }

// Matrix unit (rtl/aorta_matrix_unit.sv): a pass of M vectors accepted in cycle t issues in
// t+1 .. t+M, the next pass is accepted in cycle t+M, the last result is written in t+M+2N
// (its done). A LOADW accepted in t reads N WB rows in t+1 .. t+N, done in t+N+1.
inline uint64_t MatmulIssueCycles(const isa::Matmul& m) { return Pixels(m.out_h, m.out_w); }
inline uint64_t MatmulDoneAfterIssue(uint32_t n) { return 2ull * n; }
// A LOADW accepted in l reads its last WB row in l + N (a pass on its bank, or the next LOADW,
// is accepted then) and is done in l + N + 1.
inline uint64_t LoadwReadCycles(uint32_t n) { return n; }
inline uint64_t LoadwCycles(uint32_t n) { return uint64_t{n} + 1; }

// Decode: cycles from taking a word to its entry entering the queue (ShellTiming::check_eval
// plus max(1, taps): the window reads of MATMUL (1 tap), DWCONV and POOL (max(k_h, k_w)).
uint64_t CheckCycles(const ShellTiming& s, const isa::Insn& insn);

// The UB and ACC rows an EX instruction touches that the other unit may touch too (the RTL's
// hazard ranges, ex_range_t): [lo, hi), empty when lo == hi.
struct ExRanges {
  uint64_t ub_lo = 0, ub_hi = 0, acc_lo = 0, acc_hi = 0;
  bool Overlaps(const ExRanges& o) const {
    return (ub_lo < o.ub_hi && o.ub_lo < ub_hi) || (acc_lo < o.acc_hi && o.acc_lo < acc_hi);
  }
};
ExRanges ExRangesOf(const isa::Insn& insn);

// Vector unit (docs/rtl.md "Vector unit" timing): cycles from accept to done, both counted.
// The next instruction is accepted in the cycle after the done.
uint64_t VectorCycles(const isa::Insn& insn);

}  // namespace aorta::tlm
