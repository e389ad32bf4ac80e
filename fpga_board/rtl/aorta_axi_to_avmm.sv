// aorta_axi_to_avmm: an AXI4 slave (the SoC's DMA master) onto an Avalon-MM bursting master
// (Intel's Platform Designer interconnect: DDR controller, PCIe TX slave). docs/boards.md,
// "The Intel bridges". Names: AMBA AXI4 (ARM IHI 0022) and the Avalon Interface
// Specifications (Intel MNL-AVABUSREF), "Avalon Memory-Mapped Interfaces".
//
// One Avalon command port carries both directions, one command at a time:
//   - A read burst (AR, INCR, full-width beats; or a single beat of any size) becomes Avalon
//     read bursts of at most MaxBurst beats at the beat-aligned address. Avalon read data cannot
//     be held back (no ready), so a read command is issued only when the read-data buffer
//     (RdBeats beats) has room for all of its beats; R is served from that buffer in order, its
//     ID and RLAST from a queue of the accepted bursts.
//   - A write burst (AW, then its W beats) becomes Avalon write bursts of at most MaxBurst beats;
//     WSTRB is the byte enable. AW is taken when at most MaxWrites writes await their response;
//     each Avalon write burst returns one response (writeresponsevalid), and B goes out when all
//     of the AXI burst's have come, with the first error among them.
//   Reads and writes alternate when both wait (no starvation). Responses are in order (Avalon
//   answers in order), which AXI allows for any IDs.
// Avalon response codes map onto AXI's: 00 OKAY, 10 SLVERR, 11 DECERR (Avalon's reserved 01 is
// reported as SLVERR). AxCACHE / AxPROT have no Avalon counterpart and are not taken.
module aorta_axi_to_avmm #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned IdWidth   = 2,
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned MaxBurst  = 16,  // Avalon maxburstcount, a power of two
  parameter int unsigned RdBeats   = 32,  // read-data buffer, beats (>= MaxBurst)
  parameter int unsigned MaxReads  = 8,   // AXI read bursts accepted and not yet answered
  parameter int unsigned MaxWrites = 8,   // AXI write bursts accepted and not yet answered
  localparam int unsigned StrbWidth = DataWidth / 8,
  localparam int unsigned BcW       = $clog2(MaxBurst) + 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // AXI4 slave.
  input  logic [IdWidth-1:0]   s_awid_i,
  input  logic [AddrWidth-1:0] s_awaddr_i,
  input  logic [7:0]           s_awlen_i,
  input  logic [2:0]           s_awsize_i,
  input  logic [1:0]           s_awburst_i,
  input  logic                 s_awvalid_i,
  output logic                 s_awready_o,
  input  logic [DataWidth-1:0] s_wdata_i,
  input  logic [StrbWidth-1:0] s_wstrb_i,
  input  logic                 s_wlast_i,
  input  logic                 s_wvalid_i,
  output logic                 s_wready_o,
  output logic [IdWidth-1:0]   s_bid_o,
  output logic [1:0]           s_bresp_o,
  output logic                 s_bvalid_o,
  input  logic                 s_bready_i,
  input  logic [IdWidth-1:0]   s_arid_i,
  input  logic [AddrWidth-1:0] s_araddr_i,
  input  logic [7:0]           s_arlen_i,
  input  logic [2:0]           s_arsize_i,
  input  logic [1:0]           s_arburst_i,
  input  logic                 s_arvalid_i,
  output logic                 s_arready_o,
  output logic [IdWidth-1:0]   s_rid_o,
  output logic [DataWidth-1:0] s_rdata_o,
  output logic [1:0]           s_rresp_o,
  output logic                 s_rlast_o,
  output logic                 s_rvalid_o,
  input  logic                 s_rready_i,

  // Avalon-MM bursting master (byte addresses, response signals enabled).
  output logic [AddrWidth-1:0] m_address_o,
  output logic [BcW-1:0]       m_burstcount_o,
  output logic                 m_read_o,
  output logic                 m_write_o,
  output logic [DataWidth-1:0] m_writedata_o,
  output logic [StrbWidth-1:0] m_byteenable_o,
  input  logic                 m_waitrequest_i,
  input  logic [DataWidth-1:0] m_readdata_i,
  input  logic                 m_readdatavalid_i,
  input  logic [1:0]           m_response_i,
  input  logic                 m_writeresponsevalid_i
);
  localparam int unsigned Lb       = $clog2(StrbWidth);  // log2 bytes per beat
  localparam int unsigned RdCw     = $clog2(RdBeats + 1);
  localparam int unsigned WrCw     = $clog2(MaxWrites + 1);
  localparam logic [2:0]  FullSize = 3'(Lb);
  localparam logic [1:0]  BurstIncr = 2'b01;
  localparam logic [AddrWidth-1:0] LowMask = AddrWidth'(StrbWidth) - 1'b1;  // byte in beat

  if (MaxBurst < 1 || (1 << (BcW - 1)) != MaxBurst || RdBeats < MaxBurst) begin : g_bad_params
    $fatal(1, "aorta_axi_to_avmm: MaxBurst %0d must be a power of two <= RdBeats %0d",
           MaxBurst, RdBeats);
  end

  function automatic logic [AddrWidth-1:0] beat_aligned(logic [AddrWidth-1:0] a);
    return a & ~LowMask;
  endfunction
  // Beats of the next Avalon burst: what is left, at most MaxBurst.
  function automatic logic [8:0] sub_beats(logic [8:0] left);
    return left > 9'(MaxBurst) ? 9'(MaxBurst) : left;
  endfunction
  // Avalon response to AXI: reserved (01) becomes SLVERR.
  function automatic logic [1:0] axi_resp(logic [1:0] r);
    return r == 2'b01 ? 2'b10 : r;
  endfunction

  // ---- The AXI bursts being cut into Avalon bursts ---------------------------------------------
  logic                 rd_active_q, rd_active_d, wr_active_q, wr_active_d;
  logic [AddrWidth-1:0] rd_addr_q, rd_addr_d, wr_addr_q, wr_addr_d;
  logic [8:0]           rd_left_q, rd_left_d, wr_left_q, wr_left_d;  // beats not yet commanded

  // ---- The command port ------------------------------------------------------------------------
  typedef enum logic [1:0] {
    CmdIdle,
    CmdRead,   // a read command offered, until taken
    CmdWrite   // a write burst: wr_beats_q beats still to go
  } cmd_e;
  cmd_e                 cmd_q, cmd_d;
  logic [AddrWidth-1:0] cmd_addr_q, cmd_addr_d;
  logic [BcW-1:0]       cmd_count_q, cmd_count_d;
  logic [8:0]           wr_beats_q, wr_beats_d;
  logic                 last_read_q, last_read_d;  // the last command was a read (alternate)
  logic [RdCw-1:0]      rd_room_q, rd_room_d;      // read-buffer beats not yet promised

  // ---- Bookkeeping queues ----------------------------------------------------------------------
  // Read bursts accepted: ID and beat count - 1, popped with the burst's last R beat.
  logic                 rq_push, rq_wready, rq_valid, rq_pop;
  logic [IdWidth+7:0]   rq_rdata;
  logic [IdWidth-1:0]   rq_id;
  logic [7:0]           rq_len;
  // Write bursts accepted: ID and Avalon bursts they took, popped when their responses are in.
  logic                 wq_push, wq_wready, wq_valid, wq_pop;
  logic [IdWidth+8:0]   wq_wdata, wq_rdata;
  logic [IdWidth-1:0]   wq_id;
  logic [8:0]           wq_bursts;
  // Read data and B responses waiting for the AXI side.
  logic                 rd_fifo_wready, b_push, b_wready;
  logic [WrCw-1:0]      writes_q, writes_d;        // AXI writes accepted, B not yet taken

  // ---- AXI address channels --------------------------------------------------------------------
  logic aw_fire, ar_fire;
  assign s_arready_o = !rd_active_q && rq_wready;
  assign s_awready_o = !wr_active_q && wq_wready && 32'(writes_q) < MaxWrites;
  assign ar_fire     = s_arvalid_i && s_arready_o;
  assign aw_fire     = s_awvalid_i && s_awready_o;

  // ---- Avalon outputs --------------------------------------------------------------------------
  logic rd_cmd_fire, wr_beat_fire, rd_go, wr_go, pick_read;
  assign m_address_o    = cmd_addr_q;
  assign m_burstcount_o = cmd_count_q;
  assign m_read_o       = cmd_q == CmdRead;
  assign m_write_o      = cmd_q == CmdWrite && s_wvalid_i;
  assign m_writedata_o  = s_wdata_i;
  assign m_byteenable_o = s_wstrb_i;
  assign s_wready_o     = cmd_q == CmdWrite && !m_waitrequest_i;
  assign rd_cmd_fire    = m_read_o && !m_waitrequest_i;
  assign wr_beat_fire   = m_write_o && !m_waitrequest_i;

  // A read command may start when the buffer has room for all of its beats; a write burst when
  // its first beat is there (the port is not held waiting for W).
  assign rd_go     = rd_active_q && 32'(rd_room_q) >= 32'(sub_beats(rd_left_q));
  assign wr_go     = wr_active_q && s_wvalid_i;
  assign pick_read = rd_go && (!wr_go || !last_read_q);

  always_comb begin
    rd_active_d = rd_active_q;
    rd_addr_d   = rd_addr_q;
    rd_left_d   = rd_left_q;
    wr_active_d = wr_active_q;
    wr_addr_d   = wr_addr_q;
    wr_left_d   = wr_left_q;
    cmd_d       = cmd_q;
    cmd_addr_d  = cmd_addr_q;
    cmd_count_d = cmd_count_q;
    wr_beats_d  = wr_beats_q;
    last_read_d = last_read_q;
    rd_room_d   = rd_room_q;

    if (ar_fire) begin
      rd_active_d = 1'b1;
      rd_addr_d   = beat_aligned(s_araddr_i);
      rd_left_d   = 9'(s_arlen_i) + 9'd1;
    end
    if (aw_fire) begin
      wr_active_d = 1'b1;
      wr_addr_d   = beat_aligned(s_awaddr_i);
      wr_left_d   = 9'(s_awlen_i) + 9'd1;
    end

    unique case (cmd_q)
      CmdIdle: begin
        if (pick_read) begin
          cmd_d       = CmdRead;
          cmd_addr_d  = rd_addr_q;
          cmd_count_d = BcW'(sub_beats(rd_left_q));
          last_read_d = 1'b1;
          rd_room_d   = rd_room_q - RdCw'(sub_beats(rd_left_q));
          rd_addr_d   = rd_addr_q + (AddrWidth'(sub_beats(rd_left_q)) << Lb);
          rd_left_d   = rd_left_q - sub_beats(rd_left_q);
          if (rd_left_d == '0) rd_active_d = 1'b0;
        end else if (wr_go) begin
          cmd_d       = CmdWrite;
          cmd_addr_d  = wr_addr_q;
          cmd_count_d = BcW'(sub_beats(wr_left_q));
          wr_beats_d  = sub_beats(wr_left_q);
          last_read_d = 1'b0;
          wr_addr_d   = wr_addr_q + (AddrWidth'(sub_beats(wr_left_q)) << Lb);
          wr_left_d   = wr_left_q - sub_beats(wr_left_q);
        end
      end
      CmdRead: if (rd_cmd_fire) cmd_d = CmdIdle;
      CmdWrite: begin
        if (wr_beat_fire) begin
          wr_beats_d = wr_beats_q - 9'd1;
          if (wr_beats_q == 9'd1) begin
            cmd_d = CmdIdle;
            if (wr_left_q == '0) wr_active_d = 1'b0;
          end
        end
      end
      default: cmd_d = CmdIdle;
    endcase

    // A beat leaving for R frees its place in the buffer.
    if (s_rvalid_o && s_rready_i) rd_room_d = rd_room_d + 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_active_q <= 1'b0;
      rd_addr_q   <= '0;
      rd_left_q   <= '0;
      wr_active_q <= 1'b0;
      wr_addr_q   <= '0;
      wr_left_q   <= '0;
      cmd_q       <= CmdIdle;
      cmd_addr_q  <= '0;
      cmd_count_q <= '0;
      wr_beats_q  <= '0;
      last_read_q <= 1'b0;
      rd_room_q   <= RdCw'(RdBeats);
      writes_q    <= '0;
    end else begin
      rd_active_q <= rd_active_d;
      rd_addr_q   <= rd_addr_d;
      rd_left_q   <= rd_left_d;
      wr_active_q <= wr_active_d;
      wr_addr_q   <= wr_addr_d;
      wr_left_q   <= wr_left_d;
      cmd_q       <= cmd_d;
      cmd_addr_q  <= cmd_addr_d;
      cmd_count_q <= cmd_count_d;
      wr_beats_q  <= wr_beats_d;
      last_read_q <= last_read_d;
      rd_room_q   <= rd_room_d;
      writes_q    <= writes_d;
    end
  end

  // ---- Read side: bursts accepted, data buffer, R ----------------------------------------------
  logic [7:0] r_beat_q;  // beat of the head burst R is at
  logic       r_fire;
  logic [RdCw-1:0] unused_rd_count;
  logic [$clog2(MaxReads + 1)-1:0] unused_rq_count;

  assign rq_push = ar_fire;
  aorta_fifo #(
    .Width(IdWidth + 8),
    .Depth(MaxReads)
  ) u_read_bursts (
    .clk_i,
    .rst_ni,
    .flush_i (1'b0),
    .wvalid_i(rq_push),
    .wready_o(rq_wready),
    .wdata_i ({s_arid_i, s_arlen_i}),
    .rvalid_o(rq_valid),
    .rready_i(rq_pop),
    .rdata_o (rq_rdata),
    .count_o (unused_rq_count)
  );
  assign {rq_id, rq_len} = rq_rdata;

  logic       rd_fifo_valid;
  logic [1:0] rd_fifo_resp;
  aorta_fifo #(
    .Width(DataWidth + 2),
    .Depth(RdBeats)
  ) u_read_data (
    .clk_i,
    .rst_ni,
    .flush_i (1'b0),
    .wvalid_i(m_readdatavalid_i),
    .wready_o(rd_fifo_wready),
    .wdata_i ({axi_resp(m_response_i), m_readdata_i}),
    .rvalid_o(rd_fifo_valid),
    .rready_i(r_fire),
    .rdata_o ({rd_fifo_resp, s_rdata_o}),
    .count_o (unused_rd_count)
  );

  assign s_rvalid_o = rd_fifo_valid && rq_valid;
  assign s_rid_o    = rq_id;
  assign s_rresp_o  = rd_fifo_resp;
  assign s_rlast_o  = r_beat_q == rq_len;
  assign r_fire     = s_rvalid_o && s_rready_i;
  assign rq_pop     = r_fire && s_rlast_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)     r_beat_q <= '0;
    else if (r_fire) r_beat_q <= s_rlast_o ? '0 : r_beat_q + 8'd1;
  end

  // ---- Write side: bursts accepted, responses gathered, B --------------------------------------
  logic [8:0] wresp_count_q;  // responses in for the head write burst
  logic [1:0] wresp_q;        // the first error among them (OKAY if none)
  logic [1:0] wresp_now;
  logic [$clog2(MaxWrites + 1)-1:0] unused_wq_count, unused_b_count;

  assign wq_push  = aw_fire;
  assign wq_wdata = {s_awid_i, 9'(({1'b0, s_awlen_i} + 9'(MaxBurst)) / 9'(MaxBurst))};
  aorta_fifo #(
    .Width(IdWidth + 9),
    .Depth(MaxWrites)
  ) u_write_bursts (
    .clk_i,
    .rst_ni,
    .flush_i (1'b0),
    .wvalid_i(wq_push),
    .wready_o(wq_wready),
    .wdata_i (wq_wdata),
    .rvalid_o(wq_valid),
    .rready_i(wq_pop),
    .rdata_o (wq_rdata),
    .count_o (unused_wq_count)
  );
  assign {wq_id, wq_bursts} = wq_rdata;

  // The head burst's responses: the last one completes it.
  assign wresp_now = wresp_q != 2'b00 ? wresp_q : axi_resp(m_response_i);
  assign wq_pop    = m_writeresponsevalid_i && wresp_count_q + 9'd1 == wq_bursts;
  assign b_push    = wq_pop;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wresp_count_q <= '0;
      wresp_q       <= 2'b00;
    end else if (m_writeresponsevalid_i) begin
      wresp_count_q <= wq_pop ? '0 : wresp_count_q + 9'd1;
      wresp_q       <= wq_pop ? 2'b00 : wresp_now;
    end
  end

  aorta_fifo #(
    .Width(IdWidth + 2),
    .Depth(MaxWrites)
  ) u_write_resps (
    .clk_i,
    .rst_ni,
    .flush_i (1'b0),
    .wvalid_i(b_push),
    .wready_o(b_wready),
    .wdata_i ({wq_id, wresp_now}),
    .rvalid_o(s_bvalid_o),
    .rready_i(s_bready_i),
    .rdata_o ({s_bid_o, s_bresp_o}),
    .count_o (unused_b_count)
  );

  always_comb begin
    writes_d = writes_q;
    if (aw_fire) writes_d = writes_d + 1'b1;
    if (s_bvalid_o && s_bready_i) writes_d = writes_d - 1'b1;
  end

  // Beats the Avalon side still owes for read commands it took (for the assertions).
  logic [15:0] rd_owed_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) rd_owed_q <= '0;
    else rd_owed_q <= rd_owed_q + (rd_cmd_fire ? 16'(cmd_count_q) : 16'd0)
                      - (m_readdatavalid_i ? 16'd1 : 16'd0);
  end

  logic unused_inputs;
  assign unused_inputs = ^{s_awsize_i, s_awburst_i, s_arsize_i, s_arburst_i};

`ifndef SYNTHESIS
  // AXI: a request offered stays offered, unchanged, until taken.
  AwHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_awvalid_i && !s_awready_o |=> s_awvalid_i && $stable({s_awid_i, s_awaddr_i, s_awlen_i}));
  WHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_wvalid_i && !s_wready_o |=> s_wvalid_i && $stable({s_wdata_i, s_wstrb_i, s_wlast_i}));
  ArHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_arvalid_i && !s_arready_o |=> s_arvalid_i && $stable({s_arid_i, s_araddr_i, s_arlen_i}));
  BHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_bvalid_o && !s_bready_i |=> s_bvalid_o && $stable({s_bid_o, s_bresp_o}));
  RHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_rvalid_o && !s_rready_i |=> s_rvalid_o && $stable({s_rid_o, s_rdata_o, s_rlast_o}));
  // What the bridge handles: INCR bursts of full-width beats, or single beats of any size.
  ArShape: assert property (@(posedge clk_i) disable iff (!rst_ni) s_arvalid_i |->
      s_arlen_i == 8'd0 || (s_arburst_i == BurstIncr && s_arsize_i == FullSize));
  AwShape: assert property (@(posedge clk_i) disable iff (!rst_ni) s_awvalid_i |->
      s_awlen_i == 8'd0 || (s_awburst_i == BurstIncr && s_awsize_i == FullSize));
  // WLAST marks the last beat of the AXI burst and no other.
  WlastAtEnd: assert property (@(posedge clk_i) disable iff (!rst_ni) wr_beat_fire |->
      s_wlast_i == (wr_beats_q == 9'd1 && wr_left_q == '0));
  // Avalon: a command offered is held, unchanged, until the slave takes it.
  ReadHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_read_o && m_waitrequest_i |=> m_read_o && $stable({m_address_o, m_burstcount_o}));
  WriteHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_write_o && m_waitrequest_i |=> m_write_o &&
      $stable({m_address_o, m_burstcount_o, m_writedata_o, m_byteenable_o}));
  NotBoth: assert property (@(posedge clk_i) disable iff (!rst_ni) !(m_read_o && m_write_o));
  // Read data only for commands taken, and always room for it (the credits).
  ReadDataExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_readdatavalid_i |-> rd_owed_q != '0 || rd_cmd_fire);
  ReadDataRoom: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_readdatavalid_i |-> rd_fifo_wready);
  ReadDataTracked: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rd_fifo_valid |-> rq_valid);
  // Write responses only for bursts sent, and room for every B.
  WriteRespExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_writeresponsevalid_i |-> wq_valid);
  WriteRespRoom: assert property (@(posedge clk_i) disable iff (!rst_ni) b_push |-> b_wready);
`endif
endmodule
