// aorta_arria10_top: the FPGA top of an Arria 10 GX 1150 PCIe card (Nallatech 385A class: 8 GB
// DDR3 in two banks, PCIe Gen3 x8, two QSFP+ cages) running one aorta chip (board
// single_arria10). docs/boards.md, "Arria 10". The body is aorta_intel_fpga (fpga_board/rtl/),
// shared with the Stratix V top, with the Arria 10 IP: aorta_a10_sys (Avalon-MM DMA hard IP,
// two DDR3 EMIF banks, SerialLite III x4 on each QSFP+ cage, clock-crossing bridges).
//
// The SoC's parameters come from the derived config (aorta_cfg_arria10_card_pkg, written by
// fpga_gen); the core clock from aorta_core_pll (IOPLL) at the derived clock. Not built with
// Quartus, not run on hardware: it lints against interface models (fpga_board/ip/).
`include "aorta_board_macros.svh"

module aorta_arria10_top #(
  // The derived geometry. Only the lint tests override these, with a small array (elaborating
  // the 48 x 48 array takes Verilator minutes; the full-size lint is labelled slow).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_arria10_card_pkg)
) (
  input  logic              clk_100,      // 100 MHz board oscillator
  input  logic              sys_resetn,   // board power-on reset
  // PCIe Gen3 x8 edge connector.
  input  logic              pcie_refclk,
  input  logic              pcie_perstn,
  input  logic [7:0]        pcie_rx,
  output logic [7:0]        pcie_tx,
  // DDR3 banks a and b (64 bit each).
  input  logic [1:0]        ddr3_refclk,
  input  logic [1:0]        ddr3_rzq,
  output logic [1:0][15:0]  ddr3_a,
  output logic [1:0][2:0]   ddr3_ba,
  output logic [1:0]        ddr3_ck,
  output logic [1:0]        ddr3_ck_n,
  output logic [1:0]        ddr3_cke,
  output logic [1:0]        ddr3_cs_n,
  output logic [1:0][7:0]   ddr3_dm,
  output logic [1:0]        ddr3_ras_n,
  output logic [1:0]        ddr3_cas_n,
  output logic [1:0]        ddr3_we_n,
  output logic [1:0]        ddr3_reset_n,
  inout  wire  [1:0][63:0]  ddr3_dq,
  inout  wire  [1:0][7:0]   ddr3_dqs,
  inout  wire  [1:0][7:0]   ddr3_dqs_n,
  output logic [1:0]        ddr3_odt,
  // QSFP+ cages 0 and 1 (link ports 0 and 1): 644.53125 MHz reference, four lanes each.
  input  logic              qsfp_refclk,
  input  logic [1:0][3:0]   qsfp_rx,
  output logic [1:0][3:0]   qsfp_tx
);
  localparam aorta_board_pkg::soc_cfg_t Cfg = `AORTA_SOC_CFG(aorta_cfg_arria10_card_pkg);

  aorta_intel_fpga #(
    .Cfg    (Cfg),
    .Arria10(1'b1)
  ) u_fpga (
    `AORTA_INTEL_FPGA_PINS,
    .link_refclk_i  (qsfp_refclk),
    .link_rx_i      (qsfp_rx),
    .link_tx_o      (qsfp_tx)
  );
endmodule
