# AWS F1 custom logic, synthesis constraints of cl_aorta (staged into <CL dir>/build/constraints
# by build.tcl). The shell constrains clk_main_a0 (clock recipe A1, 250 MHz) and every shell
# port; the CL has one clock, so nothing crosses clocks in it. NOT RUN (docs/boards.md).

# The chip's reset synchronizer (aorta_chip) re-times the FLR-gated reset: its first flop's
# reset input is asynchronous to it by design.
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_chip/rst_sync_q_reg[*]/CLR}]
