// aorta_systolic_array: the N x N weight-stationary int8 matrix unit.
//
// For every accepted input vector a (N x int8, lane k = input channel k) with bank b it
// produces, Latency cycles later and in input order, p[n] = sum_k a[k] * W_b[k][n]
// (N x int32, exact), where W_b is weight bank b (docs/isa.md, LOADW and MATMUL).
//
//   lane k of in_act_i -> skew (k flops) ---> PE(k,0) -> PE(k,1) -> ... -> PE(k,N-1)
//                                          |          |                 |
//   wr_*_i ---> skew (n flops) for column n: weight writes enter at the top of each column
//                                          |          |                 |
//                                          v          v                 v   partial sums, down
//                               PE(N-1,0) ... -> de-skew (N-1-n flops) for column n -> out_psum_o
//
// PE (k, n) holds W_0[k][n] and W_1[k][n]. A vector accepted in cycle t is in PE (k, n) in cycle
// t + k + n; its sums leave the last row of column n at the end of cycle t + N - 1 + n and the
// de-skew lines line all columns up: out_valid_o / out_psum_o in cycle t + Latency,
// Latency = 2N - 1. One vector per cycle, any mix of banks, no bubbles between tiles.
//
// Weight writes (wr_valid_i, LOADW one tile row per cycle): row wr_row_i of bank wr_bank_i
// becomes wr_data_i. A write accepted in cycle T reaches PE (k, n) in cycle T + k + n, exactly
// in step with a vector accepted in cycle T, so the array behaves as if writes took effect in
// interface order: a vector accepted before or in the same cycle as a write computes with the old
// weight, a vector accepted after it with the new one. There are no hazards to track, and a tile
// (N writes) loads into one bank while the other computes, right up to the cycle its last
// vector enters: the load is hidden behind any pass of >= N vectors.
//
// Flow control: one global stall. Inputs (vector and weight write) are accepted in a cycle when
// their valid is high and stall_i is low; an output is delivered in a cycle when out_valid_o is
// high and stall_i is low. While stall_i is high every flop holds and the outputs stay stable.
module aorta_systolic_array #(
  parameter int unsigned N = 16,
  localparam int unsigned RowW = (N > 1) ? $clog2(N) : 1,
  localparam int unsigned Latency = 2 * N - 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              stall_i,
  // input vectors: lane k (in_act_i[8k +: 8]) is input channel k
  input  logic              in_valid_i,
  input  logic              in_bank_i,
  input  logic [N*8-1:0]    in_act_i,
  // weight writes, one tile row per cycle: lane n (wr_data_i[8n +: 8]) is output channel n
  input  logic              wr_valid_i,
  input  logic              wr_bank_i,
  input  logic [RowW-1:0]   wr_row_i,
  input  logic [N*8-1:0]    wr_data_i,
  // output partial sums, one vector per accepted input vector, in order: lane n
  // (out_psum_o[32n +: 32]) is output channel n
  output logic              out_valid_o,
  output logic [N*32-1:0]   out_psum_o,
  // a vector or a weight write is in flight
  output logic              busy_o
);

  logic en;
  assign en = !stall_i;

  // A write accepted in cycle T is in flight until PE (N-1, N-1) captures it at the end of cycle
  // T + WrFlight. The write path (tag chain, data skew, the PEs' write registers) moves only
  // while a write is offered or in flight (wr_en): otherwise every write-valid bit in it is low
  // and holding is the same as shifting zeros, for a fraction of a simulator's work.
  localparam int unsigned WrFlight = 2 * N - 2;
  localparam int unsigned WrCntW = $clog2(WrFlight + 1);
  logic [WrCntW-1:0] wr_cnt_q, wr_cnt_d;
  logic              wr_en;
  assign wr_en = en && (wr_valid_i || (wr_cnt_q != '0));

  // Mesh wires, flattened (Yosys 0.23 reads no multi-dimensional packed arrays).
  // Horizontal (activation, bank): entry k*(N+1) + n enters PE (k, n); n == N leaves row k.
  // Vertical (partial sum, write): entry k*N + n enters PE (k, n); k == N leaves column n.
  localparam int unsigned HorizN = N * (N + 1);
  localparam int unsigned VertN  = (N + 1) * N;
  logic [HorizN*8-1:0]    act;
  logic [HorizN-1:0]      act_bank;
  logic [VertN*32-1:0]    psum;
  logic [VertN-1:0]       wr_valid;
  logic [VertN-1:0]       wr_bank;
  logic [VertN*RowW-1:0]  wr_row;
  logic [VertN*8-1:0]     wr_data;

  // Input skew: row k's activation and bank select delayed k cycles.
  for (genvar k = 0; k < N; k++) begin : g_in_skew
    localparam int unsigned H = k * (N + 1);
    aorta_delay_line #(
      .Width     (9),
      .Depth     (k),
      .ResetFlops(1'b0)
    ) u_skew (
      .clk_i,
      .rst_ni,
      .en_i(en),
      .d_i ({in_bank_i, in_act_i[k*8 +: 8]}),
      .q_o ({act_bank[H], act[H*8 +: 8]})
    );
  end

  // Weight-write skew: column n's write delayed n cycles. The tag (valid, bank, row) is the
  // same for every column, so it is one chain through the columns; each column's data byte has
  // its own line.
  localparam int unsigned TagW = 2 + RowW;
  logic [N*TagW-1:0] wr_tag;
  assign wr_tag[0 +: TagW] = {wr_valid_i, wr_bank_i, wr_row_i};
  for (genvar n = 1; n < N; n++) begin : g_wr_tag_skew
    aorta_delay_line #(
      .Width     (TagW),
      .Depth     (1),
      .ResetFlops(1'b1)
    ) u_skew (
      .clk_i,
      .rst_ni,
      .en_i(wr_en),
      .d_i (wr_tag[(n-1)*TagW +: TagW]),
      .q_o (wr_tag[n*TagW +: TagW])
    );
  end
  for (genvar n = 0; n < N; n++) begin : g_wr_data_skew
    assign {wr_valid[n], wr_bank[n], wr_row[n*RowW +: RowW]} = wr_tag[n*TagW +: TagW];
    aorta_delay_line #(
      .Width     (8),
      .Depth     (n),
      .ResetFlops(1'b0)
    ) u_skew (
      .clk_i,
      .rst_ni,
      .en_i(wr_en),
      .d_i (wr_data_i[n*8 +: 8]),
      .q_o (wr_data[n*8 +: 8])
    );
    assign psum[n*32 +: 32] = '0;
  end

  // The PE mesh.
  for (genvar k = 0; k < N; k++) begin : g_row
    for (genvar n = 0; n < N; n++) begin : g_col
      localparam int unsigned HIn   = k * (N + 1) + n;  // horizontal entry into this PE
      localparam int unsigned HOut  = HIn + 1;          // ... and into its right neighbour
      localparam int unsigned VIn   = k * N + n;        // vertical entry into this PE
      localparam int unsigned VOut  = VIn + N;          // ... and into its lower neighbour
      aorta_pe #(
        .RowW(RowW),
        .Row (k)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .en_i      (en),
        .wr_en_i   (wr_en),
        .act_i     (act[HIn*8 +: 8]),
        .act_bank_i(act_bank[HIn]),
        .act_o     (act[HOut*8 +: 8]),
        .act_bank_o(act_bank[HOut]),
        .psum_i    (psum[VIn*32 +: 32]),
        .psum_o    (psum[VOut*32 +: 32]),
        .wr_valid_i(wr_valid[VIn]),
        .wr_bank_i (wr_bank[VIn]),
        .wr_row_i  (wr_row[VIn*RowW +: RowW]),
        .wr_data_i (wr_data[VIn*8 +: 8]),
        .wr_valid_o(wr_valid[VOut]),
        .wr_bank_o (wr_bank[VOut]),
        .wr_row_o  (wr_row[VOut*RowW +: RowW]),
        .wr_data_o (wr_data[VOut*8 +: 8])
      );
    end
  end

  // Output de-skew: column n's sums delayed N - 1 - n cycles, so that a vector's N sums leave
  // together.
  for (genvar n = 0; n < N; n++) begin : g_out_deskew
    localparam int unsigned V = N * N + n;
    aorta_delay_line #(
      .Width     (32),
      .Depth     (N - 1 - n),
      .ResetFlops(1'b0)
    ) u_deskew (
      .clk_i,
      .rst_ni,
      .en_i(en),
      .d_i (psum[V*32 +: 32]),
      .q_o (out_psum_o[n*32 +: 32])
    );
  end

  // What leaves the last column and the last row goes nowhere: the activations and weight
  // writes have reached every PE they are for.
  logic [N*9-1:0] act_last;
  for (genvar k = 0; k < N; k++) begin : g_act_last
    localparam int unsigned H = k * (N + 1) + N;
    assign act_last[k*9 +: 9] = {act_bank[H], act[H*8 +: 8]};
  end
  logic unused_edges;
  assign unused_edges = ^{act_last, wr_valid[N*N +: N], wr_bank[N*N +: N],
                          wr_row[N*N*RowW +: N*RowW], wr_data[N*N*8 +: N*8]};

  // Valid pipeline: an accepted vector's output is valid Latency cycles later.
  logic [Latency-1:0] valid_q, valid_d;

  always_comb begin
    valid_d = {valid_q[Latency-2:0], in_valid_i};
    if (wr_valid_i) begin
      wr_cnt_d = WrCntW'(WrFlight);
    end else if (wr_cnt_q != '0) begin
      wr_cnt_d = wr_cnt_q - 1'b1;
    end else begin
      wr_cnt_d = wr_cnt_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q  <= '0;
      wr_cnt_q <= '0;
    end else if (en) begin
      valid_q  <= valid_d;
      wr_cnt_q <= wr_cnt_d;
    end
  end

  assign out_valid_o = valid_q[Latency-1];
  assign busy_o      = (valid_q != '0) || (wr_cnt_q != '0);

`ifndef SYNTHESIS
  // Producer side of the valid / stall handshakes: an offered vector or write is held, unchanged,
  // until it is accepted.
  InValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_valid_i && stall_i |=> in_valid_i && $stable(in_bank_i) && $stable(in_act_i))
    else $error("aorta_systolic_array: input vector withdrawn or changed while stalled");
  WrValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_valid_i && stall_i |=> wr_valid_i && $stable(wr_bank_i) && $stable(wr_row_i) &&
                                $stable(wr_data_i))
    else $error("aorta_systolic_array: weight write withdrawn or changed while stalled");
  // Consumer side: an output is held while stalled.
  OutValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && stall_i |=> out_valid_o && $stable(out_psum_o))
    else $error("aorta_systolic_array: output changed while stalled");
  // A write names a row of the array.
  WrRowInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_valid_i |-> 32'(wr_row_i) < N)
    else $error("aorta_systolic_array: weight write to row %0d of %0d", wr_row_i, N);
`endif

endmodule
