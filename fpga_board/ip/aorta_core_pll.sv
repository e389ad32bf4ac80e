// Interface model of the Intel core-clock PLL the Intel board wrappers generate as component
// aorta_core_pll: on Stratix V the Altera PLL ("Altera Phase-Locked Loop (Altera PLL) IP Core
// User Guide", Intel UG-01087), on Arria 10 the IOPLL ("IOPLL Intel FPGA IP Core User Guide",
// Intel 683359); both have these ports. One output, outclk_0, at the derived config's clock (the
// build scripts set it from build/gen/fpga_board/constraints/<card>_clock.tcl). Verilator lint
// only; nothing here is simulated.
module aorta_core_pll (
  input  logic refclk,
  input  logic rst,
  output logic outclk_0,
  output logic locked
);
  assign {outclk_0, locked} = '0;
endmodule
