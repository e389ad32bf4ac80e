// aorta_avmm_to_axil: an Avalon-MM slave (the host's BAR0 through Intel's PCIe RX master and
// Platform Designer) onto the SoC's AXI4-lite register slave. docs/boards.md, "The Intel
// bridges". Names: Avalon Interface Specifications (Intel MNL-AVABUSREF) and AMBA AXI4
// (ARM IHI 0022).
//
// One access at a time, 32-bit words: the slave takes a read or write when idle (waitrequest
// low), then holds waitrequest high while it runs the access on AXI4-lite: a write sends AW and
// W (each may be taken first) and answers with writeresponsevalid and BRESP; a read sends AR and
// answers with readdatavalid, RDATA and RRESP. AXI responses map onto Avalon's (00 OKAY, 10
// SLVERR -> SLVERRROR, 11 DECERR -> DECODEERROR).
module aorta_avmm_to_axil #(
  parameter int unsigned AddrWidth = 12
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Avalon-MM slave (byte addresses; response signals enabled).
  input  logic [AddrWidth-1:0] s_address_i,
  input  logic                 s_read_i,
  input  logic                 s_write_i,
  input  logic [31:0]          s_writedata_i,
  input  logic [3:0]           s_byteenable_i,
  output logic                 s_waitrequest_o,
  output logic [31:0]          s_readdata_o,
  output logic                 s_readdatavalid_o,
  output logic [1:0]           s_response_o,
  output logic                 s_writeresponsevalid_o,

  // AXI4-lite master.
  output logic [AddrWidth-1:0] m_awaddr_o,
  output logic [2:0]           m_awprot_o,
  output logic                 m_awvalid_o,
  input  logic                 m_awready_i,
  output logic [31:0]          m_wdata_o,
  output logic [3:0]           m_wstrb_o,
  output logic                 m_wvalid_o,
  input  logic                 m_wready_i,
  input  logic [1:0]           m_bresp_i,
  input  logic                 m_bvalid_i,
  output logic                 m_bready_o,
  output logic [AddrWidth-1:0] m_araddr_o,
  output logic [2:0]           m_arprot_o,
  output logic                 m_arvalid_o,
  input  logic                 m_arready_i,
  input  logic [31:0]          m_rdata_i,
  input  logic [1:0]           m_rresp_i,
  input  logic                 m_rvalid_i,
  output logic                 m_rready_o
);
  typedef enum logic [1:0] {
    Idle,
    Write,  // AW and / or W still offered, then waiting for B
    Read    // AR offered, then waiting for R
  } state_e;

  state_e                 state_q, state_d;
  logic                   aw_pend_q, aw_pend_d, w_pend_q, w_pend_d, ar_pend_q, ar_pend_d;
  logic [AddrWidth-1:0]   addr_q, addr_d;
  logic [31:0]            data_q, data_d;
  logic [3:0]             strb_q, strb_d;
  logic                   take_write, take_read;

  assign s_waitrequest_o = state_q != Idle;
  assign take_write      = state_q == Idle && s_write_i;
  assign take_read       = state_q == Idle && s_read_i && !s_write_i;

  // Data access, non-secure, unprivileged (as the host's BAR accesses are).
  assign m_awaddr_o  = addr_q;
  assign m_awprot_o  = 3'b010;
  assign m_awvalid_o = aw_pend_q;
  assign m_wdata_o   = data_q;
  assign m_wstrb_o   = strb_q;
  assign m_wvalid_o  = w_pend_q;
  assign m_bready_o  = state_q == Write && !aw_pend_q && !w_pend_q;
  assign m_araddr_o  = addr_q;
  assign m_arprot_o  = 3'b010;
  assign m_arvalid_o = ar_pend_q;
  assign m_rready_o  = state_q == Read && !ar_pend_q;

  assign s_writeresponsevalid_o = m_bvalid_i && m_bready_o;
  assign s_readdatavalid_o      = m_rvalid_i && m_rready_o;
  assign s_readdata_o           = m_rdata_i;
  assign s_response_o           = s_readdatavalid_o ? m_rresp_i : m_bresp_i;

  always_comb begin
    state_d   = state_q;
    aw_pend_d = aw_pend_q && !m_awready_i;
    w_pend_d  = w_pend_q && !m_wready_i;
    ar_pend_d = ar_pend_q && !m_arready_i;
    addr_d    = addr_q;
    data_d    = data_q;
    strb_d    = strb_q;
    unique case (state_q)
      Idle: begin
        if (take_write) begin
          state_d   = Write;
          aw_pend_d = 1'b1;
          w_pend_d  = 1'b1;
          addr_d    = s_address_i;
          data_d    = s_writedata_i;
          strb_d    = s_byteenable_i;
        end else if (take_read) begin
          state_d   = Read;
          ar_pend_d = 1'b1;
          addr_d    = s_address_i;
        end
      end
      Write:   if (s_writeresponsevalid_o) state_d = Idle;
      Read:    if (s_readdatavalid_o) state_d = Idle;
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= Idle;
      aw_pend_q <= 1'b0;
      w_pend_q  <= 1'b0;
      ar_pend_q <= 1'b0;
      addr_q    <= '0;
      data_q    <= '0;
      strb_q    <= '0;
    end else begin
      state_q   <= state_d;
      aw_pend_q <= aw_pend_d;
      w_pend_q  <= w_pend_d;
      ar_pend_q <= ar_pend_d;
      addr_q    <= addr_d;
      data_q    <= data_d;
      strb_q    <= strb_d;
    end
  end

`ifndef SYNTHESIS
  // AXI4-lite: requests held until taken (they come from registers that clear only on ready).
  AwHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_awvalid_o && !m_awready_i |=> m_awvalid_o && $stable(m_awaddr_o));
  WHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_wvalid_o && !m_wready_i |=> m_wvalid_o && $stable({m_wdata_o, m_wstrb_o}));
  ArHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_arvalid_o && !m_arready_i |=> m_arvalid_o && $stable(m_araddr_o));
  // Responses only for the access in flight.
  BExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_bvalid_i |-> state_q == Write);
  RExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_rvalid_i |-> state_q == Read);
  // Avalon: a master never reads and writes in one cycle.
  NotBoth: assert property (@(posedge clk_i) disable iff (!rst_ni) !(s_read_i && s_write_i));
`endif
endmodule
