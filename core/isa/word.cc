#include "core/isa/word.h"

#include <bit>
#include <cstring>

namespace aorta::isa {

// On a little-endian host the bytes are the words' own, copied as they are (isa_test checks both
// against the byte-by-byte definition).
void StoreWord(const Word& w, std::span<uint8_t, kWordBytes> out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out.data(), w.data(), kWordBytes);
  } else {
    for (size_t i = 0; i < kWordBytes; ++i)
      out[i] = static_cast<uint8_t>(w[i / 8] >> (8 * (i % 8)));
  }
}

Word LoadWord(std::span<const uint8_t, kWordBytes> in) {
  Word w{};
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(w.data(), in.data(), kWordBytes);
  } else {
    for (size_t i = 0; i < kWordBytes; ++i) w[i / 8] |= uint64_t{in[i]} << (8 * (i % 8));
  }
  return w;
}

}  // namespace aorta::isa
