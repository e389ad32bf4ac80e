// The on-chip range checks of one decoded instruction (docs/isa.md "Range checks"), exactly as
// the golden model makes them (core/golden/datapath.h: the order of the regions per instruction,
// BAD_FIELD for a DMA row_bytes wider than the row and for overlapping RESIZE regions, and
// CHIP_RANGE with ERR_ADDR = max(first row of the region, rows of the memory) | mem << 56).
// External checks (DMA_BOUNDS / DMA_FAULT) belong to the DMA engine and BAD_PARAM to the units.
//
// Multi-cycle: start_i takes insn_i (a word that passed decode_check); the window reads of
// MATMUL / DWCONV / POOL are bounded one kernel tap per cycle for both axes at once, as
// core/isa/extents.cc InImageRange does (max(k_h, k_w) cycles; 1 for MATMUL), then one cycle
// evaluates every region. done_o pulses with code_o / addr_o (code ErrCodeNone: no fault);
// the next start_i may come in the same cycle.
module aorta_range_check
  import aorta_isa_pkg::*;
  import aorta_regs_pkg::*;
#(
  parameter int unsigned N         = 8,
  parameter int unsigned UbRows    = 8192,
  parameter int unsigned WbRows    = 4096,
  parameter int unsigned AccRows   = 1024,
  parameter int unsigned ParamRows = 256,
  parameter int unsigned LutTables = 4
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,
  input  logic [InsnWidth-1:0] insn_i,
  output logic                 busy_o,
  output logic                 done_o,
  output err_code_e            code_o,
  output logic [63:0]          addr_o
);
  localparam int unsigned AW = 40;  // wide enough for every region bound (< 2^33)
  typedef logic [AW-1:0] row_t;
  typedef logic signed [31:0] sint_t;

  typedef enum logic [1:0] {
    Idle,
    Taps,
    Eval
  } state_e;

  state_e                 state_q, state_d;
  logic [InsnWidth-1:0]   insn_q;
  logic [7:0]             tap_q, tap_d;
  logic                   y_any_q, y_any_d, x_any_q, x_any_d;
  sint_t                  y_min_q, y_min_d, y_max_q, y_max_d;
  sint_t                  x_min_q, x_min_d, x_max_q, x_max_d;

  // ---- The instruction's fields ------------------------------------------------------------
  // Each view covers the whole word; the checks read only the address / size fields.
  /* verilator lint_off UNUSEDSIGNAL */
  opcode_e      op;
  dma_load_t    f_ld;
  dma_store_t   f_st;
  recv_t        f_recv;
  send_t        f_send;
  loadw_t       f_loadw;
  matmul_t      f_mm;
  dwconv_t      f_dw;
  postproc_t    f_pp;
  vec_eltwise_t f_el;
  pool_t        f_pool;
  resize_t      f_rs;
  /* verilator lint_on UNUSEDSIGNAL */
  assign op      = opcode_e'(insn_q[7:0]);
  assign f_ld    = dma_load_t'(insn_q);
  assign f_st    = dma_store_t'(insn_q);
  assign f_recv  = recv_t'(insn_q);
  assign f_send  = send_t'(insn_q);
  assign f_loadw = loadw_t'(insn_q);
  assign f_mm    = matmul_t'(insn_q);
  assign f_dw    = dwconv_t'(insn_q);
  assign f_pp    = postproc_t'(insn_q);
  assign f_el    = vec_eltwise_t'(insn_q);
  assign f_pool  = pool_t'(insn_q);
  assign f_rs    = resize_t'(insn_q);

  // ---- Window geometry per axis -------------------------------------------------------------
  typedef struct packed {
    logic [8:0]  taps;    // 0: no window read
    logic [11:0] out;
    logic [7:0]  stride;
    logic [3:0]  dil;
    sint_t       off;
    logic [11:0] in;
  } axis_t;

  axis_t       ay, ax;
  row_t        win_base;
  logic [11:0] win_in_w;

  always_comb begin
    ay       = '0;
    ax       = '0;
    win_base = '0;
    win_in_w = '0;
    unique case (op)
      OpMatmul: begin
        ay = '{taps: 9'd1, out: f_mm.out_h, stride: 8'(f_mm.stride_h), dil: 4'd1,
               off: sint_t'(f_mm.y_off), in: f_mm.in_h};
        ax = '{taps: 9'd1, out: f_mm.out_w, stride: 8'(f_mm.stride_w), dil: 4'd1,
               off: sint_t'(f_mm.x_off), in: f_mm.in_w};
        win_base = row_t'(f_mm.act_addr);
        win_in_w = f_mm.in_w;
      end
      OpDwconv: begin
        ay = '{taps: 9'(f_dw.k_h), out: f_dw.out_h, stride: 8'(f_dw.stride_h), dil: f_dw.dil_h,
               off: sint_t'(f_dw.y_off), in: f_dw.in_h};
        ax = '{taps: 9'(f_dw.k_w), out: f_dw.out_w, stride: 8'(f_dw.stride_w), dil: f_dw.dil_w,
               off: sint_t'(f_dw.x_off), in: f_dw.in_w};
        win_base = row_t'(f_dw.act_addr);
        win_in_w = f_dw.in_w;
      end
      OpPool: begin
        ay = '{taps: 9'(f_pool.k_h), out: f_pool.out_h, stride: f_pool.stride_h, dil: 4'd1,
               off: -sint_t'({24'd0, f_pool.pad_t}), in: f_pool.in_h};
        ax = '{taps: 9'(f_pool.k_w), out: f_pool.out_w, stride: f_pool.stride_w, dil: 4'd1,
               off: -sint_t'({24'd0, f_pool.pad_l}), in: f_pool.in_w};
        win_base = row_t'(f_pool.in_addr);
        win_in_w = f_pool.in_w;
      end
      default: ;
    endcase
  end

  // Floor of a / b for b > 0 (SystemVerilog's signed division truncates towards zero).
  function automatic sint_t floor_div(sint_t a, sint_t b);
    if (a >= 0) return a / b;
    return -((-a + b - 1) / b);
  endfunction

  // One tap t of one axis: the in-image positions o*stride + t*dil + off, o < out.
  typedef struct packed {
    logic  any;
    sint_t min;
    sint_t max;
  } tap_range_t;

  function automatic tap_range_t tap_range(axis_t a, logic [7:0] t);
    tap_range_t r;
    sint_t s, base, lo, hi;
    s    = sint_t'({24'd0, a.stride});
    base = sint_t'({24'd0, t}) * sint_t'({28'd0, a.dil}) + a.off;
    lo   = -floor_div(base, s);  // ceil(-base / s)
    if (lo < 0) lo = 0;
    hi = floor_div(sint_t'({20'd0, a.in}) - 1 - base, s);
    if (hi > sint_t'({20'd0, a.out}) - 1) hi = sint_t'({20'd0, a.out}) - 1;
    r.any = (9'(t) < a.taps) && lo <= hi;
    r.min = lo * s + base;
    r.max = hi * s + base;
    return r;
  endfunction

  tap_range_t ty, tx;
  logic [8:0] taps_max;
  assign ty       = tap_range(ay, tap_q);
  assign tx       = tap_range(ax, tap_q);
  assign taps_max = ay.taps > ax.taps ? ay.taps : ax.taps;

  // ---- Region checks, in the golden model's order -----------------------------------------
  function automatic logic [63:0] range_addr(mem_e m, row_t row);
    return {5'd0, m, 56'(row)};
  endfunction

  // Rows of each memory, as region bounds.
  function automatic row_t rows_of(mem_e m);
    unique case (m)
      MemUb:    return row_t'(UbRows);
      MemWb:    return row_t'(WbRows);
      MemAcc:   return row_t'(AccRows);
      MemParam: return row_t'(ParamRows);
      MemLut:   return row_t'(LutTables);
      default:  return '0;
    endcase
  endfunction

  function automatic row_t row_bytes_of(mem_e m);
    unique case (m)
      MemUb, MemWb:     return row_t'(N);
      MemAcc, MemParam: return row_t'(4 * N);
      MemLut:           return row_t'(256);
      default:          return '0;
    endcase
  endfunction

  err_code_e   code_d;
  logic [63:0] addr_d;
  row_t        win_first, win_last;
  row_t        pixels, rs_in, rs_out;

  always_comb begin
    win_first = win_base + row_t'(y_min_q) * row_t'(win_in_w) + row_t'(x_min_q);
    win_last  = win_base + row_t'(y_max_q) * row_t'(win_in_w) + row_t'(x_max_q);
    pixels    = '0;
    rs_in     = row_t'(f_rs.in_h) * row_t'(f_rs.in_w);
    rs_out    = rs_in * row_t'(f_rs.scale_h) * row_t'(f_rs.scale_w);
    code_d    = ErrCodeNone;
    addr_d    = '0;

    // The first failing region wins; `check` records it.
    begin : regions
      logic found;
      found = 1'b0;
      unique case (op)
        OpDmaLoad: begin
          if (row_t'(f_ld.row_bytes) > row_bytes_of(f_ld.mem)) begin
            found  = 1'b1;
            code_d = ErrCodeBadField;
          end
          check(found, f_ld.mem, row_t'(f_ld.chip_addr), row_t'(f_ld.rows));
        end
        OpDmaStore: begin
          if (row_t'(f_st.row_bytes) > row_bytes_of(f_st.mem)) begin
            found  = 1'b1;
            code_d = ErrCodeBadField;
          end
          check(found, f_st.mem, row_t'(f_st.chip_addr), row_t'(f_st.rows));
        end
        OpRecv: check(found, MemUb, row_t'(f_recv.ub_addr), row_t'(f_recv.rows));
        OpSend: check(found, MemUb, row_t'(f_send.ub_addr), row_t'(f_send.rows));
        OpLoadw: check(found, MemWb, row_t'(f_loadw.wb_addr), row_t'(N));
        OpMatmul: begin
          pixels = row_t'(f_mm.out_h) * row_t'(f_mm.out_w);
          if (y_any_q && x_any_q) check(found, MemUb, win_first, win_last - win_first + 1);
          check(found, MemAcc, row_t'(f_mm.acc_addr), pixels);
        end
        OpDwconv: begin
          pixels = row_t'(f_dw.out_h) * row_t'(f_dw.out_w);
          if (y_any_q && x_any_q) check(found, MemUb, win_first, win_last - win_first + 1);
          check(found, MemWb, row_t'(f_dw.wb_addr), row_t'(f_dw.k_h) * row_t'(f_dw.k_w));
          check(found, MemAcc, row_t'(f_dw.acc_addr), pixels);
        end
        OpPostproc: begin
          check(found, MemAcc, row_t'(f_pp.acc_addr), row_t'(f_pp.rows));
          check(found, MemUb, row_t'(f_pp.ub_addr), row_t'(f_pp.rows));
          check(found, MemParam, row_t'(f_pp.param_addr), row_t'(3));
          if (f_pp.lut_en) check(found, MemLut, row_t'(f_pp.lut_sel), row_t'(1));
        end
        OpVecEltwise: begin
          check(found, MemParam, row_t'(f_el.param_addr), row_t'(1));
          check(found, MemUb, row_t'(f_el.a_addr), row_t'(f_el.rows));
          unique case (f_el.b_src)
            BSrcUbRows:  check(found, MemUb, row_t'(f_el.b_addr), row_t'(f_el.rows));
            BSrcUbBcast: check(found, MemUb, row_t'(f_el.b_addr), row_t'(1));
            default:     check(found, MemParam, row_t'(f_el.b_addr), row_t'(1));
          endcase
          check(found, MemUb, row_t'(f_el.out_addr), row_t'(f_el.rows));
        end
        OpPool: begin
          pixels = row_t'(f_pool.out_h) * row_t'(f_pool.out_w);
          if (y_any_q && x_any_q) check(found, MemUb, win_first, win_last - win_first + 1);
          check(found, MemUb, row_t'(f_pool.out_addr), pixels);
          if (f_pool.op != PoolOpMax) check(found, MemParam, row_t'(f_pool.param_addr), row_t'(1));
        end
        OpResize: begin
          check(found, MemUb, row_t'(f_rs.in_addr), rs_in);
          check(found, MemUb, row_t'(f_rs.out_addr), rs_out);
          if (!found && row_t'(f_rs.in_addr) < row_t'(f_rs.out_addr) + rs_out &&
              row_t'(f_rs.out_addr) < row_t'(f_rs.in_addr) + rs_in) begin
            found  = 1'b1;
            code_d = ErrCodeBadField;
          end
        end
        default: ;  // barriers: nothing on chip
      endcase
    end
  end

  // Rows [first, first + count) of memory m: CHIP_RANGE unless inside (count 0: nothing).
  task automatic check(inout logic found, input mem_e m, input row_t first, input row_t count);
    row_t rows;
    rows = rows_of(m);
    if (!found && count != '0 && (first >= rows || count > rows - first)) begin
      found  = 1'b1;
      code_d = ErrCodeChipRange;
      addr_d = range_addr(m, first > rows ? first : rows);
    end
  endtask

  // ---- Sequencing ----------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    tap_d   = tap_q;
    y_any_d = y_any_q;
    x_any_d = x_any_q;
    y_min_d = y_min_q;
    y_max_d = y_max_q;
    x_min_d = x_min_q;
    x_max_d = x_max_q;
    unique case (state_q)
      Idle, Eval: begin
        if (start_i) begin
          state_d = Taps;
          tap_d   = '0;
          y_any_d = 1'b0;
          x_any_d = 1'b0;
        end else begin
          state_d = Idle;
        end
      end
      Taps: begin
        if (ty.any) begin
          y_min_d = (!y_any_q || ty.min < y_min_q) ? ty.min : y_min_q;
          y_max_d = (!y_any_q || ty.max > y_max_q) ? ty.max : y_max_q;
          y_any_d = 1'b1;
        end
        if (tx.any) begin
          x_min_d = (!x_any_q || tx.min < x_min_q) ? tx.min : x_min_q;
          x_max_d = (!x_any_q || tx.max > x_max_q) ? tx.max : x_max_q;
          x_any_d = 1'b1;
        end
        tap_d = tap_q + 1'b1;
        if (9'(tap_q) + 9'd1 >= taps_max) state_d = Eval;
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= Idle;
      tap_q   <= '0;
      y_any_q <= 1'b0;
      x_any_q <= 1'b0;
      y_min_q <= '0;
      y_max_q <= '0;
      x_min_q <= '0;
      x_max_q <= '0;
      insn_q  <= '0;
    end else begin
      state_q <= state_d;
      tap_q   <= tap_d;
      y_any_q <= y_any_d;
      x_any_q <= x_any_d;
      y_min_q <= y_min_d;
      y_max_q <= y_max_d;
      x_min_q <= x_min_d;
      x_max_q <= x_max_d;
      if (start_i && state_q != Taps) insn_q <= insn_i;
    end
  end

  assign busy_o = state_q == Taps;
  assign done_o = state_q == Eval;
  assign code_o = code_d;
  assign addr_o = addr_d;

`ifndef SYNTHESIS
  StartOnlyWhenFree: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                      start_i |-> state_q != Taps)
    else $error("aorta_range_check: start while checking");
`endif
endmodule
