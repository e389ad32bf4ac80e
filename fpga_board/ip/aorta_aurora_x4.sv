// Interface model of AMD/Xilinx Aurora 64B/66B (PG074), duplex, streaming user interface, four
// lanes: the ports the board wrappers use, for Verilator lint. The vendor build replaces it
// with the core the build script generates (aurora_64b66b, component name aorta_aurora_x4);
// nothing here is simulated. s_axi_tx_* / m_axi_rx_* carry 64 bits per lane; the receive side
// has no ready (Aurora has no receive back-pressure: aorta_link_adapter's credits supply it).
module aorta_aurora_x4 (
  input  logic         init_clk,
  input  logic         reset_pb,
  input  logic         pma_init,
  input  logic         gt_refclk1_p,
  input  logic         gt_refclk1_n,
  input  logic [3:0]   rxp,
  input  logic [3:0]   rxn,
  output logic [3:0]   txp,
  output logic [3:0]   txn,
  output logic         user_clk_out,
  output logic         channel_up,
  output logic [3:0]   lane_up,
  output logic         hard_err,
  output logic         soft_err,
  input  logic [255:0] s_axi_tx_tdata,
  input  logic         s_axi_tx_tvalid,
  output logic         s_axi_tx_tready,
  output logic [255:0] m_axi_rx_tdata,
  output logic         m_axi_rx_tvalid
);
  assign {txp, txn, user_clk_out, channel_up, lane_up, hard_err, soft_err} = '0;
  assign {s_axi_tx_tready, m_axi_rx_tdata, m_axi_rx_tvalid} = '0;
endmodule
