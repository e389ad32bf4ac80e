// aorta_dma_front: the job front of one DMA side (loads, or stores and PERF records): takes a
// job, holds its fields, runs the checks (aorta_dma_check), starts the mover (aorta_dma_load /
// aorta_dma_store) when they pass, and gives the job's one done pulse with its outcome: the
// check's fault, or the mover's bus fault (DMA_FAULT at the row's address).
//
// abort_i: a job being checked is dropped at once; a running job's mover drains its bus
// transactions and reports finish_i, and the front returns to idle without a done pulse.
module aorta_dma_front
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
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    abort_i,
  input  logic [SlotCount*64-1:0] slot_base_i,
  input  logic [SlotCount*64-1:0] slot_size_i,
  // The job offered (decoded by the side's owner), taken when valid_i && ready_o.
  input  logic                    valid_i,
  output logic                    ready_o,
  input  logic                    chip_check_i,  // DMA_LOAD / DMA_STORE (not PERF)
  input  logic [3:0]              slot_i,
  input  logic [2:0]              mem_i,
  input  logic [23:0]             chip_addr_i,
  input  logic [19:0]             rows_i,
  input  logic [11:0]             row_bytes_i,
  input  logic [39:0]             ext_offset_i,
  input  logic [31:0]             ext_stride_i,
  // The job held, to the mover (addr0: valid with go_o).
  output aorta_axi_pkg::dma_job_t job_o,
  output logic                    go_o,          // pulse: the checks passed, the mover starts
  input  logic                    finish_i,      // pulse: the mover is done (or has drained)
  input  logic                    fault_i,       // with finish_i: a bus error ended the job
  input  logic [63:0]             fault_addr_i,  // with fault_i: the row's device address
  // Outcome.
  output logic                    done_o,
  output logic                    err_o,
  output logic [7:0]              err_code_o,
  output logic [63:0]             err_addr_o,
  output logic                    idle_o
);

  typedef enum logic [1:0] {StIdle, StCheck, StRun} state_e;

  state_e      state_q, state_d;
  logic        aborted_q, aborted_d;
  logic        chip_check_q;
  logic [2:0]  mem_q;
  logic [23:0] chip_addr_q;
  logic [19:0] rows_q;
  logic [11:0] row_bytes_q;
  logic [39:0] ext_offset_q;
  logic [31:0] ext_stride_q;
  logic [63:0] base_q, size_q;
  logic        take;

  assign ready_o = state_q == StIdle && !abort_i;
  assign take    = valid_i && ready_o;

  logic        chk_done, chk_err, chk_busy;
  err_code_e   chk_code;
  logic [63:0] chk_eaddr;

  // The checker sees the offered job in the cycle it is taken, the held one after.
  aorta_dma_check #(
    .N(N), .UbRows(UbRows), .WbRows(WbRows), .AccRows(AccRows), .ParamRows(ParamRows),
    .LutTables(LutTables), .DramBytes(DramBytes)
  ) u_check (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .abort_i      (abort_i),
    .start_i      (take),
    .chip_check_i (take ? chip_check_i : chip_check_q),
    .mem_i        (take ? mem_i : mem_q),
    .chip_addr_i  (take ? chip_addr_i : chip_addr_q),
    .rows_i       (take ? rows_i : rows_q),
    .row_bytes_i  (take ? row_bytes_i : row_bytes_q),
    .ext_offset_i (take ? ext_offset_i : ext_offset_q),
    .ext_stride_i (take ? ext_stride_i : ext_stride_q),
    .slot_base_i  (take ? slot_base_i[64*slot_i +: 64] : base_q),
    .slot_size_i  (take ? slot_size_i[64*slot_i +: 64] : size_q),
    .busy_o       (chk_busy),
    .done_o       (chk_done),
    .err_o        (chk_err),
    .err_code_o   (chk_code),
    .err_addr_o   (chk_eaddr),
    .addr0_o      (job_o.addr0)
  );

  logic chk_fail;
  assign chk_fail = state_q == StCheck && chk_done && chk_err;

  always_comb begin
    state_d   = state_q;
    aborted_d = aborted_q;
    go_o      = 1'b0;
    done_o    = 1'b0;
    unique case (state_q)
      StIdle: if (take) begin
        state_d   = StCheck;
        aborted_d = 1'b0;
      end
      StCheck: if (chk_done) begin
        state_d = chk_err ? StIdle : StRun;
        go_o    = !chk_err;
        done_o  = chk_err;
      end
      StRun: if (finish_i) begin
        state_d = StIdle;
        done_o  = !aborted_q;
      end
      default: state_d = StIdle;
    endcase
    if (abort_i) begin
      aborted_d = 1'b1;
      go_o      = 1'b0;
      done_o    = 1'b0;
      if (state_q != StRun) state_d = StIdle;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      aborted_q    <= 1'b0;
      chip_check_q <= 1'b0;
      mem_q        <= '0;
      chip_addr_q  <= '0;
      rows_q       <= '0;
      row_bytes_q  <= '0;
      ext_offset_q <= '0;
      ext_stride_q <= '0;
      base_q       <= '0;
      size_q       <= '0;
    end else begin
      state_q   <= state_d;
      aborted_q <= aborted_d;
      if (take) begin
        chip_check_q <= chip_check_i;
        mem_q        <= mem_i;
        chip_addr_q  <= chip_addr_i;
        rows_q       <= rows_i;
        row_bytes_q  <= row_bytes_i;
        ext_offset_q <= ext_offset_i;
        ext_stride_q <= ext_stride_i;
        base_q       <= slot_base_i[64*slot_i +: 64];
        size_q       <= slot_size_i[64*slot_i +: 64];
      end
    end
  end

  assign job_o.mem        = mem_q;
  assign job_o.chip_addr  = chip_addr_q;
  assign job_o.rows       = rows_q;
  assign job_o.row_bytes  = row_bytes_q;
  assign job_o.ext_stride = ext_stride_q;
  assign err_o        = chk_fail || (state_q == StRun && fault_i);
  assign err_code_o   = chk_fail ? chk_code : ErrCodeDmaFault;
  assign err_addr_o   = chk_fail ? chk_eaddr : fault_addr_i;
  assign idle_o       = state_q == StIdle;

  logic unused_chk_busy;
  assign unused_chk_busy = chk_busy;

`ifndef SYNTHESIS
  FinishOnlyWhenRunning: assert property (@(posedge clk_i) disable iff (!rst_ni)
      finish_i |-> state_q == StRun);
`endif

endmodule
