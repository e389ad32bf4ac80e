// Interface model of aorta_a10_sys, the Platform Designer system that
// fpga_board/single_arria10/aorta_a10_sys.tcl builds for an Arria 10 GX 1150 card (Nallatech
// 385A class): its exported ports, for Verilator lint only (Quartus Prime Pro generates the real
// aorta_a10_sys from the script). Inside the system (each component from its Intel user guide):
//   - pcie: Arria 10 Hard IP for PCI Express with the Avalon-MM DMA interface ("Arria 10 or
//     Cyclone 10 GX Avalon-MM DMA Interface for PCI Express Solutions User Guide", Intel
//     683425), Gen3 x8, 256-bit Avalon-MM at 250 MHz. BAR0: non-bursting 32-bit RX master
//     (4 KiB) -> regs; BAR2: bursting RX master -> both DDR3 banks (8 GiB); the 32-bit
//     non-bursting TX slave (Txs) -> host memory (mem's host window, msi). The descriptor
//     controller is external and unused (the SoC masters host memory), the data movers
//     unconnected.
//   - ddr3a, ddr3b: Arria 10 External Memory Interfaces ("Intel Arria 10 External Memory
//     Interfaces IP User Guide", Intel 683106) configured for DDR3 (the card's memory,
//     fpga_board/devices.cc; the same IP drives DDR4 with its protocol parameter): two 64-bit
//     DDR3-1866 banks of 4 GB, quarter rate, 512-bit Avalon-MM at 233 MHz each; bank a at
//     [0, 4 GiB), bank b at [4 GiB, 8 GiB) of the device address map.
//   - link0, link1: SerialLite III Streaming (duplex, standard clocking, continuous mode;
//     "Serial Lite III Streaming IP Core User Guide", Intel 683330) on the two QSFP+ cages,
//     four lanes at 10.3125 Gb/s each (40 Gb/s): 256-bit user data per user clock; each with
//     its ATX PLL (tx_serial_clk). The source has no ready and the sink no back-pressure.
//   - Avalon-MM Clock Crossing Bridges between the core clock and the PCIe / EMIF clocks: mem
//     (slave, core clock) -> DDR3 [0, 8 GiB) and Txs [2^47, 2^48) (offset = IOVA); msi -> Txs;
//     BAR0 -> regs (master, core clock); an Error Response Slave answers unmapped addresses
//     with DECODEERROR (the SoC's DMA_FAULT).
// Port names are <exported interface>_<signal> as the script exports them; they have not been
// checked against a generated system (Quartus is not installed where this is developed).
//
// The port list stays flat, one port per signal under the vendor's name: the wrapper instantiates
// the aorta_a10_sys Quartus generates by these names, so the model has exactly them. The wrappers
// connect their bus interfaces (fpga_board/rtl/aorta_*_if.sv) to it with the macros of
// fpga_board/rtl/aorta_board_macros.svh.
module aorta_a10_sys #(
  parameter int unsigned MemDataWidth = 1024,
  parameter int unsigned MemBurstW    = 5
) (
  // Board clock (100 MHz oscillator) and reset; the core clock domain of mem / regs / msi.
  input  logic                      clk_100_clk,
  input  logic                      reset_reset_n,
  input  logic                      core_clk_clk,
  input  logic                      core_reset_reset_n,

  // PCIe hard IP: reference clock, PERST#, eight lanes, the application reset, MsiIntfc_o.
  input  logic                      pcie_refclk_clk,
  input  logic                      pcie_npor_pin_perst,
  input  logic                      pcie_serial_rx_in0,
  input  logic                      pcie_serial_rx_in1,
  input  logic                      pcie_serial_rx_in2,
  input  logic                      pcie_serial_rx_in3,
  input  logic                      pcie_serial_rx_in4,
  input  logic                      pcie_serial_rx_in5,
  input  logic                      pcie_serial_rx_in6,
  input  logic                      pcie_serial_rx_in7,
  output logic                      pcie_serial_tx_out0,
  output logic                      pcie_serial_tx_out1,
  output logic                      pcie_serial_tx_out2,
  output logic                      pcie_serial_tx_out3,
  output logic                      pcie_serial_tx_out4,
  output logic                      pcie_serial_tx_out5,
  output logic                      pcie_serial_tx_out6,
  output logic                      pcie_serial_tx_out7,
  output logic                      pcie_nreset_status_reset_n,
  output logic [81:0]               pcie_msi_msi_intfc,

  // DDR3 bank a (EMIF): PLL reference clock, OCT, memory pins, calibration status.
  input  logic                      ddr3a_pll_ref_clk_clk,
  input  logic                      ddr3a_oct_oct_rzqin,
  output logic [15:0]               ddr3a_mem_mem_a,
  output logic [2:0]                ddr3a_mem_mem_ba,
  output logic                      ddr3a_mem_mem_ck,
  output logic                      ddr3a_mem_mem_ck_n,
  output logic                      ddr3a_mem_mem_cke,
  output logic                      ddr3a_mem_mem_cs_n,
  output logic [7:0]                ddr3a_mem_mem_dm,
  output logic                      ddr3a_mem_mem_ras_n,
  output logic                      ddr3a_mem_mem_cas_n,
  output logic                      ddr3a_mem_mem_we_n,
  output logic                      ddr3a_mem_mem_reset_n,
  inout  wire  [63:0]               ddr3a_mem_mem_dq,
  inout  wire  [7:0]                ddr3a_mem_mem_dqs,
  inout  wire  [7:0]                ddr3a_mem_mem_dqs_n,
  output logic                      ddr3a_mem_mem_odt,
  output logic                      ddr3a_status_local_cal_success,
  output logic                      ddr3a_status_local_cal_fail,

  // DDR3 bank b (EMIF): PLL reference clock, OCT, memory pins, calibration status.
  input  logic                      ddr3b_pll_ref_clk_clk,
  input  logic                      ddr3b_oct_oct_rzqin,
  output logic [15:0]               ddr3b_mem_mem_a,
  output logic [2:0]                ddr3b_mem_mem_ba,
  output logic                      ddr3b_mem_mem_ck,
  output logic                      ddr3b_mem_mem_ck_n,
  output logic                      ddr3b_mem_mem_cke,
  output logic                      ddr3b_mem_mem_cs_n,
  output logic [7:0]                ddr3b_mem_mem_dm,
  output logic                      ddr3b_mem_mem_ras_n,
  output logic                      ddr3b_mem_mem_cas_n,
  output logic                      ddr3b_mem_mem_we_n,
  output logic                      ddr3b_mem_mem_reset_n,
  inout  wire  [63:0]               ddr3b_mem_mem_dq,
  inout  wire  [7:0]                ddr3b_mem_mem_dqs,
  inout  wire  [7:0]                ddr3b_mem_mem_dqs_n,
  output logic                      ddr3b_mem_mem_odt,
  output logic                      ddr3b_status_local_cal_success,
  output logic                      ddr3b_status_local_cal_fail,

  // mem: Avalon-MM slave (core clock), the SoC's DMA after aorta_axi_to_avmm.
  input  logic [63:0]               mem_address,
  input  logic [MemBurstW-1:0]      mem_burstcount,
  input  logic                      mem_read,
  input  logic                      mem_write,
  input  logic [MemDataWidth-1:0]   mem_writedata,
  input  logic [MemDataWidth/8-1:0] mem_byteenable,
  output logic                      mem_waitrequest,
  output logic [MemDataWidth-1:0]   mem_readdata,
  output logic                      mem_readdatavalid,
  output logic [1:0]                mem_response,
  output logic                      mem_writeresponsevalid,

  // regs: Avalon-MM master (core clock), BAR0 to aorta_avmm_to_axil.
  output logic [11:0]               regs_address,
  output logic                      regs_read,
  output logic                      regs_write,
  output logic [31:0]               regs_writedata,
  output logic [3:0]                regs_byteenable,
  input  logic                      regs_waitrequest,
  input  logic [31:0]               regs_readdata,
  input  logic                      regs_readdatavalid,
  input  logic [1:0]                regs_response,
  input  logic                      regs_writeresponsevalid,

  // msi: Avalon-MM slave (core clock) onto the TX slave, for aorta_msi_writer.
  input  logic [63:0]               msi_address,
  input  logic                      msi_write,
  input  logic [31:0]               msi_writedata,
  input  logic [3:0]                msi_byteenable,
  output logic                      msi_waitrequest,

  // SerialLite III link cores: the transceivers' reference clock, then per core the four
  // lanes, the source (user_clock_tx domain) and the sink (user_clock_rx domain).
  input  logic                      link_refclk_clk,
  output logic [3:0]                link0_tx_serial_data,
  input  logic [3:0]                link0_rx_serial_data,
  output logic                      link0_user_clock_tx,
  output logic                      link0_link_up_tx,
  input  logic [255:0]              link0_data_tx,
  input  logic                      link0_valid_tx,
  input  logic                      link0_start_of_burst_tx,
  input  logic                      link0_end_of_burst_tx,
  input  logic [7:0]                link0_sync_tx,
  output logic                      link0_user_clock_rx,
  output logic                      link0_link_up_rx,
  output logic [255:0]              link0_data_rx,
  output logic                      link0_valid_rx,
  output logic [3:0]                link1_tx_serial_data,
  input  logic [3:0]                link1_rx_serial_data,
  output logic                      link1_user_clock_tx,
  output logic                      link1_link_up_tx,
  input  logic [255:0]              link1_data_tx,
  input  logic                      link1_valid_tx,
  input  logic                      link1_start_of_burst_tx,
  input  logic                      link1_end_of_burst_tx,
  input  logic [7:0]                link1_sync_tx,
  output logic                      link1_user_clock_rx,
  output logic                      link1_link_up_rx,
  output logic [255:0]              link1_data_rx,
  output logic                      link1_valid_rx
);
  assign {pcie_serial_tx_out0, pcie_serial_tx_out1, pcie_serial_tx_out2, pcie_serial_tx_out3,
          pcie_serial_tx_out4, pcie_serial_tx_out5, pcie_serial_tx_out6, pcie_serial_tx_out7,
          pcie_nreset_status_reset_n, pcie_msi_msi_intfc} = '0;
  assign {ddr3a_mem_mem_a, ddr3a_mem_mem_ba, ddr3a_mem_mem_ck, ddr3a_mem_mem_ck_n,
          ddr3a_mem_mem_cke, ddr3a_mem_mem_cs_n, ddr3a_mem_mem_dm, ddr3a_mem_mem_ras_n,
          ddr3a_mem_mem_cas_n, ddr3a_mem_mem_we_n, ddr3a_mem_mem_reset_n, ddr3a_mem_mem_odt,
          ddr3a_status_local_cal_success, ddr3a_status_local_cal_fail} = '0;
  assign {ddr3b_mem_mem_a, ddr3b_mem_mem_ba, ddr3b_mem_mem_ck, ddr3b_mem_mem_ck_n,
          ddr3b_mem_mem_cke, ddr3b_mem_mem_cs_n, ddr3b_mem_mem_dm, ddr3b_mem_mem_ras_n,
          ddr3b_mem_mem_cas_n, ddr3b_mem_mem_we_n, ddr3b_mem_mem_reset_n, ddr3b_mem_mem_odt,
          ddr3b_status_local_cal_success, ddr3b_status_local_cal_fail} = '0;
  assign {mem_waitrequest, mem_readdata, mem_readdatavalid, mem_response,
          mem_writeresponsevalid} = '0;
  assign {regs_address, regs_read, regs_write, regs_writedata, regs_byteenable} = '0;
  assign msi_waitrequest = 1'b0;
  assign {link0_tx_serial_data, link0_user_clock_tx, link0_link_up_tx, link0_user_clock_rx,
          link0_link_up_rx, link0_data_rx, link0_valid_rx} = '0;
  assign {link1_tx_serial_data, link1_user_clock_tx, link1_link_up_tx, link1_user_clock_rx,
          link1_link_up_rx, link1_data_rx, link1_valid_rx} = '0;
endmodule
