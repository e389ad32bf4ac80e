// Zero-filled byte buffers for memory models (board DRAM pages, host buffers): calloc, which does
// not clear again memory that comes fresh from the operating system (already zero), where
// `new uint8_t[n]()` writes every byte (the largest part of loading a program's weights).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace aorta {

struct FreeBytes {
  void operator()(uint8_t* p) const { std::free(p); }
};
using ZeroedBytes = std::unique_ptr<uint8_t[], FreeBytes>;

// n zero bytes, or null when out of memory.
inline ZeroedBytes AllocZeroed(size_t n) {
  return ZeroedBytes(static_cast<uint8_t*>(std::calloc(n == 0 ? 1 : n, 1)));
}

}  // namespace aorta
