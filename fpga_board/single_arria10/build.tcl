# Quartus Prime Pro batch build of aorta on an Arria 10 GX 1150 card (board single_arria10).
# Top: aorta_arria10_top single_arria10/aorta_arria10_top.sv
#
#   quartus_sh -t fpga_board/single_arria10/build.tcl <build dir> <pins.tcl>
#
# <build dir> is the CMake build tree (its gen/ holds the derived config's package, the clock
# fragment and the generated ISA / register packages). <pins.tcl> holds the card's pin
# assignments (set_location_assignment / IO_STANDARD for every top-level port): the card
# vendor's pin table; none is in this repository and the script stops without one.
# Steps: 1. generate the Platform Designer system aorta_a10_sys (aorta_a10_sys.tcl: PCIe
# Avalon-MM DMA hard IP, two DDR3 EMIF banks, two SerialLite III x4 cores, clock-crossing
# bridges) and the core PLL (IOPLL at the derived clock); 2. a project with the SoC, the
# wrapper RTL, the generated packages and the IP (../quartus_common.tcl); 3. constraints
# (aorta_arria10.sdc, the generated clock .sdc) and the pins; 4. the full compile with its
# reports. NOT RUN: Quartus is not installed on the machines this repository is developed on
# (docs/boards.md, "What has run").
set here [file normalize [file dirname [info script]]]
source $here/../quartus_common.tcl
set card arria10_card
set part 10AX115N2F45E2
set out [aorta_quartus_setup $quartus(args) $card quartus_arria10]

# 1. IP: the Platform Designer system and the core PLL.
exec qsys-script --script=$here/aorta_a10_sys.tcl --quartus-project=none \
  "--cmd=set out_dir $out; set part $part; set core_mhz $aorta_core_clock_mhz" \
  >@ stdout 2>@ stderr
exec qsys-generate $out/aorta_a10_sys.qsys --synthesis=VERILOG --part=$part \
  --output-directory=$out/aorta_a10_sys >@ stdout 2>@ stderr
exec ip-deploy --component-name=altera_iopll --output-name=aorta_core_pll \
  "--family=Arria 10" --part=$part --output-directory=$out \
  --component-parameter=gui_reference_clock_frequency=100.0 \
  --component-parameter=gui_number_of_clocks=1 \
  --component-parameter=gui_output_clock_frequency0=$aorta_core_clock_mhz \
  >@ stdout 2>@ stderr
exec qsys-generate $out/aorta_core_pll.ip --synthesis=VERILOG --part=$part >@ stdout 2>@ stderr

# 2.-4.
cd $out
aorta_quartus_project aorta_arria10 "Arria 10" $part aorta_arria10_top \
  $here/aorta_arria10_top.sv $here/aorta_arria10.sdc $card \
  [list QSYS_FILE $out/aorta_a10_sys.qsys IP_FILE $out/aorta_core_pll.ip]
aorta_quartus_compile
