// aorta_u250_top: the FPGA top of an Alveo U250 running one aorta chip (boards single_u250 and
// ring8_u250: the same bitstream; the ring is cabling). docs/boards.md, "Alveo U250".
//
//   PCIe Gen3 x16 ── aorta_u250_bd (XDMA AXI bridge, 4 x DDR4 MIG, SmartConnect) ──┐
//        BAR0 ── M_AORTA_REGS (AXI4-lite) ──► aorta_soc s_axil                   │
//        aorta_soc m_axi (AXI4) ──► S_AORTA_AXI: DRAM [0, 64 GiB), host 2^47 + IOVA ┘
//   QSFP28 p ── Aurora 64B/66B x4 (user clock) ── aorta_link_port (async FIFOs, credits) ──
//        aorta_soc link port p
//
// The SoC's parameters come from the derived config (aorta_cfg_alveo_u250_pkg, written by
// fpga_gen from fpga_board/devices.cc); the core clock from aorta_core_clk_wiz at the derived
// clock. Not built with Vivado, not run on hardware: it lints against interface models.
`include "aorta_board_macros.svh"

module aorta_u250_top #(
  // The derived geometry. Only the lint test overrides these, with a small array: elaborating
  // the 144 x 144 array takes Verilator many minutes (the full-size lint is labelled slow).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_alveo_u250_pkg)
) (
  input  logic              pcie_refclk_clk_p,
  input  logic              pcie_refclk_clk_n,
  input  logic              pcie_perstn,
  input  logic [15:0]       pcie_mgt_rxp,
  input  logic [15:0]       pcie_mgt_rxn,
  output logic [15:0]       pcie_mgt_txp,
  output logic [15:0]       pcie_mgt_txn,
  input  logic [3:0]        ddr4_refclk_p,
  input  logic [3:0]        ddr4_refclk_n,
  output logic [3:0][16:0]  ddr4_adr,
  output logic [3:0][1:0]   ddr4_ba,
  output logic [3:0][1:0]   ddr4_bg,
  output logic [3:0]        ddr4_ck_t,
  output logic [3:0]        ddr4_ck_c,
  output logic [3:0]        ddr4_cke,
  output logic [3:0]        ddr4_cs_n,
  output logic [3:0]        ddr4_odt,
  output logic [3:0]        ddr4_act_n,
  output logic [3:0]        ddr4_reset_n,
  output logic [3:0]        ddr4_par,
  inout  wire  [3:0][71:0]  ddr4_dq,
  inout  wire  [3:0][17:0]  ddr4_dqs_t,
  inout  wire  [3:0][17:0]  ddr4_dqs_c,
  // QSFP28 cages 0 and 1 (link ports 0 and 1): 156.25 MHz reference clocks and four lanes each.
  input  logic [1:0]        qsfp_refclk_p,
  input  logic [1:0]        qsfp_refclk_n,
  input  logic [1:0][3:0]   qsfp_rxp,
  input  logic [1:0][3:0]   qsfp_rxn,
  output logic [1:0][3:0]   qsfp_txp,
  output logic [1:0][3:0]   qsfp_txn
);
  localparam aorta_board_pkg::soc_cfg_t Cfg = `AORTA_SOC_CFG(aorta_cfg_alveo_u250_pkg);

  localparam int unsigned BeatW = 256;  // Aurora 64B/66B, four lanes

  if (Cfg.link_ports != 2) begin : g_bad_ports
    $fatal(1, "aorta_u250_top: the U250 has two QSFP28 cages; the config has %0d link ports",
           Cfg.link_ports);
  end

  // ---- Clocks and reset --------------------------------------------------------------------
  logic axi_aclk, axi_aresetn, core_clk, core_locked, core_rst_n;

  aorta_core_clk_wiz u_core_clk (
    .clk_in1 (axi_aclk),
    .reset   (!axi_aresetn),
    .clk_out1(core_clk),
    .locked  (core_locked)
  );

  // ---- Chip: SoC, core reset (held while the clock is unlocked or PCIe is in reset), links --
  aorta_axi_if #(.DataWidth(Cfg.dma_data_width)) dma (.clk_i(core_clk), .rst_ni(core_rst_n));
  aorta_axil_if #(.AddrWidth(12)) regs (.clk_i(core_clk), .rst_ni(core_rst_n));

  // Aurora: one user clock for both directions, channel_up for both sides.
  aorta_xcvr_if #(.Ports(2), .BeatW(BeatW)) xcvr ();
  assign xcvr.rx_clk = xcvr.tx_clk;
  assign xcvr.rx_up  = xcvr.tx_up;
  logic irq;

  aorta_chip #(
    .Cfg    (Cfg),
    .Links  (1'b1),
    .BeatW  (BeatW),
    .Credits(8)
  ) u_chip (
    .clk_i           (core_clk),
    .arst_ni         (core_locked && axi_aresetn),
    .rst_no          (core_rst_n),
    .s_axil          (regs),
    .m_axi           (dma),
    .xcvr            (xcvr),
    .irq_o           (irq)
  );

  // ---- PCIe, DDR4, interconnect ---------------------------------------------------------------
  logic unused_irq_ack;

  aorta_u250_bd #(
    .DataWidth(Cfg.dma_data_width)
  ) u_bd (
    .pcie_refclk_clk_p,
    .pcie_refclk_clk_n,
    .pcie_perstn,
    .pcie_mgt_rxp,
    .pcie_mgt_rxn,
    .pcie_mgt_txp,
    .pcie_mgt_txn,
    .ddr4_refclk_p,
    .ddr4_refclk_n,
    .ddr4_adr,
    .ddr4_ba,
    .ddr4_bg,
    .ddr4_ck_t,
    .ddr4_ck_c,
    .ddr4_cke,
    .ddr4_cs_n,
    .ddr4_odt,
    .ddr4_act_n,
    .ddr4_reset_n,
    .ddr4_par,
    .ddr4_dq,
    .ddr4_dqs_t,
    .ddr4_dqs_c,
    .axi_aclk,
    .axi_aresetn,
    .core_clk,
    .core_aresetn       (core_rst_n),
    `AORTA_AXI_PORTS(S_AORTA_AXI_, , , dma),
    `AORTA_AXIL_PORTS(M_AORTA_REGS_, , , regs),
    .usr_irq_req         (irq),
    .usr_irq_ack         (unused_irq_ack)
  );

  // ---- Links: one Aurora 64B/66B x4 per QSFP28 cage --------------------------------------------
  for (genvar p = 0; p < 2; p++) begin : g_link
    logic [3:0] unused_lane_up;
    logic       unused_hard_err, unused_soft_err;

    aorta_aurora_x4 u_aurora (
      .init_clk       (core_clk),
      .reset_pb       (!core_rst_n),
      .pma_init       (!core_rst_n),
      .gt_refclk1_p   (qsfp_refclk_p[p]),
      .gt_refclk1_n   (qsfp_refclk_n[p]),
      .rxp            (qsfp_rxp[p]),
      .rxn            (qsfp_rxn[p]),
      .txp            (qsfp_txp[p]),
      .txn            (qsfp_txn[p]),
      .user_clk_out   (xcvr.tx_clk[p]),
      .channel_up     (xcvr.tx_up[p]),
      .lane_up        (unused_lane_up),
      .hard_err       (unused_hard_err),
      .soft_err       (unused_soft_err),
      .s_axi_tx_tdata (xcvr.tx_data[BeatW*p +: BeatW]),
      .s_axi_tx_tvalid(xcvr.tx_valid[p]),
      .s_axi_tx_tready(xcvr.tx_ready[p]),
      .m_axi_rx_tdata (xcvr.rx_data[BeatW*p +: BeatW]),
      .m_axi_rx_tvalid(xcvr.rx_valid[p])
    );
  end
endmodule
