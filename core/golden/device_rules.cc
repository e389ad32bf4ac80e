#include "core/golden/device_rules.h"

#include <algorithm>

#include "core/device.h"

namespace aorta::golden {

namespace {
constexpr uint64_t kHostWindowBytes = uint64_t{1} << 47;
}  // namespace

regs::Counter InsnCounter(isa::Opcode op) {
  switch (op) {
    case isa::Opcode::kDmaLoad:
    case isa::Opcode::kDmaStore:
      return regs::Counter::kInsnDma;
    case isa::Opcode::kRecv:
    case isa::Opcode::kSend:
      return regs::Counter::kInsnLink;
    case isa::Opcode::kLoadw:
      return regs::Counter::kInsnLoadw;
    case isa::Opcode::kMatmul:
      return regs::Counter::kInsnMatmul;
    case isa::Opcode::kDwconv:
    case isa::Opcode::kPostproc:
    case isa::Opcode::kVecEltwise:
    case isa::Opcode::kPool:
    case isa::Opcode::kResize:
      return regs::Counter::kInsnVector;
    case isa::Opcode::kSync:
    case isa::Opcode::kPerf:
    case isa::Opcode::kHalt:
      break;
  }
  return regs::Counter::kInsnBarrier;
}

Fault SlotRange(uint64_t slot_base, uint64_t slot_size, uint64_t offset, uint64_t len,
                uint64_t* addr) {
  if (offset >= slot_size || len > slot_size - offset)
    return {regs::ErrCode::kDmaBounds, std::max(offset, slot_size)};
  *addr = slot_base + offset;  // may wrap: ProbeDeviceAddress reports it unmapped
  return {};
}

Fault ProbeDeviceAddress(uint64_t dram_bytes, bool has_host, uint64_t addr, uint64_t len) {
  const Fault none{};
  if (len == 0) return none;
  if (addr < dram_bytes) {
    if (len > dram_bytes - addr) return {regs::ErrCode::kDmaFault, dram_bytes};
    return none;
  }
  if (addr >= kHostWindowBase && addr - kHostWindowBase < kHostWindowBytes) {
    if (!has_host) return {regs::ErrCode::kDmaFault, addr};
    const uint64_t iova = addr - kHostWindowBase;
    if (len > kHostWindowBytes - iova)
      return {regs::ErrCode::kDmaFault, kHostWindowBase + kHostWindowBytes};
    return none;
  }
  return {regs::ErrCode::kDmaFault, addr};
}

std::array<uint8_t, regs::kSnapshotBytes> PerfRecord(uint64_t tag, const Counters& counters) {
  std::array<uint8_t, regs::kSnapshotBytes> rec{};
  auto put = [&](size_t at, uint64_t v) {
    for (int i = 0; i < 8; ++i) rec[at + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  put(0, tag);
  for (uint32_t i = 0; i < regs::kNumCounters; ++i) put(8 * (i + 1), counters[i]);
  return rec;
}

}  // namespace aorta::golden
