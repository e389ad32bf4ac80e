// Interface model of the AMD/Xilinx Clocking Wizard 6.0 (PG065) as the board wrappers generate
// it (component aorta_core_clk_wiz: one input, one output at the derived config's clock, set by
// the build script from build/gen/fpga_board/constraints/<card>_clock.tcl): Verilator lint only.
module aorta_core_clk_wiz (
  input  logic clk_in1,
  input  logic reset,
  output logic clk_out1,
  output logic locked
);
  assign {clk_out1, locked} = '0;
endmodule
