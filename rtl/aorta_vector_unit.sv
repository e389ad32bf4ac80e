// The vector unit: DWCONV, POSTPROC, VEC_ELTWISE, POOL and RESIZE (docs/isa.md), bit-exact
// with the golden model (core/golden/datapath.cc), behind the execution-unit contract of the
// SoC shell (docs/rtl.md, "Vector unit").
//
// One instruction at a time, in three phases:
//   StParam  reads the instruction's PARAM rows (POSTPROC bias / multiplier / shift, the
//            VEC_ELTWISE / POOL op record, a PARAM operand), its LUT table and a broadcast UB
//            operand, one row per cycle, and checks them: a BAD_PARAM instruction ends here
//            (StErr: done with err_o and the PARAM row) and writes nothing.
//   StRun    issues one token per cycle: a row (POSTPROC, VEC_ELTWISE, RESIZE) or a window tap
//            (DWCONV, POOL) with its memory reads.
//   StDrain  waits until the last token has written.
// A token flows through stages D (read data arrives: the cycle after issue), E, F and W (the
// row is written): four cycles from issue to write. The arithmetic of D, E, F is in N
// aorta_vec_lane instances; W applies POSTPROC's LUT and drives the write port.
//
// Read-after-write inside an instruction (VEC_ELTWISE and POOL may overlap their output with an
// input): a UB read is not issued while a token in D..W will write that row (the issue stalls;
// a broadcast operand is kept in b_row_q, which follows the writes to its row).
module aorta_vector_unit
  import aorta_isa_pkg::*;
#(
  parameter int unsigned N = 16,
  parameter int unsigned UbRows = 65536,
  parameter int unsigned WbRows = 65536,
  parameter int unsigned AccRows = 4096,
  parameter int unsigned ParamRows = 2048,
  parameter int unsigned LutTables = 16,
  localparam int unsigned UbAw = (UbRows > 1) ? $clog2(UbRows) : 1,
  localparam int unsigned WbAw = (WbRows > 1) ? $clog2(WbRows) : 1,
  localparam int unsigned AccAw = (AccRows > 1) ? $clog2(AccRows) : 1,
  localparam int unsigned ParamAw = (ParamRows > 1) ? $clog2(ParamRows) : 1,
  localparam int unsigned LutAw = (LutTables > 1) ? $clog2(LutTables) : 1
) (
  input  logic                 clk_i,
  // SYNCASYNCNET: Verilator 5.006 counts the assertions' "disable iff (!rst_ni)" as a
  // synchronous use of the reset; every flop resets asynchronously (rtl/lint waiver of the array).
  /* verilator lint_off SYNCASYNCNET */
  input  logic                 rst_ni,
  /* verilator lint_on SYNCASYNCNET */
  // Instruction handoff (decoded and range-checked by the shell).
  input  logic                 insn_valid_i,
  output logic                 insn_ready_o,
  // Only the fields of the five vector opcodes are read; the header's token flags and the
  // reserved bits are the shell's.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [255:0]         insn_i,
  /* verilator lint_on UNUSEDSIGNAL */
  // Completion.
  output logic                 done_o,
  output logic                 err_o,
  output logic [31:0]          err_row_o,
  output logic                 idle_o,
  // Memories: synchronous, read data valid the cycle after *_re_o.
  output logic                 ub_re_o,
  output logic [UbAw-1:0]      ub_raddr_o,
  input  logic [N*8-1:0]       ub_rdata_i,
  output logic                 ub_we_o,
  output logic [UbAw-1:0]      ub_waddr_o,
  output logic [N*8-1:0]       ub_wdata_o,
  output logic                 wb_re_o,
  output logic [WbAw-1:0]      wb_raddr_o,
  input  logic [N*8-1:0]       wb_rdata_i,
  output logic                 acc_re_o,
  output logic [AccAw-1:0]     acc_raddr_o,
  input  logic [N*32-1:0]      acc_rdata_i,
  output logic                 acc_we_o,
  output logic [AccAw-1:0]     acc_waddr_o,
  output logic [N*32-1:0]      acc_wdata_o,
  output logic                 param_re_o,
  output logic [ParamAw-1:0]   param_raddr_o,
  input  logic [N*32-1:0]      param_rdata_i,
  output logic                 lut_re_o,
  output logic [LutAw-1:0]     lut_raddr_o,
  input  logic [256*8-1:0]     lut_rdata_i,
  // Perf: this cycle's counts, as the golden model counts them per instruction.
  output logic                 busy_o,
  output logic                 array_busy_o,
  output logic [31:0]          macs_o,
  output logic [31:0]          ub_rd_bytes_o,
  output logic [31:0]          ub_wr_bytes_o,
  output logic [31:0]          wb_rd_bytes_o,
  output logic [31:0]          acc_rd_bytes_o,
  output logic [31:0]          acc_wr_bytes_o
);
  // ISA v1: 8 <= N (an op record's eight lanes fit one PARAM row).
  if (N < 8) begin : g_n_too_small
    $error("aorta_vector_unit: N = %0d, ISA v1 needs N >= 8", N);
  end

  localparam int unsigned AddrW = (UbAw > AccAw) ? UbAw : AccAw;
  localparam int unsigned Stages = 4;  // tokens in D, E, F, W
  localparam logic [31:0] RowBytes8 = 32'(N);
  localparam logic [31:0] RowBytes32 = 32'(4 * N);

  // ---- Instruction fields, decoded at acceptance into op-neutral registers -----------------
  typedef enum logic [2:0] {StIdle, StParam, StRun, StDrain, StErr} state_e;
  state_e state_q, state_d;

  opcode_e            op_q;
  logic [23:0]        rd_base_q;   // POSTPROC acc_addr, VEC_ELTWISE a_addr, window / RESIZE input
  logic [23:0]        b_base_q;    // VEC_ELTWISE b_addr, DWCONV wb_addr
  logic [23:0]        wr_base_q;   // the first row written (UB, or ACC for DWCONV)
  logic [15:0]        prm_q;       // param_addr
  logic [19:0]        rows_q;      // POSTPROC / VEC_ELTWISE rows
  logic [11:0]        in_h_q, in_w_q, out_h_q, out_w_q;
  logic [7:0]         k_h_q, k_w_q, s_h_q, s_w_q;  // kernel, stride (RESIZE: scale)
  logic [3:0]         d_h_q, d_w_q;                // dilation
  logic signed [13:0] off_y_q, off_x_q;            // DWCONV y_off / x_off, POOL -pad_t / -pad_l
  logic [7:0]         pad_q;
  logic               accumulate_q;
  elt_op_e            elt_op_q;
  b_src_e             b_src_q;
  pool_op_e           pool_op_q;
  logic [7:0]         zp_q, lo_q, hi_q;
  logic               leaky_q;
  logic [15:0]        alpha_mult_q;
  logic [4:0]         alpha_shift_q;
  logic               lut_en_q;
  logic [7:0]         lut_sel_q;

  // Ready while idle and in the cycle of a done pulse: the finishing instruction's last row is
  // written by this cycle's W logic, so its registers may change at this clock edge.
  logic accept;
  assign insn_ready_o = (state_q == StIdle) || done_o;
  assign accept = insn_valid_i && insn_ready_o;

  // Views of insn_i per opcode (header and reserved bits unused, as for insn_i).
  /* verilator lint_off UNUSEDSIGNAL */
  dwconv_t dw;
  postproc_t pp;
  vec_eltwise_t el;
  pool_t pl;
  resize_t rs;
  /* verilator lint_on UNUSEDSIGNAL */
  assign dw = dwconv_t'(insn_i);
  assign pp = postproc_t'(insn_i);
  assign el = vec_eltwise_t'(insn_i);
  assign pl = pool_t'(insn_i);
  assign rs = resize_t'(insn_i);

  always_ff @(posedge clk_i) begin
    if (accept) begin
      op_q <= opcode_e'(insn_i[7:0]);
      // Defaults: fields an opcode does not have.
      b_base_q <= '0;
      prm_q <= '0;
      rows_q <= '0;
      in_h_q <= '0;
      in_w_q <= '0;
      out_h_q <= '0;
      out_w_q <= '0;
      k_h_q <= 8'd1;
      k_w_q <= 8'd1;
      s_h_q <= 8'd1;
      s_w_q <= 8'd1;
      d_h_q <= 4'd1;
      d_w_q <= 4'd1;
      off_y_q <= '0;
      off_x_q <= '0;
      pad_q <= '0;
      accumulate_q <= 1'b0;
      elt_op_q <= el.op;
      b_src_q <= el.b_src;
      pool_op_q <= pl.op;
      zp_q <= pp.out_zp;
      lo_q <= pp.lo;
      hi_q <= pp.hi;
      leaky_q <= pp.leaky;
      alpha_mult_q <= pp.alpha_mult;
      alpha_shift_q <= pp.alpha_shift;
      lut_en_q <= 1'b0;
      lut_sel_q <= pp.lut_sel;
      unique case (opcode_e'(insn_i[7:0]))
        OpDwconv: begin
          rd_base_q <= dw.act_addr;
          b_base_q <= dw.wb_addr;
          wr_base_q <= 24'(dw.acc_addr);
          in_h_q <= dw.in_h;
          in_w_q <= dw.in_w;
          out_h_q <= dw.out_h;
          out_w_q <= dw.out_w;
          k_h_q <= 8'(dw.k_h);
          k_w_q <= 8'(dw.k_w);
          s_h_q <= 8'(dw.stride_h);
          s_w_q <= 8'(dw.stride_w);
          d_h_q <= dw.dil_h;
          d_w_q <= dw.dil_w;
          off_y_q <= 14'(dw.y_off);
          off_x_q <= 14'(dw.x_off);
          pad_q <= dw.pad_value;
          accumulate_q <= dw.accumulate;
        end
        OpPostproc: begin
          rd_base_q <= 24'(pp.acc_addr);
          wr_base_q <= pp.ub_addr;
          prm_q <= pp.param_addr;
          rows_q <= pp.rows;
          lut_en_q <= pp.lut_en;
        end
        OpVecEltwise: begin
          rd_base_q <= el.a_addr;
          b_base_q <= el.b_addr;
          wr_base_q <= el.out_addr;
          prm_q <= el.param_addr;
          rows_q <= el.rows;
        end
        OpPool: begin
          rd_base_q <= pl.in_addr;
          wr_base_q <= pl.out_addr;
          prm_q <= pl.param_addr;
          in_h_q <= pl.in_h;
          in_w_q <= pl.in_w;
          out_h_q <= pl.out_h;
          out_w_q <= pl.out_w;
          k_h_q <= pl.k_h;
          k_w_q <= pl.k_w;
          s_h_q <= pl.stride_h;
          s_w_q <= pl.stride_w;
          off_y_q <= -14'(signed'({1'b0, pl.pad_t}));
          off_x_q <= -14'(signed'({1'b0, pl.pad_l}));
        end
        OpResize: begin
          rd_base_q <= rs.in_addr;
          wr_base_q <= rs.out_addr;
          in_h_q <= rs.in_h;
          in_w_q <= rs.in_w;
          s_h_q <= 8'(rs.scale_h);
          s_w_q <= 8'(rs.scale_w);
        end
        default: begin
          rd_base_q <= '0;
          wr_base_q <= '0;
        end
      endcase
    end
  end

  logic pool_avg;
  assign pool_avg = (op_q == OpPool) && (pool_op_q != PoolOpMax);

  // ---- Tokens ------------------------------------------------------------------------------
  typedef struct packed {
    logic             valid;  // a token (else a bubble)
    logic             wr;     // the row / pixel is complete: written in stage W
    logic             last;   // the instruction's last token
    logic             first;  // first tap of an output pixel
    logic             img;    // the tap is inside the image: its UB row was read
    logic             capa;   // VEC_ELTWISE UB_ROWS: the read is operand a
    logic [16:0]      n;      // POOL: the pixel's divisor (with wr)
    logic [AddrW-1:0] waddr;  // the row written (UB, or ACC for DWCONV)
  } tok_t;

  tok_t iss;              // the token issued this cycle
  tok_t tok_q [Stages];   // [0] = D, [1] = E, [2] = F, [3] = W

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int s = 0; s < Stages; s++) tok_q[s] <= '0;
    end else begin
      tok_q[0] <= iss;
      for (int s = 1; s < Stages; s++) tok_q[s] <= tok_q[s-1];
    end
  end

  // A token in D..W will write UB row `a` (only for the opcodes that write UB).
  function automatic logic ub_pending(logic [UbAw-1:0] a);
    logic hit;
    hit = 1'b0;
    for (int s = 0; s < Stages; s++) begin
      if (tok_q[s].valid && tok_q[s].wr && tok_q[s].waddr == AddrW'(a)) hit = 1'b1;
    end
    return hit;
  endfunction

  // ---- Prologue: PARAM / LUT / broadcast reads and the BAD_PARAM checks -------------------
  logic [1:0] pcnt_q, pcnt_d;      // StParam cycle
  logic [1:0] nparam;              // PARAM rows this instruction reads
  logic [N*32-1:0] bias_q, mult_q, shift_q;
  logic [255:0] rec_q;             // op record: PARAM lanes 0..7
  logic [N*8-1:0] b_row_q;         // VEC_ELTWISE operand b (UB_BCAST row or PARAM lanes)
  logic [256*8-1:0] lut_q;         // POSTPROC's LUT table
  logic bad_q;                     // a BAD_PARAM check failed
  logic [31:0] err_row_q;

  always_comb begin
    unique case (op_q)
      OpPostproc: nparam = 2'd3;
      OpVecEltwise: nparam = (b_src_q == BSrcParam) ? 2'd2 : 2'd1;
      OpPool: nparam = pool_avg ? 2'd1 : 2'd0;
      default: nparam = 2'd0;
    endcase
  end

  // The PARAM row read in StParam cycle pcnt_q, and the check on the row captured in it
  // (read in cycle pcnt_q - 1).
  logic [ParamAw-1:0] prm_row;
  logic chk_bad;
  logic [31:0] chk_row;
  always_comb begin
    prm_row = ParamAw'(prm_q) + ParamAw'(pcnt_q);
    if (op_q == OpVecEltwise && pcnt_q == 2'd1) prm_row = ParamAw'(b_base_q);
    chk_bad = 1'b0;
    chk_row = '0;
    if (state_q == StParam && pcnt_q != 2'd0) begin
      unique case (op_q)
        OpPostproc: begin
          // Per-channel shift in [-30, 31] (R3).
          chk_row = 32'(prm_q) + 32'd2;
          if (pcnt_q == 2'd3) begin
            for (int l = 0; l < int'(N); l++) begin
              if (signed'(param_rdata_i[32*l +: 32]) < -32'sd30 ||
                  signed'(param_rdata_i[32*l +: 32]) > 32'sd31) chk_bad = 1'b1;
            end
          end
        end
        OpVecEltwise: begin
          if (pcnt_q == 2'd1) begin
            // Record: S in [0, 62], za, zb, zo int8.
            chk_row = 32'(prm_q);
            chk_bad = !in_range(param_rdata_i[64 +: 32], 0, 62) ||
                      !in_range(param_rdata_i[96 +: 32], -128, 127) ||
                      !in_range(param_rdata_i[128 +: 32], -128, 127) ||
                      !in_range(param_rdata_i[160 +: 32], -128, 127);
          end else begin
            // PARAM operand: every lane an int8.
            chk_row = 32'(b_base_q);
            for (int l = 0; l < int'(N); l++) begin
              if (!in_range(param_rdata_i[32*l +: 32], -128, 127)) chk_bad = 1'b1;
            end
          end
        end
        OpPool: begin
          // Record: S in [0, 40], zi, zo int8.
          chk_row = 32'(prm_q);
          chk_bad = !in_range(param_rdata_i[32 +: 32], 0, 40) ||
                    !in_range(param_rdata_i[64 +: 32], -128, 127) ||
                    !in_range(param_rdata_i[96 +: 32], -128, 127);
        end
        default: ;
      endcase
    end
  end

  function automatic logic in_range(logic [31:0] v, int lo, int hi);
    return signed'(v) >= lo && signed'(v) <= hi;
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bad_q <= 1'b0;
      err_row_q <= '0;
    end else if (accept) begin
      bad_q <= 1'b0;
    end else if (chk_bad && !bad_q) begin
      bad_q <= 1'b1;
      err_row_q <= chk_row;
    end
  end

  // Captures: the row read in cycle pcnt_q - 1 arrives in cycle pcnt_q; W-stage writes to the
  // broadcast row keep b_row_q equal to UB[b_addr].
  logic snoop_b;
  always_ff @(posedge clk_i) begin
    if (state_q == StParam && pcnt_q != 2'd0) begin
      unique case (op_q)
        OpPostproc: begin
          if (pcnt_q == 2'd1) bias_q <= param_rdata_i;
          if (pcnt_q == 2'd2) mult_q <= param_rdata_i;
          if (pcnt_q == 2'd3) shift_q <= param_rdata_i;
          if (pcnt_q == 2'd1 && lut_en_q) lut_q <= lut_rdata_i;
        end
        OpVecEltwise: begin
          if (pcnt_q == 2'd1) begin
            rec_q <= param_rdata_i[255:0];
            if (b_src_q == BSrcUbBcast) b_row_q <= ub_rdata_i;
          end else begin
            for (int l = 0; l < int'(N); l++) b_row_q[8*l +: 8] <= param_rdata_i[32*l +: 8];
          end
        end
        OpPool: rec_q <= param_rdata_i[255:0];
        default: ;
      endcase
    end else if (snoop_b) begin
      b_row_q <= ub_wdata_o;
    end
  end

  // ---- Issue: address generators -----------------------------------------------------------
  // Window walker (DWCONV, POOL): output pixel (oy, ox), tap (ky, kx); input coordinates
  // iy = oy*s_h + off_y + ky*d_h, ix = ox*s_w + off_x + kx*d_w, kept incrementally, and the
  // UB row address of (iy, 0), rd_base + iy*in_w, likewise. RESIZE reuses the registers:
  // (oy, ox) output pixel, (ky, kx) position inside the scale_h x scale_w block, ix input column,
  // ra_row the input row's address. POSTPROC / VEC_ELTWISE count rows in pix.
  logic [15:0] oy_q, oy_d, ox_q, ox_d;      // output pixel
  logic [15:0] oh_q, oh_d, ow_q, ow_d;      // output height / width
  logic [7:0] ky_q, ky_d, kx_q, kx_d;
  logic [7:0] tap_q, tap_d;                 // DWCONV tap index ky*k_w + kx
  logic [23:0] pix_q, pix_d;                // output pixel / row index
  logic [16:0] cnt_q, cnt_d;                // POOL: in-image taps of the pixel so far
  logic [16:0] ntaps_q, ntaps_d;            // k_h*k_w
  logic signed [23:0] iy_q, iy_d, ix_q, ix_d, iy_row_q, iy_row_d, ix_pix_q, ix_pix_d;
  logic signed [39:0] ra_row_q, ra_row_d, ra_tap_q, ra_tap_d;
  logic [15:0] inc_dy_q, inc_dy_d;          // d_h*in_w
  logic [19:0] inc_sy_q, inc_sy_d;          // s_h*in_w
  logic ph_q, ph_d;                         // VEC_ELTWISE UB_ROWS: 0 = read a, 1 = read b

  logic issued_last;                        // the last token is issued this cycle
  logic [31:0] cnt_macs, cnt_ub_rd, cnt_wb_rd, cnt_acc_rd;

  always_comb begin
    logic [23:0] a_addr, b_addr;
    logic img, lastt, lastp, stall;
    logic [UbAw-1:0] tap_addr;
    logic [16:0] cnt_cur;
    iss = '0;
    ub_re_o = 1'b0;
    ub_raddr_o = '0;
    wb_re_o = 1'b0;
    wb_raddr_o = '0;
    acc_re_o = 1'b0;
    acc_raddr_o = '0;
    param_re_o = 1'b0;
    param_raddr_o = '0;
    lut_re_o = 1'b0;
    lut_raddr_o = '0;
    cnt_macs = '0;
    cnt_ub_rd = '0;
    cnt_wb_rd = '0;
    cnt_acc_rd = '0;
    issued_last = 1'b0;
    oy_d = oy_q;
    ox_d = ox_q;
    oh_d = oh_q;
    ow_d = ow_q;
    ky_d = ky_q;
    kx_d = kx_q;
    tap_d = tap_q;
    pix_d = pix_q;
    cnt_d = cnt_q;
    ntaps_d = ntaps_q;
    iy_d = iy_q;
    ix_d = ix_q;
    iy_row_d = iy_row_q;
    ix_pix_d = ix_pix_q;
    ra_row_d = ra_row_q;
    ra_tap_d = ra_tap_q;
    inc_dy_d = inc_dy_q;
    inc_sy_d = inc_sy_q;
    ph_d = ph_q;
    a_addr = '0;
    b_addr = '0;
    img = 1'b0;
    lastt = 1'b0;
    lastp = 1'b0;
    stall = 1'b0;
    tap_addr = '0;
    cnt_cur = '0;

    if (state_q == StParam) begin
      // The prologue's reads.
      if (pcnt_q < nparam) begin
        param_re_o = 1'b1;
        param_raddr_o = prm_row;
      end
      if (pcnt_q == 2'd0) begin
        if (op_q == OpPostproc && lut_en_q) begin
          lut_re_o = 1'b1;
          lut_raddr_o = LutAw'(lut_sel_q);
        end
        if (op_q == OpVecEltwise && b_src_q == BSrcUbBcast) begin
          ub_re_o = 1'b1;
          ub_raddr_o = UbAw'(b_base_q);
        end
        // Address generator set-up.
        oy_d = '0;
        ox_d = '0;
        ky_d = '0;
        kx_d = '0;
        tap_d = '0;
        pix_d = '0;
        cnt_d = '0;
        ph_d = 1'b0;
        oh_d = 16'(out_h_q);
        ow_d = 16'(out_w_q);
        ntaps_d = 17'(k_h_q) * 17'(k_w_q);
        iy_d = 24'(off_y_q);
        ix_d = 24'(off_x_q);
        iy_row_d = 24'(off_y_q);
        ix_pix_d = 24'(off_x_q);
        ra_row_d = 40'(signed'({1'b0, rd_base_q})) +
                   40'(off_y_q) * 40'(signed'({1'b0, in_w_q}));
        ra_tap_d = ra_row_d;
        inc_dy_d = 16'(d_h_q) * 16'(in_w_q);
        inc_sy_d = 20'(s_h_q) * 20'(in_w_q);
        if (op_q == OpResize) begin
          oh_d = 16'(in_h_q) * 16'(s_h_q);
          ow_d = 16'(in_w_q) * 16'(s_w_q);
          ix_d = '0;
          ra_row_d = 40'(rd_base_q);
        end
      end
    end else if (state_q == StRun) begin
      unique case (op_q)
        OpPostproc: begin
          acc_re_o = 1'b1;
          acc_raddr_o = AccAw'(rd_base_q + pix_q);
          cnt_acc_rd = RowBytes32;
          iss.valid = 1'b1;
          iss.wr = 1'b1;
          iss.first = 1'b1;
          iss.waddr = AddrW'(wr_base_q + pix_q);
          iss.last = (pix_q == 24'(rows_q) - 24'd1);
          pix_d = pix_q + 24'd1;
        end
        OpVecEltwise: begin
          a_addr = rd_base_q + pix_q;
          b_addr = b_base_q + pix_q;
          if (b_src_q == BSrcUbRows && !ph_q) begin
            // Operand a of the row; b follows in the next issue.
            if (!ub_pending(UbAw'(a_addr))) begin
              ub_re_o = 1'b1;
              ub_raddr_o = UbAw'(a_addr);
              cnt_ub_rd = RowBytes8;
              iss.valid = 1'b1;
              iss.capa = 1'b1;
              ph_d = 1'b1;
            end
          end else begin
            if (b_src_q == BSrcUbRows) begin
              stall = ub_pending(UbAw'(b_addr));
            end else begin
              stall = ub_pending(UbAw'(a_addr)) ||
                      (b_src_q == BSrcUbBcast &&
                       ub_pending(UbAw'(b_base_q)));
            end
            if (!stall) begin
              ub_re_o = 1'b1;
              ub_raddr_o = UbAw'(b_src_q == BSrcUbRows ? b_addr : a_addr);
              // Golden counts a and b (UB_ROWS, UB_BCAST) per row.
              cnt_ub_rd = (b_src_q == BSrcUbBcast) ? 2 * RowBytes8 : RowBytes8;
              iss.valid = 1'b1;
              iss.wr = 1'b1;
              iss.first = 1'b1;
              iss.waddr = AddrW'(wr_base_q + pix_q);
              iss.last = (pix_q == 24'(rows_q) - 24'd1);
              pix_d = pix_q + 24'd1;
              ph_d = 1'b0;
            end
          end
        end
        OpDwconv, OpPool: begin
          img = iy_q >= 0 && iy_q < 24'(signed'({1'b0, in_h_q})) &&
                ix_q >= 0 && ix_q < 24'(signed'({1'b0, in_w_q}));
          tap_addr = UbAw'(ra_tap_q + 40'(ix_q));
          lastt = (kx_q == k_w_q - 8'd1) && (ky_q == k_h_q - 8'd1);
          lastp = (ox_q == ow_q - 16'd1) && (oy_q == oh_q - 16'd1);
          stall = op_q == OpPool && img &&
                  ub_pending(tap_addr);
          if (!stall) begin
            ub_re_o = img;
            ub_raddr_o = img ? tap_addr : '0;
            cnt_ub_rd = img ? RowBytes8 : '0;
            iss.valid = 1'b1;
            iss.first = (kx_q == 8'd0) && (ky_q == 8'd0);
            iss.img = img;
            iss.wr = lastt;
            iss.last = lastt && lastp;
            iss.waddr = AddrW'(wr_base_q + pix_q);
            cnt_cur = cnt_q + 17'(img);
            iss.n = (pool_op_q == PoolOpAvgPad) ? ntaps_q : cnt_cur;
            cnt_d = lastt ? '0 : cnt_cur;
            if (op_q == OpDwconv) begin
              wb_re_o = 1'b1;
              wb_raddr_o = WbAw'(b_base_q + 24'(tap_q));
              // Golden counts each tap's WB row once per instruction.
              cnt_wb_rd = (pix_q == '0) ? RowBytes8 : '0;
              cnt_macs = RowBytes8;
              if (lastt && accumulate_q) begin
                acc_re_o = 1'b1;
                acc_raddr_o = AccAw'(wr_base_q + pix_q);
                cnt_acc_rd = RowBytes32;
              end
            end
            // Next tap.
            if (kx_q != k_w_q - 8'd1) begin
              kx_d = kx_q + 8'd1;
              ix_d = ix_q + 24'(d_w_q);
              tap_d = tap_q + 8'd1;
            end else begin
              kx_d = '0;
              ix_d = ix_pix_q;
              if (ky_q != k_h_q - 8'd1) begin
                ky_d = ky_q + 8'd1;
                iy_d = iy_q + 24'(d_h_q);
                ra_tap_d = ra_tap_q + 40'(inc_dy_q);
                tap_d = tap_q + 8'd1;
              end else begin
                ky_d = '0;
                tap_d = '0;
                pix_d = pix_q + 24'd1;
                if (ox_q != ow_q - 16'd1) begin
                  ox_d = ox_q + 16'd1;
                  ix_pix_d = ix_pix_q + 24'(s_w_q);
                  ix_d = ix_pix_q + 24'(s_w_q);
                  iy_d = iy_row_q;
                  ra_tap_d = ra_row_q;
                end else begin
                  ox_d = '0;
                  oy_d = oy_q + 16'd1;
                  ix_pix_d = 24'(off_x_q);
                  ix_d = 24'(off_x_q);
                  iy_row_d = iy_row_q + 24'(s_h_q);
                  iy_d = iy_row_q + 24'(s_h_q);
                  ra_row_d = ra_row_q + 40'(inc_sy_q);
                  ra_tap_d = ra_row_q + 40'(inc_sy_q);
                end
              end
            end
          end
        end
        OpResize: begin
          // Input and output never overlap (BAD_FIELD in the shell): no hazard.
          lastp = (ox_q == ow_q - 16'd1) && (oy_q == oh_q - 16'd1);
          ub_re_o = 1'b1;
          ub_raddr_o = UbAw'(ra_row_q + 40'(ix_q));
          cnt_ub_rd = RowBytes8;
          iss.valid = 1'b1;
          iss.wr = 1'b1;
          iss.first = 1'b1;
          iss.last = lastp;
          iss.waddr = AddrW'(wr_base_q + pix_q);
          pix_d = pix_q + 24'd1;
          if (ox_q != ow_q - 16'd1) begin
            ox_d = ox_q + 16'd1;
            if (kx_q != s_w_q - 8'd1) begin
              kx_d = kx_q + 8'd1;
            end else begin
              kx_d = '0;
              ix_d = ix_q + 24'sd1;
            end
          end else begin
            ox_d = '0;
            kx_d = '0;
            ix_d = '0;
            oy_d = oy_q + 16'd1;
            if (ky_q != s_h_q - 8'd1) begin
              ky_d = ky_q + 8'd1;
            end else begin
              ky_d = '0;
              ra_row_d = ra_row_q + 40'(in_w_q);
            end
          end
        end
        default: ;
      endcase
      issued_last = iss.valid && iss.last;
    end
  end

  // The address generators change only while an instruction is set up or issues.
  logic agen_en;
  assign agen_en = state_q == StParam || state_q == StRun;
  always_ff @(posedge clk_i) begin
    if (agen_en) begin
      oy_q <= oy_d;
      ox_q <= ox_d;
      oh_q <= oh_d;
      ow_q <= ow_d;
      ky_q <= ky_d;
      kx_q <= kx_d;
      tap_q <= tap_d;
      pix_q <= pix_d;
      cnt_q <= cnt_d;
      ntaps_q <= ntaps_d;
      iy_q <= iy_d;
      ix_q <= ix_d;
      iy_row_q <= iy_row_d;
      ix_pix_q <= ix_pix_d;
      ra_row_q <= ra_row_d;
      ra_tap_q <= ra_tap_d;
      inc_dy_q <= inc_dy_d;
      inc_sy_q <= inc_sy_d;
      ph_q <= ph_d;
    end
  end

  // ---- Control -----------------------------------------------------------------------------
  logic done_w;  // the instruction's last row is written this cycle
  assign done_w = tok_q[Stages-1].valid && tok_q[Stages-1].last;

  always_comb begin
    state_d = state_q;
    pcnt_d = pcnt_q;
    unique case (state_q)
      StIdle: ;
      StParam: begin
        if (pcnt_q == nparam) begin
          state_d = (bad_q || chk_bad) ? StErr : StRun;
        end else begin
          pcnt_d = pcnt_q + 2'd1;
        end
      end
      StRun: if (issued_last) state_d = StDrain;
      StDrain: if (done_w) state_d = StIdle;
      StErr: state_d = StIdle;
      default: state_d = StIdle;
    endcase
    if (accept) begin
      state_d = StParam;
      pcnt_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      pcnt_q <= '0;
    end else begin
      state_q <= state_d;
      pcnt_q <= pcnt_d;
    end
  end

  assign done_o = done_w || state_q == StErr;
  assign err_o = state_q == StErr;
  assign err_row_o = err_row_q;
  assign idle_o = state_q == StIdle;
  assign busy_o = state_q != StIdle;
  assign array_busy_o = 1'b0;

  // ---- Lanes -------------------------------------------------------------------------------
  logic [31:0] lane_o [N];
  for (genvar l = 0; l < int'(N); l++) begin : g_lane
    aorta_vec_lane u_lane (
      .clk_i,
      .op_i          (op_q),
      .elt_op_i      (elt_op_q),
      .pool_avg_i    (pool_avg),
      .a_held_i      (b_src_q == BSrcUbRows),
      .rec_i         (rec_q),
      .zp_i          (zp_q),
      .lo_i          (lo_q),
      .hi_i          (hi_q),
      .leaky_i       (leaky_q),
      .alpha_mult_i  (alpha_mult_q),
      .alpha_shift_i (alpha_shift_q),
      .pad_i         (pad_q),
      .accumulate_i  (accumulate_q),
      .bias_i        (bias_q[32*l +: 32]),
      .mult_i        (mult_q[32*l +: 32]),
      .shift_i       (shift_q[32*l +: 32]),
      .d_en_i        (tok_q[0].valid),
      .d_first_i     (tok_q[0].first),
      .d_lastt_i     (tok_q[0].wr),
      .d_img_i       (tok_q[0].img),
      .d_capa_i      (tok_q[0].capa),
      .a_i           (ub_rdata_i[8*l +: 8]),
      .b_i           (b_src_q == BSrcUbRows ? ub_rdata_i[8*l +: 8] : b_row_q[8*l +: 8]),
      .w_i           (wb_rdata_i[8*l +: 8]),
      .old_i         (acc_rdata_i[32*l +: 32]),
      .e_en_i        (tok_q[1].valid && tok_q[1].wr),
      .e_n_i         (tok_q[1].n),
      .f_en_i        (tok_q[2].valid && tok_q[2].wr),
      .f_n_i         (tok_q[2].n),
      .o_o           (lane_o[l])
    );
  end

  // ---- Stage W: write ----------------------------------------------------------------------
  always_comb begin
    ub_we_o = 1'b0;
    ub_waddr_o = '0;
    ub_wdata_o = '0;
    acc_we_o = 1'b0;
    acc_waddr_o = '0;
    acc_wdata_o = '0;
    if (tok_q[Stages-1].valid && tok_q[Stages-1].wr) begin
      if (op_q == OpDwconv) begin
        acc_we_o = 1'b1;
        acc_waddr_o = AccAw'(tok_q[Stages-1].waddr);
        for (int l = 0; l < int'(N); l++) acc_wdata_o[32*l +: 32] = lane_o[l];
      end else begin
        ub_we_o = 1'b1;
        ub_waddr_o = UbAw'(tok_q[Stages-1].waddr);
        for (int l = 0; l < int'(N); l++) begin
          // POSTPROC's LUT: entry q + 128 of the table.
          ub_wdata_o[8*l +: 8] = lane_o[l][7:0];
          if (op_q == OpPostproc && lut_en_q) begin
            ub_wdata_o[8*l +: 8] = lut_q[{lane_o[l][7:0] ^ 8'h80, 3'b000} +: 8];
          end
        end
      end
    end
  end
  assign snoop_b = ub_we_o && op_q == OpVecEltwise && b_src_q == BSrcUbBcast &&
                   ub_waddr_o == UbAw'(b_base_q);

  // ---- Perf --------------------------------------------------------------------------------
  assign macs_o = cnt_macs;
  assign ub_rd_bytes_o = cnt_ub_rd;
  assign wb_rd_bytes_o = cnt_wb_rd;
  assign acc_rd_bytes_o = cnt_acc_rd;
  assign ub_wr_bytes_o = ub_we_o ? RowBytes8 : '0;
  assign acc_wr_bytes_o = acc_we_o ? RowBytes32 : '0;

  // ---- Assertions --------------------------------------------------------------------------
`ifndef SYNTHESIS
  // The shell holds an offered instruction until it is accepted.
  InsnValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      insn_valid_i && !insn_ready_o |=> insn_valid_i && $stable(insn_i));
  // Only the vector opcodes are dispatched here.
  InsnIsVector: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept |-> insn_i[7:0] inside {OpDwconv, OpPostproc, OpVecEltwise, OpPool, OpResize});
  // The LUT table named is one of the chip's (the shell's CHIP_RANGE check).
  LutSelInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      lut_re_o |-> 32'(lut_sel_q) < LutTables);
  // A UB read never races a pending write of the same instruction (the issue stalls).
  NoReadOfPendingRow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ub_re_o && state_q == StRun && op_q != OpDwconv |->
      !ub_pending(ub_raddr_o));
  // One done per instruction: a done only while an instruction is in flight.
  DoneOnlyWhenBusy: assert property (@(posedge clk_i) disable iff (!rst_ni)
      done_o |-> state_q == StDrain || state_q == StErr);
  // Nothing is written before the BAD_PARAM checks have passed.
  NoWriteOutsideRun: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (ub_we_o || acc_we_o) |-> state_q == StRun || state_q == StDrain);
`endif
endmodule
