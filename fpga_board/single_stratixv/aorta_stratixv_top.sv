// aorta_stratixv_top: the FPGA top of one Stratix V 5SGSD5 running one aorta chip, on a
// Catapult-v1-class card (8 GB DDR3, PCIe Gen3 x8, two 10 Gb/s links). Boards single_stratixv,
// catapult6_stratixv and ring8_stratixv load this same bitstream into every FPGA; the multi-FPGA
// boards differ only in how the links are wired (aorta_stratixv_ring). docs/boards.md,
// "Stratix V". The body is aorta_intel_fpga (fpga_board/rtl/), shared with the Arria 10 top,
// with the Stratix V IP: aorta_sv_sys (Avalon-MM DMA hard IP, DDR3 UniPHY, SerialLite III x1 per
// link, clock-crossing bridges).
//
// The SoC's parameters come from the derived config (aorta_cfg_stratixv_catapult_pkg, written
// by fpga_gen); the core clock from aorta_core_pll at the derived clock. Not built with Quartus,
// not run on hardware: it lints against interface models (fpga_board/ip/).
`include "aorta_board_macros.svh"

module aorta_stratixv_top #(
  // The derived geometry. Only the lint tests override these, with a small array (elaborating
  // the 48 x 48 array takes Verilator minutes; the full-size lint is labelled slow).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_stratixv_catapult_pkg)
) (
  input  logic        clk_100,      // 100 MHz board oscillator
  input  logic        sys_resetn,   // board power-on reset
  // PCIe Gen3 x8 (edge connector, or the card's PCIe switch).
  input  logic        pcie_refclk,
  input  logic        pcie_perstn,
  input  logic [7:0]  pcie_rx,
  output logic [7:0]  pcie_tx,
  // DDR3 SO-DIMM.
  input  logic        ddr3_refclk,
  input  logic        ddr3_rzq,
  output logic [15:0] ddr3_a,
  output logic [2:0]  ddr3_ba,
  output logic [1:0]  ddr3_ck,
  output logic [1:0]  ddr3_ck_n,
  output logic [1:0]  ddr3_cke,
  output logic [1:0]  ddr3_cs_n,
  output logic [7:0]  ddr3_dm,
  output logic        ddr3_ras_n,
  output logic        ddr3_cas_n,
  output logic        ddr3_we_n,
  output logic        ddr3_reset_n,
  inout  wire  [63:0] ddr3_dq,
  inout  wire  [7:0]  ddr3_dqs,
  inout  wire  [7:0]  ddr3_dqs_n,
  output logic [1:0]  ddr3_odt,
  // The two 10 Gb/s links (link ports 0 and 1): 644.53125 MHz reference, one lane each.
  input  logic        link_refclk,
  input  logic [1:0]  link_rx,
  output logic [1:0]  link_tx
);
  localparam aorta_board_pkg::soc_cfg_t Cfg = `AORTA_SOC_CFG(aorta_cfg_stratixv_catapult_pkg);

  aorta_intel_fpga #(
    .Cfg    (Cfg),
    .Arria10(1'b0)
  ) u_fpga (
    `AORTA_INTEL_FPGA_PINS,
    .link_refclk_i  (link_refclk),
    .link_rx_i      (link_rx),
    .link_tx_o      (link_tx)
  );
endmodule
