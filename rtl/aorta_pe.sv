// aorta_pe: one weight-stationary processing element (PE) of the systolic array.
//
//                     psum_i   wr_*_i
//                       |        |
//   act_i,       +------v--------v-----------------------------------+
//   act_bank_i   | psum_q <= psum_i + act_i * weight<act_bank_i>_q    |  act_o, act_bank_o
//   ------------>| weight<wr_bank_i>_q <= wr_data_i if wr_row_i == Row |---------------->
//                +------|--------|-----------------------------------+  (act_i registered)
//                       v        v
//                    psum_o   wr_*_o   (registered: the write travels on down the column)
//
// * Activations enter from the left and leave to the right one cycle later; each carries the
//   weight bank it computes with (MATMUL's bank field), so a tile swap is per vector, with no
//   bubble: the "active" bank is whichever the activation names, the "shadow" bank the other.
// * Partial sums enter from the top and leave at the bottom one cycle later, plus this PE's
//   product: psum_o = psum_i + act_i * weight (int8 x int8, added modulo 2^32).
// * Weight writes travel down the column through a pipeline register, tagged with the target
//   row (the tile row, i.e. input channel, k) and bank; the PE whose Row matches captures the
//   byte. A write therefore reaches PE (k, n) in the same cycle as an activation that entered
//   the array in the same cycle as the write: writes and vectors stay in interface order at
//   every PE (see docs/rtl.md). In that cycle the activation still computes with the old weight.
//
// en_i is the array's global enable: when low, every flop holds.
// Reset: the two weight banks and the write-valid bit reset to zero (the ISA's banks start
// zeroed, as in the golden model). The activation, partial-sum and write-data flops are datapath
// without reset; no reset on psum_q lets synthesis place it in the DSP's P register.
module aorta_pe #(
  parameter int unsigned RowW = 4,  // width of the write row tag: $clog2(array rows)
  parameter int unsigned Row  = 0   // this PE's row (input channel k within a tile)
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            en_i,
  // activation, from the left neighbour to the right one
  input  logic [7:0]      act_i,
  input  logic            act_bank_i,
  output logic [7:0]      act_o,
  output logic            act_bank_o,
  // partial sum, from the upper neighbour to the lower one
  input  logic [31:0]     psum_i,
  output logic [31:0]     psum_o,
  // weight write, from the upper neighbour to the lower one
  input  logic            wr_valid_i,
  input  logic            wr_bank_i,
  input  logic [RowW-1:0] wr_row_i,
  input  logic [7:0]      wr_data_i,
  output logic            wr_valid_o,
  output logic            wr_bank_o,
  output logic [RowW-1:0] wr_row_o,
  output logic [7:0]      wr_data_o
);

  localparam logic [RowW-1:0] RowTag = RowW'(Row);

  // Weight double buffer: bank 0 and bank 1.
  logic [7:0] weight0_q, weight0_d;
  logic [7:0] weight1_q, weight1_d;
  logic       wr_hit;

  assign wr_hit = wr_valid_i && (wr_row_i == RowTag);

  always_comb begin
    weight0_d = weight0_q;
    weight1_d = weight1_q;
    if (wr_hit) begin
      unique case (wr_bank_i)
        1'b0:    weight0_d = wr_data_i;
        1'b1:    weight1_d = wr_data_i;
        default: ;
      endcase
    end
  end

  // Multiply-accumulate: signed 8 x 8 -> 16-bit product, sign-extended and added in 32 bits.
  logic [7:0]  weight_sel;
  logic [15:0] product;
  logic [31:0] psum_q, psum_d;

  always_comb begin
    unique case (act_bank_i)
      1'b0:    weight_sel = weight0_q;
      1'b1:    weight_sel = weight1_q;
      default: weight_sel = weight0_q;
    endcase
  end
  assign product    = 16'($signed(act_i) * $signed(weight_sel));
  assign psum_d     = psum_i + {{16{product[15]}}, product};

  // Pass-through registers.
  logic [7:0]      act_q;
  logic            act_bank_q;
  logic            wr_valid_q;
  logic            wr_bank_q;
  logic [RowW-1:0] wr_row_q;
  logic [7:0]      wr_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      weight0_q  <= '0;
      weight1_q  <= '0;
      wr_valid_q <= 1'b0;
    end else if (en_i) begin
      weight0_q  <= weight0_d;
      weight1_q  <= weight1_d;
      wr_valid_q <= wr_valid_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      psum_q     <= psum_d;
      act_q      <= act_i;
      act_bank_q <= act_bank_i;
      wr_bank_q  <= wr_bank_i;
      wr_row_q   <= wr_row_i;
      wr_data_q  <= wr_data_i;
    end
  end

  assign psum_o     = psum_q;
  assign act_o      = act_q;
  assign act_bank_o = act_bank_q;
  assign wr_valid_o = wr_valid_q;
  assign wr_bank_o  = wr_bank_q;
  assign wr_row_o   = wr_row_q;
  assign wr_data_o  = wr_data_q;

`ifndef SYNTHESIS
  // The row tag must be able to name this PE's row.
  if (Row >= (1 << RowW)) begin : g_row_check
    $error("aorta_pe: Row %0d does not fit a %0d-bit row tag", Row, RowW);
  end

  // A captured write is what was offered: checks the bank-indexed update one cycle later.
  logic       wr_hit_q;
  logic       wr_hit_bank_q;
  logic [7:0] wr_hit_data_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_hit_q      <= 1'b0;
      wr_hit_bank_q <= 1'b0;
      wr_hit_data_q <= '0;
    end else begin
      if (en_i) begin
        wr_hit_q      <= wr_hit;
        wr_hit_bank_q <= wr_bank_i;
        wr_hit_data_q <= wr_data_i;
      end
      if (wr_hit_q) begin
        WeightCaptured: assert ((wr_hit_bank_q ? weight1_q : weight0_q) == wr_hit_data_q)
          else $error("aorta_pe: weight write of row %0d not captured", Row);
      end
    end
  end
`endif

endmodule
