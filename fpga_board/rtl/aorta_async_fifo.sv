// aorta_async_fifo: a first-word-fall-through FIFO between two unrelated clocks (the board
// wrappers' clock crossings: transceiver user clock <-> core clock). docs/boards.md,
// "The common parts".
//
// Depth entries (a power of two, at least 4) of Width bits. The write and read pointers count in
// Gray code (Depth * 2 states, one bit more than the index) and cross to the other side through
// two flip-flops (*_sync1_q, *_sync2_q): a pointer seen late only makes the FIFO look fuller
// (write side) or emptier (read side) than it is, never the other way. wready_o is low when full,
// rvalid_o high while an entry is there; rdata_o shows the oldest entry.
//
// Reset: wrst_ni and rrst_ni are the same asynchronous reset, each released synchronously in
// its own domain (the wrappers synchronize one reset into both clocks); resetting one side alone
// while the other runs is not supported. Constraints: the Gray pointers into *_sync1_q need a
// max-delay / skew bound of one period of the faster clock (the wrappers' .sdc / .xdc).
module aorta_async_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 16,
  localparam int unsigned Aw   = $clog2(Depth)
) (
  // Write side.
  input  logic             wclk_i,
  input  logic             wrst_ni,
  input  logic             wvalid_i,
  output logic             wready_o,
  input  logic [Width-1:0] wdata_i,
  // Read side.
  input  logic             rclk_i,
  input  logic             rrst_ni,
  output logic             rvalid_o,
  input  logic             rready_i,
  output logic [Width-1:0] rdata_o
);
  if (Depth < 4 || (1 << Aw) != Depth) begin : g_bad_depth
    $fatal(1, "aorta_async_fifo: Depth %0d is not a power of two >= 4", Depth);
  end

  function automatic logic [Aw:0] bin2gray(logic [Aw:0] b);
    return b ^ (b >> 1);
  endfunction

  logic [Width-1:0] mem_q [Depth];

  // ---- Write side ----------------------------------------------------------------------------
  logic [Aw:0] wptr_q, wptr_d, wgray_q, rgray_sync1_q, rgray_sync2_q;
  logic        push;

  // Full: the write pointer is a whole lap ahead of the read pointer (Gray: the top two bits
  // inverted, the rest equal).
  assign wready_o = wgray_q != {~rgray_sync2_q[Aw:Aw-1], rgray_sync2_q[Aw-2:0]};
  assign push     = wvalid_i && wready_o;
  assign wptr_d   = wptr_q + (Aw + 1)'(push);

  always_ff @(posedge wclk_i or negedge wrst_ni) begin
    if (!wrst_ni) begin
      wptr_q        <= '0;
      wgray_q       <= '0;
      rgray_sync1_q <= '0;
      rgray_sync2_q <= '0;
    end else begin
      wptr_q        <= wptr_d;
      wgray_q       <= bin2gray(wptr_d);
      rgray_sync1_q <= rgray_q;
      rgray_sync2_q <= rgray_sync1_q;
    end
  end

  // The storage has no reset (a block of distributed RAM); an entry is read only after its write.
  always_ff @(posedge wclk_i) begin
    if (push) mem_q[wptr_q[Aw-1:0]] <= wdata_i;
  end

  // ---- Read side -----------------------------------------------------------------------------
  logic [Aw:0] rptr_q, rptr_d, rgray_q, wgray_sync1_q, wgray_sync2_q;
  logic        pop;

  assign rvalid_o = rgray_q != wgray_sync2_q;
  assign rdata_o  = mem_q[rptr_q[Aw-1:0]];
  assign pop      = rvalid_o && rready_i;
  assign rptr_d   = rptr_q + (Aw + 1)'(pop);

  always_ff @(posedge rclk_i or negedge rrst_ni) begin
    if (!rrst_ni) begin
      rptr_q        <= '0;
      rgray_q       <= '0;
      wgray_sync1_q <= '0;
      wgray_sync2_q <= '0;
    end else begin
      rptr_q        <= rptr_d;
      rgray_q       <= bin2gray(rptr_d);
      wgray_sync1_q <= wgray_q;
      wgray_sync2_q <= wgray_sync1_q;
    end
  end

`ifndef SYNTHESIS
  // The writer holds an entry offered and not taken (valid / ready handshake).
  WriteHeld: assert property (@(posedge wclk_i) disable iff (!wrst_ni)
                              wvalid_i && !wready_o |=> wvalid_i && $stable(wdata_i));
  // The oldest entry stays offered, unchanged, until taken.
  ReadHeld: assert property (@(posedge rclk_i) disable iff (!rrst_ni)
                             rvalid_o && !rready_i |=> rvalid_o && $stable(rdata_o));
  // Overflow and underflow: the write side never gets more than Depth ahead of the read pointer
  // it sees, and the read side never passes the write pointer it sees.
  logic [Aw:0] wfill, rfill;
  assign wfill = wptr_q - gray2bin(rgray_sync2_q);
  assign rfill = gray2bin(wgray_sync2_q) - rptr_q;
  NoOverflow: assert property (@(posedge wclk_i) disable iff (!wrst_ni) 32'(wfill) <= Depth);
  NoUnderflow: assert property (@(posedge rclk_i) disable iff (!rrst_ni) 32'(rfill) <= Depth);

  function automatic logic [Aw:0] gray2bin(logic [Aw:0] g);
    logic [Aw:0] b;
    b[Aw] = g[Aw];
    for (int i = int'(Aw) - 1; i >= 0; i--) b[i] = b[i+1] ^ g[i];
    return b;
  endfunction
`endif
endmodule
