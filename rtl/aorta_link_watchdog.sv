// aorta_link_watchdog: the link fault detector of one link engine (RECV or SEND in aorta_soc).
//
// While the engine waits on its link (active_i: RECV waiting for a row, SEND offering one), the
// watchdog counts the cycles in which no row moved. expired_o rises in the cycle in which
//   - the engine's link is down (up_i low: the peer is in reset or the link lost its lock), or
//   - timeout_i != 0 and this is the timeout_i-th consecutive waiting cycle without a row
//     (the LINK_TIMEOUT register; 0: no timeout),
// never in a cycle that moves a row. The engine then ends its instruction with LINK_FAULT. The
// count restarts with every row and whenever the engine is not waiting (start_i: a new
// instruction, which also clears a stale count), and saturates.
module aorta_link_watchdog (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,    // the engine takes a new instruction
  input  logic        active_i,   // the engine waits on its link this cycle
  input  logic        beat_i,     // a row moves this cycle (valid && ready)
  input  logic        up_i,       // the engine's link port is up
  input  logic [31:0] timeout_i,  // LINK_TIMEOUT, cycles (0: never)
  output logic        expired_o
);
  logic [31:0] idle_q, idle_d;

  always_comb begin
    idle_d = idle_q;
    if (start_i || beat_i || !active_i) idle_d = '0;
    else if (idle_q != '1) idle_d = idle_q + 32'd1;
  end

  // idle_q waiting cycles without a row lie behind this one: this is waiting cycle idle_q + 1.
  // (start_i is not looked at: an engine takes an instruction only while it is not waiting.)
  assign expired_o = active_i && !beat_i &&
                     (!up_i || (timeout_i != '0 && idle_q >= timeout_i - 32'd1));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) idle_q <= '0;
    else         idle_q <= idle_d;
  end

`ifndef SYNTHESIS
  // A beat moves only while the engine waits on the link; it takes no instruction meanwhile.
  BeatOnlyWhileActive: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                        beat_i |-> active_i)
    else $error("aorta_link_watchdog: a row moved while the engine was not waiting");
  NoStartWhileActive: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                       start_i |-> !active_i)
    else $error("aorta_link_watchdog: a new instruction while the engine waits on its link");
`endif
endmodule
