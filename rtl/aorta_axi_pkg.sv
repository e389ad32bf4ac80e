// aorta_axi_pkg: AXI4 / AXI4-lite constants shared by the register slave (aorta_regfile) and the
// DMA engine (aorta_dma). Names follow the AMBA AXI4 specification (ARM IHI 0022).
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
    return resp == RespSlvErr || resp == RespDecErr;
  endfunction

endpackage
