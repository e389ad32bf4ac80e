# Platform Designer script of aorta_a10_sys, the Arria 10 card's PCIe / DDR3 / link system
# around the SoC (its exported ports: fpga_board/ip/aorta_a10_sys.sv, the interface model the
# wrapper lints against). Run by build.tcl:
#   qsys-script --script=aorta_a10_sys.tcl --cmd="set out_dir <dir>; set part <device>; set core_mhz <MHz>"
# Component and parameter names are those of the Intel components' _hw.tcl (Quartus Prime Pro)
# as their user guides name them; NOT RUN and not validated (no Quartus here).
package require -exact qsys 18.0

create_system aorta_a10_sys
set_project_property DEVICE_FAMILY {Arria 10}
set_project_property DEVICE $part

# Clocks: the 100 MHz board oscillator and the core clock (the SoC side of every bridge).
add_instance clk_100 clock_source
set_instance_parameter_value clk_100 clockFrequency 100000000
add_instance core_clk clock_source
set_instance_parameter_value core_clk clockFrequency [expr {int($core_mhz * 1000000)}]

# PCIe: Arria 10 hard IP, Avalon-MM DMA interface, 256-bit, Gen3 x8 (Intel 683425). BAR0 32-bit
# non-bursting (4 KiB, the register map), BAR2 64-bit prefetchable bursting (8 GiB, the DDR3);
# TX slave; descriptor controller external (unused: the SoC masters host memory).
add_instance pcie altera_pcie_a10_hip
set_instance_parameter_value pcie interface_type_hwtcl {Avalon-MM with DMA}
set_instance_parameter_value pcie wrala_hwtcl {Gen3x8, Interface: 256-bit, 250 MHz}
set_instance_parameter_value pcie port_type_hwtcl {Native endpoint}
set_instance_parameter_value pcie pf0_vendor_id_hwtcl 4334      ;# 0x10ee (driver/uapi)
set_instance_parameter_value pcie pf0_device_id_hwtcl 41082     ;# 0xa07a
set_instance_parameter_value pcie bar0_type_hwtcl 2             ;# 32-bit non-prefetchable
set_instance_parameter_value pcie bar0_address_width_hwtcl 12   ;# 4 KiB
set_instance_parameter_value pcie bar2_type_hwtcl 1             ;# 64-bit prefetchable
set_instance_parameter_value pcie bar2_address_width_hwtcl 33   ;# 8 GiB
set_instance_parameter_value pcie internal_controller_hwtcl 0
set_instance_parameter_value pcie enable_txs_hwtcl 1
set_instance_parameter_value pcie txs_addr_width_hwtcl 47

# DDR3: two EMIF banks, 64-bit DDR3-1866, quarter rate (Intel 683106).
foreach b {ddr3a ddr3b} {
  add_instance $b altera_emif
  set_instance_parameter_value $b PROTOCOL_ENUM {PROTOCOL_DDR3}
  set_instance_parameter_value $b MEM_DDR3_DQ_WIDTH 64
  set_instance_parameter_value $b PHY_DDR3_MEM_CLK_FREQ_MHZ 933.333
  set_instance_parameter_value $b PHY_DDR3_RATE_ENUM {RATE_QUARTER}
  set_instance_parameter_value $b PHY_DDR3_DEFAULT_REF_CLK_FREQ false
  set_instance_parameter_value $b PHY_DDR3_USER_REF_CLK_FREQ_MHZ 133.333
}

# Links: SerialLite III Streaming x4 at 10.3125 Gb/s on the QSFP+ cages, each with its ATX PLL.
add_instance link_refclk altera_clock_bridge
set_instance_parameter_value link_refclk EXPLICIT_CLOCK_RATE 644531250
foreach l {link0 link1} {
  add_instance $l seriallite_iii_streaming
  set_instance_parameter_value $l DIRECTION {Duplex}
  set_instance_parameter_value $l LANES 4
  set_instance_parameter_value $l LANE_RATE 10312.5
  set_instance_parameter_value $l CLOCKING_MODE {Standard}
  set_instance_parameter_value $l STREAMING_MODE {Continuous}
  add_instance ${l}_atx altera_xcvr_atx_pll_a10
  set_instance_parameter_value ${l}_atx set_output_clock_frequency 5156.25
  set_instance_parameter_value ${l}_atx set_auto_reference_clock_frequency 644.53125
  add_connection link_refclk.out_clk ${l}_atx.pll_refclk0
  add_connection link_refclk.out_clk ${l}.xcvr_pll_ref_clk
  add_connection ${l}_atx.tx_serial_clk ${l}.tx_serial_clk
  add_connection ${l}_atx.pll_locked ${l}.tx_pll_locked
  add_connection clk_100.clk ${l}.phy_mgmt_clk
}

# Clock crossings between the core clock and the PCIe / EMIF clocks.
add_instance mem_ccb altera_avalon_mm_clock_crossing_bridge
set_instance_parameter_value mem_ccb DATA_WIDTH 1024
set_instance_parameter_value mem_ccb ADDRESS_WIDTH 64
set_instance_parameter_value mem_ccb MAX_BURST_SIZE 8
set_instance_parameter_value mem_ccb USE_AUTO_ADDRESS_WIDTH 0
add_instance msi_ccb altera_avalon_mm_clock_crossing_bridge
set_instance_parameter_value msi_ccb DATA_WIDTH 32
set_instance_parameter_value msi_ccb ADDRESS_WIDTH 64
add_instance regs_ccb altera_avalon_mm_clock_crossing_bridge
set_instance_parameter_value regs_ccb DATA_WIDTH 32
set_instance_parameter_value regs_ccb ADDRESS_WIDTH 12
add_instance mem_default altera_error_response_slave

add_connection core_clk.clk mem_ccb.s0_clk
add_connection core_clk.clk msi_ccb.s0_clk
add_connection core_clk.clk regs_ccb.m0_clk
add_connection pcie.coreclkout_hip mem_ccb.m0_clk
add_connection pcie.coreclkout_hip msi_ccb.m0_clk
add_connection pcie.coreclkout_hip regs_ccb.s0_clk
add_connection pcie.coreclkout_hip mem_default.clk

# Address map (core/device.h): DDR3 bank a [0, 4 GiB), bank b [4 GiB, 8 GiB), the TX slave at
# [2^47, 2^48) (offset = IOVA); anything else answers DECODEERROR.
add_connection mem_ccb.m0 ddr3a.ctrl_amm_0
set_connection_parameter_value mem_ccb.m0/ddr3a.ctrl_amm_0 baseAddress 0x0
add_connection mem_ccb.m0 ddr3b.ctrl_amm_0
set_connection_parameter_value mem_ccb.m0/ddr3b.ctrl_amm_0 baseAddress 0x100000000
add_connection mem_ccb.m0 pcie.txs
set_connection_parameter_value mem_ccb.m0/pcie.txs baseAddress 0x800000000000
add_connection mem_ccb.m0 mem_default.axi_error_if
set_connection_parameter_value mem_ccb.m0/mem_default.axi_error_if defaultConnection 1
add_connection msi_ccb.m0 pcie.txs
add_connection pcie.rxm_bar0 regs_ccb.s0
add_connection pcie.rxm_bar2 ddr3a.ctrl_amm_0
set_connection_parameter_value pcie.rxm_bar2/ddr3a.ctrl_amm_0 baseAddress 0x0
add_connection pcie.rxm_bar2 ddr3b.ctrl_amm_0
set_connection_parameter_value pcie.rxm_bar2/ddr3b.ctrl_amm_0 baseAddress 0x100000000

# Exports (the model's ports are <name>_<signal>).
set_interface_property clk_100 EXPORT_OF clk_100.clk_in
set_interface_property reset EXPORT_OF clk_100.clk_in_reset
set_interface_property core_clk EXPORT_OF core_clk.clk_in
set_interface_property core_reset EXPORT_OF core_clk.clk_in_reset
set_interface_property pcie_refclk EXPORT_OF pcie.refclk
set_interface_property pcie_npor EXPORT_OF pcie.npor
set_interface_property pcie_serial EXPORT_OF pcie.hip_serial
set_interface_property pcie_nreset_status EXPORT_OF pcie.nreset_status
set_interface_property pcie_msi EXPORT_OF pcie.msi_intfc
foreach b {ddr3a ddr3b} {
  set_interface_property ${b}_pll_ref_clk EXPORT_OF ${b}.pll_ref_clk
  set_interface_property ${b}_oct EXPORT_OF ${b}.oct
  set_interface_property ${b}_mem EXPORT_OF ${b}.mem
  set_interface_property ${b}_status EXPORT_OF ${b}.status
}
set_interface_property mem EXPORT_OF mem_ccb.s0
set_interface_property msi EXPORT_OF msi_ccb.s0
set_interface_property regs EXPORT_OF regs_ccb.m0
set_interface_property link_refclk EXPORT_OF link_refclk.in_clk
foreach l {link0 link1} {
  set_interface_property ${l} EXPORT_OF ${l}.user_interface
}

save_system $out_dir/aorta_a10_sys.qsys
