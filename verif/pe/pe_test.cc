// Test bench of rtl/aorta_pe.sv: the Verilator model against a plain C++ model of one PE.
//
// The PE is verilated twice, as the last row of the tiny (8 x 8) and of the sim16 (16 x 16)
// array (row tag width $clog2(N), Row = N - 1). Every test runs on both.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "Vaorta_pe_sim16.h"
#include "Vaorta_pe_tiny.h"
#include "verif/common/bench.h"
#include "verilated.h"

// The configs, named for ctest ("PeTest.Case<Tiny>"); N comes from the config's textproto.
struct Tiny {
  using Model = Vaorta_pe_tiny;
  static constexpr unsigned N = AORTA_TINY_N;
  static constexpr unsigned Row = N - 1;  // the PE is verilated as the last row
  static constexpr const char* name = "tiny";
};
struct Sim16 {
  using Model = Vaorta_pe_sim16;
  static constexpr unsigned N = AORTA_SIM16_N;
  static constexpr unsigned Row = N - 1;  // the PE is verilated as the last row
  static constexpr const char* name = "sim16";
};

namespace aorta::verif {
namespace {

// The inputs of one cycle.
struct PeIn {
  bool en = true;
  bool wr_en = true;  // with en: the write path moves (the array holds it while no write is
                      // in flight)
  int8_t act = 0;
  bool act_bank = false;
  uint32_t psum = 0;
  bool wr_valid = false;
  bool wr_bank = false;
  unsigned wr_row = 0;
  int8_t wr_data = 0;
};

// The reference: what the PE's registers hold, updated once per enabled cycle.
struct PeRef {
  unsigned row = 0;
  int8_t weight[2] = {0, 0};
  // Registered outputs.
  uint32_t psum = 0;
  int8_t act = 0;
  bool act_bank = false;
  bool wr_valid = false;
  bool wr_bank = false;
  unsigned wr_row = 0;
  int8_t wr_data = 0;
  bool data_known = false;  // the datapath flops have no reset: unknown until a first enable

  void Step(const PeIn& in) {
    if (!in.en) return;
    // The product uses the bank as it was before this cycle's write.
    int64_t product = int64_t{in.act} * weight[in.act_bank ? 1 : 0];
    psum = static_cast<uint32_t>(in.psum + static_cast<uint64_t>(product));
    act = in.act;
    act_bank = in.act_bank;
    data_known = true;
    if (!in.wr_en) return;  // the write path holds
    wr_valid = in.wr_valid;
    wr_bank = in.wr_bank;
    wr_row = in.wr_row;
    wr_data = in.wr_data;
    if (in.wr_valid && in.wr_row == row) weight[in.wr_bank ? 1 : 0] = in.wr_data;
  }
  void Reset() {
    weight[0] = weight[1] = 0;
    wr_valid = false;
  }
};

template <class Cfg>
class PeTest : public ::testing::Test {
 protected:
  using V = typename Cfg::Model;
  static constexpr unsigned kRowMask = (1u << std::bit_width(Cfg::N - 1)) - 1;

  PeTest() {
    ctx_.fatalOnError(false);  // an SV assertion counts an error; each test checks the count
    ctx_.randReset(2);         // flops without reset start random
    ctx_.randSeed(7);
    m_ = std::make_unique<V>(&ctx_);
    ref_.row = Cfg::Row;
    aorta::verif::Reset(*m_);
    ref_.Reset();
  }
  ~PeTest() override {
    EXPECT_EQ(ctx_.errorCount(), 0) << "an SV assertion failed";
    m_->final();
  }

  void Drive(const PeIn& in) {
    m_->en_i = in.en;
    m_->wr_en_i = in.en && in.wr_en;  // the write path moves only in enabled cycles
    m_->act_i = static_cast<uint8_t>(in.act);
    m_->act_bank_i = in.act_bank;
    m_->psum_i = in.psum;
    m_->wr_valid_i = in.wr_valid;
    m_->wr_bank_i = in.wr_bank;
    m_->wr_row_i = in.wr_row & kRowMask;
    m_->wr_data_i = static_cast<uint8_t>(in.wr_data);
  }

  // One cycle on both; returns false (and records a failure) on any output mismatch.
  bool Cycle(const PeIn& in) {
    Drive(in);
    Tick(*m_);
    ref_.Step(in);
    return Check();
  }

  bool Check() {
    bool ok = m_->wr_valid_o == ref_.wr_valid;
    if (ref_.data_known) {
      ok = ok && m_->psum_o == ref_.psum && m_->act_o == static_cast<uint8_t>(ref_.act) &&
           m_->act_bank_o == ref_.act_bank;
    }
    // The write tag and data are meaningful only with wr_valid_o.
    if (ref_.wr_valid) {
      ok = ok && m_->wr_bank_o == ref_.wr_bank && m_->wr_row_o == ref_.wr_row &&
           m_->wr_data_o == static_cast<uint8_t>(ref_.wr_data);
    }
    if (!ok && ++mismatches_ <= 5) {
      ADD_FAILURE() << Cfg::name << " cycle " << cycle_ << ": psum_o " << m_->psum_o << " (model "
                    << ref_.psum << "), act_o " << int{m_->act_o} << " (model "
                    << int{static_cast<uint8_t>(ref_.act)} << "), wr_valid_o "
                    << int{m_->wr_valid_o} << " (model " << ref_.wr_valid << ")";
    }
    ++cycle_;
    return ok;
  }

  // Writes `value` into `bank` of this PE (one enabled cycle).
  void Write(bool bank, int8_t value) {
    PeIn in;
    in.wr_valid = true;
    in.wr_bank = bank;
    in.wr_row = Cfg::Row;
    in.wr_data = value;
    Cycle(in);
  }

  VerilatedContext ctx_;
  std::unique_ptr<V> m_;
  PeRef ref_;
  uint64_t cycle_ = 0;
  int mismatches_ = 0;
};

using Configs = ::testing::Types<Tiny, Sim16>;
TYPED_TEST_SUITE(PeTest, Configs);

// Every int8 x int8 product, through both banks, with partial sums that wrap: 131,072 MACs,
// each checked against psum_i + act_i * weight modulo 2^32.
TYPED_TEST(PeTest, ExhaustiveProductsBothBanks) {
  std::mt19937 rng(1);
  uint64_t checked = 0;
  for (int w = -128; w <= 127; ++w) {
    const auto w0 = static_cast<int8_t>(w);
    const auto w1 = static_cast<int8_t>(~w);  // the other bank holds a different weight
    this->Write(false, w0);
    this->Write(true, w1);
    for (int a = -128; a <= 127; ++a) {
      for (bool bank : {false, true}) {
        PeIn in;
        in.act = static_cast<int8_t>(a);
        in.act_bank = bank;
        in.psum = (rng() % 4 == 0) ? (rng() % 2 ? 0x7fffffffu : 0x80000000u) : rng();
        this->Cycle(in);
        const int64_t expect = int64_t{in.psum} + int64_t{a} * (bank ? w1 : w0);
        ASSERT_EQ(this->m_->psum_o, static_cast<uint32_t>(expect))
            << "a=" << a << " w=" << int{bank ? w1 : w0} << " psum=" << in.psum;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 131072u);
  EXPECT_EQ(this->mismatches_, 0);
}

// 50,000 random cycles: enables, writes to this row and to others, both banks, extremes.
TYPED_TEST(PeTest, RandomCyclesMatchModel) {
  std::mt19937 rng(2);
  for (int i = 0; i < 50000; ++i) {
    PeIn in;
    in.en = rng() % 8 != 0;
    in.act = RandomInt8(rng);
    in.act_bank = rng() & 1;
    in.psum = rng();
    in.wr_valid = rng() % 3 == 0;
    in.wr_en = in.wr_valid || rng() % 4 != 0;  // a write needs the write path enabled
    in.wr_bank = rng() & 1;
    in.wr_row = (rng() % 2) ? TypeParam::Row : rng() % TypeParam::N;
    in.wr_data = RandomInt8(rng);
    this->Cycle(in);
  }
  EXPECT_EQ(this->mismatches_, 0);
}

// A write names a row: writes to every other row leave both banks alone, but still travel on
// down the column (wr_*_o one cycle later).
TYPED_TEST(PeTest, WritesToOtherRowsPassThrough) {
  constexpr unsigned N = TypeParam::N;
  this->Write(false, 3);
  this->Write(true, -5);
  for (unsigned row = 0; row < N - 1; ++row) {
    for (bool bank : {false, true}) {
      PeIn in;
      in.wr_valid = true;
      in.wr_bank = bank;
      in.wr_row = row;
      in.wr_data = 100;
      this->Cycle(in);
      EXPECT_TRUE(this->m_->wr_valid_o);
      EXPECT_EQ(this->m_->wr_row_o, row);
      EXPECT_EQ(this->m_->wr_bank_o, bank);
      EXPECT_EQ(this->m_->wr_data_o, 100);
    }
  }
  for (bool bank : {false, true}) {
    PeIn in;
    in.act = 7;
    in.act_bank = bank;
    in.psum = 1000;
    this->Cycle(in);
    EXPECT_EQ(static_cast<int32_t>(this->m_->psum_o), 1000 + 7 * (bank ? -5 : 3));
  }
  EXPECT_EQ(this->mismatches_, 0);
}

// A write and an activation in the same cycle: the activation computes with the old weight, the
// next one with the new.
TYPED_TEST(PeTest, SameCycleWriteSeenByNextActivation) {
  this->Write(false, 10);
  PeIn in;
  in.act = 2;
  in.wr_valid = true;
  in.wr_row = TypeParam::Row;
  in.wr_data = -20;
  this->Cycle(in);
  EXPECT_EQ(static_cast<int32_t>(this->m_->psum_o), 20);
  in.wr_valid = false;
  this->Cycle(in);
  EXPECT_EQ(static_cast<int32_t>(this->m_->psum_o), -40);
  EXPECT_EQ(this->mismatches_, 0);
}

// en_i low: nothing moves, nothing is captured, whatever the inputs do.
TYPED_TEST(PeTest, DisabledCyclesHoldEverything) {
  std::mt19937 rng(3);
  this->Write(false, 9);
  PeIn in;
  in.act = 4;
  in.psum = 5;
  this->Cycle(in);  // psum_o = 41
  const uint32_t psum = this->m_->psum_o;
  ASSERT_EQ(psum, 41u);
  for (int i = 0; i < 100; ++i) {
    PeIn noise;
    noise.en = false;
    noise.act = RandomInt8(rng);
    noise.psum = rng();
    noise.wr_valid = true;
    noise.wr_row = TypeParam::Row;
    noise.wr_data = RandomInt8(rng);
    this->Cycle(noise);
    ASSERT_EQ(this->m_->psum_o, psum);
    ASSERT_EQ(this->m_->act_o, 4);
  }
  this->Cycle(in);  // the weight is still 9
  EXPECT_EQ(this->m_->psum_o, 41u);
  EXPECT_EQ(this->mismatches_, 0);
}

// wr_en_i low: the write path holds (valid, tag, data), the multiply-add goes on.
TYPED_TEST(PeTest, WritePathDisabledHolds) {
  this->Write(false, 6);
  PeIn in;
  in.wr_valid = true;
  in.wr_bank = true;
  in.wr_row = 0;  // another row: passes through
  in.wr_data = 77;
  this->Cycle(in);
  ASSERT_TRUE(this->m_->wr_valid_o);
  PeIn hold;
  hold.wr_en = false;
  hold.act = 3;
  for (int i = 0; i < 10; ++i) {
    hold.psum = static_cast<uint32_t>(i);
    this->Cycle(hold);
    EXPECT_TRUE(this->m_->wr_valid_o);
    EXPECT_EQ(this->m_->wr_data_o, 77);
    EXPECT_EQ(this->m_->psum_o, static_cast<uint32_t>(i + 18));
  }
  this->Cycle(PeIn{});  // enabled, nothing offered: the valid bit drains
  EXPECT_FALSE(this->m_->wr_valid_o);
  EXPECT_EQ(this->mismatches_, 0);
}

// Exactly one cycle from psum_i / act_i to psum_o / act_o: the new inputs are not visible before
// the clock edge and are after it.
TYPED_TEST(PeTest, LatencyIsOneCycle) {
  this->Write(true, -3);
  PeIn in;
  in.act = 11;
  in.act_bank = true;
  in.psum = 100;
  this->Cycle(in);
  ASSERT_EQ(this->m_->psum_o, 67u);
  in.act = -11;
  in.psum = 200;
  this->Drive(in);
  this->m_->eval();
  EXPECT_EQ(this->m_->psum_o, 67u) << "psum_o changed before the clock edge";
  EXPECT_EQ(this->m_->act_o, 11);
  Tick(*this->m_);
  EXPECT_EQ(this->m_->psum_o, 233u);
  EXPECT_EQ(this->m_->act_o, static_cast<uint8_t>(-11));
}

// Reset clears both banks (the golden model's banks start zeroed) and the write valid.
TYPED_TEST(PeTest, ResetClearsBanks) {
  this->Write(false, 50);
  this->Write(true, -50);
  aorta::verif::Reset(*this->m_);
  EXPECT_FALSE(this->m_->wr_valid_o);
  for (bool bank : {false, true}) {
    PeIn in;
    in.act = -128;
    in.act_bank = bank;
    in.psum = 12345;
    this->Drive(in);
    Tick(*this->m_);
    EXPECT_EQ(this->m_->psum_o, 12345u) << "bank " << bank << " not cleared";
  }
}

}  // namespace
}  // namespace aorta::verif
