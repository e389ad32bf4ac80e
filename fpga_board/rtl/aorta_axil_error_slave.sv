// aorta_axil_error_slave: an AXI4-lite slave that answers every access with an error (DECERR),
// one access at a time, for bus ports a board's shell presents and aorta does not use (AWS F1:
// the SDA and BAR1 ports). A stray host access then completes with an error instead of
// waiting for the shell's timeout. docs/boards.md, "AWS F1".
module aorta_axil_error_slave (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        awvalid_i,
  output logic        awready_o,
  input  logic        wvalid_i,
  output logic        wready_o,
  output logic        bvalid_o,
  output logic [1:0]  bresp_o,
  input  logic        bready_i,
  input  logic        arvalid_i,
  output logic        arready_o,
  output logic        rvalid_o,
  output logic [31:0] rdata_o,
  output logic [1:0]  rresp_o,
  input  logic        rready_i
);
  logic aw_q, w_q, bvalid_q, rvalid_q;

  // A write: AW and W taken (in either order), then B; a read: AR taken, then R.
  assign awready_o = !aw_q && !bvalid_q;
  assign wready_o  = !w_q && !bvalid_q;
  assign bvalid_o  = bvalid_q;
  assign bresp_o   = 2'b11;
  assign arready_o = !rvalid_q;
  assign rvalid_o  = rvalid_q;
  assign rdata_o   = '0;
  assign rresp_o   = 2'b11;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_q     <= 1'b0;
      w_q      <= 1'b0;
      bvalid_q <= 1'b0;
      rvalid_q <= 1'b0;
    end else begin
      if (bvalid_q) begin
        if (bready_i) bvalid_q <= 1'b0;
      end else if ((aw_q || awvalid_i) && (w_q || wvalid_i)) begin
        aw_q     <= 1'b0;
        w_q      <= 1'b0;
        bvalid_q <= 1'b1;
      end else begin
        aw_q <= aw_q || awvalid_i;
        w_q  <= w_q || wvalid_i;
      end
      if (rvalid_q) rvalid_q <= !rready_i;
      else          rvalid_q <= arvalid_i;
    end
  end

`ifndef SYNTHESIS
  // Responses held until taken.
  BHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_o && !bready_i |=> bvalid_o);
  RHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_o && !rready_i |=> rvalid_o);
`endif
endmodule
