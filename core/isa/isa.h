// The aorta ISA in C++: generated instruction structs (build/gen/aorta/isa_gen.h, from
// core/spec/isa.textproto) plus the encoder, decoder and disassembler.
//
//   isa::Matmul m; m.act_addr = 16; ...
//   Result<Word> w = isa::Encode(m);       // checks every field against its width and minimum
//   Result<Insn> i = isa::Decode(*w);      // checks opcode, fields, reserved bits, dep flags
//   std::string s = isa::Disassemble(*w);  // "MATMUL bank=0 accumulate=1 act_addr=16 ..."
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "aorta/isa_gen.h"
#include "core/isa/word.h"
#include "core/status.h"

namespace aorta::isa {

const InsnDesc& DescOf(Opcode op);
// Inline: the models ask them several times per instruction.
inline Opcode OpcodeOf(const Insn& insn) {
  return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::kOpcode; }, insn);
}
inline Queue QueueOf(const Insn& insn) {
  return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::kQueue; }, insn);
}
inline const Deps& DepsOf(const Insn& insn) {
  return std::visit([](const auto& x) -> const Deps& { return x.deps; }, insn);
}
inline Deps& MutableDepsOf(Insn& insn) {
  return std::visit([](auto& x) -> Deps& { return x.deps; }, insn);
}
const char* QueueName(Queue q);

// Checks the dependency flags against the instruction's queue: LD has no previous queue, ST no
// next one, barriers carry no flags.
Status CheckDeps(Queue queue, const Deps& deps);

Result<Word> Encode(const Insn& insn);
Result<Insn> Decode(const Word& word);
// The definition Decode follows (the same instructions, the same errors): unpacks every field,
// then checks the dependency flags and each field's value as Encode does (CheckField), in
// descriptor order. Decode checks only what a word's bits can violate, from a table built once
// from the descriptors; isa_test compares the two on random words.
Result<Insn> DecodePlain(const Word& word);

// One line of assembly. A word that does not decode prints as ".word 0x... ; invalid: why".
std::string Disassemble(const Word& word);
std::string Disassemble(const Insn& insn);

// Instruction streams: concatenated 32-byte little-endian words.
Result<std::vector<uint8_t>> EncodeStream(std::span<const Insn> insns);
// The same bytes as a std::string, the type of a program's stream fields (protobuf `bytes`).
Result<std::string> EncodeStreamString(std::span<const Insn> insns);
// Fails on a length that is not a multiple of 32 or on the first word that does not decode,
// naming its index.
Result<std::vector<Insn>> DecodeStream(std::span<const uint8_t> bytes);
Word WordAt(std::span<const uint8_t> stream, size_t index);

}  // namespace aorta::isa
