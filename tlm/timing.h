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

struct ChipTiming {
  double clock_mhz = 0;
  double period_ps = 0;  // one clock cycle
  uint32_t n = 0;        // array size
  // Board DRAM: peak bytes per second and the latency of one burst.
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
inline uint64_t LoadwCycles(uint32_t n) { return uint64_t{n} + 1; }

// Vector unit (docs/rtl.md "Vector unit" timing): cycles from accept to done, both counted.
// The next instruction is accepted in the cycle after the done.
uint64_t VectorCycles(const isa::Insn& insn);

}  // namespace aorta::tlm
