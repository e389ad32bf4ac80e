// aorta_avmm_to_axil under Verilator: an Avalon-MM master (the host's BAR0 through Intel's PCIe
// RX master) of random 32-bit reads and writes with byte enables, against an AXI4-lite register
// slave model that takes AW, W and AR after random delays (AW and W independently), answers
// after random delays and flags one address range with SLVERR. Every write lands with its byte
// enables and answers with writeresponsevalid and its response; every read answers with
// readdatavalid, the register's value and its response; the master never sees more than one
// access in flight. The RTL's assertions (held AXI requests, responses only for the access in
// flight) stop the simulation if they fail.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>

#include "Vavmm_to_axil.h"
#include "verif/common/bench.h"
#include "verilated.h"

namespace {

constexpr uint32_t kRegs = 1024;      // 4 KiB of 32-bit registers
constexpr uint32_t kErrFrom = 0xf00;  // [0xf00, 0x1000) answers SLVERR

class Bench {
 public:
  explicit Bench(uint32_t seed) : rng_(seed) {
    for (uint32_t i = 0; i < kRegs; ++i) regs_[i] = shadow_[i] = 0x9e3779b9u * (i + 1);
    m_.clk_i = 0;
    m_.rst_ni = 0;
    m_.eval();
    Clock();
    m_.rst_ni = 1;
    m_.eval();
  }
  ~Bench() { m_.final(); }

  // Runs n accesses of the master, one at a time, each held until taken.
  void Run(int n) {
    for (int i = 0; i < n; ++i) {
      const bool write = Coin(0.5);
      const uint32_t addr = 4 * Pick(kRegs);
      const uint32_t data = Pick(0xffffffffu);
      const uint32_t be = Coin(0.3) ? Pick(16) : 0xf;
      Access(write, addr, data, be);
    }
    for (uint32_t i = 0; i < kRegs; ++i) ASSERT_EQ(regs_[i], shadow_[i]) << "register " << 4 * i;
  }

  double p_ready = 0.5, p_resp = 0.5;
  uint64_t errors = 0;

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  void Clock() { aorta::verif::Tick(m_); }

  void Access(bool write, uint32_t addr, uint32_t data, uint32_t be) {
    const uint32_t want_resp = addr >= kErrFrom ? 2 : 0;
    if (write && want_resp == 0) {
      for (int b = 0; b < 4; ++b)
        if (be >> b & 1)
          shadow_[addr / 4] = (shadow_[addr / 4] & ~(0xffu << 8 * b)) | (data & 0xffu << 8 * b);
    }
    const uint32_t want_data = regs_[addr / 4];
    m_.s_address_i = addr;
    m_.s_read_i = !write;
    m_.s_write_i = write;
    m_.s_writedata_i = data;
    m_.s_byteenable_i = be;
    bool taken = false, answered = false;
    for (int cycle = 0; cycle < 1000 && !answered; ++cycle) {
      SlaveDrive();
      m_.eval();
      if (m_.s_readdatavalid_o || m_.s_writeresponsevalid_o) {
        EXPECT_TRUE(taken) << "an answer before the access was taken";
        EXPECT_EQ(m_.s_writeresponsevalid_o, write);
        EXPECT_EQ(m_.s_readdatavalid_o, !write);
        EXPECT_EQ(m_.s_response_o, want_resp) << "access at " << addr;
        if (!write && want_resp == 0) {
          EXPECT_EQ(m_.s_readdata_o, want_data) << "read " << addr;
        }
        errors += want_resp != 0;
        answered = true;
      }
      const bool take = !taken && !m_.s_waitrequest_o;
      SlaveSample();
      Clock();
      if (take) {
        taken = true;
        m_.s_read_i = m_.s_write_i = 0;  // Avalon: one cycle, once taken
      }
    }
    EXPECT_TRUE(answered) << (write ? "write" : "read") << " at " << addr << " unanswered";
  }

  // The AXI4-lite slave: random readiness; a write completes when AW and W are both in. Drive
  // sets the inputs for this cycle; Sample records this cycle's handshakes (inputs change only
  // at the next Drive, after the clock).
  void SlaveDrive() {
    m_.m_awready_i = !aw_in_ && Coin(p_ready);
    m_.m_wready_i = !w_in_ && Coin(p_ready);
    m_.m_arready_i = !ar_in_ && Coin(p_ready);
    b_offered_ = b_pending_ && (b_offered_ || Coin(p_resp));  // held once offered
    m_.m_bvalid_i = b_offered_;
    m_.m_bresp_i = b_resp_;
    r_offered_ = r_pending_ && (r_offered_ || Coin(p_resp));
    m_.m_rvalid_i = r_offered_;
    m_.m_rdata_i = r_data_;
    m_.m_rresp_i = r_resp_;
  }
  void SlaveSample() {
    if (m_.m_awvalid_o && m_.m_awready_i) {
      aw_in_ = true;
      aw_addr_ = m_.m_awaddr_o;
    }
    if (m_.m_wvalid_o && m_.m_wready_i) {
      w_in_ = true;
      w_data_ = m_.m_wdata_o;
      w_strb_ = m_.m_wstrb_o;
    }
    if (aw_in_ && w_in_ && !b_pending_) {
      b_resp_ = aw_addr_ >= kErrFrom ? 2 : 0;
      if (b_resp_ == 0)
        for (int b = 0; b < 4; ++b)
          if (w_strb_ >> b & 1)
            regs_[aw_addr_ / 4] =
                (regs_[aw_addr_ / 4] & ~(0xffu << 8 * b)) | (w_data_ & 0xffu << 8 * b);
      b_pending_ = true;
      aw_in_ = w_in_ = false;
    }
    if (m_.m_bvalid_i && m_.m_bready_o) {
      b_pending_ = false;
      b_offered_ = false;
    }
    if (m_.m_arvalid_o && m_.m_arready_i) {
      ar_in_ = true;
      r_resp_ = m_.m_araddr_o >= kErrFrom ? 2 : 0;
      r_data_ = r_resp_ ? 0 : regs_[m_.m_araddr_o / 4];
      r_pending_ = true;
    }
    if (m_.m_rvalid_i && m_.m_rready_o) {
      r_pending_ = false;
      r_offered_ = false;
      ar_in_ = false;
    }
  }

  Vavmm_to_axil m_;
  std::mt19937 rng_;
  std::array<uint32_t, kRegs> regs_{}, shadow_{};
  bool aw_in_ = false, w_in_ = false, ar_in_ = false, b_pending_ = false, r_pending_ = false;
  bool b_offered_ = false, r_offered_ = false;
  uint32_t aw_addr_ = 0, w_data_ = 0, w_strb_ = 0, b_resp_ = 0, r_data_ = 0, r_resp_ = 0;
};

TEST(AvmmToAxil, RandomAccessesUnderRandomDelays) {
  Bench b(1);
  b.Run(3000);
  EXPECT_GT(b.errors, 0u);
}

TEST(AvmmToAxil, SlaveAlwaysReady) {
  Bench b(2);
  b.p_ready = b.p_resp = 1.0;
  b.Run(1000);
}

}  // namespace
