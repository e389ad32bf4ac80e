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
    .clk_100_i      (clk_100),
    .sys_rst_ni     (sys_resetn),
    .pcie_refclk_i  (pcie_refclk),
    .pcie_perst_ni  (pcie_perstn),
    .pcie_rx_i      (pcie_rx),
    .pcie_tx_o      (pcie_tx),
    .ddr3_refclk_i  (ddr3_refclk),
    .ddr3_rzq_i     (ddr3_rzq),
    .ddr3_a_o       (ddr3_a),
    .ddr3_ba_o      (ddr3_ba),
    .ddr3_ck_o      (ddr3_ck),
    .ddr3_ck_n_o    (ddr3_ck_n),
    .ddr3_cke_o     (ddr3_cke),
    .ddr3_cs_n_o    (ddr3_cs_n),
    .ddr3_dm_o      (ddr3_dm),
    .ddr3_ras_n_o   (ddr3_ras_n),
    .ddr3_cas_n_o   (ddr3_cas_n),
    .ddr3_we_n_o    (ddr3_we_n),
    .ddr3_reset_n_o (ddr3_reset_n),
    .ddr3_dq_io     (ddr3_dq),
    .ddr3_dqs_io    (ddr3_dqs),
    .ddr3_dqs_n_io  (ddr3_dqs_n),
    .ddr3_odt_o     (ddr3_odt),
    .link_refclk_i  (qsfp_refclk),
    .link_rx_i      (qsfp_rx),
    .link_tx_o      (qsfp_tx)
  );
endmodule
