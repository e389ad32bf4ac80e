// aorta_intel_chip: the chip as the Intel board wrappers (Stratix V, Arria 10) connect it to
// their Platform Designer system: aorta_chip (SoC, reset, link ports) with its buses turned into
// Avalon-MM — the DMA master through aorta_axi_to_avmm, the register slave behind
// aorta_avmm_to_axil — and the interrupt written as an MSI (aorta_msi_writer). Everything here
// runs in the core clock; the Platform Designer system crosses to the PCIe and DDR clocks with
// its Avalon-MM clock-crossing bridges. docs/boards.md, "The Intel bridges".
module aorta_intel_chip #(
  parameter int unsigned N             = 16,
  parameter int unsigned UbRows        = 1024,
  parameter int unsigned WbRows        = 1024,
  parameter int unsigned AccRows       = 256,
  parameter int unsigned ParamRows     = 64,
  parameter int unsigned LutTables     = 4,
  parameter int unsigned QueueDepth    = 16,
  parameter int unsigned TokenCapacity = 15,
  parameter int unsigned LinkPorts     = 2,
  parameter logic [63:0] ConfigFp      = 64'h0,
  parameter logic [63:0] DramBytes     = 64'h1000_0000,
  parameter int unsigned DmaDataWidth  = 512,
  parameter int unsigned BeatW         = 64,
  parameter int unsigned Credits       = 8,
  parameter int unsigned MaxBurst      = 16,
  localparam int unsigned BcW          = $clog2(MaxBurst) + 1
) (
  input  logic                       clk_i,
  input  logic                       arst_ni,
  output logic                       rst_no,

  // Avalon-MM master: DDR at [0, DramBytes), the PCIe TX slave at the host window.
  output logic [63:0]                mem_address_o,
  output logic [BcW-1:0]             mem_burstcount_o,
  output logic                       mem_read_o,
  output logic                       mem_write_o,
  output logic [DmaDataWidth-1:0]    mem_writedata_o,
  output logic [DmaDataWidth/8-1:0]  mem_byteenable_o,
  input  logic                       mem_waitrequest_i,
  input  logic [DmaDataWidth-1:0]    mem_readdata_i,
  input  logic                       mem_readdatavalid_i,
  input  logic [1:0]                 mem_response_i,
  input  logic                       mem_writeresponsevalid_i,

  // Avalon-MM slave: BAR0, the register map.
  input  logic [11:0]                regs_address_i,
  input  logic                       regs_read_i,
  input  logic                       regs_write_i,
  input  logic [31:0]                regs_writedata_i,
  input  logic [3:0]                 regs_byteenable_i,
  output logic                       regs_waitrequest_o,
  output logic [31:0]                regs_readdata_o,
  output logic                       regs_readdatavalid_o,
  output logic [1:0]                 regs_response_o,
  output logic                       regs_writeresponsevalid_o,

  // MSI: the hard IP's MsiIntfc_o (its clock; quasi-static) and the writes to its TX slave.
  input  logic [81:0]                msi_intfc_i,
  output logic [63:0]                msi_address_o,
  output logic                       msi_write_o,
  output logic [31:0]                msi_writedata_o,
  output logic [3:0]                 msi_byteenable_o,
  input  logic                       msi_waitrequest_i,

  // Transceivers (aorta_chip).
  input  logic [LinkPorts-1:0]       xcvr_tx_clk_i,
  input  logic [LinkPorts-1:0]       xcvr_tx_up_i,
  output logic [LinkPorts-1:0]       xcvr_tx_valid_o,
  input  logic [LinkPorts-1:0]       xcvr_tx_ready_i,
  output logic [LinkPorts*BeatW-1:0] xcvr_tx_data_o,
  input  logic [LinkPorts-1:0]       xcvr_rx_clk_i,
  input  logic [LinkPorts-1:0]       xcvr_rx_up_i,
  input  logic [LinkPorts-1:0]       xcvr_rx_valid_i,
  input  logic [LinkPorts*BeatW-1:0] xcvr_rx_data_i
);
  localparam int unsigned Dw = DmaDataWidth;

  // ---- The chip's AXI buses ------------------------------------------------------------------
  logic [11:0]   regs_awaddr, regs_araddr;
  logic [2:0]    regs_awprot, regs_arprot;
  logic          regs_awvalid, regs_awready, regs_wvalid, regs_wready, regs_bvalid, regs_bready;
  logic          regs_arvalid, regs_arready, regs_rvalid, regs_rready;
  logic [31:0]   regs_wdata, regs_rdata;
  logic [3:0]    regs_wstrb;
  logic [1:0]    regs_bresp, regs_rresp;

  logic [1:0]    awid, bid, arid, rid, awburst, arburst, bresp, rresp;
  logic [63:0]   awaddr, araddr;
  logic [7:0]    awlen, arlen;
  logic [2:0]    awsize, arsize, unused_awprot, unused_arprot;
  logic [3:0]    unused_awcache, unused_arcache;
  logic          awvalid, awready, wlast, wvalid, wready, bvalid, bready;
  logic          arvalid, arready, rlast, rvalid, rready, irq;
  logic [Dw-1:0] wdata, rdata;
  logic [Dw/8-1:0] wstrb;

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
    .Links        (1'b1),
    .BeatW        (BeatW),
    .Credits      (Credits)
  ) u_chip (
    .clk_i,
    .arst_ni,
    .rst_no,
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
    .m_axi_awcache_o (unused_awcache),
    .m_axi_awprot_o  (unused_awprot),
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
    .m_axi_arcache_o (unused_arcache),
    .m_axi_arprot_o  (unused_arprot),
    .m_axi_arvalid_o (arvalid),
    .m_axi_arready_i (arready),
    .m_axi_rid_i     (rid),
    .m_axi_rdata_i   (rdata),
    .m_axi_rresp_i   (rresp),
    .m_axi_rlast_i   (rlast),
    .m_axi_rvalid_i  (rvalid),
    .m_axi_rready_o  (rready),
    .xcvr_tx_clk_i,
    .xcvr_tx_up_i,
    .xcvr_tx_valid_o,
    .xcvr_tx_ready_i,
    .xcvr_tx_data_o,
    .xcvr_rx_clk_i,
    .xcvr_rx_up_i,
    .xcvr_rx_valid_i,
    .xcvr_rx_data_i,
    .irq_o           (irq)
  );

  // ---- DMA master: AXI4 -> Avalon-MM ---------------------------------------------------------
  aorta_axi_to_avmm #(
    .DataWidth(Dw),
    .IdWidth  (2),
    .AddrWidth(64),
    .MaxBurst (MaxBurst),
    .RdBeats  (2 * MaxBurst),
    .MaxReads (32),
    .MaxWrites(32)
  ) u_mem_bridge (
    .clk_i,
    .rst_ni                (rst_no),
    .s_awid_i              (awid),
    .s_awaddr_i            (awaddr),
    .s_awlen_i             (awlen),
    .s_awsize_i            (awsize),
    .s_awburst_i           (awburst),
    .s_awvalid_i           (awvalid),
    .s_awready_o           (awready),
    .s_wdata_i             (wdata),
    .s_wstrb_i             (wstrb),
    .s_wlast_i             (wlast),
    .s_wvalid_i            (wvalid),
    .s_wready_o            (wready),
    .s_bid_o               (bid),
    .s_bresp_o             (bresp),
    .s_bvalid_o            (bvalid),
    .s_bready_i            (bready),
    .s_arid_i              (arid),
    .s_araddr_i            (araddr),
    .s_arlen_i             (arlen),
    .s_arsize_i            (arsize),
    .s_arburst_i           (arburst),
    .s_arvalid_i           (arvalid),
    .s_arready_o           (arready),
    .s_rid_o               (rid),
    .s_rdata_o             (rdata),
    .s_rresp_o             (rresp),
    .s_rlast_o             (rlast),
    .s_rvalid_o            (rvalid),
    .s_rready_i            (rready),
    .m_address_o           (mem_address_o),
    .m_burstcount_o        (mem_burstcount_o),
    .m_read_o              (mem_read_o),
    .m_write_o             (mem_write_o),
    .m_writedata_o         (mem_writedata_o),
    .m_byteenable_o        (mem_byteenable_o),
    .m_waitrequest_i       (mem_waitrequest_i),
    .m_readdata_i          (mem_readdata_i),
    .m_readdatavalid_i     (mem_readdatavalid_i),
    .m_response_i          (mem_response_i),
    .m_writeresponsevalid_i(mem_writeresponsevalid_i)
  );

  // ---- Registers: Avalon-MM -> AXI4-lite -----------------------------------------------------
  aorta_avmm_to_axil #(
    .AddrWidth(12)
  ) u_regs_bridge (
    .clk_i,
    .rst_ni                (rst_no),
    .s_address_i           (regs_address_i),
    .s_read_i              (regs_read_i),
    .s_write_i             (regs_write_i),
    .s_writedata_i         (regs_writedata_i),
    .s_byteenable_i        (regs_byteenable_i),
    .s_waitrequest_o       (regs_waitrequest_o),
    .s_readdata_o          (regs_readdata_o),
    .s_readdatavalid_o     (regs_readdatavalid_o),
    .s_response_o          (regs_response_o),
    .s_writeresponsevalid_o(regs_writeresponsevalid_o),
    .m_awaddr_o            (regs_awaddr),
    .m_awprot_o            (regs_awprot),
    .m_awvalid_o           (regs_awvalid),
    .m_awready_i           (regs_awready),
    .m_wdata_o             (regs_wdata),
    .m_wstrb_o             (regs_wstrb),
    .m_wvalid_o            (regs_wvalid),
    .m_wready_i            (regs_wready),
    .m_bresp_i             (regs_bresp),
    .m_bvalid_i            (regs_bvalid),
    .m_bready_o            (regs_bready),
    .m_araddr_o            (regs_araddr),
    .m_arprot_o            (regs_arprot),
    .m_arvalid_o           (regs_arvalid),
    .m_arready_i           (regs_arready),
    .m_rdata_i             (regs_rdata),
    .m_rresp_i             (regs_rresp),
    .m_rvalid_i            (regs_rvalid),
    .m_rready_o            (regs_rready)
  );

  // ---- Interrupt: MSI written through the TX slave -------------------------------------------
  // MsiIntfc_o changes only when the host writes the MSI capability (before it starts a run):
  // two flip-flops per bit bring it into the core clock.
  logic [81:0] msi_sync1_q, msi_sync2_q;
  always_ff @(posedge clk_i or negedge rst_no) begin
    if (!rst_no) begin
      msi_sync1_q <= '0;
      msi_sync2_q <= '0;
    end else begin
      msi_sync1_q <= msi_intfc_i;
      msi_sync2_q <= msi_sync1_q;
    end
  end

  aorta_msi_writer u_msi (
    .clk_i,
    .rst_ni         (rst_no),
    .irq_i          (irq),
    .msi_intfc_i    (msi_sync2_q),
    .m_address_o    (msi_address_o),
    .m_write_o      (msi_write_o),
    .m_writedata_o  (msi_writedata_o),
    .m_byteenable_o (msi_byteenable_o),
    .m_waitrequest_i(msi_waitrequest_i)
  );

  logic unused_bus;
  assign unused_bus = ^{unused_awcache, unused_arcache, unused_awprot, unused_arprot};
endmodule
