// The 256-bit instruction word and bit-field access, used by the generated ISA code
// (build/gen/aorta/isa_gen.h) and the hand-written encoder / decoder.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace aorta::isa {

// Word 0 holds bits 63:0. In memory (programs, instruction streams) an instruction is the 32
// bytes of the four words, each little-endian, word 0 first.
using Word = std::array<uint64_t, 4>;
inline constexpr size_t kWordBytes = 32;

// Unsigned value of bits [lsb, lsb + width) (width <= 64; a field may straddle two words).
constexpr uint64_t GetBits(const Word& w, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) {
    unsigned b = lsb + i;
    v |= ((w[b / 64] >> (b % 64)) & 1u) << i;
  }
  return v;
}

// Sign-extended value of a two's-complement field.
constexpr int64_t GetSignedBits(const Word& w, unsigned lsb, unsigned width) {
  uint64_t v = GetBits(w, lsb, width);
  if (width < 64 && ((v >> (width - 1)) & 1u)) v |= ~uint64_t{0} << width;
  return static_cast<int64_t>(v);
}

// Writes the low `width` bits of `value` at [lsb, lsb + width).
constexpr void SetBits(Word& w, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    unsigned b = lsb + i;
    uint64_t bit = uint64_t{1} << (b % 64);
    if ((value >> i) & 1u) {
      w[b / 64] |= bit;
    } else {
      w[b / 64] &= ~bit;
    }
  }
}

constexpr bool FitsUnsigned(uint64_t v, unsigned width) {
  return width >= 64 || v < (uint64_t{1} << width);
}
constexpr bool FitsSigned(int64_t v, unsigned width) {
  if (width >= 64) return true;
  int64_t lo = -(int64_t{1} << (width - 1));
  int64_t hi = (int64_t{1} << (width - 1)) - 1;
  return v >= lo && v <= hi;
}

// Little-endian byte (de)serialization of words.
void StoreWord(const Word& w, std::span<uint8_t, kWordBytes> out);
Word LoadWord(std::span<const uint8_t, kWordBytes> in);

}  // namespace aorta::isa
