// aorta_chip: what every board wrapper puts around the SoC — the core reset synchronizer, the
// SoC (rtl/aorta_soc.sv) and, for a board with chip-to-chip links, one aorta_link_port per link
// (credit adapter + clock crossings to the transceiver's user clock). docs/boards.md, "Board
// wrappers". The SoC's two buses are interfaces here (aorta_axil_if s_axil, aorta_axi_if
// m_axi, fpga_board/rtl/aorta_*_if.sv); the wrapper connects them to the vendor's PCIe / DDR /
// processor interconnect (directly on AMD parts, through aorta_axi_to_avmm / aorta_avmm_to_axil
// on Intel parts).
//
// Links = 0: a board without links (AWS F1, ZedBoard). The SoC still has LinkPorts ports (the
// config's count, at least one); they report down, so a SEND / RECV ends in LINK_FAULT. The
// board leaves xcvr unconnected (its outputs are zero, its inputs not read).
`include "aorta_board_macros.svh"

module aorta_chip #(
  parameter aorta_board_pkg::soc_cfg_t Cfg = aorta_board_pkg::DefaultSocCfg,  // the SoC's
  parameter bit          Links         = 1'b1,  // the link ports have transceivers
  parameter int unsigned BeatW         = 256,   // transceiver user interface width (xcvr's)
  parameter int unsigned Credits       = 8,     // rows each receiving side buffers
  localparam int unsigned LinkPorts    = Cfg.link_ports,
  localparam int unsigned RowW         = Cfg.n * 8
) (
  input  logic                       clk_i,    // core clock
  input  logic                       arst_ni,  // asynchronous: PLL locked, PCIe / shell reset
  output logic                       rst_no,   // the core reset, released synchronously

  // The register map (the host's BAR0 / the ARM's GP port): AXI4-lite, 12-bit addresses.
  aorta_axil_if.slave                s_axil,
  // DMA: board DRAM and the host window (core/device.h address map); AXI4, Cfg.dma_data_width
  // bits of data, 2-bit IDs, 64-bit addresses.
  aorta_axi_if.master                m_axi,

  // Transceivers, one per link port, each side in its own user clock (aorta_link_port; left
  // unconnected when Links = 0).
  aorta_xcvr_if.chip                 xcvr,

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
    .N            (Cfg.n),
    .UbRows       (Cfg.ub_rows),
    .WbRows       (Cfg.wb_rows),
    .AccRows      (Cfg.acc_rows),
    .ParamRows    (Cfg.param_rows),
    .LutTables    (Cfg.lut_tables),
    .QueueDepth   (Cfg.queue_depth),
    .TokenCapacity(Cfg.token_capacity),
    .LinkPorts    (Cfg.link_ports),
    .ConfigFp     (Cfg.config_fp),
    .DramBytes    (Cfg.dram_bytes),
    .DmaDataWidth (Cfg.dma_data_width)
  ) u_soc (
    .clk_i,
    .rst_ni         (rst_no),
    `AORTA_AXIL_PORTS(s_axil_, _i, _o, s_axil),
    `AORTA_AXI_PORTS(m_axi_, _o, _i, m_axi),
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
        .xcvr_tx_clk_i  (xcvr.tx_clk[p]),
        .xcvr_tx_up_i   (xcvr.tx_up[p]),
        .xcvr_tx_valid_o(xcvr.tx_valid[p]),
        .xcvr_tx_ready_i(xcvr.tx_ready[p]),
        .xcvr_tx_data_o (xcvr.tx_data[BeatW*p +: BeatW]),
        .xcvr_rx_clk_i  (xcvr.rx_clk[p]),
        .xcvr_rx_up_i   (xcvr.rx_up[p]),
        .xcvr_rx_valid_i(xcvr.rx_valid[p]),
        .xcvr_rx_data_i (xcvr.rx_data[BeatW*p +: BeatW])
      );
    end
  end else begin : g_no_links
    // No transceivers: every port is down and nothing arrives; the xcvr inputs are not read
    // (the board leaves them unconnected).
    assign link_up  = '0;
    assign rx_valid = '0;
    assign rx_data  = '0;
    assign tx_ready = '0;
    assign xcvr.tx_valid = '0;
    assign xcvr.tx_data  = '0;
    logic unused_links;
    assign unused_links = ^{rx_ready, tx_valid, tx_data};
  end
endmodule
