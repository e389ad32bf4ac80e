// aorta_axi_to_avmm under Verilator: an AXI4 master of random bursts (IDs 0..3, 1 to 12 beats,
// random valid / ready, W sometimes before its AW) against an Avalon-MM memory with random
// waitrequest, read latency and write-response latency, and regions answering SLVERRROR /
// DECODEERROR. Reads come back in order with their ID, RLAST on the last beat and the memory's
// data; writes land with their byte strobes and answer in order with their ID; errors reach R /
// B; no Avalon burst exceeds MaxBurst. The RTL's assertions (held handshakes on both sides, read
// data only with room for it, responses only for commands sent) stop the simulation if they
// fail. Geometry: 64-bit data, MaxBurst 4, read buffer 8 beats, 4 reads and 4 writes in flight.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "Vaxi_to_avmm.h"
#include "verif/common/bench.h"
#include "verilated.h"

namespace {

constexpr int kMaxBurst = 4;
constexpr uint64_t kWords = 2048;  // 16 KiB of memory, 8-byte words
// Regions (byte addresses): reads from [0, 4 KiB) (never written), writes to [4, 12 KiB),
// SLVERRROR from [12, 14 KiB), DECODEERROR from [14, 16 KiB).
constexpr uint64_t kWriteBase = 4096, kWriteEnd = 12288, kSlvErr = 12288, kDecErr = 14336;

uint32_t RegionResp(uint64_t addr) {
  if (addr >= kDecErr) return 3;
  if (addr >= kSlvErr) return 2;
  return 0;
}

struct Burst {
  uint32_t id;
  uint64_t addr;
  uint32_t len;   // beats - 1
  uint32_t size;  // log2 bytes per beat
  std::vector<uint64_t> data, strb;
};

class Bench {
 public:
  explicit Bench(uint32_t seed) : rng_(seed), mem_(kWords), shadow_(kWords) {
    for (uint64_t i = 0; i < kWords; ++i) mem_[i] = shadow_[i] = 0x0123456789abcdefull * (i + 1);
    m_.clk_i = 0;
    m_.rst_ni = 0;
    m_.eval();
    Clock();
    Clock();
    m_.rst_ni = 1;
    m_.eval();
  }
  ~Bench() { m_.final(); }

  // A random burst in a region: reads in the read-only region or an error region, writes in
  // the write region or an error region; bursts stay inside one region.
  Burst RandomBurst(bool write) {
    Burst b;
    b.id = Pick(4);
    b.len = Pick(12);
    b.size = 3;
    const int kind = static_cast<int>(Pick(10));
    uint64_t base = write ? kWriteBase : 0, span = write ? kWriteEnd - kWriteBase : 4096;
    if (kind == 0) base = kSlvErr, span = kDecErr - kSlvErr;
    if (kind == 1) base = kDecErr, span = kWords * 8 - kDecErr;
    const uint64_t words = span / 8 - (b.len + 1);
    b.addr = base + 8 * Pick(static_cast<uint32_t>(words));
    if (!write && b.len == 0 && Pick(3) == 0) {  // a narrow single beat (the SoC's fetch)
      b.size = 2;
      b.addr += 4;
    }
    for (uint32_t i = 0; write && i <= b.len; ++i) {
      b.data.push_back((uint64_t{Pick(1u << 31)} << 32) | Pick(1u << 31));
      b.strb.push_back(Pick(4) == 0 ? Pick(256) : 0xff);
    }
    return b;
  }

  // Queues n reads and n writes and runs until every response is in.
  void Run(int n) {
    for (int i = 0; i < n; ++i) {
      ar_.push_back(RandomBurst(false));
      Burst w = RandomBurst(true);
      aw_.push_back(w);
      w_.push_back(w);
    }
    const size_t reads = ar_.size(), writes = aw_.size();
    for (int cycle = 0; cycle < 200000 && (r_done_ < reads || b_done_ < writes); ++cycle) Cycle();
    EXPECT_EQ(r_done_, reads) << "reads unanswered";
    EXPECT_EQ(b_done_, writes) << "writes unanswered";
    for (uint64_t i = kWriteBase / 8; i < kWriteEnd / 8; ++i)
      ASSERT_EQ(mem_[i], shadow_[i]) << "word at " << 8 * i;
  }

  double p_valid = 0.7, p_ready = 0.7, p_wait = 0.3;
  uint64_t max_avalon_burst = 0, read_errors = 0, write_errors = 0, narrow_reads = 0;

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  void Clock() { aorta::verif::Tick(m_); }

  // Offers the next burst of `queue` on an address channel (AR or AW) unless one is offered.
  template <typename Id, typename Len, typename Size, typename BurstT>
  void Offer(const std::deque<Burst>& queue, uint8_t& valid, Id& id, uint64_t& addr, Len& len,
             Size& size, BurstT& burst) {
    if (valid || queue.empty() || !Coin(p_valid)) return;
    const Burst& b = queue.front();
    valid = 1;
    id = b.id;
    addr = b.addr;
    len = b.len;
    size = b.size;
    burst = 1;  // INCR
  }

  void Cycle() {
    // ---- Drive: AXI master (held until taken), Avalon slave.
    Offer(ar_, m_.s_arvalid_i, m_.s_arid_i, m_.s_araddr_i, m_.s_arlen_i, m_.s_arsize_i,
          m_.s_arburst_i);
    Offer(aw_, m_.s_awvalid_i, m_.s_awid_i, m_.s_awaddr_i, m_.s_awlen_i, m_.s_awsize_i,
          m_.s_awburst_i);
    if (!m_.s_wvalid_i && !w_.empty() && Coin(p_valid)) {  // W may lead its AW
      const Burst& b = w_.front();
      m_.s_wvalid_i = 1;
      m_.s_wdata_i = b.data[w_beat_];
      m_.s_wstrb_i = b.strb[w_beat_];
      m_.s_wlast_i = w_beat_ == b.len;
    }
    m_.s_rready_i = Coin(p_ready);
    m_.s_bready_i = Coin(p_ready);
    m_.m_waitrequest_i = Coin(p_wait);
    DriveAvalonResponses();
    m_.eval();

    // ---- Sample the handshakes of this cycle.
    const bool ar_fire = m_.s_arvalid_i && m_.s_arready_o;
    const bool aw_fire = m_.s_awvalid_i && m_.s_awready_o;
    const bool w_fire = m_.s_wvalid_i && m_.s_wready_o;
    const bool r_fire = m_.s_rvalid_o && m_.s_rready_i;
    const bool b_fire = m_.s_bvalid_o && m_.s_bready_i;
    if (r_fire) CheckR();
    if (b_fire) CheckB();
    SampleAvalon();
    if (ar_fire) {
      reads_.push_back(ar_.front());
      ar_.pop_front();
    }
    if (aw_fire) {
      writes_.push_back(aw_.front());
      aw_.pop_front();
    }
    if (w_fire) {
      const Burst& b = w_.front();
      ApplyShadow(b, w_beat_);
      if (++w_beat_ > b.len) {
        w_.pop_front();
        w_beat_ = 0;
      }
    }
    Clock();
    if (ar_fire) m_.s_arvalid_i = 0;
    if (aw_fire) m_.s_awvalid_i = 0;
    if (w_fire) m_.s_wvalid_i = 0;
    ++cycle_;
  }

  void ApplyShadow(const Burst& b, uint32_t beat) {
    const uint64_t addr = b.addr + 8 * beat;
    if (RegionResp(addr) != 0) return;  // the error regions do not store
    uint64_t& word = shadow_[addr / 8];
    for (int i = 0; i < 8; ++i)
      if (b.strb[beat] >> i & 1)
        word = (word & ~(0xffull << 8 * i)) | (b.data[beat] & 0xffull << 8 * i);
  }

  void CheckR() {
    ASSERT_FALSE(reads_.empty()) << "R without a read";
    const Burst& b = reads_.front();
    EXPECT_EQ(m_.s_rid_o, b.id);
    const uint64_t addr = (b.addr & ~uint64_t{7}) + 8 * r_beat_;
    const uint32_t resp = RegionResp(addr);
    EXPECT_EQ(m_.s_rresp_o, resp) << "read at " << addr;
    if (resp == 0) {
      EXPECT_EQ(m_.s_rdata_o, mem_[addr / 8]) << "read at " << addr;
    }
    read_errors += resp != 0;
    narrow_reads += b.size != 3;
    EXPECT_EQ(m_.s_rlast_o, r_beat_ == b.len);
    if (r_beat_++ == b.len) {
      reads_.pop_front();
      r_beat_ = 0;
      ++r_done_;
    }
  }

  void CheckB() {
    ASSERT_FALSE(writes_.empty()) << "B without a write";
    const Burst& b = writes_.front();
    EXPECT_EQ(m_.s_bid_o, b.id);
    EXPECT_EQ(m_.s_bresp_o, RegionResp(b.addr)) << "write at " << b.addr;
    write_errors += RegionResp(b.addr) != 0;
    writes_.pop_front();
    ++b_done_;
  }

  // The Avalon slave: commands taken when waitrequest is low; read data and write responses in
  // command order after a random latency, one per cycle.
  struct ReadCmd {
    uint64_t due, addr;
    uint32_t beats;
  };
  void DriveAvalonResponses() {
    m_.m_readdatavalid_i = 0;
    m_.m_writeresponsevalid_i = 0;
    m_.m_response_i = 0;
    if (!rd_cmds_.empty() && rd_cmds_.front().due <= cycle_) {
      ReadCmd& c = rd_cmds_.front();
      m_.m_readdatavalid_i = 1;
      m_.m_readdata_i = RegionResp(c.addr) ? 0 : mem_[c.addr / 8];
      m_.m_response_i = RegionResp(c.addr);
      c.addr += 8;
      if (--c.beats == 0) rd_cmds_.pop_front();
    } else if (!wr_resps_.empty() && wr_resps_.front().first <= cycle_) {
      m_.m_writeresponsevalid_i = 1;
      m_.m_response_i = wr_resps_.front().second;
      wr_resps_.pop_front();
    }
  }
  void SampleAvalon() {
    if (m_.m_waitrequest_i) return;
    if (m_.m_read_o) {
      EXPECT_EQ(m_.m_address_o % 8, 0u);
      EXPECT_GE(m_.m_burstcount_o, 1u);
      EXPECT_LE(m_.m_burstcount_o, static_cast<uint32_t>(kMaxBurst));
      max_avalon_burst = std::max<uint64_t>(max_avalon_burst, m_.m_burstcount_o);
      rd_cmds_.push_back({cycle_ + 1 + Pick(6), m_.m_address_o, m_.m_burstcount_o});
    }
    if (m_.m_write_o) {
      if (wr_left_ == 0) {  // the first beat carries the address and the count
        EXPECT_EQ(m_.m_address_o % 8, 0u);
        EXPECT_LE(m_.m_burstcount_o, static_cast<uint32_t>(kMaxBurst));
        wr_addr_ = m_.m_address_o;
        wr_left_ = m_.m_burstcount_o;
        wr_resp_ = RegionResp(wr_addr_);
      }
      if (RegionResp(wr_addr_) == 0) {
        uint64_t& word = mem_[wr_addr_ / 8];
        for (int i = 0; i < 8; ++i)
          if (m_.m_byteenable_o >> i & 1)
            word = (word & ~(0xffull << 8 * i)) | (m_.m_writedata_o & 0xffull << 8 * i);
      }
      wr_addr_ += 8;
      if (--wr_left_ == 0) wr_resps_.push_back({cycle_ + 1 + Pick(6), wr_resp_});
    }
  }

  Vaxi_to_avmm m_;
  std::mt19937 rng_;
  std::vector<uint64_t> mem_, shadow_;
  std::deque<Burst> ar_, aw_, w_;     // to offer
  std::deque<Burst> reads_, writes_;  // accepted, awaiting R / B
  std::deque<ReadCmd> rd_cmds_;
  std::deque<std::pair<uint64_t, uint32_t>> wr_resps_;
  uint64_t cycle_ = 0, wr_addr_ = 0;
  uint32_t w_beat_ = 0, r_beat_ = 0, wr_left_ = 0, wr_resp_ = 0;
  size_t r_done_ = 0, b_done_ = 0;
};

TEST(AxiToAvmm, RandomBurstsUnderRandomStalls) {
  Bench b(1);
  b.Run(400);
  EXPECT_EQ(b.max_avalon_burst, static_cast<uint64_t>(kMaxBurst)) << "long bursts are split";
  EXPECT_GT(b.read_errors, 0u);
  EXPECT_GT(b.write_errors, 0u);
  EXPECT_GT(b.narrow_reads, 0u);
}

TEST(AxiToAvmm, NoStallsFullThroughput) {
  Bench b(2);
  b.p_valid = b.p_ready = 1.0;
  b.p_wait = 0.0;
  b.Run(200);
}

TEST(AxiToAvmm, SlowResponderManyStalls) {
  Bench b(3);
  b.p_valid = 0.3;
  b.p_ready = 0.2;
  b.p_wait = 0.8;
  b.Run(150);
}

}  // namespace
