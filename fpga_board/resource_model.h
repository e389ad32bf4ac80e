// The resource model: derives an aorta ChipConfig (array size, buffer sizes and banks, clock)
// from an FPGA's resources and its card's DRAM / PCIe / links. docs/boards.md, "Resource model".
//
// Calibration: one PE of the array is one int8 multiply-accumulate (a DSP48E1 on 7-series,
// docs/perf.md), about 10 LUTs and 39 flip-flops (Yosys `synth_xilinx`, verif/synth). Vendor
// DSPs differ in how many int8 MACs one block does (FpgaDevice::int8_macs_per_dsp).
#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/status.h"
#include "fpga_board/devices.h"

namespace aorta::fpga {

// The model's constants. Defaults are the documented model; tests vary them.
struct ModelParams {
  // Per PE (Yosys, synth_pe_sim16: 1 DSP48E1, 10 LUT, 39 FF).
  double pe_luts = 10;
  double pe_ffs = 39;
  // Per vector-unit lane: requantization, activation, pooling, depthwise datapath (an estimate:
  // a 32 x 32-bit multiply in DSPs, adders, shifter, saturation and pipeline registers).
  double lane_luts = 600;
  double lane_ffs = 800;
  // Share of each resource left to the shell (PCIe DMA IP, DDR controller, link transceivers,
  // clocking) and to the SoC's control (register file, DMA engine, queues, decode).
  double shell_logic = 0.30;   // LUTs and flip-flops
  double shell_dsp = 0.05;     // DSP blocks
  double shell_memory = 0.10;  // block RAM and UltraRAM
  // Clock: this fraction of the slowest primitive's datasheet Fmax (DSP, block RAM, UltraRAM
  // when used), rounded down to a multiple of clock_step_mhz. 0.4 reproduces AWS F1's 250 MHz
  // main clock (recipe A1) on the VU9P (UltraRAM 650 MHz at -2).
  double clock_derate = 0.4;
  double clock_step_mhz = 25;
  uint32_t array_granule = 8;    // N is a multiple of this (a row is whole 64-bit words)
  uint32_t max_array = 256;      // the ISA's largest N
  uint64_t acc_rows_max = 4096;  // two halves of 2048 output pixels (double buffering)
  uint64_t param_rows_max = 2048;
  uint32_t lut_tables_max = 16;
  double acc_memory_share = 1.0 / 8;  // of the block-RAM budget, at most
  double param_memory_share = 1.0 / 16;
  double lut_memory_share = 1.0 / 16;
  double weight_share = 0.75;  // of the unified + weight buffer pool: pinned weights first
  uint32_t ub_banks = 4;
  uint32_t wb_banks = 4;
  uint32_t acc_banks = 2;
  uint32_t queue_depth = 32;  // control choices, not resource-bound (LUT RAM FIFOs)
  uint32_t token_capacity = 255;
};

// Resource counts: what a device has, what the model leaves to aorta, what aorta uses.
struct Resources {
  uint64_t dsps = 0;
  uint64_t luts = 0;
  uint64_t ffs = 0;
  uint64_t bram = 0;  // blocks
  uint64_t uram = 0;  // blocks
};

struct Derivation {
  ChipConfig config;
  Resources available;          // the device
  Resources budget;             // the device minus the shell's share
  Resources used;               // the derived config's estimate (EstimateUsage)
  double clock_limit_mhz = 0;   // the slowest primitive's Fmax before the derating
  uint32_t dma_data_width = 0;  // bits: the RTL's DmaDataWidth (DmaDataWidthFor)
};

// Blocks of `mem` holding `rows` rows of `row_bytes` bytes split evenly over `banks` banks.
uint64_t MemoryBlocks(const BlockMemory& mem, uint64_t row_bytes, uint64_t rows, uint32_t banks);

// The estimated resources of `config` on `device` (config need not come from Derive).
Resources EstimateUsage(const FpgaDevice& device, const ChipConfig& config,
                        const ModelParams& params = {});

// The config of a card, derived from its FPGA's resources; an error names the resource that
// cannot hold even the smallest array.
Result<Derivation> Derive(const Card& card, const ModelParams& params = {});

// The RTL's DMA data width for a config: the smallest of 256, 512, 1024 bits whose bytes per
// clock carry the DRAM bandwidth (1024 when none does).
uint32_t DmaDataWidthFor(const ChipConfig& config);

// One line per resource: "DSP 1248 / 1510 budget / 1590 device" ...
std::string UsageReport(const Derivation& d);

}  // namespace aorta::fpga
