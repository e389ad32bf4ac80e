#include "core/isa/word.h"

namespace aorta::isa {

void StoreWord(const Word& w, std::span<uint8_t, kWordBytes> out) {
  for (size_t i = 0; i < kWordBytes; ++i) out[i] = static_cast<uint8_t>(w[i / 8] >> (8 * (i % 8)));
}

Word LoadWord(std::span<const uint8_t, kWordBytes> in) {
  Word w{};
  for (size_t i = 0; i < kWordBytes; ++i) w[i / 8] |= uint64_t{in[i]} << (8 * (i % 8));
  return w;
}

}  // namespace aorta::isa
