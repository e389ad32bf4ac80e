// aorta_zynq7020_top: the programmable-logic top of a ZedBoard (Zynq-7020) running one aorta
// chip (board single_zynq7020). There is no PCIe: the host is the Zynq's own ARM, which runs the
// runtime and reaches the chip through the processing system (PS7). docs/boards.md, "Zynq-7020
// wrapper".
//
//   ARM ── M_AXI_GP0 ── aorta_z7_bd (sc_regs) ── M_AORTA_REGS (AXI4-lite) ──► SoC registers
//   SoC DMA (AXI4, 256 bit) ── address remap ── aorta_z7_bd (sc_mem) ── S_AXI_HP0 ──► PS DDR
//   SoC irq ──► IRQ_F2P[0]
//
// One memory serves both of the SoC's address ranges (core/device.h): board DRAM [0, 256 MiB)
// is the carve-out of the PS DDR at CarveBase (reserved from Linux by the device tree), and the
// host window 2^47 + IOVA is the PS DDR at physical address IOVA (the HP ports have no IOMMU).
// The remap sends any other address above the 4 GiB the PS decodes, so SmartConnect answers it
// with DECERR (the SoC's DMA_FAULT). The core clock is a clock wizard's output at the derived
// clock, from FCLK_CLK0; the HP and GP ports are clocked by it, so no logic here crosses clocks.
// Not built with Vivado, not run on a board: it lints against interface models
// (fpga_board/ip/aorta_z7_bd.sv, fpga_board/ip/aorta_core_clk_wiz.sv).
module aorta_zynq7020_top
  import aorta_cfg_zynq7020_zedboard_pkg::LinkPorts;
  import aorta_cfg_zynq7020_zedboard_pkg::QueueDepth;
  import aorta_cfg_zynq7020_zedboard_pkg::TokenCapacity;
  import aorta_cfg_zynq7020_zedboard_pkg::ConfigFp;
  import aorta_cfg_zynq7020_zedboard_pkg::DramBytes;
  import aorta_cfg_zynq7020_zedboard_pkg::DmaDataWidth;
#(
  // The derived geometry (8 x 8: small enough to lint at full size in the default run).
  parameter int unsigned N         = aorta_cfg_zynq7020_zedboard_pkg::N,
  parameter int unsigned UbRows    = aorta_cfg_zynq7020_zedboard_pkg::UbRows,
  parameter int unsigned WbRows    = aorta_cfg_zynq7020_zedboard_pkg::WbRows,
  parameter int unsigned AccRows   = aorta_cfg_zynq7020_zedboard_pkg::AccRows,
  parameter int unsigned ParamRows = aorta_cfg_zynq7020_zedboard_pkg::ParamRows,
  parameter int unsigned LutTables = aorta_cfg_zynq7020_zedboard_pkg::LutTables,
  // Physical address of the carve-out: the upper half of the ZedBoard's 512 MB.
  parameter logic [63:0] CarveBase = 64'h1000_0000
) (
  // The PS7's dedicated pins (DDR and MIO).
  inout  wire  [14:0] DDR_addr,
  inout  wire  [2:0]  DDR_ba,
  inout  wire         DDR_cas_n,
  inout  wire         DDR_ck_n,
  inout  wire         DDR_ck_p,
  inout  wire         DDR_cke,
  inout  wire         DDR_cs_n,
  inout  wire  [3:0]  DDR_dm,
  inout  wire  [31:0] DDR_dq,
  inout  wire  [3:0]  DDR_dqs_n,
  inout  wire  [3:0]  DDR_dqs_p,
  inout  wire         DDR_odt,
  inout  wire         DDR_ras_n,
  inout  wire         DDR_reset_n,
  inout  wire         DDR_we_n,
  inout  wire         FIXED_IO_ddr_vrn,
  inout  wire         FIXED_IO_ddr_vrp,
  inout  wire  [53:0] FIXED_IO_mio,
  inout  wire         FIXED_IO_ps_clk,
  inout  wire         FIXED_IO_ps_porb,
  inout  wire         FIXED_IO_ps_srstb
);
  localparam int unsigned Dw = DmaDataWidth;
  localparam logic [63:0] WindowBase = 64'h1 << 47;

  if (CarveBase + DramBytes > 64'h2000_0000) begin : g_bad_carve
    $fatal(1, "aorta_zynq7020_top: the carve-out [0x%0h, +0x%0h) is outside the 512 MB PS DDR",
           CarveBase, DramBytes);
  end

  // Device address -> PS physical address (see the header).
  function automatic logic [63:0] remap(logic [63:0] a);
    if (a < DramBytes)                    return CarveBase + a;
    else if (a[63:47] == 17'h1)           return a - WindowBase;
    else                                  return a | (64'h1 << 63);
  endfunction

  // ---- Clocks and reset ------------------------------------------------------------------------
  logic fclk, fclk_rst_n, core_clk, core_locked, core_rst_n;

  aorta_core_clk_wiz u_core_clk (
    .clk_in1 (fclk),
    .reset   (!fclk_rst_n),
    .clk_out1(core_clk),
    .locked  (core_locked)
  );

  // ---- Chip -----------------------------------------------------------------------------------
  logic [11:0]     regs_awaddr, regs_araddr;
  logic [2:0]      regs_awprot, regs_arprot;
  logic            regs_awvalid, regs_awready, regs_wvalid, regs_wready, regs_bvalid, regs_bready;
  logic            regs_arvalid, regs_arready, regs_rvalid, regs_rready;
  logic [31:0]     regs_wdata, regs_rdata;
  logic [3:0]      regs_wstrb;
  logic [1:0]      regs_bresp, regs_rresp;

  logic [1:0]      awid, bid, arid, rid, awburst, arburst, bresp, rresp;
  logic [63:0]     awaddr, araddr;
  logic [7:0]      awlen, arlen;
  logic [2:0]      awsize, arsize, awprot, arprot;
  logic [3:0]      awcache, arcache;
  logic            awvalid, awready, wlast, wvalid, wready, bvalid, bready;
  logic            arvalid, arready, rlast, rvalid, rready, irq;
  logic [Dw-1:0]   wdata, rdata;
  logic [Dw/8-1:0] wstrb;
  logic [LinkPorts-1:0]    unused_xcvr_tx_valid;
  logic [LinkPorts*64-1:0] unused_xcvr_tx_data;

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
    .DmaDataWidth (Dw),
    .Links        (1'b0),
    .BeatW        (64)
  ) u_chip (
    .clk_i           (core_clk),
    .arst_ni         (core_locked && fclk_rst_n),
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
    .m_axi_awid_o    (awid),
    .m_axi_awaddr_o  (awaddr),
    .m_axi_awlen_o   (awlen),
    .m_axi_awsize_o  (awsize),
    .m_axi_awburst_o (awburst),
    .m_axi_awcache_o (awcache),
    .m_axi_awprot_o  (awprot),
    .m_axi_awvalid_o (awvalid),
    .m_axi_awready_i (awready),
    .m_axi_wdata_o   (wdata),
    .m_axi_wstrb_o   (wstrb),
    .m_axi_wlast_o   (wlast),
    .m_axi_wvalid_o  (wvalid),
    .m_axi_wready_i  (wready),
    .m_axi_bid_i     (bid),
    .m_axi_bresp_i   (bresp),
    .m_axi_bvalid_i  (bvalid),
    .m_axi_bready_o  (bready),
    .m_axi_arid_o    (arid),
    .m_axi_araddr_o  (araddr),
    .m_axi_arlen_o   (arlen),
    .m_axi_arsize_o  (arsize),
    .m_axi_arburst_o (arburst),
    .m_axi_arcache_o (arcache),
    .m_axi_arprot_o  (arprot),
    .m_axi_arvalid_o (arvalid),
    .m_axi_arready_i (arready),
    .m_axi_rid_i     (rid),
    .m_axi_rdata_i   (rdata),
    .m_axi_rresp_i   (rresp),
    .m_axi_rlast_i   (rlast),
    .m_axi_rvalid_i  (rvalid),
    .m_axi_rready_o  (rready),
    .xcvr_tx_clk_i   ('0),
    .xcvr_tx_up_i    ('0),
    .xcvr_tx_valid_o (unused_xcvr_tx_valid),
    .xcvr_tx_ready_i ('0),
    .xcvr_tx_data_o  (unused_xcvr_tx_data),
    .xcvr_rx_clk_i   ('0),
    .xcvr_rx_up_i    ('0),
    .xcvr_rx_valid_i ('0),
    .xcvr_rx_data_i  ('0),
    .irq_o           (irq)
  );

  // ---- Processing system and interconnect ------------------------------------------------------
  aorta_z7_bd #(
    .DataWidth(Dw)
  ) u_bd (
    .DDR_addr,
    .DDR_ba,
    .DDR_cas_n,
    .DDR_ck_n,
    .DDR_ck_p,
    .DDR_cke,
    .DDR_cs_n,
    .DDR_dm,
    .DDR_dq,
    .DDR_dqs_n,
    .DDR_dqs_p,
    .DDR_odt,
    .DDR_ras_n,
    .DDR_reset_n,
    .DDR_we_n,
    .FIXED_IO_ddr_vrn,
    .FIXED_IO_ddr_vrp,
    .FIXED_IO_mio,
    .FIXED_IO_ps_clk,
    .FIXED_IO_ps_porb,
    .FIXED_IO_ps_srstb,
    .FCLK_CLK0           (fclk),
    .FCLK_RESET0_N       (fclk_rst_n),
    .core_clk            (core_clk),
    .core_aresetn        (core_rst_n),
    .S_AORTA_AXI_awid    (awid),
    .S_AORTA_AXI_awaddr  (remap(awaddr)),
    .S_AORTA_AXI_awlen   (awlen),
    .S_AORTA_AXI_awsize  (awsize),
    .S_AORTA_AXI_awburst (awburst),
    .S_AORTA_AXI_awcache (awcache),
    .S_AORTA_AXI_awprot  (awprot),
    .S_AORTA_AXI_awvalid (awvalid),
    .S_AORTA_AXI_awready (awready),
    .S_AORTA_AXI_wdata   (wdata),
    .S_AORTA_AXI_wstrb   (wstrb),
    .S_AORTA_AXI_wlast   (wlast),
    .S_AORTA_AXI_wvalid  (wvalid),
    .S_AORTA_AXI_wready  (wready),
    .S_AORTA_AXI_bid     (bid),
    .S_AORTA_AXI_bresp   (bresp),
    .S_AORTA_AXI_bvalid  (bvalid),
    .S_AORTA_AXI_bready  (bready),
    .S_AORTA_AXI_arid    (arid),
    .S_AORTA_AXI_araddr  (remap(araddr)),
    .S_AORTA_AXI_arlen   (arlen),
    .S_AORTA_AXI_arsize  (arsize),
    .S_AORTA_AXI_arburst (arburst),
    .S_AORTA_AXI_arcache (arcache),
    .S_AORTA_AXI_arprot  (arprot),
    .S_AORTA_AXI_arvalid (arvalid),
    .S_AORTA_AXI_arready (arready),
    .S_AORTA_AXI_rid     (rid),
    .S_AORTA_AXI_rdata   (rdata),
    .S_AORTA_AXI_rresp   (rresp),
    .S_AORTA_AXI_rlast   (rlast),
    .S_AORTA_AXI_rvalid  (rvalid),
    .S_AORTA_AXI_rready  (rready),
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
    .IRQ_F2P             (irq)
  );

  logic unused_links;
  assign unused_links = ^{unused_xcvr_tx_valid, unused_xcvr_tx_data};
endmodule
