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

void UbAllocator::AllocateAt(uint64_t addr, uint64_t rows) {
  used_[addr] = rows;
  peak_ = std::max(peak_, addr + rows);
}

void UbAllocator::Free(uint64_t addr) { used_.erase(addr); }

std::pair<uint64_t, uint64_t> UbAllocator::LargestGap(uint64_t capacity) const {
  std::pair<uint64_t, uint64_t> best{0, 0};
  uint64_t at = 0;
  auto consider = [&](uint64_t end) {
    end = std::min(end, capacity);
    if (end > at && end - at > best.second) best = {at, end - at};
  };
  for (const auto& [start, size] : used_) {
    consider(start);
    at = std::max(at, start + size);
  }
  consider(capacity);
  return best;
}

uint64_t UbAllocator::end() const {
  return used_.empty() ? 0 : used_.rbegin()->first + used_.rbegin()->second;
}

}  // namespace aorta::codegen
