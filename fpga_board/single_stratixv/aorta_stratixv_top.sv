// aorta_stratixv_top: the FPGA top of one Stratix V 5SGSD5 running one aorta chip, on a
// Catapult-v1-class card (8 GB DDR3, PCIe Gen3 x8, two 10 Gb/s links). Boards single_stratixv,
// catapult6_stratixv and ring8_stratixv load this same bitstream into every FPGA; the multi-FPGA
// boards differ only in how the links are wired (aorta_stratixv_ring). docs/boards.md,
// "Stratix V wrapper".
//
//   PCIe Gen3 x8 ── aorta_sv_sys (Avalon-MM DMA hard IP, DDR3 UniPHY, SerialLite III x2,
//                                 clock-crossing bridges) ─┐
//        BAR0 ── regs (Avalon-MM) ──► aorta_avmm_to_axil ──► SoC registers
//        SoC DMA (AXI4) ──► aorta_axi_to_avmm ──► mem: DDR3 [0, 8 GiB), host 2^47 + IOVA (Txs)
//        SoC irq ──► aorta_msi_writer ──► msi ──► Txs (MSI write)
//   link p ── SerialLite III (user clocks) ── aorta_link_port (async FIFOs, credits) ── port p
//
// The SoC's parameters come from the derived config (aorta_cfg_stratixv_catapult_pkg, written
// by fpga_gen); the core clock from aorta_core_pll at the derived clock. Not built with Quartus,
// not run on hardware: it lints against interface models (fpga_board/ip/).
module aorta_stratixv_top
  import aorta_cfg_stratixv_catapult_pkg::LinkPorts;
  import aorta_cfg_stratixv_catapult_pkg::QueueDepth;
  import aorta_cfg_stratixv_catapult_pkg::TokenCapacity;
  import aorta_cfg_stratixv_catapult_pkg::ConfigFp;
  import aorta_cfg_stratixv_catapult_pkg::DramBytes;
  import aorta_cfg_stratixv_catapult_pkg::DmaDataWidth;
#(
  // The derived geometry. Only the lint tests override these, with a small array (elaborating
  // the 48 x 48 array takes Verilator minutes; the full-size lint is labelled slow).
  parameter int unsigned N         = aorta_cfg_stratixv_catapult_pkg::N,
  parameter int unsigned UbRows    = aorta_cfg_stratixv_catapult_pkg::UbRows,
  parameter int unsigned WbRows    = aorta_cfg_stratixv_catapult_pkg::WbRows,
  parameter int unsigned AccRows   = aorta_cfg_stratixv_catapult_pkg::AccRows,
  parameter int unsigned ParamRows = aorta_cfg_stratixv_catapult_pkg::ParamRows,
  parameter int unsigned LutTables = aorta_cfg_stratixv_catapult_pkg::LutTables
) (
  input  logic        clk_100,      // 100 MHz board oscillator
  input  logic        sys_resetn,   // board power-on reset
  // PCIe Gen3 x8 (edge connector, or the card's PCIe switch).
  input  logic        pcie_refclk,
  input  logic        pcie_perstn,
  input  logic [7:0]  pcie_rx,
  output logic [7:0]  pcie_tx,
  // DDR3 SO-DIMM.
  input  logic        ddr3_refclk,
  input  logic        ddr3_rzq,
  output logic [15:0] ddr3_a,
  output logic [2:0]  ddr3_ba,
  output logic [1:0]  ddr3_ck,
  output logic [1:0]  ddr3_ck_n,
  output logic [1:0]  ddr3_cke,
  output logic [1:0]  ddr3_cs_n,
  output logic [7:0]  ddr3_dm,
  output logic        ddr3_ras_n,
  output logic        ddr3_cas_n,
  output logic        ddr3_we_n,
  output logic        ddr3_reset_n,
  inout  wire  [63:0] ddr3_dq,
  inout  wire  [7:0]  ddr3_dqs,
  inout  wire  [7:0]  ddr3_dqs_n,
  output logic [1:0]  ddr3_odt,
  // The two 10 Gb/s links (link ports 0 and 1): 644.53125 MHz reference, one lane each.
  input  logic        link_refclk,
  input  logic [1:0]  link_rx,
  output logic [1:0]  link_tx
);
  localparam int unsigned BeatW    = 64;  // SerialLite III, one lane: 64 bits per user clock
  localparam int unsigned MaxBurst = 16;  // Avalon bursts of the DMA: 16 x 64 bytes
  localparam int unsigned BcW      = $clog2(MaxBurst) + 1;

  if (LinkPorts != 2) begin : g_bad_ports
    $fatal(1, "aorta_stratixv_top: the card has two links; the config has %0d link ports",
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
  logic unused_cal_done, unused_cal_success, unused_cal_fail;

  aorta_sv_sys #(
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
    .ddr3_pll_ref_clk_clk         (ddr3_refclk),
    .ddr3_oct_rzqin               (ddr3_rzq),
    .ddr3_mem_a                   (ddr3_a),
    .ddr3_mem_ba                  (ddr3_ba),
    .ddr3_mem_ck                  (ddr3_ck),
    .ddr3_mem_ck_n                (ddr3_ck_n),
    .ddr3_mem_cke                 (ddr3_cke),
    .ddr3_mem_cs_n                (ddr3_cs_n),
    .ddr3_mem_dm                  (ddr3_dm),
    .ddr3_mem_ras_n               (ddr3_ras_n),
    .ddr3_mem_cas_n               (ddr3_cas_n),
    .ddr3_mem_we_n                (ddr3_we_n),
    .ddr3_mem_reset_n             (ddr3_reset_n),
    .ddr3_mem_dq                  (ddr3_dq),
    .ddr3_mem_dqs                 (ddr3_dqs),
    .ddr3_mem_dqs_n               (ddr3_dqs_n),
    .ddr3_mem_odt                 (ddr3_odt),
    // Calibration status: for SignalTap and the board's LEDs; an uncalibrated DDR3 holds the
    // SoC's DRAM accesses in waitrequest (a run then stops at the host's timeout).
    .ddr3_status_local_init_done  (unused_cal_done),
    .ddr3_status_local_cal_success(unused_cal_success),
    .ddr3_status_local_cal_fail   (unused_cal_fail),
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
    .link_refclk_clk              (link_refclk),
    .link0_tx_serial_data         (link_tx[0]),
    .link0_rx_serial_data         (link_rx[0]),
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
    .link1_tx_serial_data         (link_tx[1]),
    .link1_rx_serial_data         (link_rx[1]),
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
