# Platform Designer (Qsys) script of aorta_sv_sys, the Stratix V card's PCIe / DDR3 / link
# system around the SoC (its exported ports: fpga_board/ip/aorta_sv_sys.sv, the interface model
# the wrapper lints against). Run by build.tcl:
#   qsys-script --script=aorta_sv_sys.tcl --cmd="set out_dir <dir>; set part <device>; set core_mhz <MHz>"
# Component and parameter names are those of the Intel components' _hw.tcl in Quartus Prime
# Standard 16.1 as their user guides name them; NOT RUN and not validated (no Quartus here).
package require -exact qsys 16.1

source [file join [file dirname [file normalize [info script]]] .. intel_sys_common.tcl]
aorta_sys_create aorta_sv_sys {Stratix V} $part $core_mhz

# PCIe: V-Series Avalon-MM DMA (256-bit, Gen3 x8; Intel 683514). BAR0 32-bit non-bursting
# (4 KiB, the register map), BAR2 64-bit prefetchable bursting (8 GiB, the DDR3); TX slave with
# 64-bit addressing; descriptor controller external (unused: the SoC masters host memory).
add_instance pcie altera_pcie_256_hip_avmm
set_instance_parameter_value pcie lane_mask_hwtcl {x8}
set_instance_parameter_value pcie gen123_lane_rate_mode_hwtcl {Gen3 (8.0 Gbps)}
set_instance_parameter_value pcie port_type_hwtcl {Native endpoint}
set_instance_parameter_value pcie vendor_id_hwtcl 4334          ;# 0x10ee (driver/uapi)
set_instance_parameter_value pcie device_id_hwtcl 41082         ;# 0xa07a
set_instance_parameter_value pcie bar0_type_hwtcl 2             ;# 32-bit non-prefetchable
set_instance_parameter_value pcie bar0_size_mask_hwtcl 12       ;# 4 KiB
set_instance_parameter_value pcie bar2_type_hwtcl 1             ;# 64-bit prefetchable
set_instance_parameter_value pcie bar2_size_mask_hwtcl 33       ;# 8 GiB
set_instance_parameter_value pcie internal_controller_hwtcl 0
set_instance_parameter_value pcie enable_txs_hwtcl 1
set_instance_parameter_value pcie txs_addr_width_hwtcl 47

# DDR3: UniPHY controller, one 64-bit DDR3-1333 SO-DIMM, two ranks, quarter rate.
add_instance ddr3 altera_mem_if_ddr3_emif
set_instance_parameter_value ddr3 MEM_DQ_WIDTH 64
set_instance_parameter_value ddr3 MEM_NUMBER_OF_RANKS 2
set_instance_parameter_value ddr3 MEM_CLK_FREQ 666.667
set_instance_parameter_value ddr3 RATE {Quarter}
set_instance_parameter_value ddr3 PLL_REF_CLK_FREQ 100.0

# Links: SerialLite III Streaming, duplex, one lane at 10.3125 Gb/s, standard clocking,
# continuous mode (Intel 683330); the transceivers' reconfiguration controller.
foreach l {link0 link1} {
  add_instance $l seriallite_iii_streaming
  set_instance_parameter_value $l DIRECTION {Duplex}
  set_instance_parameter_value $l LANES 1
  set_instance_parameter_value $l LANE_RATE 10312.5
  set_instance_parameter_value $l CLOCKING_MODE {Standard}
  set_instance_parameter_value $l STREAMING_MODE {Continuous}
}
add_instance link_refclk altera_clock_bridge
set_instance_parameter_value link_refclk EXPLICIT_CLOCK_RATE 644531250
foreach l {link0 link1} { add_connection link_refclk.out_clk ${l}.pll_ref_clk }
add_instance xcvr_reconfig alt_xcvr_reconfig
set_instance_parameter_value xcvr_reconfig number_of_reconfig_interfaces 12  ;# PCIe x8 + links

# The transceivers' management clock; the clock crossings to the PCIe clock.
add_connection clk_100.clk pcie.reconfig_xcvr_clk
add_connection clk_100.clk xcvr_reconfig.mgmt_clk_clk
aorta_sys_bridges 512 16 pcie.coreclkout

# Address map: DDR3 at [0, 8 GiB) (intel_sys_common.tcl).
aorta_sys_address_map {ddr3.avl 0x0} pcie.Txs pcie.Rxm_BAR0 pcie.Rxm_BAR2

# Exports (the model's ports are <name>_<signal>): the shared ones, then the DDR3's.
aorta_sys_exports
set_interface_property ddr3_pll_ref_clk EXPORT_OF ddr3.pll_ref_clk
set_interface_property ddr3_oct EXPORT_OF ddr3.oct
set_interface_property ddr3_mem EXPORT_OF ddr3.memory
set_interface_property ddr3_status EXPORT_OF ddr3.status

save_system $out_dir/aorta_sv_sys.qsys
