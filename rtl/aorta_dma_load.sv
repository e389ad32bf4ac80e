// aorta_dma_load: the mover of DMA_LOAD jobs (external rows -> an on-chip memory), started by
// aorta_dma_front once the job's checks have passed (nothing is read before). Row r (device address
// a_r = a_0 + r * stride, row_bytes L) is read as one INCR burst of full-width beats from a_r
// rounded down to the bus width, or as two bursts when it crosses a 4 KiB boundary (L <= 1024, so
// at most one crossing). Read requests run ahead of the data by up to MaxReads bursts. Each beat
// is rotated by a_r mod BeatBytes and written into the row buffer; the beat that completes a row
// moves it, bytes past L zeroed, into the output register, which writes the on-chip row in the
// next cycle. One beat per cycle in, one row per cycle out: a job streams at the bus width when
// rows are >= BeatBytes, and at one row per cycle (the on-chip port's rate) when they are smaller.
//
// A SLVERR / DECERR beat ends the job with DMA_FAULT at a_r of the row it belongs to (the golden
// model's "first address of the row access the bus refused"); rows before it have been written
// (the golden model, which sees host refusals up front, writes none), nothing after it is. The
// responses still in flight are drained before finish_o. abort_i stops the job the same way (the
// front then gives no done pulse).
module aorta_dma_load
  import aorta_isa_pkg::*;
#(
  parameter int unsigned DataWidth   = 512,
  parameter int unsigned MaxReads    = 8,
  parameter int unsigned RowBytesMax = 256,
  parameter int unsigned RowAw       = 16
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     abort_i,
  // The checked job, from aorta_dma_front.
  input  logic                     go_i,
  input  aorta_axi_pkg::dma_job_t   job_i,
  output logic                     finish_o,      // pulse: every row written, or drained
  output logic                     fault_o,       // with finish_o: a bus error
  output logic [63:0]              fault_addr_o,  // the row's device address
  output logic                     idle_o,
  // Read requests (to the AR arbiter) and the responses with the load ID.
  output logic                     ar_valid_o,
  input  logic                     ar_ready_i,
  output logic [63:0]              ar_addr_o,
  output logic [7:0]               ar_len_o,
  input  logic                     r_valid_i,
  output logic                     r_ready_o,     // low while a row re-uses the last beat
  input  logic [DataWidth-1:0]     r_data_i,
  input  logic [1:0]               r_resp_i,
  input  logic                     r_last_i,
  // On-chip write port.
  output logic                     mem_we_o,
  output mem_e                     mem_wsel_o,
  output logic [RowAw-1:0]         mem_waddr_o,
  output logic [RowBytesMax*8-1:0] mem_wdata_o
);
  import aorta_axi_pkg::*;

  localparam int unsigned BeatBytes = DataWidth / 8;
  localparam int unsigned Lb        = $clog2(BeatBytes);
  localparam int unsigned Slots     = (RowBytesMax + BeatBytes - 1) / BeatBytes;
  localparam int unsigned OutW      = $clog2(MaxReads + 1);

  typedef enum logic {StIdle, StRun} state_e;

  state_e      state_q, state_d;
  logic        stop_q, stop_d;        // no further read request (error or abort)
  logic        err_q, err_d;
  logic [63:0] eaddr_q, eaddr_d;

  // ---- Read requests -----------------------------------------------------------------------
  //
  // A row's beats are the aligned beats its bytes touch. When its first beat is the previous
  // row's last one (rows closer than a beat apart, e.g. dense rows narrower than the bus), that
  // beat is not read again: the response side keeps it (see below). A row whose only beat is the
  // kept one needs no request at all, so dense narrow rows cost one bus beat per beat of data.

  logic [19:0]     ar_row_q, ar_row_d;
  logic [63:0]     ar_a_q, ar_a_d;     // a_r of the row being requested
  logic            ar_second_q, ar_second_d;
  logic            ar_kept_q, ar_kept_d;  // ar_last_q is the previous row's last beat
  logic [63:0]     ar_last_q, ar_last_d;
  logic [OutW-1:0] out_q, out_d;       // bursts in flight
  logic [63:0]     ar_fa, ar_start;    // the row's first beat; the first beat to request
  logic [8:0]      ar_beats, ar_need, ar_first, ar_page;
  logic            ar_skip, ar_none;

  assign ar_fa    = {ar_a_q[63:Lb], Lb'(0)};
  assign ar_beats = row_beats(ar_a_q, job_i.row_bytes, Lb);
  assign ar_skip  = ar_kept_q && ar_fa == ar_last_q;
  assign ar_start = ar_skip ? ar_fa + 64'(BeatBytes) : ar_fa;
  assign ar_need  = ar_beats - 9'(ar_skip);
  assign ar_page  = 9'((64'd4096 - (ar_start & 64'hfff)) >> Lb);  // beats to the 4 KiB boundary
  assign ar_first = ar_need < ar_page ? ar_need : ar_page;
  assign ar_none  = ar_need == '0;
  logic ar_busy;  // the walker has a row to deal with
  assign ar_busy = state_q == StRun && !stop_q && !abort_i && ar_row_q != job_i.rows;
  assign ar_valid_o = ar_busy && !ar_none && 32'(out_q) < MaxReads;
  assign ar_addr_o  = ar_second_q ? ar_start + (64'(ar_first) << Lb) : ar_start;
  assign ar_len_o   = ar_second_q ? 8'(ar_need - ar_first - 9'd1) : 8'(ar_first - 9'd1);

  // ---- Responses: row assembly -----------------------------------------------------------

  localparam int unsigned RowW = Slots * BeatBytes * 8;

  logic [19:0]                  r_row_q, r_row_d;
  logic [63:0]                  r_a_q, r_a_d;
  logic [8:0]                   r_beat_q, r_beat_d;
  logic [RowW-1:0]              row_q;
  logic                         out_valid_q, out_valid_d;
  logic [RowAw-1:0]             out_addr_q, out_addr_d;
  logic [RowBytesMax*8-1:0]     out_data_q;
  logic [Lb-1:0]                off;
  logic                         row_done;

  // The last beat taken, kept for a following row that starts in it.
  logic                   kept_q, kept_d;
  logic [63:0]            kept_addr_q, kept_addr_d;
  logic [DataWidth-1:0]   kept_data_q;
  logic [63:0]            r_fa;
  logic                   reuse, beat, r_take;

  assign off = r_a_q[Lb-1:0];
  assign row_done = r_beat_q == row_beats(r_a_q, job_i.row_bytes, Lb) - 9'd1;
  assign r_fa  = {r_a_q[63:Lb], Lb'(0)};
  assign reuse = state_q == StRun && !stop_q && r_row_q != job_i.rows && r_beat_q == '0 &&
                 kept_q && kept_addr_q == r_fa;
  assign r_ready_o = !reuse;
  assign r_take    = r_valid_i && !reuse;      // a response beat taken this cycle
  assign beat      = reuse || r_take;          // a beat for the row being assembled

  // The row with beat k placed: beat byte j is row byte k * BeatBytes - o + j (the row starts
  // o bytes into its first beat); bytes that fall before the row or past the buffer are
  // dropped. This is the rotation by o and the split of the rotated beat over slots k and k - 1,
  // done as one shift into a buffer with a beat of room below the row (p_row below).
  localparam int unsigned ExtW = RowW + BeatBytes * 8;

  always_comb begin
    state_d     = state_q;
    stop_d      = stop_q;
    err_d       = err_q;
    eaddr_d     = eaddr_q;
    ar_row_d    = ar_row_q;
    ar_a_d      = ar_a_q;
    ar_second_d = ar_second_q;
    ar_kept_d   = ar_kept_q;
    ar_last_d   = ar_last_q;
    kept_d      = kept_q;
    kept_addr_d = kept_addr_q;
    out_d       = out_q;
    r_row_d     = r_row_q;
    r_a_d       = r_a_q;
    r_beat_d    = r_beat_q;
    out_valid_d = 1'b0;
    out_addr_d  = out_addr_q;
    finish_o    = 1'b0;

    unique case (state_q)
      StIdle: begin
        if (go_i) begin
          state_d     = StRun;
          stop_d      = 1'b0;
          err_d       = 1'b0;
          eaddr_d     = '0;
          ar_row_d    = '0;
          ar_a_d      = job_i.addr0;
          ar_second_d = 1'b0;
          ar_kept_d   = 1'b0;
          kept_d      = 1'b0;
          r_row_d     = '0;
          r_a_d       = job_i.addr0;
          r_beat_d    = '0;
        end
      end
      StRun: begin
        // Next row after the row's last request (or at once when it needs none).
        if ((ar_valid_o && ar_ready_i) || (ar_busy && ar_none)) begin
          if (!ar_none && ar_first != ar_need && !ar_second_q) begin
            ar_second_d = 1'b1;
          end else begin
            ar_second_d = 1'b0;
            ar_row_d    = ar_row_q + 20'd1;
            ar_a_d      = ar_a_q + 64'(job_i.ext_stride);
            ar_kept_d   = 1'b1;
            ar_last_d   = ar_fa + ((64'(ar_beats) - 64'd1) << Lb);
          end
        end
        if (beat && !stop_q) begin
          kept_d      = 1'b1;
          kept_addr_d = r_fa + (64'(r_beat_q) << Lb);
          if (r_take && resp_is_err(r_resp_i)) begin
            stop_d  = 1'b1;
            err_d   = 1'b1;
            eaddr_d = r_a_q;
          end else if (row_done) begin
            out_valid_d = 1'b1;
            out_addr_d  = RowAw'(job_i.chip_addr + 24'(r_row_q));
            r_row_d     = r_row_q + 20'd1;
            r_a_d       = r_a_q + 64'(job_i.ext_stride);
            r_beat_d    = '0;
          end else begin
            r_beat_d = r_beat_q + 9'd1;
          end
        end
        // Finished: every row written (or the job stopped) and nothing in flight.
        if ((stop_q || (r_row_q == job_i.rows && !out_valid_q)) && out_q == '0) begin
          state_d  = StIdle;
          finish_o = 1'b1;
        end
      end
      default: state_d = StIdle;
    endcase

    if (ar_valid_o && ar_ready_i) out_d = out_d + OutW'(1);
    if (r_take && r_last_i) out_d = out_d - OutW'(1);
    if (abort_i) stop_d = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      stop_q      <= 1'b0;
      err_q       <= 1'b0;
      eaddr_q     <= '0;
      ar_row_q    <= '0;
      ar_a_q      <= '0;
      ar_second_q <= 1'b0;
      ar_kept_q   <= 1'b0;
      ar_last_q   <= '0;
      kept_q      <= 1'b0;
      kept_addr_q <= '0;
      out_q       <= '0;
      r_row_q     <= '0;
      r_a_q       <= '0;
      r_beat_q    <= '0;
      out_valid_q <= 1'b0;
      out_addr_q  <= '0;
    end else begin
      state_q     <= state_d;
      stop_q      <= stop_d;
      err_q       <= err_d;
      eaddr_q     <= eaddr_d;
      ar_row_q    <= ar_row_d;
      ar_a_q      <= ar_a_d;
      ar_second_q <= ar_second_d;
      ar_kept_q   <= ar_kept_d;
      ar_last_q   <= ar_last_d;
      kept_q      <= kept_d;
      kept_addr_q <= kept_addr_d;
      out_q       <= out_d;
      r_row_q     <= r_row_d;
      r_a_q       <= r_a_d;
      r_beat_q    <= r_beat_d;
      out_valid_q <= out_valid_d && !abort_i;
      out_addr_q  <= out_addr_d;
    end
  end

  // Datapath registers without reset (nothing reads them before a valid bit says so). The row
  // buffer loads only in cycles with a beat and the output register only with a finished row
  // (clock enables): the byte placement is computed in those cycles only, not on every
  // evaluation of the input logic (docs/rtl.md, "Simulation speed"). The placement's wide
  // intermediates are variables of this block (static), not function locals: the
  // verilated model clears a function's wide locals on every evaluation of the region that
  // inlines it, used or not.
  always_ff @(posedge clk_i) begin : p_row
    // The beat of room below the row only catches the bytes that fall before it.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [ExtW-1:0] ext;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [ExtW-1:0] at_mask;
    logic [31:0]     at;  // bit position of beat byte 0 in the extended buffer
    logic [RowW-1:0] row_next;
    logic [BeatBytes*8-1:0] data;
    if (beat) begin
      data     = reuse ? kept_data_q : r_data_i;
      at       = ((32'(r_beat_q) + 1) * BeatBytes - 32'(off)) * 8;
      at_mask  = ExtW'({BeatBytes*8{1'b1}}) << at;
      ext      = ({row_q, {BeatBytes*8{1'b0}}} & ~at_mask) |
                 (ExtW'(data) << at);
      row_next = ext[ExtW-1 -: RowW];
      row_q <= row_next;
      // Bytes [0, row_bytes) of the row kept, the rest zero.
      if (out_valid_d) begin
        out_data_q <= row_next[RowBytesMax*8-1:0] &
                      ~({RowBytesMax*8{1'b1}} << (32'(job_i.row_bytes) * 8));
      end
    end
    if (r_take) kept_data_q <= r_data_i;
  end

  assign fault_o      = err_q;
  assign fault_addr_o = eaddr_q;
  assign idle_o       = state_q == StIdle && out_q == '0;

  assign mem_we_o    = out_valid_q;
  assign mem_wsel_o  = mem_e'(job_i.mem);
  assign mem_waddr_o = out_addr_q;
  assign mem_wdata_o = out_data_q;

`ifndef SYNTHESIS
  OutstandingNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(out_q) <= MaxReads);
  ResponseWasRequested: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_valid_i |-> out_q != '0);
  // The request side skips exactly the beats the response side re-uses.
  ReuseOnlyKept: assert property (@(posedge clk_i) disable iff (!rst_ni)
      reuse |-> kept_q);
  NoWriteAfterStop: assert property (@(posedge clk_i) disable iff (!rst_ni)
      stop_q && !out_valid_q |=> !mem_we_o);
  RowsInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_we_o |-> r_row_q <= job_i.rows);
  GoOnlyWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      go_i |-> state_q == StIdle);
`endif

endmodule
