#include "fpga_board/devices.h"

#include <array>

namespace aorta::fpga {
namespace {

// Block memories in their widest simple-dual-port shape (the data path of an aorta row memory):
// RAMB36E1 / RAMB36E2 512 x 72 (UG473 Table 1-6, UG573 Table 1-6), URAM288 4K x 72 (UG573
// Ch. 2), M20K 512 x 40 (Stratix V Device Handbook SV51003 Table 2-3; Arria 10 Core Fabric and
// General Purpose I/Os Handbook, "Embedded Memory").
constexpr BlockMemory kRamb36e1(uint32_t count, double fmax) {
  return {"RAMB36E1", count, 72, 512, fmax};
}
constexpr BlockMemory kRamb36e2(uint32_t count, double fmax) {
  return {"RAMB36E2", count, 72, 512, fmax};
}
constexpr BlockMemory kUram288(uint32_t count, double fmax) {
  return {"URAM288", count, 72, 4096, fmax};
}
constexpr BlockMemory kM20k(uint32_t count, double fmax) { return {"M20K", count, 40, 512, fmax}; }

const std::array<FpgaDevice, 5> kDevices = {{
    // Stratix V GS D5 (Catapult v1's FPGA). Stratix V Device Overview (SV51001), Table "Stratix
    // V GS Device Features": 172,600 ALMs, 690,400 registers, 2,014 M20K, 1,590 variable-
    // precision DSP blocks (3,180 18x18 multipliers). Fmax at speed grade C2: M20K 550 MHz,
    // DSP 18x18 450 MHz (Stratix V Device Datasheet SV53001, "Memory Block Performance" and
    // "DSP Block Performance"; transcribed from the tables, not rechecked in this repository).
    {"stratixv_5sgsd5",
     "5SGSD5H2F35C2",
     Vendor::kIntel,
     "variable-precision DSP block",
     1590,
     2,
     2,
     2 * 172600ull,
     690400,
     kM20k(2014, 550),
     {},
     450,
     "C2",
     "Intel Stratix V Device Overview SV51001 (GS features table), Datasheet SV53001"},
    // Arria 10 GX 1150. Intel Arria 10 Product Table: 427,200 ALMs, 1,708,800 registers,
    // 2,713 M20K, 1,518 variable-precision DSP blocks (3,036 18x19 multipliers). Fmax at speed
    // grade -2: M20K 625 MHz, DSP fixed point 18x19 480 MHz (Arria 10 Device Datasheet).
    {"arria10_gx1150",
     "10AX115N2F45E2",
     Vendor::kIntel,
     "variable-precision DSP block",
     1518,
     2,
     2,
     2 * 427200ull,
     1708800,
     kM20k(2713, 625),
     {},
     480,
     "-2",
     "Intel Arria 10 Product Table (GX 1150 column), Arria 10 Device Datasheet"},
    // Virtex UltraScale+ VU9P (AWS EC2 F1). DS890 Table 2 (Virtex UltraScale+ resources):
    // 1,182,240 LUTs, 2,364,480 flip-flops, 6,840 DSP48E2, 2,160 RAMB36 (75.9 Mb), 960 URAM
    // (270 Mb). Fmax at -2 (DS923): DSP48E2 775 MHz, block RAM 737 MHz, UltraRAM 650 MHz.
    {"vu9p", "XCVU9P-FLGB2104-2-I", Vendor::kXilinx, "DSP48E2", 6840, 2, 4, 1182240ull, 2364480,
     kRamb36e2(2160, 737), kUram288(960, 650), 775, "-2",
     "AMD DS890 (UltraScale Architecture and Product Data Sheet), DS923 (switching)"},
    // Alveo U250's XCU250. DS962 (Alveo U250 data sheet) and DS890: 1,728,000 LUTs, 3,456,000
    // flip-flops, 12,288 DSP48E2, 2,688 RAMB36 (94.5 Mb), 1,280 URAM (360 Mb); -2L Fmax as VU9P.
    {"xcu250", "XCU250-FIGD2104-2L-E", Vendor::kXilinx, "DSP48E2", 12288, 2, 4, 1728000ull, 3456000,
     kRamb36e2(2688, 737), kUram288(1280, 650), 775, "-2L",
     "AMD DS962 (Alveo U200 and U250 Data Center Accelerator Cards), DS890, DS923"},
    // Zynq-7020 (XC7Z020). DS190 Table 1 (Zynq-7000 SoC family): 53,200 LUTs, 106,400 flip-
    // flops, 140 RAMB36 (4.9 Mb), 220 DSP48E1. Fmax at -1 (DS187): DSP48E1 464 MHz, block RAM
    // 388 MHz.
    {"zynq7020",
     "XC7Z020-CLG484-1",
     Vendor::kXilinx,
     "DSP48E1",
     220,
     1,
     4,
     53200ull,
     106400,
     kRamb36e1(140, 388),
     {},
     464,
     "-1",
     "AMD DS190 (Zynq-7000 SoC Data Sheet: Overview), DS187 (switching)"},
}};

const std::array<Card, 5> kCards = {{
    // Catapult v1 (Putnam et al., "A Reconfigurable Fabric for Accelerating Large-Scale
    // Datacenter Services", ISCA 2014): one Stratix V D5, 8 GB DDR3-1333 (one 64-bit channel:
    // 10.67 GB/s), PCIe Gen3 x8; two 10 Gb/s chip-to-chip links per FPGA (issue #7's figures).
    {"stratixv_catapult", "Catapult v1-style card FPGA: Stratix V D5, 8 GB DDR3, PCIe Gen3 x8",
     &kDevices[0], 8ull << 30, 10.67, 100, 3, 8, 2, 10.0, 500,
     "Putnam et al., ISCA 2014 (Catapult v1); issue #7"},
    // An Arria 10 GX 1150 PCIe card of the Nallatech 385A class: 8 GB DDR3 in two banks
    // (2 x 64 bit at 1866 MT/s: 29.9 GB/s), PCIe Gen3 x8, two QSFP+ cages (40 Gb/s each).
    {"arria10_card", "Arria 10 GX 1150 PCIe card (Nallatech 385A class): 8 GB DDR3, Gen3 x8",
     &kDevices[1], 8ull << 30, 29.9, 100, 3, 8, 2, 40.0, 500,
     "Nallatech 385A product brief (card class; figures approximate)"},
    // AWS EC2 F1: VU9P with four DDR4 channels of 16 GiB (72 bit with ECC, 2133 MT/s: 4 x
    // 17.06 GB/s), PCIe Gen3 x16 to the host; no FPGA-to-FPGA links exposed to the design.
    {"aws_f1", "AWS EC2 F1 FPGA: VU9P, 64 GiB DDR4 (4 channels), PCIe Gen3 x16", &kDevices[2],
     64ull << 30, 68.2, 100, 3, 16, 0, 0.0, 0, "AWS EC2 F1 instance documentation (aws-fpga HDK)"},
    // Alveo U250 (DS962): 64 GB DDR4 on four 16 GB 2400 MT/s channels (77 GB/s), PCIe Gen3
    // x16, two QSFP28 (100 Gb/s each).
    {"alveo_u250", "Alveo U250: XCU250, 64 GB DDR4 (4 channels), PCIe Gen3 x16, 2 x QSFP28",
     &kDevices[3], 64ull << 30, 77.0, 100, 3, 16, 2, 100.0, 500, "AMD DS962"},
    // ZedBoard (Avnet): Zynq-7020 with 512 MB DDR3 (32 bit at 1066 MT/s: 4.26 GB/s) shared with
    // the ARM host; the accelerator's DRAM is a 256 MiB carve-out of it. The host is the on-chip
    // ARM (no PCIe): the SoC reaches host memory through one S_AXI_HP port (64 bit at 150 MHz,
    // 1.2 GB/s). The schema's only host link is PCIe, so the config records the PCIe link of the
    // next lower bandwidth, Gen2 x2 (1.0 GB/s per direction).
    {"zynq7020_zedboard",
     "ZedBoard: Zynq-7020, 256 MiB of the PS DDR3, ARM host over S_AXI_HP (recorded as PCIe "
     "Gen2 x2)",
     &kDevices[4], 256ull << 20, 4.26, 120, 2, 2, 0, 0.0, 0,
     "Avnet ZedBoard hardware user guide; AMD UG585 (Zynq-7000 TRM, S_AXI_HP)"},
}};

}  // namespace

std::span<const FpgaDevice> Devices() { return kDevices; }
std::span<const Card> Cards() { return kCards; }

const FpgaDevice* FindDevice(const std::string& id) {
  for (const FpgaDevice& d : kDevices)
    if (id == d.id) return &d;
  return nullptr;
}

const Card* FindCard(const std::string& id) {
  for (const Card& c : kCards)
    if (id == c.id) return &c;
  return nullptr;
}

}  // namespace aorta::fpga
