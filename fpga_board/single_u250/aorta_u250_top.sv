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
module aorta_u250_top
  import aorta_cfg_alveo_u250_pkg::LinkPorts;
  import aorta_cfg_alveo_u250_pkg::QueueDepth;
  import aorta_cfg_alveo_u250_pkg::TokenCapacity;
  import aorta_cfg_alveo_u250_pkg::ConfigFp;
  import aorta_cfg_alveo_u250_pkg::DramBytes;
  import aorta_cfg_alveo_u250_pkg::DmaDataWidth;
#(
  // The derived geometry. Only the lint test overrides these, with a small array: elaborating
  // the 144 x 144 array takes Verilator many minutes (the full-size lint is labelled slow).
  parameter int unsigned N         = aorta_cfg_alveo_u250_pkg::N,
  parameter int unsigned UbRows    = aorta_cfg_alveo_u250_pkg::UbRows,
  parameter int unsigned WbRows    = aorta_cfg_alveo_u250_pkg::WbRows,
  parameter int unsigned AccRows   = aorta_cfg_alveo_u250_pkg::AccRows,
  parameter int unsigned ParamRows = aorta_cfg_alveo_u250_pkg::ParamRows,
  parameter int unsigned LutTables = aorta_cfg_alveo_u250_pkg::LutTables
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
  localparam int unsigned BeatW = 256;  // Aurora 64B/66B, four lanes

  if (LinkPorts != 2) begin : g_bad_ports
    $fatal(1, "aorta_u250_top: the U250 has two QSFP28 cages; the config has %0d link ports",
           LinkPorts);
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
  logic [1:0]                mem_awid, mem_bid, mem_arid, mem_rid;
  logic [63:0]               mem_awaddr, mem_araddr;
  logic [7:0]                mem_awlen, mem_arlen;
  logic [2:0]                mem_awsize, mem_arsize, mem_awprot, mem_arprot;
  logic [1:0]                mem_awburst, mem_arburst, mem_bresp, mem_rresp;
  logic [3:0]                mem_awcache, mem_arcache;
  logic                      mem_awvalid, mem_awready, mem_wlast, mem_wvalid, mem_wready;
  logic                      mem_bvalid, mem_bready, mem_arvalid, mem_arready;
  logic                      mem_rlast, mem_rvalid, mem_rready;
  logic [DmaDataWidth-1:0]   mem_wdata, mem_rdata;
  logic [DmaDataWidth/8-1:0] mem_wstrb;

  logic [11:0] regs_awaddr, regs_araddr;
  logic [2:0]  regs_awprot, regs_arprot;
  logic        regs_awvalid, regs_awready, regs_wvalid, regs_wready, regs_bvalid, regs_bready;
  logic        regs_arvalid, regs_arready, regs_rvalid, regs_rready;
  logic [31:0] regs_wdata, regs_rdata;
  logic [3:0]  regs_wstrb;
  logic [1:0]  regs_bresp, regs_rresp;

  logic [1:0]         user_clk, channel_up, a_tx_valid, a_tx_ready, a_rx_valid;
  logic [2*BeatW-1:0] a_tx_data, a_rx_data;
  logic               irq;

  aorta_chip #(
    .N            (N),
    .UbRows       (UbRows),
    .WbRows       (WbRows),
    .AccRows      (AccRows),
    .ParamRows    (ParamRows),
    .LutTables    (LutTables),
    .QueueDepth   (QueueDepth),
    .TokenCapacity(TokenCapacity),
    .LinkPorts    (LinkPorts),
    .ConfigFp     (ConfigFp),
    .DramBytes    (DramBytes),
    .DmaDataWidth (DmaDataWidth),
    .Links        (1'b1),
    .BeatW        (BeatW),
    .Credits      (8)
  ) u_chip (
    .clk_i           (core_clk),
    .arst_ni         (core_locked && axi_aresetn),
    .rst_no          (core_rst_n),
    .s_axil_awaddr_i (regs_awaddr),
    .s_axil_awprot_i (regs_awprot),
    .s_axil_awvalid_i(regs_awvalid),
    .s_axil_awready_o(regs_awready),
    .s_axil_wdata_i  (regs_wdata),
    .s_axil_wstrb_i  (regs_wstrb),
    .s_axil_wvalid_i (regs_wvalid),
    .s_axil_wready_o (regs_wready),
    .s_axil_bresp_o  (regs_bresp),
    .s_axil_bvalid_o (regs_bvalid),
    .s_axil_bready_i (regs_bready),
    .s_axil_araddr_i (regs_araddr),
    .s_axil_arprot_i (regs_arprot),
    .s_axil_arvalid_i(regs_arvalid),
    .s_axil_arready_o(regs_arready),
    .s_axil_rdata_o  (regs_rdata),
    .s_axil_rresp_o  (regs_rresp),
    .s_axil_rvalid_o (regs_rvalid),
    .s_axil_rready_i (regs_rready),
    .m_axi_awid_o    (mem_awid),
    .m_axi_awaddr_o  (mem_awaddr),
    .m_axi_awlen_o   (mem_awlen),
    .m_axi_awsize_o  (mem_awsize),
    .m_axi_awburst_o (mem_awburst),
    .m_axi_awcache_o (mem_awcache),
    .m_axi_awprot_o  (mem_awprot),
    .m_axi_awvalid_o (mem_awvalid),
    .m_axi_awready_i (mem_awready),
    .m_axi_wdata_o   (mem_wdata),
    .m_axi_wstrb_o   (mem_wstrb),
    .m_axi_wlast_o   (mem_wlast),
    .m_axi_wvalid_o  (mem_wvalid),
    .m_axi_wready_i  (mem_wready),
    .m_axi_bid_i     (mem_bid),
    .m_axi_bresp_i   (mem_bresp),
    .m_axi_bvalid_i  (mem_bvalid),
    .m_axi_bready_o  (mem_bready),
    .m_axi_arid_o    (mem_arid),
    .m_axi_araddr_o  (mem_araddr),
    .m_axi_arlen_o   (mem_arlen),
    .m_axi_arsize_o  (mem_arsize),
    .m_axi_arburst_o (mem_arburst),
    .m_axi_arcache_o (mem_arcache),
    .m_axi_arprot_o  (mem_arprot),
    .m_axi_arvalid_o (mem_arvalid),
    .m_axi_arready_i (mem_arready),
    .m_axi_rid_i     (mem_rid),
    .m_axi_rdata_i   (mem_rdata),
    .m_axi_rresp_i   (mem_rresp),
    .m_axi_rlast_i   (mem_rlast),
    .m_axi_rvalid_i  (mem_rvalid),
    .m_axi_rready_o  (mem_rready),
    // Aurora: one user clock for both directions, channel_up for both sides.
    .xcvr_tx_clk_i   (user_clk),
    .xcvr_tx_up_i    (channel_up),
    .xcvr_tx_valid_o (a_tx_valid),
    .xcvr_tx_ready_i (a_tx_ready),
    .xcvr_tx_data_o  (a_tx_data),
    .xcvr_rx_clk_i   (user_clk),
    .xcvr_rx_up_i    (channel_up),
    .xcvr_rx_valid_i (a_rx_valid),
    .xcvr_rx_data_i  (a_rx_data),
    .irq_o           (irq)
  );

  // ---- PCIe, DDR4, interconnect ---------------------------------------------------------------
  logic unused_irq_ack;

  aorta_u250_bd #(
    .DataWidth(DmaDataWidth)
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
    .S_AORTA_AXI_awid   (mem_awid),
    .S_AORTA_AXI_awaddr (mem_awaddr),
    .S_AORTA_AXI_awlen  (mem_awlen),
    .S_AORTA_AXI_awsize (mem_awsize),
    .S_AORTA_AXI_awburst(mem_awburst),
    .S_AORTA_AXI_awcache(mem_awcache),
    .S_AORTA_AXI_awprot (mem_awprot),
    .S_AORTA_AXI_awvalid(mem_awvalid),
    .S_AORTA_AXI_awready(mem_awready),
    .S_AORTA_AXI_wdata  (mem_wdata),
    .S_AORTA_AXI_wstrb  (mem_wstrb),
    .S_AORTA_AXI_wlast  (mem_wlast),
    .S_AORTA_AXI_wvalid (mem_wvalid),
    .S_AORTA_AXI_wready (mem_wready),
    .S_AORTA_AXI_bid    (mem_bid),
    .S_AORTA_AXI_bresp  (mem_bresp),
    .S_AORTA_AXI_bvalid (mem_bvalid),
    .S_AORTA_AXI_bready (mem_bready),
    .S_AORTA_AXI_arid   (mem_arid),
    .S_AORTA_AXI_araddr (mem_araddr),
    .S_AORTA_AXI_arlen  (mem_arlen),
    .S_AORTA_AXI_arsize (mem_arsize),
    .S_AORTA_AXI_arburst(mem_arburst),
    .S_AORTA_AXI_arcache(mem_arcache),
    .S_AORTA_AXI_arprot (mem_arprot),
    .S_AORTA_AXI_arvalid(mem_arvalid),
    .S_AORTA_AXI_arready(mem_arready),
    .S_AORTA_AXI_rid    (mem_rid),
    .S_AORTA_AXI_rdata  (mem_rdata),
    .S_AORTA_AXI_rresp  (mem_rresp),
    .S_AORTA_AXI_rlast  (mem_rlast),
    .S_AORTA_AXI_rvalid (mem_rvalid),
    .S_AORTA_AXI_rready (mem_rready),
    .M_AORTA_REGS_awaddr (regs_awaddr),
    .M_AORTA_REGS_awprot (regs_awprot),
    .M_AORTA_REGS_awvalid(regs_awvalid),
    .M_AORTA_REGS_awready(regs_awready),
    .M_AORTA_REGS_wdata  (regs_wdata),
    .M_AORTA_REGS_wstrb  (regs_wstrb),
    .M_AORTA_REGS_wvalid (regs_wvalid),
    .M_AORTA_REGS_wready (regs_wready),
    .M_AORTA_REGS_bresp  (regs_bresp),
    .M_AORTA_REGS_bvalid (regs_bvalid),
    .M_AORTA_REGS_bready (regs_bready),
    .M_AORTA_REGS_araddr (regs_araddr),
    .M_AORTA_REGS_arprot (regs_arprot),
    .M_AORTA_REGS_arvalid(regs_arvalid),
    .M_AORTA_REGS_arready(regs_arready),
    .M_AORTA_REGS_rdata  (regs_rdata),
    .M_AORTA_REGS_rresp  (regs_rresp),
    .M_AORTA_REGS_rvalid (regs_rvalid),
    .M_AORTA_REGS_rready (regs_rready),
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
      .user_clk_out   (user_clk[p]),
      .channel_up     (channel_up[p]),
      .lane_up        (unused_lane_up),
      .hard_err       (unused_hard_err),
      .soft_err       (unused_soft_err),
      .s_axi_tx_tdata (a_tx_data[BeatW*p +: BeatW]),
      .s_axi_tx_tvalid(a_tx_valid[p]),
      .s_axi_tx_tready(a_tx_ready[p]),
      .m_axi_rx_tdata (a_rx_data[BeatW*p +: BeatW]),
      .m_axi_rx_tvalid(a_rx_valid[p])
    );
  end
endmodule
