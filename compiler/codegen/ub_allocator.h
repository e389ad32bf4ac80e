// Unified-buffer allocation: first fit over row ranges, freed after a value's last reader.
//
// The allocator never fails: it places past the end when it must, so that the code generator can
// report how many rows the model needs (end() against the chip's capacity).
#pragma once

#include <cstdint>
#include <map>
#include <utility>

namespace aorta::codegen {

class UbAllocator {
 public:
  // The lowest address with `rows` free rows.
  uint64_t Allocate(uint64_t rows);
  // Places `rows` at `addr` (a gap LargestGap found).
  void AllocateAt(uint64_t addr, uint64_t rows);
  void Free(uint64_t addr);
  // The largest free range below `capacity`: (first row, rows).
  std::pair<uint64_t, uint64_t> LargestGap(uint64_t capacity) const;
  // One past the highest row in use now, and the highest ever.
  uint64_t end() const;
  uint64_t peak() const { return peak_; }

 private:
  std::map<uint64_t, uint64_t> used_;  // addr -> rows
  uint64_t peak_ = 0;
};

}  // namespace aorta::codegen
