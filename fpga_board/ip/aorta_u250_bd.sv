// Interface model of aorta_u250_bd, the Vivado IP-integrator block design that
// fpga_board/single_u250/build.tcl builds around the SoC on an Alveo U250: its exported ports,
// for Verilator lint only (Vivado generates the real aorta_u250_bd_wrapper from the design).
// Inside the design:
//   - XDMA 4.1 (PG195) in "AXI Bridge" mode, PCIe Gen3 x16: BAR0 (4 KiB) -> M_AORTA_REGS (the
//     register map), BAR2 -> the DDR4 (the host's DramWrite / DramRead); its slave bridge
//     S_AXI_B is the host window (device addresses 2^47 + IOVA, translated to IOVA); MSI from
//     usr_irq_req.
//   - Four DDR4 SDRAM (MIG) 2.2 controllers, C0..C3, 16 GiB each at device addresses 0, 16 Gi,
//     32 Gi, 48 Gi (DS962: 4 x 16 GB DDR4-2400, 72 bit with ECC).
//   - SmartConnect 1.0: S_AORTA_AXI (the SoC's AXI4 master) to the four DDR4 controllers and
//     S_AXI_B, crossing from the core clock; XDMA's M_AXI_B to M_AORTA_REGS (AXI4-lite, core
//     clock) and the DDR4 controllers.
//
// The port list stays flat, one port per signal under the vendor's name: the wrapper instantiates
// Vivado's generated aorta_u250_bd_wrapper by these names, so the model has exactly them. The
// wrappers connect their bus interfaces (fpga_board/rtl/aorta_*_if.sv) to it with the macros of
// fpga_board/rtl/aorta_board_macros.svh.
module aorta_u250_bd #(
  parameter int unsigned DataWidth = 512
) (
  // PCIe: XDMA's x16 lanes and reference clock.
  input  logic                   pcie_refclk_clk_p,
  input  logic                   pcie_refclk_clk_n,
  input  logic                   pcie_perstn,
  input  logic [15:0]            pcie_mgt_rxp,
  input  logic [15:0]            pcie_mgt_rxn,
  output logic [15:0]            pcie_mgt_txp,
  output logic [15:0]            pcie_mgt_txn,
  // DDR4 C0..C3: 300 MHz reference clocks and the memory pins.
  input  logic [3:0]             ddr4_refclk_p,
  input  logic [3:0]             ddr4_refclk_n,
  output logic [3:0][16:0]       ddr4_adr,
  output logic [3:0][1:0]        ddr4_ba,
  output logic [3:0][1:0]        ddr4_bg,
  output logic [3:0]             ddr4_ck_t,
  output logic [3:0]             ddr4_ck_c,
  output logic [3:0]             ddr4_cke,
  output logic [3:0]             ddr4_cs_n,
  output logic [3:0]             ddr4_odt,
  output logic [3:0]             ddr4_act_n,
  output logic [3:0]             ddr4_reset_n,
  output logic [3:0]             ddr4_par,
  inout  wire  [3:0][71:0]       ddr4_dq,
  inout  wire  [3:0][17:0]       ddr4_dqs_t,
  inout  wire  [3:0][17:0]       ddr4_dqs_c,
  // XDMA's user clock (250 MHz) and reset: the core clock generator's input.
  output logic                   axi_aclk,
  output logic                   axi_aresetn,
  // The core clock domain of the two exported AXI interfaces.
  input  logic                   core_clk,
  input  logic                   core_aresetn,
  // S_AORTA_AXI: AXI4 slave for the SoC's master.
  input  logic [1:0]             S_AORTA_AXI_awid,
  input  logic [63:0]            S_AORTA_AXI_awaddr,
  input  logic [7:0]             S_AORTA_AXI_awlen,
  input  logic [2:0]             S_AORTA_AXI_awsize,
  input  logic [1:0]             S_AORTA_AXI_awburst,
  input  logic [3:0]             S_AORTA_AXI_awcache,
  input  logic [2:0]             S_AORTA_AXI_awprot,
  input  logic                   S_AORTA_AXI_awvalid,
  output logic                   S_AORTA_AXI_awready,
  input  logic [DataWidth-1:0]   S_AORTA_AXI_wdata,
  input  logic [DataWidth/8-1:0] S_AORTA_AXI_wstrb,
  input  logic                   S_AORTA_AXI_wlast,
  input  logic                   S_AORTA_AXI_wvalid,
  output logic                   S_AORTA_AXI_wready,
  output logic [1:0]             S_AORTA_AXI_bid,
  output logic [1:0]             S_AORTA_AXI_bresp,
  output logic                   S_AORTA_AXI_bvalid,
  input  logic                   S_AORTA_AXI_bready,
  input  logic [1:0]             S_AORTA_AXI_arid,
  input  logic [63:0]            S_AORTA_AXI_araddr,
  input  logic [7:0]             S_AORTA_AXI_arlen,
  input  logic [2:0]             S_AORTA_AXI_arsize,
  input  logic [1:0]             S_AORTA_AXI_arburst,
  input  logic [3:0]             S_AORTA_AXI_arcache,
  input  logic [2:0]             S_AORTA_AXI_arprot,
  input  logic                   S_AORTA_AXI_arvalid,
  output logic                   S_AORTA_AXI_arready,
  output logic [1:0]             S_AORTA_AXI_rid,
  output logic [DataWidth-1:0]   S_AORTA_AXI_rdata,
  output logic [1:0]             S_AORTA_AXI_rresp,
  output logic                   S_AORTA_AXI_rlast,
  output logic                   S_AORTA_AXI_rvalid,
  input  logic                   S_AORTA_AXI_rready,
  // M_AORTA_REGS: AXI4-lite master, BAR0 to the SoC's register slave.
  output logic [11:0]            M_AORTA_REGS_awaddr,
  output logic [2:0]             M_AORTA_REGS_awprot,
  output logic                   M_AORTA_REGS_awvalid,
  input  logic                   M_AORTA_REGS_awready,
  output logic [31:0]            M_AORTA_REGS_wdata,
  output logic [3:0]             M_AORTA_REGS_wstrb,
  output logic                   M_AORTA_REGS_wvalid,
  input  logic                   M_AORTA_REGS_wready,
  input  logic [1:0]             M_AORTA_REGS_bresp,
  input  logic                   M_AORTA_REGS_bvalid,
  output logic                   M_AORTA_REGS_bready,
  output logic [11:0]            M_AORTA_REGS_araddr,
  output logic [2:0]             M_AORTA_REGS_arprot,
  output logic                   M_AORTA_REGS_arvalid,
  input  logic                   M_AORTA_REGS_arready,
  input  logic [31:0]            M_AORTA_REGS_rdata,
  input  logic [1:0]             M_AORTA_REGS_rresp,
  input  logic                   M_AORTA_REGS_rvalid,
  output logic                   M_AORTA_REGS_rready,
  // XDMA user interrupt 0 (MSI) and its acknowledge.
  input  logic                   usr_irq_req,
  output logic                   usr_irq_ack
);
  assign {pcie_mgt_txp, pcie_mgt_txn, axi_aclk, axi_aresetn, usr_irq_ack} = '0;
  assign {ddr4_adr, ddr4_ba, ddr4_bg, ddr4_ck_t, ddr4_ck_c, ddr4_cke, ddr4_cs_n, ddr4_odt,
          ddr4_act_n, ddr4_reset_n, ddr4_par} = '0;
  assign {S_AORTA_AXI_awready, S_AORTA_AXI_wready, S_AORTA_AXI_bid, S_AORTA_AXI_bresp,
          S_AORTA_AXI_bvalid, S_AORTA_AXI_arready, S_AORTA_AXI_rid, S_AORTA_AXI_rdata,
          S_AORTA_AXI_rresp, S_AORTA_AXI_rlast, S_AORTA_AXI_rvalid} = '0;
  assign {M_AORTA_REGS_awaddr, M_AORTA_REGS_awprot, M_AORTA_REGS_awvalid, M_AORTA_REGS_wdata,
          M_AORTA_REGS_wstrb, M_AORTA_REGS_wvalid, M_AORTA_REGS_bready, M_AORTA_REGS_araddr,
          M_AORTA_REGS_arprot, M_AORTA_REGS_arvalid, M_AORTA_REGS_rready} = '0;
endmodule
