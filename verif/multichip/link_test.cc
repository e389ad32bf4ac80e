// Cycle-level links between verilated SoCs on a lock-step board (rtl_board.h): the link model on
// its own (latency, rate, back-pressure, drop), rows carried between two tiny chips at the
// link's rate, back-pressure that stalls the sender without losing a row, and the link faults —
// LINK_TIMEOUT on a RECV and on a SEND, a dropped link, a peer held in reset, a link going down
// while a RECV waits — each ending in LINK_FAULT naming the port, with the golden model's
// STATUS / ERR_CODE / ERR_PC / ERR_ADDR where the golden model has the same situation.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "aorta/regs_gen.h"
#include "core/golden/golden_device.h"
#include "core/golden/host_memory.h"
#include "core/isa/isa.h"
#include "verif/multichip/cycle_link.h"
#include "verif/multichip/rtl_board.h"

namespace aorta::verif {
namespace {

using regs::ErrCode;

constexpr uint32_t kSlotRows = 64;  // rows of the host buffer each chip gets as slot 0

// ---- The link model alone ---------------------------------------------------------------------

std::vector<uint8_t> Row(uint32_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }

TEST(CycleLink, DeliversInOrderAfterItsLatencyAtItsRate) {
  CycleLink l(8, LinkTiming{.bytes_per_cycle = 2, .latency_cycles = 5, .fifo_rows = 100});
  // Send whenever ready for 40 cycles: 2 bytes per cycle carry one 8-byte row every 4 cycles.
  std::vector<uint64_t> sent_at, seen_at;
  uint8_t next = 0;
  for (uint64_t c = 0; c < 60; ++c) {
    if (l.rx_valid()) {
      EXPECT_EQ(l.rx_row()[0], static_cast<uint8_t>(seen_at.size()));
      seen_at.push_back(c);
      l.Take();
    }
    if (c < 40 && l.tx_ready()) {
      sent_at.push_back(c);
      l.Send(Row(8, next++));
    }
    l.Tick();
  }
  ASSERT_EQ(sent_at.size(), 10u);  // cycles 0, 4, ..., 36
  for (size_t i = 1; i < sent_at.size(); ++i) EXPECT_EQ(sent_at[i] - sent_at[i - 1], 4u);
  ASSERT_EQ(seen_at.size(), sent_at.size());
  for (size_t i = 0; i < seen_at.size(); ++i) EXPECT_EQ(seen_at[i], sent_at[i] + 5);
  EXPECT_EQ(l.stats().rows_delivered, 10u);
}

TEST(CycleLink, BackPressureWhenFullAndDropLosesTheRowsInside) {
  CycleLink l(8, LinkTiming{.bytes_per_cycle = 8, .latency_cycles = 1, .fifo_rows = 3});
  int sent = 0;
  for (int c = 0; c < 10; ++c) {
    if (l.tx_ready()) {
      l.Send(Row(8, 1));
      ++sent;
    } else {
      l.Blocked();
    }
    l.Tick();
  }
  EXPECT_EQ(sent, 3);  // nobody takes: the link holds fifo_rows rows, then ready stays low
  EXPECT_EQ(l.stats().blocked_cycles, 7u);
  EXPECT_TRUE(l.rx_valid());
  l.Take();
  EXPECT_FALSE(l.tx_ready());  // the freed row counts from the next cycle on
  l.Tick();
  EXPECT_TRUE(l.tx_ready());
  l.Drop();
  EXPECT_FALSE(l.tx_ready());
  EXPECT_FALSE(l.rx_valid());
  EXPECT_EQ(l.stats().rows_lost, 2u);
  EXPECT_TRUE(l.up());  // a silent drop: the chips notice by LINK_TIMEOUT
}

TEST(CycleLink, TimingFromTheConfig) {
  // sim16: 10 Gb/s, 500 ns at 250 MHz: 5 bytes and 125 cycles; 125 * 5 / 16 -> 40 rows + 8.
  const LinkTiming t = LinkTimingOf(*LoadChipConfig("sim16"));
  EXPECT_DOUBLE_EQ(t.bytes_per_cycle, 5.0);
  EXPECT_EQ(t.latency_cycles, 125u);
  EXPECT_EQ(t.fifo_rows, 48u);
  EXPECT_EQ(LinkTimingOf(*LoadChipConfig("sim16"), 4).fifo_rows, 4u);
}

// ---- Two chips ---------------------------------------------------------------------------------

std::vector<uint8_t> Encode(const std::vector<isa::Insn>& prog) {
  auto s = isa::EncodeStream(prog);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : std::vector<uint8_t>{};
}

isa::DmaLoad LoadUb(uint32_t rows, uint32_t n) {
  isa::DmaLoad d;
  d.mem = isa::Mem::kUb;
  d.ext_stride = n;
  d.rows = rows;
  d.row_bytes = n;
  return d;
}
isa::DmaStore StoreUb(uint32_t rows, uint32_t n, uint32_t ub_addr) {
  isa::DmaStore d;
  d.mem = isa::Mem::kUb;
  d.ext_stride = n;
  d.chip_addr = ub_addr;
  d.rows = rows;
  d.row_bytes = n;
  return d;
}
isa::Send SendRows(uint32_t rows, uint32_t port) {
  isa::Send s;
  s.link = port;
  s.rows = rows;
  return s;
}
isa::Recv RecvRows(uint32_t rows, uint32_t port, uint32_t ub_addr) {
  isa::Recv r;
  r.link = port;
  r.ub_addr = ub_addr;
  r.rows = rows;
  return r;
}

// The sender's and the receiver's programs: chip 0 loads `rows` rows from its slot 0 and sends
// them on port 1; chip 1 receives them on port 0 (pc 0) and stores them to its slot 0.
std::vector<isa::Insn> Sender(uint32_t rows, uint32_t n) {
  return {LoadUb(rows, n), isa::Sync{}, SendRows(rows, 1), isa::Halt{}};
}
std::vector<isa::Insn> Receiver(uint32_t rows, uint32_t n) {
  return {RecvRows(rows, 0, 100), isa::Sync{}, StoreUb(rows, n, 100), isa::Halt{}};
}

// What a chip's run ended with.
struct End {
  uint32_t status = 0, err_code = 0, err_pc = 0;
  uint64_t err_addr = 0;
  bool operator==(const End&) const = default;
};
std::ostream& operator<<(std::ostream& os, const End& e) {
  return os << "STATUS " << e.status << " ERR_CODE " << e.err_code << " ERR_PC " << e.err_pc
            << " ERR_ADDR " << e.err_addr;
}
End EndOf(Device& d) {
  return {d.ReadReg(regs::kStatus), d.ReadReg(regs::kErrCode), d.ReadReg(regs::kErrPc),
          d.ReadReg(regs::kErrAddrLo) | uint64_t{d.ReadReg(regs::kErrAddrHi)} << 32};
}
End LinkFault(uint32_t pc, uint32_t port) {
  return {regs::kStatusErrorMask, static_cast<uint32_t>(ErrCode::kLinkFault), pc, port};
}

// A chip's host side: its slot-0 buffer (kSlotRows rows, random) and its instruction stream.
struct HostSide {
  HostMemory::Buffer slot, iq;
};

HostSide Prepare(Device& d, HostMemory& host, uint32_t n, const std::vector<isa::Insn>& prog,
                 uint32_t seed, uint32_t link_timeout) {
  HostSide h;
  h.slot = host.Alloc(kSlotRows * n).value();
  std::mt19937 rng(seed);
  for (uint8_t& b : h.slot.span) b = static_cast<uint8_t>(rng());
  const std::vector<uint8_t> s = Encode(prog);
  h.iq = host.Alloc(s.size()).value();
  std::memcpy(h.iq.span.data(), s.data(), s.size());
  const uint64_t base = kHostWindowBase + h.slot.iova, iq = kHostWindowBase + h.iq.iova;
  d.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
  d.WriteReg(regs::kLinkTimeout, link_timeout);
  d.WriteReg(regs::kSlotBaseLo(0), static_cast<uint32_t>(base));
  d.WriteReg(regs::kSlotBaseHi(0), static_cast<uint32_t>(base >> 32));
  d.WriteReg(regs::kSlotSizeLo(0), kSlotRows * n);
  d.WriteReg(regs::kIqBaseLo, static_cast<uint32_t>(iq));
  d.WriteReg(regs::kIqBaseHi, static_cast<uint32_t>(iq >> 32));
  d.WriteReg(regs::kIqLen, static_cast<uint32_t>(s.size() / isa::kWordBytes));
  return h;
}

uint64_t Counter(Device& d, regs::Counter c) {
  const uint32_t lo = regs::kCounterBase + 8 * static_cast<uint32_t>(c);
  const uint64_t v = d.ReadReg(lo);
  return v | uint64_t{d.ReadReg(lo + 4)} << 32;
}

// Two tiny chips (the assertion builds) on a board: chip 0 port 1 <-> chip 1 port 0.
class TwoChips : public ::testing::Test {
 protected:
  void Make(const LinkTiming& t) {
    cfg_ = *LoadChipConfig("tiny");
    n_ = cfg_.array_rows();
    std::vector<std::unique_ptr<RtlDevice>> devices;
    for (int i = 0; i < 2; ++i) {
      auto d = MakeRtlDevice(cfg_, &host_, RtlDeviceOptions{.fast = false});
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      devices.push_back(std::move(d).value());
    }
    config::BoardLink l;
    l.set_chip_a(0);
    l.set_port_a(1);
    l.set_chip_b(1);
    l.set_port_b(0);
    auto b = RtlBoard::Create(std::move(devices), {l}, {t});
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    board_ = std::move(b).value();
  }
  RtlDevice& chip(size_t i) { return board_->device(i); }
  // A board with tiny's own link timing whose chip 1 runs Receiver(4 rows) (chip 0 idle).
  void StartReceiverAlone(uint32_t seed, uint32_t link_timeout) {
    Make(LinkTimingOf(*LoadChipConfig("tiny")));
    Prepare(chip(1), host_, n_, Receiver(4, n_), seed, link_timeout);
    chip(1).WriteReg(regs::kDoorbell, 1);
  }
  // Runs the board until chip i raises its interrupt (at most `cycles`).
  bool RunUntilIrq(size_t i, uint64_t cycles) {
    for (uint64_t c = 0; c < cycles && !chip(i).irq(); c += 16) chip(i).Run(16);
    return chip(i).irq();
  }
  void ExpectClean() {
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_FALSE(chip(i).assertion_failed()) << "chip " << i;
      EXPECT_TRUE(chip(i).bus_errors().empty()) << "chip " << i << ": " << chip(i).bus_errors()[0];
    }
  }

  ChipConfig cfg_;
  uint32_t n_ = 0;
  HostMemory host_;
  std::unique_ptr<RtlBoard> board_;
};

TEST_F(TwoChips, RowsArriveAtTheLinksRateAfterItsLatency) {
  // 1 byte per cycle, 40 cycles: 48 rows of 8 bytes take >= 48 * 8 + 40 cycles end to end.
  constexpr uint32_t kRows = 48;
  Make(LinkTiming{.bytes_per_cycle = 1, .latency_cycles = 40, .fifo_rows = 16});
  HostSide a = Prepare(chip(0), host_, n_, Sender(kRows, n_), 1, 0);
  HostSide b = Prepare(chip(1), host_, n_, Receiver(kRows, n_), 2, 0);
  chip(1).WriteReg(regs::kDoorbell, 1);
  const uint64_t start = board_->cycles();
  chip(0).WriteReg(regs::kDoorbell, 1);
  ASSERT_TRUE(RunUntilIrq(1, 100000));
  const uint64_t took = board_->cycles() - start;
  ASSERT_TRUE(RunUntilIrq(0, 1000));
  EXPECT_EQ(EndOf(chip(0)), (End{regs::kStatusDoneMask}));
  EXPECT_EQ(EndOf(chip(1)), (End{regs::kStatusDoneMask}));
  EXPECT_TRUE(
      std::equal(a.slot.span.begin(), a.slot.span.begin() + kRows * n_, b.slot.span.begin()));
  EXPECT_GE(took, kRows * n_ + 40);
  EXPECT_LT(took, kRows * n_ + 40 + 400);  // the DMA, the stores and the register accesses
  EXPECT_EQ(Counter(chip(0), regs::Counter::kLinkTxBytes), kRows * n_);
  EXPECT_EQ(Counter(chip(1), regs::Counter::kLinkRxBytes), kRows * n_);
  EXPECT_EQ(chip(0).cycles(), chip(1).cycles());  // lock-step
  ExpectClean();
}

TEST_F(TwoChips, ASlowReceiverStallsTheSenderAndNoRowIsLost) {
  constexpr uint32_t kRows = 40;
  Make(LinkTiming{.bytes_per_cycle = 8, .latency_cycles = 3, .fifo_rows = 4});
  HostSide a = Prepare(chip(0), host_, n_, Sender(kRows, n_), 3, 0);
  HostSide b = Prepare(chip(1), host_, n_, Receiver(kRows, n_), 4, 0);
  chip(0).WriteReg(regs::kDoorbell, 1);
  // The receiver has not started: the sender fills the link and stalls.
  chip(0).Run(3000);
  EXPECT_EQ(chip(0).ReadReg(regs::kStatus), regs::kStatusBusyMask);
  const CycleLink& l = board_->channel(0, true);
  EXPECT_EQ(l.rows_inside(), 4u);
  EXPECT_EQ(l.stats().rows_sent, 4u);
  EXPECT_GT(l.stats().blocked_cycles, 2000u);
  chip(1).WriteReg(regs::kDoorbell, 1);
  ASSERT_TRUE(RunUntilIrq(1, 100000));
  ASSERT_TRUE(RunUntilIrq(0, 1000));
  EXPECT_EQ(EndOf(chip(0)), (End{regs::kStatusDoneMask}));
  EXPECT_EQ(EndOf(chip(1)), (End{regs::kStatusDoneMask}));
  EXPECT_TRUE(
      std::equal(a.slot.span.begin(), a.slot.span.begin() + kRows * n_, b.slot.span.begin()));
  EXPECT_EQ(l.stats().rows_delivered, kRows);
  EXPECT_EQ(l.stats().rows_lost, 0u);
  EXPECT_LE(l.stats().max_rows, 4u);
  ExpectClean();
}

// ---- Link faults ------------------------------------------------------------------------------

// The golden model's outcome of a receiver whose data never comes: a board of two golden chips
// (the sender idle), stuck, expires the wait (the golden backend's rule, golden_device.h).
End GoldenReceiverWithoutData(uint32_t link_timeout) {
  const ChipConfig cfg = *LoadChipConfig("tiny");
  HostMemory host;
  GoldenDevice a(cfg, &host), b(cfg, &host);
  EXPECT_TRUE(ConnectLinks(a, 1, b, 0).ok());
  Prepare(b, host, cfg.array_rows(), Receiver(4, cfg.array_rows()), 5, link_timeout);
  b.WriteReg(regs::kDoorbell, 1);
  EXPECT_TRUE(b.waiting_on_link());
  EXPECT_FALSE(a.Step() || b.Step());  // nothing can progress
  EXPECT_EQ(b.ExpireLinkWaits(), link_timeout != 0);
  return EndOf(b);
}

TEST_F(TwoChips, ARecvWithoutDataTimesOutAfterLinkTimeoutCycles) {
  StartReceiverAlone(6, 300);
  const uint64_t start = board_->cycles();
  ASSERT_TRUE(RunUntilIrq(1, 5000));
  const uint64_t took = board_->cycles() - start;
  EXPECT_GE(took, 300u);
  EXPECT_LT(took, 300u + 64);  // fetch, decode and issue of the RECV, the interrupt
  EXPECT_EQ(EndOf(chip(1)), LinkFault(0, 0));
  EXPECT_EQ(EndOf(chip(1)), GoldenReceiverWithoutData(300));
  // LINK_TIMEOUT = 0: no timeout; the golden model keeps waiting as well.
  EXPECT_EQ(GoldenReceiverWithoutData(0), (End{regs::kStatusBusyMask}));
  ExpectClean();
}

TEST_F(TwoChips, WithoutTimeoutARecvWaitsUntilSoftReset) {
  StartReceiverAlone(6, 0);
  EXPECT_FALSE(RunUntilIrq(1, 20000));
  EXPECT_EQ(chip(1).ReadReg(regs::kStatus), regs::kStatusBusyMask);
  chip(1).WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
  EXPECT_EQ(chip(1).ReadReg(regs::kErrCode), static_cast<uint32_t>(ErrCode::kAborted));
  ExpectClean();
}

TEST_F(TwoChips, ASendThatIsNeverTakenTimesOut) {
  // The receiver never runs: the link fills (4 rows) and the SEND waits for ready.
  Make(LinkTiming{.bytes_per_cycle = 8, .latency_cycles = 3, .fifo_rows = 4});
  Prepare(chip(0), host_, n_, Sender(16, n_), 7, 200);
  chip(0).WriteReg(regs::kDoorbell, 1);
  ASSERT_TRUE(RunUntilIrq(0, 5000));
  EXPECT_EQ(EndOf(chip(0)), LinkFault(2, 1));
  EXPECT_EQ(board_->channel(0, true).stats().rows_sent, 4u);
  ExpectClean();
}

TEST_F(TwoChips, ADroppedLinkFaultsBothEnds) {
  // 1 byte per cycle: the transfer of 40 rows takes > 320 cycles; the link drops halfway.
  constexpr uint32_t kRows = 40;
  Make(LinkTiming{.bytes_per_cycle = 1, .latency_cycles = 10, .fifo_rows = 8});
  Prepare(chip(0), host_, n_, Sender(kRows, n_), 8, 100);
  Prepare(chip(1), host_, n_, Receiver(kRows, n_), 9, 100);
  chip(1).WriteReg(regs::kDoorbell, 1);
  chip(0).WriteReg(regs::kDoorbell, 1);
  while (board_->channel(0, true).stats().rows_delivered < kRows / 2) chip(0).Run(8);
  board_->channel(0, true).Drop();
  board_->channel(0, false).Drop();
  ASSERT_TRUE(RunUntilIrq(0, 5000));
  ASSERT_TRUE(RunUntilIrq(1, 5000));
  EXPECT_EQ(EndOf(chip(0)), LinkFault(2, 1));                    // SEND on port 1
  EXPECT_EQ(EndOf(chip(1)), LinkFault(0, 0));                    // RECV on port 0
  EXPECT_LT(Counter(chip(1), regs::Counter::kLinkRxBytes), 1u);  // the RECV did not complete
  ExpectClean();
}

// The golden model's outcome of a RECV on a link that is down (a peer in reset).
End GoldenRecvOnALinkThatIsDown(bool down_before_start) {
  const ChipConfig cfg = *LoadChipConfig("tiny");
  HostMemory host;
  GoldenDevice b(cfg, &host);
  auto [ea, eb] = MakeLink();
  EXPECT_TRUE(b.AttachLink(0, eb).ok());
  Prepare(b, host, cfg.array_rows(), Receiver(4, cfg.array_rows()), 10, 0);
  if (down_before_start) ea.tx->SetUp(false);
  b.WriteReg(regs::kDoorbell, 1);
  if (!down_before_start) {
    EXPECT_TRUE(b.waiting_on_link());
    ea.tx->SetUp(false);
    b.Step();
  }
  return EndOf(b);
}

TEST_F(TwoChips, APeerHeldInResetFaultsTheRecvAtOnce) {
  Make(LinkTimingOf(*LoadChipConfig("tiny")));
  board_->HoldReset(0, true);
  Prepare(chip(1), host_, n_, Receiver(4, n_), 11, 0);  // no timeout: the link is down
  chip(1).WriteReg(regs::kDoorbell, 1);
  ASSERT_TRUE(RunUntilIrq(1, 200));
  EXPECT_EQ(EndOf(chip(1)), LinkFault(0, 0));
  EXPECT_EQ(EndOf(chip(1)), GoldenRecvOnALinkThatIsDown(true));
  ExpectClean();
}

TEST_F(TwoChips, ALinkGoingDownWhileARecvWaitsFaultsIt) {
  StartReceiverAlone(12, 0);
  EXPECT_FALSE(RunUntilIrq(1, 2000));
  board_->SetLinkUp(0, false);
  ASSERT_TRUE(RunUntilIrq(1, 16));
  EXPECT_EQ(EndOf(chip(1)), LinkFault(0, 0));
  EXPECT_EQ(EndOf(chip(1)), GoldenRecvOnALinkThatIsDown(false));
  // Up again: the next run works.
  board_->SetLinkUp(0, true);
  chip(1).WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
  EXPECT_EQ(chip(1).ReadReg(regs::kLinkTimeout), 0u);  // kept by soft reset
  ExpectClean();
}

TEST(RtlBoard, RefusesBadWiring) {
  const ChipConfig cfg = *LoadChipConfig("tiny");
  HostMemory host;
  auto make = [&](const std::vector<config::BoardLink>& links, const LinkTiming& t) {
    std::vector<std::unique_ptr<RtlDevice>> devices;
    devices.push_back(MakeRtlDevice(cfg, &host, {}).value());
    devices.push_back(MakeRtlDevice(cfg, &host, {}).value());
    return RtlBoard::Create(std::move(devices), links, std::vector<LinkTiming>(links.size(), t));
  };
  config::BoardLink l;
  l.set_chip_a(0);
  l.set_port_a(1);
  l.set_chip_b(1);
  l.set_port_b(0);
  const LinkTiming ok = LinkTimingOf(cfg);
  config::BoardLink far = l;
  far.set_chip_b(5);
  auto r = make({far}, ok);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("link 0.1-5.0 names a chip"), std::string::npos);
  r = make({l, l}, ok);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("wired twice"), std::string::npos);
  r = make({l}, LinkTiming{.bytes_per_cycle = 0, .latency_cycles = 1, .fifo_rows = 1});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad timing"), std::string::npos);
  config::BoardLink bad_port = l;
  bad_port.set_port_a(7);
  r = make({bad_port}, ok);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("port 7 does not exist"), std::string::npos);
}

}  // namespace
}  // namespace aorta::verif
