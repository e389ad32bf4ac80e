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

// Unsigned value of bits [lsb, lsb + width) (width <= 64, lsb + width <= 256; a field may
// straddle two words).
constexpr uint64_t GetBits(const Word& w, unsigned lsb, unsigned width) {
  if (width == 0) return 0;
  const unsigned i = lsb / 64, s = lsb % 64;
  uint64_t v = w[i] >> s;
  if (s != 0 && s + width > 64) v |= w[i + 1] << (64 - s);
  return width >= 64 ? v : v & ((uint64_t{1} << width) - 1);
}

// Sign-extended value of a two's-complement field.
constexpr int64_t GetSignedBits(const Word& w, unsigned lsb, unsigned width) {
  uint64_t v = GetBits(w, lsb, width);
  if (width < 64 && ((v >> (width - 1)) & 1u)) v |= ~uint64_t{0} << width;
  return static_cast<int64_t>(v);
}

// Writes the low `width` bits of `value` at [lsb, lsb + width) (same limits as GetBits).
constexpr void SetBits(Word& w, unsigned lsb, unsigned width, uint64_t value) {
  if (width == 0) return;
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  value &= mask;
  const unsigned i = lsb / 64, s = lsb % 64;
  w[i] = (w[i] & ~(mask << s)) | (value << s);
  if (s != 0 && s + width > 64) {
    const unsigned low = 64 - s;  // the field's bits that went into word i
    w[i + 1] = (w[i + 1] & ~(mask >> low)) | (value >> low);
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

// Little-endian byte (de)serialization of words: byte i is bits 8 * (i % 8) .. + 7 of word i / 8.
void StoreWord(const Word& w, std::span<uint8_t, kWordBytes> out);
Word LoadWord(std::span<const uint8_t, kWordBytes> in);

}  // namespace aorta::isa
