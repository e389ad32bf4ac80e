# Shared steps of the Intel board builds (single_stratixv/build.tcl, single_arria10/build.tcl):
# arguments, the derived config's files, the Quartus project with the SoC and wrapper sources,
# constraints, pins, the compile. Sourced by a build script after it sets `card`, `part`,
# `family`, `top` and `here` (its own directory). NOT RUN: Quartus is not installed on the
# machines this repository is developed on (docs/boards.md, "What has run").
package require ::quartus::project
package require ::quartus::flow

# The repository (this file is fpga_board/quartus_common.tcl); read while it is being sourced.
set src [file normalize [file join [file dirname [info script]] ..]]

# The build directory, the pin file, the generated files; sources the derived clock
# (aorta_core_clock_mhz) and returns the output directory.
proc aorta_quartus_setup {argv card out_name} {
  global src bld pins gen aorta_core_clock_mhz
  if {[llength $argv] != 2} {
    error "usage: quartus_sh -t build.tcl <build dir> <pins.tcl> (the card's pin assignments)"
  }
  set bld  [file normalize [lindex $argv 0]]
  set pins [file normalize [lindex $argv 1]]
  set gen  $bld/gen
  foreach f [list $gen/fpga_board/rtl/aorta_cfg_${card}_pkg.sv $gen/rtl/aorta_isa_pkg.sv \
               $gen/fpga_board/constraints/${card}_clock.tcl $pins] {
    if {![file exists $f]} {
      error "missing $f (build the CMake target fpga_board_configs first; pins: the card's)"
    }
  }
  source $gen/fpga_board/constraints/${card}_clock.tcl
  set out $bld/$out_name
  file mkdir $out
  return $out
}

# The project: generated packages, rtl/, fpga_board/rtl/, the top; the IP files the build
# script generated (`ip_assignments`: {assignment-name file} pairs); constraints; pins.
proc aorta_quartus_project {name family part top top_file sdc card ip_assignments} {
  global src pins gen
  project_new $name -overwrite
  set_global_assignment -name FAMILY $family
  set_global_assignment -name DEVICE $part
  set_global_assignment -name TOP_LEVEL_ENTITY $top
  set_global_assignment -name SYSTEMVERILOG_FILE $gen/rtl/aorta_isa_pkg.sv
  set_global_assignment -name SYSTEMVERILOG_FILE $gen/rtl/aorta_regs_pkg.sv
  set_global_assignment -name SYSTEMVERILOG_FILE $gen/fpga_board/rtl/aorta_cfg_${card}_pkg.sv
  foreach f [concat [lsort [glob $src/rtl/*.sv]] [lsort [glob $src/fpga_board/rtl/*.sv]]] {
    set_global_assignment -name SYSTEMVERILOG_FILE $f
  }
  set_global_assignment -name SYSTEMVERILOG_FILE $top_file
  set_global_assignment -name SEARCH_PATH $src/fpga_board/rtl  ;# aorta_board_macros.svh
  foreach {kind f} $ip_assignments { set_global_assignment -name $kind $f }
  # The RTL's assertions are for simulation and lint.
  set_global_assignment -name VERILOG_MACRO "SYNTHESIS=1"
  set_global_assignment -name SDC_FILE $sdc
  set_global_assignment -name SDC_FILE $gen/fpga_board/constraints/${card}_clock.sdc
  source $pins
}

# Compile (synthesis, fitter, assembler, timing analysis); the reports land in output_files/.
proc aorta_quartus_compile {} {
  execute_flow -compile
  project_close
}
