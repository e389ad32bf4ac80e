// aorta_xcvr_if: the transceivers of a chip's link ports, one per port, between aorta_chip (its
// aorta_link_port per port) and the board's transceiver IP (Aurora 64B/66B on the U250,
// SerialLite III on the Intel cards). docs/boards.md, "The bus interfaces". Port p's bits are
// [p] and its beats [BeatW*p +: BeatW]; each side runs in the port's own user clock (tx_clk,
// rx_clk), which is why there are no assertions here: aorta_link_port checks the handshakes in
// the clock of each (aorta_async_fifo's WriteHeld / ReadHeld).
//
// A board without links (AWS F1, ZedBoard: aorta_chip's Links = 0) declares one and leaves it
// unconnected: the chip drives its outputs to zero and reads none of its inputs.
interface aorta_xcvr_if #(
  parameter int unsigned Ports = 2,
  parameter int unsigned BeatW = 256   // transceiver user interface width
);
  logic [Ports-1:0]       tx_clk;    // transmit user clock
  logic [Ports-1:0]       tx_up;     // transmit side up (its clock)
  logic [Ports-1:0]       tx_valid;  // beats out
  logic [Ports-1:0]       tx_ready;
  logic [Ports*BeatW-1:0] tx_data;
  logic [Ports-1:0]       rx_clk;    // receive user clock
  logic [Ports-1:0]       rx_up;     // receive side up (its clock)
  logic [Ports-1:0]       rx_valid;  // beats in: no ready (credits in aorta_link_adapter)
  logic [Ports*BeatW-1:0] rx_data;

  modport chip (
    input  tx_clk, tx_up, tx_ready, rx_clk, rx_up, rx_valid, rx_data,
    output tx_valid, tx_data
  );

  modport xcvr (
    output tx_clk, tx_up, tx_ready, rx_clk, rx_up, rx_valid, rx_data,
    input  tx_valid, tx_data
  );
endinterface
