# catapult6_stratixv: a Catapult-v1-style PCIe card of six Stratix V D5 FPGAs in a ring of
# 10 Gb/s links (fpga_board/boards/catapult6_stratixv.textproto). Every FPGA runs the same
# bitstream (single_stratixv: aorta_stratixv_top, both links as link ports 0 and 1); the ring is
# the card's wiring, which aorta_stratixv_ring describes (linted with six FPGAs).
# Top: aorta_stratixv_ring single_stratixv/aorta_stratixv_ring.sv Chips=6
# Chip top: aorta_stratixv_top single_stratixv/aorta_stratixv_top.sv
#   quartus_sh -t fpga_board/catapult6_stratixv/build.tcl <build dir> <pins.tcl>
# NOT RUN: no Quartus here and no such card (docs/boards.md).
source [file join [file dirname [info script]] ../single_stratixv/build.tcl]
