# ZedBoard (Zynq-7020): timing constraints of aorta_zynq7020_top. FCLK_CLK0 is constrained by
# the PS7 IP; the derived core clock by build/gen/fpga_board/constraints/
# zynq7020_zedboard_clock.xdc (fpga_gen). The PS pins are fixed; the PL uses no pins.
# NOT RUN (docs/boards.md, "What has run").

# The core clock and FCLK_CLK0 meet only in the clock wizard (reset) and in SmartConnect
# sc_regs, which crosses them itself; the chip's reset synchronizer takes an asynchronous reset.
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_chip/rst_sync_q_reg[*]/CLR}]
