# Alveo U250: pin-free timing constraints of the aorta top (aorta_u250_top). The derived core
# clock is in build/gen/fpga_board/constraints/alveo_u250_clock.xdc (fpga_gen); package pins
# come from the U250 board files (board_part xilinx.com:au250), none are set here.

# Board reference clocks (DS962): PCIe 100 MHz, DDR4 300 MHz per channel, QSFP28 156.25 MHz.
create_clock -name pcie_refclk -period 10.000 [get_ports pcie_refclk_clk_p]
create_clock -name ddr4_refclk0 -period 3.333 [get_ports {ddr4_refclk_p[0]}]
create_clock -name ddr4_refclk1 -period 3.333 [get_ports {ddr4_refclk_p[1]}]
create_clock -name ddr4_refclk2 -period 3.333 [get_ports {ddr4_refclk_p[2]}]
create_clock -name ddr4_refclk3 -period 3.333 [get_ports {ddr4_refclk_p[3]}]
create_clock -name qsfp0_refclk -period 6.400 [get_ports {qsfp_refclk_p[0]}]
create_clock -name qsfp1_refclk -period 6.400 [get_ports {qsfp_refclk_p[1]}]

# PCIe reset: asynchronous.
set_false_path -from [get_ports pcie_perstn]

# Clock crossings in the top are the XPM FIFOs (their own constraints) and two-flop
# synchronizers of quasi-static levels (channel_up, the PCIe reset into the core clock).
set_false_path -to [get_cells -hierarchical -filter {NAME =~ *up_sync_q_reg[0]*}]
set_false_path -to [get_cells -hierarchical -filter {NAME =~ *core_rst_sync_q_reg[0]*}]
