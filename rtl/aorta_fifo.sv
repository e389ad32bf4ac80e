// A synchronous FIFO of Width-bit entries, Depth deep (Depth >= 1), first-word fall-through:
// rdata_o shows the oldest entry while valid_o is high. Push when wvalid_i && wready_o, pop when
// rvalid_o && rready_i; both in one cycle are allowed (also when full: the pop frees the slot the
// push takes only in the next cycle, so wready_o stays low when full). flush_i empties it.
module aorta_fifo #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 4,
  localparam int unsigned PtrW = Depth > 1 ? $clog2(Depth) : 1,
  localparam int unsigned CntW = $clog2(Depth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             flush_i,
  input  logic             wvalid_i,
  output logic             wready_o,
  input  logic [Width-1:0] wdata_i,
  output logic             rvalid_o,
  input  logic             rready_i,
  output logic [Width-1:0] rdata_o,
  output logic [CntW-1:0]  count_o
);
  logic [Width-1:0] mem_q [Depth];
  logic [PtrW-1:0]  rptr_q, wptr_q;
  logic [CntW-1:0]  count_q;
  logic             push, pop;

  assign wready_o = count_q != CntW'(Depth);
  assign rvalid_o = count_q != '0;
  assign rdata_o  = mem_q[rptr_q];
  assign count_o  = count_q;
  assign push     = wvalid_i && wready_o;
  assign pop      = rvalid_o && rready_i;

  function automatic logic [PtrW-1:0] next_ptr(logic [PtrW-1:0] p);
    return (32'(p) == Depth - 1) ? '0 : p + 1'b1;
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rptr_q  <= '0;
      wptr_q  <= '0;
      count_q <= '0;
    end else if (flush_i) begin
      rptr_q  <= '0;
      wptr_q  <= '0;
      count_q <= '0;
    end else begin
      if (push) wptr_q <= next_ptr(wptr_q);
      if (pop) rptr_q <= next_ptr(rptr_q);
      if (push && !pop) count_q <= count_q + 1'b1;
      else if (pop && !push) count_q <= count_q - 1'b1;
    end
  end

  // Storage: datapath, no reset (nothing reads an entry before it was written).
  always_ff @(posedge clk_i) begin
    if (push && !flush_i) mem_q[wptr_q] <= wdata_i;
  end

`ifndef SYNTHESIS
  // A write offered while full is not taken: the producer must hold it (no overflow). A pop of
  // an empty FIFO is not taken either (rvalid_o low); an underflow would wrap count_q past Depth.
  NoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               wvalid_i && !wready_o && !flush_i |=> wvalid_i || flush_i)
    else $error("aorta_fifo: write withdrawn while full");
  CountInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 32'(count_q) <= Depth)
    else $error("aorta_fifo: count %0d beyond depth", count_q);
`endif
endmodule
