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
#include "core/isa/tokens.h"

namespace aorta::golden {

// Token counters and which an instruction pops / pushes: core/isa/tokens.h, shared with the
// loader's ordering check.
using isa::kExToLd;
using isa::kExToSt;
using isa::kLdToEx;
using isa::kNoCounter;
using isa::kStToEx;
using isa::PopCounter;
using isa::PushCounter;
using isa::TokenUse;
using isa::TokenUseOf;

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
