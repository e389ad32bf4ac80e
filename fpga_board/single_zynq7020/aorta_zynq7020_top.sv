// aorta_zynq7020_top: the programmable-logic top of a ZedBoard (Zynq-7020) running one aorta
// chip (board single_zynq7020). There is no PCIe: the host is the Zynq's own ARM, which runs the
// runtime and reaches the chip through the processing system (PS7). docs/boards.md, "Zynq-7020
// wrapper".
//
//   ARM ── M_AXI_GP0 ── aorta_z7_bd (sc_regs) ── M_AORTA_REGS (AXI4-lite) ──► SoC registers
//   SoC DMA (AXI4, 256 bit) ── address remap ── aorta_z7_bd (sc_mem) ── S_AXI_HP0 ──► PS DDR
//   SoC irq ──► IRQ_F2P[0]
//
// One memory serves both of the SoC's address ranges (core/device.h): board DRAM [0, 256 MiB)
// is the carve-out of the PS DDR at CarveBase (reserved from Linux by the device tree), and the
// host window 2^47 + IOVA is the PS DDR at physical address IOVA (the HP ports have no IOMMU).
// The remap (aorta_axi_addr_remap) sends any other address above the 4 GiB the PS decodes, so
// SmartConnect answers it with DECERR (the SoC's DMA_FAULT). The core clock is a clock wizard's
// output at the derived clock, from FCLK_CLK0; the HP and GP ports are clocked by it, so no
// logic here crosses clocks.
// Not built with Vivado, not run on a board: it lints against interface models
// (fpga_board/ip/aorta_z7_bd.sv, fpga_board/ip/aorta_core_clk_wiz.sv).
`include "aorta_board_macros.svh"

module aorta_zynq7020_top #(
  // The derived geometry (8 x 8: small enough to lint at full size in the default run).
  `AORTA_GEOMETRY_PARAMS(aorta_cfg_zynq7020_zedboard_pkg),
  // Physical address of the carve-out: the upper half of the ZedBoard's 512 MB.
  parameter logic [63:0] CarveBase = 64'h1000_0000
) (
  // The PS7's dedicated pins (DDR and MIO).
  inout  wire  [14:0] DDR_addr,
  inout  wire  [2:0]  DDR_ba,
  inout  wire         DDR_cas_n,
  inout  wire         DDR_ck_n,
  inout  wire         DDR_ck_p,
  inout  wire         DDR_cke,
  inout  wire         DDR_cs_n,
  inout  wire  [3:0]  DDR_dm,
  inout  wire  [31:0] DDR_dq,
  inout  wire  [3:0]  DDR_dqs_n,
  inout  wire  [3:0]  DDR_dqs_p,
  inout  wire         DDR_odt,
  inout  wire         DDR_ras_n,
  inout  wire         DDR_reset_n,
  inout  wire         DDR_we_n,
  inout  wire         FIXED_IO_ddr_vrn,
  inout  wire         FIXED_IO_ddr_vrp,
  inout  wire  [53:0] FIXED_IO_mio,
  inout  wire         FIXED_IO_ps_clk,
  inout  wire         FIXED_IO_ps_porb,
  inout  wire         FIXED_IO_ps_srstb
);
  localparam aorta_board_pkg::soc_cfg_t Cfg = `AORTA_SOC_CFG(aorta_cfg_zynq7020_zedboard_pkg);

  if (CarveBase + Cfg.dram_bytes > 64'h2000_0000) begin : g_bad_carve
    $fatal(1, "aorta_zynq7020_top: the carve-out [0x%0h, +0x%0h) is outside the 512 MB PS DDR",
           CarveBase, Cfg.dram_bytes);
  end

  // ---- Clocks and reset ------------------------------------------------------------------------
  logic fclk, fclk_rst_n, core_clk, core_locked, core_rst_n;

  aorta_core_clk_wiz u_core_clk (
    .clk_in1 (fclk),
    .reset   (!fclk_rst_n),
    .clk_out1(core_clk),
    .locked  (core_locked)
  );

  // ---- Chip -----------------------------------------------------------------------------------
  aorta_axil_if #(.AddrWidth(12)) regs (.clk_i(core_clk), .rst_ni(core_rst_n));
  aorta_axi_if #(.DataWidth(Cfg.dma_data_width)) dma (.clk_i(core_clk), .rst_ni(core_rst_n));
  logic                    irq;
  aorta_xcvr_if #(.Ports(Cfg.link_ports), .BeatW(64)) no_xcvr ();  // no links: left open

  aorta_chip #(
    .Cfg  (Cfg),
    .Links(1'b0),
    .BeatW(64)
  ) u_chip (
    .clk_i           (core_clk),
    .arst_ni         (core_locked && fclk_rst_n),
    .rst_no          (core_rst_n),
    .s_axil          (regs),
    .m_axi           (dma),
    .xcvr            (no_xcvr),
    .irq_o           (irq)
  );

  // ---- Device addresses -> PS physical addresses (see the header) ---------------------------
  aorta_axi_if #(.DataWidth(Cfg.dma_data_width)) dma_phys (.clk_i(core_clk), .rst_ni(core_rst_n));

  aorta_axi_addr_remap #(
    .DramBytes(Cfg.dram_bytes),
    .DramBase (CarveBase)
  ) u_remap (
    .s(dma),
    .m(dma_phys)
  );

  // ---- Processing system and interconnect ------------------------------------------------------
  aorta_z7_bd #(
    .DataWidth(Cfg.dma_data_width)
  ) u_bd (
    .DDR_addr,
    .DDR_ba,
    .DDR_cas_n,
    .DDR_ck_n,
    .DDR_ck_p,
    .DDR_cke,
    .DDR_cs_n,
    .DDR_dm,
    .DDR_dq,
    .DDR_dqs_n,
    .DDR_dqs_p,
    .DDR_odt,
    .DDR_ras_n,
    .DDR_reset_n,
    .DDR_we_n,
    .FIXED_IO_ddr_vrn,
    .FIXED_IO_ddr_vrp,
    .FIXED_IO_mio,
    .FIXED_IO_ps_clk,
    .FIXED_IO_ps_porb,
    .FIXED_IO_ps_srstb,
    .FCLK_CLK0           (fclk),
    .FCLK_RESET0_N       (fclk_rst_n),
    .core_clk            (core_clk),
    .core_aresetn        (core_rst_n),
    `AORTA_AXI_PORTS(S_AORTA_AXI_, , , dma_phys),
    `AORTA_AXIL_PORTS(M_AORTA_REGS_, , , regs),
    .IRQ_F2P             (irq)
  );
endmodule
