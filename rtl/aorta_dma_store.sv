// aorta_dma_store: the mover of DMA_STORE jobs and PERF records (on-chip rows -> external
// memory), started by aorta_dma_front once the job's checks have passed (a PERF record is one
// row of 8 * (1 + counters) bytes, checked for DMA_BOUNDS and DMA_FAULT like a store). Three
// walkers go over the rows in order, each one burst (two when the row crosses a 4 KiB boundary)
// per row, as on the load side:
//   - AW: requests run ahead of the data by up to MaxWrites bursts awaiting their response;
//   - W:  row r is read from the on-chip memory (one cycle; two rows are buffered, so reading
//         overlaps sending) and sent as full-width beats with byte strobes on the row's bytes
//         (the row shifted to a_r mod BeatBytes); W never runs ahead of AW;
//   - B:  one response per burst, in order; SLVERR / DECERR ends the job with DMA_FAULT at a_r of
//         that burst's row. Bursts already requested are completed (their data is sent), the rows
//         they carry may be written in memory, and every response is collected before finish_o.
// A PERF record is taken from perf_counters_i in the cycle the job is taken (take_i): the tag as
// a 64-bit word, then every counter, little-endian. abort_i stops requesting new bursts; those
// requested complete, then finish_o (the front gives no done pulse).
module aorta_dma_store
  import aorta_isa_pkg::*;
  import aorta_regs_pkg::*;
#(
  parameter int unsigned DataWidth   = 512,
  parameter int unsigned MaxWrites   = 8,
  parameter int unsigned RowBytesMax = 256,
  parameter int unsigned RowAw       = 16
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      abort_i,
  // The job being taken by aorta_dma_front: a PERF record is sampled in that cycle.
  input  logic                      take_i,
  input  logic                      take_perf_i,
  input  logic [31:0]               take_tag_i,
  input  logic [NumCounters*64-1:0] perf_counters_i,
  // The checked job, from aorta_dma_front.
  input  logic                      go_i,
  input  aorta_axi_pkg::dma_job_t   job_i,
  output logic                      finish_o,      // pulse: every response in, or drained
  output logic                      fault_o,       // with finish_o: a bus error
  output logic [63:0]               fault_addr_o,  // the row's device address
  output logic                      idle_o,
  // AXI4 write channels.
  output logic [63:0]               aw_addr_o,
  output logic [7:0]                aw_len_o,
  output logic                      aw_valid_o,
  input  logic                      aw_ready_i,
  output logic [DataWidth-1:0]      w_data_o,
  output logic [DataWidth/8-1:0]    w_strb_o,
  output logic                      w_last_o,
  output logic                      w_valid_o,
  input  logic                      w_ready_i,
  input  logic [1:0]                b_resp_i,
  input  logic                      b_valid_i,
  // On-chip read port: data the cycle after mem_re_o.
  output logic                      mem_re_o,
  output mem_e                      mem_rsel_o,
  output logic [RowAw-1:0]          mem_raddr_o,
  input  logic [RowBytesMax*8-1:0]  mem_rdata_i
);
  import aorta_axi_pkg::*;

  localparam int unsigned BeatBytes   = DataWidth / 8;
  localparam int unsigned Lb          = $clog2(BeatBytes);
  localparam int unsigned Slots       = (RowBytesMax + BeatBytes - 1) / BeatBytes;
  localparam int unsigned OutW        = $clog2(MaxWrites + 1);

  typedef enum logic {StIdle, StRun} state_e;

  state_e      state_q, state_d;
  logic        perf_q;                // the job is a PERF record (no on-chip reads)
  logic        stop_q, stop_d, err_q, err_d;
  logic [63:0] eaddr_q, eaddr_d;

  // ---- Row buffer: two rows, read from the on-chip memory (or the PERF record) -------------

  // Two registers rather than an unpacked array of two: a simulator then keeps no per-element
  // update temporaries (cleared on every evaluation) for them.
  logic [RowBytesMax*8-1:0] buf0_q, buf1_q;
  logic                     wr_sel_q, wr_sel_d, rd_sel_q, rd_sel_d;
  logic [1:0]               buf_cnt_q, buf_cnt_d;
  logic                     inflight_q, inflight_d;  // a row read issued last cycle
  logic [19:0]              rd_row_q, rd_row_d;      // next row to read
  logic                     push, pop, load_record;

  // ---- AW walker -----------------------------------------------------------------------------

  logic [19:0]     aw_row_q, aw_row_d;
  logic [63:0]     aw_a_q, aw_a_d;
  logic            aw_second_q, aw_second_d;
  logic [21:0]     aw_bursts_q, aw_bursts_d;  // bursts requested in this job
  logic [OutW-1:0] bout_q, bout_d;            // bursts requested, awaiting their response
  logic [8:0]      aw_beats, aw_first;
  logic            aw_req;
  // The AW register (valid held until ready).
  logic            awv_q, awv_d;
  logic [63:0]     awaddr_q, awaddr_d;
  logic [7:0]      awlen_q, awlen_d;

  assign aw_beats = row_beats(aw_a_q, job_i.row_bytes, Lb);
  assign aw_first = first_beats(aw_a_q, job_i.row_bytes, Lb);
  assign aw_req = state_q == StRun && !stop_q && !abort_i && aw_row_q != job_i.rows &&
                  32'(bout_q) < MaxWrites && (!awv_q || aw_ready_i);

  // ---- W walker ------------------------------------------------------------------------------

  logic [19:0]              w_row_q, w_row_d;
  logic [63:0]              w_a_q, w_a_d;
  logic [8:0]               w_beat_q, w_beat_d;
  logic [21:0]              w_bursts_q, w_bursts_d;  // bursts whose last beat has been sent
  logic [8:0]               w_beats, w_first;
  logic [Lb-1:0]            w_off;
  logic                     w_req;
  logic                     w_last, w_pop;
  logic                     wv_q, wv_d;
  logic [BeatBytes*8-1:0]   wdata_q;
  logic [BeatBytes-1:0]     wstrb_q;
  logic                     wlast_q, wlast_d;

  assign w_beats = row_beats(w_a_q, job_i.row_bytes, Lb);
  assign w_first = first_beats(w_a_q, job_i.row_bytes, Lb);
  assign w_off   = w_a_q[Lb-1:0];
  assign w_req   = state_q == StRun && buf_cnt_q != '0 && aw_bursts_q != w_bursts_q &&
                   (!wv_q || w_ready_i);
  assign w_last  = w_beat_q == w_first - 9'd1 || w_beat_q == w_beats - 9'd1;
  assign w_pop   = w_req && w_beat_q == w_beats - 9'd1;

  // Beat k: bytes i >= off are row bytes k*BeatBytes + i - off (slot k rotated left by off),
  // bytes i < off are row bytes (k-1)*BeatBytes + BeatBytes + i - off (slot k-1 rotated).
  // Beat k of a row at byte offset o of the bus: beat byte i is row byte k * BeatBytes - o + i
  // (zero before the row's start and past its buffer), i.e. the row slices k - 1 and k rotated
  // left by o and merged; as one shift of the row with a beat of zeros below it.
  // (Formed in the W register below.)
  localparam int unsigned ExtW = Slots * BeatBytes * 8 + BeatBytes * 8;

  // Its strobes: the bytes of row bytes [0, len).
  function automatic logic [BeatBytes-1:0] beat_strb(logic [8:0] k, logic [Lb-1:0] o,
                                                     logic [11:0] len);
    logic [BeatBytes-1:0] strb;
    for (int unsigned i = 0; i < BeatBytes; i++) begin
      logic [31:0] p;
      p = 32'(k) * BeatBytes + i;
      strb[i] = p >= 32'(o) && p < 32'(o) + 32'(len);
    end
    return strb;
  endfunction

  // ---- B walker ------------------------------------------------------------------------------

  logic [63:0] b_a_q, b_a_d;
  logic        b_second_q, b_second_d;

  // ---- Next state ------------------------------------------------------------------------------

  always_comb begin
    state_d  = state_q;
    stop_d   = stop_q;
    err_d    = err_q;
    eaddr_d  = eaddr_q;
    finish_o = 1'b0;

    wr_sel_d    = wr_sel_q;
    rd_sel_d    = rd_sel_q;
    buf_cnt_d   = buf_cnt_q;
    inflight_d  = 1'b0;
    rd_row_d    = rd_row_q;
    push        = 1'b0;
    pop         = 1'b0;
    load_record = 1'b0;
    mem_re_o    = 1'b0;

    aw_row_d    = aw_row_q;
    aw_a_d      = aw_a_q;
    aw_second_d = aw_second_q;
    aw_bursts_d = aw_bursts_q;
    bout_d      = bout_q;
    awv_d       = awv_q && !aw_ready_i;
    awaddr_d    = awaddr_q;
    awlen_d     = awlen_q;

    w_row_d    = w_row_q;
    w_a_d      = w_a_q;
    w_beat_d   = w_beat_q;
    w_bursts_d = w_bursts_q;
    wv_d       = wv_q && !w_ready_i;
    wlast_d    = wlast_q;

    b_a_d      = b_a_q;
    b_second_d = b_second_q;

    // The buffer starts empty, or holding the record (a PERF job's one row).
    if (take_i) begin
      load_record = take_perf_i;
      wr_sel_d    = take_perf_i;
      rd_sel_d    = 1'b0;
      buf_cnt_d   = take_perf_i ? 2'd1 : 2'd0;
    end

    unique case (state_q)
      StIdle: begin
        if (go_i) begin
          state_d     = StRun;
          stop_d      = 1'b0;
          err_d       = 1'b0;
          eaddr_d     = '0;
          rd_row_d    = perf_q ? job_i.rows : '0;  // a record needs no on-chip read
          aw_row_d    = '0;
          aw_a_d      = job_i.addr0;
          aw_second_d = 1'b0;
          aw_bursts_d = '0;
          w_row_d     = '0;
          w_a_d       = job_i.addr0;
          w_beat_d    = '0;
          w_bursts_d  = '0;
          b_a_d       = job_i.addr0;
          b_second_d  = 1'b0;
        end
      end
      StRun: begin
        // On-chip reads: while fewer than two rows are buffered or coming (counting the row the W
        // walker finishes in this cycle, so a row per cycle streams); after a stop, only
        // the rows whose bursts have been requested.
        if (rd_row_q != job_i.rows && 32'(buf_cnt_q) + 32'(inflight_q) - 32'(w_pop) < 2 &&
            (!stop_q || rd_row_q < aw_row_q + 20'(aw_second_q))) begin
          mem_re_o   = 1'b1;
          inflight_d = 1'b1;
          rd_row_d   = rd_row_q + 20'd1;
        end
        if (inflight_q) push = 1'b1;

        // AW.
        if (aw_req) begin
          awv_d       = 1'b1;
          awaddr_d    = aw_second_q ? cross_addr(aw_a_q) : {aw_a_q[63:Lb], Lb'(0)};
          awlen_d     = aw_second_q ? 8'(aw_beats - aw_first - 9'd1) : 8'(aw_first - 9'd1);
          aw_bursts_d = aw_bursts_q + 22'd1;
          if (aw_first != aw_beats && !aw_second_q) begin
            aw_second_d = 1'b1;
          end else begin
            aw_second_d = 1'b0;
            aw_row_d    = aw_row_q + 20'd1;
            aw_a_d      = aw_a_q + 64'(job_i.ext_stride);
          end
        end

        // W.
        if (w_req) begin
          wv_d    = 1'b1;
          wlast_d = w_last;
          if (w_last) w_bursts_d = w_bursts_q + 22'd1;
          if (w_pop) begin
            pop      = 1'b1;
            w_row_d  = w_row_q + 20'd1;
            w_a_d    = w_a_q + 64'(job_i.ext_stride);
            w_beat_d = '0;
          end else begin
            w_beat_d = w_beat_q + 9'd1;
          end
        end

        // B.
        if (b_valid_i) begin
          if (resp_is_err(b_resp_i) && !err_q) begin
            err_d   = 1'b1;
            stop_d  = 1'b1;
            eaddr_d = b_a_q;
          end
          if (first_beats(b_a_q, job_i.row_bytes, Lb) != row_beats(b_a_q, job_i.row_bytes, Lb) && !b_second_q) begin
            b_second_d = 1'b1;
          end else begin
            b_second_d = 1'b0;
            b_a_d      = b_a_q + 64'(job_i.ext_stride);
          end
        end

        // Finished: every requested burst sent and answered, and nothing more to request.
        if ((stop_q || aw_row_q == job_i.rows) && aw_bursts_q == w_bursts_q && !wv_q &&
            bout_q == '0) begin
          state_d  = StIdle;
          finish_o = 1'b1;
        end
      end
      default: state_d = StIdle;
    endcase

    // A burst counts from the cycle its request enters the AW register until its response.
    if (aw_req) bout_d = bout_d + OutW'(1);
    if (b_valid_i) bout_d = bout_d - OutW'(1);

    if (state_q == StRun) begin
      if (push) wr_sel_d = !wr_sel_q;
      if (pop) rd_sel_d = !rd_sel_q;
      if (push && !pop) buf_cnt_d = buf_cnt_q + 2'd1;
      if (pop && !push) buf_cnt_d = buf_cnt_q - 2'd1;
    end

    if (abort_i) stop_d = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      stop_q       <= 1'b0;
      err_q        <= 1'b0;
      eaddr_q      <= '0;
      wr_sel_q     <= 1'b0;
      rd_sel_q     <= 1'b0;
      buf_cnt_q    <= '0;
      inflight_q   <= 1'b0;
      rd_row_q     <= '0;
      aw_row_q     <= '0;
      aw_a_q       <= '0;
      aw_second_q  <= 1'b0;
      aw_bursts_q  <= '0;
      bout_q       <= '0;
      awv_q        <= 1'b0;
      awaddr_q     <= '0;
      awlen_q      <= '0;
      w_row_q      <= '0;
      w_a_q        <= '0;
      w_beat_q     <= '0;
      w_bursts_q   <= '0;
      wv_q         <= 1'b0;
      wlast_q      <= 1'b0;
      b_a_q        <= '0;
      b_second_q   <= 1'b0;
    end else begin
      state_q      <= state_d;
      stop_q       <= stop_d;
      err_q        <= err_d;
      eaddr_q      <= eaddr_d;
      wr_sel_q     <= wr_sel_d;
      rd_sel_q     <= rd_sel_d;
      buf_cnt_q    <= buf_cnt_d;
      inflight_q   <= inflight_d;
      rd_row_q     <= rd_row_d;
      aw_row_q     <= aw_row_d;
      aw_a_q       <= aw_a_d;
      aw_second_q  <= aw_second_d;
      aw_bursts_q  <= aw_bursts_d;
      bout_q       <= bout_d;
      awv_q        <= awv_d;
      awaddr_q     <= awaddr_d;
      awlen_q      <= awlen_d;
      w_row_q      <= w_row_d;
      w_a_q        <= w_a_d;
      w_beat_q     <= w_beat_d;
      w_bursts_q   <= w_bursts_d;
      wv_q         <= wv_d;
      wlast_q      <= wlast_d;
      b_a_q        <= b_a_d;
      b_second_q   <= b_second_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) perf_q <= 1'b0;
    else if (take_i) perf_q <= take_perf_i;
  end

  // Datapath registers without reset (valid bits guard them). The PERF record and the W beat
  // are formed in the cycles that load them (clock enables; docs/rtl.md, "Simulation speed"),
  // with their wide intermediates as variables of this block (static), not function locals: the
  // verilated model clears a function's wide locals on every evaluation, used or not.
  always_ff @(posedge clk_i) begin : p_buf
    logic [RowBytesMax*8-1:0] record;  // the PERF record: the tag, then every counter
    if (load_record) begin
      record        = '0;
      record[63:0]  = 64'(take_tag_i);
      for (int unsigned i = 0; i < NumCounters; i++) begin
        record[64 * (i + 1) +: 64] = perf_counters_i[64*i +: 64];
      end
      buf0_q <= record;
    end else if (push) begin
      if (wr_sel_q) buf1_q <= mem_rdata_i;
      else          buf0_q <= mem_rdata_i;
    end
  end

  always_ff @(posedge clk_i) begin : p_w
    /* verilator lint_off UNUSEDSIGNAL */
    logic [ExtW-1:0] ext;  // only the beat's bits are used
    /* verilator lint_on UNUSEDSIGNAL */
    // The W beat is formed only in the cycle it is sent.
    if (w_req) begin
      ext = {(Slots * BeatBytes * 8)'(rd_sel_q ? buf1_q : buf0_q), {BeatBytes*8{1'b0}}};
      ext = ext >> (((32'(w_beat_q) + 1) * BeatBytes - 32'(w_off)) * 8);
      wdata_q <= ext[BeatBytes*8-1:0];
      wstrb_q <= beat_strb(w_beat_q, w_off, job_i.row_bytes);
    end
  end

  assign mem_rsel_o  = mem_e'(job_i.mem);
  assign mem_raddr_o = RowAw'(job_i.chip_addr + 24'(rd_row_q));

  assign aw_addr_o  = awaddr_q;
  assign aw_len_o   = awlen_q;
  assign aw_valid_o = awv_q;
  assign w_data_o   = wdata_q;
  assign w_strb_o   = wstrb_q;
  assign w_last_o   = wlast_q;
  assign w_valid_o  = wv_q;

  assign fault_o      = err_q;
  assign fault_addr_o = eaddr_q;
  assign idle_o       = state_q == StIdle && bout_q == '0 && !wv_q;

  // The W walker's row index is bookkeeping only.
  logic unused_w_row;
  assign unused_w_row = ^w_row_q;

`ifndef SYNTHESIS
  GoOnlyWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      go_i |-> state_q == StIdle);
  BufNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && push |-> buf_cnt_q < 2'd2 || pop);
  BufNoUnderflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pop |-> buf_cnt_q != '0);
  OutstandingNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(bout_q) <= MaxWrites);
  ResponseWasRequested: assert property (@(posedge clk_i) disable iff (!rst_ni)
      b_valid_i |-> bout_q != '0);
  WNotAheadOfAw: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_bursts_q <= aw_bursts_q);
  AwValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      aw_valid_o && !aw_ready_i |=> aw_valid_o && $stable(aw_addr_o) && $stable(aw_len_o));
  WValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_valid_o && !w_ready_i |=> w_valid_o && $stable(w_data_o) && $stable(w_strb_o)
      && $stable(w_last_o));
`endif

endmodule
