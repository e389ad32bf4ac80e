// aorta_stratixv_ring: a board of Chips Stratix V FPGAs, each running aorta_stratixv_top (the
// same bitstream), joined in a ring by their 10 Gb/s links as the board files say: port 1 of
// FPGA c to port 0 of FPGA c + 1, the last back to the first. Boards catapult6_stratixv (six
// FPGAs on one PCIe card, each behind the card's PCIe switch) and ring8_stratixv (eight). A
// netlist of the board for lint (the link wiring by aorta_ring, the per-FPGA PCIe / DDR3 /
// clocks); each FPGA is built on its own by single_stratixv/build.tcl. docs/boards.md,
// "Stratix V".
`include "aorta_board_macros.svh"

module aorta_stratixv_ring #(
  parameter int unsigned Chips     = 6,
  // The derived geometry, passed to every FPGA (the lint tests override it with a small array).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_stratixv_catapult_pkg)
) (
  // Per FPGA: board clock and reset, PCIe x8, DDR3, the links' reference clock.
  input  logic [Chips-1:0]        clk_100,
  input  logic [Chips-1:0]        sys_resetn,
  input  logic [Chips-1:0]        pcie_refclk,
  input  logic [Chips-1:0]        pcie_perstn,
  input  logic [Chips-1:0][7:0]   pcie_rx,
  output logic [Chips-1:0][7:0]   pcie_tx,
  input  logic [Chips-1:0]        ddr3_refclk,
  input  logic [Chips-1:0]        ddr3_rzq,
  output logic [Chips-1:0][15:0]  ddr3_a,
  output logic [Chips-1:0][2:0]   ddr3_ba,
  output logic [Chips-1:0][1:0]   ddr3_ck,
  output logic [Chips-1:0][1:0]   ddr3_ck_n,
  output logic [Chips-1:0][1:0]   ddr3_cke,
  output logic [Chips-1:0][1:0]   ddr3_cs_n,
  output logic [Chips-1:0][7:0]   ddr3_dm,
  output logic [Chips-1:0]        ddr3_ras_n,
  output logic [Chips-1:0]        ddr3_cas_n,
  output logic [Chips-1:0]        ddr3_we_n,
  output logic [Chips-1:0]        ddr3_reset_n,
  inout  wire  [Chips-1:0][63:0]  ddr3_dq,
  inout  wire  [Chips-1:0][7:0]   ddr3_dqs,
  inout  wire  [Chips-1:0][7:0]   ddr3_dqs_n,
  output logic [Chips-1:0][1:0]   ddr3_odt,
  input  logic [Chips-1:0]        link_refclk
);
  // tx[c][p] / rx[c][p]: the lane FPGA c transmits / receives on its link port p.
  logic [Chips-1:0][1:0] tx, rx;

  aorta_ring #(
    .Chips(Chips),
    .Width(1)
  ) u_ring (
    .tx_i(tx),
    .rx_o(rx)
  );

  for (genvar c = 0; c < Chips; c++) begin : g_fpga
    aorta_stratixv_top #(
      `AORTA_GEOMETRY_PASS
    ) u_fpga (
      .clk_100     (clk_100[c]),
      .sys_resetn  (sys_resetn[c]),
      .pcie_refclk (pcie_refclk[c]),
      .pcie_perstn (pcie_perstn[c]),
      .pcie_rx     (pcie_rx[c]),
      .pcie_tx     (pcie_tx[c]),
      .ddr3_refclk (ddr3_refclk[c]),
      .ddr3_rzq    (ddr3_rzq[c]),
      .ddr3_a      (ddr3_a[c]),
      .ddr3_ba     (ddr3_ba[c]),
      .ddr3_ck     (ddr3_ck[c]),
      .ddr3_ck_n   (ddr3_ck_n[c]),
      .ddr3_cke    (ddr3_cke[c]),
      .ddr3_cs_n   (ddr3_cs_n[c]),
      .ddr3_dm     (ddr3_dm[c]),
      .ddr3_ras_n  (ddr3_ras_n[c]),
      .ddr3_cas_n  (ddr3_cas_n[c]),
      .ddr3_we_n   (ddr3_we_n[c]),
      .ddr3_reset_n(ddr3_reset_n[c]),
      .ddr3_dq     (ddr3_dq[c]),
      .ddr3_dqs    (ddr3_dqs[c]),
      .ddr3_dqs_n  (ddr3_dqs_n[c]),
      .ddr3_odt    (ddr3_odt[c]),
      .link_refclk (link_refclk[c]),
      .link_rx     (rx[c]),
      .link_tx     (tx[c])
    );
  end
endmodule
