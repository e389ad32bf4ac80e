// aorta_msi_writer: the SoC's interrupt as a PCIe MSI on Intel's Avalon-MM DMA hard IP, which
// does not raise MSIs itself: the application writes the MSI data to the MSI address through
// the IP's TX slave (V-Series Avalon-MM DMA Interface for PCIe Solutions User Guide, 683514,
// and Arria 10 Avalon-MM DMA Interface for PCIe Solutions User Guide, 683425: "MSI Interrupts",
// MsiIntfc_o). docs/boards.md, "Stratix V" (MSI through Txs).
//
// A rising edge of irq_i makes one MSI pending; it is written (one 32-bit Avalon write, data =
// the 16-bit MSI data) once bus mastering and MSI are enabled. Edges while one is pending merge
// with it. irq_i is the SoC's level (STATUS & INT_ENABLE): the driver clears INT_STATUS in its
// handler, and an event that arrives before the clear raises no second MSI (the handler reads
// every status bit).
module aorta_msi_writer (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        irq_i,
  // MsiIntfc_o of the hard IP, already in this clock (quasi-static: set at enumeration):
  // [81] bus master enable, [80] MSI enable, [79:64] MSI data, [63:0] MSI address.
  input  logic [81:0] msi_intfc_i,
  // Avalon-MM master onto the TX slave (single 32-bit writes).
  output logic [63:0] m_address_o,
  output logic        m_write_o,
  output logic [31:0] m_writedata_o,
  output logic [3:0]  m_byteenable_o,
  input  logic        m_waitrequest_i
);
  logic        irq_q, pending_q, pending_d, write_q, write_d, enabled;
  logic [63:0] addr_q, addr_d;
  logic [15:0] data_q, data_d;

  // A write, once offered, is held with the address and data it started with (the enables may
  // change under it).
  assign enabled        = msi_intfc_i[81] && msi_intfc_i[80];
  assign m_write_o      = write_q;
  assign m_address_o    = addr_q;
  assign m_writedata_o  = {16'h0, data_q};
  assign m_byteenable_o = 4'hf;

  always_comb begin
    pending_d = pending_q;
    write_d   = write_q;
    addr_d    = addr_q;
    data_d    = data_q;
    if (write_q && !m_waitrequest_i) write_d = 1'b0;
    if (!write_q && pending_q && enabled) begin
      write_d   = 1'b1;
      pending_d = 1'b0;
      addr_d    = msi_intfc_i[63:0];
      data_d    = msi_intfc_i[79:64];
    end
    if (irq_i && !irq_q) pending_d = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      irq_q     <= 1'b0;
      pending_q <= 1'b0;
      write_q   <= 1'b0;
      addr_q    <= '0;
      data_q    <= '0;
    end else begin
      irq_q     <= irq_i;
      pending_q <= pending_d;
      write_q   <= write_d;
      addr_q    <= addr_d;
      data_q    <= data_d;
    end
  end

`ifndef SYNTHESIS
  // Avalon: the write is held, unchanged, until the slave takes it.
  WriteHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_write_o && m_waitrequest_i |=> m_write_o && $stable({m_address_o, m_writedata_o}));
`endif
endmodule
