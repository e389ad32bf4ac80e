# Shared steps of the Vivado board builds (single_u250/build.tcl, single_zynq7020/build.tcl):
# arguments and the derived config's files, the core clock wizard, the block design's two ports
# to the chip, the sources, implementation and reports. Sourced by a build script, which then
# calls the procs in order. NOT RUN: Vivado is not installed on the machines this repository is
# developed on (docs/boards.md, "What has run").

# The repository (this file is fpga_board/vivado_common.tcl); read while it is being sourced.
set src [file normalize [file join [file dirname [info script]] ..]]

# The build directory (the one argument) and the generated files; sources the derived card's
# <card>_clock.tcl (aorta_core_clock_mhz, aorta_dma_data_width) and opens an in-memory project.
proc aorta_vivado_setup {argv card part board_part} {
  global bld gen aorta_core_clock_mhz aorta_dma_data_width
  if {[llength $argv] != 1} {
    error "usage: vivado -mode batch -source build.tcl -tclargs <build dir>"
  }
  set bld [file normalize [lindex $argv 0]]
  set gen $bld/gen
  foreach f [list $gen/fpga_board/rtl/aorta_cfg_${card}_pkg.sv $gen/rtl/aorta_isa_pkg.sv \
               $gen/fpga_board/constraints/${card}_clock.tcl] {
    if {![file exists $f]} { error "missing $f (build the CMake target fpga_board_configs first)" }
  }
  source $gen/fpga_board/constraints/${card}_clock.tcl
  create_project -in_memory -part $part
  set_property board_part $board_part [current_project]
}

# The core clock: Clocking Wizard 6.0 (component aorta_core_clk_wiz, ports as
# fpga_board/ip/aorta_core_clk_wiz.sv) from an input of in_mhz to the derived clock.
proc aorta_vivado_core_clk {in_mhz} {
  global aorta_core_clock_mhz
  create_ip -name clk_wiz -vendor xilinx.com -library ip -version 6.0 \
    -module_name aorta_core_clk_wiz
  set_property -dict [list CONFIG.PRIM_IN_FREQ $in_mhz \
    CONFIG.CLKOUT1_REQUESTED_OUT_FREQ $aorta_core_clock_mhz CONFIG.USE_RESET true] \
    [get_ips aorta_core_clk_wiz]
}

# The open block design's ports to the chip: S_AORTA_AXI (AXI4 slave for the SoC's DMA master:
# the derived DMA width, 2-bit IDs, 64-bit addresses) and M_AORTA_REGS (AXI4-lite master to the
# SoC's registers, 12-bit addresses); the top connects its aorta_axi_if / aorta_axil_if to them.
proc aorta_vivado_bus_ports {} {
  global aorta_dma_data_width
  create_bd_intf_port -mode Slave -vlnv xilinx.com:interface:aximm_rtl:1.0 S_AORTA_AXI
  set_property -dict [list CONFIG.PROTOCOL AXI4 CONFIG.ADDR_WIDTH 64 CONFIG.ID_WIDTH 2 \
    CONFIG.DATA_WIDTH $aorta_dma_data_width] [get_bd_intf_ports S_AORTA_AXI]
  create_bd_intf_port -mode Master -vlnv xilinx.com:interface:aximm_rtl:1.0 M_AORTA_REGS
  set_property -dict [list CONFIG.PROTOCOL AXI4LITE CONFIG.ADDR_WIDTH 12 CONFIG.DATA_WIDTH 32] \
    [get_bd_intf_ports M_AORTA_REGS]
}

# The generated packages, the SoC (rtl/), the wrapper RTL (fpga_board/rtl/), the top.
proc aorta_vivado_sources {card top_file} {
  global src gen
  read_verilog -sv [list $gen/rtl/aorta_isa_pkg.sv $gen/rtl/aorta_regs_pkg.sv \
    $gen/fpga_board/rtl/aorta_cfg_${card}_pkg.sv]
  read_verilog -sv [lsort [glob $src/rtl/*.sv]]
  read_verilog -sv [lsort [glob $src/fpga_board/rtl/*.sv]]
  read_verilog -sv $top_file
}

# Synthesis (with the include path of aorta_board_macros.svh), implementation, the utilization
# and timing reports and the bitstream, as $bld/<name>.*.
proc aorta_vivado_implement {top part name} {
  global src bld
  synth_design -top $top -part $part -verilog_define SYNTHESIS=1 \
    -include_dirs $src/fpga_board/rtl
  opt_design
  place_design
  route_design
  report_utilization -file $bld/${name}_utilization.rpt
  report_timing_summary -file $bld/${name}_timing.rpt
  write_bitstream -force $bld/${name}.bit
}
