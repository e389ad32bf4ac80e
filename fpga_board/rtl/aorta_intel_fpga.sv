// aorta_intel_fpga: the body both Intel FPGA tops share (aorta_stratixv_top, aorta_arria10_top):
// the core PLL (aorta_core_pll at the derived clock), aorta_intel_chip and the card's Platform
// Designer system (aorta_sv_sys or aorta_a10_sys) holding the PCIe DMA hard IP, the DDR3
// controllers, the two SerialLite III links and the clock-crossing bridges. The tops only bind
// their card's pins and the derived config. docs/boards.md, "The Intel tops' common body".
//
//   PCIe Gen3 x8 ── <family>_sys (Avalon-MM DMA hard IP, DDR3, SerialLite III x2, bridges) ─┐
//        BAR0 ── regs (Avalon-MM) ──► aorta_avmm_to_axil ──► SoC registers
//        SoC DMA (AXI4) ──► aorta_axi_to_avmm ──► mem: DDR3 [0, dram_bytes), host 2^47 + IOVA
//        SoC irq ──► aorta_msi_writer ──► msi ──► Txs (MSI write)
//   link p ── SerialLite III (user clocks) ── aorta_link_port (async FIFOs, credits) ── port p
//
// Where the cards differ (parameter Arria10):
//   | what                     | Stratix V (0)                  | Arria 10 (1)                     |
//   | system                   | aorta_sv_sys: UniPHY DDR3      | aorta_a10_sys: two EMIF banks    |
//   | DDR3 banks (DdrBanks)    | 1 (two ranks: ck/cke/cs/odt x2)| 2 (one rank each)                |
//   | lanes per link           | 1 (64-bit user beats)          | 4 (256-bit user beats)           |
//   | DMA Avalon bursts        | 16 beats                       | 8 beats                          |
// The systems' other exports have the same names (fpga_board/intel_sys_common.tcl exports them
// for both), so one port list (AORTA_INTEL_SYS_COMMON below) connects them in either system.
`include "aorta_board_macros.svh"

module aorta_intel_fpga #(
  parameter bit          Arria10       = 1'b0,
  parameter aorta_board_pkg::soc_cfg_t Cfg = aorta_board_pkg::DefaultSocCfg,  // the SoC's
  localparam int unsigned DdrBanks     = Arria10 ? 2 : 1,
  localparam int unsigned LinkLanes    = Arria10 ? 4 : 1
) (
  input  logic                                clk_100_i,     // 100 MHz board oscillator
  input  logic                                sys_rst_ni,    // board power-on reset
  // PCIe Gen3 x8.
  input  logic                                pcie_refclk_i,
  input  logic                                pcie_perst_ni,
  input  logic [7:0]                          pcie_rx_i,
  output logic [7:0]                          pcie_tx_o,
  // DDR3: DdrBanks 64-bit banks; ck / cke / cs_n / odt are two per card either way (Stratix V:
  // the SO-DIMM's two ranks; Arria 10: one per bank).
  input  logic [DdrBanks-1:0]                 ddr3_refclk_i,
  input  logic [DdrBanks-1:0]                 ddr3_rzq_i,
  output logic [DdrBanks-1:0][15:0]           ddr3_a_o,
  output logic [DdrBanks-1:0][2:0]            ddr3_ba_o,
  output logic [1:0]                          ddr3_ck_o,
  output logic [1:0]                          ddr3_ck_n_o,
  output logic [1:0]                          ddr3_cke_o,
  output logic [1:0]                          ddr3_cs_n_o,
  output logic [DdrBanks-1:0][7:0]            ddr3_dm_o,
  output logic [DdrBanks-1:0]                 ddr3_ras_n_o,
  output logic [DdrBanks-1:0]                 ddr3_cas_n_o,
  output logic [DdrBanks-1:0]                 ddr3_we_n_o,
  output logic [DdrBanks-1:0]                 ddr3_reset_n_o,
  inout  wire  [DdrBanks-1:0][63:0]           ddr3_dq_io,
  inout  wire  [DdrBanks-1:0][7:0]            ddr3_dqs_io,
  inout  wire  [DdrBanks-1:0][7:0]            ddr3_dqs_n_io,
  output logic [1:0]                          ddr3_odt_o,
  // The two links (link ports 0 and 1): 644.53125 MHz reference, LinkLanes lanes each.
  input  logic                                link_refclk_i,
  input  logic [1:0][LinkLanes-1:0]           link_rx_i,
  output logic [1:0][LinkLanes-1:0]           link_tx_o
);
  localparam int unsigned BeatW    = 64 * LinkLanes;  // SerialLite III: 64 bits per lane
  localparam int unsigned MaxBurst = Arria10 ? 8 : 16;  // 8 x 128 bytes / 16 x 64 bytes
  localparam int unsigned BcW      = $clog2(MaxBurst) + 1;

  if (Cfg.link_ports != 2) begin : g_bad_ports
    $fatal(1, "aorta_intel_fpga: the card has two links; the config has %0d link ports",
           Cfg.link_ports);
  end

  // ---- Core clock and reset ------------------------------------------------------------------
  logic core_clk, core_locked, core_rst_n, pcie_app_rst_n;

  aorta_core_pll u_core_clk (
    .refclk  (clk_100_i),
    .rst     (!sys_rst_ni),
    .outclk_0(core_clk),
    .locked  (core_locked)
  );

  // ---- Chip ----------------------------------------------------------------------------------
  aorta_avmm_if #(.AddrWidth(64), .DataWidth(Cfg.dma_data_width), .BurstW(BcW)) mem (
    .clk_i (core_clk),
    .rst_ni(core_rst_n)
  );
  aorta_avmm_if #(.AddrWidth(12), .DataWidth(32)) regs (.clk_i(core_clk), .rst_ni(core_rst_n));
  aorta_avmm_if #(.AddrWidth(64), .DataWidth(32)) msi (.clk_i(core_clk), .rst_ni(core_rst_n));
  logic [81:0] msi_intfc;

  aorta_xcvr_if #(.Ports(2), .BeatW(BeatW)) xcvr ();
  assign xcvr.tx_ready = xcvr.tx_up;  // a SerialLite III source takes a beat every cycle

  aorta_intel_chip #(
    .Cfg     (Cfg),
    .BeatW   (BeatW),
    .Credits (8),
    .MaxBurst(MaxBurst)
  ) u_chip (
    .clk_i                    (core_clk),
    .arst_ni                  (core_locked && pcie_app_rst_n),
    .rst_no                   (core_rst_n),
    .mem                      (mem),
    .regs                     (regs),
    .msi_intfc_i              (msi_intfc),
    .msi                      (msi),
    .xcvr                     (xcvr)
  );

  // ---- PCIe, DDR3, links, interconnect -------------------------------------------------------
  // The exports both systems share (intel_sys_common.tcl): clocks and resets, PCIe, the mem /
  // regs / msi bridges, the links. A macro because the two systems are different generated
  // modules and SystemVerilog has no other way to share one instance's port list.
  // Link L (SerialLite III, port L): its lanes and user interface. Continuous mode: no bursts,
  // so start / end of burst and sync are tied off.
`define AORTA_INTEL_SYS_LINK(L) \
    .link``L``_tx_serial_data         (link_tx_o[L]), \
    .link``L``_rx_serial_data         (link_rx_i[L]), \
    .link``L``_user_clock_tx          (xcvr.tx_clk[L]), \
    .link``L``_link_up_tx             (xcvr.tx_up[L]), \
    .link``L``_data_tx                (xcvr.tx_data[BeatW*L +: BeatW]), \
    .link``L``_valid_tx               (xcvr.tx_valid[L]), \
    .link``L``_start_of_burst_tx      (1'b0), \
    .link``L``_end_of_burst_tx        (1'b0), \
    .link``L``_sync_tx                (8'h0), \
    .link``L``_user_clock_rx          (xcvr.rx_clk[L]), \
    .link``L``_link_up_rx             (xcvr.rx_up[L]), \
    .link``L``_data_rx                (xcvr.rx_data[BeatW*L +: BeatW]), \
    .link``L``_valid_rx               (xcvr.rx_valid[L])
`define AORTA_INTEL_SYS_COMMON \
    .clk_100_clk                  (clk_100_i), \
    .reset_reset_n                (sys_rst_ni), \
    .core_clk_clk                 (core_clk), \
    .core_reset_reset_n           (core_rst_n), \
    .pcie_refclk_clk              (pcie_refclk_i), \
    .pcie_npor_pin_perst          (pcie_perst_ni), \
    .pcie_serial_rx_in0           (pcie_rx_i[0]), \
    .pcie_serial_rx_in1           (pcie_rx_i[1]), \
    .pcie_serial_rx_in2           (pcie_rx_i[2]), \
    .pcie_serial_rx_in3           (pcie_rx_i[3]), \
    .pcie_serial_rx_in4           (pcie_rx_i[4]), \
    .pcie_serial_rx_in5           (pcie_rx_i[5]), \
    .pcie_serial_rx_in6           (pcie_rx_i[6]), \
    .pcie_serial_rx_in7           (pcie_rx_i[7]), \
    .pcie_serial_tx_out0          (pcie_tx_o[0]), \
    .pcie_serial_tx_out1          (pcie_tx_o[1]), \
    .pcie_serial_tx_out2          (pcie_tx_o[2]), \
    .pcie_serial_tx_out3          (pcie_tx_o[3]), \
    .pcie_serial_tx_out4          (pcie_tx_o[4]), \
    .pcie_serial_tx_out5          (pcie_tx_o[5]), \
    .pcie_serial_tx_out6          (pcie_tx_o[6]), \
    .pcie_serial_tx_out7          (pcie_tx_o[7]), \
    .pcie_nreset_status_reset_n   (pcie_app_rst_n), \
    .pcie_msi_msi_intfc           (msi_intfc), \
    `AORTA_AVMM_PORTS(mem_, , , mem), \
    `AORTA_AVMM_PORTS_WORD(regs_, , , regs), \
    `AORTA_AVMM_PORTS_WRITE(msi_, , , msi), \
    .link_refclk_clk              (link_refclk_i), \
    `AORTA_INTEL_SYS_LINK(0), \
    `AORTA_INTEL_SYS_LINK(1)
  // Calibration status: for SignalTap and the board's LEDs; an uncalibrated bank holds the SoC's
  // DRAM accesses in waitrequest (a run then stops at the host's timeout).
  logic [DdrBanks-1:0] unused_cal_success, unused_cal_fail;

  if (!Arria10) begin : g_sv
    logic unused_cal_done;

    aorta_sv_sys #(
      .MemDataWidth(Cfg.dma_data_width),
      .MemBurstW   (BcW)
    ) u_sys (
      .ddr3_pll_ref_clk_clk         (ddr3_refclk_i[0]),
      .ddr3_oct_rzqin               (ddr3_rzq_i[0]),
      .ddr3_mem_a                   (ddr3_a_o[0]),
      .ddr3_mem_ba                  (ddr3_ba_o[0]),
      .ddr3_mem_ck                  (ddr3_ck_o),
      .ddr3_mem_ck_n                (ddr3_ck_n_o),
      .ddr3_mem_cke                 (ddr3_cke_o),
      .ddr3_mem_cs_n                (ddr3_cs_n_o),
      .ddr3_mem_dm                  (ddr3_dm_o[0]),
      .ddr3_mem_ras_n               (ddr3_ras_n_o[0]),
      .ddr3_mem_cas_n               (ddr3_cas_n_o[0]),
      .ddr3_mem_we_n                (ddr3_we_n_o[0]),
      .ddr3_mem_reset_n             (ddr3_reset_n_o[0]),
      .ddr3_mem_dq                  (ddr3_dq_io[0]),
      .ddr3_mem_dqs                 (ddr3_dqs_io[0]),
      .ddr3_mem_dqs_n               (ddr3_dqs_n_io[0]),
      .ddr3_mem_odt                 (ddr3_odt_o),
      .ddr3_status_local_init_done  (unused_cal_done),
      .ddr3_status_local_cal_success(unused_cal_success[0]),
      .ddr3_status_local_cal_fail   (unused_cal_fail[0]),
      `AORTA_INTEL_SYS_COMMON
    );
  end else begin : g_a10
    aorta_a10_sys #(
      .MemDataWidth(Cfg.dma_data_width),
      .MemBurstW   (BcW)
    ) u_sys (
      .ddr3a_pll_ref_clk_clk         (ddr3_refclk_i[0]),
      .ddr3a_oct_oct_rzqin           (ddr3_rzq_i[0]),
      .ddr3a_mem_mem_a               (ddr3_a_o[0]),
      .ddr3a_mem_mem_ba              (ddr3_ba_o[0]),
      .ddr3a_mem_mem_ck              (ddr3_ck_o[0]),
      .ddr3a_mem_mem_ck_n            (ddr3_ck_n_o[0]),
      .ddr3a_mem_mem_cke             (ddr3_cke_o[0]),
      .ddr3a_mem_mem_cs_n            (ddr3_cs_n_o[0]),
      .ddr3a_mem_mem_dm              (ddr3_dm_o[0]),
      .ddr3a_mem_mem_ras_n           (ddr3_ras_n_o[0]),
      .ddr3a_mem_mem_cas_n           (ddr3_cas_n_o[0]),
      .ddr3a_mem_mem_we_n            (ddr3_we_n_o[0]),
      .ddr3a_mem_mem_reset_n         (ddr3_reset_n_o[0]),
      .ddr3a_mem_mem_dq              (ddr3_dq_io[0]),
      .ddr3a_mem_mem_dqs             (ddr3_dqs_io[0]),
      .ddr3a_mem_mem_dqs_n           (ddr3_dqs_n_io[0]),
      .ddr3a_mem_mem_odt             (ddr3_odt_o[0]),
      .ddr3a_status_local_cal_success(unused_cal_success[0]),
      .ddr3a_status_local_cal_fail   (unused_cal_fail[0]),
      .ddr3b_pll_ref_clk_clk         (ddr3_refclk_i[1]),
      .ddr3b_oct_oct_rzqin           (ddr3_rzq_i[1]),
      .ddr3b_mem_mem_a               (ddr3_a_o[1]),
      .ddr3b_mem_mem_ba              (ddr3_ba_o[1]),
      .ddr3b_mem_mem_ck              (ddr3_ck_o[1]),
      .ddr3b_mem_mem_ck_n            (ddr3_ck_n_o[1]),
      .ddr3b_mem_mem_cke             (ddr3_cke_o[1]),
      .ddr3b_mem_mem_cs_n            (ddr3_cs_n_o[1]),
      .ddr3b_mem_mem_dm              (ddr3_dm_o[1]),
      .ddr3b_mem_mem_ras_n           (ddr3_ras_n_o[1]),
      .ddr3b_mem_mem_cas_n           (ddr3_cas_n_o[1]),
      .ddr3b_mem_mem_we_n            (ddr3_we_n_o[1]),
      .ddr3b_mem_mem_reset_n         (ddr3_reset_n_o[1]),
      .ddr3b_mem_mem_dq              (ddr3_dq_io[1]),
      .ddr3b_mem_mem_dqs             (ddr3_dqs_io[1]),
      .ddr3b_mem_mem_dqs_n           (ddr3_dqs_n_io[1]),
      .ddr3b_mem_mem_odt             (ddr3_odt_o[1]),
      .ddr3b_status_local_cal_success(unused_cal_success[1]),
      .ddr3b_status_local_cal_fail   (unused_cal_fail[1]),
      `AORTA_INTEL_SYS_COMMON
    );
  end
`undef AORTA_INTEL_SYS_COMMON
`undef AORTA_INTEL_SYS_LINK
endmodule
