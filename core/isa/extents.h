// What an instruction touches: the on-chip rows and external bytes it reads or writes.
// One definition used by the program loader (static checks), the golden model (run-time range
// faults) and the timing models (traffic). docs/isa.md "Range checks" states the same rules.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/config.h"
#include "core/isa/isa.h"

namespace aorta::isa {

// Rows [first, first + count) of an on-chip memory.
struct ChipExtent {
  Mem mem;
  uint64_t first = 0;
  uint64_t count = 0;
  bool write = false;
};

// Bytes [first, end) of an external buffer slot.
struct ExtExtent {
  uint32_t slot = 0;
  uint64_t first = 0;
  uint64_t end = 0;
  bool write = false;
};

struct Extents {
  std::vector<ChipExtent> chip;
  std::optional<ExtExtent> ext;
};

// The in-image coordinates of one axis of a window read: positions o*stride + t*dil + off for
// o < out, t < taps, restricted to [0, in). min / max are the smallest and largest such
// position and in_taps the number of (o, t) pairs inside the image (every pair reads a row).
struct AxisRange {
  int64_t min = 0;
  int64_t max = -1;
  uint64_t in_taps = 0;
  bool any() const { return in_taps > 0; }
};
AxisRange InImageRange(uint64_t out, uint64_t stride, int64_t off, uint64_t taps, uint64_t dil,
                       uint64_t in);

// For a window read (MATMUL, DWCONV, POOL) the UB extent is the rectangle's bounding range:
// from row base + y_lo*in_w + x_lo to base + y_hi*in_w + x_hi, where [y_lo, y_hi] and [x_lo, x_hi]
// are the smallest and largest in-image coordinates any tap reads (empty when no tap is in the
// image).
Extents ExtentsOf(const Insn& insn, const ChipGeometry& g);

// The first extent outside its memory, if any.
std::optional<ChipExtent> FirstOutOfRange(const Extents& e, const ChipGeometry& g);

}  // namespace aorta::isa
