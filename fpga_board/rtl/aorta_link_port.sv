// aorta_link_port: one SoC link port on a transceiver that runs in its own user clock
// (Aurora 64B/66B, SerialLite III): the credit adapter (aorta_link_adapter) in the core clock and
// the two clock crossings (aorta_async_fifo) to the transceiver's beat stream. docs/boards.md,
// "Link adapter" and "The common parts".
//
//   SoC port ── aorta_link_adapter ──► tx FIFO (core → user clock) ──► xcvr_tx (valid / ready)
//           ◄──                    ◄── rx FIFO (user → core clock) ◄── xcvr_rx (valid only)
//
// The transmit and receive sides may run in different user clocks (SerialLite III: the source's
// user_clock_tx and the sink's recovered user_clock_rx; Aurora: one user_clk for both). The
// receive FIFO holds every beat the credits let be in flight (Credits rows of Beats data beats
// and as many credit beats, plus slack for the synchronizers), and the adapter takes a beat every
// core cycle, so it never overflows (assertion RxCdcNoOverflow). The link is up for the adapter
// when both sides say so (each through two flip-flops); while the transmit side is down its FIFO
// is drained (beats of a broken row are dropped, as the adapter restarts).
module aorta_link_port #(
  parameter int unsigned RowW    = 384,
  parameter int unsigned BeatW   = 256,
  parameter int unsigned Credits = 8,
  localparam int unsigned Beats  = (RowW + BeatW - 2) / (BeatW - 1),
  localparam int unsigned RxDepth = 1 << $clog2(Credits * (Beats + 1) + 16)
) (
  // Core clock and its synchronized reset.
  input  logic             clk_i,
  input  logic             rst_ni,
  // SoC link port.
  output logic             link_up_o,
  input  logic             soc_tx_valid_i,
  output logic             soc_tx_ready_o,
  input  logic [RowW-1:0]  soc_tx_data_i,
  output logic             soc_rx_valid_o,
  input  logic             soc_rx_ready_i,
  output logic [RowW-1:0]  soc_rx_data_o,
  // Transceiver user interface: transmit side in xcvr_tx_clk_i, receive side in xcvr_rx_clk_i.
  input  logic             xcvr_tx_clk_i,
  input  logic             xcvr_tx_up_i,
  output logic             xcvr_tx_valid_o,
  input  logic             xcvr_tx_ready_i,
  output logic [BeatW-1:0] xcvr_tx_data_o,
  input  logic             xcvr_rx_clk_i,
  input  logic             xcvr_rx_up_i,
  input  logic             xcvr_rx_valid_i,
  input  logic [BeatW-1:0] xcvr_rx_data_i
);
  // The core reset into each user clock: asserted at once, released two user clocks later.
  logic [1:0] txrst_sync_q, rxrst_sync_q;
  logic       txrst_n, rxrst_n;
  always_ff @(posedge xcvr_tx_clk_i or negedge rst_ni) begin
    if (!rst_ni) txrst_sync_q <= '0;
    else         txrst_sync_q <= {txrst_sync_q[0], 1'b1};
  end
  always_ff @(posedge xcvr_rx_clk_i or negedge rst_ni) begin
    if (!rst_ni) rxrst_sync_q <= '0;
    else         rxrst_sync_q <= {rxrst_sync_q[0], 1'b1};
  end
  assign txrst_n = txrst_sync_q[1];
  assign rxrst_n = rxrst_sync_q[1];

  // The two sides' link-up levels into the core clock (levels that change rarely).
  logic [1:0] tx_up_sync_q, rx_up_sync_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tx_up_sync_q <= '0;
      rx_up_sync_q <= '0;
    end else begin
      tx_up_sync_q <= {tx_up_sync_q[0], xcvr_tx_up_i};
      rx_up_sync_q <= {rx_up_sync_q[0], xcvr_rx_up_i};
    end
  end

  logic             c_tx_valid, c_tx_ready, c_rx_valid;
  logic [BeatW-1:0] c_tx_data, c_rx_data;

  aorta_link_adapter #(
    .RowW   (RowW),
    .BeatW  (BeatW),
    .Credits(Credits)
  ) u_adapter (
    .clk_i,
    .rst_ni,
    .channel_up_i   (tx_up_sync_q[1] && rx_up_sync_q[1]),
    .link_up_o,
    .soc_tx_valid_i,
    .soc_tx_ready_o,
    .soc_tx_data_i,
    .soc_rx_valid_o,
    .soc_rx_ready_i,
    .soc_rx_data_o,
    .xcvr_tx_valid_o(c_tx_valid),
    .xcvr_tx_ready_i(c_tx_ready),
    .xcvr_tx_data_o (c_tx_data),
    .xcvr_rx_valid_i(c_rx_valid),
    .xcvr_rx_data_i (c_rx_data)
  );

  // Transmit: core -> user clock; drained while the channel is down.
  logic x_tx_valid;
  aorta_async_fifo #(
    .Width(BeatW),
    .Depth(16)
  ) u_tx_cdc (
    .wclk_i  (clk_i),
    .wrst_ni (rst_ni),
    .wvalid_i(c_tx_valid),
    .wready_o(c_tx_ready),
    .wdata_i (c_tx_data),
    .rclk_i  (xcvr_tx_clk_i),
    .rrst_ni (txrst_n),
    .rvalid_o(x_tx_valid),
    .rready_i(xcvr_tx_ready_i || !xcvr_tx_up_i),
    .rdata_o (xcvr_tx_data_o)
  );
  assign xcvr_tx_valid_o = x_tx_valid && xcvr_tx_up_i;

  // Receive: user -> core clock; the adapter takes every beat at once.
  logic x_rx_ready;
  aorta_async_fifo #(
    .Width(BeatW),
    .Depth(RxDepth)
  ) u_rx_cdc (
    .wclk_i  (xcvr_rx_clk_i),
    .wrst_ni (rxrst_n),
    .wvalid_i(xcvr_rx_valid_i),
    .wready_o(x_rx_ready),
    .wdata_i (xcvr_rx_data_i),
    .rclk_i  (clk_i),
    .rrst_ni (rst_ni),
    .rvalid_o(c_rx_valid),
    .rready_i(1'b1),
    .rdata_o (c_rx_data)
  );

`ifndef SYNTHESIS
  // The transceiver has no receive back-pressure: the credits must keep room for every beat.
  RxCdcNoOverflow: assert property (@(posedge xcvr_rx_clk_i) disable iff (!rxrst_n)
                                    xcvr_rx_valid_i |-> x_rx_ready);
`endif
endmodule
