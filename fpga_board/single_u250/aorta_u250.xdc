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

# Clock crossings written in the wrapper (fpga_board/rtl/): two-flop synchronizers of levels
# that change rarely (reset releases, channel_up) take an asynchronous first input.
set_false_path -to [get_cells -hierarchical -filter {NAME =~ *rst_sync_q_reg[0]*}]
set_false_path -to [get_cells -hierarchical -filter {NAME =~ *up_sync_q_reg[0]*}]
# aorta_async_fifo (core clock <-> Aurora user clock): the Gray pointers into the other clock's
# first synchronizer flop and the storage read in the other clock, bounded to the faster
# clock's period without the clock skew (-datapath_only), so a pointer never runs ahead of the
# data it announces (Aurora user clock 25.78125 Gb/s / 66: 390.6 MHz, 2.56 ns).
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *_cdc/wgray_q_reg*}] \
  -to [get_cells -hierarchical -filter {NAME =~ *_cdc/wgray_sync1_q_reg*}] 2.560
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *_cdc/rgray_q_reg*}] \
  -to [get_cells -hierarchical -filter {NAME =~ *_cdc/rgray_sync1_q_reg*}] 2.560
set_max_delay -datapath_only -from [get_cells -hierarchical -filter {NAME =~ *_cdc/mem_q_reg*}] 2.560
