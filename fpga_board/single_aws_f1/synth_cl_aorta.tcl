# The synthesis step of the AWS HDK flow for cl_aorta (staged into <CL dir>/build/scripts by
# build.tcl; the HDK's create_dcp_from_cl.tcl sources it with CL_DIR and the shell's paths set
# and the device part open). Builds aorta_f1_bd (ports: fpga_board/ip/aorta_f1_bd.sv), reads the
# CL sources in design/files.f order and synthesizes cl_aorta out of context for the shell.
# NOT RUN: the HDK and Vivado are not installed here (docs/boards.md).
set design $::env(CL_DIR)/design

# aorta_f1_bd: one SmartConnect, SoC + DMA_PCIS in, DDR4 A..D + PCIM out (clk_main_a0).
create_bd_design aorta_f1_bd
create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 sc
set_property -dict [list CONFIG.NUM_SI 2 CONFIG.NUM_MI 5 CONFIG.NUM_CLKS 1] [get_bd_cells sc]
create_bd_port -dir I -type clk -freq_hz 250000000 aclk
create_bd_port -dir I -type rst aresetn
connect_bd_net [get_bd_ports aclk] [get_bd_pins sc/aclk]
connect_bd_net [get_bd_ports aresetn] [get_bd_pins sc/aresetn]
proc aorta_axi_port {name mode dw idw burst} {
  create_bd_intf_port -mode $mode -vlnv xilinx.com:interface:aximm_rtl:1.0 $name
  set_property -dict [list CONFIG.PROTOCOL AXI4 CONFIG.ADDR_WIDTH 64 CONFIG.DATA_WIDTH $dw \
    CONFIG.ID_WIDTH $idw CONFIG.HAS_BURST $burst CONFIG.HAS_CACHE 0 CONFIG.HAS_PROT 0 \
    CONFIG.HAS_LOCK 0 CONFIG.HAS_QOS 0 CONFIG.HAS_REGION 0 CONFIG.FREQ_HZ 250000000] \
    [get_bd_intf_ports $name]
}
aorta_axi_port S_AORTA_AXI Slave 1024 2 1
set_property -dict [list CONFIG.HAS_CACHE 1 CONFIG.HAS_PROT 1] [get_bd_intf_ports S_AORTA_AXI]
aorta_axi_port S_DMA_PCIS Slave 512 6 0
for {set c 0} {$c < 4} {incr c} { aorta_axi_port M_DDR$c Master 512 16 1 }
aorta_axi_port M_PCIM Master 512 16 0
connect_bd_intf_net [get_bd_intf_ports S_AORTA_AXI] [get_bd_intf_pins sc/S00_AXI]
connect_bd_intf_net [get_bd_intf_ports S_DMA_PCIS] [get_bd_intf_pins sc/S01_AXI]
for {set c 0} {$c < 4} {incr c} {
  connect_bd_intf_net [get_bd_intf_pins sc/M0${c}_AXI] [get_bd_intf_ports M_DDR$c]
}
connect_bd_intf_net [get_bd_intf_pins sc/M04_AXI] [get_bd_intf_ports M_PCIM]
# Device address map (core/device.h): DDR4 A..D at 0, 16, 32, 48 GiB; the host window from
# 2^47 (the SoC only: DMA_PCIS reaches the DDR4).
for {set c 0} {$c < 4} {incr c} {
  assign_bd_address -offset [expr {$c * 0x400000000}] -range 16G \
    [get_bd_addr_segs M_DDR$c/Reg]
}
assign_bd_address -target_address_space [get_bd_addr_spaces S_AORTA_AXI] \
  -offset 0x0000800000000000 -range 128T [get_bd_addr_segs M_PCIM/Reg]
exclude_bd_addr_seg -target_address_space [get_bd_addr_spaces S_DMA_PCIS] \
  [get_bd_addr_segs M_PCIM/Reg]
validate_bd_design
save_bd_design
generate_target synthesis [get_files aorta_f1_bd.bd]
read_bd [get_files aorta_f1_bd.bd]

# The CL sources, packages first.
set list [open $design/files.f r]
foreach f [split [string trim [read $list]] "\n"] { read_verilog -sv $design/$f }
close $list
read_xdc $::env(CL_DIR)/build/constraints/cl_synth_user.xdc
synth_design -top cl_aorta -mode out_of_context -verilog_define SYNTHESIS=1 \
  -include_dirs $design  ;# aorta_board_macros.svh, staged by build.tcl
