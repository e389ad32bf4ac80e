#include "fpga_board/resource_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace aorta::fpga {
namespace {

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t Budget(uint64_t have, double shell) {
  return static_cast<uint64_t>(std::floor(static_cast<double>(have) * (1.0 - shell)));
}

// The lookup tables: every lane reads its own entry each cycle, so each pair of lanes gets a
// dual-port copy of all tables.
uint64_t LutBlocks(const BlockMemory& bram, uint32_t n, uint32_t tables) {
  uint64_t copy_bits = uint64_t{tables} * 256 * 8;
  uint64_t block_bits = uint64_t{bram.width_bits} * bram.depth;
  return CeilDiv(n, 2) * CeilDiv(copy_bits, block_bits);
}

uint64_t ArrayDsps(const FpgaDevice& d, uint32_t n) {
  return CeilDiv(uint64_t{n} * n, d.int8_macs_per_dsp) + uint64_t{n} * d.dsps_per_vector_lane;
}
uint64_t ArrayLuts(const ModelParams& p, uint32_t n) {
  return static_cast<uint64_t>(std::ceil(p.pe_luts * n * n + p.lane_luts * n));
}
uint64_t ArrayFfs(const ModelParams& p, uint32_t n) {
  return static_cast<uint64_t>(std::ceil(p.pe_ffs * n * n + p.lane_ffs * n));
}

// The largest power of two <= max whose memory fits `blocks` (0 when not even `min` fits).
uint64_t LargestRows(uint64_t min, uint64_t max, uint64_t blocks,
                     const std::function<uint64_t(uint64_t)>& cost) {
  uint64_t rows = 1;
  while (rows * 2 <= max) rows *= 2;
  for (; rows >= min; rows /= 2)
    if (cost(rows) <= blocks) return rows;
  return 0;
}

// The most rows of `row_bytes` in `banks` banks within `blocks` blocks of `mem`: each bank a
// whole number of blocks deep.
uint64_t FillRows(const BlockMemory& mem, uint64_t row_bytes, uint32_t banks, uint64_t blocks,
                  uint64_t max_rows) {
  uint64_t wide = CeilDiv(row_bytes * 8, mem.width_bits);
  uint64_t deep = blocks / (wide * banks);
  uint64_t rows = deep * mem.depth * banks;
  uint64_t cap = max_rows / (uint64_t{mem.depth} * banks) * mem.depth * banks;
  return std::min(rows, cap);
}

}  // namespace

uint64_t MemoryBlocks(const BlockMemory& mem, uint64_t row_bytes, uint64_t rows, uint32_t banks) {
  if (rows == 0) return 0;
  uint64_t wide = CeilDiv(row_bytes * 8, mem.width_bits);
  return uint64_t{banks} * wide * CeilDiv(CeilDiv(rows, banks), mem.depth);
}

Resources EstimateUsage(const FpgaDevice& d, const ChipConfig& c, const ModelParams& p) {
  const uint32_t n = c.array_rows();
  Resources u;
  u.dsps = ArrayDsps(d, n);
  u.luts = ArrayLuts(p, n);
  u.ffs = ArrayFfs(p, n);
  u.bram =
      MemoryBlocks(d.bram, 4ull * n, c.accumulator_bytes() / (4ull * n), c.accumulator_banks()) +
      MemoryBlocks(d.bram, 4ull * n, c.param_buffer_bytes() / (4ull * n), 1) +
      LutBlocks(d.bram, n, c.lut_tables());
  const bool uram = d.uram.count > 0;
  const BlockMemory& pool = uram ? d.uram : d.bram;
  uint64_t buffers = MemoryBlocks(pool, n, c.unified_buffer_bytes() / n, c.unified_buffer_banks()) +
                     MemoryBlocks(pool, n, c.weight_buffer_bytes() / n, c.weight_buffer_banks());
  (uram ? u.uram : u.bram) += buffers;
  return u;
}

uint32_t DmaDataWidthFor(const ChipConfig& c) {
  double bytes_per_cycle = c.dram().bandwidth_gbps() * 1e9 / (c.clock_mhz() * 1e6);
  for (uint32_t bits : {256u, 512u}) {
    if (bits / 8.0 >= bytes_per_cycle) return bits;
  }
  return 1024;
}

Result<Derivation> Derive(const Card& card, const ModelParams& p) {
  if (card.fpga == nullptr) return InvalidArgument("card '{}' names no FPGA", card.id);
  const FpgaDevice& d = *card.fpga;
  Derivation out;
  out.available = {d.dsps, d.luts, d.ffs, d.bram.count, d.uram.count};
  out.budget = {Budget(d.dsps, p.shell_dsp), Budget(d.luts, p.shell_logic),
                Budget(d.ffs, p.shell_logic), Budget(d.bram.count, p.shell_memory),
                Budget(d.uram.count, p.shell_memory)};
  const Resources& b = out.budget;
  const bool has_uram = d.uram.count > 0;
  const BlockMemory& pool_mem = has_uram ? d.uram : d.bram;

  // The largest array the DSPs, LUTs and flip-flops hold, then the memories around it; a
  // smaller array when the memories do not fit around a larger one.
  std::string why = "the DSP, LUT or flip-flop budget";
  for (uint32_t n = p.max_array / p.array_granule * p.array_granule; n >= 8; n -= p.array_granule) {
    if (ArrayDsps(d, n) > b.dsps || ArrayLuts(p, n) > b.luts || ArrayFfs(p, n) > b.ffs) continue;
    const uint64_t acc_budget = static_cast<uint64_t>(b.bram * p.acc_memory_share);
    const uint64_t param_budget = static_cast<uint64_t>(b.bram * p.param_memory_share);
    const uint64_t lut_budget = static_cast<uint64_t>(b.bram * p.lut_memory_share);
    uint64_t acc_rows = LargestRows(
        2ull * p.acc_banks, p.acc_rows_max, acc_budget,
        [&](uint64_t rows) { return MemoryBlocks(d.bram, 4ull * n, rows, p.acc_banks); });
    uint64_t param_rows = LargestRows(16, p.param_rows_max, param_budget, [&](uint64_t rows) {
      return MemoryBlocks(d.bram, 4ull * n, rows, 1);
    });
    uint32_t tables = p.lut_tables_max;
    while (tables > 1 && LutBlocks(d.bram, n, tables) > lut_budget) tables /= 2;
    if (acc_rows == 0 || param_rows == 0 || LutBlocks(d.bram, n, tables) > lut_budget) {
      why = "the block-RAM budget (accumulator, parameters, tables)";
      continue;
    }
    const uint64_t small = MemoryBlocks(d.bram, 4ull * n, acc_rows, p.acc_banks) +
                           MemoryBlocks(d.bram, 4ull * n, param_rows, 1) +
                           LutBlocks(d.bram, n, tables);
    const uint64_t pool = has_uram ? b.uram : b.bram - small;
    const uint64_t max_rows = uint64_t{1} << 24;  // the ISA's row address range
    uint64_t wb_rows =
        FillRows(pool_mem, n, p.wb_banks, static_cast<uint64_t>(pool * p.weight_share), max_rows);
    uint64_t ub_rows = FillRows(pool_mem, n, p.ub_banks,
                                pool - MemoryBlocks(pool_mem, n, wb_rows, p.wb_banks), max_rows);
    if (wb_rows == 0 || ub_rows == 0) {
      why = fmt::format("the {} budget (unified and weight buffers)", pool_mem.kind);
      continue;
    }

    ChipConfig& c = out.config;
    c.set_name(card.id);
    c.set_description(fmt::format("{} (derived by fpga_board/resource_model from {} {})",
                                  card.description, d.part, d.source));
    c.set_array_rows(n);
    c.set_array_cols(n);
    c.set_unified_buffer_bytes(ub_rows * n);
    c.set_unified_buffer_banks(p.ub_banks);
    c.set_weight_buffer_bytes(wb_rows * n);
    c.set_weight_buffer_banks(p.wb_banks);
    c.set_accumulator_bytes(acc_rows * 4 * n);
    c.set_accumulator_banks(p.acc_banks);
    c.set_param_buffer_bytes(param_rows * 4 * n);
    c.set_lut_tables(tables);
    c.set_queue_depth(p.queue_depth);
    c.set_token_capacity(p.token_capacity);
    double limit = std::min(d.dsp_fmax_mhz, d.bram.fmax_mhz);
    if (has_uram) limit = std::min(limit, d.uram.fmax_mhz);
    out.clock_limit_mhz = limit;
    c.set_clock_mhz(std::floor(limit * p.clock_derate / p.clock_step_mhz) * p.clock_step_mhz);
    c.mutable_dram()->set_bytes(card.dram_bytes);
    c.mutable_dram()->set_bandwidth_gbps(card.dram_gbps);
    c.mutable_dram()->set_latency_ns(card.dram_latency_ns);
    c.mutable_pcie()->set_generation(card.pcie_generation);
    c.mutable_pcie()->set_lanes(card.pcie_lanes);
    if (card.link_count > 0) {
      c.mutable_links()->set_count(card.link_count);
      c.mutable_links()->set_bandwidth_gbps(card.link_gbps);
      c.mutable_links()->set_latency_ns(card.link_latency_ns);
    }
    out.used = EstimateUsage(d, c, p);
    out.dma_data_width = DmaDataWidthFor(c);
    AORTA_RETURN_IF_ERROR(ValidateChipConfig(c).WithContext(
        fmt::format("resource model: card '{}' on {}", card.id, d.part)));
    return out;
  }
  return InvalidArgument("resource model: {} ({}) cannot hold an 8 x 8 array: {} is too small",
                         d.part, card.id, why);
}

std::string UsageReport(const Derivation& d) {
  auto line = [](const char* what, uint64_t used, uint64_t budget, uint64_t have) {
    double pct = have ? 100.0 * static_cast<double>(used) / static_cast<double>(have) : 0.0;
    return fmt::format("  {:<5} {:>9} used / {:>9} budget / {:>9} device ({:.0f} %)\n", what, used,
                       budget, have, pct);
  };
  std::string s;
  s += line("DSP", d.used.dsps, d.budget.dsps, d.available.dsps);
  s += line("LUT", d.used.luts, d.budget.luts, d.available.luts);
  s += line("FF", d.used.ffs, d.budget.ffs, d.available.ffs);
  s += line("BRAM", d.used.bram, d.budget.bram, d.available.bram);
  if (d.available.uram) s += line("URAM", d.used.uram, d.budget.uram, d.available.uram);
  return s;
}

}  // namespace aorta::fpga
