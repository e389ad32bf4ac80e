// Test helpers for the golden model: a small made-up chip, a rig that drives a GoldenDevice
// through its registers with programs built by isa::EncodeStream, and naive reference loops.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/device.h"
#include "core/golden/golden_device.h"
#include "core/golden/host_memory.h"
#include "core/isa/isa.h"

namespace aorta::golden_test {

// N = 8 lanes with small memories, so range faults are easy to provoke.
inline ChipGeometry SmallGeometry() {
  ChipGeometry g;
  g.n = 8;
  g.ub_rows = 256;
  g.wb_rows = 64;
  g.acc_rows = 64;
  g.param_rows = 16;
  g.lut_rows = 2;
  g.queue_depth = 4;
  g.token_capacity = 3;
  g.link_ports = 2;
  g.dram_bytes = uint64_t{1} << 20;
  return g;
}

inline constexpr uint64_t kTestFingerprint = 0x1122334455667788ull;

inline uint32_t Lo(uint64_t v) { return static_cast<uint32_t>(v); }
inline uint32_t Hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

// A device with a host memory, a program buffer and helpers to map slots and run programs.
class Rig {
 public:
  explicit Rig(const ChipGeometry& g = SmallGeometry())
      : dev(g, kTestFingerprint, &host), prog_(host.Alloc(uint64_t{1} << 16).value()) {}

  HostMemory host;
  GoldenDevice dev;

  // Programs slot `slot` to [dev_addr, dev_addr + size).
  void SetSlot(uint32_t slot, uint64_t dev_addr, uint64_t size) {
    dev.WriteReg(regs::kSlotBaseLo(slot), Lo(dev_addr));
    dev.WriteReg(regs::kSlotBaseHi(slot), Hi(dev_addr));
    dev.WriteReg(regs::kSlotSizeLo(slot), Lo(size));
    dev.WriteReg(regs::kSlotSizeHi(slot), Hi(size));
  }
  // A fresh host buffer of `bytes`, mapped as slot `slot`.
  std::span<uint8_t> MapSlot(uint32_t slot, uint64_t bytes) {
    HostMemory::Buffer b = host.Alloc(bytes).value();
    SetSlot(slot, kHostWindowBase + b.iova, bytes);
    return b.span;
  }
  uint64_t ProgramAddr() const { return kHostWindowBase + prog_.iova; }

  // Writes raw words as the program and rings the doorbell; does not wait.
  void StartRaw(const std::vector<uint8_t>& bytes, uint32_t len) {
    ASSERT_LE(bytes.size(), prog_.span.size());
    std::memcpy(prog_.span.data(), bytes.data(), bytes.size());
    dev.WriteReg(regs::kIqBaseLo, Lo(ProgramAddr()));
    dev.WriteReg(regs::kIqBaseHi, Hi(ProgramAddr()));
    dev.WriteReg(regs::kIqLen, len);
    dev.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    dev.WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    dev.WriteReg(regs::kDoorbell, 1);
  }
  void Start(const std::vector<isa::Insn>& program) {
    Result<std::vector<uint8_t>> bytes = isa::EncodeStream(program);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    StartRaw(*bytes, static_cast<uint32_t>(program.size()));
  }
  // Runs a program to its end; returns STATUS.
  uint32_t Run(const std::vector<isa::Insn>& program) {
    Start(program);
    EXPECT_TRUE(dev.WaitIrq(std::chrono::milliseconds(100)));
    return dev.ReadReg(regs::kStatus);
  }
  // Runs a program that must reach HALT.
  void RunOk(const std::vector<isa::Insn>& program) {
    uint32_t status = Run(program);
    ASSERT_EQ(status, regs::kStatusDoneMask)
        << "ERR_CODE " << regs::ErrCodeName(static_cast<regs::ErrCode>(ErrCode())) << " ERR_PC "
        << ErrPc() << " ERR_ADDR " << ErrAddr();
  }

  uint64_t Counter(regs::Counter c) {
    uint64_t lo = dev.ReadReg(regs::CounterLo(c));
    return lo | (uint64_t{dev.ReadReg(regs::CounterHi(c))} << 32);
  }
  uint32_t ErrCode() { return dev.ReadReg(regs::kErrCode); }
  uint32_t ErrPc() { return dev.ReadReg(regs::kErrPc); }
  uint64_t ErrAddr() {
    return dev.ReadReg(regs::kErrAddrLo) | (uint64_t{dev.ReadReg(regs::kErrAddrHi)} << 32);
  }
  // Expects the last run to have stopped with `code` at `pc` and ERR_ADDR `addr`.
  void ExpectError(regs::ErrCode code, uint32_t pc, uint64_t addr) {
    EXPECT_EQ(dev.ReadReg(regs::kStatus), regs::kStatusErrorMask);
    EXPECT_EQ(ErrCode(), static_cast<uint32_t>(code))
        << "got " << regs::ErrCodeName(static_cast<regs::ErrCode>(ErrCode()));
    EXPECT_EQ(ErrPc(), pc);
    EXPECT_EQ(ErrAddr(), addr);
    EXPECT_EQ(dev.ReadReg(regs::kIrqStatus), regs::kIrqStatusErrorMask);
  }

  golden::ChipState& chip() { return dev.chip(); }

 private:
  HostMemory::Buffer prog_;
};

inline isa::Halt Halt() { return isa::Halt{}; }

// Instruction builders with the common fields; tests change the rest by assignment.
inline isa::Matmul Matmul(uint32_t act_addr, uint32_t in_h, uint32_t in_w, uint32_t out_h,
                          uint32_t out_w, uint32_t acc_addr) {
  isa::Matmul m;
  m.act_addr = act_addr;
  m.in_h = in_h;
  m.in_w = in_w;
  m.out_h = out_h;
  m.out_w = out_w;
  m.acc_addr = acc_addr;
  return m;
}
inline isa::Loadw Loadw(bool bank, uint32_t wb_addr) {
  isa::Loadw l;
  l.bank = bank;
  l.wb_addr = wb_addr;
  return l;
}
// DMA_LOAD / DMA_STORE (T) with every field.
template <typename T>
T Dma(uint32_t slot, isa::Mem mem, uint64_t ext_offset, uint32_t ext_stride, uint32_t chip_addr,
      uint32_t rows, uint32_t row_bytes) {
  T d;
  d.slot = slot;
  d.mem = mem;
  d.ext_offset = ext_offset;
  d.ext_stride = ext_stride;
  d.chip_addr = chip_addr;
  d.rows = rows;
  d.row_bytes = row_bytes;
  return d;
}
constexpr auto DmaLoad = Dma<isa::DmaLoad>;
constexpr auto DmaStore = Dma<isa::DmaStore>;
inline isa::Postproc Postproc(uint32_t acc_addr, uint32_t ub_addr, uint32_t rows,
                              uint32_t param_addr) {
  isa::Postproc p;
  p.acc_addr = acc_addr;
  p.ub_addr = ub_addr;
  p.rows = rows;
  p.param_addr = param_addr;
  p.lo = -128;
  p.hi = 127;
  return p;
}

// Fills `n` UB rows from `first` with a deterministic pattern depending on a seed.
inline void FillUb(golden::ChipState& s, uint64_t first, uint64_t rows, int seed) {
  for (uint64_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < s.n(); ++c)
      s.Ub(first + r)[c] = static_cast<int8_t>(((r * 37 + c * 11 + seed * 53) % 255) - 127);
}
inline void FillWb(golden::ChipState& s, uint64_t first, uint64_t rows, int seed) {
  for (uint64_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < s.n(); ++c)
      s.Wb(first + r)[c] = static_cast<int8_t>(((r * 29 + c * 7 + seed * 17) % 255) - 127);
}

// Snapshot of a memory's bytes, to check that a faulting instruction changed nothing.
inline std::vector<uint8_t> Snapshot(golden::ChipState& s, isa::Mem m) {
  std::vector<uint8_t> out;
  for (uint64_t r = 0; r < s.Rows(m); ++r) {
    auto row = s.Row(m, r);
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

}  // namespace aorta::golden_test
