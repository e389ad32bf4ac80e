// aorta_ring: the link wiring of a multi-FPGA ring board, as the board files give it
// (fpga_board/boards/{catapult6_stratixv,ring8_stratixv,ring8_u250}.textproto; docs/boards.md,
// "Boards"): link port 1 of chip c to port 0 of chip c + 1, the last back to the first. Pure
// wiring, for the ring netlists (aorta_stratixv_ring, aorta_u250_ring): what each chip transmits
// on its two link ports in, what each receives out.
module aorta_ring #(
  parameter int unsigned Chips = 2,
  parameter int unsigned Width = 1   // lanes per link port
) (
  input  logic [Chips-1:0][1:0][Width-1:0] tx_i,  // [c][p]: what chip c transmits on port p
  output logic [Chips-1:0][1:0][Width-1:0] rx_o   // [c][p]: what chip c receives on port p
);
  if (Chips < 2) begin : g_bad_chips
    $fatal(1, "aorta_ring: a ring needs at least two chips, not %0d", Chips);
  end

  for (genvar c = 0; c < Chips; c++) begin : g_chip
    localparam int unsigned Prev = (c + Chips - 1) % Chips;
    localparam int unsigned Next = (c + 1) % Chips;
    assign rx_o[c][0] = tx_i[Prev][1];  // port 0 hears the previous chip's port 1
    assign rx_o[c][1] = tx_i[Next][0];  // port 1 hears the next chip's port 0
  end
endmodule
