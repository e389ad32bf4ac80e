// aorta_dma_check: the checks a DMA job passes before it moves a byte, in the golden model's
// order (core/golden/golden_device.h, "DMA"):
//   1. BAD_FIELD   row_bytes > the row width of `mem` (or `mem` not a memory);
//   2. CHIP_RANGE  rows chip_addr .. chip_addr + rows - 1 outside `mem`
//                  (ERR_ADDR = max(chip_addr, rows of mem) | mem << 56);
//   3. DMA_BOUNDS  for every row r the slot offsets o_r = ext_offset + r * ext_stride ..
//                  o_r + row_bytes - 1 must be < SLOT_SIZE (ERR_ADDR = max(o_r, SLOT_SIZE) of
//                  the first failing row);
//   4. DMA_FAULT   every row's device addresses a_r = SLOT_BASE + o_r .. + row_bytes - 1 must lie
//                  in board DRAM [0, DramBytes) or in the host window [2^47, 2^48)
//                  (ERR_ADDR: the region's end if the row starts inside it, else a_r).
// Steps 1-2 are skipped for PERF records (chip_check_i = 0).
//
// Rows are affine in r, so each of steps 3 and 4 is a monotone predicate "row r fails" over r:
// the checker tests the last row (one cycle: every job that passes costs one cycle per step) and
// only when that fails looks for the first failing row by bisection (at most 20 more cycles). For
// step 4 the region is the one row 0 starts in; a later row cannot jump over the gap between DRAM
// and the host window because rows are at most 2^32 bytes apart and DramBytes <= 2^47 - 2^33
// (asserted), so the first row leaving the region is the first failing one, as in the golden
// model's row-by-row scan.
//
// Latency from start_i to done_o: 4 cycles for a job that passes; a failing step adds up to 21.
module aorta_dma_check
  import aorta_isa_pkg::*;
  import aorta_regs_pkg::*;
#(
  parameter int unsigned N         = 16,
  parameter int unsigned UbRows    = 65536,
  parameter int unsigned WbRows    = 65536,
  parameter int unsigned AccRows   = 4096,
  parameter int unsigned ParamRows = 2048,
  parameter int unsigned LutTables = 16,
  parameter logic [63:0] DramBytes = 64'h1_0000_0000
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        abort_i,       // back to idle, no done_o
  input  logic        start_i,       // inputs below are held from start_i until done_o
  input  logic        chip_check_i,  // steps 1-2 (DMA_LOAD / DMA_STORE), not for PERF
  input  logic [2:0]  mem_i,
  input  logic [23:0] chip_addr_i,
  input  logic [19:0] rows_i,
  input  logic [11:0] row_bytes_i,
  input  logic [39:0] ext_offset_i,
  input  logic [31:0] ext_stride_i,
  input  logic [63:0] slot_base_i,
  input  logic [63:0] slot_size_i,
  output logic        busy_o,
  output logic        done_o,        // one pulse per start_i
  output logic        err_o,
  output err_code_e   err_code_o,
  output logic [63:0] err_addr_o,
  output logic [63:0] addr0_o        // device address of row 0 (SLOT_BASE + ext_offset)
);

  localparam logic [66:0] HostBase = 67'(1) << 47;
  localparam logic [66:0] HostEnd  = 67'(1) << 48;

  typedef enum logic [2:0] {
    StIdle, StChip, StLast, StFirst, StSearch
  } state_e;

  state_e      state_q, state_d;
  logic        map_q, map_d;          // step 4 (else step 3)
  logic [66:0] x_q, x_d;              // o_0 (step 3) or a_0 (step 4)
  logic [66:0] lim_q, lim_d;          // SLOT_SIZE, or the region's end (0: no region)
  logic [19:0] lo_q, lo_d, hi_q, hi_d;
  logic        done_q, done_d, err_q, err_d;
  err_code_e   code_q, code_d;
  logic [63:0] eaddr_q, eaddr_d;

  // ---- Row widths and counts of the memories (isa.md, "Geometry and memories") --------------

  logic        mem_ok;
  logic [31:0] mem_row_bytes, mem_rows;
  always_comb begin
    mem_ok = 1'b1;
    unique case (mem_i)
      MemUb:    begin mem_row_bytes = 32'(N);     mem_rows = 32'(UbRows);    end
      MemWb:    begin mem_row_bytes = 32'(N);     mem_rows = 32'(WbRows);    end
      MemAcc:   begin mem_row_bytes = 32'(4 * N); mem_rows = 32'(AccRows);   end
      MemParam: begin mem_row_bytes = 32'(4 * N); mem_rows = 32'(ParamRows); end
      MemLut:   begin mem_row_bytes = 32'd256;    mem_rows = 32'(LutTables); end
      default:  begin mem_ok = 1'b0; mem_row_bytes = '0; mem_rows = '0; end
    endcase
  end

  logic bad_field, chip_range;
  logic [31:0] chip_first;
  assign chip_first = 32'(chip_addr_i);
  assign bad_field  = !mem_ok || 32'(row_bytes_i) > mem_row_bytes;
  assign chip_range = chip_first >= mem_rows || 32'(rows_i) > mem_rows - chip_first;

  // ---- The row predicate: row r fails iff x + r * stride + row_bytes > lim ----------------

  logic [19:0] r_sel, mid, last_row;
  logic [66:0] v;
  logic        fail;
  assign last_row = rows_i - 20'd1;
  assign mid = 20'((21'(lo_q) + 21'(hi_q)) >> 1);
  always_comb begin
    unique case (state_q)
      StLast:   r_sel = last_row;
      StSearch: r_sel = (hi_q == lo_q + 20'd1) ? hi_q : mid;
      default:  r_sel = '0;
    endcase
  end
  assign v    = x_q + 67'(r_sel) * 67'(ext_stride_i);
  assign fail = v + 67'(row_bytes_i) > lim_q;

  // Step 4 set-up: the region row 0 starts in.
  logic [63:0] a0_64;
  logic [66:0] a0;
  logic [66:0] region_end;
  assign a0_64 = slot_base_i + 64'(ext_offset_i);  // modulo 2^64, as the golden model
  assign a0 = 67'(a0_64);
  always_comb begin
    if (a0 < 67'(DramBytes))                 region_end = 67'(DramBytes);
    else if (a0 >= HostBase && a0 < HostEnd) region_end = HostEnd;
    else                                     region_end = '0;  // every row fails, at a_0
  end

  always_comb begin
    state_d = state_q;
    map_d   = map_q;
    x_d     = x_q;
    lim_d   = lim_q;
    lo_d    = lo_q;
    hi_d    = hi_q;
    done_d  = 1'b0;
    err_d   = err_q;
    code_d  = code_q;
    eaddr_d = eaddr_q;

    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          state_d = StChip;
          err_d   = 1'b0;
          code_d  = ErrCodeNone;
          eaddr_d = '0;
        end
      end
      StChip: begin
        if (chip_check_i && bad_field) begin
          state_d = StIdle;
          done_d  = 1'b1;
          err_d   = 1'b1;
          code_d  = ErrCodeBadField;
        end else if (chip_check_i && chip_range) begin
          state_d = StIdle;
          done_d  = 1'b1;
          err_d   = 1'b1;
          code_d  = ErrCodeChipRange;
          eaddr_d = {5'b0, mem_i, 24'b0, (chip_first > mem_rows ? chip_first : mem_rows)};
        end else begin
          state_d = StLast;
          map_d   = 1'b0;
          x_d     = 67'(ext_offset_i);
          lim_d   = 67'(slot_size_i);
        end
      end
      StLast: begin
        if (!fail) begin
          if (map_q) begin
            state_d = StIdle;
            done_d  = 1'b1;
          end else begin
            map_d = 1'b1;
            x_d   = a0;
            lim_d = region_end;
          end
        end else begin
          state_d = StFirst;
        end
      end
      StFirst, StSearch: begin
        // StFirst tests row 0; StSearch bisects (lo passes, hi fails) until hi = lo + 1.
        if ((state_q == StFirst && fail) ||
            (state_q == StSearch && hi_q == lo_q + 20'd1)) begin
          state_d = StIdle;
          done_d  = 1'b1;
          err_d   = 1'b1;
          code_d  = map_q ? ErrCodeDmaFault : ErrCodeDmaBounds;
          eaddr_d = v < lim_q ? lim_q[63:0] : v[63:0];
        end else if (state_q == StFirst) begin
          state_d = StSearch;
          lo_d    = '0;
          hi_d    = last_row;
        end else if (fail) begin
          hi_d = mid;
        end else begin
          lo_d = mid;
        end
      end
      default: state_d = StIdle;
    endcase

    if (abort_i) begin
      state_d = StIdle;
      done_d  = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      map_q   <= 1'b0;
      x_q     <= '0;
      lim_q   <= '0;
      lo_q    <= '0;
      hi_q    <= '0;
      done_q  <= 1'b0;
      err_q   <= 1'b0;
      code_q  <= ErrCodeNone;
      eaddr_q <= '0;
    end else begin
      state_q <= state_d;
      map_q   <= map_d;
      x_q     <= x_d;
      lim_q   <= lim_d;
      lo_q    <= lo_d;
      hi_q    <= hi_d;
      done_q  <= done_d;
      err_q   <= err_d;
      code_q  <= code_d;
      eaddr_q <= eaddr_d;
    end
  end

  assign busy_o     = state_q != StIdle || done_q;
  assign done_o     = done_q;
  assign err_o      = err_q;
  assign err_code_o = code_q;
  assign err_addr_o = eaddr_q;
  assign addr0_o    = a0[63:0];

`ifndef SYNTHESIS
  // A later row cannot jump from DRAM over the unmapped gap into the host window (see above).
  initial begin
    if (DramBytes > (64'(1) << 47) - (64'(1) << 33)) $fatal(1, "DramBytes too large for the map");
  end
  StartOnlyWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      start_i |-> state_q == StIdle);
  SearchKeepsBracket: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StSearch |-> lo_q < hi_q);
`endif

endmodule
