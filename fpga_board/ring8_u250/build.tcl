# ring8_u250: eight Alveo U250s in a ring of QSFP28 cables. Every card runs the same bitstream
# as single_u250 (aorta_u250_top: both QSFP28 cages are link ports 0 and 1); the ring is the
# cabling of fpga_board/boards/ring8_u250.textproto (port 1 of card i to port 0 of card i+1),
# which aorta_u250_ring describes (linted with eight cards).
# Top: aorta_u250_ring single_u250/aorta_u250_ring.sv Chips=8
# Chip top: aorta_u250_top single_u250/aorta_u250_top.sv
#   vivado -mode batch -source fpga_board/ring8_u250/build.tcl -tclargs <build dir>
# NOT RUN: no Vivado here and no U250 (docs/boards.md).
source [file join [file dirname [info script]] ../single_u250/build.tcl]
