// aorta_avmm_if: one Avalon-MM port (Intel MNL-AVABUSREF, "Avalon Memory-Mapped Interfaces")
// with the response signals, byte addresses: the Intel tops' mem (the SoC's DMA, bursting),
// regs (BAR0, single words) and msi (single writes) between aorta_intel_chip and the Platform
// Designer system. docs/boards.md, "The bus interfaces". Flat port lists connect through
// fpga_board/rtl/aorta_board_macros.svh (by groups: regs has no burstcount, msi only writes).
interface aorta_avmm_if #(
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned DataWidth = 32,
  parameter int unsigned BurstW    = 1    // burstcount width ($clog2(maxburstcount) + 1)
) (
  input logic clk_i,   // the port's clock, for the assertions
  input logic rst_ni
);
  logic [AddrWidth-1:0]   address;
  logic [BurstW-1:0]      burstcount;
  logic                   read;
  logic                   write;
  logic [DataWidth-1:0]   writedata;
  logic [DataWidth/8-1:0] byteenable;
  logic                   waitrequest;
  logic [DataWidth-1:0]   readdata;
  logic                   readdatavalid;
  logic [1:0]             response;
  logic                   writeresponsevalid;

  modport master (
    output address, burstcount, read, write, writedata, byteenable,
    input  waitrequest, readdata, readdatavalid, response, writeresponsevalid
  );

  modport slave (
    input  address, burstcount, read, write, writedata, byteenable,
    output waitrequest, readdata, readdatavalid, response, writeresponsevalid
  );

`ifndef SYNTHESIS
  // A command offered is held, unchanged, until the slave takes it (waitrequest low); one
  // command at a time.
  ReadHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      read && waitrequest |=> read && $stable(address));
  WriteHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      write && waitrequest |=> write && $stable({address, writedata, byteenable}));
  NotBoth: assert property (@(posedge clk_i) disable iff (!rst_ni) !(read && write));
`endif
endinterface
