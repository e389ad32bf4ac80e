// aorta_u250_ring: Chips Alveo U250 cards, each running aorta_u250_top (the same bitstream),
// joined in a ring of QSFP28 cables as fpga_board/boards/ring8_u250.textproto says: cage 1 of
// card c to cage 0 of card c + 1, the last back to the first. A netlist of the ring for lint
// (the cabling by aorta_ring, the per-card PCIe / DDR4 / clocks); each card is built on its own
// by single_u250/build.tcl. docs/boards.md, "Alveo U250".
`include "aorta_board_macros.svh"

module aorta_u250_ring #(
  parameter int unsigned Chips     = 8,
  // The derived geometry, passed to every card (the lint tests override it with a small array).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_alveo_u250_pkg)
) (
  // Per card: PCIe x16, four DDR4 channels, the QSFP28 reference clocks.
  input  logic [Chips-1:0]              pcie_refclk_clk_p,
  input  logic [Chips-1:0]              pcie_refclk_clk_n,
  input  logic [Chips-1:0]              pcie_perstn,
  input  logic [Chips-1:0][15:0]        pcie_mgt_rxp,
  input  logic [Chips-1:0][15:0]        pcie_mgt_rxn,
  output logic [Chips-1:0][15:0]        pcie_mgt_txp,
  output logic [Chips-1:0][15:0]        pcie_mgt_txn,
  input  logic [Chips-1:0][3:0]         ddr4_refclk_p,
  input  logic [Chips-1:0][3:0]         ddr4_refclk_n,
  output logic [Chips-1:0][3:0][16:0]   ddr4_adr,
  output logic [Chips-1:0][3:0][1:0]    ddr4_ba,
  output logic [Chips-1:0][3:0][1:0]    ddr4_bg,
  output logic [Chips-1:0][3:0]         ddr4_ck_t,
  output logic [Chips-1:0][3:0]         ddr4_ck_c,
  output logic [Chips-1:0][3:0]         ddr4_cke,
  output logic [Chips-1:0][3:0]         ddr4_cs_n,
  output logic [Chips-1:0][3:0]         ddr4_odt,
  output logic [Chips-1:0][3:0]         ddr4_act_n,
  output logic [Chips-1:0][3:0]         ddr4_reset_n,
  output logic [Chips-1:0][3:0]         ddr4_par,
  inout  wire  [Chips-1:0][3:0][71:0]   ddr4_dq,
  inout  wire  [Chips-1:0][3:0][17:0]   ddr4_dqs_t,
  inout  wire  [Chips-1:0][3:0][17:0]   ddr4_dqs_c,
  input  logic [Chips-1:0][1:0]         qsfp_refclk_p,
  input  logic [Chips-1:0][1:0]         qsfp_refclk_n
);
  // tx_p / tx_n[c][q], rx_p / rx_n[c][q]: the four lanes card c transmits / receives on QSFP28
  // cage q (link port q).
  logic [Chips-1:0][1:0][3:0] tx_p, tx_n, rx_p, rx_n;

  aorta_ring #(
    .Chips(Chips),
    .Width(4)
  ) u_ring_p (
    .tx_i(tx_p),
    .rx_o(rx_p)
  );
  aorta_ring #(
    .Chips(Chips),
    .Width(4)
  ) u_ring_n (
    .tx_i(tx_n),
    .rx_o(rx_n)
  );

  for (genvar c = 0; c < Chips; c++) begin : g_card
    aorta_u250_top #(
      `AORTA_GEOMETRY_PASS
    ) u_card (
      .pcie_refclk_clk_p(pcie_refclk_clk_p[c]),
      .pcie_refclk_clk_n(pcie_refclk_clk_n[c]),
      .pcie_perstn      (pcie_perstn[c]),
      .pcie_mgt_rxp     (pcie_mgt_rxp[c]),
      .pcie_mgt_rxn     (pcie_mgt_rxn[c]),
      .pcie_mgt_txp     (pcie_mgt_txp[c]),
      .pcie_mgt_txn     (pcie_mgt_txn[c]),
      .ddr4_refclk_p    (ddr4_refclk_p[c]),
      .ddr4_refclk_n    (ddr4_refclk_n[c]),
      .ddr4_adr         (ddr4_adr[c]),
      .ddr4_ba          (ddr4_ba[c]),
      .ddr4_bg          (ddr4_bg[c]),
      .ddr4_ck_t        (ddr4_ck_t[c]),
      .ddr4_ck_c        (ddr4_ck_c[c]),
      .ddr4_cke         (ddr4_cke[c]),
      .ddr4_cs_n        (ddr4_cs_n[c]),
      .ddr4_odt         (ddr4_odt[c]),
      .ddr4_act_n       (ddr4_act_n[c]),
      .ddr4_reset_n     (ddr4_reset_n[c]),
      .ddr4_par         (ddr4_par[c]),
      .ddr4_dq          (ddr4_dq[c]),
      .ddr4_dqs_t       (ddr4_dqs_t[c]),
      .ddr4_dqs_c       (ddr4_dqs_c[c]),
      .qsfp_refclk_p    (qsfp_refclk_p[c]),
      .qsfp_refclk_n    (qsfp_refclk_n[c]),
      .qsfp_rxp         (rx_p[c]),
      .qsfp_rxn         (rx_n[c]),
      .qsfp_txp         (tx_p[c]),
      .qsfp_txn         (tx_n[c])
    );
  end
endmodule
