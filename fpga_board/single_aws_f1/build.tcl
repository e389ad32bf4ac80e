# AWS EC2 F1 build of aorta (board single_aws_f1): stages the custom logic (CL) for the AWS
# HDK's flow. The HDK (github.com/aws/aws-fpga, hdk/) is not a Debian package and is not here:
# it is a documented black box; these are the steps of its "build a CL" flow (hdk/README.md,
# "Build the CL"), with the one this script does marked.
# Top: cl_aorta single_aws_f1/cl_aorta.sv
#
#   1. The HDK: `source aws-fpga/hdk_setup.sh` (sets HDK_DIR, HDK_SHELL_DIR; the shell
#      shell_v04261818 whose cl_ports.vh cl_aorta follows).
#   2. THIS SCRIPT: vivado -mode batch -source fpga_board/single_aws_f1/build.tcl \
#        -tclargs <build dir> <CL dir>
#      checks the derived clock against the clock recipe, and lays out <CL dir> as the HDK
#      expects: design/ (the SoC, the wrapper RTL, the generated packages, cl_aorta.sv),
#      build/scripts/synth_cl_aorta.tcl (the synthesis step the HDK calls: the aorta_f1_bd
#      SmartConnect design, then synth_design of cl_aorta), build/constraints/ (the CL's
#      cl_synth_user.xdc / cl_pnr_user.xdc).
#   3. cd <CL dir>/build/scripts; export CL_DIR=<CL dir>;
#      $HDK_DIR/common/shell_stable/build/scripts/aws_build_dcp_from_cl.sh \
#        -clock_recipe_a A1 -foreground
#      (encrypts the sources, synthesizes with synth_cl_aorta.tcl, links with the shell,
#      places and routes; writes build/checkpoints/to_aws/<time>.Developer_CL.tar).
#   4. aws s3 cp the tar; aws ec2 create-fpga-image --input-storage-location ... (the AFI).
#   5. On the F1 instance: sudo fpga-load-local-image -S 0 -I <agfi>; bind the aorta driver to
#      the AppPF (1d0f:f000, echo "1d0f f000" > /sys/bus/pci/drivers/aorta/new_id).
# NOT RUN: neither the HDK nor Vivado is installed here, and no F1 instance was used
# (docs/boards.md, "What has run").
if {[llength $argv] != 2} {
  error "usage: vivado -mode batch -source build.tcl -tclargs <build dir> <CL dir>"
}
set here [file normalize [file dirname [info script]]]
set src  [file normalize $here/../..]
set bld  [file normalize [lindex $argv 0]]
set cl   [file normalize [lindex $argv 1]]
set gen  $bld/gen
set card aws_f1
foreach f [list $gen/fpga_board/rtl/aorta_cfg_${card}_pkg.sv $gen/rtl/aorta_isa_pkg.sv \
             $gen/fpga_board/constraints/${card}_clock.tcl] {
  if {![file exists $f]} { error "missing $f (build the CMake target fpga_board_configs first)" }
}
source $gen/fpga_board/constraints/${card}_clock.tcl  ;# aorta_core_clock_mhz, aorta_dma_data_width

# The core runs on clk_main_a0: clock recipe A1 is 250 MHz, so the derived clock must be that.
if {$aorta_core_clock_mhz != 250} {
  error "the derived aws_f1 clock is $aorta_core_clock_mhz MHz; clk_main_a0 (recipe A1) is 250"
}
# The SmartConnect's S_AORTA_AXI (synth_cl_aorta.tcl) is 1024 bits wide: the SoC's DMA must be.
if {$aorta_dma_data_width != 1024} {
  error "the derived aws_f1 DMA is $aorta_dma_data_width bits; S_AORTA_AXI is 1024"
}

file mkdir $cl/design $cl/build/scripts $cl/build/constraints
# Packages first (the HDK's synthesis reads design/ in this order: a file list).
set files [list $gen/rtl/aorta_isa_pkg.sv $gen/rtl/aorta_regs_pkg.sv \
             $gen/fpga_board/rtl/aorta_cfg_${card}_pkg.sv]
set files [concat $files [lsort [glob $src/rtl/*.sv]] [lsort [glob $src/fpga_board/rtl/*.sv]]]
lappend files $here/cl_aorta.sv
set list [open $cl/design/files.f w]
foreach f $files {
  file copy -force $f $cl/design/
  puts $list [file tail $f]
}
close $list
# The include the wrapper RTL reads (not in the file list: it is not compiled on its own).
file copy -force $src/fpga_board/rtl/aorta_board_macros.svh $cl/design/
file copy -force $here/synth_cl_aorta.tcl $cl/build/scripts/
file copy -force $here/cl_synth_user.xdc $cl/build/constraints/
file copy -force $here/cl_pnr_user.xdc $cl/build/constraints/
puts "CL staged in $cl: run the HDK's aws_build_dcp_from_cl.sh -clock_recipe_a A1 there"
