// aorta_delay_line: a Width-bit signal delayed by Depth enabled clock cycles.
//
// The systolic array's input skew, weight-write skew and output de-skew are all delay lines.
// Depth == 0 is a wire. The stages advance only when en_i is high (the array's global enable),
// so a stalled array keeps every word in flight in place.
//
// Datapath lines (ResetFlops == 0) have no reset: their content is meaningless until a valid
// bit that does reset says otherwise, and reset-free shift registers map to SRL16/SRL32 LUTs on
// Xilinx parts instead of one flop per bit. Control lines (valid bits) set ResetFlops.
module aorta_delay_line #(
  parameter int unsigned Width      = 8,
  parameter int unsigned Depth      = 1,
  parameter bit          ResetFlops = 1'b0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             en_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);

  if (Depth == 0) begin : g_wire
    assign q_o = d_i;
    // A wire has no flops: clock, reset and enable are unused by design.
    logic unused_ctrl;
    assign unused_ctrl = ^{clk_i, rst_ni, en_i};
  end else begin : g_flops
    // Stage i (bits [i*Width +: Width]) holds d_i delayed i + 1 cycles. The shift is one
    // concatenation of the whole line (not a loop of part-selects): Verilator turns it into a
    // few word shifts instead of a masked update per stage.
    logic [Depth*Width-1:0] stage_q, stage_d;

    if (Depth == 1) begin : g_one
      assign stage_d = d_i;
    end else begin : g_shift
      assign stage_d = {stage_q[(Depth-1)*Width-1:0], d_i};
    end

    if (ResetFlops) begin : g_reset
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          stage_q <= '0;
        end else if (en_i) begin
          stage_q <= stage_d;
        end
      end
    end else begin : g_no_reset
      always_ff @(posedge clk_i) begin
        if (en_i) begin
          stage_q <= stage_d;
        end
      end
      // Datapath stages are not reset (see the header).
      logic unused_rst;
      assign unused_rst = rst_ni;
    end

    assign q_o = stage_q[(Depth-1)*Width +: Width];
  end

endmodule
