# Quartus Prime Standard batch build of aorta on a Stratix V 5SGSD5 card (board single_stratixv;
# catapult6_stratixv and ring8_stratixv load the same bitstream into every FPGA).
# Top: aorta_stratixv_top single_stratixv/aorta_stratixv_top.sv
#
#   quartus_sh -t fpga_board/single_stratixv/build.tcl <build dir> <pins.tcl>
#
# <build dir> is the CMake build tree (its gen/ holds the derived config's package, the clock
# fragment and the generated ISA / register packages). <pins.tcl> holds the card's pin
# assignments (set_location_assignment / IO_STANDARD for every top-level port): a Catapult v1
# card's pinout is not public, so none is in this repository and the script stops without one.
# Steps: 1. generate the Platform Designer system aorta_sv_sys (aorta_sv_sys.tcl: PCIe
# Avalon-MM DMA hard IP, DDR3 UniPHY, two SerialLite III cores, clock-crossing bridges) and the
# core PLL (Altera PLL at the derived clock); 2. a project with the SoC, the wrapper RTL, the
# generated packages and the IP (../quartus_common.tcl); 3. constraints (aorta_stratixv.sdc,
# the generated clock .sdc) and the pins; 4. the full compile (synthesis, fitter, assembler,
# timing analysis) with its reports. NOT RUN: Quartus is not installed on the machines this
# repository is developed on (docs/boards.md, "What has run").
set here [file normalize [file dirname [info script]]]
source $here/../quartus_common.tcl
set card stratixv_catapult
set part 5SGSD5H2F35C2
set out [aorta_quartus_setup $quartus(args) $card quartus_stratixv]

# 1. IP: the Platform Designer system and the core PLL.
exec qsys-script --script=$here/aorta_sv_sys.tcl \
  "--cmd=set out_dir $out; set part $part; set core_mhz $aorta_core_clock_mhz" \
  >@ stdout 2>@ stderr
exec qsys-generate $out/aorta_sv_sys.qsys --synthesis=VERILOG --part=$part \
  --output-directory=$out/aorta_sv_sys >@ stdout 2>@ stderr
exec ip-generate --project-directory=$out --output-directory=$out/aorta_core_pll \
  --file-set=QUARTUS_SYNTH --report-file=qip:$out/aorta_core_pll.qip \
  --component-name=altera_pll --output-name=aorta_core_pll \
  "--system-info=DEVICE_FAMILY=Stratix V" --system-info=DEVICE=$part \
  --component-parameter=gui_reference_clock_frequency=100.0 \
  --component-parameter=gui_number_of_clocks=1 \
  --component-parameter=gui_output_clock_frequency0=$aorta_core_clock_mhz \
  >@ stdout 2>@ stderr

# 2.-4.
cd $out
aorta_quartus_project aorta_stratixv "Stratix V" $part aorta_stratixv_top \
  $here/aorta_stratixv_top.sv $here/aorta_stratixv.sdc $card \
  [list QIP_FILE $out/aorta_sv_sys/synthesis/aorta_sv_sys.qip QIP_FILE $out/aorta_core_pll.qip]
aorta_quartus_compile
