// aorta_board_macros.svh: what the board wrappers share and cannot put in a module — a chip
// top's parameters (from its card's generated package) and the connection of a bus interface
// (aorta_axi_if, aorta_axil_if, aorta_avmm_if) to a flat port list. docs/boards.md, "The bus
// interfaces".
//
// ---- A chip top's parameters -----------------------------------------------------------------
// A package name is not a value, so no function can take it: these spell out a card's
// parameters from its package name.
//   `AORTA_GEOMETRY_PARAMS(PKG)  the six array / memory parameters of a chip top (N, UbRows,
//                                WbRows, AccRows, ParamRows, LutTables), defaulting to the
//                                card's derived config PKG (aorta_cfg_<card>_pkg); only the lint
//                                tests override them, with a small array
//   `AORTA_GEOMETRY_PASS         the same six passed on to an instance (a ring's chip tops)
//   `AORTA_SOC_CFG(PKG)          the chip's aorta_board_pkg::soc_cfg_t: those six and the rest
//                                of PKG (queue depth, token capacity, link ports, fingerprint,
//                                DRAM size, DMA width)
//   `AORTA_INTEL_FPGA_PINS       an Intel top's board clock, reset, PCIe and DDR3 pins (the same
//                                names on both cards) to aorta_intel_fpga's ports
//
// ---- Bus connections -------------------------------------------------------------------------
// Macros because these cannot be modules either: a flat port list is a fixed set of names
// chosen by someone else — the SoC's (rtl/aorta_soc.sv: m_axi_awid_o), a vendor block's as its
// tools generate it (S_AORTA_AXI_awid, mem_address), the AWS shell's (cl_sh_ddr_awid /
// sh_cl_ddr_awready), a bridge verilated on its own (Verilator takes no interface on a model's
// top-level ports: s_awid_i) — and SystemVerilog can only spell those names out at each
// instance. The macros spell them from a prefix and suffixes instead of one line per signal.
//
// Port connections, inside an instance's port list:
//   `AORTA_AXI_PORTS(P, F, R, B)  connects .<P><signal><F>(B.<signal>) for every signal the
//   master drives and .<P><signal><R>(B.<signal>) for every signal the slave drives. Examples:
//     `AORTA_AXI_PORTS(m_axi_, _o, _i, dma)       the SoC's master ports m_axi_awid_o ...
//     `AORTA_AXI_PORTS(s_, _i, _o, dma)           a bridge's slave ports s_awid_i ...
//     `AORTA_AXI_PORTS(S_AORTA_AXI_, , , dma)     a block design's S_AORTA_AXI_awid ...
//   Groups for ports that lack some signals: _CORE (IDs, addresses, lengths, sizes, data,
//   strobes, responses, handshakes), _BURST (AxBURST), _ATTR (AxCACHE, AxPROT).
// Flat to flat, inside an instance's port list: `AORTA_AXI_WIRE_CORE(PF, PR, SF, SR)` connects
// the ports PF<signal> (the master's signals) and PR<signal> (the slave's) to the signals
// SF<signal> and SR<signal> (F1: the shell's sh_cl_dma_pcis_* / cl_sh_dma_pcis_* onto the
// SmartConnect's S_DMA_PCIS_*, sh_ddr's cl_sh_ddr_* / sh_cl_ddr_* onto local arrays); _BURST.
// Assignments, at module level, between an interface whose master is on this side and a flat
// slave outside (the AWS shell's DDR ports): `AORTA_AXI_ASSIGN_CORE(FP, RP, X, B)` assigns
// FP<signal> X = B.<signal> for the master's signals and B.<signal> = RP<signal> X for the
// slave's; X is an index ([k]) or empty.
`ifndef AORTA_BOARD_MACROS_SVH
`define AORTA_BOARD_MACROS_SVH

// ---- A chip top's parameters ------------------------------------------------------------------
`define AORTA_GEOMETRY_PARAMS(PKG) \
  parameter int unsigned N         = PKG::N, \
  parameter int unsigned UbRows    = PKG::UbRows, \
  parameter int unsigned WbRows    = PKG::WbRows, \
  parameter int unsigned AccRows   = PKG::AccRows, \
  parameter int unsigned ParamRows = PKG::ParamRows, \
  parameter int unsigned LutTables = PKG::LutTables

`define AORTA_GEOMETRY_PASS \
  .N        (N), \
  .UbRows   (UbRows), \
  .WbRows   (WbRows), \
  .AccRows  (AccRows), \
  .ParamRows(ParamRows), \
  .LutTables(LutTables)

`define AORTA_SOC_CFG(PKG) aorta_board_pkg::soc_cfg( \
  .n(N), .ub_rows(UbRows), .wb_rows(WbRows), .acc_rows(AccRows), .param_rows(ParamRows), \
  .lut_tables(LutTables), .queue_depth(PKG::QueueDepth), .token_capacity(PKG::TokenCapacity), \
  .link_ports(PKG::LinkPorts), .config_fp(PKG::ConfigFp), .dram_bytes(PKG::DramBytes), \
  .dma_data_width(PKG::DmaDataWidth))

`define AORTA_INTEL_FPGA_PINS \
  .clk_100_i     (clk_100), \
  .sys_rst_ni    (sys_resetn), \
  .pcie_refclk_i (pcie_refclk), \
  .pcie_perst_ni (pcie_perstn), \
  .pcie_rx_i     (pcie_rx), \
  .pcie_tx_o     (pcie_tx), \
  .ddr3_refclk_i (ddr3_refclk), \
  .ddr3_rzq_i    (ddr3_rzq), \
  .ddr3_a_o      (ddr3_a), \
  .ddr3_ba_o     (ddr3_ba), \
  .ddr3_ck_o     (ddr3_ck), \
  .ddr3_ck_n_o   (ddr3_ck_n), \
  .ddr3_cke_o    (ddr3_cke), \
  .ddr3_cs_n_o   (ddr3_cs_n), \
  .ddr3_dm_o     (ddr3_dm), \
  .ddr3_ras_n_o  (ddr3_ras_n), \
  .ddr3_cas_n_o  (ddr3_cas_n), \
  .ddr3_we_n_o   (ddr3_we_n), \
  .ddr3_reset_n_o(ddr3_reset_n), \
  .ddr3_dq_io    (ddr3_dq), \
  .ddr3_dqs_io   (ddr3_dqs), \
  .ddr3_dqs_n_io (ddr3_dqs_n), \
  .ddr3_odt_o    (ddr3_odt)

// ---- AXI4 ------------------------------------------------------------------------------------
`define AORTA_AXI_PORTS_CORE(P, F, R, B) \
  .P``awid``F    (B.awid), \
  .P``awaddr``F  (B.awaddr), \
  .P``awlen``F   (B.awlen), \
  .P``awsize``F  (B.awsize), \
  .P``awvalid``F (B.awvalid), \
  .P``awready``R (B.awready), \
  .P``wdata``F   (B.wdata), \
  .P``wstrb``F   (B.wstrb), \
  .P``wlast``F   (B.wlast), \
  .P``wvalid``F  (B.wvalid), \
  .P``wready``R  (B.wready), \
  .P``bid``R     (B.bid), \
  .P``bresp``R   (B.bresp), \
  .P``bvalid``R  (B.bvalid), \
  .P``bready``F  (B.bready), \
  .P``arid``F    (B.arid), \
  .P``araddr``F  (B.araddr), \
  .P``arlen``F   (B.arlen), \
  .P``arsize``F  (B.arsize), \
  .P``arvalid``F (B.arvalid), \
  .P``arready``R (B.arready), \
  .P``rid``R     (B.rid), \
  .P``rdata``R   (B.rdata), \
  .P``rresp``R   (B.rresp), \
  .P``rlast``R   (B.rlast), \
  .P``rvalid``R  (B.rvalid), \
  .P``rready``F  (B.rready)

`define AORTA_AXI_PORTS_BURST(P, F, R, B) \
  .P``awburst``F (B.awburst), \
  .P``arburst``F (B.arburst)

`define AORTA_AXI_PORTS_ATTR(P, F, R, B) \
  .P``awcache``F (B.awcache), \
  .P``awprot``F  (B.awprot), \
  .P``arcache``F (B.arcache), \
  .P``arprot``F  (B.arprot)

`define AORTA_AXI_PORTS(P, F, R, B) \
  `AORTA_AXI_PORTS_CORE(P, F, R, B), \
  `AORTA_AXI_PORTS_BURST(P, F, R, B), \
  `AORTA_AXI_PORTS_ATTR(P, F, R, B)

`define AORTA_AXI_WIRE_CORE(PF, PR, SF, SR) \
  .PF``awid    (SF``awid), \
  .PF``awaddr  (SF``awaddr), \
  .PF``awlen   (SF``awlen), \
  .PF``awsize  (SF``awsize), \
  .PF``awvalid (SF``awvalid), \
  .PR``awready (SR``awready), \
  .PF``wdata   (SF``wdata), \
  .PF``wstrb   (SF``wstrb), \
  .PF``wlast   (SF``wlast), \
  .PF``wvalid  (SF``wvalid), \
  .PR``wready  (SR``wready), \
  .PR``bid     (SR``bid), \
  .PR``bresp   (SR``bresp), \
  .PR``bvalid  (SR``bvalid), \
  .PF``bready  (SF``bready), \
  .PF``arid    (SF``arid), \
  .PF``araddr  (SF``araddr), \
  .PF``arlen   (SF``arlen), \
  .PF``arsize  (SF``arsize), \
  .PF``arvalid (SF``arvalid), \
  .PR``arready (SR``arready), \
  .PR``rid     (SR``rid), \
  .PR``rdata   (SR``rdata), \
  .PR``rresp   (SR``rresp), \
  .PR``rlast   (SR``rlast), \
  .PR``rvalid  (SR``rvalid), \
  .PF``rready  (SF``rready)

`define AORTA_AXI_WIRE_BURST(PF, PR, SF, SR) \
  .PF``awburst (SF``awburst), \
  .PF``arburst (SF``arburst)

`define AORTA_AXI_ASSIGN_CORE(FP, RP, X, B) \
  assign FP``awid X    = B.awid; \
  assign FP``awaddr X  = B.awaddr; \
  assign FP``awlen X   = B.awlen; \
  assign FP``awsize X  = B.awsize; \
  assign FP``awvalid X = B.awvalid; \
  assign B.awready     = RP``awready X; \
  assign FP``wdata X   = B.wdata; \
  assign FP``wstrb X   = B.wstrb; \
  assign FP``wlast X   = B.wlast; \
  assign FP``wvalid X  = B.wvalid; \
  assign B.wready      = RP``wready X; \
  assign B.bid         = RP``bid X; \
  assign B.bresp       = RP``bresp X; \
  assign B.bvalid      = RP``bvalid X; \
  assign FP``bready X  = B.bready; \
  assign FP``arid X    = B.arid; \
  assign FP``araddr X  = B.araddr; \
  assign FP``arlen X   = B.arlen; \
  assign FP``arsize X  = B.arsize; \
  assign FP``arvalid X = B.arvalid; \
  assign B.arready     = RP``arready X; \
  assign B.rid         = RP``rid X; \
  assign B.rdata       = RP``rdata X; \
  assign B.rresp       = RP``rresp X; \
  assign B.rlast       = RP``rlast X; \
  assign B.rvalid      = RP``rvalid X; \
  assign FP``rready X  = B.rready;

`define AORTA_AXI_ASSIGN_BURST(FP, RP, X, B) \
  assign FP``awburst X = B.awburst; \
  assign FP``arburst X = B.arburst;

// ---- AXI4-lite -------------------------------------------------------------------------------
`define AORTA_AXIL_PORTS(P, F, R, B) \
  .P``awaddr``F  (B.awaddr), \
  .P``awprot``F  (B.awprot), \
  .P``awvalid``F (B.awvalid), \
  .P``awready``R (B.awready), \
  .P``wdata``F   (B.wdata), \
  .P``wstrb``F   (B.wstrb), \
  .P``wvalid``F  (B.wvalid), \
  .P``wready``R  (B.wready), \
  .P``bresp``R   (B.bresp), \
  .P``bvalid``R  (B.bvalid), \
  .P``bready``F  (B.bready), \
  .P``araddr``F  (B.araddr), \
  .P``arprot``F  (B.arprot), \
  .P``arvalid``F (B.arvalid), \
  .P``arready``R (B.arready), \
  .P``rdata``R   (B.rdata), \
  .P``rresp``R   (B.rresp), \
  .P``rvalid``R  (B.rvalid), \
  .P``rready``F  (B.rready)

// ---- Avalon-MM -------------------------------------------------------------------------------
// Groups: _WRITE (address, write, writedata, byteenable, waitrequest: a write-only port such as
// the MSI writer's), _READ (read, readdata, readdatavalid), _RESP (response,
// writeresponsevalid), _BURST (burstcount).
`define AORTA_AVMM_PORTS_WRITE(P, F, R, B) \
  .P``address``F     (B.address), \
  .P``write``F       (B.write), \
  .P``writedata``F   (B.writedata), \
  .P``byteenable``F  (B.byteenable), \
  .P``waitrequest``R (B.waitrequest)

`define AORTA_AVMM_PORTS_READ(P, F, R, B) \
  .P``read``F          (B.read), \
  .P``readdata``R      (B.readdata), \
  .P``readdatavalid``R (B.readdatavalid)

`define AORTA_AVMM_PORTS_RESP(P, F, R, B) \
  .P``response``R           (B.response), \
  .P``writeresponsevalid``R (B.writeresponsevalid)

`define AORTA_AVMM_PORTS_BURST(P, F, R, B) \
  .P``burstcount``F (B.burstcount)

// A word port (no bursts): the registers.
`define AORTA_AVMM_PORTS_WORD(P, F, R, B) \
  `AORTA_AVMM_PORTS_WRITE(P, F, R, B), \
  `AORTA_AVMM_PORTS_READ(P, F, R, B), \
  `AORTA_AVMM_PORTS_RESP(P, F, R, B)

`define AORTA_AVMM_PORTS(P, F, R, B) \
  `AORTA_AVMM_PORTS_WORD(P, F, R, B), \
  `AORTA_AVMM_PORTS_BURST(P, F, R, B)

`endif  // AORTA_BOARD_MACROS_SVH
