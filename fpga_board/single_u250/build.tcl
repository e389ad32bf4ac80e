# Vivado batch build of aorta on an Alveo U250 (boards single_u250 and ring8_u250).
# Top: aorta_u250_top single_u250/aorta_u250_top.sv
#   vivado -mode batch -source fpga_board/single_u250/build.tcl -tclargs <build dir>
# <build dir> is the CMake build tree (its gen/ holds the derived config's package, the clock
# fragment and the generated ISA / register packages). NOT RUN: Vivado is not installed on the
# machines this repository is developed on (docs/boards.md, "What has run").
set here [file normalize [file dirname [info script]]]
source $here/../vivado_common.tcl
set card alveo_u250
set part xcu250-figd2104-2L-e
aorta_vivado_setup $argv $card $part xilinx.com:au250:part0:1.3

# The SoC, the wrapper RTL (fpga_board/rtl/), the generated packages, the top.
aorta_vivado_sources $card $here/aorta_u250_top.sv

# Vendor IP (fpga_board/ip/ holds only their interface models for lint; not read here): the
# core clock from XDMA's 250 MHz user clock, the Aurora cores.
aorta_vivado_core_clk 250.000
create_ip -name aurora_64b66b -vendor xilinx.com -library ip -version 12.0 \
  -module_name aorta_aurora_x4
set_property -dict [list CONFIG.C_LINE_RATE 25.78125 CONFIG.C_REFCLK_FREQUENCY 156.25 \
  CONFIG.C_AURORA_LANES 4 CONFIG.interface_mode Streaming CONFIG.C_USER_K false \
  CONFIG.SupportLevel 1] [get_ips aorta_aurora_x4]

# The block design: XDMA (AXI bridge, Gen3 x16), 4 x DDR4, SmartConnect; exported as
# aorta_u250_bd (ports: fpga_board/ip/aorta_u250_bd.sv).
create_bd_design aorta_u250_bd
create_bd_cell -type ip -vlnv xilinx.com:ip:xdma:4.1 xdma
set_property -dict [list CONFIG.functional_mode {AXI_Bridge} CONFIG.mode_selection {Advanced} \
  CONFIG.pl_link_cap_max_link_width {X16} CONFIG.pl_link_cap_max_link_speed {8.0_GT/s} \
  CONFIG.axi_data_width {512_bit} CONFIG.BASEADDR {0x00000000} CONFIG.HIGHADDR {0x00000FFF} \
  CONFIG.pf0_bar0_size {4} CONFIG.pf0_bar0_scale {Kilobytes} CONFIG.pf0_bar2_enabled {true} \
  CONFIG.pf0_bar2_64bit {true} CONFIG.pf0_bar2_size {64} CONFIG.pf0_bar2_scale {Gigabytes} \
  CONFIG.axibar_num {1} CONFIG.axibar_0 {0x0000800000000000} \
  CONFIG.axibar_highaddr_0 {0x0000FFFFFFFFFFFF} CONFIG.axibar2pciebar_0 {0x0} \
  CONFIG.pf0_msi_enabled {true} CONFIG.num_of_usr_irq 1] [get_bd_cells xdma]
for {set c 0} {$c < 4} {incr c} {
  create_bd_cell -type ip -vlnv xilinx.com:ip:ddr4:2.2 ddr4_c$c
  apply_board_connection -board_interface "ddr4_sdram_c$c" -ip_intf "ddr4_c$c/C0_DDR4" \
    -diagram aorta_u250_bd
}
create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 sc_mem
set_property -dict [list CONFIG.NUM_SI 2 CONFIG.NUM_MI 5 CONFIG.NUM_CLKS 3] [get_bd_cells sc_mem]
create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 sc_regs
set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 1 CONFIG.NUM_CLKS 2] [get_bd_cells sc_regs]
aorta_vivado_bus_ports
connect_bd_intf_net [get_bd_intf_ports S_AORTA_AXI] [get_bd_intf_pins sc_mem/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins xdma/M_AXI_B] [get_bd_intf_pins sc_mem/S01_AXI]
for {set c 0} {$c < 4} {incr c} {
  connect_bd_intf_net [get_bd_intf_pins sc_mem/M0${c}_AXI] [get_bd_intf_pins ddr4_c$c/C0_DDR4_S_AXI]
}
connect_bd_intf_net [get_bd_intf_pins sc_mem/M04_AXI] [get_bd_intf_pins xdma/S_AXI_B]
connect_bd_intf_net [get_bd_intf_pins xdma/M_AXI_LITE] [get_bd_intf_pins sc_regs/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins sc_regs/M00_AXI] [get_bd_intf_ports M_AORTA_REGS]
# Device address map (core/device.h): DRAM [0, 64 GiB) on C0..C3, host window from 2^47.
for {set c 0} {$c < 4} {incr c} {
  assign_bd_address -offset [expr {$c * 0x400000000}] -range 16G \
    [get_bd_addr_segs ddr4_c$c/C0_DDR4_MEMORY_MAP/C0_DDR4_ADDRESS_BLOCK]
}
assign_bd_address -offset 0x0000800000000000 -range 128T [get_bd_addr_segs xdma/S_AXI_B/BAR0]
make_bd_pins_external [get_bd_pins xdma/axi_aclk] [get_bd_pins xdma/axi_aresetn] \
  [get_bd_pins xdma/usr_irq_req] [get_bd_pins xdma/usr_irq_ack]
create_bd_port -dir I -type clk core_clk
create_bd_port -dir I -type rst core_aresetn
connect_bd_net [get_bd_ports core_clk] [get_bd_pins sc_mem/aclk2] [get_bd_pins sc_regs/aclk1]
validate_bd_design
save_bd_design
make_wrapper -files [get_files aorta_u250_bd.bd] -top -import

# Constraints: the board's reference clocks and clock crossings (hand-written), the derived core
# clock (generated), pins from the U250 board files.
read_xdc $here/aorta_u250.xdc
read_xdc $gen/fpga_board/constraints/${card}_clock.xdc

aorta_vivado_implement aorta_u250_top $part aorta_u250
