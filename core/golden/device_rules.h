// Device-level rules of the golden model that every model of the chip shares (the golden device
// and the TLM model): which token counters a queue pops and pushes, which INSN_* counter an
// instruction counts, how a slot offset and a device address are checked (DMA_BOUNDS,
// DMA_FAULT with their ERR_ADDR), and the PERF record layout. golden_device.h states the
// semantics; these are its pieces as plain functions.
#pragma once

#include <array>
#include <cstdint>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/golden/datapath.h"

namespace aorta::golden {

// Token counters, named by direction; the index is ERR_ADDR of TOKEN_OVERFLOW.
inline constexpr int kLdToEx = 0, kExToLd = 1, kExToSt = 2, kStToEx = 3;
inline constexpr int kNoCounter = -1;
// The counter queue `q` (an isa::Queue value, LD / EX / ST) pops from (tokens from its
// neighbour `prev` or next) and pushes to; kNoCounter where the queue has no such neighbour.
int PopCounter(int q, bool prev);
int PushCounter(int q, bool prev);
// The counters an instruction of queue `q` pops and pushes (kNoCounter where it does not).
struct TokenUse {
  int pop_prev = kNoCounter, pop_next = kNoCounter, push_prev = kNoCounter, push_next = kNoCounter;
};
TokenUse TokenUseOf(int q, const isa::Deps& deps);

// The INSN_* counter an instruction counts when it completes.
regs::Counter InsnCounter(isa::Opcode op);

// The device address of [offset, offset + len) in a slot, or DMA_BOUNDS with ERR_ADDR
// max(offset, size) when the range does not lie inside the slot.
Fault SlotRange(uint64_t slot_base, uint64_t slot_size, uint64_t offset, uint64_t len,
                uint64_t* addr);
// Whether [addr, addr + len) is mapped (board DRAM of dram_bytes, or the host window when the
// device has one); DMA_FAULT with the first unmapped address otherwise.
Fault ProbeDeviceAddress(uint64_t dram_bytes, bool has_host, uint64_t addr, uint64_t len);

// A PERF record: the tag, then every counter, 8 bytes each, little-endian.
std::array<uint8_t, regs::kSnapshotBytes> PerfRecord(uint64_t tag, const Counters& counters);

}  // namespace aorta::golden
