// aorta_link_adapter: one SoC link port (valid / ready rows of RowW bits) over a transceiver's
// framed stream of BeatW-bit beats that has no receive back-pressure (Aurora 64B/66B, Intel
// SerialLite III). docs/boards.md, "Link adapter".
//
// Beat format: bit BeatW-1 is the type (0 data, 1 credit), bits BeatW-2:0 the payload. A row is
// sent as Beats data beats (payload bits of the row from bit 0 up, the last beat zero-padded).
// Flow control by credits: the receiver's FIFO holds Credits rows; the sender starts with
// Credits credits, spends one per row sent and gets one back per credit beat received; the
// receiver sends a credit beat each time the SoC takes a row from its FIFO. So a received row
// always has room, and nothing is ever dropped. Credit beats may come between the data beats
// of a row. link_up_o is the transceiver's channel_up; when it falls, both directions restart
// (credits back to Credits, partial rows dropped, the FIFO flushed): the SoC sees the port
// down and a RECV / SEND in flight ends in LINK_FAULT.
//
// Runs in the core clock; aorta_link_port brings the transceiver's user clocks across with two
// aorta_async_fifo, the receive one sized for every beat Credits rows can put in flight.
module aorta_link_adapter #(
  parameter int unsigned RowW    = 384,
  parameter int unsigned BeatW   = 256,
  parameter int unsigned Credits = 8,
  localparam int unsigned PayW   = BeatW - 1,
  localparam int unsigned Beats  = (RowW + PayW - 1) / PayW,
  localparam int unsigned BeatCw = Beats > 1 ? $clog2(Beats) : 1,
  localparam int unsigned CredW  = $clog2(Credits + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             channel_up_i,  // transceiver lanes up and aligned
  output logic             link_up_o,
  // SoC side.
  input  logic             soc_tx_valid_i,
  output logic             soc_tx_ready_o,
  input  logic [RowW-1:0]  soc_tx_data_i,
  output logic             soc_rx_valid_o,
  input  logic             soc_rx_ready_i,
  output logic [RowW-1:0]  soc_rx_data_o,
  // Transceiver side (core clock, after the vendor's clock-crossing FIFO).
  output logic             xcvr_tx_valid_o,
  input  logic             xcvr_tx_ready_i,
  output logic [BeatW-1:0] xcvr_tx_data_o,
  input  logic             xcvr_rx_valid_i,
  input  logic [BeatW-1:0] xcvr_rx_data_i
);
  localparam int unsigned PadW = Beats * PayW;

  logic down;
  assign down      = !channel_up_i;
  assign link_up_o = channel_up_i;

  // ---- Transmit: data beats of the row in soc_tx, credit beats owed ------------------------
  logic [BeatCw-1:0] tx_beat_q, tx_beat_d;
  logic [CredW-1:0]  credits_q, credits_d;     // rows the far FIFO can still take
  logic [CredW-1:0]  owed_q, owed_d;           // credit beats still to send
  logic              send_credit, send_data, tx_fire, row_sent;
  logic              credit_in, rx_pop;
  logic [PadW-1:0]   tx_padded;

  assign tx_padded = PadW'(soc_tx_data_i);
  // A credit beat goes first when one is owed; a row starts only with a credit in hand. A beat
  // offered and not taken stays offered (hold_q: its kind is kept).
  logic hold_q, hold_credit_q;
  assign send_credit = hold_q ? hold_credit_q : owed_q != '0;
  assign send_data   = !send_credit && soc_tx_valid_i && link_up_o &&
                       (tx_beat_q != '0 || credits_q != '0);
  assign xcvr_tx_valid_o = (send_credit || send_data) && link_up_o;
  assign xcvr_tx_data_o  = send_credit ? {1'b1, PayW'(0)} :
                                         {1'b0, tx_padded[32'(tx_beat_q) * PayW +: PayW]};
  assign tx_fire  = xcvr_tx_valid_o && xcvr_tx_ready_i;
  assign row_sent = tx_fire && send_data && 32'(tx_beat_q) == Beats - 1;
  assign soc_tx_ready_o = row_sent;

  always_comb begin
    tx_beat_d = tx_beat_q;
    if (tx_fire && send_data) tx_beat_d = row_sent ? '0 : tx_beat_q + 1'b1;
    credits_d = credits_q;
    if (row_sent) credits_d = credits_d - 1'b1;
    if (credit_in) credits_d = credits_d + 1'b1;
    owed_d = owed_q;
    if (tx_fire && send_credit) owed_d = owed_d - 1'b1;
    if (rx_pop) owed_d = owed_d + 1'b1;
    if (down) begin
      tx_beat_d = '0;
      credits_d = CredW'(Credits);
      owed_d    = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tx_beat_q     <= '0;
      credits_q     <= CredW'(Credits);
      owed_q        <= '0;
      hold_q        <= 1'b0;
      hold_credit_q <= 1'b0;
    end else begin
      tx_beat_q     <= tx_beat_d;
      credits_q     <= credits_d;
      owed_q        <= owed_d;
      hold_q        <= xcvr_tx_valid_o && !xcvr_tx_ready_i && !down;
      hold_credit_q <= send_credit;
    end
  end

  // ---- Receive: assemble rows, FIFO of Credits rows --------------------------------------
  logic [PadW-1:0]   rx_row_q, rx_row_d;
  logic [BeatCw-1:0] rx_beat_q, rx_beat_d;
  logic              data_in, row_in, fifo_wready;
  logic [$clog2(Credits + 1)-1:0] unused_count;

  assign credit_in = xcvr_rx_valid_i && link_up_o && xcvr_rx_data_i[BeatW-1];
  assign data_in   = xcvr_rx_valid_i && link_up_o && !xcvr_rx_data_i[BeatW-1];
  assign row_in    = data_in && 32'(rx_beat_q) == Beats - 1;
  assign rx_pop    = soc_rx_valid_o && soc_rx_ready_i;

  always_comb begin
    rx_row_d  = rx_row_q;
    rx_beat_d = rx_beat_q;
    if (data_in) begin
      rx_row_d[32'(rx_beat_q) * PayW +: PayW] = xcvr_rx_data_i[PayW-1:0];
      rx_beat_d = row_in ? '0 : rx_beat_q + 1'b1;
    end
    if (down) rx_beat_d = '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rx_row_q  <= '0;
      rx_beat_q <= '0;
    end else begin
      rx_row_q  <= rx_row_d;
      rx_beat_q <= rx_beat_d;
    end
  end

  logic [RowW-1:0] rx_row_in;
  assign rx_row_in = rx_row_d[RowW-1:0];

  aorta_fifo #(
    .Width(RowW),
    .Depth(Credits)
  ) u_rx_fifo (
    .clk_i,
    .rst_ni,
    .flush_i (down),
    .wvalid_i(row_in),
    .wready_o(fifo_wready),
    .wdata_i (rx_row_in),
    .rvalid_o(soc_rx_valid_o),
    .rready_i(soc_rx_ready_i),
    .rdata_o (soc_rx_data_o),
    .count_o (unused_count)
  );

  if (PadW > RowW) begin : g_unused_pad
    logic [PadW-RowW-1:0] unused_pad;
    assign unused_pad = rx_row_d[PadW-1:RowW];
  end

`ifndef SYNTHESIS
  // The credits guarantee room: a received row never finds the FIFO full.
  RxNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni) row_in |-> fifo_wready);
  // The far side never returns more credits than it was given.
  CreditsBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                   32'(credits_q) <= Credits);
  // A row offered by the SoC stays offered, unchanged, until taken (link up).
  TxHeld: assert property (@(posedge clk_i) disable iff (!rst_ni || down)
                           soc_tx_valid_i && !soc_tx_ready_o |=>
                           soc_tx_valid_i && $stable(soc_tx_data_i));
  // The transceiver side: a beat offered stays offered until taken.
  XcvrTxHeld: assert property (@(posedge clk_i) disable iff (!rst_ni || down)
                               xcvr_tx_valid_o && !xcvr_tx_ready_i |=>
                               xcvr_tx_valid_o && $stable(xcvr_tx_data_o));
`endif
endmodule
