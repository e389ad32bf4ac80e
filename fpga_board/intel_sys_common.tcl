# Shared parts of the Intel cards' Platform Designer scripts (single_stratixv/aorta_sv_sys.tcl,
# single_arria10/aorta_a10_sys.tcl): the system and its two clocks, the clock-crossing bridges
# between the core clock and the PCIe clock with the error response slave, the address map, and
# the exports both systems have (their ports: the models fpga_board/ip/aorta_{sv,a10}_sys.sv,
# connected by fpga_board/rtl/aorta_intel_fpga.sv). Sourced by a system script inside
# qsys-script. NOT RUN and not validated: Quartus is not installed on the machines this
# repository is developed on (docs/boards.md, "What has run").

# The system `name` for `family` / `part`; the 100 MHz board oscillator (transceiver
# management, reset) and the core clock at `core_mhz` (the SoC side of every bridge).
proc aorta_sys_create {name family part core_mhz} {
  create_system $name
  set_project_property DEVICE_FAMILY $family
  set_project_property DEVICE $part
  add_instance clk_100 clock_source
  set_instance_parameter_value clk_100 clockFrequency 100000000
  add_instance core_clk clock_source
  set_instance_parameter_value core_clk clockFrequency [expr {int($core_mhz * 1000000)}]
}

# The clock crossings between the core clock and the PCIe clock `pcie_clk` (the hard IP's
# application clock; the DDR controllers' own crossings are Platform Designer's): mem (the SoC's
# DMA, `mem_width` bits, bursts of up to `max_burst`), msi (32 bit, to the TX slave), regs (BAR0
# -> the SoC's registers, 12-bit address), and mem's default slave, the error response slave.
proc aorta_sys_bridges {mem_width max_burst pcie_clk} {
  add_instance mem_ccb altera_avalon_mm_clock_crossing_bridge
  set_instance_parameter_value mem_ccb DATA_WIDTH $mem_width
  set_instance_parameter_value mem_ccb ADDRESS_WIDTH 64
  set_instance_parameter_value mem_ccb MAX_BURST_SIZE $max_burst
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
  foreach c {mem_ccb.m0_clk msi_ccb.m0_clk regs_ccb.s0_clk mem_default.clk} {
    add_connection $pcie_clk $c
  }
}

# Address map (core/device.h): the DDR slaves `ddr` (a list of slave, base address pairs: the
# board DRAM from 0) for both the SoC's mem bridge and the host's BAR2 master `bar2`; the TX
# slave `txs` at [2^47, 2^48) of mem (the offset into the window is the IOVA) and at 0 of msi;
# anything else on mem answers DECODEERROR (the error response slave: the SoC's DMA_FAULT);
# BAR0 master `bar0` -> regs.
proc aorta_sys_address_map {ddr txs bar0 bar2} {
  foreach {slave base} $ddr {
    add_connection mem_ccb.m0 $slave
    set_connection_parameter_value mem_ccb.m0/$slave baseAddress $base
    add_connection $bar2 $slave
    set_connection_parameter_value $bar2/$slave baseAddress $base
  }
  add_connection mem_ccb.m0 $txs
  set_connection_parameter_value mem_ccb.m0/$txs baseAddress 0x800000000000
  add_connection mem_ccb.m0 mem_default.axi_error_if
  set_connection_parameter_value mem_ccb.m0/mem_default.axi_error_if defaultConnection 1
  add_connection msi_ccb.m0 $txs
  set_connection_parameter_value msi_ccb.m0/$txs baseAddress 0x0
  add_connection $bar0 regs_ccb.s0
}

# The exports both systems have (the model's ports are <name>_<signal>): clocks and resets,
# the PCIe hard IP's pins, reset status and MSI interface, the three bridges' SoC sides, the
# links' reference clock and user interfaces. The DDR exports are the family script's.
proc aorta_sys_exports {} {
  set_interface_property clk_100 EXPORT_OF clk_100.clk_in
  set_interface_property reset EXPORT_OF clk_100.clk_in_reset
  set_interface_property core_clk EXPORT_OF core_clk.clk_in
  set_interface_property core_reset EXPORT_OF core_clk.clk_in_reset
  set_interface_property pcie_refclk EXPORT_OF pcie.refclk
  set_interface_property pcie_npor EXPORT_OF pcie.npor
  set_interface_property pcie_serial EXPORT_OF pcie.hip_serial
  set_interface_property pcie_nreset_status EXPORT_OF pcie.nreset_status
  set_interface_property pcie_msi EXPORT_OF pcie.msi_intfc
  set_interface_property mem EXPORT_OF mem_ccb.s0
  set_interface_property msi EXPORT_OF msi_ccb.s0
  set_interface_property regs EXPORT_OF regs_ccb.m0
  set_interface_property link_refclk EXPORT_OF link_refclk.in_clk
  foreach l {link0 link1} {
    set_interface_property ${l} EXPORT_OF ${l}.user_interface
  }
}
