// aorta_dma_store: DMA_STORE and PERF jobs of the DMA engine (on-chip rows -> external memory).
//
// A job is checked first (aorta_dma_check; a PERF record is one row of 8 * (1 + counters) bytes
// at SLOT_BASE + ext_offset, checked for DMA_BOUNDS and DMA_FAULT like a store). Then three
// walkers go over the rows in order, each one burst (two when the row crosses a 4 KiB boundary)
// per row, as on the load side:
//   - AW: requests run ahead of the data by up to MaxWrites bursts awaiting their response;
//   - W:  row r is read from the on-chip memory (one cycle; two rows are buffered, so reading
//         overlaps sending) and sent as full-width beats with byte strobes on the row's bytes
//         (the row shifted to a_r mod BeatBytes); W never runs ahead of AW;
//   - B:  one response per burst, in order; SLVERR / DECERR ends the job with DMA_FAULT at a_r of
//         that burst's row. Bursts already requested are completed (their data is sent), the rows
//         they carry may be written in memory, and every response is collected before done_o.
// A PERF record is taken from perf_counters_i when the job is accepted: the tag as a 64-bit
// word, then every counter, little-endian; it is not counted in DMA_WR_BYTES.
module aorta_dma_store
  import aorta_isa_pkg::*;
  import aorta_regs_pkg::*;
#(
  parameter int unsigned N           = 16,
  parameter int unsigned UbRows      = 65536,
  parameter int unsigned WbRows      = 65536,
  parameter int unsigned AccRows     = 4096,
  parameter int unsigned ParamRows   = 2048,
  parameter int unsigned LutTables   = 16,
  parameter logic [63:0] DramBytes   = 64'h1_0000_0000,
  parameter int unsigned DataWidth   = 512,
  parameter int unsigned MaxWrites   = 8,
  parameter int unsigned RowBytesMax = 256,
  parameter int unsigned RowAw       = 16
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      abort_i,
  input  logic [SlotCount*64-1:0]   slot_base_i,
  input  logic [SlotCount*64-1:0]   slot_size_i,
  // Jobs.
  input  logic                      valid_i,
  output logic                      ready_o,
  input  logic [InsnWidth-1:0]      insn_i,
  input  logic [NumCounters*64-1:0] perf_counters_i,
  output logic                      done_o,
  output logic                      err_o,
  output logic [7:0]                err_code_o,
  output logic [63:0]               err_addr_o,
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
  input  logic [RowBytesMax*8-1:0]  mem_rdata_i,
  // Perf: bytes of a DMA_STORE that completed without error, in its done cycle.
  output logic [31:0]               dma_wr_bytes_o,
  output logic [31:0]               mem_rd_bytes_o   // of mem_rsel_o's memory
);
  import aorta_axi_pkg::*;

  localparam int unsigned BeatBytes   = DataWidth / 8;
  localparam int unsigned Lb          = $clog2(BeatBytes);
  localparam int unsigned Slots       = (RowBytesMax + BeatBytes - 1) / BeatBytes;
  localparam int unsigned OutW        = $clog2(MaxWrites + 1);
  localparam int unsigned RecordBytes = 8 * (1 + NumCounters);

  typedef enum logic [1:0] {StIdle, StCheck, StRun} state_e;

  // ---- Job ---------------------------------------------------------------------------------

  state_e      state_q, state_d;
  logic        perf_q, perf_d;
  logic [2:0]  mem_q, mem_d;
  logic [23:0] chip_addr_q, chip_addr_d;
  logic [19:0] rows_q, rows_d;
  logic [11:0] len_q, len_d;
  logic [39:0] ext_offset_q, ext_offset_d;
  logic [31:0] stride_q, stride_d;
  logic [63:0] base_q, base_d, size_q, size_d;
  logic        stop_q, stop_d, abort_q, abort_d, err_q, err_d;
  logic [63:0] eaddr_q, eaddr_d;

  dma_store_t  st_insn;
  perf_t       pf_insn;
  assign st_insn = dma_store_t'(insn_i);
  assign pf_insn = perf_t'(insn_i);

  // The job as the checker sees it: decoded from insn_i while idle (the accept cycle), held after.
  logic        perf_in;
  logic [3:0]  slot_in;
  logic [2:0]  mem_in;
  logic [23:0] chip_addr_in;
  logic [19:0] rows_in;
  logic [11:0] len_in;
  logic [39:0] ext_offset_in;
  logic [31:0] stride_in;
  logic [63:0] base_in, size_in;
  always_comb begin
    perf_in = pf_insn.hdr.opcode == OpPerf;
    if (perf_in) begin
      slot_in       = pf_insn.slot;
      mem_in        = '0;
      chip_addr_in  = '0;
      rows_in       = 20'd1;
      len_in        = 12'(RecordBytes);
      ext_offset_in = pf_insn.ext_offset;
      stride_in     = '0;
    end else begin
      slot_in       = st_insn.slot;
      mem_in        = st_insn.mem;
      chip_addr_in  = st_insn.chip_addr;
      rows_in       = st_insn.rows;
      len_in        = st_insn.row_bytes;
      ext_offset_in = st_insn.ext_offset;
      stride_in     = st_insn.ext_stride;
    end
    base_in = slot_base_i[64*slot_in +: 64];
    size_in = slot_size_i[64*slot_in +: 64];
    if (state_q != StIdle) begin
      perf_in       = perf_q;
      mem_in        = mem_q;
      chip_addr_in  = chip_addr_q;
      rows_in       = rows_q;
      len_in        = len_q;
      ext_offset_in = ext_offset_q;
      stride_in     = stride_q;
      base_in       = base_q;
      size_in       = size_q;
    end
  end

  logic        chk_done, chk_err, chk_busy;
  err_code_e   chk_code;
  logic [63:0] chk_eaddr, chk_addr0;

  aorta_dma_check #(
    .N(N), .UbRows(UbRows), .WbRows(WbRows), .AccRows(AccRows), .ParamRows(ParamRows),
    .LutTables(LutTables), .DramBytes(DramBytes)
  ) u_check (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .abort_i      (abort_i),
    .start_i      (state_q == StIdle && valid_i && !abort_i),
    .chip_check_i (!perf_in),
    .mem_i        (mem_in),
    .chip_addr_i  (chip_addr_in),
    .rows_i       (rows_in),
    .row_bytes_i  (len_in),
    .ext_offset_i (ext_offset_in),
    .ext_stride_i (stride_in),
    .slot_base_i  (base_in),
    .slot_size_i  (size_in),
    .busy_o       (chk_busy),
    .done_o       (chk_done),
    .err_o        (chk_err),
    .err_code_o   (chk_code),
    .err_addr_o   (chk_eaddr),
    .addr0_o      (chk_addr0)
  );

  // ---- Row buffer: two rows, read from the on-chip memory (or the PERF record) -------------

  logic [RowBytesMax*8-1:0] buf_q [2];
  logic                     wr_sel_q, wr_sel_d, rd_sel_q, rd_sel_d;
  logic [1:0]               buf_cnt_q, buf_cnt_d;
  logic                     inflight_q, inflight_d;  // a row read issued last cycle
  logic [19:0]              rd_row_q, rd_row_d;      // next row to read
  logic                     push, pop, load_record;
  logic [RowBytesMax*8-1:0] record;

  always_comb begin
    record = '0;
    record[63:0] = 64'(pf_insn.tag);
    for (int unsigned i = 0; i < NumCounters; i++) begin
      record[64 * (i + 1) +: 64] = perf_counters_i[64*i +: 64];
    end
  end

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

  assign aw_beats = row_beats(aw_a_q, len_q, Lb);
  assign aw_first = first_beats(aw_a_q, len_q, Lb);
  assign aw_req = state_q == StRun && !stop_q && !abort_i && aw_row_q != rows_q &&
                  32'(bout_q) < MaxWrites && (!awv_q || aw_ready_i);

  // ---- W walker ------------------------------------------------------------------------------

  logic [19:0]              w_row_q, w_row_d;
  logic [63:0]              w_a_q, w_a_d;
  logic [8:0]               w_beat_q, w_beat_d;
  logic [21:0]              w_bursts_q, w_bursts_d;  // bursts whose last beat has been sent
  logic [8:0]               w_beats, w_first;
  logic [Lb-1:0]            w_off;
  logic                     w_req;
  logic [RowBytesMax*8-1:0] w_row;
  logic [BeatBytes*8-1:0]   slot_cur, slot_prev, rot_cur, rot_prev, w_data;
  logic [BeatBytes-1:0]     w_strb;
  logic                     w_last, w_pop;
  logic                     wv_q, wv_d;
  logic [BeatBytes*8-1:0]   wdata_q, wdata_d;
  logic [BeatBytes-1:0]     wstrb_q, wstrb_d;
  logic                     wlast_q, wlast_d;

  assign w_beats = row_beats(w_a_q, len_q, Lb);
  assign w_first = first_beats(w_a_q, len_q, Lb);
  assign w_off   = w_a_q[Lb-1:0];
  assign w_row   = buf_q[rd_sel_q];
  assign w_req   = state_q == StRun && buf_cnt_q != '0 && aw_bursts_q != w_bursts_q &&
                   (!wv_q || w_ready_i);
  assign w_last  = w_beat_q == w_first - 9'd1 || w_beat_q == w_beats - 9'd1;
  assign w_pop   = w_req && w_beat_q == w_beats - 9'd1;

  // Beat k: bytes i >= off are row bytes k*BeatBytes + i - off (slot k rotated left by off),
  // bytes i < off are row bytes (k-1)*BeatBytes + BeatBytes + i - off (slot k-1 rotated).
  always_comb begin
    slot_cur  = '0;
    slot_prev = '0;
    for (int unsigned s = 0; s < Slots; s++) begin
      for (int unsigned i = 0; i < BeatBytes; i++) begin
        if (s * BeatBytes + i < RowBytesMax) begin
          if (32'(s) == 32'(w_beat_q)) slot_cur[i*8 +: 8] = w_row[(s * BeatBytes + i) * 8 +: 8];
          if (32'(s) + 1 == 32'(w_beat_q)) slot_prev[i*8 +: 8] = w_row[(s * BeatBytes + i) * 8 +: 8];
        end
      end
    end
  end
  aorta_dma_rotate #(.Bytes(BeatBytes), .Left(1'b1)) u_rot_cur (
    .in_i  (slot_cur),
    .amt_i (w_off),
    .out_o (rot_cur)
  );
  aorta_dma_rotate #(.Bytes(BeatBytes), .Left(1'b1)) u_rot_prev (
    .in_i  (slot_prev),
    .amt_i (w_off),
    .out_o (rot_prev)
  );
  always_comb begin
    for (int unsigned i = 0; i < BeatBytes; i++) begin
      // Position of byte i in the row's aligned frame (the first beat starts at 0).
      logic [31:0] p;
      p = 32'(w_beat_q) * BeatBytes + i;
      w_data[i*8 +: 8] = i < 32'(w_off) ? rot_prev[i*8 +: 8] : rot_cur[i*8 +: 8];
      w_strb[i] = p >= 32'(w_off) && p < 32'(w_off) + 32'(len_q);
    end
  end

  // ---- B walker ------------------------------------------------------------------------------

  logic [63:0] b_a_q, b_a_d;
  logic        b_second_q, b_second_d;

  // ---- Next state ------------------------------------------------------------------------------

  always_comb begin
    state_d      = state_q;
    perf_d       = perf_q;
    mem_d        = mem_q;
    chip_addr_d  = chip_addr_q;
    rows_d       = rows_q;
    len_d        = len_q;
    ext_offset_d = ext_offset_q;
    stride_d     = stride_q;
    base_d       = base_q;
    size_d       = size_q;
    stop_d       = stop_q;
    abort_d      = abort_q;
    err_d        = err_q;
    eaddr_d      = eaddr_q;
    done_o       = 1'b0;

    wr_sel_d   = wr_sel_q;
    rd_sel_d   = rd_sel_q;
    buf_cnt_d  = buf_cnt_q;
    inflight_d = 1'b0;
    rd_row_d   = rd_row_q;
    push       = 1'b0;
    pop        = 1'b0;
    load_record = 1'b0;
    mem_re_o   = 1'b0;

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
    wdata_d    = wdata_q;
    wstrb_d    = wstrb_q;
    wlast_d    = wlast_q;

    b_a_d      = b_a_q;
    b_second_d = b_second_q;

    unique case (state_q)
      StIdle: begin
        if (valid_i && !abort_i) begin
          state_d = StCheck;
          perf_d       = perf_in;
          mem_d        = mem_in;
          chip_addr_d  = chip_addr_in;
          rows_d       = rows_in;
          len_d        = len_in;
          ext_offset_d = ext_offset_in;
          stride_d     = stride_in;
          base_d       = base_in;
          size_d       = size_in;
          err_d     = 1'b0;
          eaddr_d   = '0;
          stop_d    = 1'b0;
          abort_d   = 1'b0;
          // The buffer starts empty, or holding the record (a PERF job's one row).
          load_record = perf_in;
          wr_sel_d    = perf_in;
          rd_sel_d    = 1'b0;
          buf_cnt_d   = perf_in ? 2'd1 : 2'd0;
        end
      end
      StCheck: begin
        if (chk_done) begin
          if (chk_err) begin
            state_d = StIdle;
            done_o  = 1'b1;
          end else begin
            state_d     = StRun;
            rd_row_d    = perf_q ? rows_q : '0;  // a record needs no on-chip read
            aw_row_d    = '0;
            aw_a_d      = chk_addr0;
            aw_second_d = 1'b0;
            aw_bursts_d = '0;
            w_row_d     = '0;
            w_a_d       = chk_addr0;
            w_beat_d    = '0;
            w_bursts_d  = '0;
            b_a_d       = chk_addr0;
            b_second_d  = 1'b0;
          end
        end
      end
      StRun: begin
        // On-chip reads: while fewer than two rows are buffered or coming (counting the row the W
        // walker finishes in this cycle, so a row per cycle streams); after a stop, only
        // the rows whose bursts have been requested.
        if (rd_row_q != rows_q && 32'(buf_cnt_q) + 32'(inflight_q) - 32'(w_pop) < 2 &&
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
            aw_a_d      = aw_a_q + 64'(stride_q);
          end
        end

        // W.
        if (w_req) begin
          wv_d    = 1'b1;
          wdata_d = w_data;
          wstrb_d = w_strb;
          wlast_d = w_last;
          if (w_last) w_bursts_d = w_bursts_q + 22'd1;
          if (w_pop) begin
            pop      = 1'b1;
            w_row_d  = w_row_q + 20'd1;
            w_a_d    = w_a_q + 64'(stride_q);
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
          if (first_beats(b_a_q, len_q, Lb) != row_beats(b_a_q, len_q, Lb) && !b_second_q) begin
            b_second_d = 1'b1;
          end else begin
            b_second_d = 1'b0;
            b_a_d      = b_a_q + 64'(stride_q);
          end
        end

        // Finished: every requested burst sent and answered, and nothing more to request.
        if ((stop_q || aw_row_q == rows_q) && aw_bursts_q == w_bursts_q && !wv_q &&
            bout_q == '0) begin
          state_d = StIdle;
          done_o  = !abort_q;
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

    if (abort_i) begin
      abort_d = 1'b1;
      stop_d  = 1'b1;
      if (state_q != StRun) state_d = StIdle;
      done_o  = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      perf_q       <= 1'b0;
      mem_q        <= '0;
      chip_addr_q  <= '0;
      rows_q       <= '0;
      len_q        <= '0;
      ext_offset_q <= '0;
      stride_q     <= '0;
      base_q       <= '0;
      size_q       <= '0;
      stop_q       <= 1'b0;
      abort_q      <= 1'b0;
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
      perf_q       <= perf_d;
      mem_q        <= mem_d;
      chip_addr_q  <= chip_addr_d;
      rows_q       <= rows_d;
      len_q        <= len_d;
      ext_offset_q <= ext_offset_d;
      stride_q     <= stride_d;
      base_q       <= base_d;
      size_q       <= size_d;
      stop_q       <= stop_d;
      abort_q      <= abort_d;
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

  // Datapath registers without reset (valid bits guard them).
  always_ff @(posedge clk_i) begin
    if (load_record) buf_q[0] <= record;
    else if (push) buf_q[wr_sel_q] <= mem_rdata_i;
    wdata_q <= wdata_d;
    wstrb_q <= wstrb_d;
  end

  assign mem_rsel_o  = mem_e'(mem_q);
  assign mem_raddr_o = RowAw'(chip_addr_q + 24'(rd_row_q));

  assign aw_addr_o  = awaddr_q;
  assign aw_len_o   = awlen_q;
  assign aw_valid_o = awv_q;
  assign w_data_o   = wdata_q;
  assign w_strb_o   = wstrb_q;
  assign w_last_o   = wlast_q;
  assign w_valid_o  = wv_q;

  logic chk_fail_now;
  assign chk_fail_now = state_q == StCheck && chk_done && chk_err;
  assign ready_o    = state_q == StIdle && !abort_i;
  assign err_o      = chk_fail_now || err_q;
  assign err_code_o = chk_fail_now ? chk_code : ErrCodeDmaFault;
  assign err_addr_o = chk_fail_now ? chk_eaddr : eaddr_q;
  assign idle_o     = state_q == StIdle && bout_q == '0 && !wv_q;

  logic ok_store;
  assign ok_store = done_o && !err_o && !perf_q;
  assign dma_wr_bytes_o = ok_store ? 32'(rows_q) * 32'(len_q) : '0;
  assign mem_rd_bytes_o = ok_store ? 32'(rows_q) * 32'(len_q) : '0;

  // Held copies feed the checker; the row index of the W walker is bookkeeping only.
  logic unused_held;
  // Fields of the instruction words that the checker and the walkers do not need (opcode and
  // token flags are the shell's, reserved bits are checked at decode).
  assign unused_held = ^{chk_busy, w_row_q, st_insn.reserved, st_insn.hdr, pf_insn.reserved};

`ifndef SYNTHESIS
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
