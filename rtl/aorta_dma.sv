// aorta_dma: the DMA engine, one AXI4 master serving instruction fetch (aorta_dma_fetch),
// DMA_LOAD (aorta_dma_load) and DMA_STORE / PERF records (aorta_dma_store); docs/rtl.md,
// "DMA engine". Reads: AR is one register shared by fetch (ARID 0, single 32-byte beats, served
// first) and loads (ARID 1, full-width INCR bursts); R is routed by RID and always accepted.
// Writes: stores and PERF records (AWID 0). Loads and stores run at the same time (LD and ST
// queues), each with its own on-chip port; jobs of one kind run one after the other.
module aorta_dma
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
  parameter int unsigned MaxReads    = 32,
  parameter int unsigned MaxWrites   = 32,
  parameter int unsigned FetchDepth  = 8,
  localparam int unsigned RowBytesMax = (4 * N > 256) ? 4 * N : 256,
  localparam int unsigned UbAw        = UbRows > 1 ? $clog2(UbRows) : 1,
  localparam int unsigned WbAw        = WbRows > 1 ? $clog2(WbRows) : 1,
  localparam int unsigned AccAw       = AccRows > 1 ? $clog2(AccRows) : 1,
  localparam int unsigned ParamAw     = ParamRows > 1 ? $clog2(ParamRows) : 1,
  localparam int unsigned LutAw       = LutTables > 1 ? $clog2(LutTables) : 1,
  localparam int unsigned RowAw01     = UbAw > WbAw ? UbAw : WbAw,
  localparam int unsigned RowAw23     = AccAw > ParamAw ? AccAw : ParamAw,
  localparam int unsigned RowAw0123   = RowAw01 > RowAw23 ? RowAw01 : RowAw23,
  localparam int unsigned RowAw       = RowAw0123 > LutAw ? RowAw0123 : LutAw,
  localparam int unsigned StrbWidth   = DataWidth / 8
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,

  // Control.
  input  logic                       abort_i,
  output logic                       idle_o,
  input  logic [SlotCount*64-1:0]    slot_base_i,
  input  logic [SlotCount*64-1:0]    slot_size_i,

  // Instruction fetch.
  input  logic                       fetch_start_i,
  input  logic [63:0]                fetch_addr_i,
  input  logic [31:0]                fetch_count_i,
  input  logic                       fetch_flush_i,
  output logic                       fetch_idle_o,
  output logic                       fetch_valid_o,
  input  logic                       fetch_ready_i,
  output logic [InsnWidth-1:0]       fetch_word_o,
  output logic                       fetch_err_o,

  // DMA_LOAD jobs.
  input  logic                       ld_valid_i,
  output logic                       ld_ready_o,
  input  logic [InsnWidth-1:0]       ld_insn_i,
  output logic                       ld_done_o,
  output logic                       ld_err_o,
  output logic [7:0]                 ld_err_code_o,
  output logic [63:0]                ld_err_addr_o,

  // DMA_STORE and PERF jobs.
  input  logic                       st_valid_i,
  output logic                       st_ready_o,
  input  logic [InsnWidth-1:0]       st_insn_i,
  input  logic [NumCounters*64-1:0]  perf_counters_i,
  output logic                       st_done_o,
  output logic                       st_err_o,
  output logic [7:0]                 st_err_code_o,
  output logic [63:0]                st_err_addr_o,

  // On-chip memory write port (DMA_LOAD).
  output logic                       mem_we_o,
  output mem_e                       mem_wsel_o,
  output logic [RowAw-1:0]           mem_waddr_o,
  output logic [RowBytesMax*8-1:0]   mem_wdata_o,
  // On-chip memory read port (DMA_STORE): data the cycle after mem_re_o.
  output logic                       mem_re_o,
  output mem_e                       mem_rsel_o,
  output logic [RowAw-1:0]           mem_raddr_o,
  input  logic [RowBytesMax*8-1:0]   mem_rdata_i,

  // Perf: bytes this cycle, as the golden model counts them.
  output logic [31:0]                dma_rd_bytes_o,
  output logic [31:0]                dma_wr_bytes_o,
  output logic [31:0]                fetch_bytes_o,
  output logic [31:0]                ub_wr_bytes_o,
  output logic [31:0]                wb_wr_bytes_o,
  output logic [31:0]                acc_wr_bytes_o,
  output logic [31:0]                ub_rd_bytes_o,
  output logic [31:0]                wb_rd_bytes_o,
  output logic [31:0]                acc_rd_bytes_o,

  // AXI4 master.
  output logic [1:0]                 m_axi_awid_o,
  output logic [63:0]                m_axi_awaddr_o,
  output logic [7:0]                 m_axi_awlen_o,
  output logic [2:0]                 m_axi_awsize_o,
  output logic [1:0]                 m_axi_awburst_o,
  output logic [3:0]                 m_axi_awcache_o,
  output logic [2:0]                 m_axi_awprot_o,
  output logic                       m_axi_awvalid_o,
  input  logic                       m_axi_awready_i,
  output logic [DataWidth-1:0]       m_axi_wdata_o,
  output logic [StrbWidth-1:0]       m_axi_wstrb_o,
  output logic                       m_axi_wlast_o,
  output logic                       m_axi_wvalid_o,
  input  logic                       m_axi_wready_i,
  input  logic [1:0]                 m_axi_bid_i,
  input  logic [1:0]                 m_axi_bresp_i,
  input  logic                       m_axi_bvalid_i,
  output logic                       m_axi_bready_o,
  output logic [1:0]                 m_axi_arid_o,
  output logic [63:0]                m_axi_araddr_o,
  output logic [7:0]                 m_axi_arlen_o,
  output logic [2:0]                 m_axi_arsize_o,
  output logic [1:0]                 m_axi_arburst_o,
  output logic [3:0]                 m_axi_arcache_o,
  output logic [2:0]                 m_axi_arprot_o,
  output logic                       m_axi_arvalid_o,
  input  logic                       m_axi_arready_i,
  input  logic [1:0]                 m_axi_rid_i,
  input  logic [DataWidth-1:0]       m_axi_rdata_i,
  input  logic [1:0]                 m_axi_rresp_i,
  input  logic                       m_axi_rlast_i,
  input  logic                       m_axi_rvalid_i,
  output logic                       m_axi_rready_o
);
  import aorta_axi_pkg::*;

  localparam int unsigned BeatBytes = DataWidth / 8;
  localparam logic [2:0]  BeatSize  = 3'($clog2(BeatBytes));
  localparam logic [1:0]  IdFetch   = 2'd0;
  localparam logic [1:0]  IdLoad    = 2'd1;
  localparam logic [1:0]  IdStore   = 2'd0;
  localparam int unsigned RecordBytes = 8 * (1 + NumCounters);  // a PERF record

  // ---- Instruction fetch ---------------------------------------------------------------------

  logic        fetch_ar_valid, fetch_ar_ready;
  logic [63:0] fetch_ar_addr;

  aorta_dma_fetch #(
    .DataWidth (DataWidth),
    .Depth     (FetchDepth),
    .DramBytes (DramBytes)
  ) u_fetch (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .start_i    (fetch_start_i),
    .addr_i     (fetch_addr_i),
    .count_i    (fetch_count_i),
    .flush_i    (fetch_flush_i || abort_i),
    .idle_o     (fetch_idle_o),
    .valid_o    (fetch_valid_o),
    .ready_i    (fetch_ready_i),
    .word_o     (fetch_word_o),
    .err_o      (fetch_err_o),
    .ar_valid_o (fetch_ar_valid),
    .ar_ready_i (fetch_ar_ready),
    .ar_addr_o  (fetch_ar_addr),
    .r_valid_i  (m_axi_rvalid_i && m_axi_rid_i == IdFetch),
    .r_data_i   (m_axi_rdata_i),
    .r_resp_i   (m_axi_rresp_i)
  );

  // ---- DMA_LOAD: front (accept, check, outcome) and mover ---------------------------------

  dma_load_t   ld_job;
  logic        ld_go, ld_finish, ld_fault, ld_front_idle, ld_mover_idle;
  dma_job_t    ld_run;
  logic [63:0] ld_fault_addr;
  logic        load_ar_valid, load_ar_ready, load_r_ready;
  logic [63:0] load_ar_addr;
  logic [7:0]  load_ar_len;

  assign ld_job = dma_load_t'(ld_insn_i);

  aorta_dma_front #(
    .N(N), .UbRows(UbRows), .WbRows(WbRows), .AccRows(AccRows), .ParamRows(ParamRows),
    .LutTables(LutTables), .DramBytes(DramBytes)
  ) u_ld_front (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .abort_i      (abort_i),
    .slot_base_i  (slot_base_i),
    .slot_size_i  (slot_size_i),
    .valid_i      (ld_valid_i),
    .ready_o      (ld_ready_o),
    .chip_check_i (1'b1),
    .slot_i       (ld_job.slot),
    .mem_i        (ld_job.mem),
    .chip_addr_i  (ld_job.chip_addr),
    .rows_i       (ld_job.rows),
    .row_bytes_i  (ld_job.row_bytes),
    .ext_offset_i (ld_job.ext_offset),
    .ext_stride_i (ld_job.ext_stride),
    .job_o        (ld_run),
    .go_o         (ld_go),
    .finish_i     (ld_finish),
    .fault_i      (ld_fault),
    .fault_addr_i (ld_fault_addr),
    .done_o       (ld_done_o),
    .err_o        (ld_err_o),
    .err_code_o   (ld_err_code_o),
    .err_addr_o   (ld_err_addr_o),
    .idle_o       (ld_front_idle)
  );

  aorta_dma_load #(
    .DataWidth(DataWidth), .MaxReads(MaxReads), .RowBytesMax(RowBytesMax), .RowAw(RowAw)
  ) u_load (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .abort_i      (abort_i),
    .go_i         (ld_go),
    .job_i        (ld_run),
    .finish_o     (ld_finish),
    .fault_o      (ld_fault),
    .fault_addr_o (ld_fault_addr),
    .idle_o       (ld_mover_idle),
    .ar_valid_o   (load_ar_valid),
    .ar_ready_i   (load_ar_ready),
    .ar_addr_o    (load_ar_addr),
    .ar_len_o     (load_ar_len),
    .r_valid_i    (m_axi_rvalid_i && m_axi_rid_i == IdLoad),
    .r_ready_o    (load_r_ready),
    .r_data_i     (m_axi_rdata_i),
    .r_resp_i     (m_axi_rresp_i),
    .r_last_i     (m_axi_rlast_i),
    .mem_we_o     (mem_we_o),
    .mem_wsel_o   (mem_wsel_o),
    .mem_waddr_o  (mem_waddr_o),
    .mem_wdata_o  (mem_wdata_o)
  );

  // ---- DMA_STORE and PERF: front and mover -------------------------------------------------

  dma_store_t  st_job;
  perf_t       pf_job;
  logic        st_is_perf, st_perf_q;
  logic        st_go, st_finish, st_fault, st_front_idle, st_mover_idle;
  dma_job_t    st_run;
  logic [63:0] st_fault_addr;

  assign st_job     = dma_store_t'(st_insn_i);
  assign pf_job     = perf_t'(st_insn_i);
  assign st_is_perf = pf_job.hdr.opcode == OpPerf;

  aorta_dma_front #(
    .N(N), .UbRows(UbRows), .WbRows(WbRows), .AccRows(AccRows), .ParamRows(ParamRows),
    .LutTables(LutTables), .DramBytes(DramBytes)
  ) u_st_front (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .abort_i      (abort_i),
    .slot_base_i  (slot_base_i),
    .slot_size_i  (slot_size_i),
    .valid_i      (st_valid_i),
    .ready_o      (st_ready_o),
    // A PERF record: one row of the record's size at ext_offset, no on-chip rows to check.
    .chip_check_i (!st_is_perf),
    .slot_i       (st_is_perf ? pf_job.slot : st_job.slot),
    .mem_i        (st_is_perf ? 3'd0 : st_job.mem),
    .chip_addr_i  (st_is_perf ? 24'd0 : st_job.chip_addr),
    .rows_i       (st_is_perf ? 20'd1 : st_job.rows),
    .row_bytes_i  (st_is_perf ? 12'(RecordBytes) : st_job.row_bytes),
    .ext_offset_i (st_is_perf ? pf_job.ext_offset : st_job.ext_offset),
    .ext_stride_i (st_is_perf ? 32'd0 : st_job.ext_stride),
    .job_o        (st_run),
    .go_o         (st_go),
    .finish_i     (st_finish),
    .fault_i      (st_fault),
    .fault_addr_i (st_fault_addr),
    .done_o       (st_done_o),
    .err_o        (st_err_o),
    .err_code_o   (st_err_code_o),
    .err_addr_o   (st_err_addr_o),
    .idle_o       (st_front_idle)
  );

  aorta_dma_store #(
    .DataWidth(DataWidth), .MaxWrites(MaxWrites), .RowBytesMax(RowBytesMax), .RowAw(RowAw)
  ) u_store (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .abort_i         (abort_i),
    .take_i          (st_valid_i && st_ready_o),
    .take_perf_i     (st_is_perf),
    .take_tag_i      (pf_job.tag),
    .perf_counters_i (perf_counters_i),
    .go_i            (st_go),
    .job_i           (st_run),
    .finish_o        (st_finish),
    .fault_o         (st_fault),
    .fault_addr_o    (st_fault_addr),
    .idle_o          (st_mover_idle),
    .aw_addr_o       (m_axi_awaddr_o),
    .aw_len_o        (m_axi_awlen_o),
    .aw_valid_o      (m_axi_awvalid_o),
    .aw_ready_i      (m_axi_awready_i),
    .w_data_o        (m_axi_wdata_o),
    .w_strb_o        (m_axi_wstrb_o),
    .w_last_o        (m_axi_wlast_o),
    .w_valid_o       (m_axi_wvalid_o),
    .w_ready_i       (m_axi_wready_i),
    .b_resp_i        (m_axi_bresp_i),
    .b_valid_i       (m_axi_bvalid_i),
    .mem_re_o        (mem_re_o),
    .mem_rsel_o      (mem_rsel_o),
    .mem_raddr_o     (mem_raddr_o),
    .mem_rdata_i     (mem_rdata_i)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) st_perf_q <= 1'b0;
    else if (st_valid_i && st_ready_o) st_perf_q <= st_is_perf;
  end

  assign m_axi_awid_o    = IdStore;
  assign m_axi_awsize_o  = BeatSize;
  assign m_axi_awburst_o = BurstIncr;
  assign m_axi_awcache_o = CacheNormal;
  assign m_axi_awprot_o  = ProtData;
  assign m_axi_bready_o  = 1'b1;   // every response is expected and taken at once
  // Fetch credits take every beat at once; the load path pauses its beats for a cycle when a row
  // re-uses the beat it kept (READY may depend on the beat's ID).
  assign m_axi_rready_o  = m_axi_rid_i == IdLoad ? load_r_ready : 1'b1;

  // ---- AR: one register, fetch first (it needs few reads, and decode waits on them) ---------

  logic        arv_q, arv_d;
  logic [1:0]  arid_q, arid_d;
  logic [63:0] araddr_q, araddr_d;
  logic [7:0]  arlen_q, arlen_d;
  logic        ar_free;

  assign ar_free        = !arv_q || m_axi_arready_i;
  assign fetch_ar_ready = ar_free;
  assign load_ar_ready  = ar_free && !fetch_ar_valid;

  always_comb begin
    arv_d    = arv_q && !m_axi_arready_i;
    arid_d   = arid_q;
    araddr_d = araddr_q;
    arlen_d  = arlen_q;
    if (ar_free && fetch_ar_valid) begin
      arv_d    = 1'b1;
      arid_d   = IdFetch;
      araddr_d = fetch_ar_addr;
      arlen_d  = '0;
    end else if (ar_free && load_ar_valid) begin
      arv_d    = 1'b1;
      arid_d   = IdLoad;
      araddr_d = load_ar_addr;
      arlen_d  = load_ar_len;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      arv_q    <= 1'b0;
      arid_q   <= '0;
      araddr_q <= '0;
      arlen_q  <= '0;
    end else begin
      arv_q    <= arv_d;
      arid_q   <= arid_d;
      araddr_q <= araddr_d;
      arlen_q  <= arlen_d;
    end
  end

  assign m_axi_arvalid_o = arv_q;
  assign m_axi_arid_o    = arid_q;
  assign m_axi_araddr_o  = araddr_q;
  assign m_axi_arlen_o   = arlen_q;
  // Fetch reads one 32-byte word (a narrow single beat); loads use full-width beats.
  assign m_axi_arsize_o  = arid_q == IdFetch ? 3'd5 : BeatSize;
  assign m_axi_arburst_o = BurstIncr;
  assign m_axi_arcache_o = CacheNormal;
  assign m_axi_arprot_o  = arid_q == IdFetch ? ProtInsn : ProtData;

  assign idle_o = fetch_idle_o && ld_front_idle && ld_mover_idle && st_front_idle &&
                  st_mover_idle && !arv_q;

  // ---- Perf ----------------------------------------------------------------------------------

  // A job's bytes count in its done cycle if it did not fail (the golden model commits only
  // then): loads rows * row_bytes from DMA and whole rows on chip, stores rows * row_bytes both.
  logic        ld_ok, st_ok;
  logic [31:0] ld_bytes, ld_mem_bytes, st_bytes;
  assign ld_ok        = ld_done_o && !ld_err_o;
  assign st_ok        = st_done_o && !st_err_o && !st_perf_q;  // PERF records are not counted
  assign ld_bytes     = ld_ok ? 32'(ld_run.rows) * 32'(ld_run.row_bytes) : '0;
  assign ld_mem_bytes = ld_ok ? 32'(ld_run.rows) * mem_row_bytes(mem_e'(ld_run.mem), N) : '0;
  assign st_bytes     = st_ok ? 32'(st_run.rows) * 32'(st_run.row_bytes) : '0;
  assign dma_rd_bytes_o = ld_bytes;
  assign dma_wr_bytes_o = st_bytes;
  assign fetch_bytes_o  = (fetch_valid_o && fetch_ready_i && !fetch_err_o) ? 32'd32 : '0;
  assign ub_wr_bytes_o  = ld_run.mem == MemUb ? ld_mem_bytes : '0;
  assign wb_wr_bytes_o  = ld_run.mem == MemWb ? ld_mem_bytes : '0;
  assign acc_wr_bytes_o = ld_run.mem == MemAcc ? ld_mem_bytes : '0;
  assign ub_rd_bytes_o  = st_run.mem == MemUb ? st_bytes : '0;
  assign wb_rd_bytes_o  = st_run.mem == MemWb ? st_bytes : '0;
  assign acc_rd_bytes_o = st_run.mem == MemAcc ? st_bytes : '0;

  // Responses carry no information beyond what the engine tracks itself: IDs are routed above,
  // a write response's ID is always the store ID (one writer). Of the instruction words the
  // fronts take the fields; opcode, token flags and reserved bits are the shell's.
  logic unused_fields;
  assign unused_fields = ^{m_axi_bid_i, ld_job.hdr, ld_job.reserved, st_job.hdr, st_job.reserved,
                           pf_job.reserved};

`ifndef SYNTHESIS
  initial begin
    if (DataWidth != 256 && DataWidth != 512 && DataWidth != 1024)
      $fatal(1, "aorta_dma: DataWidth must be 256, 512 or 1024");
  end
  ArValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o && !m_axi_arready_i |=> m_axi_arvalid_o && $stable(m_axi_araddr_o)
      && $stable(m_axi_arlen_o) && $stable(m_axi_arid_o));
  // The shell holds a job offer until it is taken (abort may withdraw it).
  LdValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ld_valid_i && !ld_ready_o && !abort_i |=> ld_valid_i && $stable(ld_insn_i));
  StValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_valid_i && !st_ready_o && !abort_i |=> st_valid_i && $stable(st_insn_i));
  RidKnown: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_rvalid_i |-> m_axi_rid_i == IdFetch || m_axi_rid_i == IdLoad);
`endif

endmodule
