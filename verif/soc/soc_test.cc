// The verilated SoC against the golden model, through the device contract only (registers,
// host memory, interrupt): the same instruction stream and memory images on both, then the same
// STATUS, ERR_CODE / ERR_PC / ERR_ADDR, the same non-timing perf counters (INSN_*, MACS,
// VEC_MACS, every byte counter) and the same bytes in every buffer. Covers DMA into and out of
// every memory, barriers, PERF records, tokens, and every fault the shell detects; and the
// timeout + soft reset path of a run that waits forever for link data.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/golden/golden_device.h"
#include "core/golden/host_memory.h"
#include "core/isa/isa.h"
#include "verif/soc/rtl_device.h"

namespace aorta::verif {
namespace {

using regs::Counter;
using regs::ErrCode;

// What a run leaves behind, as the host sees it.
struct Outcome {
  uint32_t status = 0, err_code = 0, err_pc = 0;
  uint64_t err_addr = 0;
  std::array<uint64_t, regs::kNumCounters> counters{};
  std::vector<std::vector<uint8_t>> buffers;
};

// The counters the golden model defines (it counts no time): all but CYCLES, *_BUSY, *_STALL,
// ARRAY_BUSY.
bool Untimed(uint32_t i) { return i >= static_cast<uint32_t>(Counter::kInsnDma); }

std::vector<uint8_t> Bytes(const std::vector<isa::Insn>& prog) {
  Result<std::vector<uint8_t>> s = isa::EncodeStream(prog);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : std::vector<uint8_t>{};
}

uint64_t Read64(Device& d, uint32_t lo, uint32_t hi) {
  uint64_t l = d.ReadReg(lo);
  return l | uint64_t{d.ReadReg(hi)} << 32;
}

// One device with its own host memory: buffers at the same IOVAs on both models (the allocator
// is deterministic), slot i = buffer i.
class Rig {
 public:
  Rig(const ChipConfig& cfg, bool rtl) : cfg_(cfg) {
    if (rtl) {
      // A cycle budget well above any of these programs: a hang fails fast.
      auto d =
          MakeRtlDevice(cfg, &host_, RtlDeviceOptions{.fast = false, .max_wait_cycles = 2000000});
      EXPECT_TRUE(d.ok()) << d.status().ToString();
      rtl_ = std::move(d).value();
      dev_ = rtl_.get();
    } else {
      golden_ = std::make_unique<GoldenDevice>(cfg, &host_);
      dev_ = golden_.get();
    }
  }
  Device& dev() { return *dev_; }
  RtlDevice* rtl() { return rtl_.get(); }
  GoldenDevice* golden() { return golden_.get(); }

  // Sets up buffers and the stream, starts the run; Finish() waits and collects.
  void Start(const std::vector<uint8_t>& stream, const std::vector<std::vector<uint8_t>>& bufs,
             const std::vector<uint64_t>& slot_size_override = {}) {
    Device& d = *dev_;
    auto iq = host_.Alloc(std::max<size_t>(stream.size(), 32));
    ASSERT_TRUE(iq.ok());
    std::memcpy(iq->span.data(), stream.data(), stream.size());
    d.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask | regs::kCtrlClearCountersMask);
    d.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    bufs_.clear();
    for (size_t i = 0; i < bufs.size(); ++i) {
      auto b = host_.Alloc(bufs[i].size());
      ASSERT_TRUE(b.ok());
      std::memcpy(b->span.data(), bufs[i].data(), bufs[i].size());
      bufs_.push_back(*b);
      const uint64_t base = kHostWindowBase + b->iova;
      const uint64_t size = i < slot_size_override.size() ? slot_size_override[i] : bufs[i].size();
      d.WriteReg(regs::kSlotBaseLo(i), static_cast<uint32_t>(base));
      d.WriteReg(regs::kSlotBaseHi(i), static_cast<uint32_t>(base >> 32));
      d.WriteReg(regs::kSlotSizeLo(i), static_cast<uint32_t>(size));
      d.WriteReg(regs::kSlotSizeHi(i), static_cast<uint32_t>(size >> 32));
    }
    const uint64_t iq_addr = kHostWindowBase + iq->iova;
    d.WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    d.WriteReg(regs::kIqBaseLo, static_cast<uint32_t>(iq_addr));
    d.WriteReg(regs::kIqBaseHi, static_cast<uint32_t>(iq_addr >> 32));
    d.WriteReg(regs::kIqLen, static_cast<uint32_t>(stream.size() / isa::kWordBytes));
    d.WriteReg(regs::kDoorbell, 1);
  }

  bool Wait(std::chrono::milliseconds timeout) { return dev_->WaitIrq(timeout); }
  Status AttachLink(uint32_t port, LinkEndpoint e) {
    return rtl_ ? rtl_->AttachLink(port, std::move(e)) : golden_->AttachLink(port, std::move(e));
  }

  // Points IQ_BASE / IQ_LEN at a new stream (in its own host buffer) and rings DOORBELL.
  void Ring(const std::vector<uint8_t>& stream) {
    auto iq = host_.Alloc(std::max<size_t>(stream.size(), 32));
    ASSERT_TRUE(iq.ok());
    std::memcpy(iq->span.data(), stream.data(), stream.size());
    const uint64_t iq_addr = kHostWindowBase + iq->iova;
    Device& d = *dev_;
    d.WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    d.WriteReg(regs::kIqBaseLo, static_cast<uint32_t>(iq_addr));
    d.WriteReg(regs::kIqBaseHi, static_cast<uint32_t>(iq_addr >> 32));
    d.WriteReg(regs::kIqLen, static_cast<uint32_t>(stream.size() / isa::kWordBytes));
    d.WriteReg(regs::kDoorbell, 1);
  }

  Outcome Collect() {
    Device& d = *dev_;
    Outcome o;
    o.status = d.ReadReg(regs::kStatus);
    o.err_code = d.ReadReg(regs::kErrCode);
    o.err_pc = d.ReadReg(regs::kErrPc);
    o.err_addr = Read64(d, regs::kErrAddrLo, regs::kErrAddrHi);
    for (uint32_t i = 0; i < regs::kNumCounters; ++i)
      o.counters[i] = Read64(d, regs::kCounterBase + 8 * i, regs::kCounterBase + 8 * i + 4);
    for (const auto& b : bufs_) o.buffers.emplace_back(b.span.begin(), b.span.end());
    return o;
  }

  Outcome Run(const std::vector<uint8_t>& stream, const std::vector<std::vector<uint8_t>>& bufs,
              const std::vector<uint64_t>& slot_size_override = {}) {
    Start(stream, bufs, slot_size_override);
    EXPECT_TRUE(Wait(std::chrono::milliseconds(60000))) << "no interrupt";
    return Collect();
  }

 private:
  ChipConfig cfg_;
  HostMemory host_;
  std::unique_ptr<GoldenDevice> golden_;
  std::unique_ptr<RtlDevice> rtl_;
  Device* dev_ = nullptr;
  std::vector<HostMemory::Buffer> bufs_;
};

class SocTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto c = LoadChipConfig(GetParam());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cfg_ = *c;
    geo_ = GeometryOf(cfg_);
  }

  // Runs on both models and compares everything; returns the golden outcome.
  // perf_buffer: the buffer holding PERF records (compared word by word), if any.
  Outcome Compare(const std::vector<uint8_t>& stream, const std::vector<std::vector<uint8_t>>& bufs,
                  const std::vector<uint64_t>& slot_size_override = {},
                  size_t perf_buffer = SIZE_MAX) {
    Rig g(cfg_, false), r(cfg_, true);
    Outcome want = g.Run(stream, bufs, slot_size_override);
    Outcome got = r.Run(stream, bufs, slot_size_override);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.err_code, want.err_code)
        << "golden " << regs::ErrCodeName(static_cast<ErrCode>(want.err_code)) << ", RTL "
        << regs::ErrCodeName(static_cast<ErrCode>(got.err_code));
    EXPECT_EQ(got.err_pc, want.err_pc);
    EXPECT_EQ(got.err_addr, want.err_addr);
    for (uint32_t i = 0; i < regs::kNumCounters; ++i) {
      if (Untimed(i)) {
        EXPECT_EQ(got.counters[i], want.counters[i]) << regs::kCounterNames[i];
      }
    }
    EXPECT_GT(got.counters[static_cast<size_t>(Counter::kCycles)], 0u);
    EXPECT_EQ(got.buffers.size(), want.buffers.size());
    for (size_t i = 0; i < got.buffers.size() && i < want.buffers.size(); ++i) {
      if (i == perf_buffer) {
        // PERF records: the tag and the untimed counters are equal; the timing ones are the
        // RTL's own (the golden model counts no time).
        for (size_t rec = 0; rec + regs::kSnapshotBytes <= want.buffers[i].size();
             rec += regs::kSnapshotBytes) {
          for (uint32_t w = 0; w < 1 + regs::kNumCounters; ++w) {
            if (w > 0 && !Untimed(w - 1)) continue;
            const size_t at = rec + 8 * w;
            EXPECT_TRUE(std::equal(want.buffers[i].begin() + at, want.buffers[i].begin() + at + 8,
                                   got.buffers[i].begin() + at))
                << "PERF record at " << rec << ", word " << w;
          }
        }
        continue;
      }
      EXPECT_TRUE(got.buffers[i] == want.buffers[i]) << "buffer " << i << " differs";
    }
    EXPECT_FALSE(r.rtl()->assertion_failed());
    for (const auto& e : r.rtl()->bus_errors()) ADD_FAILURE() << e;
    return want;
  }

  std::vector<uint8_t> Random(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng());
    return v;
  }

  // A DMA_LOAD / DMA_STORE of `rows` rows of `row_bytes` (stride: row_bytes unless given).
  template <class T>
  static T Dma(isa::Mem mem, uint32_t slot, uint32_t rows, uint32_t row_bytes,
               uint32_t chip_addr = 0, uint64_t off = 0, uint32_t stride = 0) {
    T d;
    d.slot = slot;
    d.mem = mem;
    d.rows = rows;
    d.row_bytes = row_bytes;
    d.chip_addr = chip_addr;
    d.ext_offset = off;
    d.ext_stride = stride ? stride : row_bytes;
    return d;
  }
  template <class... A>
  static isa::DmaLoad Load(A... a) {
    return Dma<isa::DmaLoad>(a...);
  }
  template <class... A>
  static isa::DmaStore Store(A... a) {
    return Dma<isa::DmaStore>(a...);
  }

  ChipConfig cfg_;
  ChipGeometry geo_;
};

TEST_P(SocTest, CopiesThroughEveryMemory) {
  // Partial rows (zero-filled on load), strides, offsets: load every memory from slot 0, store
  // each back to slot 1 at its own offset.
  const uint32_t n = geo_.n;
  std::vector<isa::Insn> p;
  uint64_t out = 0;
  const isa::Mem mems[] = {isa::Mem::kUb, isa::Mem::kWb, isa::Mem::kAcc, isa::Mem::kParam,
                           isa::Mem::kLut};
  for (isa::Mem m : mems) {
    const uint32_t row = geo_.RowBytes(static_cast<unsigned>(m));
    const uint32_t rows = m == isa::Mem::kLut ? 2 : 5;
    p.push_back(Load(m, 0, rows, row - 3, 1, 7, row + 1));
    p.push_back(isa::Sync{});
    p.push_back(Store(m, 1, rows + 1, row, 0, out, row));
    out += uint64_t{rows + 1} * row;
  }
  p.push_back(isa::Halt{});
  Outcome o = Compare(Bytes(p), {Random(8192, 1), std::vector<uint8_t>(out + n, 0)});
  EXPECT_EQ(o.status, regs::kStatusDoneMask);
}

TEST_P(SocTest, TokensOrderTheQueuesAndPerfWritesARecord) {
  // LD -> EX -> ST through tokens (LOADW passes them on), twice, with the reverse tokens
  // freeing the buffer; PERF records between.
  const uint32_t n = geo_.n;
  std::vector<isa::Insn> p;
  for (uint32_t i = 0; i < 3; ++i) {
    // Each round its own WB rows: the store of round i and the load of round i + 1 are not
    // ordered by tokens.
    isa::DmaLoad ld = Load(isa::Mem::kWb, 0, n, n, i * n, uint64_t{i} * n * n);
    ld.deps.push_next = true;
    if (i > 0) ld.deps.pop_next = true;
    isa::Loadw lw;
    lw.wb_addr = i * n;
    lw.bank = i & 1;
    lw.deps.pop_prev = true;
    lw.deps.push_next = true;
    lw.deps.push_prev = true;
    isa::DmaStore st = Store(isa::Mem::kWb, 1, n, n, i * n, uint64_t{i} * n * n);
    st.deps.pop_prev = true;
    p.push_back(ld);
    p.push_back(lw);
    p.push_back(st);
    isa::Perf perf;
    perf.slot = 2;
    perf.ext_offset = uint64_t{i} * regs::kSnapshotBytes;
    perf.tag = static_cast<uint32_t>(100 + i);
    if (i == 1) p.push_back(perf);
  }
  isa::Perf perf;
  perf.slot = 2;
  perf.ext_offset = 2 * regs::kSnapshotBytes;
  perf.tag = 7;
  p.push_back(perf);
  p.push_back(isa::Halt{});
  // The EX -> LD tokens of the last two LOADWs are never popped: fine, they end with the run.
  Outcome o = Compare(Bytes(p),
                      {Random(3 * n * n, 2), std::vector<uint8_t>(3 * n * n),
                       std::vector<uint8_t>(3 * regs::kSnapshotBytes)},
                      {}, 2);
  EXPECT_EQ(o.status, regs::kStatusDoneMask);
  EXPECT_EQ(o.counters[static_cast<size_t>(Counter::kInsnLoadw)], 3u);
}

// ---- Faults -------------------------------------------------------------------------------------

TEST_P(SocTest, BadOpcodeAndBadField) {
  std::vector<uint8_t> s = Bytes({isa::Sync{}, isa::Sync{}, isa::Halt{}});
  s[32] = 0x7e;  // undefined opcode at instruction 1
  Outcome o = Compare(s, {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kBadOpcode));
  EXPECT_EQ(o.err_pc, 1u);
  s = Bytes({isa::Sync{}, isa::Sync{}, isa::Halt{}});
  s[64 + 20] = 1;  // a reserved bit of HALT
  o = Compare(s, {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kBadField));
  EXPECT_EQ(o.err_pc, 2u);
  s = Bytes({isa::Sync{}, isa::Halt{}});
  s[1] = 0x01;  // SYNC with pop_prev: a barrier carries no flags
  o = Compare(s, {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kBadField));
}

TEST_P(SocTest, DmaBoundsAndFaults) {
  const uint32_t n = geo_.n;
  // Row 3 of 4 runs past the slot: DMA_BOUNDS with the first offset outside.
  Outcome o = Compare(Bytes({Load(isa::Mem::kUb, 0, 4, n, 0, 0, n), isa::Halt{}}),
                      {Random(4 * n, 3)}, {3 * n + 1});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kDmaBounds));
  // An unused slot (size 0).
  o = Compare(Bytes({Store(isa::Mem::kUb, 5, 1, n), isa::Halt{}}), {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kDmaBounds));
  // A row wider than the memory's row: BAD_FIELD.
  o = Compare(Bytes({Load(isa::Mem::kUb, 0, 1, n + 1), isa::Halt{}}), {Random(4 * n, 4)});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kBadField));
  // Rows beyond the memory: CHIP_RANGE, with the row and the memory in ERR_ADDR.
  o = Compare(
      Bytes({isa::Sync{}, Load(isa::Mem::kAcc, 0, 2, 4, static_cast<uint32_t>(geo_.acc_rows) - 1),
             isa::Halt{}}),
      {Random(64, 5)});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kChipRange));
  EXPECT_EQ(o.err_pc, 1u);
}

TEST_P(SocTest, TokenDeadlockAndOverflow) {
  // EX pops a token nobody pushes, with the LD queue behind a barrier: deadlock, ERR_PC = the
  // oldest blocked instruction.
  isa::Loadw lw;
  lw.deps.pop_prev = true;
  Outcome o = Compare(Bytes({isa::Sync{}, lw, isa::Sync{}, isa::Halt{}}), {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kTokenDeadlock));
  EXPECT_EQ(o.err_pc, 1u);
  // LD pushes one token more than the counter holds.
  std::vector<isa::Insn> p;
  isa::DmaLoad ld = Load(isa::Mem::kUb, 0, 1, 1);
  ld.deps.push_next = true;
  for (uint32_t i = 0; i <= geo_.token_capacity; ++i) p.push_back(ld);
  p.push_back(isa::Halt{});
  o = Compare(Bytes(p), {Random(16, 6)});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kTokenOverflow));
  EXPECT_EQ(o.err_pc, geo_.token_capacity);
  EXPECT_EQ(o.err_addr, 0u);  // counter LD->EX
}

TEST_P(SocTest, FetchPastTheEndAndLinkFault) {
  Outcome o = Compare(Bytes({isa::Sync{}, isa::Sync{}}), {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kFetchFault));
  EXPECT_EQ(o.err_pc, 2u);
  isa::Recv r;
  r.link = 0;  // not connected
  r.rows = 1;
  o = Compare(Bytes({r, isa::Halt{}}), {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kLinkFault));
  isa::Send s;
  s.link = 15;  // no such port
  s.rows = 1;
  o = Compare(Bytes({s, isa::Halt{}}), {});
  EXPECT_EQ(o.err_code, static_cast<uint32_t>(ErrCode::kLinkFault));
  EXPECT_EQ(o.err_addr, 15u);
}

TEST_P(SocTest, LinksCarryRowsBetweenChips) {
  // Two RTL chips, port 0 of each connected: chip A sends 3 UB rows, chip B receives them and
  // stores them to host memory.
  const uint32_t n = geo_.n;
  HostMemory ha, hb;
  auto a = MakeRtlDevice(cfg_, &ha, {});
  auto b = MakeRtlDevice(cfg_, &hb, {});
  ASSERT_TRUE(a.ok() && b.ok());
  auto [ea, eb] = MakeLink();
  ASSERT_TRUE((*a)->AttachLink(0, ea).ok());
  ASSERT_TRUE((*b)->AttachLink(0, eb).ok());
  std::vector<uint8_t> data = Random(3 * n, 7);
  auto run = [&](RtlDevice& d, HostMemory& h, const std::vector<isa::Insn>& prog,
                 HostMemory::Buffer* buf) {
    std::vector<uint8_t> s = Bytes(prog);
    auto iq = h.Alloc(s.size());
    ASSERT_TRUE(iq.ok());
    std::memcpy(iq->span.data(), s.data(), s.size());
    auto bb = h.Alloc(3 * n);
    ASSERT_TRUE(bb.ok());
    std::memcpy(bb->span.data(), data.data(), data.size());
    *buf = *bb;
    const uint64_t base = kHostWindowBase + bb->iova, iq_addr = kHostWindowBase + iq->iova;
    d.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    d.WriteReg(regs::kSlotBaseLo(0), static_cast<uint32_t>(base));
    d.WriteReg(regs::kSlotBaseHi(0), static_cast<uint32_t>(base >> 32));
    d.WriteReg(regs::kSlotSizeLo(0), 3 * n);
    d.WriteReg(regs::kIqBaseLo, static_cast<uint32_t>(iq_addr));
    d.WriteReg(regs::kIqBaseHi, static_cast<uint32_t>(iq_addr >> 32));
    d.WriteReg(regs::kIqLen, static_cast<uint32_t>(prog.size()));
    d.WriteReg(regs::kDoorbell, 1);
  };
  isa::Send snd;
  snd.rows = 3;
  snd.ub_addr = 4;
  isa::Recv rcv;
  rcv.rows = 3;
  rcv.ub_addr = 9;
  HostMemory::Buffer ba, bb;
  run(**b, hb, {rcv, isa::Sync{}, Store(isa::Mem::kUb, 0, 3, n, 9), isa::Halt{}}, &bb);
  std::fill(bb.span.begin(), bb.span.end(), 0);
  run(**a, ha, {Load(isa::Mem::kUb, 0, 3, n, 4), isa::Sync{}, snd, isa::Halt{}}, &ba);
  bool done_a = false, done_b = false;
  for (int i = 0; i < 200 && !(done_a && done_b); ++i) {
    done_a = (*a)->Run(500);
    done_b = (*b)->Run(500);
  }
  ASSERT_TRUE(done_a && done_b);
  EXPECT_EQ((*a)->ReadReg(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_EQ((*b)->ReadReg(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_TRUE(std::equal(bb.span.begin(), bb.span.end(), data.begin()));
  EXPECT_EQ((*b)->ReadReg(regs::kCounterBase + 8 * static_cast<uint32_t>(Counter::kLinkRxBytes)),
            3 * n);
  EXPECT_FALSE((*a)->assertion_failed() || (*b)->assertion_failed());
}

TEST_P(SocTest, SoftResetAbortsARunThatWaitsForLinkDataAndTheNextRunWorks) {
  // A RECV on a connected port that never gets data: no interrupt (the device is busy), a soft
  // reset reports ABORTED at the RECV, and the next run completes.
  for (bool rtl : {false, true}) {
    SCOPED_TRACE(rtl ? "RTL" : "golden");
    Rig rig(cfg_, rtl);
    auto [mine, peer] = MakeLink();
    ASSERT_TRUE(rig.AttachLink(1, mine).ok());
    isa::Recv r;
    r.link = 1;
    r.rows = 2;
    rig.Start(Bytes({isa::Sync{}, r, isa::Halt{}}), {});
    EXPECT_FALSE(rig.Wait(std::chrono::milliseconds(200)));
    EXPECT_EQ(rig.dev().ReadReg(regs::kStatus), regs::kStatusBusyMask);
    rig.dev().WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
    EXPECT_EQ(rig.dev().ReadReg(regs::kStatus), regs::kStatusErrorMask);
    EXPECT_EQ(rig.dev().ReadReg(regs::kErrCode), static_cast<uint32_t>(ErrCode::kAborted));
    EXPECT_EQ(rig.dev().ReadReg(regs::kErrPc), 1u);
    EXPECT_EQ(rig.dev().ReadReg(regs::kIrqStatus), 0u);
    Outcome o = rig.Run(Bytes({isa::Sync{}, isa::Halt{}}), {});
    EXPECT_EQ(o.status, regs::kStatusDoneMask);
    if (rtl) {
      EXPECT_FALSE(rig.rtl()->assertion_failed());
    }
  }
}

TEST_P(SocTest, DoorbellWhileBusyIsIgnoredAndTheRunItWouldStartNeverRuns) {
  // The device takes a DOORBELL only when idle: a host that rings the next stream while the
  // previous one still runs loses it (the runtime did so with the init stream before it waited
  // for it: the demo CNN's run never started, its PERF records stayed zero and the session
  // reported "PERF record 1 carries tag 0"). A RECV holds the first run; a second stream rung
  // meanwhile writes no PERF record, and runs when rung again after the first has finished.
  const uint32_t n = geo_.n;
  for (bool rtl : {false, true}) {
    SCOPED_TRACE(rtl ? "RTL" : "golden");
    Rig rig(cfg_, rtl);
    auto [mine, peer] = MakeLink();
    ASSERT_TRUE(rig.AttachLink(1, mine).ok());
    isa::Recv r;
    r.link = 1;
    r.rows = 1;
    auto perf = [](uint32_t tag, uint64_t off) {
      isa::Perf p;
      p.slot = 0;
      p.ext_offset = off;
      p.tag = tag;
      return p;
    };
    rig.Start(Bytes({r, perf(1, 0), isa::Halt{}}),
              {std::vector<uint8_t>(2 * regs::kSnapshotBytes)});
    EXPECT_FALSE(rig.Wait(std::chrono::milliseconds(50)));
    // The same length: IQ_LEN is read while the run fetches (a shorter one would end it).
    const std::vector<uint8_t> second =
        Bytes({perf(2, regs::kSnapshotBytes), isa::Sync{}, isa::Halt{}});
    rig.Ring(second);
    EXPECT_EQ(rig.dev().ReadReg(regs::kStatus), regs::kStatusBusyMask);
    std::vector<uint8_t> row(n, 0x5a);
    peer.tx->Push(row);
    EXPECT_TRUE(rig.Wait(std::chrono::milliseconds(60000))) << "no interrupt";
    Outcome o = rig.Collect();
    EXPECT_EQ(o.status, regs::kStatusDoneMask)
        << regs::ErrCodeName(static_cast<ErrCode>(o.err_code)) << " at " << o.err_pc;
    ASSERT_EQ(o.buffers.size(), 1u);
    auto word = [&](size_t at) {
      uint64_t v = 0;
      std::memcpy(&v, o.buffers[0].data() + at, 8);
      return v;
    };
    EXPECT_EQ(word(0), 1u);
    EXPECT_TRUE(std::all_of(o.buffers[0].begin() + regs::kSnapshotBytes, o.buffers[0].end(),
                            [](uint8_t b) { return b == 0; }))
        << "the stream rung while busy ran";
    rig.Ring(second);
    EXPECT_TRUE(rig.Wait(std::chrono::milliseconds(60000))) << "no interrupt";
    o = rig.Collect();
    EXPECT_EQ(o.status, regs::kStatusDoneMask)
        << regs::ErrCodeName(static_cast<ErrCode>(o.err_code)) << " at " << o.err_pc;
    EXPECT_EQ(word(regs::kSnapshotBytes), 2u);
    if (rtl) {
      EXPECT_FALSE(rig.rtl()->assertion_failed());
      for (const auto& e : rig.rtl()->bus_errors()) ADD_FAILURE() << e;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, SocTest, ::testing::Values("tiny", "sim16"),
                         [](const auto& test) { return std::string(test.param); });

}  // namespace
}  // namespace aorta::verif
