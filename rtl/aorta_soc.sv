// aorta_soc: the chip. AXI4-lite register slave (aorta_regfile) + instruction fetch through the
// DMA engine (aorta_dma) + decode (aorta_isa_pkg::decode_check) and range checks
// (aorta_range_check) + LD / EX / ST queues with the four dependency-token counters + the
// on-chip memories (aorta_row_mem) + the matrix and vector units + link ports + perf counters +
// status / error / interrupt. docs/rtl.md "SoC" describes it; the golden model
// (core/golden/golden_device.h) is the specification it follows.
//
// Run control:
//   DOORBELL (ignored while busy; latched while a soft reset still drains the units) starts
//   fetching IQ_LEN words at IQ_BASE. A word is decoded (BAD_OPCODE / BAD_FIELD stop the run at
//   once, ERR_ADDR = the word's device address), its on-chip ranges are checked
//   (aorta_range_check; a failing check is kept with the entry and fires when the entry would
//   execute, so that earlier instructions complete first, as in the golden model), then it is
//   dispatched: a barrier waits until every queue is empty and every unit idle; any other
//   instruction enters its queue (QueueDepth entries). Fetching past IQ_LEN is FETCH_FAULT.
//   A queue head issues when the counters it pops are non-zero and its unit can take it:
//   TOKEN_OVERFLOW if a counter it pushes (plus the pushes of its queue's instructions still in
//   flight) is at TokenCapacity, else the fault recorded by the range check, else the unit
//   starts it; its pops are consumed at issue and its pushes added at completion. LD and ST
//   have one instruction in flight. EX issues up to one instruction per cycle to the matrix
//   unit (LOADW, MATMUL) or the vector unit (the rest); both units run at once, each in order,
//   as long as an instruction's UB / ACC rows do not overlap unfinished work of the other unit
//   (then it waits); EX instructions retire in program order (pushes, counters, BAD_PARAM), so
//   the overlap is invisible to the program (docs/rtl.md "EX issue and overlap").
//   TOKEN_DEADLOCK: nothing is in flight, the decoded instruction cannot be dispatched, and
//   every non-empty queue waits for a token (ERR_PC: the oldest of those instructions).
//   An error stops fetch and issue; the run ends (STATUS.error, IRQ error) when the units in
//   flight have finished. HALT ends it with STATUS.done and the done interrupt.
//   CTRL.soft_reset while busy: STATUS.error with ABORTED (no interrupt) at once, queues and
//   tokens cleared, the DMA and link engines aborted; the units finish what they hold before
//   the next run starts.
module aorta_soc
  import aorta_isa_pkg::*;
  import aorta_regs_pkg::*;
#(
  parameter int unsigned N             = 8,
  parameter int unsigned UbRows        = 8192,
  parameter int unsigned WbRows        = 4096,
  parameter int unsigned AccRows       = 1024,
  parameter int unsigned ParamRows     = 256,
  parameter int unsigned LutTables     = 4,
  parameter int unsigned QueueDepth    = 16,
  parameter int unsigned TokenCapacity = 15,
  parameter int unsigned LinkPorts     = 2,
  parameter logic [63:0] ConfigFp      = 64'h0,
  parameter logic [63:0] DramBytes     = 64'h1000_0000,
  parameter int unsigned DmaDataWidth  = 256,
  localparam int unsigned UbAw         = UbRows > 1 ? $clog2(UbRows) : 1,
  localparam int unsigned WbAw         = WbRows > 1 ? $clog2(WbRows) : 1,
  localparam int unsigned AccAw        = AccRows > 1 ? $clog2(AccRows) : 1,
  localparam int unsigned ParamAw      = ParamRows > 1 ? $clog2(ParamRows) : 1,
  localparam int unsigned LutAw        = LutTables > 1 ? $clog2(LutTables) : 1,
  localparam int unsigned RowW         = N * 8,
  localparam int unsigned LinkW        = LinkPorts > 1 ? $clog2(LinkPorts) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // AXI4-lite slave: the register map (BAR0).
  input  logic [11:0]               s_axil_awaddr_i,
  input  logic [2:0]                s_axil_awprot_i,
  input  logic                      s_axil_awvalid_i,
  output logic                      s_axil_awready_o,
  input  logic [31:0]               s_axil_wdata_i,
  input  logic [3:0]                s_axil_wstrb_i,
  input  logic                      s_axil_wvalid_i,
  output logic                      s_axil_wready_o,
  output logic [1:0]                s_axil_bresp_o,
  output logic                      s_axil_bvalid_o,
  input  logic                      s_axil_bready_i,
  input  logic [11:0]               s_axil_araddr_i,
  input  logic [2:0]                s_axil_arprot_i,
  input  logic                      s_axil_arvalid_i,
  output logic                      s_axil_arready_o,
  output logic [31:0]               s_axil_rdata_o,
  output logic [1:0]                s_axil_rresp_o,
  output logic                      s_axil_rvalid_o,
  input  logic                      s_axil_rready_i,

  // AXI4 master: board DRAM and the host window (device address map, core/device.h).
  output logic [1:0]                m_axi_awid_o,
  output logic [63:0]               m_axi_awaddr_o,
  output logic [7:0]                m_axi_awlen_o,
  output logic [2:0]                m_axi_awsize_o,
  output logic [1:0]                m_axi_awburst_o,
  output logic [3:0]                m_axi_awcache_o,
  output logic [2:0]                m_axi_awprot_o,
  output logic                      m_axi_awvalid_o,
  input  logic                      m_axi_awready_i,
  output logic [DmaDataWidth-1:0]   m_axi_wdata_o,
  output logic [DmaDataWidth/8-1:0] m_axi_wstrb_o,
  output logic                      m_axi_wlast_o,
  output logic                      m_axi_wvalid_o,
  input  logic                      m_axi_wready_i,
  input  logic [1:0]                m_axi_bid_i,
  input  logic [1:0]                m_axi_bresp_i,
  input  logic                      m_axi_bvalid_i,
  output logic                      m_axi_bready_o,
  output logic [1:0]                m_axi_arid_o,
  output logic [63:0]               m_axi_araddr_o,
  output logic [7:0]                m_axi_arlen_o,
  output logic [2:0]                m_axi_arsize_o,
  output logic [1:0]                m_axi_arburst_o,
  output logic [3:0]                m_axi_arcache_o,
  output logic [2:0]                m_axi_arprot_o,
  output logic                      m_axi_arvalid_o,
  input  logic                      m_axi_arready_i,
  input  logic [1:0]                m_axi_rid_i,
  input  logic [DmaDataWidth-1:0]   m_axi_rdata_i,
  input  logic [1:0]                m_axi_rresp_i,
  input  logic                      m_axi_rlast_i,
  input  logic                      m_axi_rvalid_i,
  output logic                      m_axi_rready_o,

  // Link ports: valid / ready streams of N-byte rows (lane n = byte n), one in and one out per
  // port; link_up_i[p] says port p is connected (RECV / SEND on a port that is not: LINK_FAULT).
  input  logic [LinkPorts-1:0]      link_up_i,
  input  logic [LinkPorts-1:0]      link_rx_valid_i,
  output logic [LinkPorts-1:0]      link_rx_ready_o,
  input  logic [LinkPorts*RowW-1:0] link_rx_data_i,   // port p at [RowW*p +: RowW]
  output logic [LinkPorts-1:0]      link_tx_valid_o,
  input  logic [LinkPorts-1:0]      link_tx_ready_i,
  output logic [LinkPorts*RowW-1:0] link_tx_data_o,

  output logic                      irq_o
);
  localparam int unsigned RowBytesMax = (4 * N > 256) ? 4 * N : 256;
  localparam int unsigned RowAw01     = UbAw > WbAw ? UbAw : WbAw;
  localparam int unsigned RowAw23     = AccAw > ParamAw ? AccAw : ParamAw;
  localparam int unsigned RowAw0123   = RowAw01 > RowAw23 ? RowAw01 : RowAw23;
  localparam int unsigned RowAw       = RowAw0123 > LutAw ? RowAw0123 : LutAw;
  localparam int unsigned TokW        = $clog2(TokenCapacity + 1) + 1;
  localparam int unsigned ExInflight  = 16;  // EX instructions in flight (both units), at most

  // Queue indices and token counters (ERR_ADDR of TOKEN_OVERFLOW: the counter index).
  localparam int unsigned QLd = 0, QEx = 1, QSt = 2;
  localparam int unsigned CLdToEx = 0, CExToLd = 1, CExToSt = 2, CStToEx = 3;

  // ==== Register file ===========================================================================
  logic                       soft_reset, clear_counters, doorbell;
  logic [63:0]                iq_base;
  logic [31:0]                iq_len;
  logic [SlotCount*64-1:0]    slot_base, slot_size;
  logic                       busy_q, done_q, error_q;
  err_code_e                  err_code_q;
  logic [31:0]                err_pc_q;
  logic [63:0]                err_addr_q;
  logic                       irq_done_set, irq_error_set;
  logic [NumCounters*64-1:0]  counters;
  logic [31:0]                unused_chip_index;
  logic [31:0]                link_timeout;

  aorta_regfile #(
    .N        (N),
    .ConfigFp (ConfigFp),
    .AddrWidth(12)
  ) u_regfile (
    .clk_i,
    .rst_ni,
    .s_axil_awaddr_i,
    .s_axil_awprot_i,
    .s_axil_awvalid_i,
    .s_axil_awready_o,
    .s_axil_wdata_i,
    .s_axil_wstrb_i,
    .s_axil_wvalid_i,
    .s_axil_wready_o,
    .s_axil_bresp_o,
    .s_axil_bvalid_o,
    .s_axil_bready_i,
    .s_axil_araddr_i,
    .s_axil_arprot_i,
    .s_axil_arvalid_i,
    .s_axil_arready_o,
    .s_axil_rdata_o,
    .s_axil_rresp_o,
    .s_axil_rvalid_o,
    .s_axil_rready_i,
    .chip_index_o    (unused_chip_index),  // informational register: the chip does not use it
    .link_timeout_o  (link_timeout),
    .soft_reset_o    (soft_reset),
    .clear_counters_o(clear_counters),
    .doorbell_o      (doorbell),
    .iq_base_o       (iq_base),
    .iq_len_o        (iq_len),
    .slot_base_o     (slot_base),
    .slot_size_o     (slot_size),
    .status_busy_i   (busy_q),
    .status_done_i   (done_q),
    .status_error_i  (error_q),
    .err_code_i      (err_code_q),
    .err_pc_i        (err_pc_q),
    .err_addr_i      (err_addr_q),
    .irq_done_set_i  (irq_done_set),
    .irq_error_set_i (irq_error_set),
    .counters_i      (counters),
    .irq_o
  );

  // ==== DMA engine ==============================================================================
  logic                     dma_abort, dma_idle;
  logic                     fetch_start, fetch_flush, fetch_valid, fetch_ready, fetch_err;
  logic                     unused_fetch_idle;
  logic [InsnWidth-1:0]     fetch_word;
  logic                     ld_valid_q, ld_ready, ld_done, ld_err;
  logic [InsnWidth-1:0]     ld_insn_q;
  logic [7:0]               ld_err_code;
  logic [63:0]              ld_err_addr;
  logic                     st_valid_q, st_ready, st_done, st_err;
  logic [InsnWidth-1:0]     st_insn_q;
  logic [7:0]               st_err_code;
  logic [63:0]              st_err_addr;
  logic                     dma_we, dma_re;
  mem_e                     dma_wsel, dma_rsel, dma_rsel_q;
  logic [RowAw-1:0]         dma_waddr, dma_raddr;
  logic [RowBytesMax*8-1:0] dma_wdata, dma_rdata;
  logic [31:0]              dma_rd_bytes, dma_wr_bytes, unused_dma_fetch_bytes;
  logic [31:0]              dma_ub_wr_bytes, dma_wb_wr_bytes, dma_acc_wr_bytes;
  logic [31:0]              dma_ub_rd_bytes, dma_wb_rd_bytes, dma_acc_rd_bytes;

  aorta_dma #(
    .N        (N),
    .UbRows   (UbRows),
    .WbRows   (WbRows),
    .AccRows  (AccRows),
    .ParamRows(ParamRows),
    .LutTables(LutTables),
    .DramBytes(DramBytes),
    .DataWidth(DmaDataWidth)
  ) u_dma (
    .clk_i,
    .rst_ni,
    .abort_i        (dma_abort),
    .idle_o         (dma_idle),
    .slot_base_i    (slot_base),
    .slot_size_i    (slot_size),
    .fetch_start_i  (fetch_start),
    .fetch_addr_i   (iq_base),
    .fetch_count_i  (iq_len),
    .fetch_flush_i  (fetch_flush),
    .fetch_idle_o   (unused_fetch_idle),
    .fetch_valid_o  (fetch_valid),
    .fetch_ready_i  (fetch_ready),
    .fetch_word_o   (fetch_word),
    .fetch_err_o    (fetch_err),
    .ld_valid_i     (ld_valid_q),
    .ld_ready_o     (ld_ready),
    .ld_insn_i      (ld_insn_q),
    .ld_done_o      (ld_done),
    .ld_err_o       (ld_err),
    .ld_err_code_o  (ld_err_code),
    .ld_err_addr_o  (ld_err_addr),
    .st_valid_i     (st_valid_q),
    .st_ready_o     (st_ready),
    .st_insn_i      (st_insn_q),
    .perf_counters_i(counters),
    .st_done_o      (st_done),
    .st_err_o       (st_err),
    .st_err_code_o  (st_err_code),
    .st_err_addr_o  (st_err_addr),
    .mem_we_o       (dma_we),
    .mem_wsel_o     (dma_wsel),
    .mem_waddr_o    (dma_waddr),
    .mem_wdata_o    (dma_wdata),
    .mem_re_o       (dma_re),
    .mem_rsel_o     (dma_rsel),
    .mem_raddr_o    (dma_raddr),
    .mem_rdata_i    (dma_rdata),
    .dma_rd_bytes_o (dma_rd_bytes),
    .dma_wr_bytes_o (dma_wr_bytes),
    .fetch_bytes_o  (unused_dma_fetch_bytes),  // counted here, per word decoded (see below)
    .ub_wr_bytes_o  (dma_ub_wr_bytes),
    .wb_wr_bytes_o  (dma_wb_wr_bytes),
    .acc_wr_bytes_o (dma_acc_wr_bytes),
    .ub_rd_bytes_o  (dma_ub_rd_bytes),
    .wb_rd_bytes_o  (dma_wb_rd_bytes),
    .acc_rd_bytes_o (dma_acc_rd_bytes),
    .m_axi_awid_o,
    .m_axi_awaddr_o,
    .m_axi_awlen_o,
    .m_axi_awsize_o,
    .m_axi_awburst_o,
    .m_axi_awcache_o,
    .m_axi_awprot_o,
    .m_axi_awvalid_o,
    .m_axi_awready_i,
    .m_axi_wdata_o,
    .m_axi_wstrb_o,
    .m_axi_wlast_o,
    .m_axi_wvalid_o,
    .m_axi_wready_i,
    .m_axi_bid_i,
    .m_axi_bresp_i,
    .m_axi_bvalid_i,
    .m_axi_bready_o,
    .m_axi_arid_o,
    .m_axi_araddr_o,
    .m_axi_arlen_o,
    .m_axi_arsize_o,
    .m_axi_arburst_o,
    .m_axi_arcache_o,
    .m_axi_arprot_o,
    .m_axi_arvalid_o,
    .m_axi_arready_i,
    .m_axi_rid_i,
    .m_axi_rdata_i,
    .m_axi_rresp_i,
    .m_axi_rlast_i,
    .m_axi_rvalid_i,
    .m_axi_rready_o
  );

  // ==== Memories ================================================================================
  // UB: reads 0 matrix, 1 vector, 2 DMA, 3 link TX; writes 0 vector, 1 DMA, 2 link RX.
  // WB: reads 0 matrix, 1 vector, 2 DMA; writes 0 DMA.
  // ACC: reads 0 matrix, 1 vector, 2 DMA; writes 0 matrix, 1 vector, 2 DMA.
  // PARAM: reads 0 vector, 1 DMA; writes 0 DMA.   LUT: reads 0 vector, 1 DMA; writes 0 DMA.
  logic [3:0]          ub_re;
  logic [4*UbAw-1:0]   ub_raddr;
  logic [4*RowW-1:0]   ub_rdata;
  logic [2:0]          ub_we;
  logic [3*UbAw-1:0]   ub_waddr;
  logic [3*RowW-1:0]   ub_wdata;
  logic [2:0]          wb_re;
  logic [3*WbAw-1:0]   wb_raddr;
  logic [3*RowW-1:0]   wb_rdata;
  logic [2:0]          acc_re;
  logic [3*AccAw-1:0]  acc_raddr;
  logic [3*N*32-1:0]   acc_rdata;
  logic [2:0]          acc_we;
  logic [3*AccAw-1:0]  acc_waddr;
  logic [3*N*32-1:0]   acc_wdata;
  logic [1:0]          param_re;
  logic [2*ParamAw-1:0] param_raddr;
  logic [2*N*32-1:0]   param_rdata;
  logic [1:0]          lut_re;
  logic [2*LutAw-1:0]  lut_raddr;
  logic [2*2048-1:0]   lut_rdata;

  aorta_row_mem #(.Rows(UbRows), .Width(RowW), .NumRd(4), .NumWr(3)) u_ub (
    .clk_i, .re_i(ub_re), .raddr_i(ub_raddr), .rdata_o(ub_rdata),
    .we_i(ub_we), .waddr_i(ub_waddr), .wdata_i(ub_wdata)
  );
  aorta_row_mem #(.Rows(WbRows), .Width(RowW), .NumRd(3), .NumWr(1)) u_wb (
    .clk_i, .re_i(wb_re), .raddr_i(wb_raddr), .rdata_o(wb_rdata),
    .we_i(dma_we && dma_wsel == MemWb), .waddr_i(WbAw'(dma_waddr)), .wdata_i(dma_wdata[RowW-1:0])
  );
  aorta_row_mem #(.Rows(AccRows), .Width(N * 32), .NumRd(3), .NumWr(3)) u_acc (
    .clk_i, .re_i(acc_re), .raddr_i(acc_raddr), .rdata_o(acc_rdata),
    .we_i(acc_we), .waddr_i(acc_waddr), .wdata_i(acc_wdata)
  );
  aorta_row_mem #(.Rows(ParamRows), .Width(N * 32), .NumRd(2), .NumWr(1)) u_param (
    .clk_i, .re_i(param_re), .raddr_i(param_raddr), .rdata_o(param_rdata),
    .we_i(dma_we && dma_wsel == MemParam), .waddr_i(ParamAw'(dma_waddr)),
    .wdata_i(dma_wdata[N*32-1:0])
  );
  aorta_row_mem #(.Rows(LutTables), .Width(2048), .NumRd(2), .NumWr(1)) u_lut (
    .clk_i, .re_i(lut_re), .raddr_i(lut_raddr), .rdata_o(lut_rdata),
    .we_i(dma_we && dma_wsel == MemLut), .waddr_i(LutAw'(dma_waddr)),
    .wdata_i(dma_wdata[2047:0])
  );

  // DMA ports of the memories: writes of DMA_LOAD, reads of DMA_STORE (data one cycle later,
  // from the memory selected in the read cycle).
  assign ub_we[1]                  = dma_we && dma_wsel == MemUb;
  assign ub_waddr[UbAw*1 +: UbAw]  = UbAw'(dma_waddr);
  assign ub_wdata[RowW*1 +: RowW]  = dma_wdata[RowW-1:0];
  assign acc_we[2]                 = dma_we && dma_wsel == MemAcc;
  assign acc_waddr[AccAw*2 +: AccAw] = AccAw'(dma_waddr);
  assign acc_wdata[N*32*2 +: N*32] = dma_wdata[N*32-1:0];
  assign ub_re[2]                  = dma_re && dma_rsel == MemUb;
  assign ub_raddr[UbAw*2 +: UbAw]  = UbAw'(dma_raddr);
  assign wb_re[2]                  = dma_re && dma_rsel == MemWb;
  assign wb_raddr[WbAw*2 +: WbAw]  = WbAw'(dma_raddr);
  assign acc_re[2]                 = dma_re && dma_rsel == MemAcc;
  assign acc_raddr[AccAw*2 +: AccAw] = AccAw'(dma_raddr);
  assign param_re[1]               = dma_re && dma_rsel == MemParam;
  assign param_raddr[ParamAw*1 +: ParamAw] = ParamAw'(dma_raddr);
  assign lut_re[1]                 = dma_re && dma_rsel == MemLut;
  assign lut_raddr[LutAw*1 +: LutAw] = LutAw'(dma_raddr);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) dma_rsel_q <= MemUb;
    else if (dma_re) dma_rsel_q <= dma_rsel;
  end
  always_comb begin
    dma_rdata = '0;
    unique case (dma_rsel_q)
      MemUb:    dma_rdata[RowW-1:0] = ub_rdata[RowW*2 +: RowW];
      MemWb:    dma_rdata[RowW-1:0] = wb_rdata[RowW*2 +: RowW];
      MemAcc:   dma_rdata[N*32-1:0] = acc_rdata[N*32*2 +: N*32];
      MemParam: dma_rdata[N*32-1:0] = param_rdata[N*32*1 +: N*32];
      MemLut:   dma_rdata[2047:0]   = lut_rdata[2048*1 +: 2048];
      default:  dma_rdata = '0;
    endcase
  end

  // ==== Execution units =========================================================================
  logic                 mx_valid, mx_ready, mx_done, mx_err, mx_idle, mx_busy, mx_array_busy;
  logic [31:0]          mx_err_row, mx_macs;
  logic [31:0]          mx_ub_rd, mx_ub_wr, mx_wb_rd, mx_acc_rd, mx_acc_wr;
  logic                 vx_valid, vx_ready, vx_done, vx_err, vx_idle, vx_busy, vx_array_busy;
  logic [31:0]          vx_err_row, vx_macs;
  logic [31:0]          vx_ub_rd, vx_ub_wr, vx_wb_rd, vx_acc_rd, vx_acc_wr;
  logic [InsnWidth-1:0] mx_insn, vx_insn;

  aorta_matrix_unit #(
    .N        (N),
    .UbRows   (UbRows),
    .WbRows   (WbRows),
    .AccRows  (AccRows),
    .ParamRows(ParamRows),
    .LutTables(LutTables)
  ) u_matrix (
    .clk_i,
    .rst_ni,
    .insn_valid_i  (mx_valid),
    .insn_ready_o  (mx_ready),
    .insn_i        (mx_insn),
    .done_o        (mx_done),
    .err_o         (mx_err),
    .err_row_o     (mx_err_row),
    .idle_o        (mx_idle),
    .ub_re_o       (ub_re[0]),
    .ub_raddr_o    (ub_raddr[0 +: UbAw]),
    .ub_rdata_i    (ub_rdata[0 +: RowW]),
    .wb_re_o       (wb_re[0]),
    .wb_raddr_o    (wb_raddr[0 +: WbAw]),
    .wb_rdata_i    (wb_rdata[0 +: RowW]),
    .acc_re_o      (acc_re[0]),
    .acc_raddr_o   (acc_raddr[0 +: AccAw]),
    .acc_rdata_i   (acc_rdata[0 +: N*32]),
    .acc_we_o      (acc_we[0]),
    .acc_waddr_o   (acc_waddr[0 +: AccAw]),
    .acc_wdata_o   (acc_wdata[0 +: N*32]),
    .busy_o        (mx_busy),
    .array_busy_o  (mx_array_busy),
    .macs_o        (mx_macs),
    .ub_rd_bytes_o (mx_ub_rd),
    .ub_wr_bytes_o (mx_ub_wr),
    .wb_rd_bytes_o (mx_wb_rd),
    .acc_rd_bytes_o(mx_acc_rd),
    .acc_wr_bytes_o(mx_acc_wr)
  );

  aorta_vector_unit #(
    .N        (N),
    .UbRows   (UbRows),
    .WbRows   (WbRows),
    .AccRows  (AccRows),
    .ParamRows(ParamRows),
    .LutTables(LutTables)
  ) u_vector (
    .clk_i,
    .rst_ni,
    .insn_valid_i  (vx_valid),
    .insn_ready_o  (vx_ready),
    .insn_i        (vx_insn),
    .done_o        (vx_done),
    .err_o         (vx_err),
    .err_row_o     (vx_err_row),
    .idle_o        (vx_idle),
    .ub_re_o       (ub_re[1]),
    .ub_raddr_o    (ub_raddr[UbAw +: UbAw]),
    .ub_rdata_i    (ub_rdata[RowW +: RowW]),
    .ub_we_o       (ub_we[0]),
    .ub_waddr_o    (ub_waddr[0 +: UbAw]),
    .ub_wdata_o    (ub_wdata[0 +: RowW]),
    .wb_re_o       (wb_re[1]),
    .wb_raddr_o    (wb_raddr[WbAw +: WbAw]),
    .wb_rdata_i    (wb_rdata[RowW +: RowW]),
    .acc_re_o      (acc_re[1]),
    .acc_raddr_o   (acc_raddr[AccAw +: AccAw]),
    .acc_rdata_i   (acc_rdata[N*32 +: N*32]),
    .acc_we_o      (acc_we[1]),
    .acc_waddr_o   (acc_waddr[AccAw +: AccAw]),
    .acc_wdata_o   (acc_wdata[N*32 +: N*32]),
    .param_re_o    (param_re[0]),
    .param_raddr_o (param_raddr[0 +: ParamAw]),
    .param_rdata_i (param_rdata[0 +: N*32]),
    .lut_re_o      (lut_re[0]),
    .lut_raddr_o   (lut_raddr[0 +: LutAw]),
    .lut_rdata_i   (lut_rdata[0 +: 2048]),
    .busy_o        (vx_busy),
    .array_busy_o  (vx_array_busy),
    .macs_o        (vx_macs),
    .ub_rd_bytes_o (vx_ub_rd),
    .ub_wr_bytes_o (vx_ub_wr),
    .wb_rd_bytes_o (vx_wb_rd),
    .acc_rd_bytes_o(vx_acc_rd),
    .acc_wr_bytes_o(vx_acc_wr)
  );

  // ==== Run state ===============================================================================
  logic run_q;          // fetching / issuing (busy and no error seen yet)
  logic stop_q;         // busy, an error was seen: waiting for the units to finish
  logic quiesce_q;      // not busy, but a soft reset's aborted work is still finishing
  logic doorbell_q;     // a doorbell that arrived while quiescing
  logic fail;           // an error this cycle (the first of the candidates below wins)
  err_code_e fail_code;
  logic [31:0] fail_pc;
  logic [63:0] fail_addr;
  logic all_idle;       // nothing in flight in the queues, units and engines
  logic drained;        // all_idle, and the DMA engine idle (fetch stream included)
  logic start_run;
  logic [31:0] pc_q;    // index of the next word taken from the fetch stream

  // ---- Decode slot -----------------------------------------------------------------------------
  typedef enum logic [1:0] {
    DecEmpty,
    DecCheck,
    DecReady
  } dec_state_e;

  // A queue entry: the word, its index and the fault its range check found.
  typedef struct packed {
    err_code_e            code;
    logic [63:0]          addr;
    logic [31:0]          pc;
    logic [InsnWidth-1:0] word;
  } entry_t;
  localparam int unsigned EntryW = $bits(entry_t);

  dec_state_e           dec_state_q;
  entry_t               dec_q;
  logic                 chk_start, chk_busy, chk_done;
  err_code_e            chk_code;
  logic [63:0]          chk_addr;
  decode_e              dec_result;
  logic                 fetch_take, fetch_past_end;
  logic                 dec_full, slot_to_queue;
  entry_t               dec_entry;
  queue_e               dec_queue;
  opcode_e              dec_op;

  assign dec_result     = decode_check(fetch_word);
  // The slot takes the next word when it is empty or when its entry enters a queue in this
  // cycle (a barrier holds the slot until it has executed): one instruction per cycle.
  assign fetch_ready    = run_q && pc_q < iq_len &&
                          (dec_state_q == DecEmpty || (slot_to_queue && q_wready[dec_queue]));
  assign fetch_take     = fetch_valid && fetch_ready;
  assign fetch_past_end = run_q && dec_state_q == DecEmpty && pc_q >= iq_len;
  assign chk_start      = fetch_take && !fetch_err && dec_result == DecodeOk;
  assign dec_op         = opcode_e'(dec_q.word[7:0]);
  // The slot's entry is complete when its range check is done, or in the cycle the check ends
  // (the verdict is then taken from the checker directly).
  assign dec_full       = dec_state_q == DecReady || (dec_state_q == DecCheck && chk_done);
  assign dec_entry      = dec_state_q == DecReady ? dec_q :
                          '{code: chk_code, addr: chk_addr, pc: dec_q.pc, word: dec_q.word};
  assign slot_to_queue  = run_q && dec_full && dec_queue != QueueBarrier;
  assign dec_queue      = queue_of(dec_op);

  aorta_range_check #(
    .N        (N),
    .UbRows   (UbRows),
    .WbRows   (WbRows),
    .AccRows  (AccRows),
    .ParamRows(ParamRows),
    .LutTables(LutTables)
  ) u_check (
    .clk_i,
    .rst_ni,
    .start_i(chk_start),
    .insn_i (fetch_word),
    .busy_o (chk_busy),
    .done_o (chk_done),
    .code_o (chk_code),
    .addr_o (chk_addr)
  );

  // ---- Queues ----------------------------------------------------------------------------------
  logic [2:0]        q_wvalid, q_wready, q_rvalid, q_rready;
  entry_t            q_head [3];
  logic              dispatch;       // the decoded entry leaves the decode slot this cycle
  logic              barrier_go;     // the decoded barrier executes this cycle
  logic              flush;          // abort / end of run: queues, decode slot, tokens cleared

  for (genvar q = 0; q < 3; q++) begin : g_queue
    logic [EntryW-1:0] rdata;
    logic [$clog2(QueueDepth + 1)-1:0] unused_count;
    aorta_fifo #(.Width(EntryW), .Depth(QueueDepth)) u_fifo (
      .clk_i,
      .rst_ni,
      .flush_i (flush),
      .wvalid_i(q_wvalid[q]),
      .wready_o(q_wready[q]),
      .wdata_i (dec_entry),
      .rvalid_o(q_rvalid[q]),
      .rready_i(q_rready[q]),
      .rdata_o (rdata),
      .count_o (unused_count)
    );
    assign q_head[q] = entry_t'(rdata);
  end

  // ---- Tokens and issue ------------------------------------------------------------------------
  logic [TokW-1:0] tok_q [4];
  logic [TokW-1:0] pend_push_q [4];  // pushes of instructions in flight, per counter
  logic [3:0]      tok_pop, tok_push, tok_push_issue;
  logic [2:0]      head_tokens_ok, issue, issue_fault;
  logic [2:0]      inflight;         // LD / ST: one in flight; EX: any in the EX completion FIFO

  // The header's flags name the counters (the opcode is not needed here).
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [3:0] pops_of(int unsigned q, insn_hdr_t h);
    logic [3:0] c;
    c = '0;
    unique case (q)
      QLd: c[CExToLd] = h.pop_next;
      QEx: begin
        c[CLdToEx] = h.pop_prev;
        c[CStToEx] = h.pop_next;
      end
      default: c[CExToSt] = h.pop_prev;
    endcase
    return c;
  endfunction
  function automatic logic [3:0] pushes_of(int unsigned q, insn_hdr_t h);
    logic [3:0] c;
    c = '0;
    unique case (q)
      QLd: c[CLdToEx] = h.push_next;
      QEx: begin
        c[CExToLd] = h.push_prev;
        c[CExToSt] = h.push_next;
      end
      default: c[CStToEx] = h.push_prev;
    endcase
    return c;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Per-queue view of the head.
  insn_hdr_t  head_hdr [3];
  opcode_e    head_op [3];
  logic [3:0] head_pops [3], head_pushes [3];
  logic [2:0] head_overflow, head_unit_ready;
  logic [1:0] head_overflow_ctr [3];

  // In-flight bookkeeping of LD / ST (one each) and EX (a FIFO, completions in order).
  typedef struct packed {
    logic [31:0] pc;
    logic [3:0]  pushes;
    opcode_e     op;
  } flight_t;
  flight_t ld_fl_q, st_fl_q;
  logic    ld_busy_q, st_busy_q;

  // EX instructions in flight: a table in program order (ExInflight entries, oldest at
  // ex_head_q). Both units run at once; each completes its own instructions in order (done_o),
  // which marks the oldest entry of that unit not yet done (ex_uidx_q: its index); entries
  // retire in program order, one per cycle, when done: the pushes, INSN_* counters and a unit's
  // BAD_PARAM take effect at retirement, so the queues see EX complete in order, as in the
  // golden model. Each entry keeps the rows it touches that the other unit could touch too
  // (ex_range_t); an instruction issues only when no unfinished entry of the other unit
  // overlaps them (the hazard check, below).
  localparam int unsigned ExIw = $clog2(ExInflight);
  typedef struct packed {
    logic [39:0] ub_lo, ub_hi;    // UB rows [lo, hi): MATMUL reads, vector instructions write
    logic [39:0] acc_lo, acc_hi;  // ACC rows [lo, hi) read or written
  } ex_range_t;
  typedef struct packed {
    flight_t   fl;
    logic      unit;              // 0 matrix, 1 vector
    logic      done;
    logic      err;               // the unit reported BAD_PARAM for it
    logic [31:0] err_row;
    ex_range_t rng;
  } ex_entry_t;
  ex_entry_t         ex_tab_q [ExInflight];
  logic [ExIw-1:0]   ex_head_q, ex_tail_q;
  logic [ExIw:0]     ex_cnt_q;
  logic              ex_err_seen_q;  // an entry carries a unit error: issue nothing more
  logic [ExIw-1:0]   ex_uidx_q [2][ExInflight];  // per unit: table indices in issue order
  logic [ExIw-1:0]   ex_urd_q [2], ex_uwr_q [2];
  logic [ExIw:0]     ex_ucnt_q [2];
  logic              ex_any;       // something in flight in EX
  logic              ex_retire;    // the oldest entry retires this cycle
  logic              mx_take, vx_take;  // the unit takes its handed-off instruction this cycle
  logic              ex_head_mx;   // the EX head is a matrix-unit instruction
  logic              ex_hazard;    // the EX head overlaps an unfinished entry of the other unit
  ex_range_t         ex_head_rng;
  // The retiring entry: its ranges and done flag are read from the table directly.
  /* verilator lint_off UNUSEDSIGNAL */
  ex_entry_t         ex_head_ent;
  /* verilator lint_on UNUSEDSIGNAL */

  // Link engines.
  logic             rx_busy_q, tx_busy_q, rx_start, tx_start;
  logic [LinkW-1:0] rx_port_q, tx_port_q;
  logic [UbAw-1:0]  rx_addr_q, tx_addr_q;
  logic [19:0]      rx_left_q, tx_left_q, tx_sent_left_q;
  logic             tx_rd_q, tx_hold_q;
  logic [RowW-1:0]  tx_data_q;
  logic             rx_done, tx_done;
  logic             rx_expired, tx_expired;  // link watchdogs: LINK_FAULT of the RECV / SEND
  logic [19:0]      ld_rows_q, st_rows_q;  // rows of the RECV / SEND in flight

  function automatic logic is_matrix_op(opcode_e op);
    return op == OpLoadw || op == OpMatmul;
  endfunction
  function automatic logic link_ok(logic [3:0] link, logic [LinkPorts-1:0] up);
    if (32'(link) >= LinkPorts) return 1'b0;
    return up[LinkW'(link)];
  endfunction

  for (genvar q = 0; q < 3; q++) begin : g_head
    assign head_hdr[q]    = insn_hdr_t'(q_head[q].word[$bits(insn_hdr_t)-1:0]);
    assign head_op[q]     = head_hdr[q].opcode;
    assign head_pops[q]   = pops_of(q, head_hdr[q]);
    assign head_pushes[q] = pushes_of(q, head_hdr[q]);
    always_comb begin
      head_tokens_ok[q] = 1'b1;
      head_overflow[q]  = 1'b0;
      head_overflow_ctr[q] = '0;
      for (int unsigned c = 0; c < 4; c++) begin
        if (head_pops[q][c] && tok_q[c] == '0) head_tokens_ok[q] = 1'b0;
      end
      for (int c = 3; c >= 0; c--) begin
        if (head_pushes[q][c] && 32'(tok_q[c]) + 32'(pend_push_q[c]) >= TokenCapacity) begin
          head_overflow[q]     = 1'b1;
          head_overflow_ctr[q] = 2'(c);
        end
      end
    end
  end

  // Can the head's unit take it now?
  always_comb begin
    head_unit_ready[QLd] = !ld_busy_q && !rx_busy_q &&
                           (head_op[QLd] == OpRecv ? 1'b1 : !ld_valid_q);
    head_unit_ready[QSt] = !st_busy_q && !tx_busy_q && !st_valid_q;
    // EX: a free table entry (or the oldest retiring), the handoff of the head's unit free (or
    // taken this cycle), no hazard with the other unit. Each unit has its own handoff, so an
    // instruction waiting for a busy unit does not hold back the other unit's instructions.
    head_unit_ready[QEx] = (32'(ex_cnt_q) < ExInflight || ex_retire) &&
                           (ex_head_mx ? (!mx_hv_q || mx_take) : (!vx_hv_q || vx_take)) &&
                           !ex_hazard && !ex_err_seen_q;
  end

  // The EX handoffs, one per unit: insn_valid held until the unit takes it.
  logic                 mx_hv_q, vx_hv_q;
  logic [InsnWidth-1:0] mx_insn_q, vx_insn_q;
  assign ex_head_mx = is_matrix_op(head_op[QEx]);
  assign mx_insn    = mx_insn_q;
  assign vx_insn    = vx_insn_q;
  assign mx_valid   = mx_hv_q;
  assign vx_valid   = vx_hv_q;

  // Issue decisions and the faults they find, in the golden model's order: for RECV / SEND the
  // link and the rows first, then the token overflow; for the others the overflow first.
  logic [2:0] issue_try;
  err_code_e  issue_code [3];
  logic [63:0] issue_addr [3];
  for (genvar q = 0; q < 3; q++) begin : g_issue
    logic is_link;
    assign is_link = head_op[q] == OpRecv || head_op[q] == OpSend;
    assign issue_try[q] = run_q && q_rvalid[q] && head_tokens_ok[q] && head_unit_ready[q];
    always_comb begin
      issue_code[q] = ErrCodeNone;
      issue_addr[q] = '0;
      if (is_link && !link_ok(q_head[q].word[15:12], link_up_i)) begin
        issue_code[q] = ErrCodeLinkFault;
        issue_addr[q] = 64'(q_head[q].word[15:12]);
      end else if (is_link && q_head[q].code != ErrCodeNone) begin
        issue_code[q] = q_head[q].code;
        issue_addr[q] = q_head[q].addr;
      end else if (head_overflow[q]) begin
        issue_code[q] = ErrCodeTokenOverflow;
        issue_addr[q] = 64'(head_overflow_ctr[q]);
      end else if (q_head[q].code != ErrCodeNone) begin
        issue_code[q] = q_head[q].code;
        issue_addr[q] = q_head[q].addr;
      end
    end
    assign issue_fault[q] = issue_try[q] && issue_code[q] != ErrCodeNone;
    assign issue[q]       = issue_try[q] && issue_code[q] == ErrCodeNone && !fail;
    assign q_rready[q]    = issue[q];
  end

  always_comb begin
    tok_pop = '0;
    tok_push_issue = '0;
    for (int unsigned q = 0; q < 3; q++) begin
      if (issue[q]) begin
        tok_pop        = tok_pop | head_pops[q];
        tok_push_issue = tok_push_issue | head_pushes[q];
      end
    end
  end

  // ---- Completions -----------------------------------------------------------------------------
  logic ld_complete, st_complete, ex_complete, perf_complete;
  logic ld_unit_done, st_unit_done, ex_unit_done;
  logic ld_unit_err, st_unit_err, ex_unit_err;
  err_code_e ld_unit_code, st_unit_code;
  logic [63:0] ld_unit_addr, st_unit_addr, ex_unit_addr;
  logic perf_active_q;

  assign ld_unit_done = ld_busy_q && ((ld_fl_q.op == OpRecv) ? rx_done || rx_expired : ld_done);
  assign ld_unit_err  = (ld_fl_q.op == OpRecv) ? rx_expired : ld_err;
  assign ld_unit_code = (ld_fl_q.op == OpRecv) ? ErrCodeLinkFault : err_code_e'(ld_err_code);
  assign ld_unit_addr = (ld_fl_q.op == OpRecv) ? 64'(rx_port_q) : ld_err_addr;
  assign st_unit_done = st_busy_q && ((st_fl_q.op == OpSend) ? tx_done || tx_expired : st_done);
  assign st_unit_err  = (st_fl_q.op == OpSend) ? tx_expired : st_err;
  assign st_unit_code = (st_fl_q.op == OpSend) ? ErrCodeLinkFault : err_code_e'(st_err_code);
  assign st_unit_addr = (st_fl_q.op == OpSend) ? 64'(tx_port_q) : st_err_addr;
  assign ex_unit_done = ex_retire;
  assign ex_unit_err  = ex_head_ent.err;
  assign ex_unit_addr = {32'd0, ex_head_ent.err_row};

  assign ld_complete = ld_unit_done && !ld_unit_err;
  assign st_complete = st_unit_done && !st_unit_err;
  assign ex_complete = ex_unit_done && !ex_unit_err;
  // ---- EX in flight: table, per-unit completion, retirement, hazards ---------------------------
  assign ex_head_ent = ex_tab_q[ex_head_q];
  assign ex_any      = ex_cnt_q != '0;
  assign ex_retire   = ex_any && ex_head_ent.done;
  assign mx_take     = mx_hv_q && mx_ready;
  assign vx_take     = vx_hv_q && vx_ready;

  // The rows the EX head touches that the other unit may touch too. The matrix unit reads UB
  // (MATMUL: every in-image row lies in [act_addr, act_addr + in_h * in_w)) and writes ACC; the
  // vector unit writes UB and reads / writes ACC. Reads of UB by the vector unit, WB, PARAM and
  // LUT cannot conflict: no EX instruction writes what the other unit only reads.
  // The field views cover the whole word; only the address / size fields are read.
  /* verilator lint_off UNUSEDSIGNAL */
  always_comb begin
    matmul_t      f_mm;
    dwconv_t      f_dw;
    postproc_t    f_pp;
    vec_eltwise_t f_el;
    pool_t        f_po;
    resize_t      f_rs;
    f_mm = matmul_t'(q_head[QEx].word);
    f_dw = dwconv_t'(q_head[QEx].word);
    f_pp = postproc_t'(q_head[QEx].word);
    f_el = vec_eltwise_t'(q_head[QEx].word);
    f_po = pool_t'(q_head[QEx].word);
    f_rs = resize_t'(q_head[QEx].word);
    ex_head_rng = '0;
    unique case (head_op[QEx])
      OpMatmul: begin
        ex_head_rng.ub_lo  = 40'(f_mm.act_addr);
        ex_head_rng.ub_hi  = 40'(f_mm.act_addr) + 40'(f_mm.in_h) * 40'(f_mm.in_w);
        ex_head_rng.acc_lo = 40'(f_mm.acc_addr);
        ex_head_rng.acc_hi = 40'(f_mm.acc_addr) + 40'(f_mm.out_h) * 40'(f_mm.out_w);
      end
      OpDwconv: begin
        ex_head_rng.acc_lo = 40'(f_dw.acc_addr);
        ex_head_rng.acc_hi = 40'(f_dw.acc_addr) + 40'(f_dw.out_h) * 40'(f_dw.out_w);
      end
      OpPostproc: begin
        ex_head_rng.ub_lo  = 40'(f_pp.ub_addr);
        ex_head_rng.ub_hi  = 40'(f_pp.ub_addr) + 40'(f_pp.rows);
        ex_head_rng.acc_lo = 40'(f_pp.acc_addr);
        ex_head_rng.acc_hi = 40'(f_pp.acc_addr) + 40'(f_pp.rows);
      end
      OpVecEltwise: begin
        ex_head_rng.ub_lo = 40'(f_el.out_addr);
        ex_head_rng.ub_hi = 40'(f_el.out_addr) + 40'(f_el.rows);
      end
      OpPool: begin
        ex_head_rng.ub_lo = 40'(f_po.out_addr);
        ex_head_rng.ub_hi = 40'(f_po.out_addr) + 40'(f_po.out_h) * 40'(f_po.out_w);
      end
      OpResize: begin
        ex_head_rng.ub_lo = 40'(f_rs.out_addr);
        ex_head_rng.ub_hi = 40'(f_rs.out_addr) + 40'(f_rs.in_h) * 40'(f_rs.scale_h) *
                            40'(f_rs.in_w) * 40'(f_rs.scale_w);
      end
      default: ex_head_rng = '0;  // LOADW: WB reads only
    endcase
  end
  /* verilator lint_on UNUSEDSIGNAL */

  // Hazard: an unfinished entry of the other unit whose UB or ACC rows overlap the head's.
  always_comb begin
    logic head_unit;
    head_unit = !is_matrix_op(head_op[QEx]);
    ex_hazard = 1'b0;
    for (int unsigned i = 0; i < ExInflight; i++) begin
      if (ExIw'(i - 32'(ex_head_q)) < ExIw'(ex_cnt_q) || ex_cnt_q[ExIw]) begin
        if (!ex_tab_q[i].done && ex_tab_q[i].unit != head_unit &&
            ((ex_head_rng.ub_lo < ex_tab_q[i].rng.ub_hi &&
              ex_tab_q[i].rng.ub_lo < ex_head_rng.ub_hi) ||
             (ex_head_rng.acc_lo < ex_tab_q[i].rng.acc_hi &&
              ex_tab_q[i].rng.acc_lo < ex_head_rng.acc_hi)))
          ex_hazard = 1'b1;
      end
    end
  end

  // The table. issue[QEx] appends; a unit's done marks its oldest unfinished entry; the head
  // retires when done. A flush drops the entries (instructions a unit still holds then finish
  // unrecorded: their done finds its unit's index list empty).
  logic [1:0] ex_udone;
  logic [1:0] ex_uerr;
  logic [31:0] ex_uerr_row [2];
  assign ex_udone       = {vx_done, mx_done};
  assign ex_uerr        = {vx_err, mx_err};
  assign ex_uerr_row[0] = mx_err_row;
  assign ex_uerr_row[1] = vx_err_row;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < ExInflight; i++) ex_tab_q[i] <= '0;
      ex_head_q     <= '0;
      ex_tail_q     <= '0;
      ex_cnt_q      <= '0;
      ex_err_seen_q <= 1'b0;
      for (int unsigned u = 0; u < 2; u++) begin
        for (int unsigned i = 0; i < ExInflight; i++) ex_uidx_q[u][i] <= '0;
        ex_urd_q[u]  <= '0;
        ex_uwr_q[u]  <= '0;
        ex_ucnt_q[u] <= '0;
      end
    end else if (flush) begin
      ex_head_q     <= '0;
      ex_tail_q     <= '0;
      ex_cnt_q      <= '0;
      ex_err_seen_q <= 1'b0;
      for (int unsigned u = 0; u < 2; u++) begin
        ex_urd_q[u]  <= '0;
        ex_uwr_q[u]  <= '0;
        ex_ucnt_q[u] <= '0;
      end
    end else begin
      for (int unsigned u = 0; u < 2; u++) begin
        logic push_u, pop_u;
        push_u = issue[QEx] && (!is_matrix_op(head_op[QEx])) == u[0];
        pop_u  = ex_udone[u] && ex_ucnt_q[u] != '0;
        if (pop_u) begin
          ex_tab_q[ex_uidx_q[u][ex_urd_q[u]]].done    <= 1'b1;
          ex_tab_q[ex_uidx_q[u][ex_urd_q[u]]].err     <= ex_uerr[u];
          ex_tab_q[ex_uidx_q[u][ex_urd_q[u]]].err_row <= ex_uerr_row[u];
          if (ex_uerr[u]) ex_err_seen_q <= 1'b1;
          ex_urd_q[u] <= ex_urd_q[u] + 1'b1;
        end
        if (push_u) begin
          ex_uidx_q[u][ex_uwr_q[u]] <= ex_tail_q;
          ex_uwr_q[u] <= ex_uwr_q[u] + 1'b1;
        end
        ex_ucnt_q[u] <= ex_ucnt_q[u] + (ExIw + 1)'(push_u) - (ExIw + 1)'(pop_u);
      end
      if (issue[QEx]) begin
        ex_tab_q[ex_tail_q] <= '{fl: '{pc: q_head[QEx].pc, pushes: head_pushes[QEx],
                                       op: head_op[QEx]},
                                 unit: !is_matrix_op(head_op[QEx]), done: 1'b0, err: 1'b0,
                                 err_row: '0, rng: ex_head_rng};
        ex_tail_q <= ex_tail_q + 1'b1;
      end
      if (ex_retire) ex_head_q <= ex_head_q + 1'b1;
      ex_cnt_q <= ex_cnt_q + (ExIw + 1)'(issue[QEx]) - (ExIw + 1)'(ex_retire);
    end
  end

  always_comb begin
    tok_push = '0;
    if (ld_complete) tok_push = tok_push | ld_fl_q.pushes;
    if (ex_complete) tok_push = tok_push | ex_head_ent.fl.pushes;
    if (st_complete) tok_push = tok_push | st_fl_q.pushes;
  end

  assign inflight = {st_busy_q, ex_any, ld_busy_q};
  // Nothing in flight in the queues, units and engines (the DMA engine's fetch stream may still
  // read ahead: that is not an instruction in flight). drained: the DMA engine idle too.
  assign all_idle = !ld_busy_q && !st_busy_q && !ex_any && !mx_hv_q && !vx_hv_q && mx_idle &&
                    vx_idle && !ld_valid_q && !st_valid_q && !rx_busy_q && !tx_busy_q &&
                    !perf_active_q;
  assign drained  = all_idle && dma_idle;

  // ---- Dispatch of the decoded entry -----------------------------------------------------------
  logic queues_empty;
  assign queues_empty = !q_rvalid[QLd] && !q_rvalid[QEx] && !q_rvalid[QSt];
  logic barrier_ready, can_dispatch;
  assign barrier_ready = run_q && dec_full && dec_queue == QueueBarrier &&
                         queues_empty && all_idle;
  assign barrier_go    = barrier_ready && !fail;
  always_comb begin
    q_wvalid = '0;
    if (slot_to_queue)
      q_wvalid[dec_queue] = 1'b1;
  end
  assign can_dispatch = barrier_ready ||
                        (slot_to_queue &&
                         q_wready[dec_queue]);
  assign dispatch     = can_dispatch && !fail;

  // ---- Deadlock --------------------------------------------------------------------------------
  logic deadlock;
  logic [31:0] oldest_blocked;
  always_comb begin
    deadlock = run_q && dec_state_q == DecReady && !can_dispatch && all_idle;
    oldest_blocked = dec_q.pc;
    for (int unsigned q = 0; q < 3; q++) begin
      if (q_rvalid[q]) begin
        if (head_tokens_ok[q]) deadlock = 1'b0;
        if (q_head[q].pc < oldest_blocked) oldest_blocked = q_head[q].pc;
      end
    end
  end

  // ---- Faults: the first candidate wins --------------------------------------------------------
  always_comb begin
    fail      = 1'b0;
    fail_code = ErrCodeNone;
    fail_pc   = '0;
    fail_addr = '0;
    if (run_q) begin
      if (ld_unit_done && ld_unit_err) begin
        fail = 1'b1; fail_code = ld_unit_code; fail_pc = ld_fl_q.pc; fail_addr = ld_unit_addr;
      end else if (ex_unit_done && ex_unit_err) begin
        fail = 1'b1; fail_code = ErrCodeBadParam; fail_pc = ex_head_ent.fl.pc;
        fail_addr = ex_unit_addr;
      end else if (st_unit_done && st_unit_err) begin
        fail = 1'b1; fail_code = st_unit_code; fail_pc = st_fl_q.pc; fail_addr = st_unit_addr;
      end else if (perf_active_q && st_done && st_err) begin
        fail = 1'b1; fail_code = st_unit_code; fail_pc = dec_q.pc; fail_addr = st_unit_addr;
      end else if (issue_fault[QLd]) begin
        fail = 1'b1; fail_code = issue_code[QLd]; fail_pc = q_head[QLd].pc;
        fail_addr = issue_addr[QLd];
      end else if (issue_fault[QEx]) begin
        fail = 1'b1; fail_code = issue_code[QEx]; fail_pc = q_head[QEx].pc;
        fail_addr = issue_addr[QEx];
      end else if (issue_fault[QSt]) begin
        fail = 1'b1; fail_code = issue_code[QSt]; fail_pc = q_head[QSt].pc;
        fail_addr = issue_addr[QSt];
      end else if (fetch_take && fetch_err) begin
        fail = 1'b1; fail_code = ErrCodeFetchFault; fail_pc = pc_q;
        fail_addr = iq_base + {27'd0, pc_q, 5'd0};
      end else if (fetch_take && dec_result != DecodeOk) begin
        fail = 1'b1;
        fail_code = dec_result == DecodeBadOpcode ? ErrCodeBadOpcode : ErrCodeBadField;
        fail_pc = pc_q;
        fail_addr = iq_base + {27'd0, pc_q, 5'd0};
      end else if (fetch_past_end) begin
        fail = 1'b1; fail_code = ErrCodeFetchFault; fail_pc = pc_q;
        fail_addr = iq_base + {27'd0, pc_q, 5'd0};
      end else if (deadlock) begin
        fail = 1'b1; fail_code = ErrCodeTokenDeadlock; fail_pc = oldest_blocked;
      end
    end
  end

  // ---- Oldest unfinished instruction (ERR_PC of ABORTED) ---------------------------------------
  logic [31:0] oldest_pc;
  always_comb begin
    oldest_pc = pc_q;
    if (dec_state_q != DecEmpty && dec_q.pc < oldest_pc) oldest_pc = dec_q.pc;
    for (int unsigned q = 0; q < 3; q++)
      if (q_rvalid[q] && q_head[q].pc < oldest_pc) oldest_pc = q_head[q].pc;
    if (ld_busy_q && ld_fl_q.pc < oldest_pc) oldest_pc = ld_fl_q.pc;
    if (st_busy_q && st_fl_q.pc < oldest_pc) oldest_pc = st_fl_q.pc;
    if (ex_any && ex_head_ent.fl.pc < oldest_pc) oldest_pc = ex_head_ent.fl.pc;
  end

  // ==== Sequential state ========================================================================
  logic abort;
  assign abort       = soft_reset && (run_q || stop_q || quiesce_q || busy_q);
  assign start_run   = (doorbell || doorbell_q) && !busy_q && !quiesce_q && !soft_reset;
  assign flush       = abort || start_run || fail || (stop_q && drained) ||
                       (barrier_go && dec_op == OpHalt);
  assign fetch_flush = abort || fail || (barrier_go && dec_op == OpHalt);
  assign dma_abort   = abort;
  assign fetch_start = start_run && iq_base[4:0] == '0 && iq_len != '0;

  // A run that cannot fetch its first word faults at once (golden: pc 0 >= IQ_LEN, or IQ_BASE
  // not 32-byte aligned).
  logic start_fault;
  assign start_fault = start_run && (iq_base[4:0] != '0 || iq_len == '0);

  logic perf_go;
  assign perf_go = barrier_go && dec_op == OpPerf;
  assign perf_complete = perf_active_q && st_done && !st_err;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q       <= 1'b0;
      stop_q      <= 1'b0;
      quiesce_q   <= 1'b0;
      doorbell_q  <= 1'b0;
      busy_q      <= 1'b0;
      done_q      <= 1'b0;
      error_q     <= 1'b0;
      err_code_q  <= ErrCodeNone;
      err_pc_q    <= '0;
      err_addr_q  <= '0;
      pc_q        <= '0;
      dec_state_q <= DecEmpty;
      dec_q       <= '0;
      perf_active_q <= 1'b0;
    end else begin
      // Doorbells that arrive while a soft reset's work drains are kept for later.
      if (doorbell && quiesce_q && !busy_q) doorbell_q <= 1'b1;
      if (start_run || soft_reset) doorbell_q <= 1'b0;

      if (quiesce_q && drained) quiesce_q <= 1'b0;

      if (soft_reset) begin
        // Abort: STATUS error / ABORTED (no interrupt) when a run was in progress; otherwise
        // STATUS and ERR_* cleared.
        run_q       <= 1'b0;
        stop_q      <= 1'b0;
        busy_q      <= 1'b0;
        done_q      <= 1'b0;
        error_q     <= run_q;
        err_code_q  <= run_q ? ErrCodeAborted : ErrCodeNone;
        err_pc_q    <= run_q ? oldest_pc : '0;
        err_addr_q  <= '0;
        quiesce_q   <= 1'b1;  // until the DMA engine and the units are idle
        dec_state_q <= DecEmpty;
        perf_active_q <= 1'b0;
      end else if (start_run) begin
        busy_q      <= 1'b1;
        done_q      <= 1'b0;
        error_q     <= 1'b0;
        err_code_q  <= ErrCodeNone;
        err_pc_q    <= '0;
        err_addr_q  <= '0;
        pc_q        <= '0;
        dec_state_q <= DecEmpty;
        run_q       <= !start_fault;
        stop_q      <= start_fault;
        if (start_fault) begin
          err_code_q <= ErrCodeFetchFault;
          err_addr_q <= iq_base;
        end
      end else begin
        if (fail) begin
          run_q      <= 1'b0;
          stop_q     <= 1'b1;
          err_code_q <= fail_code;
          err_pc_q   <= fail_pc;
          // BAD_FIELD (from decode, the range check or the DMA engine) reports the word's
          // device address, as BAD_OPCODE and FETCH_FAULT do.
          err_addr_q <= fail_code == ErrCodeBadField ? iq_base + {27'd0, fail_pc, 5'd0} :
                        fail_addr;
          dec_state_q <= DecEmpty;
          perf_active_q <= 1'b0;
        end else begin
          if (fetch_take) begin
            // The slot was empty or its entry enters a queue in this cycle.
            pc_q        <= pc_q + 1'b1;
            dec_state_q <= DecCheck;
            dec_q       <= '{code: ErrCodeNone, addr: '0, pc: pc_q, word: fetch_word};
          end else if (perf_go) begin
            perf_active_q <= 1'b1;  // the slot stays full until the record is written
            dec_state_q   <= DecReady;
            dec_q         <= dec_entry;
          end else if (perf_complete) begin
            perf_active_q <= 1'b0;
            dec_state_q   <= DecEmpty;
          end else if (dispatch) begin
            dec_state_q <= DecEmpty;
            if (barrier_go && dec_op == OpHalt) begin
              run_q  <= 1'b0;
              busy_q <= 1'b0;
              done_q <= 1'b1;
            end
          end else if (dec_state_q == DecCheck && chk_done) begin
            dec_state_q <= DecReady;
            dec_q       <= dec_entry;
          end
        end
        if (stop_q && drained) begin
          stop_q  <= 1'b0;
          busy_q  <= 1'b0;
          error_q <= 1'b1;
        end
      end
    end
  end

  assign irq_done_set  = barrier_go && dec_op == OpHalt;
  assign irq_error_set = stop_q && drained && !soft_reset;

  // ---- Tokens ----------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned c = 0; c < 4; c++) begin
        tok_q[c]       <= '0;
        pend_push_q[c] <= '0;
      end
    end else if (flush) begin
      for (int unsigned c = 0; c < 4; c++) begin
        tok_q[c]       <= '0;
        pend_push_q[c] <= '0;
      end
    end else begin
      for (int unsigned c = 0; c < 4; c++) begin
        tok_q[c] <= tok_q[c] - TokW'(tok_pop[c]) + TokW'(tok_push[c]);
        pend_push_q[c] <= pend_push_q[c] + TokW'(tok_push_issue[c]) -
                          TokW'((ld_unit_done && ld_fl_q.pushes[c]) ||
                                (ex_unit_done && ex_head_ent.fl.pushes[c]) ||
                                (st_unit_done && st_fl_q.pushes[c]));
      end
    end
  end

  // ---- LD / ST in flight, DMA jobs, EX handoff -------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_busy_q  <= 1'b0;
      st_busy_q  <= 1'b0;
      ld_fl_q    <= '0;
      st_fl_q    <= '0;
      ld_valid_q <= 1'b0;
      st_valid_q <= 1'b0;
      ld_insn_q  <= '0;
      st_insn_q  <= '0;
      mx_hv_q    <= 1'b0;
      vx_hv_q    <= 1'b0;
      mx_insn_q  <= '0;
      vx_insn_q  <= '0;
    end else begin
      if (ld_valid_q && ld_ready) ld_valid_q <= 1'b0;
      if (st_valid_q && st_ready) st_valid_q <= 1'b0;
      if (mx_take) mx_hv_q <= 1'b0;
      if (vx_take) vx_hv_q <= 1'b0;
      if (ld_unit_done) ld_busy_q <= 1'b0;
      if (st_unit_done) st_busy_q <= 1'b0;
      if (issue[QLd]) begin
        ld_busy_q <= 1'b1;
        ld_fl_q   <= '{pc: q_head[QLd].pc, pushes: head_pushes[QLd], op: head_op[QLd]};
        if (head_op[QLd] == OpDmaLoad) begin
          ld_valid_q <= 1'b1;
          ld_insn_q  <= q_head[QLd].word;
        end
      end
      if (issue[QSt]) begin
        st_busy_q <= 1'b1;
        st_fl_q   <= '{pc: q_head[QSt].pc, pushes: head_pushes[QSt], op: head_op[QSt]};
        if (head_op[QSt] == OpDmaStore) begin
          st_valid_q <= 1'b1;
          st_insn_q  <= q_head[QSt].word;
        end
      end
      if (perf_go) begin
        st_valid_q <= 1'b1;
        st_insn_q  <= dec_q.word;
      end
      if (issue[QEx] && ex_head_mx) begin
        mx_hv_q   <= 1'b1;
        mx_insn_q <= q_head[QEx].word;
      end
      if (issue[QEx] && !ex_head_mx) begin
        vx_hv_q   <= 1'b1;
        vx_insn_q <= q_head[QEx].word;
      end
      if (abort) begin
        // The DMA is aborted with its jobs; LD / ST instructions in flight are dropped. EX
        // instructions already handed over finish in their unit (mx_hv_q / vx_hv_q are kept until the
        // unit has taken the word: a valid offer must not be withdrawn).
        ld_busy_q  <= 1'b0;
        st_busy_q  <= 1'b0;
        ld_valid_q <= 1'b0;
        st_valid_q <= 1'b0;
      end
    end
  end

  // ---- Link engines ----------------------------------------------------------------------------
  // RECV: rows * N bytes from port `link`, one row per beat, into UB rows from ub_addr.
  // SEND: UB rows out of port `link`, one row per beat (read, then offer until taken).
  /* verilator lint_off UNUSEDSIGNAL */  // views of the whole word: link, ub_addr, rows read
  recv_t rx_f;
  send_t tx_f;
  /* verilator lint_on UNUSEDSIGNAL */
  assign rx_f     = recv_t'(q_head[QLd].word);
  assign tx_f     = send_t'(q_head[QSt].word);
  assign rx_start = issue[QLd] && head_op[QLd] == OpRecv;
  assign tx_start = issue[QSt] && head_op[QSt] == OpSend;

  logic rx_beat;
  assign rx_beat = rx_busy_q && link_rx_valid_i[rx_port_q];
  always_comb begin
    link_rx_ready_o = '0;
    if (rx_busy_q) link_rx_ready_o[rx_port_q] = 1'b1;
  end
  assign ub_we[2]                 = rx_beat;
  assign ub_waddr[UbAw*2 +: UbAw] = rx_addr_q;
  assign ub_wdata[RowW*2 +: RowW] = link_rx_data_i[RowW*rx_port_q +: RowW];
  assign rx_done                  = rx_beat && rx_left_q == 20'd1;

  logic tx_beat;
  assign tx_beat = tx_hold_q && link_tx_ready_i[tx_port_q];
  always_comb begin
    link_tx_valid_o = '0;
    link_tx_data_o  = '0;
    if (tx_hold_q) begin
      link_tx_valid_o[tx_port_q] = 1'b1;
      link_tx_data_o[RowW*tx_port_q +: RowW] = tx_data_q;
    end
  end
  assign ub_re[3]                 = tx_busy_q && tx_left_q != '0 && !tx_rd_q && !tx_hold_q;
  assign ub_raddr[UbAw*3 +: UbAw] = tx_addr_q;
  assign tx_done                  = tx_beat && tx_sent_left_q == 20'd1;

  // Link faults while an engine waits on its link: the link went down, or LINK_TIMEOUT cycles
  // without a row (aorta_link_watchdog). The instruction ends with LINK_FAULT, ERR_ADDR = port.
  aorta_link_watchdog u_rx_watchdog (
    .clk_i,
    .rst_ni,
    .start_i  (rx_start),
    .active_i (rx_busy_q && !abort),
    .beat_i   (rx_beat),
    .up_i     (link_up_i[rx_port_q]),
    .timeout_i(link_timeout),
    .expired_o(rx_expired)
  );
  aorta_link_watchdog u_tx_watchdog (
    .clk_i,
    .rst_ni,
    .start_i  (tx_start),
    .active_i (tx_hold_q && !abort),
    .beat_i   (tx_beat),
    .up_i     (link_up_i[tx_port_q]),
    .timeout_i(link_timeout),
    .expired_o(tx_expired)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rx_busy_q <= 1'b0;
      rx_port_q <= '0;
      rx_addr_q <= '0;
      rx_left_q <= '0;
      tx_busy_q <= 1'b0;
      tx_port_q <= '0;
      tx_addr_q <= '0;
      tx_left_q <= '0;
      tx_sent_left_q <= '0;
      tx_rd_q   <= 1'b0;
      tx_hold_q <= 1'b0;
      tx_data_q <= '0;
    end else if (abort) begin
      rx_busy_q <= 1'b0;
      tx_busy_q <= 1'b0;
      tx_rd_q   <= 1'b0;
      tx_hold_q <= 1'b0;
    end else begin
      if (rx_start) begin
        rx_busy_q <= 1'b1;
        rx_port_q <= LinkW'(rx_f.link);
        rx_addr_q <= UbAw'(rx_f.ub_addr);
        rx_left_q <= rx_f.rows;
      end else if (rx_expired) begin
        rx_busy_q <= 1'b0;
      end else if (rx_beat) begin
        rx_addr_q <= rx_addr_q + 1'b1;
        rx_left_q <= rx_left_q - 1'b1;
        if (rx_left_q == 20'd1) rx_busy_q <= 1'b0;
      end
      if (tx_start) begin
        tx_busy_q      <= 1'b1;
        tx_port_q      <= LinkW'(tx_f.link);
        tx_addr_q      <= UbAw'(tx_f.ub_addr);
        tx_left_q      <= tx_f.rows;
        tx_sent_left_q <= tx_f.rows;
      end else if (tx_expired) begin
        tx_busy_q <= 1'b0;
        tx_rd_q   <= 1'b0;
        tx_hold_q <= 1'b0;
      end else begin
        tx_rd_q <= ub_re[3];
        if (ub_re[3]) begin
          tx_addr_q <= tx_addr_q + 1'b1;
          tx_left_q <= tx_left_q - 1'b1;
        end
        if (tx_rd_q) begin
          tx_hold_q <= 1'b1;
          tx_data_q <= ub_rdata[RowW*3 +: RowW];
        end else if (tx_beat) begin
          tx_hold_q      <= 1'b0;
          tx_sent_left_q <= tx_sent_left_q - 1'b1;
          if (tx_sent_left_q == 20'd1) tx_busy_q <= 1'b0;
        end
      end
    end
  end

  // ==== Perf counters ===========================================================================
  logic [63:0] ctr_q [NumCounters];
  logic [63:0] ctr_add [NumCounters];

  // The index of a counter in ctr_q / ctr_add.
  /* verilator lint_off UNUSEDSIGNAL */  // counter_e is 8 bits wide; there are < 32 counters
  function automatic logic [$clog2(NumCounters)-1:0] ci(counter_e c);
    return $clog2(NumCounters)'(c);
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  function automatic logic [63:0] rows_times(logic [19:0] rows, int unsigned bytes);
    return 64'(rows) * 64'(bytes);
  endfunction

  logic [2:0] q_stall;
  for (genvar q = 0; q < 3; q++) begin : g_stall
    assign q_stall[q] = busy_q && q_rvalid[q] && !issue[q] && !inflight[q];
  end

  always_comb begin
    for (int unsigned i = 0; i < NumCounters; i++) ctr_add[i] = '0;
    ctr_add[ci(CtrCycles)]    = 64'(busy_q);
    ctr_add[ci(CtrLdBusy)]    = 64'(ld_busy_q);
    ctr_add[ci(CtrExBusy)]    = 64'(ex_any);
    ctr_add[ci(CtrStBusy)]    = 64'(st_busy_q);
    ctr_add[ci(CtrLdStall)]   = 64'(q_stall[QLd]);
    ctr_add[ci(CtrExStall)]   = 64'(q_stall[QEx]);
    ctr_add[ci(CtrStStall)]   = 64'(q_stall[QSt]);
    ctr_add[ci(CtrArrayBusy)] = 64'(mx_array_busy);
    ctr_add[ci(CtrMacs)]      = 64'(mx_macs);
    ctr_add[ci(CtrVecMacs)]   = 64'(vx_macs);
    ctr_add[ci(CtrDmaRdBytes)] = 64'(dma_rd_bytes);
    ctr_add[ci(CtrDmaWrBytes)] = 64'(dma_wr_bytes);
    ctr_add[ci(CtrFetchBytes)] = fetch_take ? 64'(InsnWidth) / 64'd8 : '0;
    ctr_add[ci(CtrUbRdBytes)]  = 64'(dma_ub_rd_bytes) + 64'(mx_ub_rd) + 64'(vx_ub_rd);
    ctr_add[ci(CtrUbWrBytes)]  = 64'(dma_ub_wr_bytes) + 64'(mx_ub_wr) + 64'(vx_ub_wr);
    ctr_add[ci(CtrWbRdBytes)]  = 64'(dma_wb_rd_bytes) + 64'(mx_wb_rd) + 64'(vx_wb_rd);
    ctr_add[ci(CtrWbWrBytes)]  = 64'(dma_wb_wr_bytes);
    ctr_add[ci(CtrAccRdBytes)] = 64'(dma_acc_rd_bytes) + 64'(mx_acc_rd) + 64'(vx_acc_rd);
    ctr_add[ci(CtrAccWrBytes)] = 64'(dma_acc_wr_bytes) + 64'(mx_acc_wr) + 64'(vx_acc_wr);
    // Completions: instruction classes and the link traffic (counted per completed SEND /
    // RECV, as the golden model does).
    if (ld_complete) begin
      if (ld_fl_q.op == OpRecv) begin
        ctr_add[ci(CtrInsnLink)]   = ctr_add[ci(CtrInsnLink)] + 1;
        ctr_add[ci(CtrLinkRxBytes)] = rows_times(ld_rows_q, N);
        ctr_add[ci(CtrUbWrBytes)]  = ctr_add[ci(CtrUbWrBytes)] + rows_times(ld_rows_q, N);
      end else begin
        ctr_add[ci(CtrInsnDma)] = ctr_add[ci(CtrInsnDma)] + 1;
      end
    end
    if (st_complete) begin
      if (st_fl_q.op == OpSend) begin
        ctr_add[ci(CtrInsnLink)]    = ctr_add[ci(CtrInsnLink)] + 1;
        ctr_add[ci(CtrLinkTxBytes)] = rows_times(st_rows_q, N);
        ctr_add[ci(CtrUbRdBytes)]   = ctr_add[ci(CtrUbRdBytes)] + rows_times(st_rows_q, N);
      end else begin
        ctr_add[ci(CtrInsnDma)] = ctr_add[ci(CtrInsnDma)] + 1;
      end
    end
    if (ex_complete) begin
      if (ex_head_ent.fl.op == OpLoadw) ctr_add[ci(CtrInsnLoadw)] = 1;
      else if (ex_head_ent.fl.op == OpMatmul) ctr_add[ci(CtrInsnMatmul)] = 1;
      else ctr_add[ci(CtrInsnVector)] = 1;
    end
    if ((barrier_go && dec_op != OpPerf) || perf_complete) ctr_add[ci(CtrInsnBarrier)] = 1;
  end

  // Rows of the link instruction in flight (for the byte counts at completion).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_rows_q <= '0;
      st_rows_q <= '0;
    end else begin
      if (rx_start) ld_rows_q <= rx_f.rows;
      if (tx_start) st_rows_q <= tx_f.rows;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < NumCounters; i++) ctr_q[i] <= '0;
    end else if (clear_counters) begin
      for (int unsigned i = 0; i < NumCounters; i++) ctr_q[i] <= '0;
    end else begin
      for (int unsigned i = 0; i < NumCounters; i++) ctr_q[i] <= ctr_q[i] + ctr_add[i];
    end
  end
  for (genvar i = 0; i < NumCounters; i++) begin : g_ctr
    assign counters[64*i +: 64] = ctr_q[i];
  end

  // ==== Unused ==================================================================================
  logic unused;
  assign unused = ^{unused_chip_index, unused_fetch_idle, unused_dma_fetch_bytes,
                    mx_busy, vx_busy, vx_array_busy, chk_busy};

`ifndef SYNTHESIS
  // ==== Assertions ==============================================================================
  LdValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                ld_valid_q && !ld_ready && !abort |=> ld_valid_q)
    else $error("aorta_soc: DMA load job withdrawn");
  StValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                st_valid_q && !st_ready && !abort |=> st_valid_q)
    else $error("aorta_soc: DMA store job withdrawn");
  ExMxValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  mx_hv_q && !mx_ready |=> mx_hv_q && $stable(mx_insn_q))
    else $error("aorta_soc: matrix instruction withdrawn or changed before the unit took it");
  ExVxValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  vx_hv_q && !vx_ready |=> vx_hv_q && $stable(vx_insn_q))
    else $error("aorta_soc: vector instruction withdrawn or changed before the unit took it");
  NoStrayExDone: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  (!mx_done || ex_mx_open || quiesce_q || stop_q) &&
                                  (!vx_done || ex_vx_open || quiesce_q || stop_q))
    else $error("aorta_soc: an execution unit finished an instruction it was not given");
  ExTableNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                      issue[QEx] |-> 32'(ex_cnt_q) < ExInflight || ex_retire)
    else $error("aorta_soc: EX in-flight table overflow");
  ExNoRetireOfEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                      ex_retire |-> ex_cnt_q != '0)
    else $error("aorta_soc: EX retirement with nothing in flight");
  // The handed-off instruction never overlaps unfinished work of the other unit.
  ExIssueNoHazard: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    issue[QEx] |-> !ex_hazard)
    else $error("aorta_soc: EX issued over a hazard with the other unit");
  logic ex_mx_open, ex_vx_open;  // the unit has recorded instructions not yet done
  assign ex_mx_open = ex_ucnt_q[0] != '0;
  assign ex_vx_open = ex_ucnt_q[1] != '0;
  logic [3:0] tok_full, tok_zero;
  always_comb begin
    for (int unsigned c = 0; c < 4; c++) begin
      tok_full[c] = 32'(tok_q[c]) > TokenCapacity;
      tok_zero[c] = tok_q[c] == '0;
    end
  end
  TokensInRange: assert property (@(posedge clk_i) disable iff (!rst_ni) tok_full == '0)
    else $error("aorta_soc: a token counter beyond its capacity");
  NoPopOfEmptyCounter: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                        (tok_pop & tok_zero) == '0)
    else $error("aorta_soc: token counter underflow");
  DispatchIntoRoom: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     (q_wvalid & ~q_wready) == '0 || !dispatch ||
                                     dec_queue == QueueBarrier)
    else $error("aorta_soc: dispatch into a full queue");
  LinkRxHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               link_tx_valid_o != '0 && (link_tx_valid_o & link_tx_ready_i) == '0
                               && !abort && !tx_expired
                               |=> $stable(link_tx_valid_o) && $stable(link_tx_data_o))
    else $error("aorta_soc: link TX offer withdrawn or changed");
  CheckerFree: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                chk_start |-> dec_state_q == DecEmpty || dispatch)
    else $error("aorta_soc: range check started with the decode slot full");
`endif
endmodule
