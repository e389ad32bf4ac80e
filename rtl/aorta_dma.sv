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
  parameter int unsigned MaxReads    = 8,
  parameter int unsigned MaxWrites   = 8,
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
  // Port list committed first so that the SoC can be wired; the engine follows in the next
  // commit. Until then every job port is closed (never ready) and the bus is idle.
  assign idle_o = 1'b1;
  assign fetch_idle_o = 1'b1;
  assign fetch_valid_o = 1'b0;
  assign fetch_word_o = '0;
  assign fetch_err_o = 1'b0;
  assign ld_ready_o = 1'b0;
  assign ld_done_o = 1'b0;
  assign ld_err_o = 1'b0;
  assign ld_err_code_o = '0;
  assign ld_err_addr_o = '0;
  assign st_ready_o = 1'b0;
  assign st_done_o = 1'b0;
  assign st_err_o = 1'b0;
  assign st_err_code_o = '0;
  assign st_err_addr_o = '0;
  assign mem_we_o = 1'b0;
  assign mem_wsel_o = MemUb;
  assign mem_waddr_o = '0;
  assign mem_wdata_o = '0;
  assign mem_re_o = 1'b0;
  assign mem_rsel_o = MemUb;
  assign mem_raddr_o = '0;
  assign {dma_rd_bytes_o, dma_wr_bytes_o, fetch_bytes_o, ub_wr_bytes_o, wb_wr_bytes_o,
          acc_wr_bytes_o, ub_rd_bytes_o, wb_rd_bytes_o, acc_rd_bytes_o} = '0;
  assign {m_axi_awid_o, m_axi_awaddr_o, m_axi_awlen_o, m_axi_awsize_o, m_axi_awburst_o,
          m_axi_awcache_o, m_axi_awprot_o, m_axi_awvalid_o} = '0;
  assign {m_axi_wdata_o, m_axi_wstrb_o, m_axi_wlast_o, m_axi_wvalid_o, m_axi_bready_o} = '0;
  assign {m_axi_arid_o, m_axi_araddr_o, m_axi_arlen_o, m_axi_arsize_o, m_axi_arburst_o,
          m_axi_arcache_o, m_axi_arprot_o, m_axi_arvalid_o, m_axi_rready_o} = '0;
  logic unused_inputs;
  assign unused_inputs = ^{DramBytes, MaxReads, MaxWrites, FetchDepth, clk_i, rst_ni, abort_i, slot_base_i, slot_size_i, fetch_start_i,
                           fetch_addr_i, fetch_count_i, fetch_flush_i, fetch_ready_i, ld_valid_i,
                           ld_insn_i, st_valid_i, st_insn_i, perf_counters_i, mem_rdata_i,
                           m_axi_awready_i, m_axi_wready_i, m_axi_bid_i, m_axi_bresp_i,
                           m_axi_bvalid_i, m_axi_arready_i, m_axi_rid_i, m_axi_rdata_i,
                           m_axi_rresp_i, m_axi_rlast_i, m_axi_rvalid_i};
endmodule
