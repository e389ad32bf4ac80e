// The device contract: what every backend (golden model, TLM, RTL under Verilator, a PCIe
// board) looks like to the runtime. One register map (core/spec/regs.textproto), one DMA
// address map, one interrupt line. The runtime drives all of them through the same code.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "core/status.h"

namespace aorta {

// Device (DMA) address map, 64-bit:
//   [0, dram_bytes)                          board DRAM
//   [kHostWindowBase, kHostWindowBase + 2^47) host memory, reached over PCIe; the offset into
//                                             the window is the host buffer's IOVA
// Anything else is unmapped: an access answers with a bus error (ErrCode DMA_FAULT).
inline constexpr uint64_t kHostWindowBase = uint64_t{1} << 47;

// Memory the device reaches with its DMA master. A backend is given one for the host window;
// board DRAM belongs to the device (or its board).
class DeviceMemory {
 public:
  virtual ~DeviceMemory() = default;
  // Reads / writes bytes at `addr` (an offset into this memory). An access outside the memory
  // is an error (the device turns it into DMA_FAULT).
  virtual Status Read(uint64_t addr, std::span<uint8_t> out) const = 0;
  virtual Status Write(uint64_t addr, std::span<const uint8_t> data) = 0;
};

// One chip as the host sees it over PCIe: BAR0 registers, a BAR2 window on board DRAM, and an
// interrupt line.
class Device {
 public:
  virtual ~Device() = default;
  virtual uint32_t ReadReg(uint32_t offset) = 0;
  virtual void WriteReg(uint32_t offset, uint32_t value) = 0;
  // Waits until the interrupt line is high (IRQ_STATUS & IRQ_MASK != 0) or `timeout` passes;
  // returns whether it is high. Never blocks longer than `timeout`.
  virtual bool WaitIrq(std::chrono::milliseconds timeout) = 0;
  // Board DRAM through BAR2.
  virtual Status DramWrite(uint64_t addr, std::span<const uint8_t> data) = 0;
  virtual Status DramRead(uint64_t addr, std::span<uint8_t> out) = 0;
};

}  // namespace aorta
