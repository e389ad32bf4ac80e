// Links in the TLM model: a partitioned program (the demo CNN on 2 chips) through Session on a
// 2-chip TLM board, bit-identical with the golden model's multi-chip run with its non-timing
// counters, cycles per chip reported; and LINK_TIMEOUT: a RECV whose data never comes ends with
// LINK_FAULT after LINK_TIMEOUT cycles (the RTL's watchdog, rtl/aorta_link_watchdog.sv), the
// same STATUS / ERR_* as the golden model's board; with LINK_TIMEOUT = 0 it keeps waiting.
#include "tlm/link.h"

#include <gtest/gtest.h>

#include <cstring>
#include <iostream>
#include <vector>

#include "compiler/multichip/multichip_compile.h"
#include "compiler/multichip/test_models.h"
#include "compiler/testing/op_cases.h"
#include "core/golden/golden_device.h"
#include "core/golden/host_memory.h"
#include "core/isa/isa.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/tlm_backend.h"
#include "tlm/board.h"

namespace aorta::tlm {
namespace {

uint64_t ReadCounter(Device& d, regs::Counter c) {
  return d.ReadReg(regs::CounterLo(c)) | uint64_t{d.ReadReg(regs::CounterHi(c))} << 32;
}

TEST(TlmLinks, DemoCnnOnTwoChipsIsBitIdenticalWithGolden) {
  const ChipConfig chip = runtime::testing::Chip("sim16");
  CompileOptions o;
  o.calib.synthetic_samples = 2;
  multichip::BoardOptions bo;
  bo.chips = 2;
  const ir::Graph g = multichip::testing::DemoCnn();
  auto multi = multichip::CompileGraphForBoard(g, multichip::testing::Ring(chip, 2), o, bo);
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  const Program& p = multi->program;
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  auto links = runtime::BoardLinksOf(p);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  auto golden = runtime::MakeGoldenBackend(chips, *links);
  auto tlm = runtime::MakeTlmBackend(chips, *links);
  ASSERT_TRUE(golden.ok() && tlm.ok()) << tlm.status().ToString();
  op_cases::Rng rng(3);
  const runtime::TensorMap inputs = {
      {g.inputs[0], op_cases::RandomTensor(rng, {1, 16, 16, 16}, -1.0, 1.0)}};
  const runtime::testing::Ran r = runtime::testing::CompareWithGolden(**golden, **tlm, p, inputs);
  EXPECT_GT(r.report.cycles, 0u);
  std::cout << "demo CNN on 2 sim16 chips (TLM): " << r.report.cycles << " cycles (slowest chip)\n";
  for (size_t c = 0; c < 2; ++c) {
    Device& d = (*tlm)->device(c);
    const uint64_t cycles = ReadCounter(d, regs::Counter::kCycles);
    const uint64_t tx = ReadCounter(d, regs::Counter::kLinkTxBytes);
    const uint64_t rx = ReadCounter(d, regs::Counter::kLinkRxBytes);
    std::cout << "  chip " << c << ": " << cycles << " busy cycles, link bytes sent " << tx
              << ", received " << rx << "\n";
    EXPECT_GT(cycles, 0u);
    EXPECT_EQ(tx > 0, c == 0);
    EXPECT_EQ(rx > 0, c == 1);
  }
}

// Chip 1 of a 2-chip board runs RECV (port 0, pc 0) + HALT; chip 0 never sends.
struct Ended {
  uint32_t status = 0, err_code = 0, err_pc = 0, err_addr = 0;
  uint64_t cycles = 0;
};

template <class Dev>
void StartReceiver(Dev& d, HostMemory& host, uint32_t link_timeout) {
  isa::Recv r;
  r.rows = 4;
  r.ub_addr = 3;
  const std::vector<isa::Insn> prog = {r, isa::Halt{}};
  auto s = isa::EncodeStream(prog);
  ASSERT_TRUE(s.ok());
  HostMemory::Buffer iq = host.Alloc(s->size()).value();
  std::memcpy(iq.span.data(), s->data(), s->size());
  const uint64_t a = kHostWindowBase + iq.iova;
  d.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
  d.WriteReg(regs::kLinkTimeout, link_timeout);
  d.WriteReg(regs::kIqBaseLo, static_cast<uint32_t>(a));
  d.WriteReg(regs::kIqBaseHi, static_cast<uint32_t>(a >> 32));
  d.WriteReg(regs::kIqLen, 2);
  d.WriteReg(regs::kDoorbell, 1);
}

config::BoardLink Link01() {
  config::BoardLink l;
  l.set_chip_a(0);
  l.set_port_a(1);
  l.set_chip_b(1);
  l.set_port_b(0);
  return l;
}

// Adapts chip 1 of a TLM board to the register calls of StartReceiver.
struct TlmChip1 {
  Board& b;
  void WriteReg(uint32_t off, uint32_t v) { b.WriteReg(1, off, v); }
  uint32_t ReadReg(uint32_t off) { return b.ReadReg(1, off); }
};

Ended TlmReceiverWithoutData(uint32_t link_timeout) {
  const ChipConfig c = runtime::testing::Chip("tiny");
  HostMemory host;
  auto board = Board::Make({c, c}, {Link01()}, &host);
  EXPECT_TRUE(board.ok()) << board.status().ToString();
  Board& b = **board;
  TlmChip1 chip1{b};
  StartReceiver(chip1, host, link_timeout);
  b.RunUntilIrq(1, std::chrono::seconds(10));
  Ended e{b.ReadReg(1, regs::kStatus), b.ReadReg(1, regs::kErrCode), b.ReadReg(1, regs::kErrPc),
          b.ReadReg(1, regs::kErrAddrLo)};
  e.cycles = b.chip(1).counters()[static_cast<size_t>(regs::Counter::kCycles)];
  return e;
}

Ended GoldenReceiverWithoutData(uint32_t link_timeout) {
  const ChipConfig c = runtime::testing::Chip("tiny");
  auto backend = runtime::MakeGoldenBackend({c, c}, {Link01()});
  EXPECT_TRUE(backend.ok());
  Device& d = (*backend)->device(1);
  StartReceiver(d, (*backend)->host(), link_timeout);
  (*backend)->Wait(1, std::chrono::milliseconds(50));
  return {d.ReadReg(regs::kStatus), d.ReadReg(regs::kErrCode), d.ReadReg(regs::kErrPc),
          d.ReadReg(regs::kErrAddrLo)};
}

TEST(TlmLinks, ARecvWithoutDataTimesOutAfterLinkTimeoutCycles) {
  const Ended tlm = TlmReceiverWithoutData(300);
  EXPECT_EQ(tlm.status, regs::kStatusErrorMask);
  EXPECT_EQ(tlm.err_code, static_cast<uint32_t>(regs::ErrCode::kLinkFault));
  EXPECT_EQ(tlm.err_pc, 0u);
  EXPECT_EQ(tlm.err_addr, 0u);  // port 0
  EXPECT_GE(tlm.cycles, 300u);
  EXPECT_LT(tlm.cycles, 300u + 150);  // fetch and decode of the RECV, the end of the run
  const Ended golden = GoldenReceiverWithoutData(300);
  EXPECT_EQ(golden.status, tlm.status);
  EXPECT_EQ(golden.err_code, tlm.err_code);
  EXPECT_EQ(golden.err_pc, tlm.err_pc);
  EXPECT_EQ(golden.err_addr, tlm.err_addr);
}

TEST(TlmLinks, WithoutTimeoutARecvKeepsWaiting) {
  const Ended tlm = TlmReceiverWithoutData(0);
  EXPECT_EQ(tlm.status, regs::kStatusBusyMask);
  EXPECT_EQ(GoldenReceiverWithoutData(0).status, regs::kStatusBusyMask);
}

// The channel alone: bytes arrive a latency plus their serialization after the send, and once
// everything sent has been popped nothing is in flight (a receiver that saw InFlight() > 0 with
// nothing on the way waited zero time forever: the 4-chip study points hung).
struct ChannelProbe : sc_core::sc_module {
  SC_HAS_PROCESS(ChannelProbe);
  LinkChannel link{1e9, 100e3};  // 1 byte per ns, 100 ns
  std::vector<uint64_t> in_flight, arrived;
  std::vector<double> at_ns;
  explicit ChannelProbe(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(Run); }
  void Record() {
    in_flight.push_back(link.InFlight());
    arrived.push_back(link.Arrived());
    at_ns.push_back(sc_core::sc_time_stamp().to_seconds() * 1e9);
  }
  void Run() {
    const std::vector<uint8_t> bytes(16, 7);
    std::vector<uint8_t> out(16);
    for (int round = 0; round < 2; ++round) {
      link.Send(bytes, sc_core::sc_time_stamp());
      Record();  // all 16 on the way
      wait(link.NextArrival() - sc_core::sc_time_stamp());
      Record();  // arrived, not popped
      link.Pop(out);
      Record();  // nothing left
    }
  }
};

TEST(TlmLinks, ChannelCountsInFlightBytesAcrossPops) {
  // A context of its own (as tlm::Board makes one per board), so that the boards of the other
  // tests in this process do not matter; left allocated, as Board leaves its contexts.
  sc_core::sc_simcontext* const saved_curr = sc_core::sc_curr_simcontext;
  sc_core::sc_simcontext* const saved_default = sc_core::sc_default_global_context;
  auto* ctx = new sc_core::sc_simcontext;
  sc_core::sc_curr_simcontext = ctx;
  sc_core::sc_default_global_context = ctx;
  ChannelProbe probe("channel_probe");
  sc_core::sc_start();
  sc_core::sc_curr_simcontext = saved_curr;
  sc_core::sc_default_global_context = saved_default;
  EXPECT_EQ(probe.in_flight, (std::vector<uint64_t>{16, 0, 0, 16, 0, 0}));
  EXPECT_EQ(probe.arrived, (std::vector<uint64_t>{0, 16, 0, 0, 16, 0}));
  ASSERT_EQ(probe.at_ns.size(), 6u);
  EXPECT_DOUBLE_EQ(probe.at_ns[1], 116.0);
  EXPECT_DOUBLE_EQ(probe.at_ns[4], 232.0);
  EXPECT_EQ(probe.link.bytes_sent(), 32u);
}

}  // namespace
}  // namespace aorta::tlm
