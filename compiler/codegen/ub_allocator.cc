#include "compiler/codegen/ub_allocator.h"

#include <algorithm>

namespace aorta::codegen {

uint64_t UbAllocator::Allocate(uint64_t rows) {
  uint64_t addr = 0;
  for (const auto& [start, size] : used_) {
    if (start >= addr + rows) break;  // the gap before this block fits
    addr = std::max(addr, start + size);
  }
  used_[addr] = rows;
  peak_ = std::max(peak_, addr + rows);
  return addr;
}

void UbAllocator::Free(uint64_t addr) { used_.erase(addr); }

uint64_t UbAllocator::end() const {
  return used_.empty() ? 0 : used_.rbegin()->first + used_.rbegin()->second;
}

}  // namespace aorta::codegen
