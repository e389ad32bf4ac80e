// aorta_axil_if: one AXI4-lite bus (AMBA AXI4, ARM IHI 0022), 32-bit data: the register map
// between the host's bridge (XDMA's BAR0, the ZedBoard's GP port, F1's OCL, aorta_avmm_to_axil)
// and aorta_chip's s_axil. docs/boards.md, "The bus interfaces". Flat port lists connect through
// fpga_board/rtl/aorta_board_macros.svh.
interface aorta_axil_if #(
  parameter int unsigned AddrWidth = 12
) (
  input logic clk_i,   // the bus clock, for the assertions
  input logic rst_ni
);
  logic [AddrWidth-1:0] awaddr;
  logic [2:0]           awprot;
  logic                 awvalid;
  logic                 awready;
  logic [31:0]          wdata;
  logic [3:0]           wstrb;
  logic                 wvalid;
  logic                 wready;
  logic [1:0]           bresp;
  logic                 bvalid;
  logic                 bready;
  logic [AddrWidth-1:0] araddr;
  logic [2:0]           arprot;
  logic                 arvalid;
  logic                 arready;
  logic [31:0]          rdata;
  logic [1:0]           rresp;
  logic                 rvalid;
  logic                 rready;

  modport master (
    output awaddr, awprot, awvalid,
    input  awready,
    output wdata, wstrb, wvalid,
    input  wready,
    input  bresp, bvalid,
    output bready,
    output araddr, arprot, arvalid,
    input  arready,
    input  rdata, rresp, rvalid,
    output rready
  );

  modport slave (
    input  awaddr, awprot, awvalid,
    output awready,
    input  wdata, wstrb, wvalid,
    output wready,
    output bresp, bvalid,
    input  bready,
    input  araddr, arprot, arvalid,
    output arready,
    output rdata, rresp, rvalid,
    input  rready
  );

`ifndef SYNTHESIS
  // Every channel: a transfer offered stays offered, unchanged, until it is taken.
  AwHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid && !awready |=> awvalid && $stable({awaddr, awprot}));
  WHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid && !wready |=> wvalid && $stable({wdata, wstrb}));
  BHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid && !bready |=> bvalid && $stable(bresp));
  ArHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid && !arready |=> arvalid && $stable({araddr, arprot}));
  RHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid && !rready |=> rvalid && $stable({rdata, rresp}));
`endif
endinterface
