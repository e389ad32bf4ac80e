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
// en_i is the array's global enable: when low, every flop holds. wr_en_i (only with en_i)
// enables the write path: the array drives it low while no write is in flight, so the write
// registers hold (their valid bits are all low then), and a bank loads only on a write that hits
// this row. The per-cycle work of a simulator is then the multiply-add and the activation
// pass-through.
// Reset: the two weight banks and the write-valid bit reset to zero (the ISA's banks start
// zeroed, as in the golden model). The activation, partial-sum and write-data flops are datapath
// without reset; no reset on psum_q lets synthesis place it in the DSP's P register.
module aorta_pe #(
  parameter int unsigned RowW = 4,  // width of the write row tag: $clog2(array rows)
  parameter int unsigned Row  = 0   // this PE's row (input channel k within a tile)
) (
  input  logic            clk_i,
  // SYNCASYNCNET: Verilator 5.006 counts the "disable iff (!rst_ni)" of the WeightCaptured
  // assertion as a synchronous use of the reset; the reset is used asynchronously only, and
  // assertions are not synthesized.
  /* verilator lint_off SYNCASYNCNET */
  input  logic            rst_ni,
  /* verilator lint_on SYNCASYNCNET */
  input  logic            en_i,
  // write-path enable, only with en_i: low while no write is in flight anywhere in the array
  // (the write registers then hold; every write-valid bit is already low)
  input  logic            wr_en_i,
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

  // Weight double buffer (bank 0 and bank 1) and the write pass-through. Everything on the
  // write path loads only while wr_en_i is high (a clock enable; the array drives it low while
  // no write is in flight), and a bank only on a write that hits this row. A simulator then
  // skips the whole write path of the array behind one test of wr_en_i.
  logic [7:0]      weight0_q;
  logic [7:0]      weight1_q;
  logic            wr_valid_q;
  logic            wr_bank_q;
  logic [RowW-1:0] wr_row_q;
  logic [7:0]      wr_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      weight0_q  <= '0;
      weight1_q  <= '0;
      wr_valid_q <= 1'b0;
    end else if (wr_en_i) begin
      wr_valid_q <= wr_valid_i;
      if (wr_valid_i && (wr_row_i == RowTag)) begin
        if (wr_bank_i) begin
          weight1_q <= wr_data_i;
        end else begin
          weight0_q <= wr_data_i;
        end
      end
    end
  end

  // The write tag and data: meaningful only with wr_valid_o.
  always_ff @(posedge clk_i) begin
    if (wr_en_i) begin
      wr_bank_q <= wr_bank_i;
      wr_row_q  <= wr_row_i;
      wr_data_q <= wr_data_i;
    end
  end

  // Multiply-accumulate: signed 8 x 8 product, exact in 16 bits, computed sign-extended to 32
  // bits and added modulo 2^32; the activation and its bank move on to the right.
  logic [7:0]  weight_sel;
  logic [31:0] product;
  logic [31:0] psum_q;
  logic [7:0]  act_q;
  logic        act_bank_q;

  assign weight_sel = act_bank_i ? weight1_q : weight0_q;
  assign product    = 32'($signed(act_i) * $signed(weight_sel));

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      psum_q     <= psum_i + product;
      act_q      <= act_i;
      act_bank_q <= act_bank_i;
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

  // A captured write is what was offered: checks the bank-indexed update one cycle later. A
  // concurrent assertion: its $past() history exists only in builds with assertions, so a
  // simulation build without them carries no checking flops in any of the N x N PEs.
  WeightCaptured: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_en_i && wr_valid_i && wr_row_i == RowTag |=>
        ($past(wr_bank_i) ? weight1_q : weight0_q) == $past(wr_data_i))
    else $error("aorta_pe: weight write of row %0d not captured", Row);
  // The write path moves only in enabled cycles, and always when a write is offered.
  WriteEnable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (!wr_en_i || en_i) && (!(en_i && wr_valid_i) || wr_en_i))
    else $error("aorta_pe: wr_en_i %0b with en_i %0b, wr_valid_i %0b", wr_en_i, en_i,
                wr_valid_i);
`endif

endmodule
