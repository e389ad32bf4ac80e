// A memory of Rows rows of Width bits with NumRd synchronous read ports and NumWr write ports
// (behavioural: every port reaches every row in every cycle). Read data is valid in the cycle
// after re_i and held until the next read of that port. Writes take effect at the clock edge;
// when two ports write one row in the same cycle the higher-numbered port wins (the shell never
// lets that happen: the check is an assertion). Contents start at zero, as the ISA's memories
// do (an FPGA's block RAM is initialized at configuration); no reset clears them.
//
// Mapping onto FPGA block RAM (docs/rtl.md "SoC"): each port pair becomes one true-dual-port
// BRAM bank set; extra read ports are replicas of the array that all write ports update, extra
// write ports need banking by row address with the shell arbitrating bank conflicts.
module aorta_row_mem #(
  parameter int unsigned Rows  = 16,
  parameter int unsigned Width = 64,
  parameter int unsigned NumRd = 1,
  parameter int unsigned NumWr = 1,
  localparam int unsigned Aw = Rows > 1 ? $clog2(Rows) : 1
) (
  input  logic                   clk_i,
  input  logic [NumRd-1:0]       re_i,
  input  logic [NumRd*Aw-1:0]    raddr_i,  // port p at [Aw*p +: Aw]
  output logic [NumRd*Width-1:0] rdata_o,  // port p at [Width*p +: Width]
  input  logic [NumWr-1:0]       we_i,
  input  logic [NumWr*Aw-1:0]    waddr_i,
  input  logic [NumWr*Width-1:0] wdata_i
);
  logic [Width-1:0] mem_q [Rows];

  initial begin
    for (int unsigned r = 0; r < Rows; r++) mem_q[r] = '0;
  end

  always_ff @(posedge clk_i) begin
    for (int unsigned p = 0; p < NumWr; p++) begin
      if (we_i[p] && 32'(waddr_i[Aw*p +: Aw]) < Rows)
        mem_q[waddr_i[Aw*p +: Aw]] <= wdata_i[Width*p +: Width];
    end
  end

  // One register per read port (not an array of them: a simulator then needs no per-element
  // update bookkeeping for them every cycle).
  for (genvar p = 0; p < NumRd; p++) begin : g_rd
    logic [Width-1:0] rdata_q;
    always_ff @(posedge clk_i) begin
      if (re_i[p]) rdata_q <= mem_q[raddr_i[Aw*p +: Aw]];
    end
    assign rdata_o[Width*p +: Width] = rdata_q;
  end

`ifndef SYNTHESIS
  for (genvar a = 0; a < NumWr; a++) begin : g_wr_a
    for (genvar b = a + 1; b < NumWr; b++) begin : g_wr_b
      NoWriteCollision: assert property (@(posedge clk_i)
          !(we_i[a] && we_i[b] && waddr_i[Aw*a +: Aw] == waddr_i[Aw*b +: Aw]))
        else $error("aorta_row_mem: ports %0d and %0d write row %0d in one cycle", a, b,
                    waddr_i[Aw*a +: Aw]);
    end
  end
  for (genvar p = 0; p < NumRd; p++) begin : g_rd_range
    ReadInRange: assert property (@(posedge clk_i) re_i[p] |-> 32'(raddr_i[Aw*p +: Aw]) < Rows)
      else $error("aorta_row_mem: read port %0d row %0d beyond %0d rows", p, raddr_i[Aw*p +: Aw],
                  Rows);
  end
  for (genvar p = 0; p < NumWr; p++) begin : g_wr_range
    WriteInRange: assert property (@(posedge clk_i) we_i[p] |-> 32'(waddr_i[Aw*p +: Aw]) < Rows)
      else $error("aorta_row_mem: write port %0d row %0d beyond %0d rows", p,
                  waddr_i[Aw*p +: Aw], Rows);
  end
`endif
endmodule
