// The register map's storage and decoding (core/spec/regs.textproto) for the models of the chip:
// identity registers, slots, IQ_*, IRQ_*, ERR_*, STATUS bits and the counter read protocol
// (reading LO latches HI). The golden device and the TLM model both hold one; what a write asks
// the device to do (DOORBELL, CTRL.soft_reset, CTRL.clear_counters) is returned to the device,
// which owns the run.
#pragma once

#include <array>
#include <cstdint>

#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/golden/datapath.h"

namespace aorta::golden {

class RegisterFile {
 public:
  RegisterFile(const ChipGeometry& geometry, uint64_t fingerprint)
      : geometry_(geometry), fingerprint_(fingerprint) {}

  // `counters`: the counters as they read now.
  uint32_t Read(uint32_t offset, const Counters& counters);
  // What a write asks of the device besides storing plain registers.
  struct Effect {
    bool doorbell = false;
    bool soft_reset = false;
    bool clear_counters = false;
  };
  Effect Write(uint32_t offset, uint32_t value);

  bool IrqLine() const { return (irq_status & irq_mask) != 0; }
  uint64_t InsnAddr(uint32_t pc) const;
  // A run starts: STATUS busy.
  void StartRun();
  // A run ends with HALT: STATUS done, IRQ done.
  void SetDone();
  // A run ends with fault `f` at instruction `pc`: STATUS error, ERR_*, IRQ error. BAD_FIELD,
  // BAD_OPCODE and FETCH_FAULT report the instruction word's address in ERR_ADDR.
  void SetError(Fault f, uint32_t pc);
  // CTRL.soft_reset: clears STATUS, IRQ_STATUS and ERR_*; a run in progress is reported as
  // STATUS.error with ABORTED at `oldest_pc` (no interrupt).
  void SoftReset(bool was_busy, uint32_t oldest_pc);
  // CTRL.clear_counters: the HI latches (the device zeroes its counters).
  void ClearCounterLatches() { hi_latch_.fill(0); }

  uint32_t chip_index = 0;
  // LINK_TIMEOUT (cycles; 0: none). The golden model has no cycles: a link wait that the board
  // can no longer satisfy expires when it is non-zero (GoldenDevice::ExpireLinkWaits).
  uint32_t link_timeout = regs::kLinkTimeoutReset;
  uint64_t iq_base = 0;
  uint32_t iq_len = 0;
  uint32_t irq_status = 0;
  uint32_t irq_mask = 0;
  uint32_t err_code = 0;
  uint32_t err_pc = 0;
  uint64_t err_addr = 0;
  std::array<uint64_t, regs::kSlotCount> slot_base{};
  std::array<uint64_t, regs::kSlotCount> slot_size{};
  bool busy = false, done = false, error = false;

 private:
  ChipGeometry geometry_;
  uint64_t fingerprint_;
  std::array<uint32_t, regs::kNumCounters> hi_latch_{};
};

}  // namespace aorta::golden
