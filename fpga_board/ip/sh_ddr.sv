// Interface model of sh_ddr, the AWS F1 HDK's DDR4 block for the three DDR4 channels the
// custom logic instantiates (A, B, D; channel C is in the shell): its ports as the HDK's
// hdk/common/shell_v04261818/design/sh_ddr/synth/sh_ddr.sv declares them (aws-fpga repository,
// "AWS Shell Interface Specification"), for Verilator lint only. The F1 build uses the HDK's
// encrypted sh_ddr; nothing here is simulated.
//
// The port list stays flat, one port per signal under the vendor's name: the wrapper instantiates
// the HDK's encrypted sh_ddr by these names, so the model has exactly them. The wrappers connect
// their bus interfaces (fpga_board/rtl/aorta_*_if.sv) to it with the macros of
// fpga_board/rtl/aorta_board_macros.svh.
module sh_ddr #(
  parameter int DDR_A_PRESENT = 1,
  parameter int DDR_B_PRESENT = 1,
  parameter int DDR_D_PRESENT = 1,
  parameter int DDR_A_IO      = 1,
  parameter int DDR_D_IO      = 1
) (
  input  logic              clk,
  input  logic              rst_n,
  input  logic              stat_clk,
  input  logic              stat_rst_n,
  // DDR4 RDIMM channel A.
  input  logic              CLK_300M_DIMM0_DP,
  input  logic              CLK_300M_DIMM0_DN,
  output logic              M_A_ACT_N,
  output logic [16:0]       M_A_MA,
  output logic [1:0]        M_A_BA,
  output logic [1:0]        M_A_BG,
  output logic [0:0]        M_A_CKE,
  output logic [0:0]        M_A_ODT,
  output logic [0:0]        M_A_CS_N,
  output logic [0:0]        M_A_CLK_DN,
  output logic [0:0]        M_A_CLK_DP,
  output logic              M_A_PAR,
  inout  wire  [63:0]       M_A_DQ,
  inout  wire  [7:0]        M_A_ECC,
  inout  wire  [17:0]       M_A_DQS_DP,
  inout  wire  [17:0]       M_A_DQS_DN,
  output logic              cl_RST_DIMM_A_N,
  // DDR4 RDIMM channel B.
  input  logic              CLK_300M_DIMM1_DP,
  input  logic              CLK_300M_DIMM1_DN,
  output logic              M_B_ACT_N,
  output logic [16:0]       M_B_MA,
  output logic [1:0]        M_B_BA,
  output logic [1:0]        M_B_BG,
  output logic [0:0]        M_B_CKE,
  output logic [0:0]        M_B_ODT,
  output logic [0:0]        M_B_CS_N,
  output logic [0:0]        M_B_CLK_DN,
  output logic [0:0]        M_B_CLK_DP,
  output logic              M_B_PAR,
  inout  wire  [63:0]       M_B_DQ,
  inout  wire  [7:0]        M_B_ECC,
  inout  wire  [17:0]       M_B_DQS_DP,
  inout  wire  [17:0]       M_B_DQS_DN,
  output logic              cl_RST_DIMM_B_N,
  // DDR4 RDIMM channel D.
  input  logic              CLK_300M_DIMM3_DP,
  input  logic              CLK_300M_DIMM3_DN,
  output logic              M_D_ACT_N,
  output logic [16:0]       M_D_MA,
  output logic [1:0]        M_D_BA,
  output logic [1:0]        M_D_BG,
  output logic [0:0]        M_D_CKE,
  output logic [0:0]        M_D_ODT,
  output logic [0:0]        M_D_CS_N,
  output logic [0:0]        M_D_CLK_DN,
  output logic [0:0]        M_D_CLK_DP,
  output logic              M_D_PAR,
  inout  wire  [63:0]       M_D_DQ,
  inout  wire  [7:0]        M_D_ECC,
  inout  wire  [17:0]       M_D_DQS_DP,
  inout  wire  [17:0]       M_D_DQS_DN,
  output logic              cl_RST_DIMM_D_N,
  // The three channels' AXI4 slaves (index 0: A, 1: B, 2: D).
  input  logic [15:0]       cl_sh_ddr_awid[2:0],
  input  logic [63:0]       cl_sh_ddr_awaddr[2:0],
  input  logic [7:0]        cl_sh_ddr_awlen[2:0],
  input  logic [2:0]        cl_sh_ddr_awsize[2:0],
  input  logic [1:0]        cl_sh_ddr_awburst[2:0],
  input  logic              cl_sh_ddr_awvalid[2:0],
  output logic [2:0]        sh_cl_ddr_awready,
  input  logic [15:0]       cl_sh_ddr_wid[2:0],
  input  logic [511:0]      cl_sh_ddr_wdata[2:0],
  input  logic [63:0]       cl_sh_ddr_wstrb[2:0],
  input  logic [2:0]        cl_sh_ddr_wlast,
  input  logic [2:0]        cl_sh_ddr_wvalid,
  output logic [2:0]        sh_cl_ddr_wready,
  output logic [15:0]       sh_cl_ddr_bid[2:0],
  output logic [1:0]        sh_cl_ddr_bresp[2:0],
  output logic [2:0]        sh_cl_ddr_bvalid,
  input  logic [2:0]        cl_sh_ddr_bready,
  input  logic [15:0]       cl_sh_ddr_arid[2:0],
  input  logic [63:0]       cl_sh_ddr_araddr[2:0],
  input  logic [7:0]        cl_sh_ddr_arlen[2:0],
  input  logic [2:0]        cl_sh_ddr_arsize[2:0],
  input  logic [1:0]        cl_sh_ddr_arburst[2:0],
  input  logic [2:0]        cl_sh_ddr_arvalid,
  output logic [2:0]        sh_cl_ddr_arready,
  output logic [15:0]       sh_cl_ddr_rid[2:0],
  output logic [511:0]      sh_cl_ddr_rdata[2:0],
  output logic [1:0]        sh_cl_ddr_rresp[2:0],
  output logic [2:0]        sh_cl_ddr_rlast,
  output logic [2:0]        sh_cl_ddr_rvalid,
  input  logic [2:0]        cl_sh_ddr_rready,
  output logic [2:0]        sh_cl_ddr_is_ready,
  // Statistics interface 0 (to the shell's sh_ddr_stat_*0).
  input  logic [7:0]        sh_ddr_stat_addr0,
  input  logic              sh_ddr_stat_wr0,
  input  logic              sh_ddr_stat_rd0,
  input  logic [31:0]       sh_ddr_stat_wdata0,
  output logic              ddr_sh_stat_ack0,
  output logic [31:0]       ddr_sh_stat_rdata0,
  output logic [7:0]        ddr_sh_stat_int0,
  // Statistics interface 1 (to the shell's sh_ddr_stat_*1).
  input  logic [7:0]        sh_ddr_stat_addr1,
  input  logic              sh_ddr_stat_wr1,
  input  logic              sh_ddr_stat_rd1,
  input  logic [31:0]       sh_ddr_stat_wdata1,
  output logic              ddr_sh_stat_ack1,
  output logic [31:0]       ddr_sh_stat_rdata1,
  output logic [7:0]        ddr_sh_stat_int1,
  // Statistics interface 2 (to the shell's sh_ddr_stat_*2).
  input  logic [7:0]        sh_ddr_stat_addr2,
  input  logic              sh_ddr_stat_wr2,
  input  logic              sh_ddr_stat_rd2,
  input  logic [31:0]       sh_ddr_stat_wdata2,
  output logic              ddr_sh_stat_ack2,
  output logic [31:0]       ddr_sh_stat_rdata2,
  output logic [7:0]        ddr_sh_stat_int2
);
  assign {M_A_ACT_N, M_A_MA, M_A_BA, M_A_BG, M_A_CKE, M_A_ODT, M_A_CS_N, M_A_CLK_DN,
          M_A_CLK_DP, M_A_PAR, cl_RST_DIMM_A_N} = '0;
  assign {M_B_ACT_N, M_B_MA, M_B_BA, M_B_BG, M_B_CKE, M_B_ODT, M_B_CS_N, M_B_CLK_DN,
          M_B_CLK_DP, M_B_PAR, cl_RST_DIMM_B_N} = '0;
  assign {M_D_ACT_N, M_D_MA, M_D_BA, M_D_BG, M_D_CKE, M_D_ODT, M_D_CS_N, M_D_CLK_DN,
          M_D_CLK_DP, M_D_PAR, cl_RST_DIMM_D_N} = '0;
  assign {sh_cl_ddr_awready, sh_cl_ddr_wready, sh_cl_ddr_bvalid, sh_cl_ddr_arready,
          sh_cl_ddr_rlast, sh_cl_ddr_rvalid, sh_cl_ddr_is_ready} = '0;
  assign sh_cl_ddr_bid   = '{default: '0};
  assign sh_cl_ddr_bresp = '{default: '0};
  assign sh_cl_ddr_rid   = '{default: '0};
  assign sh_cl_ddr_rdata = '{default: '0};
  assign sh_cl_ddr_rresp = '{default: '0};
  assign {ddr_sh_stat_ack0, ddr_sh_stat_rdata0, ddr_sh_stat_int0, ddr_sh_stat_ack1,
          ddr_sh_stat_rdata1, ddr_sh_stat_int1, ddr_sh_stat_ack2, ddr_sh_stat_rdata2,
          ddr_sh_stat_int2} = '0;
endmodule
