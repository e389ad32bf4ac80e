// Interface model of aorta_z7_bd, the Vivado IP-integrator design that
// fpga_board/single_zynq7020/build.tcl builds on a ZedBoard (Zynq-7020): its exported ports, for
// the lint only (Vivado generates the real aorta_z7_bd_wrapper). Inside:
//   - ps7: ZYNQ7 Processing System 5.5 (AMD PG082; Zynq-7000 TRM UG585) with the ZedBoard
//     preset: DDR and FIXED_IO (MIO) pins, FCLK_CLK0 at 100 MHz (the core clock wizard's
//     input), FCLK_RESET0_N; M_AXI_GP0 (the ARM's register window, 0x4000_0000); S_AXI_HP0
//     (64-bit AXI3 to the PS DDR controller); IRQ_F2P[0] (GIC SPI 61, level high).
//   - SmartConnect 1.0 (AMD PG247) sc_mem: S_AORTA_AXI (the SoC's DMA master, 256-bit AXI4,
//     core clock) -> S_AXI_HP0 (width 256 -> 64, AXI4 -> AXI3, the HP port clocked by the core
//     clock): the PS DDR at [0, 512 MiB); any other address answers DECERR.
//   - SmartConnect sc_regs: M_AXI_GP0 (FCLK_CLK0) -> M_AORTA_REGS (AXI4-lite, 12-bit, core
//     clock).
//
// The port list stays flat, one port per signal under the vendor's name: the wrapper instantiates
// Vivado's generated aorta_z7_bd_wrapper by these names, so the model has exactly them. The
// wrappers connect their bus interfaces (fpga_board/rtl/aorta_*_if.sv) to it with the macros of
// fpga_board/rtl/aorta_board_macros.svh.
module aorta_z7_bd #(
  parameter int unsigned DataWidth = 256
) (
  inout  wire  [14:0]                     DDR_addr,
  inout  wire  [2:0]                      DDR_ba,
  inout  wire                             DDR_cas_n,
  inout  wire                             DDR_ck_n,
  inout  wire                             DDR_ck_p,
  inout  wire                             DDR_cke,
  inout  wire                             DDR_cs_n,
  inout  wire  [3:0]                      DDR_dm,
  inout  wire  [31:0]                     DDR_dq,
  inout  wire  [3:0]                      DDR_dqs_n,
  inout  wire  [3:0]                      DDR_dqs_p,
  inout  wire                             DDR_odt,
  inout  wire                             DDR_ras_n,
  inout  wire                             DDR_reset_n,
  inout  wire                             DDR_we_n,
  inout  wire                             FIXED_IO_ddr_vrn,
  inout  wire                             FIXED_IO_ddr_vrp,
  inout  wire  [53:0]                     FIXED_IO_mio,
  inout  wire                             FIXED_IO_ps_clk,
  inout  wire                             FIXED_IO_ps_porb,
  inout  wire                             FIXED_IO_ps_srstb,
  output logic                            FCLK_CLK0,
  output logic                            FCLK_RESET0_N,
  input  logic                            core_clk,
  input  logic                            core_aresetn,
  input  logic [1:0]                      S_AORTA_AXI_awid,
  input  logic [63:0]                     S_AORTA_AXI_awaddr,
  input  logic [7:0]                      S_AORTA_AXI_awlen,
  input  logic [2:0]                      S_AORTA_AXI_awsize,
  input  logic [1:0]                      S_AORTA_AXI_awburst,
  input  logic [3:0]                      S_AORTA_AXI_awcache,
  input  logic [2:0]                      S_AORTA_AXI_awprot,
  input  logic                            S_AORTA_AXI_awvalid,
  output logic                            S_AORTA_AXI_awready,
  input  logic [DataWidth-1:0]            S_AORTA_AXI_wdata,
  input  logic [DataWidth/8-1:0]          S_AORTA_AXI_wstrb,
  input  logic                            S_AORTA_AXI_wlast,
  input  logic                            S_AORTA_AXI_wvalid,
  output logic                            S_AORTA_AXI_wready,
  output logic [1:0]                      S_AORTA_AXI_bid,
  output logic [1:0]                      S_AORTA_AXI_bresp,
  output logic                            S_AORTA_AXI_bvalid,
  input  logic                            S_AORTA_AXI_bready,
  input  logic [1:0]                      S_AORTA_AXI_arid,
  input  logic [63:0]                     S_AORTA_AXI_araddr,
  input  logic [7:0]                      S_AORTA_AXI_arlen,
  input  logic [2:0]                      S_AORTA_AXI_arsize,
  input  logic [1:0]                      S_AORTA_AXI_arburst,
  input  logic [3:0]                      S_AORTA_AXI_arcache,
  input  logic [2:0]                      S_AORTA_AXI_arprot,
  input  logic                            S_AORTA_AXI_arvalid,
  output logic                            S_AORTA_AXI_arready,
  output logic [1:0]                      S_AORTA_AXI_rid,
  output logic [DataWidth-1:0]            S_AORTA_AXI_rdata,
  output logic [1:0]                      S_AORTA_AXI_rresp,
  output logic                            S_AORTA_AXI_rlast,
  output logic                            S_AORTA_AXI_rvalid,
  input  logic                            S_AORTA_AXI_rready,
  output logic [11:0]                     M_AORTA_REGS_awaddr,
  output logic [2:0]                      M_AORTA_REGS_awprot,
  output logic                            M_AORTA_REGS_awvalid,
  input  logic                            M_AORTA_REGS_awready,
  output logic [31:0]                     M_AORTA_REGS_wdata,
  output logic [3:0]                      M_AORTA_REGS_wstrb,
  output logic                            M_AORTA_REGS_wvalid,
  input  logic                            M_AORTA_REGS_wready,
  input  logic [1:0]                      M_AORTA_REGS_bresp,
  input  logic                            M_AORTA_REGS_bvalid,
  output logic                            M_AORTA_REGS_bready,
  output logic [11:0]                     M_AORTA_REGS_araddr,
  output logic [2:0]                      M_AORTA_REGS_arprot,
  output logic                            M_AORTA_REGS_arvalid,
  input  logic                            M_AORTA_REGS_arready,
  input  logic [31:0]                     M_AORTA_REGS_rdata,
  input  logic [1:0]                      M_AORTA_REGS_rresp,
  input  logic                            M_AORTA_REGS_rvalid,
  output logic                            M_AORTA_REGS_rready,
  input  logic [0:0]                      IRQ_F2P
);
  assign {FCLK_CLK0, FCLK_RESET0_N, S_AORTA_AXI_awready, S_AORTA_AXI_wready, S_AORTA_AXI_bid,
          S_AORTA_AXI_bresp, S_AORTA_AXI_bvalid, S_AORTA_AXI_arready, S_AORTA_AXI_rid,
          S_AORTA_AXI_rdata, S_AORTA_AXI_rresp, S_AORTA_AXI_rlast, S_AORTA_AXI_rvalid,
          M_AORTA_REGS_awaddr, M_AORTA_REGS_awprot, M_AORTA_REGS_awvalid, M_AORTA_REGS_wdata,
          M_AORTA_REGS_wstrb, M_AORTA_REGS_wvalid, M_AORTA_REGS_bready, M_AORTA_REGS_araddr,
          M_AORTA_REGS_arprot, M_AORTA_REGS_arvalid, M_AORTA_REGS_rready} = '0;
endmodule
