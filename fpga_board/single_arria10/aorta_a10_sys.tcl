# Platform Designer script of aorta_a10_sys, the Arria 10 card's PCIe / DDR3 / link system
# around the SoC (its exported ports: fpga_board/ip/aorta_a10_sys.sv, the interface model the
# wrapper lints against). Run by build.tcl:
#   qsys-script --script=aorta_a10_sys.tcl --cmd="set out_dir <dir>; set part <device>; set core_mhz <MHz>"
# Component and parameter names are those of the Intel components' _hw.tcl (Quartus Prime Pro)
# as their user guides name them; NOT RUN and not validated (no Quartus here).
package require -exact qsys 18.0

source [file join [file dirname [file normalize [info script]]] .. intel_sys_common.tcl]
aorta_sys_create aorta_a10_sys {Arria 10} $part $core_mhz

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

# The clock crossings to the PCIe clock.
aorta_sys_bridges 1024 8 pcie.coreclkout_hip

# Address map: DDR3 bank a [0, 4 GiB), bank b [4 GiB, 8 GiB) (intel_sys_common.tcl).
aorta_sys_address_map {ddr3a.ctrl_amm_0 0x0 ddr3b.ctrl_amm_0 0x100000000} pcie.txs \
  pcie.rxm_bar0 pcie.rxm_bar2

# Exports (the model's ports are <name>_<signal>): the shared ones, then the banks'.
aorta_sys_exports
foreach b {ddr3a ddr3b} {
  set_interface_property ${b}_pll_ref_clk EXPORT_OF ${b}.pll_ref_clk
  set_interface_property ${b}_oct EXPORT_OF ${b}.oct
  set_interface_property ${b}_mem EXPORT_OF ${b}.mem
  set_interface_property ${b}_status EXPORT_OF ${b}.status
}

save_system $out_dir/aorta_a10_sys.qsys
