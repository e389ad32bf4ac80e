// The TLM board against the golden model on small programs: every program runs on a golden
// device and on a TLM board of the same config, with the same host buffers; STATUS, ERR_CODE,
// ERR_PC, ERR_ADDR, IRQ_STATUS, the non-timing counters and the on-chip memories must be equal.
// Then the timing: the RTL's cycle formulas for passes and vector instructions, DMA bounded by
// the DRAM model, links, PERF records with cycles, determinism.
#include "tlm/board.h"

#include <gtest/gtest.h>

#include <cstring>

#include "core/golden/golden_device.h"
#include "core/golden/golden_test_util.h"
#include "core/golden/host_memory.h"
#include "core/isa/isa.h"

namespace aorta::tlm {
namespace {

using golden_test::Halt;
using isa::Mem;
using regs::Counter;
using regs::ErrCode;

// The golden tests' small chip (golden_test::SmallGeometry) as a config.
ChipConfig SmallConfig() {
  ChipConfig c;
  c.set_array_rows(8);
  c.set_array_cols(8);
  c.set_unified_buffer_bytes(256 * 8);
  c.set_unified_buffer_banks(1);
  c.set_weight_buffer_bytes(64 * 8);
  c.set_weight_buffer_banks(1);
  c.set_accumulator_bytes(64 * 32);
  c.set_accumulator_banks(1);
  c.set_param_buffer_bytes(16 * 32);
  c.set_lut_tables(2);
  c.set_queue_depth(4);
  c.set_token_capacity(3);
  c.set_clock_mhz(200);
  c.mutable_dram()->set_bytes(1 << 20);
  c.mutable_dram()->set_bandwidth_gbps(4);
  c.mutable_dram()->set_latency_ns(120);
  c.mutable_pcie()->set_generation(2);
  c.mutable_pcie()->set_lanes(4);
  c.mutable_links()->set_count(2);
  c.mutable_links()->set_bandwidth_gbps(10);
  c.mutable_links()->set_latency_ns(500);
  return c;
}

uint32_t Lo(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t Hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

// One side: a device (golden or TLM) with its host memory and program buffer.
struct Side {
  HostMemory host;
  std::unique_ptr<GoldenDevice> golden;
  std::unique_ptr<Board> board;
  HostMemory::Buffer prog;

  uint32_t Read(uint32_t off) { return golden ? golden->ReadReg(off) : board->ReadReg(0, off); }
  void Write(uint32_t off, uint32_t v) {
    if (golden) {
      golden->WriteReg(off, v);
    } else {
      board->WriteReg(0, off, v);
    }
  }
  bool Wait() {
    return golden ? golden->WaitIrq(std::chrono::milliseconds(100))
                  : board->RunUntilIrq(0, std::chrono::seconds(10));
  }
  golden::ChipState& chip() { return golden ? golden->chip() : board->chip(0).state(); }
  uint64_t Counter(regs::Counter c) {
    uint64_t lo = Read(regs::CounterLo(c));
    return lo | (uint64_t{Read(regs::CounterHi(c))} << 32);
  }
};

// The same program on both sides.
class Dual {
 public:
  explicit Dual(const ChipConfig& c = SmallConfig()) {
    g_.golden = std::make_unique<GoldenDevice>(c, &g_.host);
    auto b = Board::Make({c}, {}, &t_.host);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    t_.board = std::move(b).value();
    for (Side* s : {&g_, &t_}) s->prog = s->host.Alloc(uint64_t{1} << 16).value();
  }
  Side& golden() { return g_; }
  Side& tlm() { return t_; }

  void SetSlot(uint32_t slot, uint64_t addr, uint64_t size) {
    for (Side* s : {&g_, &t_}) {
      s->Write(regs::kSlotBaseLo(slot), Lo(addr));
      s->Write(regs::kSlotBaseHi(slot), Hi(addr));
      s->Write(regs::kSlotSizeLo(slot), Lo(size));
      s->Write(regs::kSlotSizeHi(slot), Hi(size));
    }
  }
  // A host buffer per side (same IOVA: both allocators start alike), mapped as `slot`.
  struct Mapped {
    std::span<uint8_t> g, t;
    uint64_t addr;  // device address
  };
  Mapped MapSlot(uint32_t slot, uint64_t bytes) {
    HostMemory::Buffer a = g_.host.Alloc(bytes).value();
    HostMemory::Buffer b = t_.host.Alloc(bytes).value();
    EXPECT_EQ(a.iova, b.iova);
    SetSlot(slot, kHostWindowBase + a.iova, bytes);
    return {a.span, b.span, kHostWindowBase + a.iova};
  }
  uint64_t ProgramAddr() const { return kHostWindowBase + g_.prog.iova; }
  // Runs raw program bytes on both sides and compares everything observable.
  void RunRaw(const std::vector<uint8_t>& bytes, uint32_t len) {
    for (Side* s : {&g_, &t_}) {
      std::memcpy(s->prog.span.data(), bytes.data(), bytes.size());
      s->Write(regs::kIqBaseLo, Lo(ProgramAddr()));
      s->Write(regs::kIqBaseHi, Hi(ProgramAddr()));
      s->Write(regs::kIqLen, len);
      s->Write(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
      s->Write(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
      s->Write(regs::kDoorbell, 1);
      EXPECT_TRUE(s->Wait());
    }
    Compare();
  }
  void Run(const std::vector<isa::Insn>& program) {
    Result<std::vector<uint8_t>> bytes = isa::EncodeStream(program);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    RunRaw(*bytes, static_cast<uint32_t>(program.size()));
  }
  void Compare() {
    for (uint32_t r : {regs::kStatus, regs::kErrCode, regs::kErrPc, regs::kErrAddrLo,
                       regs::kErrAddrHi, regs::kIrqStatus})
      EXPECT_EQ(t_.Read(r), g_.Read(r))
          << "register " << r << " (ERR_CODE golden "
          << regs::ErrCodeName(static_cast<ErrCode>(g_.Read(regs::kErrCode))) << ", tlm "
          << regs::ErrCodeName(static_cast<ErrCode>(t_.Read(regs::kErrCode))) << ")";
    // FETCH_BYTES after an error depends on timing: the golden model fetches and dispatches as
    // far as the queues allow before it executes anything, timed hardware stops fetching when
    // the fault happens. Every other counter must agree.
    const bool error = (g_.Read(regs::kStatus) & regs::kStatusErrorMask) != 0;
    for (size_t i = static_cast<size_t>(Counter::kInsnDma); i < regs::kNumCounters; ++i) {
      if (error && i == static_cast<size_t>(Counter::kFetchBytes)) {
        fetch_bytes_seen_ = t_.Counter(Counter::kFetchBytes);
        fetch_bytes_seen_golden_ = g_.Counter(Counter::kFetchBytes);
        continue;
      }
      if (i == static_cast<size_t>(Counter::kFetchBytes)) {
        // Earlier error runs may have left a difference; only this run's fetches must agree.
        EXPECT_EQ(t_.Counter(Counter::kFetchBytes) - fetch_bytes_seen_,
                  g_.Counter(Counter::kFetchBytes) - fetch_bytes_seen_golden_);
        fetch_bytes_seen_ = t_.Counter(Counter::kFetchBytes);
        fetch_bytes_seen_golden_ = g_.Counter(Counter::kFetchBytes);
        continue;
      }
      EXPECT_EQ(t_.Counter(static_cast<Counter>(i)), g_.Counter(static_cast<Counter>(i)))
          << regs::kCounterNames[i];
    }
    for (Mem m : {Mem::kUb, Mem::kWb, Mem::kAcc, Mem::kParam, Mem::kLut})
      EXPECT_EQ(golden_test::Snapshot(t_.chip(), m), golden_test::Snapshot(g_.chip(), m))
          << "memory " << static_cast<int>(m);
  }
  void ExpectError(ErrCode code, uint32_t pc) {
    EXPECT_EQ(t_.Read(regs::kErrCode), static_cast<uint32_t>(code))
        << regs::ErrCodeName(static_cast<ErrCode>(t_.Read(regs::kErrCode)));
    EXPECT_EQ(t_.Read(regs::kErrPc), pc);
  }
  // Applies `f` to both chips' state.
  template <typename F>
  void Both(F f) {
    f(g_.chip());
    f(t_.chip());
  }

 private:
  Side g_, t_;
  uint64_t fetch_bytes_seen_ = 0, fetch_bytes_seen_golden_ = 0;
};

std::vector<uint8_t> Encode(const std::vector<isa::Insn>& p) {
  return isa::EncodeStream(p).value();
}

TEST(TlmVsGolden, FetchAndDecodeFaults) {
  Dual d;
  d.MapSlot(0, 64);
  std::vector<uint8_t> prog =
      Encode({golden_test::DmaLoad(0, Mem::kUb, 0, 8, 0, 1, 8), Halt(), Halt()});
  prog[32] = 0x05;  // an opcode the ISA does not define
  d.RunRaw(prog, 3);
  d.ExpectError(ErrCode::kBadOpcode, 1);
  prog = Encode({Halt()});
  prog[25] = 0x01;  // a reserved bit
  d.RunRaw(prog, 1);
  d.ExpectError(ErrCode::kBadField, 0);
  d.Run({isa::Sync{}});  // no HALT: fetch past IQ_LEN
  d.ExpectError(ErrCode::kFetchFault, 1);
}

TEST(TlmVsGolden, DmaFaults) {
  Dual d;
  const auto m0 = d.MapSlot(0, 4096);
  d.SetSlot(0, m0.addr, 100);
  d.Run({isa::Sync{}, golden_test::DmaLoad(0, Mem::kUb, 0, 96, 0, 2, 8), Halt()});
  d.ExpectError(ErrCode::kDmaBounds, 1);
  d.Run({golden_test::DmaStore(5, Mem::kUb, 12, 8, 0, 1, 8), Halt()});
  d.ExpectError(ErrCode::kDmaBounds, 0);
  const uint64_t hole = uint64_t{1} << 46;
  d.SetSlot(1, hole, 4096);
  d.Run({golden_test::DmaLoad(1, Mem::kUb, 16, 8, 0, 1, 8), Halt()});
  d.ExpectError(ErrCode::kDmaFault, 0);
  d.SetSlot(2, (1 << 20) - 12, 64);  // straddles the end of DRAM
  d.Run({golden_test::DmaLoad(2, Mem::kUb, 0, 8, 0, 2, 8), Halt()});
  d.ExpectError(ErrCode::kDmaFault, 0);
  const auto m3 = d.MapSlot(3, 64);
  d.SetSlot(3, m3.addr, 1 << 20);
  d.Both([](golden::ChipState& s) { s.Ub(0)[0] = 42; });
  d.Run({golden_test::DmaStore(3, Mem::kUb, 0, 8192, 0, 2, 8), Halt()});
  d.ExpectError(ErrCode::kDmaFault, 0);
  EXPECT_EQ(m3.t[0], 0);  // nothing written
}

TEST(TlmVsGolden, RangeFieldAndParamFaults) {
  Dual d;
  d.Run({golden_test::Loadw(0, 0), golden_test::Matmul(0, 2, 4, 2, 4, 60), Halt()});
  d.ExpectError(ErrCode::kChipRange, 1);
  d.MapSlot(0, 64);
  d.Run({golden_test::DmaLoad(0, Mem::kUb, 0, 9, 0, 1, 9), Halt()});
  d.ExpectError(ErrCode::kBadField, 0);
  d.MapSlot(1, 1024);
  d.Run({golden_test::DmaLoad(1, Mem::kLut, 0, 256, 1, 2, 256), Halt()});
  d.ExpectError(ErrCode::kChipRange, 0);
  d.Both([](golden::ChipState& s) {
    for (int c = 0; c < 8; ++c) s.Param(6)[c] = 0;
    s.Param(6)[3] = 32;
  });
  d.Run({golden_test::Postproc(0, 0, 4, 4), Halt()});
  d.ExpectError(ErrCode::kBadParam, 0);
  d.Both([](golden::ChipState& s) { golden_test::FillUb(s, 0, 16, 3); });
  isa::Resize r;
  r.out_addr = 3;
  r.in_h = 2;
  r.in_w = 2;
  r.scale_h = 2;
  d.Run({isa::Sync{}, r, Halt()});
  d.ExpectError(ErrCode::kBadField, 1);
}

TEST(TlmVsGolden, TokenFaults) {
  Dual d;
  isa::Matmul m = golden_test::Matmul(0, 1, 1, 1, 1, 0);
  m.deps.pop_prev = true;  // nobody pushes
  d.Run({golden_test::Loadw(0, 0), m, Halt()});
  d.ExpectError(ErrCode::kTokenDeadlock, 1);
  const auto src = d.MapSlot(0, 64);
  src.g[0] = src.t[0] = 9;
  std::vector<isa::Insn> prog;
  for (uint32_t i = 0; i < 4; ++i) {
    isa::DmaLoad l = golden_test::DmaLoad(0, Mem::kUb, 0, 8, i, 1, 8);
    l.deps.push_next = true;
    prog.push_back(l);
  }
  prog.push_back(Halt());
  d.Run(prog);
  d.ExpectError(ErrCode::kTokenOverflow, 3);
}

TEST(TlmVsGolden, LinkFaultsAndSoftReset) {
  Dual d;
  isa::Send snd;
  d.Run({snd, Halt()});
  d.ExpectError(ErrCode::kLinkFault, 0);
  isa::Recv rcv;
  rcv.link = 7;
  d.Run({isa::Sync{}, rcv, Halt()});
  d.ExpectError(ErrCode::kLinkFault, 1);
  for (Side* s : {&d.golden(), &d.tlm()}) s->Write(regs::kCtrl, regs::kCtrlSoftResetMask);
  d.Compare();
  EXPECT_EQ(d.tlm().Read(regs::kStatus), 0u);
  EXPECT_EQ(d.tlm().Read(regs::kErrCode), 0u);
}

// The golden test's two 1x1 convolutions through LD / EX / ST with tokens, with the weights
// loaded first: LOADW pops the first LD -> EX token, so the weights must be what it waits for
// (the golden model serves LD first and forgives the other order; timed hardware does not).
std::vector<isa::Insn> TokenPipeline() {
  auto with = [](auto insn, bool pop_prev, bool pop_next, bool push_prev, bool push_next) {
    insn.deps = {pop_prev, pop_next, push_prev, push_next};
    return insn;
  };
  return {with(golden_test::DmaLoad(1, Mem::kWb, 0, 8, 0, 8, 8), false, false, false, true),
          with(golden_test::DmaLoad(0, Mem::kUb, 0, 8, 0, 1, 8), false, false, false, true),
          with(golden_test::Loadw(0, 0), true, false, false, false),
          with(golden_test::Matmul(0, 1, 1, 1, 1, 0), true, false, true, false),
          with(golden_test::Postproc(0, 10, 1, 0), false, false, false, true),
          with(golden_test::DmaLoad(0, Mem::kUb, 8, 8, 0, 1, 8), false, true, false, true),
          with(golden_test::Matmul(0, 1, 1, 1, 1, 1), true, false, false, false),
          with(golden_test::Postproc(1, 11, 1, 0), false, false, false, true),
          with(golden_test::DmaStore(2, Mem::kUb, 0, 8, 10, 1, 8), true, false, false, false),
          with(golden_test::DmaStore(2, Mem::kUb, 8, 8, 11, 1, 8), true, false, false, false),
          Halt()};
}

// TokenPipeline's POSTPROC record (PARAM rows 0..2: bias, multiplier, shift) on both chips.
void SetPipelineParams(Dual& d) {
  d.Both([](golden::ChipState& s) {
    for (int c = 0; c < 8; ++c) {
      s.Param(0)[c] = c - 3;
      s.Param(1)[c] = 1 << 30;
      s.Param(2)[c] = 0;
    }
  });
}

TEST(TlmVsGolden, TokenPipelineGivesTheSameData) {
  Dual d;
  const auto in = d.MapSlot(0, 16);
  const auto w = d.MapSlot(1, 64);
  const auto out = d.MapSlot(2, 16);
  auto gi = in.g, ti = in.t, gw = w.g, tw = w.t, go = out.g, to = out.t;
  for (int i = 0; i < 16; ++i) gi[i] = ti[i] = static_cast<uint8_t>(i * 7 - 50);
  for (int i = 0; i < 64; ++i) gw[i] = tw[i] = static_cast<uint8_t>((i * 13) % 9 - 4);
  SetPipelineParams(d);
  d.Run(TokenPipeline());
  EXPECT_EQ(d.tlm().Read(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_EQ(std::vector<uint8_t>(to.begin(), to.end()), std::vector<uint8_t>(go.begin(), go.end()));
  EXPECT_GT(d.tlm().Counter(Counter::kCycles), 0u);
  EXPECT_EQ(d.golden().Counter(Counter::kCycles), 0u);
}

// A stream run again keeps its decoded words (tlm::Chip) only while their bytes are the same: the
// same pipeline three times (the second run keeps the words, the third uses them), then with one
// word changed and with one word no longer an instruction, each equal to the golden model.
TEST(TlmVsGolden, AStreamRunAgainRunsTheWordsInMemory) {
  Dual d;
  const auto in = d.MapSlot(0, 16);
  const auto w = d.MapSlot(1, 64);
  const auto out = d.MapSlot(2, 16);
  auto gi = in.g, ti = in.t, gw = w.g, tw = w.t;
  for (int i = 0; i < 16; ++i) gi[i] = ti[i] = static_cast<uint8_t>(i * 5 - 40);
  for (int i = 0; i < 64; ++i) gw[i] = tw[i] = static_cast<uint8_t>((i * 11) % 7 - 3);
  SetPipelineParams(d);
  std::vector<isa::Insn> program = TokenPipeline();
  for (int run = 0; run < 3; ++run) d.Run(program);
  const std::vector<uint8_t> before(out.t.begin(), out.t.end());
  // The first POSTPROC now adds a zero point: other outputs, same length and base.
  auto& post = std::get<isa::Postproc>(program[4]);
  post.out_zp = 9;
  d.Run(program);
  EXPECT_EQ(d.tlm().Read(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_NE(std::vector<uint8_t>(out.t.begin(), out.t.end()), before);
  EXPECT_EQ(std::vector<uint8_t>(out.t.begin(), out.t.end()),
            std::vector<uint8_t>(out.g.begin(), out.g.end()));
  // Word 6 no longer decodes: BAD_OPCODE at pc 6, as on the golden model.
  std::vector<uint8_t> bytes = Encode(program);
  bytes[6 * isa::kWordBytes] = 0xff;
  d.RunRaw(bytes, static_cast<uint32_t>(program.size()));
  d.ExpectError(ErrCode::kBadOpcode, 6);
}

// ---- Timing -----------------------------------------------------------------------------------

// Runs `program` on a fresh TLM board of `c`; returns the counters.
golden::Counters RunTimed(const ChipConfig& c, const std::vector<isa::Insn>& program) {
  Dual d(c);
  d.Run(program);
  EXPECT_EQ(d.tlm().Read(regs::kStatus), regs::kStatusDoneMask);
  golden::Counters out{};
  for (size_t i = 0; i < regs::kNumCounters; ++i) out[i] = d.tlm().Counter(static_cast<Counter>(i));
  return out;
}
uint64_t At(const golden::Counters& c, Counter k) { return c[static_cast<size_t>(k)]; }

TEST(TlmTimingModel, AMatmulPassOfMPixelsTakesMPlusThePipelineLatency) {
  const ChipConfig c = SmallConfig();
  const uint64_t n = c.array_rows();
  for (uint32_t m : {1u, 20u, 48u}) {
    SCOPED_TRACE(m);
    auto k = RunTimed(c, {golden_test::Loadw(0, 0), golden_test::Matmul(0, 1, m, 1, m, 0), Halt()});
    // docs/rtl.md: a pass of M vectors, first vector in -> last result out: M + 2N - 1; before
    // it the LOADW's N weight writes, the last in the pass's first cycle.
    EXPECT_EQ(At(k, Counter::kArrayBusy), m + 2 * n - 1 + (n - 1));
    EXPECT_EQ(At(k, Counter::kMacs), m * n * n);
    EXPECT_GT(At(k, Counter::kCycles), At(k, Counter::kArrayBusy));
  }
  // Two passes on alternating banks with the second tile loading meanwhile: no bubble.
  auto k = RunTimed(c, {golden_test::Loadw(0, 0), golden_test::Loadw(1, 8),
                        golden_test::Matmul(0, 1, 20, 1, 20, 0),
                        [] {
                          isa::Matmul m = golden_test::Matmul(0, 1, 20, 1, 20, 20);
                          m.bank = true;
                          return m;
                        }(),
                        Halt()});
  // The loads' weight writes: the first before the first pass, the second behind it.
  EXPECT_EQ(At(k, Counter::kArrayBusy), 40 + 2 * n - 1 + n);
}

TEST(TlmTimingModel, VectorInstructionsTakeTheirRtlCycles) {
  const ChipConfig c = SmallConfig();
  for (uint32_t rows : {1u, 30u}) {
    auto k = RunTimed(c, {golden_test::Postproc(0, 0, rows, 0), Halt()});
    // docs/rtl.md: POSTPROC R + 9 from acceptance to done; EX holds it one more cycle (it
    // retires the cycle after the done).
    EXPECT_EQ(At(k, Counter::kExBusy), rows + 9u + 1u);
  }
  // Back to back: the second is accepted in the cycle of the first one's done (R + 9 - 1
  // cycles later) and retires the cycle after its own done.
  auto k = RunTimed(
      c, {golden_test::Postproc(0, 0, 10, 0), golden_test::Postproc(0, 20, 10, 0), Halt()});
  EXPECT_EQ(At(k, Counter::kExBusy), 2 * 19u);
}

TEST(TlmTimingModel, DmaIsBoundByTheDramModel) {
  ChipConfig c = SmallConfig();
  c.mutable_dram()->set_latency_ns(500);      // 100 cycles at 200 MHz
  c.mutable_dram()->set_bandwidth_gbps(0.8);  // 4 bytes per cycle
  const auto load = [](uint32_t rows) {
    return std::vector<isa::Insn>{golden_test::DmaLoad(0, Mem::kUb, 0, 8, 0, rows, 8), Halt()};
  };
  Dual d(c);
  d.SetSlot(0, 0, 4096);  // board DRAM
  d.Run(load(1));
  const uint64_t one = d.tlm().Counter(Counter::kLdBusy);
  // The job's check (4 cycles after it is taken), the request, the latency, the last write.
  EXPECT_GE(one, 100u);
  EXPECT_LE(one, 110u);
  Dual d2(c);
  d2.SetSlot(0, 0, 4096);
  d2.Run(load(100));
  const uint64_t hundred = d2.tlm().Counter(Counter::kLdBusy);
  // 100 dense rows of 8 bytes are 25 bus beats of 32 bytes: 800 bytes at 4 bytes per cycle
  // behind the latency, less the two beats the memory's bucket holds at the start.
  EXPECT_GE(hundred, 100u + (800u - 64u) / 4u);
  EXPECT_LE(hundred, 100u + 800u / 4u + 10u);
}

TEST(TlmTimingModel, BurstsInFlightAreBoundedAsInTheRtlBenchMemory) {
  ChipConfig c = SmallConfig();
  c.mutable_dram()->set_latency_ns(500);      // 100 cycles at 200 MHz
  c.mutable_dram()->set_bandwidth_gbps(6.4);  // a 32-byte bus beat per cycle
  // 48 rows of 8 bytes 32 bytes apart: a bus beat each, one request per cycle. At most 16 bursts
  // are in flight (verif/common/axi_mem max_reads / max_writes): rows 16 and 32 wait for rows 0
  // and 16 to finish, so three latencies pass; unbounded it would be one latency and 48 requests.
  for (bool store : {false, true}) {
    SCOPED_TRACE(store ? "DMA_STORE" : "DMA_LOAD");
    const isa::Insn job = store ? isa::Insn(golden_test::DmaStore(0, Mem::kUb, 0, 32, 0, 48, 8))
                                : isa::Insn(golden_test::DmaLoad(0, Mem::kUb, 0, 32, 0, 48, 8));
    Dual d(c);
    d.SetSlot(0, 0, 4096);  // board DRAM
    d.Run({job, Halt()});
    const uint64_t busy = d.tlm().Counter(store ? Counter::kStBusy : Counter::kLdBusy);
    EXPECT_GE(busy, 3 * 100u);
    // Each wave: the latency, 16 request cycles; the job's check and tail on top.
    EXPECT_LE(busy, 3 * (100u + 16u) + 12u);
  }
}

TEST(TlmTimingModel, PerfRecordsCarryCyclesAndRunsAreDeterministic) {
  const ChipConfig c = SmallConfig();
  uint64_t first = 0;
  for (int rep = 0; rep < 2; ++rep) {
    Dual d(c);
    auto t = d.MapSlot(0, 1024).t;
    isa::Perf p0, p1;
    p1.ext_offset = regs::kSnapshotBytes;
    p1.tag = 1;
    d.Run({p0, golden_test::Postproc(0, 0, 50, 0), p1, Halt()});
    auto cycles_at = [&](int rec) {
      uint64_t v = 0;
      std::memcpy(&v, t.data() + rec * regs::kSnapshotBytes + 8, 8);  // CYCLES follows the tag
      return v;
    };
    EXPECT_LT(cycles_at(0), cycles_at(1));
    EXPECT_GE(cycles_at(1) - cycles_at(0), 59u);  // the POSTPROC's 50 + 9
    if (rep == 0) {
      first = d.tlm().Counter(Counter::kCycles);
    } else {
      EXPECT_EQ(d.tlm().Counter(Counter::kCycles), first);
    }
  }
}

TEST(TlmBoard, TwoChipsOverALinkWithItsLatency) {
  const ChipConfig c = SmallConfig();
  config::BoardLink l;
  l.set_chip_a(0);
  l.set_port_a(0);
  l.set_chip_b(1);
  l.set_port_b(1);
  HostMemory host;
  auto board = Board::Make({c, c}, {l}, &host);
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  Board& b = **board;
  golden_test::FillUb(b.chip(0).state(), 7, 2, 9);
  HostMemory::Buffer prog0 = host.Alloc(4096).value(), prog1 = host.Alloc(4096).value();
  HostMemory::Buffer out = host.Alloc(16).value();
  isa::Send snd;
  snd.ub_addr = 7;
  snd.rows = 2;
  isa::Recv rcv;
  rcv.link = 1;
  rcv.ub_addr = 50;
  rcv.rows = 2;
  auto p0 = Encode({snd, Halt()});
  auto p1 = Encode({rcv, isa::Sync{}, golden_test::DmaStore(0, Mem::kUb, 0, 8, 50, 2, 8), Halt()});
  std::memcpy(prog0.span.data(), p0.data(), p0.size());
  std::memcpy(prog1.span.data(), p1.data(), p1.size());
  const auto start = [&](size_t chip, const HostMemory::Buffer& p, uint32_t len) {
    b.WriteReg(chip, regs::kSlotBaseLo(0), Lo(kHostWindowBase + out.iova));
    b.WriteReg(chip, regs::kSlotBaseHi(0), Hi(kHostWindowBase + out.iova));
    b.WriteReg(chip, regs::kSlotSizeLo(0), 16);
    b.WriteReg(chip, regs::kIqBaseLo, Lo(kHostWindowBase + p.iova));
    b.WriteReg(chip, regs::kIqBaseHi, Hi(kHostWindowBase + p.iova));
    b.WriteReg(chip, regs::kIqLen, len);
    b.WriteReg(chip, regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    b.WriteReg(chip, regs::kDoorbell, 1);
  };
  start(1, prog1, 4);
  // The receiver alone cannot finish: the simulation runs dry with chip 1 waiting on its link.
  EXPECT_FALSE(b.RunUntilIrq(1, std::chrono::seconds(5)));
  EXPECT_TRUE(b.chip(1).waiting_on_link());
  EXPECT_EQ(b.ReadReg(1, regs::kStatus), regs::kStatusBusyMask);
  start(0, prog0, 2);
  EXPECT_TRUE(b.RunUntilIrq(1, std::chrono::seconds(5)));
  EXPECT_TRUE(b.RunUntilIrq(0, std::chrono::seconds(5)));
  EXPECT_EQ(b.ReadReg(1, regs::kStatus), regs::kStatusDoneMask);
  for (int r = 0; r < 2; ++r)
    for (int ch = 0; ch < 8; ++ch)
      EXPECT_EQ(static_cast<int8_t>(out.span[r * 8 + ch]), b.chip(0).state().Ub(7 + r)[ch]);
  // The link's 500 ns = 100 cycles at 200 MHz lie between the send and the data.
  const uint64_t stall = b.chip(1).counters()[static_cast<size_t>(Counter::kLdStall)];
  EXPECT_GE(stall, 100u);
  EXPECT_EQ(b.chip(1).counters()[static_cast<size_t>(Counter::kLinkRxBytes)], 16u);
}

TEST(TlmBoard, RefusesBadBoards) {
  EXPECT_FALSE(Board::Make({}, {}, nullptr).ok());
  ChipConfig bad = SmallConfig();
  bad.set_array_cols(4);
  EXPECT_FALSE(Board::Make({bad}, {}, nullptr).ok());
  config::BoardLink l;
  l.set_chip_b(3);
  EXPECT_FALSE(Board::Make({SmallConfig()}, {l}, nullptr).ok());
}

}  // namespace
}  // namespace aorta::tlm
