#include "core/golden/register_file.h"

#include "aorta/isa_gen.h"

namespace aorta::golden {

namespace {
uint32_t Lo32(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t Hi32(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
void SetLo32(uint64_t& r, uint32_t v) { r = (r & ~uint64_t{0xffffffff}) | v; }
void SetHi32(uint64_t& r, uint32_t v) { r = (r & 0xffffffff) | (uint64_t{v} << 32); }
}  // namespace

uint64_t RegisterFile::InsnAddr(uint32_t pc) const {
  return iq_base + uint64_t{pc} * isa::kWordBytes;
}

uint32_t RegisterFile::Read(uint32_t offset, const Counters& counters) {
  namespace r = regs;
  if (offset >= r::kCounterBase && offset < r::kCounterBase + 8 * r::kNumCounters &&
      offset % 4 == 0) {
    const uint32_t i = (offset - r::kCounterBase) / 8;
    if (offset % 8 == 0) {
      hi_latch_[i] = Hi32(counters[i]);
      return Lo32(counters[i]);
    }
    return hi_latch_[i];
  }
  if (offset >= r::kSlotBaseLo(0) && offset < r::kSlotBaseLo(r::kSlotCount) && offset % 4 == 0) {
    const uint32_t slot = (offset - r::kSlotBaseLo(0)) / 16;
    const uint32_t word = (offset - r::kSlotBaseLo(0)) % 16 / 4;  // base lo, hi, size lo, hi
    const uint64_t v = word < 2 ? slot_base[slot] : slot_size[slot];
    return word % 2 == 0 ? Lo32(v) : Hi32(v);
  }
  switch (offset) {
    case r::kId:
      return r::kIdValue;
    case r::kVersion:
      return (r::kRegmapVersion << r::kVersionRegmapLsb) |
             (isa::kVersionMajor << r::kVersionIsaMajorLsb) |
             (isa::kVersionMinor << r::kVersionIsaMinorLsb);
    case r::kConfigFpLo:
      return Lo32(fingerprint_);
    case r::kConfigFpHi:
      return Hi32(fingerprint_);
    case r::kGeometry:
      return (geometry_.n & 0xffff) | ((geometry_.n & 0xffff) << 16);
    case r::kChipIndex:
      return chip_index;
    case r::kLinkTimeout:
      return link_timeout;
    case r::kStatus:
      return (busy ? r::kStatusBusyMask : 0) | (done ? r::kStatusDoneMask : 0) |
             (error ? r::kStatusErrorMask : 0);
    case r::kIqBaseLo:
      return Lo32(iq_base);
    case r::kIqBaseHi:
      return Hi32(iq_base);
    case r::kIqLen:
      return iq_len;
    case r::kIrqStatus:
      return irq_status;
    case r::kIrqMask:
      return irq_mask;
    case r::kErrCode:
      return err_code;
    case r::kErrPc:
      return err_pc;
    case r::kErrAddrLo:
      return Lo32(err_addr);
    case r::kErrAddrHi:
      return Hi32(err_addr);
    default:
      return 0;  // CTRL, DOORBELL (write-only) and unmapped offsets
  }
}

RegisterFile::Effect RegisterFile::Write(uint32_t offset, uint32_t value) {
  namespace r = regs;
  Effect e;
  if (offset >= r::kSlotBaseLo(0) && offset < r::kSlotBaseLo(r::kSlotCount) && offset % 4 == 0) {
    const uint32_t slot = (offset - r::kSlotBaseLo(0)) / 16;
    const uint32_t word = (offset - r::kSlotBaseLo(0)) % 16 / 4;
    uint64_t& reg = word < 2 ? slot_base[slot] : slot_size[slot];
    if (word % 2 == 0) {
      SetLo32(reg, value);
    } else {
      SetHi32(reg, value);
    }
    return e;
  }
  switch (offset) {
    case r::kChipIndex:
      chip_index = value;
      break;
    case r::kLinkTimeout:
      link_timeout = value;
      break;
    case r::kCtrl:
      e.soft_reset = (value & r::kCtrlSoftResetMask) != 0;
      e.clear_counters = (value & r::kCtrlClearCountersMask) != 0;
      break;
    case r::kDoorbell:
      e.doorbell = true;
      break;
    case r::kIqBaseLo:
      SetLo32(iq_base, value);
      break;
    case r::kIqBaseHi:
      SetHi32(iq_base, value);
      break;
    case r::kIqLen:
      iq_len = value;
      break;
    case r::kIrqStatus:
      irq_status &= ~value;
      break;
    case r::kIrqMask:
      irq_mask = value & (r::kIrqStatusDoneMask | r::kIrqStatusErrorMask);
      break;
    default:
      break;  // read-only and unmapped offsets ignore writes
  }
  return e;
}

void RegisterFile::StartRun() {
  busy = true;
  done = false;
  error = false;
}

void RegisterFile::SetDone() {
  busy = false;
  done = true;
  irq_status |= regs::kIrqStatusDoneMask;
}

void RegisterFile::SetError(Fault f, uint32_t pc) {
  if (f.code == regs::ErrCode::kBadField || f.code == regs::ErrCode::kBadOpcode ||
      f.code == regs::ErrCode::kFetchFault)
    f.addr = InsnAddr(pc);
  busy = false;
  error = true;
  err_code = static_cast<uint32_t>(f.code);
  err_pc = pc;
  err_addr = f.addr;
  irq_status |= regs::kIrqStatusErrorMask;
}

void RegisterFile::SoftReset(bool was_busy, uint32_t oldest_pc) {
  busy = done = error = false;
  irq_status = 0;
  err_code = err_pc = 0;
  err_addr = 0;
  if (was_busy) {
    error = true;
    err_code = static_cast<uint32_t>(regs::ErrCode::kAborted);
    err_pc = oldest_pc;
  }
}

}  // namespace aorta::golden
