// aorta_arria10_top: the FPGA top of an Arria 10 GX 1150 PCIe card (Nallatech 385A class: 8 GB
// DDR3 in two banks, PCIe Gen3 x8, two QSFP+ cages) running one aorta chip (board
// single_arria10). docs/boards.md, "Arria 10 wrapper". The same structure as the Stratix V
// wrapper, with the Arria 10 IP:
//
//   PCIe Gen3 x8 ── aorta_a10_sys (Avalon-MM DMA hard IP, 2 x DDR3 EMIF, SerialLite III x2,
//                                  clock-crossing bridges) ─┐
//        BAR0 ── regs (Avalon-MM) ──► aorta_avmm_to_axil ──► SoC registers
//        SoC DMA (AXI4) ──► aorta_axi_to_avmm ──► mem: DDR3 [0, 8 GiB), host 2^47 + IOVA (Txs)
//        SoC irq ──► aorta_msi_writer ──► msi ──► Txs (MSI write)
//   QSFP+ p ── SerialLite III x4 (user clocks) ── aorta_link_port ── link port p
//
// The SoC's parameters come from the derived config (aorta_cfg_arria10_card_pkg, written by
// fpga_gen); the core clock from aorta_core_pll (IOPLL) at the derived clock. Not built with
// Quartus, not run on hardware: it lints against interface models (fpga_board/ip/).
module aorta_arria10_top
  import aorta_cfg_arria10_card_pkg::LinkPorts;
  import aorta_cfg_arria10_card_pkg::QueueDepth;
  import aorta_cfg_arria10_card_pkg::TokenCapacity;
  import aorta_cfg_arria10_card_pkg::ConfigFp;
  import aorta_cfg_arria10_card_pkg::DramBytes;
  import aorta_cfg_arria10_card_pkg::DmaDataWidth;
#(
  // The derived geometry. Only the lint tests override these, with a small array (elaborating
  // the 48 x 48 array takes Verilator minutes; the full-size lint is labelled slow).
  parameter int unsigned N         = aorta_cfg_arria10_card_pkg::N,
  parameter int unsigned UbRows    = aorta_cfg_arria10_card_pkg::UbRows,
  parameter int unsigned WbRows    = aorta_cfg_arria10_card_pkg::WbRows,
  parameter int unsigned AccRows   = aorta_cfg_arria10_card_pkg::AccRows,
  parameter int unsigned ParamRows = aorta_cfg_arria10_card_pkg::ParamRows,
  parameter int unsigned LutTables = aorta_cfg_arria10_card_pkg::LutTables
) (
  input  logic              clk_100,      // 100 MHz board oscillator
  input  logic              sys_resetn,   // board power-on reset
  // PCIe Gen3 x8 edge connector.
  input  logic              pcie_refclk,
  input  logic              pcie_perstn,
  input  logic [7:0]        pcie_rx,
  output logic [7:0]        pcie_tx,
  // DDR3 banks a and b (64 bit each).
  input  logic [1:0]        ddr3_refclk,
  input  logic [1:0]        ddr3_rzq,
  output logic [1:0][15:0]  ddr3_a,
  output logic [1:0][2:0]   ddr3_ba,
  output logic [1:0]        ddr3_ck,
  output logic [1:0]        ddr3_ck_n,
  output logic [1:0]        ddr3_cke,
  output logic [1:0]        ddr3_cs_n,
  output logic [1:0][7:0]   ddr3_dm,
  output logic [1:0]        ddr3_ras_n,
  output logic [1:0]        ddr3_cas_n,
  output logic [1:0]        ddr3_we_n,
  output logic [1:0]        ddr3_reset_n,
  inout  wire  [1:0][63:0]  ddr3_dq,
  inout  wire  [1:0][7:0]   ddr3_dqs,
  inout  wire  [1:0][7:0]   ddr3_dqs_n,
  output logic [1:0]        ddr3_odt,
  // QSFP+ cages 0 and 1 (link ports 0 and 1): 644.53125 MHz reference, four lanes each.
  input  logic              qsfp_refclk,
  input  logic [1:0][3:0]   qsfp_rx,
  output logic [1:0][3:0]   qsfp_tx
);
  localparam int unsigned BeatW    = 256;  // SerialLite III, four lanes: 256 bits per user clock
  localparam int unsigned MaxBurst = 8;    // Avalon bursts of the DMA: 8 x 128 bytes
  localparam int unsigned BcW      = $clog2(MaxBurst) + 1;

  if (LinkPorts != 2) begin : g_bad_ports
    $fatal(1, "aorta_arria10_top: the card has two QSFP+ cages; the config has %0d link ports",
           LinkPorts);
  end

  // ---- Core clock and reset ------------------------------------------------------------------
  logic core_clk, core_locked, core_rst_n, pcie_app_rst_n;

  aorta_core_pll u_core_clk (
    .refclk  (clk_100),
    .rst     (!sys_resetn),
    .outclk_0(core_clk),
    .locked  (core_locked)
  );

  // ---- Chip ----------------------------------------------------------------------------------
  logic [63:0]               mem_address, msi_address;
  logic [BcW-1:0]            mem_burstcount;
  logic                      mem_read, mem_write, mem_waitrequest, mem_readdatavalid;
  logic                      mem_writeresponsevalid;
  logic [DmaDataWidth-1:0]   mem_writedata, mem_readdata;
  logic [DmaDataWidth/8-1:0] mem_byteenable;
  logic [1:0]                mem_response, regs_response;
  logic [11:0]               regs_address;
  logic                      regs_read, regs_write, regs_waitrequest, regs_readdatavalid;
  logic                      regs_writeresponsevalid;
  logic [31:0]               regs_writedata, regs_readdata, msi_writedata;
  logic [3:0]                regs_byteenable, msi_byteenable;
  logic                      msi_write, msi_waitrequest;
  logic [81:0]               msi_intfc;

  logic [1:0]                tx_clk, tx_up, tx_valid, rx_clk, rx_up, rx_valid;
  logic [2*BeatW-1:0]        tx_data, rx_data;

  aorta_intel_chip #(
    .N            (N),
    .UbRows       (UbRows),
    .WbRows       (WbRows),
    .AccRows      (AccRows),
    .ParamRows    (ParamRows),
    .LutTables    (LutTables),
    .QueueDepth   (QueueDepth),
    .TokenCapacity(TokenCapacity),
    .LinkPorts    (LinkPorts),
    .ConfigFp     (ConfigFp),
    .DramBytes    (DramBytes),
    .DmaDataWidth (DmaDataWidth),
    .BeatW        (BeatW),
    .Credits      (8),
    .MaxBurst     (MaxBurst)
  ) u_chip (
    .clk_i                    (core_clk),
    .arst_ni                  (core_locked && pcie_app_rst_n),
    .rst_no                   (core_rst_n),
    .mem_address_o            (mem_address),
    .mem_burstcount_o         (mem_burstcount),
    .mem_read_o               (mem_read),
    .mem_write_o              (mem_write),
    .mem_writedata_o          (mem_writedata),
    .mem_byteenable_o         (mem_byteenable),
    .mem_waitrequest_i        (mem_waitrequest),
    .mem_readdata_i           (mem_readdata),
    .mem_readdatavalid_i      (mem_readdatavalid),
    .mem_response_i           (mem_response),
    .mem_writeresponsevalid_i (mem_writeresponsevalid),
    .regs_address_i           (regs_address),
    .regs_read_i              (regs_read),
    .regs_write_i             (regs_write),
    .regs_writedata_i         (regs_writedata),
    .regs_byteenable_i        (regs_byteenable),
    .regs_waitrequest_o       (regs_waitrequest),
    .regs_readdata_o          (regs_readdata),
    .regs_readdatavalid_o     (regs_readdatavalid),
    .regs_response_o          (regs_response),
    .regs_writeresponsevalid_o(regs_writeresponsevalid),
    .msi_intfc_i              (msi_intfc),
    .msi_address_o            (msi_address),
    .msi_write_o              (msi_write),
    .msi_writedata_o          (msi_writedata),
    .msi_byteenable_o         (msi_byteenable),
    .msi_waitrequest_i        (msi_waitrequest),
    .xcvr_tx_clk_i            (tx_clk),
    .xcvr_tx_up_i             (tx_up),
    .xcvr_tx_valid_o          (tx_valid),
    .xcvr_tx_ready_i          (tx_up),     // a SerialLite III source takes a beat every cycle
    .xcvr_tx_data_o           (tx_data),
    .xcvr_rx_clk_i            (rx_clk),
    .xcvr_rx_up_i             (rx_up),
    .xcvr_rx_valid_i          (rx_valid),
    .xcvr_rx_data_i           (rx_data)
  );

  // ---- PCIe, DDR3, links, interconnect -------------------------------------------------------
  logic [1:0] unused_cal_success, unused_cal_fail;

  aorta_a10_sys #(
    .MemDataWidth(DmaDataWidth),
    .MemBurstW   (BcW)
  ) u_sys (
    .clk_100_clk                  (clk_100),
    .reset_reset_n                (sys_resetn),
    .core_clk_clk                 (core_clk),
    .core_reset_reset_n           (core_rst_n),
    .pcie_refclk_clk              (pcie_refclk),
    .pcie_npor_pin_perst          (pcie_perstn),
    .pcie_serial_rx_in0           (pcie_rx[0]),
    .pcie_serial_rx_in1           (pcie_rx[1]),
    .pcie_serial_rx_in2           (pcie_rx[2]),
    .pcie_serial_rx_in3           (pcie_rx[3]),
    .pcie_serial_rx_in4           (pcie_rx[4]),
    .pcie_serial_rx_in5           (pcie_rx[5]),
    .pcie_serial_rx_in6           (pcie_rx[6]),
    .pcie_serial_rx_in7           (pcie_rx[7]),
    .pcie_serial_tx_out0          (pcie_tx[0]),
    .pcie_serial_tx_out1          (pcie_tx[1]),
    .pcie_serial_tx_out2          (pcie_tx[2]),
    .pcie_serial_tx_out3          (pcie_tx[3]),
    .pcie_serial_tx_out4          (pcie_tx[4]),
    .pcie_serial_tx_out5          (pcie_tx[5]),
    .pcie_serial_tx_out6          (pcie_tx[6]),
    .pcie_serial_tx_out7          (pcie_tx[7]),
    .pcie_nreset_status_reset_n   (pcie_app_rst_n),
    .pcie_msi_msi_intfc           (msi_intfc),
    // Calibration status: for SignalTap and the board's LEDs; an uncalibrated bank holds the
    // SoC's DRAM accesses in waitrequest (a run then stops at the host's timeout).
    .ddr3a_pll_ref_clk_clk        (ddr3_refclk[0]),
    .ddr3a_oct_oct_rzqin          (ddr3_rzq[0]),
    .ddr3a_mem_mem_a              (ddr3_a[0]),
    .ddr3a_mem_mem_ba             (ddr3_ba[0]),
    .ddr3a_mem_mem_ck             (ddr3_ck[0]),
    .ddr3a_mem_mem_ck_n           (ddr3_ck_n[0]),
    .ddr3a_mem_mem_cke            (ddr3_cke[0]),
    .ddr3a_mem_mem_cs_n           (ddr3_cs_n[0]),
    .ddr3a_mem_mem_dm             (ddr3_dm[0]),
    .ddr3a_mem_mem_ras_n          (ddr3_ras_n[0]),
    .ddr3a_mem_mem_cas_n          (ddr3_cas_n[0]),
    .ddr3a_mem_mem_we_n           (ddr3_we_n[0]),
    .ddr3a_mem_mem_reset_n        (ddr3_reset_n[0]),
    .ddr3a_mem_mem_dq             (ddr3_dq[0]),
    .ddr3a_mem_mem_dqs            (ddr3_dqs[0]),
    .ddr3a_mem_mem_dqs_n          (ddr3_dqs_n[0]),
    .ddr3a_mem_mem_odt            (ddr3_odt[0]),
    .ddr3a_status_local_cal_success(unused_cal_success[0]),
    .ddr3a_status_local_cal_fail  (unused_cal_fail[0]),
    .ddr3b_pll_ref_clk_clk        (ddr3_refclk[1]),
    .ddr3b_oct_oct_rzqin          (ddr3_rzq[1]),
    .ddr3b_mem_mem_a              (ddr3_a[1]),
    .ddr3b_mem_mem_ba             (ddr3_ba[1]),
    .ddr3b_mem_mem_ck             (ddr3_ck[1]),
    .ddr3b_mem_mem_ck_n           (ddr3_ck_n[1]),
    .ddr3b_mem_mem_cke            (ddr3_cke[1]),
    .ddr3b_mem_mem_cs_n           (ddr3_cs_n[1]),
    .ddr3b_mem_mem_dm             (ddr3_dm[1]),
    .ddr3b_mem_mem_ras_n          (ddr3_ras_n[1]),
    .ddr3b_mem_mem_cas_n          (ddr3_cas_n[1]),
    .ddr3b_mem_mem_we_n           (ddr3_we_n[1]),
    .ddr3b_mem_mem_reset_n        (ddr3_reset_n[1]),
    .ddr3b_mem_mem_dq             (ddr3_dq[1]),
    .ddr3b_mem_mem_dqs            (ddr3_dqs[1]),
    .ddr3b_mem_mem_dqs_n          (ddr3_dqs_n[1]),
    .ddr3b_mem_mem_odt            (ddr3_odt[1]),
    .ddr3b_status_local_cal_success(unused_cal_success[1]),
    .ddr3b_status_local_cal_fail  (unused_cal_fail[1]),
    .mem_address                  (mem_address),
    .mem_burstcount               (mem_burstcount),
    .mem_read                     (mem_read),
    .mem_write                    (mem_write),
    .mem_writedata                (mem_writedata),
    .mem_byteenable               (mem_byteenable),
    .mem_waitrequest              (mem_waitrequest),
    .mem_readdata                 (mem_readdata),
    .mem_readdatavalid            (mem_readdatavalid),
    .mem_response                 (mem_response),
    .mem_writeresponsevalid       (mem_writeresponsevalid),
    .regs_address                 (regs_address),
    .regs_read                    (regs_read),
    .regs_write                   (regs_write),
    .regs_writedata               (regs_writedata),
    .regs_byteenable              (regs_byteenable),
    .regs_waitrequest             (regs_waitrequest),
    .regs_readdata                (regs_readdata),
    .regs_readdatavalid           (regs_readdatavalid),
    .regs_response                (regs_response),
    .regs_writeresponsevalid      (regs_writeresponsevalid),
    .msi_address                  (msi_address),
    .msi_write                    (msi_write),
    .msi_writedata                (msi_writedata),
    .msi_byteenable               (msi_byteenable),
    .msi_waitrequest              (msi_waitrequest),
    .link_refclk_clk              (qsfp_refclk),
    .link0_tx_serial_data         (qsfp_tx[0]),
    .link0_rx_serial_data         (qsfp_rx[0]),
    .link0_user_clock_tx          (tx_clk[0]),
    .link0_link_up_tx             (tx_up[0]),
    .link0_data_tx                (tx_data[0 +: BeatW]),
    .link0_valid_tx               (tx_valid[0]),
    .link0_start_of_burst_tx      (1'b0),  // continuous mode: no bursts
    .link0_end_of_burst_tx        (1'b0),
    .link0_sync_tx                (8'h0),
    .link0_user_clock_rx          (rx_clk[0]),
    .link0_link_up_rx             (rx_up[0]),
    .link0_data_rx                (rx_data[0 +: BeatW]),
    .link0_valid_rx               (rx_valid[0]),
    .link1_tx_serial_data         (qsfp_tx[1]),
    .link1_rx_serial_data         (qsfp_rx[1]),
    .link1_user_clock_tx          (tx_clk[1]),
    .link1_link_up_tx             (tx_up[1]),
    .link1_data_tx                (tx_data[BeatW +: BeatW]),
    .link1_valid_tx               (tx_valid[1]),
    .link1_start_of_burst_tx      (1'b0),
    .link1_end_of_burst_tx        (1'b0),
    .link1_sync_tx                (8'h0),
    .link1_user_clock_rx          (rx_clk[1]),
    .link1_link_up_rx             (rx_up[1]),
    .link1_data_rx                (rx_data[BeatW +: BeatW]),
    .link1_valid_rx               (rx_valid[1])
  );
endmodule
