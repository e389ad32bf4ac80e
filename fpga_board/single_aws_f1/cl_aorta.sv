// cl_aorta: the custom logic (CL) of an AWS EC2 F1 FPGA (VU9P) running one aorta chip (board
// single_aws_f1). The AWS shell is the FPGA's top: it instantiates the CL with the ports of the
// HDK's cl_ports.vh (aws-fpga hdk/common/shell_v04261818/design/interfaces/cl_ports.vh), which
// this module declares one by one (names and widths as there; the optional Aurora and HMC ports
// are off in that shell). docs/boards.md, "AWS F1". The port list stays flat, one port per
// signal under the HDK's names: the shell instantiates the CL by these names. Inside, the SoC's
// buses and the SmartConnect's DDR4 masters are bus interfaces (fpga_board/rtl/aorta_*_if.sv).
//
//   AppPF BAR0 ── sh_ocl (AXI4-lite) ─────────────────────────► SoC registers
//   AppPF BAR4 ── sh_cl_dma_pcis (AXI4) ──┐
//   SoC DMA (AXI4, 1024 bit) ─────────────┴─ aorta_f1_bd (SmartConnect) ──► DDR4 A, B, D
//        (sh_ddr, in the CL), DDR4 C (the shell's cl_sh_ddr), host memory (cl_sh_pcim:
//        the host window 2^47 + IOVA, sent to the shell as the IOVA)
//   SoC irq ──► cl_sh_apppf_irq_req[0] (MSI-X vector 0 of the AppPF)
//
// The core clock is clk_main_a0: clock recipe A1 gives 250 MHz, the derived config's clock
// (build.tcl stops if they differ), so nothing crosses clocks. F1 exposes no FPGA-to-FPGA links:
// the SoC's link port reports down. Not built with Vivado / the HDK, not run on an F1 instance:
// it lints against interface models (fpga_board/ip/aorta_f1_bd.sv, fpga_board/ip/sh_ddr.sv).
`include "aorta_board_macros.svh"

module cl_aorta #(
  // The derived geometry. Only the lint tests override these, with a small array (elaborating
  // the 104 x 104 array takes Verilator many minutes; the full-size lint is labelled slow).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_aws_f1_pkg)
) (
  // ---- Globals
  input  logic               clk_main_a0,
  input  logic               clk_extra_a1,
  input  logic               clk_extra_a2,
  input  logic               clk_extra_a3,
  input  logic               clk_extra_b0,
  input  logic               clk_extra_b1,
  input  logic               clk_extra_c0,
  input  logic               clk_extra_c1,
  input  logic               kernel_rst_n,
  input  logic               rst_main_n,
  input  logic               sh_cl_flr_assert,
  output logic               cl_sh_flr_done,
  output logic [31:0]        cl_sh_status0,
  output logic [31:0]        cl_sh_status1,
  output logic [31:0]        cl_sh_id0,
  output logic [31:0]        cl_sh_id1,
  input  logic [31:0]        sh_cl_ctl0,
  input  logic [31:0]        sh_cl_ctl1,
  input  logic [15:0]        sh_cl_status_vdip,
  output logic [15:0]        cl_sh_status_vled,
  input  logic [1:0]         sh_cl_pwr_state,
  output logic               cl_sh_dma_wr_full,
  output logic               cl_sh_dma_rd_full,
  // ---- PCIM: AXI4 master to host memory
  output logic [15:0]        cl_sh_pcim_awid,
  output logic [63:0]        cl_sh_pcim_awaddr,
  output logic [7:0]         cl_sh_pcim_awlen,
  output logic [2:0]         cl_sh_pcim_awsize,
  output logic [18:0]        cl_sh_pcim_awuser,
  output logic               cl_sh_pcim_awvalid,
  input  logic               sh_cl_pcim_awready,
  output logic [511:0]       cl_sh_pcim_wdata,
  output logic [63:0]        cl_sh_pcim_wstrb,
  output logic               cl_sh_pcim_wlast,
  output logic               cl_sh_pcim_wvalid,
  input  logic               sh_cl_pcim_wready,
  input  logic [15:0]        sh_cl_pcim_bid,
  input  logic [1:0]         sh_cl_pcim_bresp,
  input  logic               sh_cl_pcim_bvalid,
  output logic               cl_sh_pcim_bready,
  output logic [15:0]        cl_sh_pcim_arid,
  output logic [63:0]        cl_sh_pcim_araddr,
  output logic [7:0]         cl_sh_pcim_arlen,
  output logic [2:0]         cl_sh_pcim_arsize,
  output logic [18:0]        cl_sh_pcim_aruser,
  output logic               cl_sh_pcim_arvalid,
  input  logic               sh_cl_pcim_arready,
  input  logic [15:0]        sh_cl_pcim_rid,
  input  logic [511:0]       sh_cl_pcim_rdata,
  input  logic [1:0]         sh_cl_pcim_rresp,
  input  logic               sh_cl_pcim_rlast,
  input  logic               sh_cl_pcim_rvalid,
  output logic               cl_sh_pcim_rready,
  input  logic [1:0]         cfg_max_payload,
  input  logic [2:0]         cfg_max_read_req,
  // ---- DDR4 RDIMM channel A (to sh_ddr)
  input  logic               CLK_300M_DIMM0_DP,
  input  logic               CLK_300M_DIMM0_DN,
  output logic               M_A_ACT_N,
  output logic [16:0]        M_A_MA,
  output logic [1:0]         M_A_BA,
  output logic [1:0]         M_A_BG,
  output logic [0:0]         M_A_CKE,
  output logic [0:0]         M_A_ODT,
  output logic [0:0]         M_A_CS_N,
  output logic [0:0]         M_A_CLK_DN,
  output logic [0:0]         M_A_CLK_DP,
  output logic               M_A_PAR,
  inout  wire  [63:0]        M_A_DQ,
  inout  wire  [7:0]         M_A_ECC,
  inout  wire  [17:0]        M_A_DQS_DP,
  inout  wire  [17:0]        M_A_DQS_DN,
  output logic               cl_RST_DIMM_A_N,
  // ---- DDR4 RDIMM channel B (to sh_ddr)
  input  logic               CLK_300M_DIMM1_DP,
  input  logic               CLK_300M_DIMM1_DN,
  output logic               M_B_ACT_N,
  output logic [16:0]        M_B_MA,
  output logic [1:0]         M_B_BA,
  output logic [1:0]         M_B_BG,
  output logic [0:0]         M_B_CKE,
  output logic [0:0]         M_B_ODT,
  output logic [0:0]         M_B_CS_N,
  output logic [0:0]         M_B_CLK_DN,
  output logic [0:0]         M_B_CLK_DP,
  output logic               M_B_PAR,
  inout  wire  [63:0]        M_B_DQ,
  inout  wire  [7:0]         M_B_ECC,
  inout  wire  [17:0]        M_B_DQS_DP,
  inout  wire  [17:0]        M_B_DQS_DN,
  output logic               cl_RST_DIMM_B_N,
  // ---- DDR4 RDIMM channel D (to sh_ddr)
  input  logic               CLK_300M_DIMM3_DP,
  input  logic               CLK_300M_DIMM3_DN,
  output logic               M_D_ACT_N,
  output logic [16:0]        M_D_MA,
  output logic [1:0]         M_D_BA,
  output logic [1:0]         M_D_BG,
  output logic [0:0]         M_D_CKE,
  output logic [0:0]         M_D_ODT,
  output logic [0:0]         M_D_CS_N,
  output logic [0:0]         M_D_CLK_DN,
  output logic [0:0]         M_D_CLK_DP,
  output logic               M_D_PAR,
  inout  wire  [63:0]        M_D_DQ,
  inout  wire  [7:0]         M_D_ECC,
  inout  wire  [17:0]        M_D_DQS_DP,
  inout  wire  [17:0]        M_D_DQS_DN,
  output logic               cl_RST_DIMM_D_N,
  // ---- DDR statistics interfaces of sh_ddr
  input  logic [7:0]         sh_ddr_stat_addr0,
  input  logic               sh_ddr_stat_wr0,
  input  logic               sh_ddr_stat_rd0,
  input  logic [31:0]        sh_ddr_stat_wdata0,
  output logic               ddr_sh_stat_ack0,
  output logic [31:0]        ddr_sh_stat_rdata0,
  output logic [7:0]         ddr_sh_stat_int0,
  input  logic [7:0]         sh_ddr_stat_addr1,
  input  logic               sh_ddr_stat_wr1,
  input  logic               sh_ddr_stat_rd1,
  input  logic [31:0]        sh_ddr_stat_wdata1,
  output logic               ddr_sh_stat_ack1,
  output logic [31:0]        ddr_sh_stat_rdata1,
  output logic [7:0]         ddr_sh_stat_int1,
  input  logic [7:0]         sh_ddr_stat_addr2,
  input  logic               sh_ddr_stat_wr2,
  input  logic               sh_ddr_stat_rd2,
  input  logic [31:0]        sh_ddr_stat_wdata2,
  output logic               ddr_sh_stat_ack2,
  output logic [31:0]        ddr_sh_stat_rdata2,
  output logic [7:0]         ddr_sh_stat_int2,
  // ---- DDR4 channel C: the shell's controller (AXI4 slave)
  output logic [15:0]        cl_sh_ddr_awid,
  output logic [63:0]        cl_sh_ddr_awaddr,
  output logic [7:0]         cl_sh_ddr_awlen,
  output logic [2:0]         cl_sh_ddr_awsize,
  output logic [1:0]         cl_sh_ddr_awburst,
  output logic               cl_sh_ddr_awvalid,
  input  logic               sh_cl_ddr_awready,
  output logic [15:0]        cl_sh_ddr_wid,
  output logic [511:0]       cl_sh_ddr_wdata,
  output logic [63:0]        cl_sh_ddr_wstrb,
  output logic               cl_sh_ddr_wlast,
  output logic               cl_sh_ddr_wvalid,
  input  logic               sh_cl_ddr_wready,
  input  logic [15:0]        sh_cl_ddr_bid,
  input  logic [1:0]         sh_cl_ddr_bresp,
  input  logic               sh_cl_ddr_bvalid,
  output logic               cl_sh_ddr_bready,
  output logic [15:0]        cl_sh_ddr_arid,
  output logic [63:0]        cl_sh_ddr_araddr,
  output logic [7:0]         cl_sh_ddr_arlen,
  output logic [2:0]         cl_sh_ddr_arsize,
  output logic [1:0]         cl_sh_ddr_arburst,
  output logic               cl_sh_ddr_arvalid,
  input  logic               sh_cl_ddr_arready,
  input  logic [15:0]        sh_cl_ddr_rid,
  input  logic [511:0]       sh_cl_ddr_rdata,
  input  logic [1:0]         sh_cl_ddr_rresp,
  input  logic               sh_cl_ddr_rlast,
  input  logic               sh_cl_ddr_rvalid,
  output logic               cl_sh_ddr_rready,
  input  logic               sh_cl_ddr_is_ready,
  // ---- User interrupts (AppPF MSI-X)
  output logic [15:0]        cl_sh_apppf_irq_req,
  input  logic [15:0]        sh_cl_apppf_irq_ack,
  // ---- DMA_PCIS: AXI4 slave, AppPF BAR4 (the host's DRAM accesses)
  input  logic [5:0]         sh_cl_dma_pcis_awid,
  input  logic [63:0]        sh_cl_dma_pcis_awaddr,
  input  logic [7:0]         sh_cl_dma_pcis_awlen,
  input  logic [2:0]         sh_cl_dma_pcis_awsize,
  input  logic               sh_cl_dma_pcis_awvalid,
  output logic               cl_sh_dma_pcis_awready,
  input  logic [511:0]       sh_cl_dma_pcis_wdata,
  input  logic [63:0]        sh_cl_dma_pcis_wstrb,
  input  logic               sh_cl_dma_pcis_wlast,
  input  logic               sh_cl_dma_pcis_wvalid,
  output logic               cl_sh_dma_pcis_wready,
  output logic [5:0]         cl_sh_dma_pcis_bid,
  output logic [1:0]         cl_sh_dma_pcis_bresp,
  output logic               cl_sh_dma_pcis_bvalid,
  input  logic               sh_cl_dma_pcis_bready,
  input  logic [5:0]         sh_cl_dma_pcis_arid,
  input  logic [63:0]        sh_cl_dma_pcis_araddr,
  input  logic [7:0]         sh_cl_dma_pcis_arlen,
  input  logic [2:0]         sh_cl_dma_pcis_arsize,
  input  logic               sh_cl_dma_pcis_arvalid,
  output logic               cl_sh_dma_pcis_arready,
  output logic [5:0]         cl_sh_dma_pcis_rid,
  output logic [511:0]       cl_sh_dma_pcis_rdata,
  output logic [1:0]         cl_sh_dma_pcis_rresp,
  output logic               cl_sh_dma_pcis_rlast,
  output logic               cl_sh_dma_pcis_rvalid,
  input  logic               sh_cl_dma_pcis_rready,
  // ---- SDA: AXI4-lite, MgmtPF BAR4 (unused: answered with errors)
  input  logic               sda_cl_awvalid,
  input  logic [31:0]        sda_cl_awaddr,
  output logic               cl_sda_awready,
  input  logic               sda_cl_wvalid,
  input  logic [31:0]        sda_cl_wdata,
  input  logic [3:0]         sda_cl_wstrb,
  output logic               cl_sda_wready,
  output logic               cl_sda_bvalid,
  output logic [1:0]         cl_sda_bresp,
  input  logic               sda_cl_bready,
  input  logic               sda_cl_arvalid,
  input  logic [31:0]        sda_cl_araddr,
  output logic               cl_sda_arready,
  output logic               cl_sda_rvalid,
  output logic [31:0]        cl_sda_rdata,
  output logic [1:0]         cl_sda_rresp,
  input  logic               sda_cl_rready,
  // ---- OCL: AXI4-lite, AppPF BAR0 (the register map)
  input  logic               sh_ocl_awvalid,
  input  logic [31:0]        sh_ocl_awaddr,
  output logic               ocl_sh_awready,
  input  logic               sh_ocl_wvalid,
  input  logic [31:0]        sh_ocl_wdata,
  input  logic [3:0]         sh_ocl_wstrb,
  output logic               ocl_sh_wready,
  output logic               ocl_sh_bvalid,
  output logic [1:0]         ocl_sh_bresp,
  input  logic               sh_ocl_bready,
  input  logic               sh_ocl_arvalid,
  input  logic [31:0]        sh_ocl_araddr,
  output logic               ocl_sh_arready,
  output logic               ocl_sh_rvalid,
  output logic [31:0]        ocl_sh_rdata,
  output logic [1:0]         ocl_sh_rresp,
  input  logic               sh_ocl_rready,
  // ---- BAR1: AXI4-lite, AppPF BAR1 (unused: answered with errors)
  input  logic               sh_bar1_awvalid,
  input  logic [31:0]        sh_bar1_awaddr,
  output logic               bar1_sh_awready,
  input  logic               sh_bar1_wvalid,
  input  logic [31:0]        sh_bar1_wdata,
  input  logic [3:0]         sh_bar1_wstrb,
  output logic               bar1_sh_wready,
  output logic               bar1_sh_bvalid,
  output logic [1:0]         bar1_sh_bresp,
  input  logic               sh_bar1_bready,
  input  logic               sh_bar1_arvalid,
  input  logic [31:0]        sh_bar1_araddr,
  output logic               bar1_sh_arready,
  output logic               bar1_sh_rvalid,
  output logic [31:0]        bar1_sh_rdata,
  output logic [1:0]         bar1_sh_rresp,
  input  logic               sh_bar1_rready,
  // ---- Virtual JTAG debug bridge (unused)
  input  logic               drck,
  input  logic               shift,
  input  logic               tdi,
  input  logic               update,
  input  logic               sel,
  output logic               tdo,
  input  logic               tms,
  input  logic               tck,
  input  logic               runtest,
  input  logic               reset,
  input  logic               capture,
  input  logic               bscanid_en,
  // ---- Global counters
  input  logic [63:0]        sh_cl_glcount0,
  input  logic [63:0]        sh_cl_glcount1
);
  localparam aorta_board_pkg::soc_cfg_t Cfg = `AORTA_SOC_CFG(aorta_cfg_aws_f1_pkg);

  localparam int unsigned Dw = Cfg.dma_data_width;

  // ---- Reset and function-level reset ---------------------------------------------------------
  // The chip is reset by the shell's main reset and while a PCIe FLR is asserted; the FLR is
  // acknowledged (cl_sh_flr_done, one pulse) the cycle after the chip's reset took hold.
  logic chip_arst_n_q, flr_q, flr_done_q, flr_sent_q;
  always_ff @(posedge clk_main_a0 or negedge rst_main_n) begin
    if (!rst_main_n) begin
      chip_arst_n_q <= 1'b0;
      flr_q         <= 1'b0;
      flr_done_q    <= 1'b0;
      flr_sent_q    <= 1'b0;
    end else begin
      chip_arst_n_q <= !sh_cl_flr_assert;
      flr_q         <= sh_cl_flr_assert;
      flr_done_q    <= sh_cl_flr_assert && flr_q && !flr_sent_q && !flr_done_q;
      flr_sent_q    <= sh_cl_flr_assert && (flr_sent_q || flr_done_q);
    end
  end
  assign cl_sh_flr_done = flr_done_q;

  // ---- Chip -----------------------------------------------------------------------------------
  logic                    irq, core_rst_n;
  aorta_xcvr_if #(.Ports(Cfg.link_ports), .BeatW(64)) no_xcvr ();  // no links: left open
  aorta_axi_if #(.DataWidth(Dw)) dma (.clk_i(clk_main_a0), .rst_ni(core_rst_n));

  // OCL (AppPF BAR0) is the register map: the shell's AXI4-lite has 32-bit addresses (the map
  // decodes 12) and no AxPROT (data, non-secure, unprivileged).
  aorta_axil_if #(.AddrWidth(12)) ocl (.clk_i(clk_main_a0), .rst_ni(core_rst_n));
  assign ocl.awaddr     = sh_ocl_awaddr[11:0];
  assign ocl.awprot     = 3'b010;
  assign ocl.awvalid    = sh_ocl_awvalid;
  assign ocl_sh_awready = ocl.awready;
  assign ocl.wdata      = sh_ocl_wdata;
  assign ocl.wstrb      = sh_ocl_wstrb;
  assign ocl.wvalid     = sh_ocl_wvalid;
  assign ocl_sh_wready  = ocl.wready;
  assign ocl_sh_bresp   = ocl.bresp;
  assign ocl_sh_bvalid  = ocl.bvalid;
  assign ocl.bready     = sh_ocl_bready;
  assign ocl.araddr     = sh_ocl_araddr[11:0];
  assign ocl.arprot     = 3'b010;
  assign ocl.arvalid    = sh_ocl_arvalid;
  assign ocl_sh_arready = ocl.arready;
  assign ocl_sh_rdata   = ocl.rdata;
  assign ocl_sh_rresp   = ocl.rresp;
  assign ocl_sh_rvalid  = ocl.rvalid;
  assign ocl.rready     = sh_ocl_rready;

  aorta_chip #(
    .Cfg  (Cfg),
    .Links(1'b0),
    .BeatW(64)
  ) u_chip (
    .clk_i           (clk_main_a0),
    .arst_ni         (chip_arst_n_q),
    .rst_no          (core_rst_n),
    .s_axil          (ocl),
    .m_axi           (dma),
    .xcvr            (no_xcvr),
    .irq_o           (irq)
  );

  // ---- Interconnect: SoC and DMA_PCIS to DDR4 A-D and PCIM ------------------------------------
  // The SmartConnect's four DDR4 masters (M_DDR0..3: channels A, B, C, D), as the shell's
  // cl_sh_ddr has them: 512-bit data, 16-bit IDs, no AxCACHE / AxPROT.
  aorta_axi_if #(.DataWidth(512), .IdWidth(16)) ddr [4] (
    .clk_i (clk_main_a0),
    .rst_ni(core_rst_n)
  );
  logic [63:0]       pcim_awaddr, pcim_araddr;

  aorta_f1_bd #(
    .AortaDataWidth(Dw)
  ) u_bd (
    .aclk               (clk_main_a0),
    .aresetn            (core_rst_n),
    `AORTA_AXI_PORTS(S_AORTA_AXI_, , , dma),
    `AORTA_AXI_WIRE_CORE(S_DMA_PCIS_, S_DMA_PCIS_, sh_cl_dma_pcis_, cl_sh_dma_pcis_),
    `AORTA_AXI_PORTS_CORE(M_DDR0_, , , ddr[0]),
    `AORTA_AXI_PORTS_BURST(M_DDR0_, , , ddr[0]),
    `AORTA_AXI_PORTS_CORE(M_DDR1_, , , ddr[1]),
    `AORTA_AXI_PORTS_BURST(M_DDR1_, , , ddr[1]),
    `AORTA_AXI_PORTS_CORE(M_DDR2_, , , ddr[2]),
    `AORTA_AXI_PORTS_BURST(M_DDR2_, , , ddr[2]),
    `AORTA_AXI_PORTS_CORE(M_DDR3_, , , ddr[3]),
    `AORTA_AXI_PORTS_BURST(M_DDR3_, , , ddr[3]),
    .M_PCIM_awid        (cl_sh_pcim_awid),
    .M_PCIM_awaddr      (pcim_awaddr),
    .M_PCIM_awlen       (cl_sh_pcim_awlen),
    .M_PCIM_awsize      (cl_sh_pcim_awsize),
    .M_PCIM_awvalid     (cl_sh_pcim_awvalid),
    .M_PCIM_awready     (sh_cl_pcim_awready),
    .M_PCIM_wdata       (cl_sh_pcim_wdata),
    .M_PCIM_wstrb       (cl_sh_pcim_wstrb),
    .M_PCIM_wlast       (cl_sh_pcim_wlast),
    .M_PCIM_wvalid      (cl_sh_pcim_wvalid),
    .M_PCIM_wready      (sh_cl_pcim_wready),
    .M_PCIM_bid         (sh_cl_pcim_bid),
    .M_PCIM_bresp       (sh_cl_pcim_bresp),
    .M_PCIM_bvalid      (sh_cl_pcim_bvalid),
    .M_PCIM_bready      (cl_sh_pcim_bready),
    .M_PCIM_arid        (cl_sh_pcim_arid),
    .M_PCIM_araddr      (pcim_araddr),
    .M_PCIM_arlen       (cl_sh_pcim_arlen),
    .M_PCIM_arsize      (cl_sh_pcim_arsize),
    .M_PCIM_arvalid     (cl_sh_pcim_arvalid),
    .M_PCIM_arready     (sh_cl_pcim_arready),
    .M_PCIM_rid         (sh_cl_pcim_rid),
    .M_PCIM_rdata       (sh_cl_pcim_rdata),
    .M_PCIM_rresp       (sh_cl_pcim_rresp),
    .M_PCIM_rlast       (sh_cl_pcim_rlast),
    .M_PCIM_rvalid      (sh_cl_pcim_rvalid),
    .M_PCIM_rready      (cl_sh_pcim_rready)
  );

  // PCIM carries host addresses: the window [2^47, 2^48) is the only range routed to it, so
  // clearing bit 47 turns a device address into its IOVA.
  logic [1:0] unused_window_bit;
  assign cl_sh_pcim_awaddr = {pcim_awaddr[63:48], 1'b0, pcim_awaddr[46:0]};
  assign cl_sh_pcim_araddr = {pcim_araddr[63:48], 1'b0, pcim_araddr[46:0]};
  assign unused_window_bit = {pcim_awaddr[47], pcim_araddr[47]};
  assign cl_sh_pcim_awuser = '0;
  assign cl_sh_pcim_aruser = '0;

  // DDR4 C: the shell's controller (M_DDR2). WID is AXI3's, unused by the controller.
  `AORTA_AXI_ASSIGN_CORE(cl_sh_ddr_, sh_cl_ddr_, , ddr[2])
  `AORTA_AXI_ASSIGN_BURST(cl_sh_ddr_, sh_cl_ddr_, , ddr[2])
  assign cl_sh_ddr_wid = ddr[2].awid;

  // DDR4 A, B, D: sh_ddr in the CL (its channel k is M_DDR[Ch[k]]: 0 -> A, 1 -> B, 3 -> D).
  localparam int unsigned Ch[3] = '{0, 1, 3};
  logic [15:0]  s_awid[2:0], s_arid[2:0], s_wid[2:0], s_bid[2:0], s_rid[2:0];
  logic [63:0]  s_awaddr[2:0], s_araddr[2:0], s_wstrb[2:0];
  logic [7:0]   s_awlen[2:0], s_arlen[2:0];
  logic [2:0]   s_awsize[2:0], s_arsize[2:0];
  logic [1:0]   s_awburst[2:0], s_arburst[2:0], s_bresp[2:0], s_rresp[2:0];
  logic         s_awvalid[2:0];
  logic [511:0] s_wdata[2:0], s_rdata[2:0];
  logic [2:0]   s_awready, s_wlast, s_wvalid, s_wready, s_bvalid, s_bready, s_arvalid;
  logic [2:0]   s_arready, s_rlast, s_rvalid, s_rready, unused_ddr_is_ready;

  for (genvar k = 0; k < 3; k++) begin : g_sh_ddr_ch
    `AORTA_AXI_ASSIGN_CORE(s_, s_, [k], ddr[Ch[k]])
    `AORTA_AXI_ASSIGN_BURST(s_, s_, [k], ddr[Ch[k]])
    assign s_wid[k] = ddr[Ch[k]].awid;
  end

  sh_ddr #(
    .DDR_A_PRESENT(1),
    .DDR_B_PRESENT(1),
    .DDR_D_PRESENT(1)
  ) u_sh_ddr (
    .clk               (clk_main_a0),
    .rst_n             (rst_main_n),
    .stat_clk          (clk_main_a0),
    .stat_rst_n        (rst_main_n),
    .CLK_300M_DIMM0_DP,
    .CLK_300M_DIMM0_DN,
    .M_A_ACT_N,
    .M_A_MA,
    .M_A_BA,
    .M_A_BG,
    .M_A_CKE,
    .M_A_ODT,
    .M_A_CS_N,
    .M_A_CLK_DN,
    .M_A_CLK_DP,
    .M_A_PAR,
    .M_A_DQ,
    .M_A_ECC,
    .M_A_DQS_DP,
    .M_A_DQS_DN,
    .cl_RST_DIMM_A_N,
    .CLK_300M_DIMM1_DP,
    .CLK_300M_DIMM1_DN,
    .M_B_ACT_N,
    .M_B_MA,
    .M_B_BA,
    .M_B_BG,
    .M_B_CKE,
    .M_B_ODT,
    .M_B_CS_N,
    .M_B_CLK_DN,
    .M_B_CLK_DP,
    .M_B_PAR,
    .M_B_DQ,
    .M_B_ECC,
    .M_B_DQS_DP,
    .M_B_DQS_DN,
    .cl_RST_DIMM_B_N,
    .CLK_300M_DIMM3_DP,
    .CLK_300M_DIMM3_DN,
    .M_D_ACT_N,
    .M_D_MA,
    .M_D_BA,
    .M_D_BG,
    .M_D_CKE,
    .M_D_ODT,
    .M_D_CS_N,
    .M_D_CLK_DN,
    .M_D_CLK_DP,
    .M_D_PAR,
    .M_D_DQ,
    .M_D_ECC,
    .M_D_DQS_DP,
    .M_D_DQS_DN,
    .cl_RST_DIMM_D_N,
    `AORTA_AXI_WIRE_CORE(cl_sh_ddr_, sh_cl_ddr_, s_, s_),
    `AORTA_AXI_WIRE_BURST(cl_sh_ddr_, sh_cl_ddr_, s_, s_),
    .cl_sh_ddr_wid     (s_wid),
    .sh_cl_ddr_is_ready(unused_ddr_is_ready),
    .sh_ddr_stat_addr0,
    .sh_ddr_stat_wr0,
    .sh_ddr_stat_rd0,
    .sh_ddr_stat_wdata0,
    .ddr_sh_stat_ack0,
    .ddr_sh_stat_rdata0,
    .ddr_sh_stat_int0,
    .sh_ddr_stat_addr1,
    .sh_ddr_stat_wr1,
    .sh_ddr_stat_rd1,
    .sh_ddr_stat_wdata1,
    .ddr_sh_stat_ack1,
    .ddr_sh_stat_rdata1,
    .ddr_sh_stat_int1,
    .sh_ddr_stat_addr2,
    .sh_ddr_stat_wr2,
    .sh_ddr_stat_rd2,
    .sh_ddr_stat_wdata2,
    .ddr_sh_stat_ack2,
    .ddr_sh_stat_rdata2,
    .ddr_sh_stat_int2
  );

  // ---- Interrupt: one request per rising edge of the SoC's irq, the next after the ack --------
  logic irq_q, irq_pending_q, irq_wait_ack_q, irq_req;
  assign irq_req = irq_pending_q && !irq_wait_ack_q;
  always_ff @(posedge clk_main_a0 or negedge core_rst_n) begin
    if (!core_rst_n) begin
      irq_q          <= 1'b0;
      irq_pending_q  <= 1'b0;
      irq_wait_ack_q <= 1'b0;
    end else begin
      irq_q          <= irq;
      irq_pending_q  <= (irq_pending_q && !irq_req) || (irq && !irq_q);
      irq_wait_ack_q <= (irq_wait_ack_q && !sh_cl_apppf_irq_ack[0]) || irq_req;
    end
  end
  assign cl_sh_apppf_irq_req = {15'h0, irq_req};

  // ---- Unused shell ports: the SDA and BAR1 AXI4-lite ports answer with errors -----------------
  aorta_axil_error_slave u_sda_err (
    .clk_i    (clk_main_a0),
    .rst_ni   (rst_main_n),
    .awvalid_i(sda_cl_awvalid),
    .awready_o(cl_sda_awready),
    .wvalid_i (sda_cl_wvalid),
    .wready_o (cl_sda_wready),
    .bvalid_o (cl_sda_bvalid),
    .bresp_o  (cl_sda_bresp),
    .bready_i (sda_cl_bready),
    .arvalid_i(sda_cl_arvalid),
    .arready_o(cl_sda_arready),
    .rvalid_o (cl_sda_rvalid),
    .rdata_o  (cl_sda_rdata),
    .rresp_o  (cl_sda_rresp),
    .rready_i (sda_cl_rready)
  );
  aorta_axil_error_slave u_bar1_err (
    .clk_i    (clk_main_a0),
    .rst_ni   (rst_main_n),
    .awvalid_i(sh_bar1_awvalid),
    .awready_o(bar1_sh_awready),
    .wvalid_i (sh_bar1_wvalid),
    .wready_o (bar1_sh_wready),
    .bvalid_o (bar1_sh_bvalid),
    .bresp_o  (bar1_sh_bresp),
    .bready_i (sh_bar1_bready),
    .arvalid_i(sh_bar1_arvalid),
    .arready_o(bar1_sh_arready),
    .rvalid_o (bar1_sh_rvalid),
    .rdata_o  (bar1_sh_rdata),
    .rresp_o  (bar1_sh_rresp),
    .rready_i (sh_bar1_rready)
  );

  // Identity: the AppPF's PCI IDs (AWS's default vendor 0x1d0f, device 0xf000; the aorta driver
  // binds them through new_id), status and LEDs unused, DMA_PCIS never short of resources (the
  // SmartConnect back-pressures it), debug bridge unused.
  assign cl_sh_id0         = 32'hf000_1d0f;
  assign cl_sh_id1         = 32'h1d51_fedd;
  assign cl_sh_status0     = '0;
  assign cl_sh_status1     = '0;
  assign cl_sh_status_vled = '0;
  assign cl_sh_dma_wr_full = 1'b0;
  assign cl_sh_dma_rd_full = 1'b0;
  assign tdo               = 1'b0;

  logic unused_inputs;
  assign unused_inputs = ^{clk_extra_a1, clk_extra_a2, clk_extra_a3, clk_extra_b0, clk_extra_b1,
                           clk_extra_c0, clk_extra_c1, kernel_rst_n, sh_cl_ctl0, sh_cl_ctl1,
                           sh_cl_status_vdip, sh_cl_pwr_state, cfg_max_payload, cfg_max_read_req,
                           sh_cl_ddr_is_ready, sh_cl_apppf_irq_ack[15:1], sh_ocl_awaddr[31:12],
                           sh_ocl_araddr[31:12], sda_cl_awaddr, sda_cl_wdata, sda_cl_wstrb,
                           sda_cl_araddr, sh_bar1_awaddr, sh_bar1_wdata, sh_bar1_wstrb,
                           sh_bar1_araddr, drck, shift, tdi, update, sel, tms, tck, runtest, reset,
                           capture, bscanid_en, sh_cl_glcount0, sh_cl_glcount1,
                           unused_window_bit, unused_ddr_is_ready};

`ifndef SYNTHESIS
  // The shell's interrupt handshake: no new request before the last one's ack.
  IrqOneAtATime: assert property (@(posedge clk_main_a0) disable iff (!core_rst_n)
                                  irq_req |-> !irq_wait_ack_q);
`endif
endmodule
