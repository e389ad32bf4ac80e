// Helpers shared by the Verilator test benches: clocking, lanes of wide ports, stimulus.
#pragma once

#include <cstdint>
#include <random>
#include <type_traits>

namespace aorta::verif {

// One clock cycle: the inputs set before the call are sampled at the rising edge; outputs read
// after the call are the flops' new values (and the combinational logic on them).
template <class Model>
void Tick(Model& m) {
  m.clk_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
}

// Asynchronous active-low reset for a few cycles, then released.
template <class Model>
void Reset(Model& m) {
  m.rst_ni = 1;
  m.clk_i = 0;
  m.eval();
  m.rst_ni = 0;
  m.eval();
  Tick(m);
  Tick(m);
  m.rst_ni = 1;
  m.eval();
}

// Lane `lane` of `width` bits (8 or 32) of a packed port. Verilator holds ports up to 64 bits in
// an integer and wider ones in a VlWide of 32-bit words; lanes of 8 or 32 bits never straddle a
// word.
template <class Signal>
void SetLane(Signal& sig, unsigned lane, unsigned width, uint32_t value) {
  const unsigned bit = lane * width;
  if constexpr (std::is_integral_v<Signal>) {
    using U = std::make_unsigned_t<Signal>;
    const U mask = width >= 8 * sizeof(U) ? ~U{0} : ((U{1} << width) - 1);
    sig = static_cast<Signal>((sig & ~(mask << bit)) | ((static_cast<U>(value) & mask) << bit));
  } else {
    const unsigned word = bit / 32, off = bit % 32;
    const uint32_t mask = width == 32 ? ~0u : ((1u << width) - 1) << off;
    sig.at(word) = (sig.at(word) & ~mask) | ((value << off) & mask);
  }
}

template <class Signal>
uint32_t GetLane(const Signal& sig, unsigned lane, unsigned width) {
  const unsigned bit = lane * width;
  if constexpr (std::is_integral_v<Signal>) {
    using U = std::make_unsigned_t<Signal>;
    const U mask = width >= 8 * sizeof(U) ? ~U{0} : ((U{1} << width) - 1);
    return static_cast<uint32_t>((sig >> bit) & mask);
  } else {
    const unsigned word = bit / 32, off = bit % 32;
    const uint32_t mask = width == 32 ? ~0u : (1u << width) - 1;
    return (sig.at(word) >> off) & mask;
  }
}

// int8 stimulus that hits the extremes often: -128 and 127 one time in eight each, 0 one time
// in sixteen, uniform otherwise.
inline int8_t RandomInt8(std::mt19937& rng) {
  const unsigned pick = rng() % 16;
  if (pick < 2) return -128;
  if (pick < 4) return 127;
  if (pick == 4) return 0;
  return static_cast<int8_t>(rng() & 0xff);
}

}  // namespace aorta::verif
