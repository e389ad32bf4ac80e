// aorta_dma_rotate: rotates a vector of Bytes bytes by amt_i bytes, in log2(Bytes) stages of
// 2:1 multiplexers. Right: out byte i = in byte (i + amt) mod Bytes (the load path aligns a beat
// to the row); left: out byte i = in byte (i - amt) mod Bytes (the store path aligns a row slice
// to the bus).
module aorta_dma_rotate #(
  parameter int unsigned Bytes = 64,
  parameter bit          Left  = 1'b0,
  localparam int unsigned AmtW = Bytes > 1 ? $clog2(Bytes) : 1
) (
  input  logic [Bytes*8-1:0] in_i,
  input  logic [AmtW-1:0]    amt_i,
  output logic [Bytes*8-1:0] out_o
);
  // A rotation is a shift of the vector doubled; synthesis builds it as log2(Bytes) stages.
  logic [2*Bytes*8-1:0] doubled, shifted;
  assign doubled = {in_i, in_i};
  if (Left) begin : g_left
    assign shifted = doubled << (32'(amt_i) * 8);
    assign out_o = shifted[2*Bytes*8-1 -: Bytes*8];
    logic unused_low;
    assign unused_low = ^shifted[Bytes*8-1:0];
  end else begin : g_right
    assign shifted = doubled >> (32'(amt_i) * 8);
    assign out_o = shifted[Bytes*8-1:0];
    logic unused_high;
    assign unused_high = ^shifted[2*Bytes*8-1:Bytes*8];
  end
endmodule
