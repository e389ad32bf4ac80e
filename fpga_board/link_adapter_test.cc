// aorta_link_adapter under Verilator: two adapters joined by a modelled transceiver (a fixed
// latency, no receive back-pressure, random transmit stalls), rows both ways with random SoC
// valid / ready. The RTL's assertions (RxNoOverflow, CreditsBounded, held handshakes) stop the
// simulation if they fail. Geometry: 64-bit rows over 32-bit beats (31 payload bits: three
// beats, the last one padded), 4 credits.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "Vlink_adapter.h"
#include "verilated.h"

namespace {

constexpr int kCredits = 4;
constexpr int kLatency = 7;  // cycles on the wire

struct Wire {
  std::deque<std::pair<uint64_t, uint32_t>> beats;  // (arrival cycle, beat)
};

class Pair {
 public:
  Pair() {
    a_.clk_i = b_.clk_i = 0;
    a_.rst_ni = b_.rst_ni = 0;
    a_.channel_up_i = b_.channel_up_i = 1;
    Settle();
    Tick();
    a_.rst_ni = b_.rst_ni = 1;
    Settle();
  }
  ~Pair() {
    a_.final();
    b_.final();
  }

  // One clock in two halves: Begin delivers the beats due (no ready: the transceiver never
  // waits) and sets the transmit stall, after which the bench samples the SoC handshakes; End
  // takes the beats both transmit sides offer and clocks.
  void Begin(bool tx_stall) {
    Deliver(ab_, b_);
    Deliver(ba_, a_);
    a_.xcvr_tx_ready_i = b_.xcvr_tx_ready_i = !tx_stall;
    Settle();
  }
  void End() {
    if (a_.xcvr_tx_valid_o && a_.xcvr_tx_ready_i && up_)
      ab_.beats.push_back({cycle_ + kLatency, a_.xcvr_tx_data_o});
    if (b_.xcvr_tx_valid_o && b_.xcvr_tx_ready_i && up_)
      ba_.beats.push_back({cycle_ + kLatency, b_.xcvr_tx_data_o});
    Tick();
    ++cycle_;
  }

  void SetUp(bool up) {
    up_ = up;
    a_.channel_up_i = b_.channel_up_i = up;
    if (!up) {  // the transceiver drops what is on the wire when the channel goes down
      ab_.beats.clear();
      ba_.beats.clear();
    }
  }

  Vlink_adapter& a() { return a_; }
  Vlink_adapter& b() { return b_; }
  void Settle() {
    a_.eval();
    b_.eval();
  }

 private:
  void Deliver(Wire& w, Vlink_adapter& to) {
    to.xcvr_rx_valid_i = 0;
    if (!w.beats.empty() && w.beats.front().first <= cycle_) {
      to.xcvr_rx_valid_i = 1;
      to.xcvr_rx_data_i = w.beats.front().second;
      w.beats.pop_front();
    }
  }
  void Tick() {
    a_.clk_i = b_.clk_i = 1;
    Settle();
    a_.clk_i = b_.clk_i = 0;
    Settle();
  }

  VerilatedContext ctx_;
  Vlink_adapter a_{&ctx_};
  Vlink_adapter b_{&ctx_};
  Wire ab_, ba_;
  uint64_t cycle_ = 0;
  bool up_ = true;
};

// One direction's SoC sides: a sender holding a row until taken, a receiver with random ready.
struct Stream {
  std::vector<uint64_t> sent, received;
  bool offering = false;
  uint64_t row = 0;
};

void DriveSender(Stream& s, std::mt19937_64& rng, uint8_t& valid, uint64_t& data, int max_rows) {
  if (!s.offering && static_cast<int>(s.sent.size()) < max_rows && rng() % 4 != 0) {
    s.offering = true;
    s.row = rng();
  }
  valid = s.offering;
  data = s.row;
}

TEST(LinkAdapter, RowsArriveInOrderBothWaysUnderRandomStalls) {
  Pair p;
  std::mt19937_64 rng(7);
  Stream ab, ba;
  const int rows = 300;
  for (int cycle = 0; cycle < 20000; ++cycle) {
    DriveSender(ab, rng, p.a().soc_tx_valid_i, p.a().soc_tx_data_i, rows);
    DriveSender(ba, rng, p.b().soc_tx_valid_i, p.b().soc_tx_data_i, rows);
    p.b().soc_rx_ready_i = rng() % 3 != 0;
    p.a().soc_rx_ready_i = rng() % 2 != 0;
    p.Begin(rng() % 5 == 0);
    if (p.a().soc_tx_valid_i && p.a().soc_tx_ready_o) {
      ab.sent.push_back(ab.row);
      ab.offering = false;
    }
    if (p.b().soc_tx_valid_i && p.b().soc_tx_ready_o) {
      ba.sent.push_back(ba.row);
      ba.offering = false;
    }
    if (p.b().soc_rx_valid_o && p.b().soc_rx_ready_i) ab.received.push_back(p.b().soc_rx_data_o);
    if (p.a().soc_rx_valid_o && p.a().soc_rx_ready_i) ba.received.push_back(p.a().soc_rx_data_o);
    p.End();
  }
  ASSERT_EQ(ab.sent.size(), static_cast<size_t>(rows));
  ASSERT_EQ(ba.sent.size(), static_cast<size_t>(rows));
  EXPECT_EQ(ab.received, ab.sent);
  EXPECT_EQ(ba.received, ba.sent);
}

// With the receiver never reading, exactly Credits rows leave the sender: the credits, not the
// wire, hold the rest back.
TEST(LinkAdapter, SenderStopsAfterCreditsWhenReceiverDoesNotRead) {
  Pair p;
  int taken = 0;
  p.b().soc_rx_ready_i = 0;
  p.a().soc_rx_ready_i = 1;
  for (int cycle = 0; cycle < 500; ++cycle) {
    p.a().soc_tx_valid_i = 1;
    p.a().soc_tx_data_i = 0x1000 + taken;
    p.Begin(false);
    if (p.a().soc_tx_ready_o) ++taken;
    p.End();
  }
  EXPECT_EQ(taken, kCredits);
  EXPECT_TRUE(p.b().soc_rx_valid_o);
  // Reading one row returns one credit: one more row goes.
  p.b().soc_rx_ready_i = 1;
  p.Begin(false);
  EXPECT_EQ(p.b().soc_rx_data_o, 0x1000u);
  EXPECT_FALSE(p.a().soc_tx_ready_o) << "no credit yet: the freed one is still on its way";
  p.End();
  p.b().soc_rx_ready_i = 0;
  for (int cycle = 0; cycle < 100; ++cycle) {
    p.a().soc_tx_data_i = 0x1000 + taken;
    p.Begin(false);
    if (p.a().soc_tx_ready_o) ++taken;
    p.End();
  }
  EXPECT_EQ(taken, kCredits + 1);
}

// The channel going down drops what is in flight and restores the credits; rows sent after it
// comes back arrive intact, and the SoC sees link_up follow the channel.
TEST(LinkAdapter, ChannelDownRestartsBothSides) {
  Pair p;
  p.b().soc_rx_ready_i = 0;
  int before = 0;
  for (int cycle = 0; cycle < 200; ++cycle) {
    p.a().soc_tx_valid_i = 1;
    p.a().soc_tx_data_i = 0xdead0000 + before;
    p.Begin(false);
    const bool took = p.a().soc_tx_ready_o;
    p.End();
    if (took) ++before;
  }
  EXPECT_EQ(before, kCredits);
  p.SetUp(false);
  p.a().soc_tx_valid_i = 0;
  p.Begin(false);
  EXPECT_FALSE(p.a().link_up_o);
  EXPECT_FALSE(p.a().xcvr_tx_valid_o);
  p.End();
  p.Begin(false);
  p.End();
  EXPECT_FALSE(p.b().soc_rx_valid_o) << "the receive FIFO is flushed while down";
  p.SetUp(true);
  p.Settle();
  EXPECT_TRUE(p.b().link_up_o);
  std::vector<uint64_t> got;
  int sent = 0;
  p.b().soc_rx_ready_i = 1;
  for (int cycle = 0; cycle < 400; ++cycle) {
    p.a().soc_tx_valid_i = sent < 2 * kCredits;
    p.a().soc_tx_data_i = 0xbeef0000 + sent;
    p.Begin(false);
    const bool took = p.a().soc_tx_valid_i && p.a().soc_tx_ready_o;
    if (p.b().soc_rx_valid_o) got.push_back(p.b().soc_rx_data_o);
    p.End();
    if (took) ++sent;
  }
  ASSERT_EQ(got.size(), static_cast<size_t>(2 * kCredits));
  for (int i = 0; i < 2 * kCredits; ++i) EXPECT_EQ(got[i], 0xbeef0000u + i);
}

}  // namespace
