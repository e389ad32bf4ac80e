// Host memory as a device sees it through the host window: buffers allocated at IOVAs.
//
// HostMemory is the DeviceMemory the simulated backends (golden, TLM, RTL) are given for the
// host window (device address kHostWindowBase + iova, core/device.h). It plays the role the
// IOMMU and the driver's DMA buffers play on a real board: Alloc hands out a buffer at a fresh
// IOVA, and the device can reach exactly the allocated bytes; everything else is a bus error.
//
//   HostMemory host;
//   AORTA_ASSIGN_OR_RETURN(HostMemory::Buffer buf, host.Alloc(4096));
//   std::memcpy(buf.span.data(), input, n);        // host side: plain pointer access
//   dev.WriteReg(regs::kSlotBaseLo(0), lo32(kHostWindowBase + buf.iova)); ...
//
// Thread-safe: Read / Write / Alloc / Free may be called from several threads (a device thread
// and the host thread). A buffer's span stays valid until Free.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>

#include "core/device.h"
#include "core/status.h"
#include "core/zeroed_bytes.h"

namespace aorta {

class HostMemory : public DeviceMemory {
 public:
  struct Buffer {
    uint64_t iova = 0;        // offset into the host window
    std::span<uint8_t> span;  // the host's view of the buffer, zero-initialized
  };

  // IOVAs are handed out in [kFirstIova, kFirstIova + iova_space); IOVA 0 is never mapped.
  static constexpr uint64_t kFirstIova = 0x10000;
  static constexpr uint64_t kPageBytes = 4096;
  explicit HostMemory(uint64_t iova_space = uint64_t{1} << 40);

  // A zeroed buffer of `bytes` (> 0) bytes at an IOVA aligned to `align` (a power of two;
  // at least kPageBytes). At least one unmapped guard page separates any two buffers, so an
  // access running past a buffer's end faults. Free space is reused first-fit.
  Result<Buffer> Alloc(uint64_t bytes, uint64_t align = kPageBytes);
  // Frees the buffer allocated at `iova`.
  Status Free(uint64_t iova);
  // The buffer containing `iova`, if any.
  Result<Buffer> Find(uint64_t iova) const;

  // DeviceMemory: an access must lie entirely inside one allocated buffer.
  Status Read(uint64_t addr, std::span<uint8_t> out) const override;
  Status Write(uint64_t addr, std::span<const uint8_t> data) override;

  uint64_t allocated_bytes() const;
  size_t buffer_count() const;

 private:
  struct Allocation {
    uint64_t bytes = 0;
    ZeroedBytes data;
  };
  // The allocation holding [addr, addr + len), or nullptr. Caller holds mu_.
  const Allocation* Locate(uint64_t addr, uint64_t len, uint64_t* offset) const;

  uint64_t iova_space_;
  mutable std::mutex mu_;
  std::map<uint64_t, Allocation> allocs_;  // by IOVA
};

}  // namespace aorta
