# Vivado batch build of aorta on a ZedBoard (Zynq-7020; board single_zynq7020).
# Top: aorta_zynq7020_top single_zynq7020/aorta_zynq7020_top.sv
#
#   vivado -mode batch -source fpga_board/single_zynq7020/build.tcl -tclargs <build dir>
#
# <build dir> is the CMake build tree (its gen/ holds the derived config's package, the clock
# fragment and the generated ISA / register packages). Steps: 1. the core clock wizard at the
# derived clock; 2. the block design aorta_z7_bd (PS7 with the ZedBoard preset, HP0 and GP0,
# IRQ_F2P, two SmartConnects; ports: fpga_board/ip/aorta_z7_bd.sv); 3. the SoC, the wrapper RTL,
# the generated packages and the top; 4. constraints (aorta_zynq7020.xdc, the generated clock
# .xdc; the PS pins are fixed, the PL uses none); 5. synthesis, implementation, bitstream,
# reports and the hardware handoff (.xsa) for the Linux image. NOT RUN: Vivado is not installed
# on the machines this repository is developed on (docs/boards.md, "What has run").
set here [file normalize [file dirname [info script]]]
source $here/../vivado_common.tcl
set card zynq7020_zedboard
set part xc7z020clg484-1
aorta_vivado_setup $argv $card $part avnet.com:zedboard:part0:1.4

# 1. Core clock: FCLK_CLK0 (100 MHz) -> the derived clock.
aorta_vivado_core_clk 100.000

# 2. The block design.
create_bd_design aorta_z7_bd
create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7:5.5 ps7
apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 \
  -config {make_external "FIXED_IO, DDR" apply_board_preset "1"} [get_bd_cells ps7]
set_property -dict [list CONFIG.PCW_USE_S_AXI_HP0 1 CONFIG.PCW_S_AXI_HP0_DATA_WIDTH 64 \
  CONFIG.PCW_USE_M_AXI_GP0 1 CONFIG.PCW_USE_FABRIC_INTERRUPT 1 CONFIG.PCW_IRQ_F2P_INTR 1 \
  CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 100] [get_bd_cells ps7]
make_bd_pins_external [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins ps7/FCLK_RESET0_N] \
  [get_bd_pins ps7/IRQ_F2P]
create_bd_port -dir I -type clk -freq_hz [expr {int($aorta_core_clock_mhz * 1000000)}] core_clk
create_bd_port -dir I -type rst core_aresetn
create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 sc_mem
set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 1] [get_bd_cells sc_mem]
create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 sc_regs
set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 1 CONFIG.NUM_CLKS 2] [get_bd_cells sc_regs]
aorta_vivado_bus_ports
connect_bd_intf_net [get_bd_intf_ports S_AORTA_AXI] [get_bd_intf_pins sc_mem/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins sc_mem/M00_AXI] [get_bd_intf_pins ps7/S_AXI_HP0]
connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins sc_regs/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins sc_regs/M00_AXI] [get_bd_intf_ports M_AORTA_REGS]
connect_bd_net [get_bd_ports core_clk] [get_bd_pins sc_mem/aclk] [get_bd_pins sc_regs/aclk1] \
  [get_bd_pins ps7/S_AXI_HP0_ACLK]
connect_bd_net [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins sc_regs/aclk] \
  [get_bd_pins ps7/M_AXI_GP0_ACLK]
connect_bd_net [get_bd_ports core_aresetn] [get_bd_pins sc_mem/aresetn] \
  [get_bd_pins sc_regs/aresetn]
# The SoC reaches the PS DDR (the remap in the top turns its addresses into physical ones); the
# ARM reaches the registers at 0x4000_0000 (4 KiB, the device tree's aorta node).
assign_bd_address -offset 0x0 -range 512M [get_bd_addr_segs ps7/S_AXI_HP0/HP0_DDR_LOWOCM]
assign_bd_address -offset 0x40000000 -range 4K [get_bd_addr_segs M_AORTA_REGS/Reg]
validate_bd_design
save_bd_design
make_wrapper -files [get_files aorta_z7_bd.bd] -top -import

# 3. Sources.
aorta_vivado_sources $card $here/aorta_zynq7020_top.sv

# 4. Constraints.
read_xdc $here/aorta_zynq7020.xdc
read_xdc $gen/fpga_board/constraints/${card}_clock.xdc

# 5. Implementation and reports.
aorta_vivado_implement aorta_zynq7020_top $part aorta_zynq7020
write_hw_platform -fixed -include_bit -force $bld/aorta_zynq7020.xsa
