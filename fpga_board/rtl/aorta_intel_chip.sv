// aorta_intel_chip: the chip as the Intel board wrappers (Stratix V, Arria 10) connect it to
// their Platform Designer system: aorta_chip (SoC, reset, link ports) with its buses turned into
// Avalon-MM — the DMA master through aorta_axi_to_avmm, the register slave behind
// aorta_avmm_to_axil — and the interrupt written as an MSI (aorta_msi_writer). Everything here
// runs in the core clock; the Platform Designer system crosses to the PCIe and DDR clocks with
// its Avalon-MM clock-crossing bridges. docs/boards.md, "The Intel bridges".
`include "aorta_board_macros.svh"

module aorta_intel_chip #(
  parameter aorta_board_pkg::soc_cfg_t Cfg = aorta_board_pkg::DefaultSocCfg,  // the SoC's
  parameter int unsigned BeatW         = 64,   // xcvr's BeatW
  parameter int unsigned Credits       = 8,
  parameter int unsigned MaxBurst      = 16   // mem's burstcount: $clog2(MaxBurst) + 1 bits
) (
  input  logic                       clk_i,
  input  logic                       arst_ni,
  output logic                       rst_no,

  // Avalon-MM master: DDR at [0, Cfg.dram_bytes), the PCIe TX slave at the host window (bursts
  // of at most MaxBurst beats of Cfg.dma_data_width bits, 64-bit byte addresses).
  aorta_avmm_if.master               mem,
  // Avalon-MM slave: BAR0, the register map (12-bit byte addresses, 32-bit words).
  aorta_avmm_if.slave                regs,
  // MSI: the hard IP's MsiIntfc_o (its clock; quasi-static) and the writes to its TX slave
  // (single 32-bit writes, 64-bit addresses).
  input  logic [81:0]                msi_intfc_i,
  aorta_avmm_if.master               msi,

  // Transceivers (aorta_chip).
  aorta_xcvr_if.chip                 xcvr
);
  localparam int unsigned Dw = Cfg.dma_data_width;

  // ---- The chip's AXI buses ------------------------------------------------------------------
  aorta_axil_if #(.AddrWidth(12)) regs_axil (.clk_i, .rst_ni(rst_no));
  aorta_axi_if #(.DataWidth(Dw), .IdWidth(2), .AddrWidth(64)) dma (.clk_i, .rst_ni(rst_no));
  logic irq;

  aorta_chip #(
    .Cfg    (Cfg),
    .Links  (1'b1),
    .BeatW  (BeatW),
    .Credits(Credits)
  ) u_chip (
    .clk_i,
    .arst_ni,
    .rst_no,
    .s_axil          (regs_axil),
    .m_axi           (dma),
    .xcvr,
    .irq_o           (irq)
  );

  // ---- DMA master: AXI4 -> Avalon-MM ---------------------------------------------------------
  aorta_axi_to_avmm #(
    .DataWidth(Dw),
    .IdWidth  (2),
    .AddrWidth(64),
    .MaxBurst (MaxBurst),
    .RdBeats  (2 * MaxBurst),
    .MaxReads (32),
    .MaxWrites(32)
  ) u_mem_bridge (
    .clk_i,
    .rst_ni                (rst_no),
    // AxCACHE / AxPROT have no Avalon counterpart: the bridge has no ports for them.
    `AORTA_AXI_PORTS_CORE(s_, _i, _o, dma),
    `AORTA_AXI_PORTS_BURST(s_, _i, _o, dma),
    `AORTA_AVMM_PORTS(m_, _o, _i, mem)
  );

  // ---- Registers: Avalon-MM -> AXI4-lite -----------------------------------------------------
  aorta_avmm_to_axil #(
    .AddrWidth(12)
  ) u_regs_bridge (
    .clk_i,
    .rst_ni                (rst_no),
    `AORTA_AVMM_PORTS_WORD(s_, _i, _o, regs),
    `AORTA_AXIL_PORTS(m_, _o, _i, regs_axil)
  );

  // ---- Interrupt: MSI written through the TX slave -------------------------------------------
  // MsiIntfc_o changes only when the host writes the MSI capability (before it starts a run):
  // two flip-flops per bit bring it into the core clock.
  logic [81:0] msi_sync1_q, msi_sync2_q;
  always_ff @(posedge clk_i or negedge rst_no) begin
    if (!rst_no) begin
      msi_sync1_q <= '0;
      msi_sync2_q <= '0;
    end else begin
      msi_sync1_q <= msi_intfc_i;
      msi_sync2_q <= msi_sync1_q;
    end
  end

  aorta_msi_writer u_msi (
    .clk_i,
    .rst_ni         (rst_no),
    .irq_i          (irq),
    .msi_intfc_i    (msi_sync2_q),
    `AORTA_AVMM_PORTS_WRITE(m_, _o, _i, msi)
  );

  // The MSI port only writes (single words: it has no burstcount).
  assign msi.read = 1'b0;
endmodule
