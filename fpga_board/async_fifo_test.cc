// aorta_async_fifo under Verilator with two unrelated clocks: words written under random valid
// arrive in order and unchanged under random ready, whichever clock is faster; with the reader
// stopped the writer fills exactly Depth entries, and one read lets exactly one more in. The
// RTL's assertions (held handshakes, no overflow / underflow of the pointers each side sees)
// stop the simulation if they fail. Geometry: 32-bit words, Depth 8.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>

#include "Vasync_fifo.h"
#include "verilated.h"

namespace {

constexpr int kDepth = 8;

// Two free-running clocks of the given periods (arbitrary time units); the bench acts just
// before each rising edge: it samples the handshake of that side, then clocks.
class Bench {
 public:
  Bench(int wperiod, int rperiod, uint32_t seed) : wp_(wperiod), rp_(rperiod), rng_(seed) {
    m_.wclk_i = m_.rclk_i = 0;
    m_.wrst_ni = m_.rrst_ni = 0;
    m_.wvalid_i = 0;
    m_.rready_i = 0;
    m_.eval();
    // Two edges of each clock in reset, then release.
    for (int i = 0; i < 4; ++i) Step(/*act=*/false);
    m_.wrst_ni = m_.rrst_ni = 1;
    m_.eval();
  }
  ~Bench() { m_.final(); }

  // Advances to the next rising edge of either clock (both if they coincide). With act set the
  // writer offers words with probability pw and the reader takes them with probability pr.
  void Step(bool act = true) {
    const int64_t next_w = wnext_, next_r = rnext_;
    const int64_t t = std::min(next_w, next_r);
    if (t == next_w) Edge(/*write_side=*/true, act);
    if (t == next_r) Edge(/*write_side=*/false, act);
  }

  void Run(int steps) {
    for (int i = 0; i < steps; ++i) Step();
  }
  // Sets the reader's ready for its next edge (it was chosen after the last one).
  void SetReady(bool ready) {
    m_.rready_i = ready;
    m_.eval();
  }

  double pw = 0.7, pr = 0.7;
  std::deque<uint32_t> sent;  // accepted, not yet read
  uint64_t written = 0, read = 0;

 private:
  void Edge(bool write_side, bool act) {
    m_.eval();
    if (write_side) {
      const bool fire = m_.wvalid_i && m_.wready_o;
      if (fire) {
        sent.push_back(m_.wdata_i);
        ++written;
      }
      m_.wclk_i = 1;
      m_.eval();
      m_.wclk_i = 0;
      m_.eval();
      // A word offered and not taken stays offered (the handshake rule).
      if (act && (fire || !m_.wvalid_i)) {
        m_.wvalid_i = coin(rng_) < pw;
        m_.wdata_i = next_word_;
        if (m_.wvalid_i) next_word_ = next_word_ * 1664525u + 1013904223u;
      }
      wnext_ += wp_;
    } else {
      if (m_.rvalid_o && m_.rready_i) {
        EXPECT_FALSE(sent.empty()) << "a word read that was never written";
        if (!sent.empty()) {
          EXPECT_EQ(m_.rdata_o, sent.front()) << "word " << read;
          sent.pop_front();
        }
        ++read;
      }
      m_.rclk_i = 1;
      m_.eval();
      m_.rclk_i = 0;
      m_.eval();
      if (act) m_.rready_i = coin(rng_) < pr;
      rnext_ += rp_;
    }
  }

  Vasync_fifo m_;
  const int wp_, rp_;
  int64_t wnext_ = 0, rnext_ = 0;
  std::mt19937 rng_;
  std::uniform_real_distribution<double> coin{0.0, 1.0};
  uint32_t next_word_ = 1;
};

TEST(AsyncFifo, FastWriterSlowReaderInOrder) {
  Bench b(10, 27, 1);
  b.Run(20000);
  EXPECT_GT(b.read, 1000u);
  EXPECT_LE(b.sent.size(), static_cast<size_t>(kDepth));
}

TEST(AsyncFifo, SlowWriterFastReaderInOrder) {
  Bench b(31, 9, 2);
  b.Run(20000);
  EXPECT_GT(b.read, 1000u);
  EXPECT_LE(b.sent.size(), static_cast<size_t>(kDepth));
}

TEST(AsyncFifo, NearlyEqualClocksInOrder) {
  Bench b(10, 11, 3);
  b.pw = b.pr = 0.9;
  b.Run(20000);
  EXPECT_GT(b.read, 5000u);
}

TEST(AsyncFifo, FillsToDepthAndOneReadFreesOne) {
  Bench b(10, 13, 4);
  b.pw = 1.0;
  b.pr = 0.0;
  b.Run(200);
  EXPECT_EQ(b.written, static_cast<uint64_t>(kDepth)) << "the writer must stop at Depth";
  EXPECT_EQ(b.read, 0u);
  // The reader takes one word; within a few cycles of both clocks the writer sees the room.
  b.pr = 1.0;
  while (b.read == 0) b.Step();
  b.pr = 0.0;
  b.SetReady(false);
  b.Run(200);
  EXPECT_EQ(b.read, 1u);
  EXPECT_EQ(b.written, static_cast<uint64_t>(kDepth) + 1);
}

}  // namespace
