// aorta_chip: what every board wrapper puts around the SoC — the core reset synchronizer, the
// SoC (rtl/aorta_soc.sv) and, for a board with chip-to-chip links, one aorta_link_port per link
// (credit adapter + clock crossings to the transceiver's user clock). docs/boards.md, "Board
// wrappers". The SoC's bus ports pass through under the SoC's own names; the wrapper connects
// them to the vendor's PCIe / DDR / processor interconnect (directly on AMD parts, through
// aorta_axi_to_avmm / aorta_avmm_to_axil on Intel parts).
//
// Links = 0: a board without links (AWS F1, ZedBoard). The SoC still has LinkPorts ports (the
// config's count, at least one); they report down, so a SEND / RECV ends in LINK_FAULT. The
// xcvr_* ports are then unused (tie them to zero).
module aorta_chip #(
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
  parameter int unsigned DmaDataWidth  = 256,
  parameter bit          Links         = 1'b1,  // the link ports have transceivers
  parameter int unsigned BeatW         = 256,   // transceiver user interface width
  parameter int unsigned Credits       = 8,     // rows each receiving side buffers
  localparam int unsigned RowW         = N * 8
) (
  input  logic                       clk_i,    // core clock
  input  logic                       arst_ni,  // asynchronous: PLL locked, PCIe / shell reset
  output logic                       rst_no,   // the core reset, released synchronously

  // AXI4-lite slave: the register map (the host's BAR0 / the ARM's GP port).
  input  logic [11:0]                s_axil_awaddr_i,
  input  logic [2:0]                 s_axil_awprot_i,
  input  logic                       s_axil_awvalid_i,
  output logic                       s_axil_awready_o,
  input  logic [31:0]                s_axil_wdata_i,
  input  logic [3:0]                 s_axil_wstrb_i,
  input  logic                       s_axil_wvalid_i,
  output logic                       s_axil_wready_o,
  output logic [1:0]                 s_axil_bresp_o,
  output logic                       s_axil_bvalid_o,
  input  logic                       s_axil_bready_i,
  input  logic [11:0]                s_axil_araddr_i,
  input  logic [2:0]                 s_axil_arprot_i,
  input  logic                       s_axil_arvalid_i,
  output logic                       s_axil_arready_o,
  output logic [31:0]                s_axil_rdata_o,
  output logic [1:0]                 s_axil_rresp_o,
  output logic                       s_axil_rvalid_o,
  input  logic                       s_axil_rready_i,

  // AXI4 master: board DRAM and the host window (core/device.h address map).
  output logic [1:0]                 m_axi_awid_o,
  output logic [63:0]                m_axi_awaddr_o,
  output logic [7:0]                 m_axi_awlen_o,
  output logic [2:0]                 m_axi_awsize_o,
  output logic [1:0]                 m_axi_awburst_o,
  output logic [3:0]                 m_axi_awcache_o,
  output logic [2:0]                 m_axi_awprot_o,
  output logic                       m_axi_awvalid_o,
  input  logic                       m_axi_awready_i,
  output logic [DmaDataWidth-1:0]    m_axi_wdata_o,
  output logic [DmaDataWidth/8-1:0]  m_axi_wstrb_o,
  output logic                       m_axi_wlast_o,
  output logic                       m_axi_wvalid_o,
  input  logic                       m_axi_wready_i,
  input  logic [1:0]                 m_axi_bid_i,
  input  logic [1:0]                 m_axi_bresp_i,
  input  logic                       m_axi_bvalid_i,
  output logic                       m_axi_bready_o,
  output logic [1:0]                 m_axi_arid_o,
  output logic [63:0]                m_axi_araddr_o,
  output logic [7:0]                 m_axi_arlen_o,
  output logic [2:0]                 m_axi_arsize_o,
  output logic [1:0]                 m_axi_arburst_o,
  output logic [3:0]                 m_axi_arcache_o,
  output logic [2:0]                 m_axi_arprot_o,
  output logic                       m_axi_arvalid_o,
  input  logic                       m_axi_arready_i,
  input  logic [1:0]                 m_axi_rid_i,
  input  logic [DmaDataWidth-1:0]    m_axi_rdata_i,
  input  logic [1:0]                 m_axi_rresp_i,
  input  logic                       m_axi_rlast_i,
  input  logic                       m_axi_rvalid_i,
  output logic                       m_axi_rready_o,

  // Transceivers, one per link port, each side in its own user clock (aorta_link_port; unused
  // when Links = 0).
  input  logic [LinkPorts-1:0]       xcvr_tx_clk_i,
  input  logic [LinkPorts-1:0]       xcvr_tx_up_i,
  output logic [LinkPorts-1:0]       xcvr_tx_valid_o,
  input  logic [LinkPorts-1:0]       xcvr_tx_ready_i,
  output logic [LinkPorts*BeatW-1:0] xcvr_tx_data_o,   // port p at [BeatW*p +: BeatW]
  input  logic [LinkPorts-1:0]       xcvr_rx_clk_i,
  input  logic [LinkPorts-1:0]       xcvr_rx_up_i,
  input  logic [LinkPorts-1:0]       xcvr_rx_valid_i,
  input  logic [LinkPorts*BeatW-1:0] xcvr_rx_data_i,

  output logic                       irq_o
);
  // Reset: asserted asynchronously, released two core clocks after arst_ni.
  logic [1:0] rst_sync_q;
  always_ff @(posedge clk_i or negedge arst_ni) begin
    if (!arst_ni) rst_sync_q <= '0;
    else          rst_sync_q <= {rst_sync_q[0], 1'b1};
  end
  assign rst_no = rst_sync_q[1];

  logic [LinkPorts-1:0]      link_up, rx_valid, rx_ready, tx_valid, tx_ready;
  logic [LinkPorts*RowW-1:0] rx_data, tx_data;

  aorta_soc #(
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
    .DmaDataWidth (DmaDataWidth)
  ) u_soc (
    .clk_i,
    .rst_ni         (rst_no),
    .s_axil_awaddr_i,
    .s_axil_awprot_i,
    .s_axil_awvalid_i,
    .s_axil_awready_o,
    .s_axil_wdata_i,
    .s_axil_wstrb_i,
    .s_axil_wvalid_i,
    .s_axil_wready_o,
    .s_axil_bresp_o,
    .s_axil_bvalid_o,
    .s_axil_bready_i,
    .s_axil_araddr_i,
    .s_axil_arprot_i,
    .s_axil_arvalid_i,
    .s_axil_arready_o,
    .s_axil_rdata_o,
    .s_axil_rresp_o,
    .s_axil_rvalid_o,
    .s_axil_rready_i,
    .m_axi_awid_o,
    .m_axi_awaddr_o,
    .m_axi_awlen_o,
    .m_axi_awsize_o,
    .m_axi_awburst_o,
    .m_axi_awcache_o,
    .m_axi_awprot_o,
    .m_axi_awvalid_o,
    .m_axi_awready_i,
    .m_axi_wdata_o,
    .m_axi_wstrb_o,
    .m_axi_wlast_o,
    .m_axi_wvalid_o,
    .m_axi_wready_i,
    .m_axi_bid_i,
    .m_axi_bresp_i,
    .m_axi_bvalid_i,
    .m_axi_bready_o,
    .m_axi_arid_o,
    .m_axi_araddr_o,
    .m_axi_arlen_o,
    .m_axi_arsize_o,
    .m_axi_arburst_o,
    .m_axi_arcache_o,
    .m_axi_arprot_o,
    .m_axi_arvalid_o,
    .m_axi_arready_i,
    .m_axi_rid_i,
    .m_axi_rdata_i,
    .m_axi_rresp_i,
    .m_axi_rlast_i,
    .m_axi_rvalid_i,
    .m_axi_rready_o,
    .link_up_i      (link_up),
    .link_rx_valid_i(rx_valid),
    .link_rx_ready_o(rx_ready),
    .link_rx_data_i (rx_data),
    .link_tx_valid_o(tx_valid),
    .link_tx_ready_i(tx_ready),
    .link_tx_data_o (tx_data),
    .irq_o
  );

  if (Links) begin : g_links
    for (genvar p = 0; p < LinkPorts; p++) begin : g_port
      aorta_link_port #(
        .RowW   (RowW),
        .BeatW  (BeatW),
        .Credits(Credits)
      ) u_port (
        .clk_i,
        .rst_ni         (rst_no),
        .link_up_o      (link_up[p]),
        .soc_tx_valid_i (tx_valid[p]),
        .soc_tx_ready_o (tx_ready[p]),
        .soc_tx_data_i  (tx_data[RowW*p +: RowW]),
        .soc_rx_valid_o (rx_valid[p]),
        .soc_rx_ready_i (rx_ready[p]),
        .soc_rx_data_o  (rx_data[RowW*p +: RowW]),
        .xcvr_tx_clk_i  (xcvr_tx_clk_i[p]),
        .xcvr_tx_up_i   (xcvr_tx_up_i[p]),
        .xcvr_tx_valid_o(xcvr_tx_valid_o[p]),
        .xcvr_tx_ready_i(xcvr_tx_ready_i[p]),
        .xcvr_tx_data_o (xcvr_tx_data_o[BeatW*p +: BeatW]),
        .xcvr_rx_clk_i  (xcvr_rx_clk_i[p]),
        .xcvr_rx_up_i   (xcvr_rx_up_i[p]),
        .xcvr_rx_valid_i(xcvr_rx_valid_i[p]),
        .xcvr_rx_data_i (xcvr_rx_data_i[BeatW*p +: BeatW])
      );
    end
  end else begin : g_no_links
    // No transceivers: every port is down and nothing arrives.
    assign link_up  = '0;
    assign rx_valid = '0;
    assign rx_data  = '0;
    assign tx_ready = '0;
    assign xcvr_tx_valid_o = '0;
    assign xcvr_tx_data_o  = '0;
    logic unused_links;
    assign unused_links = ^{rx_ready, tx_valid, tx_data, xcvr_tx_clk_i, xcvr_tx_up_i,
                            xcvr_tx_ready_i, xcvr_rx_clk_i, xcvr_rx_up_i, xcvr_rx_valid_i,
                            xcvr_rx_data_i};
  end
endmodule
