// The generated ISA package's functions (decode_check, queue_of, is_valid_opcode) behind one
// module, so that the synth_isa_pkg test proves Yosys reads and elaborates the package
// (core/gen/specgen.cc emits functions that assign their name: Yosys 0.23 has no `return`).
// Package items by qualified name and no casts to package types: Yosys 0.23 reads neither an
// `import` in a module header nor such a cast.
module aorta_decode_probe (
  input  logic [aorta_isa_pkg::InsnWidth-1:0] word_i,
  output logic [1:0]                          decode_o,
  output logic [1:0]                          queue_o,
  output logic                                valid_opcode_o
);
  assign decode_o       = aorta_isa_pkg::decode_check(word_i);
  assign queue_o        = aorta_isa_pkg::queue_of(word_i[7:0]);
  assign valid_opcode_o = aorta_isa_pkg::is_valid_opcode(word_i[7:0]);
endmodule
