// aorta_axi_pkg: AXI4 / AXI4-lite constants shared by the register slave (aorta_regfile) and the
// DMA engine (aorta_dma), and the DMA's row-to-burst geometry. Names follow the AMBA AXI4
// specification (ARM IHI 0022). (One package: Verilator needs a package read before its users,
// and rtl/ files are read in name order. Functions assign their name instead of `return`, which
// Yosys 0.23 does not read.)
package aorta_axi_pkg;

  // The package is a vocabulary; a design uses only part of it.
  /* verilator lint_off UNUSEDPARAM */

  // xRESP encodings.
  typedef enum logic [1:0] {
    RespOkay   = 2'b00,
    RespExOkay = 2'b01,
    RespSlvErr = 2'b10,
    RespDecErr = 2'b11
  } resp_e;

  // AxBURST encodings (aorta issues INCR only).
  typedef enum logic [1:0] {
    BurstFixed = 2'b00,
    BurstIncr  = 2'b01,
    BurstWrap  = 2'b10
  } burst_e;

  // AXI4 limits: an INCR burst has at most 256 beats and must not cross a 4 KiB boundary.
  localparam int unsigned MaxBurstBeats = 256;
  localparam int unsigned BoundaryBytes = 4096;

  // AxCACHE for the DMA: normal non-cacheable bufferable memory (0011), AxPROT: data,
  // non-secure, unprivileged (010); fetch uses instruction access (110).
  localparam logic [3:0] CacheNormal = 4'b0011;
  localparam logic [2:0] ProtData    = 3'b010;
  localparam logic [2:0] ProtInsn    = 3'b110;

  // A response is an error (SLVERR or DECERR).
  function automatic logic resp_is_err(logic [1:0] resp);
    resp_is_err = resp == RespSlvErr || resp == RespDecErr;
  endfunction

  // ---- DMA jobs and row geometry (aorta_dma_front, aorta_dma_load, aorta_dma_store) ----

  // A checked job as the front hands it to its mover: row r of `rows` is `row_bytes` bytes at
  // device address addr0 + r * ext_stride and on-chip row chip_addr + r of memory `mem`.
  typedef struct packed {
    logic [2:0]  mem;
    logic [23:0] chip_addr;
    logic [19:0] rows;
    logic [11:0] row_bytes;
    logic [31:0] ext_stride;
    logic [63:0] addr0;
  } dma_job_t;

  // Beats of a bus of 2^lb bytes that a row of len bytes at device address a touches.
  function automatic logic [8:0] row_beats(logic [63:0] a, logic [11:0] len, int unsigned lb);
    logic [63:0] last;
    last = a + 64'(len) - 64'd1;
    row_beats = 9'((last >> lb) - (a >> lb) + 64'd1);
  endfunction

  // How many of those beats the row's first burst takes: all of them, unless the row crosses a
  // 4 KiB boundary (AXI bursts must not); a row of at most 1024 bytes crosses at most one.
  function automatic logic [8:0] first_beats(logic [63:0] a, logic [11:0] len, int unsigned lb);
    logic [63:0] last;
    logic [63:0] first_in_page;  // the first beat's offset in its 4 KiB page
    last = a + 64'(len) - 64'd1;
    first_in_page = (a & 64'hfff) >> lb << lb;
    if ((last >> 12) == (a >> 12)) first_beats = row_beats(a, len, lb);
    else first_beats = 9'((64'd4096 - first_in_page) >> lb);
  endfunction

  // The first address of a row's second burst (the 4 KiB boundary inside it).
  function automatic logic [63:0] cross_addr(logic [63:0] a);
    cross_addr = (a | 64'hfff) + 64'd1;
  endfunction

  // Row width in bytes of on-chip memory `mem` (isa.md, "Geometry and memories"): what a DMA
  // row may carry at most.
  function automatic logic [31:0] mem_row_bytes(aorta_isa_pkg::mem_e mem, int unsigned n);
    unique case (mem)
      aorta_isa_pkg::MemUb, aorta_isa_pkg::MemWb:     mem_row_bytes = 32'(n);
      aorta_isa_pkg::MemAcc, aorta_isa_pkg::MemParam: mem_row_bytes = 32'(4 * n);
      default:                                        mem_row_bytes = 32'd256;
    endcase
  endfunction

endpackage
