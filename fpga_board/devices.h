// Real FPGAs and the cards that carry them, from their vendors' public figures.
//
// An FpgaDevice is the silicon (DSP blocks, LUTs, flip-flops, block memories, primitive Fmax);
// a Card is what the board around it adds (DRAM, PCIe, chip-to-chip links). The resource model
// (fpga_board/resource_model.h) derives each card's aorta ChipConfig from the two; nothing in a
// derived config is chosen by hand. Every figure names its source next to it in devices.cc;
// docs/boards.md lists them.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace aorta::fpga {

enum class Vendor { kXilinx, kIntel };

// One kind of on-chip block memory: `count` blocks, each `depth` words of `width_bits` bits in
// its widest simple-dual-port shape (parity bits are ordinary data bits to the fabric).
struct BlockMemory {
  const char* kind = "";  // "RAMB36E1", "RAMB36E2", "URAM288", "M20K"
  uint32_t count = 0;
  uint32_t width_bits = 0;
  uint32_t depth = 0;
  double fmax_mhz = 0;  // datasheet maximum at the device's speed grade
};

struct FpgaDevice {
  const char* id = "";    // short name used in file names ("stratixv_5sgsd5")
  const char* part = "";  // vendor part number
  Vendor vendor = Vendor::kXilinx;
  const char* dsp_kind = "";  // "DSP48E1", "DSP48E2", "variable-precision DSP block"
  uint32_t dsps = 0;          // DSP slices / blocks
  // int8 x int8 multiply-accumulates one DSP does per cycle, each with its own accumulation:
  // DSP48E1 1 (the Yosys mapping, docs/perf.md), DSP48E2 2 (WP486 int8 packing: two PEs of one
  // array row share the activation), Intel variable-precision blocks 2 (two independent 18x18
  // multiply-accumulates per block).
  uint32_t int8_macs_per_dsp = 1;
  // DSPs one vector-unit lane needs for its 32 x 32-bit requantization multiply: four 25x18
  // (DSP48E1/E2) or two Intel blocks (each 27x27 or two 18x18).
  uint32_t dsps_per_vector_lane = 4;
  uint64_t luts = 0;  // 6-input LUTs; Intel: ALMs x 2 (an ALM holds two adaptive LUTs)
  uint64_t ffs = 0;   // flip-flops / ALM registers
  BlockMemory bram;   // the small block RAM (accumulator, parameters, tables; buffers too
                      // when there is no UltraRAM)
  BlockMemory uram;   // UltraRAM (count 0 when the device has none): unified and weight buffers
  double dsp_fmax_mhz = 0;  // DSP block maximum in the multiply-accumulate mode used
  const char* speed_grade = "";
  const char* source = "";  // the datasheet / product table the figures come from
};

struct Card {
  const char* id = "";  // chip config name ("stratixv_catapult")
  const char* description = "";
  const FpgaDevice* fpga = nullptr;
  uint64_t dram_bytes = 0;  // what the accelerator may address as board DRAM
  double dram_gbps = 0;     // GB/s peak, all channels
  uint32_t dram_latency_ns = 0;
  uint32_t pcie_generation = 0;  // host link (see Card::host_note when it is not PCIe)
  uint32_t pcie_lanes = 0;
  uint32_t link_count = 0;  // chip-to-chip ports
  double link_gbps = 0;     // Gb/s per link and direction
  uint32_t link_latency_ns = 0;
  const char* source = "";
};

// The devices and cards aorta knows, in a fixed order.
std::span<const FpgaDevice> Devices();
std::span<const Card> Cards();
const FpgaDevice* FindDevice(const std::string& id);
const Card* FindCard(const std::string& id);

}  // namespace aorta::fpga
