# Arria 10 card: pin-free timing constraints of aorta_arria10_top. The derived core clock is
# checked by build/gen/fpga_board/constraints/arria10_card_clock.sdc (fpga_gen; it also runs
# derive_pll_clocks, which names the IOPLL and transceiver clocks); the Platform Designer
# system's IP (PCIe hard IP, EMIF, SerialLite III) bring their own .sdc.
# NOT RUN: Quartus is not installed here (docs/boards.md, "What has run").

# Board reference clocks.
create_clock -name clk_100     -period 10.000 [get_ports clk_100]
create_clock -name pcie_refclk -period 10.000 [get_ports pcie_refclk]
create_clock -name ddr3a_refclk -period 7.500 [get_ports {ddr3_refclk[0]}]  ;# 133.33 MHz
create_clock -name ddr3b_refclk -period 7.500 [get_ports {ddr3_refclk[1]}]
create_clock -name qsfp_refclk -period  1.552 [get_ports qsfp_refclk]  ;# 644.53125 MHz

# Asynchronous inputs: the board reset and PCIe PERST#.
set_false_path -from [get_ports {sys_resetn pcie_perstn}]

# Clock crossings written in the wrapper (fpga_board/rtl/). Two-flop synchronizers of levels
# that change rarely (reset releases, link up, MsiIntfc_o): the first flop's input is
# asynchronous.
set_false_path -to [get_registers {*rst_sync_q[0]* *up_sync_q[0]* *msi_sync1_q[*]}]
# aorta_async_fifo: the Gray pointers into the other clock's first synchronizer flop and the
# storage read in the other clock are bounded to one core period (4 ns is shorter than any of
# the clocks they join: core 175 MHz, SerialLite III user clocks ~156 MHz), so a pointer never
# runs ahead of the data it announces.
set_max_delay -from [get_registers {*_cdc|wgray_q[*]}] -to [get_registers {*_cdc|wgray_sync1_q[*]}] 4.000
set_max_delay -from [get_registers {*_cdc|rgray_q[*]}] -to [get_registers {*_cdc|rgray_sync1_q[*]}] 4.000
set_max_delay -from [get_registers {*_cdc|mem_q*}] 4.000
set_min_delay -from [get_registers {*_cdc|wgray_q[*] *_cdc|rgray_q[*] *_cdc|mem_q*}] -4.000
