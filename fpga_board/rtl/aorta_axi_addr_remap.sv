// aorta_axi_addr_remap: an AXI4 pass-through (no storage, no added cycle) that moves the SoC's
// device addresses (core/device.h) onto one physical memory holding both of its ranges — the
// ZedBoard, where board DRAM is a carve-out of the PS DDR and the host window is the PS DDR
// itself (aorta_zynq7020_top). docs/boards.md, "Zynq-7020".
//   board DRAM [0, DramBytes)     -> DramBase + address
//   host window [2^47, 2^48)      -> address - 2^47 (the IOVA is the physical address)
//   anything else                 -> address | 2^63: no slave decodes it, so the interconnect
//                                    answers DECERR (the SoC's DMA_FAULT)
// Everything else passes unchanged, in both directions.
module aorta_axi_addr_remap #(
  parameter logic [63:0] DramBytes = 64'h1000_0000,
  parameter logic [63:0] DramBase  = 64'h1000_0000
) (
  aorta_axi_if.slave  s,  // the SoC's device addresses
  aorta_axi_if.master m   // physical addresses
);
  localparam logic [63:0] WindowBase = 64'h1 << 47;

  function automatic logic [63:0] remap(logic [63:0] a);
    if (a < DramBytes)          return DramBase + a;
    else if (a[63:47] == 17'h1) return a - WindowBase;
    else                        return a | (64'h1 << 63);
  endfunction

  assign m.awid    = s.awid;
  assign m.awaddr  = remap(s.awaddr);
  assign m.awlen   = s.awlen;
  assign m.awsize  = s.awsize;
  assign m.awburst = s.awburst;
  assign m.awcache = s.awcache;
  assign m.awprot  = s.awprot;
  assign m.awvalid = s.awvalid;
  assign s.awready = m.awready;
  assign m.wdata   = s.wdata;
  assign m.wstrb   = s.wstrb;
  assign m.wlast   = s.wlast;
  assign m.wvalid  = s.wvalid;
  assign s.wready  = m.wready;
  assign s.bid     = m.bid;
  assign s.bresp   = m.bresp;
  assign s.bvalid  = m.bvalid;
  assign m.bready  = s.bready;
  assign m.arid    = s.arid;
  assign m.araddr  = remap(s.araddr);
  assign m.arlen   = s.arlen;
  assign m.arsize  = s.arsize;
  assign m.arburst = s.arburst;
  assign m.arcache = s.arcache;
  assign m.arprot  = s.arprot;
  assign m.arvalid = s.arvalid;
  assign s.arready = m.arready;
  assign s.rid     = m.rid;
  assign s.rdata   = m.rdata;
  assign s.rresp   = m.rresp;
  assign s.rlast   = m.rlast;
  assign s.rvalid  = m.rvalid;
  assign m.rready  = s.rready;
endmodule
