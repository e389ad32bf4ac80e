// aorta_matrix_unit: the EX unit for LOADW and MATMUL (docs/isa.md), around aorta_systolic_array.
//
//   insn_i ──► accept ──► LOADW loader ── wb_re ──► WB ── wb_rdata ──► array weight writes
//                 │                                                      (row k ← WB[wb_addr + k])
//                 └─────► MATMUL address generator ── ub_re ──► UB ── ub_rdata ─┐
//                         (oy, ox, iy, ix; pad)                  pad_value lanes ┴► array vectors
//                                  │ acc row, accumulate, last                        │ 2N - 1
//                                  └──► meta delay (2N - 2) ──► R: acc_re ──► W: acc_we ◄──┘
//                                                                  (old + p or p, forwarded)
//
// Pipeline of one vector (output pixel), cycles relative to its issue cycle s:
//   s          S0  address generator: UB read of the input pixel (none outside the image)
//   s + 1      S1  UB data (or pad_value in every lane) enters the array
//   s + 2N - 1 R   ACC read of the output row (accumulate only)
//   s + 2N     W   array result + old row (or the row written in the previous cycle, forwarded)
//                  → ACC write; MACs and bytes counted; the pass's last write raises its done
// A pass accepted in cycle t issues its first vector in t + 1; the next pass is accepted in the
// cycle of the last vector's issue, so consecutive passes stream without a bubble.
//
// LOADW accepted in cycle t reads WB rows wb_addr + k in cycles t + 1 .. t + N and writes them to
// the array one cycle later each; its done is the cycle of its last array write.
//
// Ordering (in-order semantics, docs/rtl.md "ordering rule"): a vector accepted by the array
// before or in the same cycle as a weight write computes with the old weight. So
//   * a LOADW into bank b is accepted only when no pass on bank b still has vectors to issue
//     (a pass on the other bank keeps running: the load is hidden);
//   * a MATMUL on bank b is accepted only when no LOADW into bank b still has rows to read.
// Instructions are accepted in order; one pass and one load run at a time. Completions are
// reported in acceptance order through a queue of the accepted instructions' kinds.
//
// The shell checks fields and ranges (CHIP_RANGE, BAD_FIELD) before dispatch; the unit
// truncates addresses to its address widths. The matrix unit never reports BAD_PARAM.
module aorta_matrix_unit
  import aorta_isa_pkg::*;
#(
  parameter int unsigned N         = 16,
  parameter int unsigned UbRows    = 65536,
  parameter int unsigned WbRows    = 65536,
  parameter int unsigned AccRows   = 4096,
  // PARAM and LUT belong to the vector unit; the parameters are here because the shell sets the
  // same parameter list on both execution units.
  /* verilator lint_off UNUSEDPARAM */
  parameter int unsigned ParamRows = 2048,
  parameter int unsigned LutTables = 16,
  /* verilator lint_on UNUSEDPARAM */
  localparam int unsigned UbAw  = (UbRows > 1) ? $clog2(UbRows) : 1,
  localparam int unsigned WbAw  = (WbRows > 1) ? $clog2(WbRows) : 1,
  localparam int unsigned AccAw = (AccRows > 1) ? $clog2(AccRows) : 1
) (
  input  logic              clk_i,
  // SYNCASYNCNET: Verilator 5.006 counts the "disable iff (!rst_ni)" of the concurrent
  // assertions below as a synchronous use of the reset; the reset is used asynchronously only,
  // and assertions are not synthesized.
  /* verilator lint_off SYNCASYNCNET */
  input  logic              rst_ni,
  /* verilator lint_on SYNCASYNCNET */
  // instruction handoff
  input  logic              insn_valid_i,
  output logic              insn_ready_o,
  input  logic [255:0]      insn_i,
  // completion
  output logic              done_o,
  output logic              err_o,
  output logic [31:0]       err_row_o,
  output logic              idle_o,
  // unified buffer (read only)
  output logic              ub_re_o,
  output logic [UbAw-1:0]   ub_raddr_o,
  input  logic [N*8-1:0]    ub_rdata_i,
  // weight buffer (read only)
  output logic              wb_re_o,
  output logic [WbAw-1:0]   wb_raddr_o,
  input  logic [N*8-1:0]    wb_rdata_i,
  // accumulator
  output logic              acc_re_o,
  output logic [AccAw-1:0]  acc_raddr_o,
  input  logic [N*32-1:0]   acc_rdata_i,
  output logic              acc_we_o,
  output logic [AccAw-1:0]  acc_waddr_o,
  output logic [N*32-1:0]   acc_wdata_o,
  // perf
  output logic              busy_o,
  output logic              array_busy_o,
  output logic [31:0]       macs_o,
  output logic [31:0]       ub_rd_bytes_o,
  output logic [31:0]       ub_wr_bytes_o,
  output logic [31:0]       wb_rd_bytes_o,
  output logic [31:0]       acc_rd_bytes_o,
  output logic [31:0]       acc_wr_bytes_o
);

  localparam int unsigned RowW = (N > 1) ? $clog2(N) : 1;
  // Retire queue: one entry per accepted, not yet done instruction. A 1-pixel pass is in flight
  // for 2N + 1 cycles, so 2N + 4 entries keep even a stream of 1-pixel passes at full rate.
  localparam int unsigned RqAw    = $clog2(2 * N + 4);
  localparam int unsigned RqDepth = 1 << RqAw;
  localparam int unsigned CntW    = RqAw + 1;
  localparam int unsigned MetaW   = 3 + AccAw;  // {valid, accumulate, last, acc row}

  typedef enum logic [1:0] {
    KindMatmul = 2'd0,
    KindLoadw  = 2'd1,
    KindOther  = 2'd2   // not an instruction of this unit: completes in order, does nothing
  } kind_e;

  // ---------------------------------------------------------------------------------------------
  // Decode
  loadw_t  insn_lw;
  matmul_t insn_mm;
  opcode_e insn_op;
  kind_e   insn_kind;
  assign insn_lw = loadw_t'(insn_i);
  assign insn_mm = matmul_t'(insn_i);
  assign insn_op = insn_lw.hdr.opcode;
  // The dependency flags were consumed by the shell; reserved bits are zero (the shell's
  // BAD_FIELD check); row addresses are truncated to the memories' address widths.
  logic unused_insn;
  assign unused_insn = ^{insn_lw.reserved, insn_lw.wb_addr, insn_lw.hdr, insn_mm.reserved,
                         insn_mm.acc_addr, insn_mm.hdr};

  always_comb begin
    unique case (insn_op)
      OpMatmul: insn_kind = KindMatmul;
      OpLoadw:  insn_kind = KindLoadw;
      default:  insn_kind = KindOther;
    endcase
  end

  // ---------------------------------------------------------------------------------------------
  // MATMUL address generator (S0)
  logic                     mm_active_q, mm_active_d;
  logic                     mm_bank_q, mm_bank_d;
  logic                     mm_acc_q, mm_acc_d;
  logic [7:0]               mm_pad_q, mm_pad_d;
  logic [11:0]              mm_in_h_q, mm_in_h_d;
  logic [11:0]              mm_in_w_q, mm_in_w_d;
  logic [11:0]              mm_out_h_q, mm_out_h_d;
  logic [11:0]              mm_out_w_q, mm_out_w_d;
  logic [3:0]               mm_stride_h_q, mm_stride_h_d;
  logic [3:0]               mm_stride_w_q, mm_stride_w_d;
  logic signed [17:0]       mm_x_off_q, mm_x_off_d;
  logic [15:0]              mm_row_step_q, mm_row_step_d;  // stride_h * in_w
  logic [11:0]              mm_oy_q, mm_oy_d;
  logic [11:0]              mm_ox_q, mm_ox_d;
  logic signed [17:0]       mm_iy_q, mm_iy_d;
  logic signed [17:0]       mm_ix_q, mm_ix_d;
  logic signed [31:0]       mm_row_addr_q, mm_row_addr_d;  // UB row of (iy, x_off)
  logic signed [31:0]       mm_pix_addr_q, mm_pix_addr_d;  // UB row of (iy, ix)
  logic [AccAw-1:0]         mm_acc_addr_q, mm_acc_addr_d;

  logic mm_row_end, mm_last, mm_in_image;
  assign mm_row_end  = mm_ox_q == mm_out_w_q - 12'd1;
  assign mm_last     = mm_active_q && mm_row_end && (mm_oy_q == mm_out_h_q - 12'd1);
  assign mm_in_image = !mm_iy_q[17] && (mm_iy_q < $signed({6'b0, mm_in_h_q})) &&
                       !mm_ix_q[17] && (mm_ix_q < $signed({6'b0, mm_in_w_q}));

  // LOADW loader
  logic                     lw_active_q, lw_active_d;
  logic                     lw_bank_q, lw_bank_d;
  logic [WbAw-1:0]          lw_addr_q, lw_addr_d;
  logic [RowW-1:0]          lw_row_q, lw_row_d;
  logic                     lw_last;
  assign lw_last = lw_active_q && (lw_row_q == RowW'(N - 1));

  // ---------------------------------------------------------------------------------------------
  // Acceptance
  logic rq_full, accept, accept_mm, accept_lw;
  always_comb begin
    unique case (insn_kind)
      KindMatmul: insn_ready_o = !rq_full && (!mm_active_q || mm_last) &&
                                 !(lw_active_q && !lw_last && lw_bank_q == insn_mm.bank);
      KindLoadw:  insn_ready_o = !rq_full && (!lw_active_q || lw_last) &&
                                 !(mm_active_q && !mm_last && mm_bank_q == insn_lw.bank);
      default:    insn_ready_o = !rq_full;
    endcase
  end
  assign accept    = insn_valid_i && insn_ready_o;
  assign accept_mm = accept && (insn_kind == KindMatmul);
  assign accept_lw = accept && (insn_kind == KindLoadw);

  // Start values of a pass: iy = y_off, ix = x_off, row = act_addr + y_off * in_w + x_off.
  logic signed [31:0] start_y_off, start_x_off, start_row;
  assign start_y_off = $signed({{19{insn_mm.y_off[12]}}, insn_mm.y_off});
  assign start_x_off = $signed({{19{insn_mm.x_off[12]}}, insn_mm.x_off});
  assign start_row   = $signed({8'b0, insn_mm.act_addr}) +
                       start_y_off * $signed({20'b0, insn_mm.in_w}) + start_x_off;

  always_comb begin
    mm_active_d   = mm_active_q;
    mm_bank_d     = mm_bank_q;
    mm_acc_d      = mm_acc_q;
    mm_pad_d      = mm_pad_q;
    mm_in_h_d     = mm_in_h_q;
    mm_in_w_d     = mm_in_w_q;
    mm_out_h_d    = mm_out_h_q;
    mm_out_w_d    = mm_out_w_q;
    mm_stride_h_d = mm_stride_h_q;
    mm_stride_w_d = mm_stride_w_q;
    mm_x_off_d    = mm_x_off_q;
    mm_row_step_d = mm_row_step_q;
    mm_oy_d       = mm_oy_q;
    mm_ox_d       = mm_ox_q;
    mm_iy_d       = mm_iy_q;
    mm_ix_d       = mm_ix_q;
    mm_row_addr_d = mm_row_addr_q;
    mm_pix_addr_d = mm_pix_addr_q;
    mm_acc_addr_d = mm_acc_addr_q;
    if (mm_active_q) begin
      // one vector issued this cycle: step to the next output pixel (raster order)
      mm_acc_addr_d = mm_acc_addr_q + 1'b1;
      if (mm_last) begin
        mm_active_d = 1'b0;
      end else if (mm_row_end) begin
        mm_ox_d       = '0;
        mm_oy_d       = mm_oy_q + 12'd1;
        mm_ix_d       = mm_x_off_q;
        mm_iy_d       = mm_iy_q + $signed({14'b0, mm_stride_h_q});
        mm_row_addr_d = mm_row_addr_q + $signed({16'b0, mm_row_step_q});
        mm_pix_addr_d = mm_row_addr_q + $signed({16'b0, mm_row_step_q});
      end else begin
        mm_ox_d       = mm_ox_q + 12'd1;
        mm_ix_d       = mm_ix_q + $signed({14'b0, mm_stride_w_q});
        mm_pix_addr_d = mm_pix_addr_q + $signed({28'b0, mm_stride_w_q});
      end
    end
    if (accept_mm) begin
      mm_active_d   = 1'b1;
      mm_bank_d     = insn_mm.bank;
      mm_acc_d      = insn_mm.accumulate;
      mm_pad_d      = insn_mm.pad_value;
      mm_in_h_d     = insn_mm.in_h;
      mm_in_w_d     = insn_mm.in_w;
      mm_out_h_d    = insn_mm.out_h;
      mm_out_w_d    = insn_mm.out_w;
      mm_stride_h_d = insn_mm.stride_h;
      mm_stride_w_d = insn_mm.stride_w;
      mm_x_off_d    = 18'(start_x_off);
      mm_row_step_d = {12'b0, insn_mm.stride_h} * {4'b0, insn_mm.in_w};
      mm_oy_d       = '0;
      mm_ox_d       = '0;
      mm_iy_d       = 18'(start_y_off);
      mm_ix_d       = 18'(start_x_off);
      mm_row_addr_d = start_row;
      mm_pix_addr_d = start_row;
      mm_acc_addr_d = insn_mm.acc_addr[AccAw-1:0];
    end
  end

  always_comb begin
    lw_active_d = lw_active_q;
    lw_bank_d   = lw_bank_q;
    lw_addr_d   = lw_addr_q;
    lw_row_d    = lw_row_q;
    if (lw_active_q) begin
      // one WB row read this cycle
      lw_addr_d = lw_addr_q + 1'b1;
      lw_row_d  = lw_row_q + 1'b1;
      if (lw_last) begin
        lw_active_d = 1'b0;
      end
    end
    if (accept_lw) begin
      lw_active_d = 1'b1;
      lw_bank_d   = insn_lw.bank;
      lw_addr_d   = insn_lw.wb_addr[WbAw-1:0];
      lw_row_d    = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mm_active_q <= 1'b0;
      lw_active_q <= 1'b0;
    end else begin
      mm_active_q <= mm_active_d;
      lw_active_q <= lw_active_d;
    end
  end

  // Instruction registers: meaningful only while the engine is active (no reset needed).
  always_ff @(posedge clk_i) begin
    mm_bank_q     <= mm_bank_d;
    mm_acc_q      <= mm_acc_d;
    mm_pad_q      <= mm_pad_d;
    mm_in_h_q     <= mm_in_h_d;
    mm_in_w_q     <= mm_in_w_d;
    mm_out_h_q    <= mm_out_h_d;
    mm_out_w_q    <= mm_out_w_d;
    mm_stride_h_q <= mm_stride_h_d;
    mm_stride_w_q <= mm_stride_w_d;
    mm_x_off_q    <= mm_x_off_d;
    mm_row_step_q <= mm_row_step_d;
    mm_oy_q       <= mm_oy_d;
    mm_ox_q       <= mm_ox_d;
    mm_iy_q       <= mm_iy_d;
    mm_ix_q       <= mm_ix_d;
    mm_row_addr_q <= mm_row_addr_d;
    mm_pix_addr_q <= mm_pix_addr_d;
    mm_acc_addr_q <= mm_acc_addr_d;
    lw_bank_q     <= lw_bank_d;
    lw_addr_q     <= lw_addr_d;
    lw_row_q      <= lw_row_d;
  end

  // Memory reads of S0.
  assign ub_re_o    = mm_active_q && mm_in_image;
  assign ub_raddr_o = UbAw'(mm_pix_addr_q);
  assign wb_re_o    = lw_active_q;
  assign wb_raddr_o = lw_addr_q;

  // ---------------------------------------------------------------------------------------------
  // S1: the read data (or padding) enters the array; the weight row read in S0 is written.
  logic             s1_valid_q, s1_bank_q, s1_pad_q, s1_acc_q, s1_last_q;
  logic [7:0]       s1_pad_value_q;
  logic [AccAw-1:0] s1_acc_addr_q;
  logic             wr_valid_q, wr_bank_q, wr_last_q;
  logic [RowW-1:0]  wr_row_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      wr_valid_q <= 1'b0;
    end else begin
      s1_valid_q <= mm_active_q;
      wr_valid_q <= lw_active_q;
    end
  end

  always_ff @(posedge clk_i) begin
    s1_bank_q      <= mm_bank_q;
    s1_pad_q       <= !mm_in_image;
    s1_pad_value_q <= mm_pad_q;
    s1_acc_q       <= mm_acc_q;
    s1_last_q      <= mm_last;
    s1_acc_addr_q  <= mm_acc_addr_q;
    wr_bank_q      <= lw_bank_q;
    wr_row_q       <= lw_row_q;
    wr_last_q      <= lw_last;
  end

  logic [N*8-1:0]  array_act;
  logic            array_out_valid;
  logic [N*32-1:0] array_psum;
  assign array_act = s1_pad_q ? {N{s1_pad_value_q}} : ub_rdata_i;

  // The unit never stalls the array: every memory port answers in a fixed cycle and the
  // accumulator takes one result per cycle.
  aorta_systolic_array #(
    .N(N)
  ) u_array (
    .clk_i,
    .rst_ni,
    .stall_i    (1'b0),
    .in_valid_i (s1_valid_q),
    .in_bank_i  (s1_bank_q),
    .in_act_i   (array_act),
    .wr_valid_i (wr_valid_q),
    .wr_bank_i  (wr_bank_q),
    .wr_row_i   (wr_row_q),
    .wr_data_i  (wb_rdata_i),
    .out_valid_o(array_out_valid),
    .out_psum_o (array_psum),
    .busy_o     (array_busy_o)
  );

  // ---------------------------------------------------------------------------------------------
  // R: a vector's ACC row travels beside it through the array (2N - 2 cycles to the read).
  logic [MetaW-1:0] r_meta;
  logic             r_valid, r_acc, r_last;
  logic [AccAw-1:0] r_acc_addr;

  aorta_delay_line #(
    .Width     (MetaW),
    .Depth     (2 * N - 2),
    .ResetFlops(1'b1)
  ) u_meta_delay (
    .clk_i,
    .rst_ni,
    .en_i(1'b1),
    .d_i ({s1_valid_q, s1_acc_q, s1_last_q, s1_acc_addr_q}),
    .q_o (r_meta)
  );
  assign {r_valid, r_acc, r_last, r_acc_addr} = r_meta;

  assign acc_re_o    = r_valid && r_acc;
  assign acc_raddr_o = r_acc_addr;

  // W: result + old row → ACC. The row written in cycle c is not yet visible to a read issued
  // in cycle c, so a read of the row being written in the same cycle takes the written value.
  logic             w_valid_q, w_acc_q, w_last_q, w_fwd_q;
  logic [AccAw-1:0] w_acc_addr_q;
  logic [N*32-1:0]  w_prev_q;  // the row written in the previous cycle
  logic [N*32-1:0]  w_old, w_sum;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      w_valid_q <= 1'b0;
    end else begin
      w_valid_q <= r_valid;
    end
  end

  always_ff @(posedge clk_i) begin
    w_acc_q      <= r_acc;
    w_last_q     <= r_last;
    w_acc_addr_q <= r_acc_addr;
    w_fwd_q      <= w_valid_q && (w_acc_addr_q == r_acc_addr);
    w_prev_q     <= acc_wdata_o;
  end

  assign w_old = w_fwd_q ? w_prev_q : acc_rdata_i;
  for (genvar n = 0; n < N; n++) begin : g_acc_lane
    assign w_sum[n*32 +: 32] = w_old[n*32 +: 32] + array_psum[n*32 +: 32];
  end

  assign acc_we_o    = w_valid_q;
  assign acc_waddr_o = w_acc_addr_q;
  assign acc_wdata_o = w_acc_q ? w_sum : array_psum;

  // ---------------------------------------------------------------------------------------------
  // Completion in acceptance order. A pass completes with its last ACC write, a load with its
  // last array write; each engine completes in order, so a count of completions per kind not
  // yet reported is enough beside the queue of kinds.
  kind_e             rq_q [RqDepth];
  logic [RqAw-1:0]   rq_wptr_q, rq_rptr_q;
  logic [CntW-1:0]   rq_count_q, rq_count_d;
  logic [CntW-1:0]   mm_done_cnt_q, mm_done_cnt_d;
  logic [CntW-1:0]   lw_done_cnt_q, lw_done_cnt_d;
  logic              mm_complete, lw_complete, head_ready, head_mm, head_lw;
  kind_e             rq_head;

  assign mm_complete = w_valid_q && w_last_q;
  assign lw_complete = wr_valid_q && wr_last_q;
  assign rq_full     = rq_count_q == CntW'(RqDepth);
  assign rq_head     = rq_q[rq_rptr_q];
  assign head_mm     = rq_head == KindMatmul;
  assign head_lw     = rq_head == KindLoadw;

  always_comb begin
    unique case (rq_head)
      KindMatmul: head_ready = (mm_done_cnt_q != '0) || mm_complete;
      KindLoadw:  head_ready = (lw_done_cnt_q != '0) || lw_complete;
      default:    head_ready = 1'b1;
    endcase
  end
  assign done_o = (rq_count_q != '0) && head_ready;

  always_comb begin
    rq_count_d    = rq_count_q + CntW'(accept) - CntW'(done_o);
    mm_done_cnt_d = mm_done_cnt_q + CntW'(mm_complete) - CntW'(done_o && head_mm);
    lw_done_cnt_d = lw_done_cnt_q + CntW'(lw_complete) - CntW'(done_o && head_lw);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rq_wptr_q     <= '0;
      rq_rptr_q     <= '0;
      rq_count_q    <= '0;
      mm_done_cnt_q <= '0;
      lw_done_cnt_q <= '0;
    end else begin
      rq_wptr_q     <= rq_wptr_q + RqAw'(accept);
      rq_rptr_q     <= rq_rptr_q + RqAw'(done_o);
      rq_count_q    <= rq_count_d;
      mm_done_cnt_q <= mm_done_cnt_d;
      lw_done_cnt_q <= lw_done_cnt_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (accept) begin
      rq_q[rq_wptr_q] <= insn_kind;
    end
  end

  assign idle_o    = rq_count_q == '0;
  assign busy_o    = !idle_o;
  assign err_o     = 1'b0;
  assign err_row_o = '0;

  // Perf, counted as core/golden/datapath.cc does: N*N MACs and 4N ACC bytes written per output
  // pixel, 4N ACC bytes read per pixel of an accumulating pass, N UB bytes per in-image input
  // pixel, N WB bytes per weight row.
  assign macs_o         = w_valid_q ? 32'(N * N) : '0;
  assign ub_rd_bytes_o  = ub_re_o ? 32'(N) : '0;
  assign ub_wr_bytes_o  = '0;
  assign wb_rd_bytes_o  = wb_re_o ? 32'(N) : '0;
  assign acc_rd_bytes_o = acc_re_o ? 32'(4 * N) : '0;
  assign acc_wr_bytes_o = acc_we_o ? 32'(4 * N) : '0;

`ifndef SYNTHESIS
  // Handshake: an offered instruction is held, unchanged, until accepted.
  InsnHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      insn_valid_i && !insn_ready_o |=> insn_valid_i && $stable(insn_i))
    else $error("aorta_matrix_unit: instruction withdrawn or changed before it was accepted");
  // The shell dispatches only LOADW and MATMUL here, with the fields it has checked.
  InsnKind: assert property (@(posedge clk_i) disable iff (!rst_ni)
      insn_valid_i |-> insn_kind != KindOther)
    else $error("aorta_matrix_unit: opcode 0x%02x is not LOADW or MATMUL", insn_op);
  MatmulFields: assert property (@(posedge clk_i) disable iff (!rst_ni)
      insn_valid_i && insn_kind == KindMatmul |->
        insn_mm.in_h != '0 && insn_mm.in_w != '0 && insn_mm.out_h != '0 &&
        insn_mm.out_w != '0 && insn_mm.stride_h != '0 && insn_mm.stride_w != '0)
    else $error("aorta_matrix_unit: MATMUL with a zero size or stride");
  // Retire queue: no overflow, no underflow, completions only for instructions in it.
  RqNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept |-> !rq_full)
    else $error("aorta_matrix_unit: retire queue overflow");
  RqNoUnderflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      done_o |-> rq_count_q != '0)
    else $error("aorta_matrix_unit: done with no instruction outstanding");
  CompletionsBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mm_done_cnt_q + lw_done_cnt_q <= rq_count_q)
    else $error("aorta_matrix_unit: more completions than outstanding instructions");
  // The array's result arrives exactly with its ACC row in the W stage.
  ResultAligned: assert property (@(posedge clk_i) disable iff (!rst_ni)
      array_out_valid == w_valid_q)
    else $error("aorta_matrix_unit: array result and accumulator stage out of step");
  // The ordering rule is kept: no pass and load on the same bank overlap.
  BankExclusive: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mm_active_q && lw_active_q |-> mm_bank_q != lw_bank_q)
    else $error("aorta_matrix_unit: a LOADW and a MATMUL on bank %0d overlap", mm_bank_q);
`endif

endmodule
