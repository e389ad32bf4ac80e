// aorta_axi_if: one AXI4 bus (AMBA AXI4, ARM IHI 0022) between the board wrappers' own modules:
// the SoC's DMA master (aorta_chip's m_axi) to the vendor interconnect or to aorta_axi_to_avmm,
// and the F1 SmartConnect's DDR4 masters to the shell's and sh_ddr's DDR slaves.
// docs/boards.md, "The bus interfaces".
//
// Signals carry the AXI names without prefix; a flat port list (the SoC, a vendor block's
// ports, a bridge verilated on its own) connects through fpga_board/rtl/aorta_board_macros.svh.
// The members an endpoint lacks (AxCACHE / AxPROT on the F1 DDR4 ports, AxCACHE / AxPROT taken
// by no Avalon bridge) stay unconnected: the handshake assertions below read only the members
// every endpoint has.
interface aorta_axi_if #(
  parameter int unsigned DataWidth = 256,
  parameter int unsigned IdWidth   = 2,
  parameter int unsigned AddrWidth = 64
) (
  input logic clk_i,   // the bus clock, for the assertions
  input logic rst_ni
);
  logic [IdWidth-1:0]     awid;
  logic [AddrWidth-1:0]   awaddr;
  logic [7:0]             awlen;
  logic [2:0]             awsize;
  logic [1:0]             awburst;
  logic [3:0]             awcache;
  logic [2:0]             awprot;
  logic                   awvalid;
  logic                   awready;
  logic [DataWidth-1:0]   wdata;
  logic [DataWidth/8-1:0] wstrb;
  logic                   wlast;
  logic                   wvalid;
  logic                   wready;
  logic [IdWidth-1:0]     bid;
  logic [1:0]             bresp;
  logic                   bvalid;
  logic                   bready;
  logic [IdWidth-1:0]     arid;
  logic [AddrWidth-1:0]   araddr;
  logic [7:0]             arlen;
  logic [2:0]             arsize;
  logic [1:0]             arburst;
  logic [3:0]             arcache;
  logic [2:0]             arprot;
  logic                   arvalid;
  logic                   arready;
  logic [IdWidth-1:0]     rid;
  logic [DataWidth-1:0]   rdata;
  logic [1:0]             rresp;
  logic                   rlast;
  logic                   rvalid;
  logic                   rready;

  modport master (
    output awid, awaddr, awlen, awsize, awburst, awcache, awprot, awvalid,
    input  awready,
    output wdata, wstrb, wlast, wvalid,
    input  wready,
    input  bid, bresp, bvalid,
    output bready,
    output arid, araddr, arlen, arsize, arburst, arcache, arprot, arvalid,
    input  arready,
    input  rid, rdata, rresp, rlast, rvalid,
    output rready
  );

  modport slave (
    input  awid, awaddr, awlen, awsize, awburst, awcache, awprot, awvalid,
    output awready,
    input  wdata, wstrb, wlast, wvalid,
    output wready,
    output bid, bresp, bvalid,
    input  bready,
    input  arid, araddr, arlen, arsize, arburst, arcache, arprot, arvalid,
    output arready,
    output rid, rdata, rresp, rlast, rvalid,
    input  rready
  );

`ifndef SYNTHESIS
  // Every channel: a transfer offered stays offered, unchanged, until it is taken.
  AwHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid && !awready |=> awvalid && $stable({awid, awaddr, awlen, awsize}));
  WHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid && !wready |=> wvalid && $stable({wdata, wstrb, wlast}));
  BHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid && !bready |=> bvalid && $stable({bid, bresp}));
  ArHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid && !arready |=> arvalid && $stable({arid, araddr, arlen, arsize}));
  RHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid && !rready |=> rvalid && $stable({rid, rdata, rresp, rlast}));
`endif
endinterface
