# Platform Designer (Qsys) script of aorta_sv_sys, the Stratix V card's PCIe / DDR3 / link
# system around the SoC (its exported ports: fpga_board/ip/aorta_sv_sys.sv, the interface model
# the wrapper lints against). Run by build.tcl:
#   qsys-script --script=aorta_sv_sys.tcl --cmd="set out_dir <dir>; set part <device>; set core_mhz <MHz>"
# Component and parameter names are those of the Intel components' _hw.tcl in Quartus Prime
# Standard 16.1 as their user guides name them; NOT RUN and not validated (no Quartus here).
package require -exact qsys 16.1

create_system aorta_sv_sys
set_project_property DEVICE_FAMILY {Stratix V}
set_project_property DEVICE $part

# Clocks: the 100 MHz board oscillator (transceiver management, reset) and the core clock (the
# SoC side of every clock-crossing bridge).
add_instance clk_100 clock_source
set_instance_parameter_value clk_100 clockFrequency 100000000
add_instance core_clk clock_source
set_instance_parameter_value core_clk clockFrequency [expr {int($core_mhz * 1000000)}]

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

# Clock crossings between the core clock and the PCIe / DDR3 clocks.
add_instance mem_ccb altera_avalon_mm_clock_crossing_bridge
set_instance_parameter_value mem_ccb DATA_WIDTH 512
set_instance_parameter_value mem_ccb ADDRESS_WIDTH 64
set_instance_parameter_value mem_ccb MAX_BURST_SIZE 16
set_instance_parameter_value mem_ccb USE_AUTO_ADDRESS_WIDTH 0
add_instance msi_ccb altera_avalon_mm_clock_crossing_bridge
set_instance_parameter_value msi_ccb DATA_WIDTH 32
set_instance_parameter_value msi_ccb ADDRESS_WIDTH 64
add_instance regs_ccb altera_avalon_mm_clock_crossing_bridge
set_instance_parameter_value regs_ccb DATA_WIDTH 32
set_instance_parameter_value regs_ccb ADDRESS_WIDTH 12
add_instance mem_default altera_error_response_slave

# Clocks and resets.
add_connection clk_100.clk pcie.reconfig_xcvr_clk
add_connection clk_100.clk xcvr_reconfig.mgmt_clk_clk
add_connection core_clk.clk mem_ccb.s0_clk
add_connection core_clk.clk msi_ccb.s0_clk
add_connection core_clk.clk regs_ccb.m0_clk
add_connection pcie.coreclkout mem_ccb.m0_clk
add_connection pcie.coreclkout msi_ccb.m0_clk
add_connection pcie.coreclkout regs_ccb.s0_clk
add_connection pcie.coreclkout mem_default.clk

# Address map (core/device.h): DDR3 at [0, 8 GiB), the TX slave at [2^47, 2^48): the offset
# into the window is the IOVA; anything else answers DECODEERROR (the error response slave).
add_connection mem_ccb.m0 ddr3.avl
set_connection_parameter_value mem_ccb.m0/ddr3.avl baseAddress 0x0
add_connection mem_ccb.m0 pcie.Txs
set_connection_parameter_value mem_ccb.m0/pcie.Txs baseAddress 0x800000000000
add_connection mem_ccb.m0 mem_default.axi_error_if
set_connection_parameter_value mem_ccb.m0/mem_default.axi_error_if defaultConnection 1
add_connection msi_ccb.m0 pcie.Txs
set_connection_parameter_value msi_ccb.m0/pcie.Txs baseAddress 0x0
add_connection pcie.Rxm_BAR0 regs_ccb.s0
add_connection pcie.Rxm_BAR2 ddr3.avl

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
set_interface_property ddr3_pll_ref_clk EXPORT_OF ddr3.pll_ref_clk
set_interface_property ddr3_oct EXPORT_OF ddr3.oct
set_interface_property ddr3_mem EXPORT_OF ddr3.memory
set_interface_property ddr3_status EXPORT_OF ddr3.status
set_interface_property mem EXPORT_OF mem_ccb.s0
set_interface_property msi EXPORT_OF msi_ccb.s0
set_interface_property regs EXPORT_OF regs_ccb.m0
set_interface_property link_refclk EXPORT_OF link_refclk.in_clk
foreach l {link0 link1} {
  set_interface_property ${l} EXPORT_OF ${l}.user_interface
}

save_system $out_dir/aorta_sv_sys.qsys
