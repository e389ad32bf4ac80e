#include "core/golden/host_memory.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

namespace aorta {
namespace {

uint64_t RoundUp(uint64_t v, uint64_t align) { return (v + align - 1) & ~(align - 1); }

}  // namespace

HostMemory::HostMemory(uint64_t iova_space) : iova_space_(iova_space) {}

Result<HostMemory::Buffer> HostMemory::Alloc(uint64_t bytes, uint64_t align) {
  if (bytes == 0) return InvalidArgument("HostMemory::Alloc: zero bytes");
  if (!std::has_single_bit(align))
    return InvalidArgument("HostMemory::Alloc: alignment {} is not a power of two", align);
  align = std::max(align, kPageBytes);
  if (bytes > iova_space_)
    return InvalidArgument("HostMemory::Alloc: {} bytes exceed the IOVA space", bytes);
  uint64_t span_bytes = RoundUp(bytes, kPageBytes);
  std::lock_guard<std::mutex> lock(mu_);
  // First fit: a candidate starts after the previous buffer's pages plus one guard page.
  uint64_t end_of_space = kFirstIova + iova_space_;
  uint64_t candidate = kFirstIova;
  auto it = allocs_.begin();
  for (;; ++it) {
    candidate = RoundUp(candidate, align);
    uint64_t limit = it == allocs_.end() ? end_of_space : it->first - kPageBytes;
    if (candidate <= limit && limit - candidate >= span_bytes) break;
    if (it == allocs_.end())
      return InvalidArgument("HostMemory::Alloc: no free IOVA range of {} bytes", bytes);
    candidate = it->first + RoundUp(it->second.bytes, kPageBytes) + kPageBytes;
  }
  Allocation a;
  a.bytes = bytes;
  a.data = AllocZeroed(bytes);
  if (!a.data) return InvalidArgument("HostMemory::Alloc: out of memory for {} bytes", bytes);
  Buffer b{candidate, std::span<uint8_t>(a.data.get(), bytes)};
  allocs_.emplace(candidate, std::move(a));
  return b;
}

Status HostMemory::Free(uint64_t iova) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = allocs_.find(iova);
  if (it == allocs_.end())
    return InvalidArgument("HostMemory::Free: no buffer at IOVA {:#x}", iova);
  allocs_.erase(it);
  return Status::Ok();
}

const HostMemory::Allocation* HostMemory::Locate(uint64_t addr, uint64_t len,
                                                 uint64_t* offset) const {
  auto it = allocs_.upper_bound(addr);
  if (it == allocs_.begin()) return nullptr;
  --it;
  uint64_t off = addr - it->first;
  if (off > it->second.bytes || len > it->second.bytes - off) return nullptr;
  *offset = off;
  return &it->second;
}

Result<HostMemory::Buffer> HostMemory::Find(uint64_t iova) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t off = 0;
  const Allocation* a = Locate(iova, 1, &off);
  if (a == nullptr) return NotFound("HostMemory: no buffer contains IOVA {:#x}", iova);
  return Buffer{iova - off, std::span<uint8_t>(a->data.get(), a->bytes)};
}

Status HostMemory::Read(uint64_t addr, std::span<uint8_t> out) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t off = 0;
  const Allocation* a = Locate(addr, out.size(), &off);
  if (a == nullptr)
    return InvalidArgument("host memory read of {} bytes at IOVA {:#x} is not inside a buffer",
                           out.size(), addr);
  if (!out.empty()) std::memcpy(out.data(), a->data.get() + off, out.size());
  return Status::Ok();
}

Status HostMemory::Write(uint64_t addr, std::span<const uint8_t> data) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t off = 0;
  const Allocation* a = Locate(addr, data.size(), &off);
  if (a == nullptr)
    return InvalidArgument("host memory write of {} bytes at IOVA {:#x} is not inside a buffer",
                           data.size(), addr);
  if (!data.empty()) std::memcpy(a->data.get() + off, data.data(), data.size());
  return Status::Ok();
}

uint64_t HostMemory::allocated_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& [iova, a] : allocs_) total += a.bytes;
  return total;
}

size_t HostMemory::buffer_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return allocs_.size();
}

}  // namespace aorta
