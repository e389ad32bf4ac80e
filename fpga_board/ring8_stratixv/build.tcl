# ring8_stratixv: eight Stratix V D5 FPGAs in a ring of 10 Gb/s links
# (fpga_board/boards/ring8_stratixv.textproto). Every FPGA runs the same bitstream
# (single_stratixv: aorta_stratixv_top); the ring is the boards' cabling, which
# aorta_stratixv_ring describes (linted with eight FPGAs).
# Top: aorta_stratixv_ring single_stratixv/aorta_stratixv_ring.sv Chips=8
# Chip top: aorta_stratixv_top single_stratixv/aorta_stratixv_top.sv
#   quartus_sh -t fpga_board/ring8_stratixv/build.tcl <build dir> <pins.tcl>
# NOT RUN: no Quartus here and no such boards (docs/boards.md).
source [file join [file dirname [info script]] ../single_stratixv/build.tcl]
