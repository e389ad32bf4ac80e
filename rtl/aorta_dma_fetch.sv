// aorta_dma_fetch: the instruction stream of the DMA engine.
//
// A stream of count_i 32-byte words from device address addr_i, delivered in order on a
// valid / ready port. Each word is one single-beat AXI read of 32 bytes (a narrow transfer,
// ARSIZE = 5; the word sits on byte lanes addr mod DataWidth/8 of the beat), so no word is ever
// read that the stream does not need. Up to Depth words are buffered or in flight (credits are
// taken when a read is requested, so read data is always accepted).
//
// A word that cannot be read is delivered with err_o set and ends the stream: an address that is
// not 32-byte aligned or wraps past 2^64, a word not wholly inside board DRAM [0, DramBytes) or
// the host window [2^47, 2^48) (never requested: reported once every earlier word has arrived),
// or a SLVERR / DECERR response (the responses still in flight are dropped). flush_i drops the
// stream at once; idle_o rises when every read in flight has returned. A start_i while the
// previous stream is still draining is remembered and begins as soon as it is idle (a flush
// forgets it).
module aorta_dma_fetch #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned Depth     = 8,
  parameter logic [63:0] DramBytes = 64'h1_0000_0000
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,   // remembered until idle_o if the last stream drains
  input  logic [63:0]          addr_i,
  input  logic [31:0]          count_i,
  input  logic                 flush_i,
  output logic                 idle_o,
  output logic                 valid_o,
  input  logic                 ready_i,
  output logic [255:0]         word_o,
  output logic                 err_o,
  // Read requests (to the engine's AR arbiter) and the responses with the fetch ID.
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [63:0]          ar_addr_o,
  input  logic                 r_valid_i,
  input  logic [DataWidth-1:0] r_data_i,
  input  logic [1:0]           r_resp_i
);
  import aorta_axi_pkg::*;

  localparam int unsigned BeatBytes = DataWidth / 8;
  localparam int unsigned Lanes     = BeatBytes / 32;
  localparam int unsigned LaneW     = Lanes > 1 ? $clog2(Lanes) : 1;
  localparam int unsigned CntW      = $clog2(Depth + 1);
  localparam int unsigned PtrW      = Depth > 1 ? $clog2(Depth) : 1;
  localparam logic [64:0] HostBase  = 65'(1) << 47;
  localparam logic [64:0] HostEnd   = 65'(1) << 48;

  logic            active_q, active_d;
  logic            pend_start_q, pend_start_d;  // a start waiting for the drain to finish
  logic [63:0]     pend_addr_q, pend_addr_d;
  logic [31:0]     pend_count_q, pend_count_d;
  logic            go, drained;
  logic [63:0]     go_addr;
  logic [31:0]     go_count;
  logic            stopped_q, stopped_d;   // no further request (error found, flush, all issued)
  logic            dead_q, dead_d;         // responses in flight are dropped
  logic            pend_err_q, pend_err_d; // an address error waits for the earlier words
  logic [64:0]     addr_q, addr_d;         // next word to request (bit 64: wrapped)
  logic [31:0]     left_q, left_d;         // words not yet requested
  logic [63:0]     raddr_q, raddr_d;       // address of the next response's word
  logic [CntW-1:0] out_q, out_d;           // reads in flight

  // The word FIFO.
  logic [256:0]    fifo_q [Depth];
  logic [PtrW-1:0] wptr_q, wptr_d, rptr_q, rptr_d;
  logic [CntW-1:0] cnt_q, cnt_d;
  logic            push, pop;
  logic [256:0]    push_data;

  // The next word's address is usable.
  logic addr_bad;
  assign addr_bad = addr_q[4:0] != '0 || addr_q[64] ||
                    !((addr_q + 65'd32 <= 65'(DramBytes)) ||
                      (addr_q >= HostBase && addr_q + 65'd32 <= HostEnd));

  logic credit;
  assign credit = 32'(cnt_q) + 32'(out_q) < 32'(Depth);

  assign ar_valid_o = active_q && !stopped_q && !pend_err_q && left_q != '0 && credit &&
                      !addr_bad && !flush_i;
  assign ar_addr_o  = addr_q[63:0];

  logic [LaneW-1:0] lane;
  if (Lanes > 1) begin : g_lane
    assign lane = raddr_q[5 +: LaneW];
  end else begin : g_one_lane
    assign lane = '0;
    logic unused_raddr;
    assign unused_raddr = ^raddr_q;
  end

  always_comb begin
    active_d   = active_q;
    stopped_d  = stopped_q;
    dead_d     = dead_q;
    pend_err_d = pend_err_q;
    addr_d     = addr_q;
    left_d     = left_q;
    raddr_d    = raddr_q;
    out_d      = out_q;
    push       = 1'b0;
    push_data  = '0;
    pend_start_d = pend_start_q;
    pend_addr_d  = pend_addr_q;
    pend_count_d = pend_count_q;

    // A start (or the one remembered) begins when nothing of the last stream is left.
    go       = drained && (start_i || pend_start_q);
    go_addr  = start_i ? addr_i : pend_addr_q;
    go_count = start_i ? count_i : pend_count_q;
    if (go) begin
      active_d     = 1'b1;
      stopped_d    = go_count == '0;
      dead_d       = 1'b0;
      pend_err_d   = 1'b0;
      addr_d       = {1'b0, go_addr};
      left_d       = go_count;
      raddr_d      = go_addr;
      pend_start_d = 1'b0;
    end else if (start_i) begin
      pend_start_d = 1'b1;
      pend_addr_d  = addr_i;
      pend_count_d = count_i;
    end

    // Request the next word, or find it unreadable.
    if (active_q && !stopped_q && !pend_err_q && left_q != '0 && credit && !flush_i) begin
      if (addr_bad) begin
        pend_err_d = 1'b1;
        stopped_d  = 1'b1;
      end else if (ar_ready_i) begin
        addr_d = addr_q + 65'd32;
        left_d = left_q - 32'd1;
        if (left_q == 32'd1) stopped_d = 1'b1;
      end
    end
    if (ar_valid_o && ar_ready_i) out_d = out_d + CntW'(1);

    // Responses.
    if (r_valid_i) begin
      out_d = out_d - CntW'(1);
      raddr_d = raddr_q + 64'd32;
      if (!dead_q) begin
        push      = 1'b1;
        push_data = {resp_is_err(r_resp_i), r_data_i[256*lane +: 256]};
        if (resp_is_err(r_resp_i)) begin
          dead_d    = 1'b1;
          stopped_d = 1'b1;
        end
      end
    end else if (pend_err_q && out_q == '0) begin
      // Every earlier word has arrived: report the unreadable one.
      push       = 1'b1;
      push_data  = {1'b1, 256'b0};
      pend_err_d = 1'b0;
    end

    if (flush_i) begin
      stopped_d    = 1'b1;
      dead_d       = 1'b1;
      pend_err_d   = 1'b0;
      push         = 1'b0;
      pend_start_d = 1'b0;
    end

    // The stream is over when nothing is left to request, report or deliver.
    if (active_q && stopped_q && !pend_err_q && out_q == '0 && cnt_q == '0 && !push) begin
      active_d = 1'b0;
    end
  end

  // FIFO.
  assign pop = valid_o && ready_i;
  always_comb begin
    wptr_d = wptr_q;
    rptr_d = rptr_q;
    cnt_d  = cnt_q;
    if (flush_i) begin
      wptr_d = '0;
      rptr_d = '0;
      cnt_d  = '0;
    end else begin
      if (push) begin
        wptr_d = (32'(wptr_q) == Depth - 1) ? '0 : wptr_q + PtrW'(1);
        cnt_d  = cnt_d + CntW'(1);
      end
      if (pop) begin
        rptr_d = (32'(rptr_q) == Depth - 1) ? '0 : rptr_q + PtrW'(1);
        cnt_d  = cnt_d - CntW'(1);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (push && !flush_i) fifo_q[wptr_q] <= push_data;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q   <= 1'b0;
      pend_start_q <= 1'b0;
      pend_addr_q  <= '0;
      pend_count_q <= '0;
      stopped_q  <= 1'b0;
      dead_q     <= 1'b0;
      pend_err_q <= 1'b0;
      addr_q     <= '0;
      left_q     <= '0;
      raddr_q    <= '0;
      out_q      <= '0;
      wptr_q     <= '0;
      rptr_q     <= '0;
      cnt_q      <= '0;
    end else begin
      active_q   <= active_d;
      pend_start_q <= pend_start_d;
      pend_addr_q  <= pend_addr_d;
      pend_count_q <= pend_count_d;
      stopped_q  <= stopped_d;
      dead_q     <= dead_d;
      pend_err_q <= pend_err_d;
      addr_q     <= addr_d;
      left_q     <= left_d;
      raddr_q    <= raddr_d;
      out_q      <= out_d;
      wptr_q     <= wptr_d;
      rptr_q     <= rptr_d;
      cnt_q      <= cnt_d;
    end
  end

  assign valid_o = cnt_q != '0;
  assign word_o  = fifo_q[rptr_q][255:0];
  assign err_o   = fifo_q[rptr_q][256];
  assign drained = !active_q && out_q == '0;
  assign idle_o  = drained && !pend_start_q;

`ifndef SYNTHESIS
  FifoNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push && !flush_i |-> 32'(cnt_q) < Depth || pop);
  FifoNoUnderflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pop |-> cnt_q != '0);
  ResponseWasRequested: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_valid_i |-> out_q != '0);
  CreditsHold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(cnt_q) + 32'(out_q) <= Depth);
  ValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_o && !ready_i && !flush_i |=> valid_o && $stable(word_o) && $stable(err_o));
`endif

endmodule
