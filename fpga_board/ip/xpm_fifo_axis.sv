// Interface model of the AMD/Xilinx parameterized macro xpm_fifo_axis (UG974), the ports the
// board wrappers use (independent clocks): for Verilator lint only. Vivado resolves the real
// macro from its XPM library; the build script does not read this file.
module xpm_fifo_axis #(
  parameter string CLOCKING_MODE = "independent_clock",
  parameter int    FIFO_DEPTH    = 64,
  parameter int    TDATA_WIDTH   = 256
) (
  input  logic                   s_aclk,
  input  logic                   m_aclk,
  input  logic                   s_aresetn,
  input  logic                   s_axis_tvalid,
  output logic                   s_axis_tready,
  input  logic [TDATA_WIDTH-1:0] s_axis_tdata,
  output logic                   m_axis_tvalid,
  input  logic                   m_axis_tready,
  output logic [TDATA_WIDTH-1:0] m_axis_tdata
);
  assign {s_axis_tready, m_axis_tvalid, m_axis_tdata} = '0;
endmodule
