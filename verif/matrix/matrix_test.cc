// Test bench of rtl/aorta_matrix_unit.sv (LOADW + MATMUL) against the golden datapath.
//
// The unit is verilated once per config (tiny: N = 8, sim16: N = 16; N and the memory sizes
// read from the config's textproto) and driven through verif/matrix/matrix_harness.h: C++
// memories with the contract's one-cycle read latency, garbage on read ports that were not
// read and on a read that collides with a write of the same row, and the golden model
// (core/golden/datapath.h) executing every instruction when the unit accepts it. Every done
// pulse is checked against the instruction it completes, the whole ACC and the perf counters at
// the end of every sequence, and no SV assertion may fire.
//
// Cycle counts asserted here (docs/rtl.md, "Matrix unit"): a MATMUL of M output pixels takes
// M + 2N - 1 + kC cycles from the cycle it is accepted to its done pulse, both counted, with
// kC = 2 (one cycle for the address generator's UB read, one for the accumulator's
// read-modify-write); consecutive passes add exactly M each; a LOADW takes N + 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vaorta_matrix_unit_sim16.h"
#include "Vaorta_matrix_unit_tiny.h"
#include "core/config.h"
#include "verif/matrix/matrix_harness.h"
#include "verilated.h"

struct Tiny {
  using Model = Vaorta_matrix_unit_tiny;
  static constexpr unsigned N = AORTA_TINY_N;
  static constexpr uint64_t kUbRows = AORTA_TINY_UB_ROWS;
  static constexpr uint64_t kWbRows = AORTA_TINY_WB_ROWS;
  static constexpr uint64_t kAccRows = AORTA_TINY_ACC_ROWS;
  static constexpr const char* name = "tiny";
};
struct Sim16 {
  using Model = Vaorta_matrix_unit_sim16;
  static constexpr unsigned N = AORTA_SIM16_N;
  static constexpr uint64_t kUbRows = AORTA_SIM16_UB_ROWS;
  static constexpr uint64_t kWbRows = AORTA_SIM16_WB_ROWS;
  static constexpr uint64_t kAccRows = AORTA_SIM16_ACC_ROWS;
  static constexpr const char* name = "sim16";
};

namespace aorta::verif {
namespace {

constexpr uint64_t kC = 2;  // see the header

ChipGeometry GeometryOfConfig(const char* name) {
  auto cfg = LoadChipConfig(name);
  if (!cfg.ok()) {
    ADD_FAILURE() << cfg.status().ToString();
    return {};
  }
  return GeometryOf(*cfg);
}

isa::Word Loadw(bool bank, uint32_t wb_addr) {
  isa::Loadw l;
  l.bank = bank;
  l.wb_addr = wb_addr;
  return MustEncode(l);
}

// A 1 x M pass reading UB rows act_addr .. act_addr + M - 1 into ACC rows acc_addr ...
isa::Matmul Row(uint32_t m, bool bank, bool accumulate, uint32_t act_addr, uint32_t acc_addr) {
  isa::Matmul mm;
  mm.bank = bank;
  mm.accumulate = accumulate;
  mm.act_addr = act_addr;
  mm.in_h = 1;
  mm.in_w = m;
  mm.out_h = 1;
  mm.out_w = m;
  mm.acc_addr = acc_addr;
  return mm;
}

template <class Cfg>
class MatrixTest : public ::testing::Test {
 protected:
  static constexpr unsigned kN = Cfg::N;
  using Harness = MatrixHarness<typename Cfg::Model>;

  explicit MatrixTest(uint32_t seed = 7) : geom_(GeometryOfConfig(Cfg::name)) {
    ctx_.fatalOnError(false);  // an SV assertion counts an error; checked by ExpectClean
    ctx_.randReset(2);         // flops without reset start random
    ctx_.randSeed(static_cast<int>(seed));
    model_ = std::make_unique<typename Cfg::Model>(&ctx_);
  }
  ~MatrixTest() override { model_->final(); }

  std::unique_ptr<Harness> MakeHarness(uint32_t seed, bool check_done = true) {
    typename Harness::Options opt;
    opt.seed = seed;
    opt.check_done = check_done;
    auto h = std::make_unique<Harness>(*model_, geom_, opt);
    h->RandomizeMemories();
    return h;
  }

  void ExpectClean(Harness& h) {
    h.CheckFinal();
    for (const auto& f : h.failures()) ADD_FAILURE() << Cfg::name << ": " << f;
    EXPECT_EQ(h.done(), h.accepted());
    EXPECT_EQ(h.errors(), 0u) << "err_o raised";
    EXPECT_EQ(ctx_.errorCount(), 0) << "an SV assertion failed";
  }

  // A random window: sizes, strides 1..3, offsets from -3 to past the far edge (so windows
  // start and end outside the image), pad values, and an ACC row in [acc_lo, acc_lo + span).
  isa::Matmul RandomMatmul(std::mt19937& rng, bool bank, bool accumulate, uint32_t acc_lo,
                           uint32_t acc_span) const {
    isa::Matmul mm;
    mm.bank = bank;
    mm.accumulate = accumulate;
    const bool big = rng() % 8 == 0;
    mm.in_h = 1 + rng() % (big ? 24 : 10);
    mm.in_w = 1 + rng() % (big ? 24 : 12);
    mm.out_h = 1 + rng() % (big ? 12 : 5);
    mm.out_w = 1 + rng() % (big ? 12 : 8);
    mm.stride_h = 1 + rng() % 3;
    mm.stride_w = 1 + rng() % 3;
    mm.y_off = -3 + static_cast<int32_t>(rng() % (mm.in_h + 4));
    mm.x_off = -3 + static_cast<int32_t>(rng() % (mm.in_w + 4));
    mm.pad_value = RandomInt8(rng);
    const uint64_t image = uint64_t{mm.in_h} * mm.in_w;
    mm.act_addr = static_cast<uint32_t>(rng() % (geom_.ub_rows - image + 1));
    const uint64_t pixels = uint64_t{mm.out_h} * mm.out_w;
    const uint64_t span = std::max<uint64_t>(1, acc_span > pixels ? acc_span - pixels : 1);
    mm.acc_addr = static_cast<uint32_t>(acc_lo + rng() % span);
    return mm;
  }
  uint32_t RandomWbAddr(std::mt19937& rng) const {
    return static_cast<uint32_t>(rng() % (geom_.wb_rows - kN + 1));
  }

  ChipGeometry geom_;
  VerilatedContext ctx_;
  std::unique_ptr<typename Cfg::Model> model_;
};

using Configs = ::testing::Types<Tiny, Sim16>;
TYPED_TEST_SUITE(MatrixTest, Configs);

// The model was verilated with the memory sizes of the config the golden model reads.
TYPED_TEST(MatrixTest, ModelParametersMatchConfig) {
  EXPECT_EQ(this->geom_.n, TypeParam::N);
  EXPECT_EQ(this->geom_.ub_rows, TypeParam::kUbRows);
  EXPECT_EQ(this->geom_.wb_rows, TypeParam::kWbRows);
  EXPECT_EQ(this->geom_.acc_rows, TypeParam::kAccRows);
}

// Random instruction sequences against the golden model. Each sequence is one of:
//   mixed      LOADW / MATMUL at random, any bank, random windows, accumulate or overwrite;
//   conv       the compiler's pattern: per kernel position a LOADW into the idle bank and a pass
//              over the same ACC rows (the first overwriting, the rest accumulating);
//   chains     short passes (1..3 pixels) accumulating into the same few ACC rows back to back,
//              so consecutive vectors read the row written in the cycle before;
// with the instructions offered back to back or with random gaps. Runs until idle, then the
// whole ACC and the counters are compared.
TYPED_TEST(MatrixTest, RandomSequencesMatchGolden) {
  constexpr unsigned N = TypeParam::N;
  std::mt19937 rng(1234 + N);
  auto h = this->MakeHarness(99 + N);
  const unsigned sequences = N == 8 ? 160 : 110;
  uint64_t instructions = 0, loadw = 0, matmul = 0;
  for (unsigned s = 0; s < sequences && h->failures().empty(); ++s) {
    const unsigned kind = s % 3;
    h->SetGapRate(s % 4 == 0 ? 0.3 : 0.0);
    const unsigned len = 10 + rng() % 30;
    bool bank = rng() & 1;
    const uint32_t acc_lo = static_cast<uint32_t>(rng() % (this->geom_.acc_rows - 200));
    for (unsigned i = 0; i < len; ++i) {
      if (kind == 0) {
        if (rng() % 10 < 3) {
          h->Offer(Loadw(rng() & 1, this->RandomWbAddr(rng)));
          ++loadw;
        } else {
          h->Offer(MustEncode(this->RandomMatmul(rng, rng() & 1, rng() & 1, acc_lo, 160)));
          ++matmul;
        }
      } else if (kind == 1) {
        h->Offer(Loadw(bank, this->RandomWbAddr(rng)));
        isa::Matmul mm = this->RandomMatmul(rng, bank, i != 0, acc_lo, 1);
        h->Offer(MustEncode(mm));
        bank = !bank;
        loadw++;
        matmul++;
      } else {
        if (rng() % 4 == 0) {
          h->Offer(Loadw(rng() & 1, this->RandomWbAddr(rng)));
          ++loadw;
        }
        const uint32_t m = 1 + rng() % 3;
        const uint32_t act = static_cast<uint32_t>(rng() % (this->geom_.ub_rows - m));
        h->Offer(MustEncode(Row(m, rng() & 1, rng() % 8 != 0, act, acc_lo + rng() % 3)));
        ++matmul;
      }
    }
    instructions = loadw + matmul;
    ASSERT_TRUE(h->RunUntilIdle(200000));
    h->CheckFinal();
  }
  this->ExpectClean(*h);
  EXPECT_GE(instructions, 2000u);
  EXPECT_GT(loadw, 500u);
  // The chains did make reads collide with writes of the same row (answered with garbage by
  // the harness): the forwarding path was exercised.
  EXPECT_GT(h->read_write_collisions(), 100u);
  std::printf(
      "%s: %llu instructions (%llu LOADW, %llu MATMUL) in %llu cycles, %llu same-row "
      "read/write collisions forwarded\n",
      TypeParam::name, static_cast<unsigned long long>(instructions),
      static_cast<unsigned long long>(loadw), static_cast<unsigned long long>(matmul),
      static_cast<unsigned long long>(h->cycle()),
      static_cast<unsigned long long>(h->read_write_collisions()));
}

// One pass of M pixels: M + 2N - 1 + kC cycles from acceptance to done; the MACs and bytes as
// the golden model counts them.
TYPED_TEST(MatrixTest, PassLatency) {
  constexpr unsigned N = TypeParam::N;
  for (uint32_t m : {1u, N, 3 * N + 5}) {
    auto h = this->MakeHarness(5 + m);
    h->Offer(Loadw(false, 0));
    ASSERT_TRUE(h->RunUntilIdle(1000));
    h->Offer(MustEncode(Row(m, false, true, 17, 40)));
    ASSERT_TRUE(h->RunUntilIdle(1000));
    ASSERT_EQ(h->accept_cycles().size(), 2u);
    ASSERT_EQ(h->done_cycles().size(), 2u);
    EXPECT_EQ(h->done_cycles()[0] - h->accept_cycles()[0] + 1, N + 2) << "LOADW";
    EXPECT_EQ(h->done_cycles()[1] - h->accept_cycles()[1] + 1, m + 2 * N - 1 + kC) << "M " << m;
    this->ExpectClean(*h);
  }
}

// Back-to-back passes stream without a bubble: the second pass is accepted in the cycle the
// first issues its last vector, and two passes of M take 2M + 2N - 1 + kC.
TYPED_TEST(MatrixTest, BackToBackPasses) {
  constexpr unsigned N = TypeParam::N;
  for (uint32_t m : {1u, 5u, 2 * N}) {
    auto h = this->MakeHarness(11 + m);
    h->Offer(Loadw(true, 64));
    ASSERT_TRUE(h->RunUntilIdle(1000));
    // Same bank, same ACC rows: the second pass accumulates onto the first.
    h->Offer(MustEncode(Row(m, true, false, 100, 7)));
    h->Offer(MustEncode(Row(m, true, true, 300, 7)));
    ASSERT_TRUE(h->RunUntilIdle(1000));
    const auto& a = h->accept_cycles();
    const auto& d = h->done_cycles();
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[2] - a[1], m) << "second pass accepted with the first's last vector";
    EXPECT_EQ(d[2] - a[1] + 1, 2 * m + 2 * N - 1 + kC);
    EXPECT_EQ(d[2] - d[1], m);
    this->ExpectClean(*h);
  }
}

// A LOADW into the idle bank overlaps the running pass completely; a LOADW into the bank in use
// waits for that pass's last vector and is then accepted in that very cycle.
TYPED_TEST(MatrixTest, LoadwOverlapsPass) {
  constexpr unsigned N = TypeParam::N;
  const uint32_t m = 2 * N + 3;
  auto h = this->MakeHarness(3);
  h->Offer(Loadw(false, 0));
  ASSERT_TRUE(h->RunUntilIdle(1000));
  h->Offer(MustEncode(Row(m, false, false, 10, 0)));  // a[1]
  h->Offer(Loadw(true, 2 * N));                       // a[2]: other bank, overlaps
  h->Offer(MustEncode(Row(m, true, true, 50, 0)));    // a[3]: waits for pass a[1] only
  h->Offer(Loadw(true, 5 * N));                       // a[4]: bank of a[3]: waits for it
  h->Offer(MustEncode(Row(m, true, true, 90, 0)));    // a[5]
  ASSERT_TRUE(h->RunUntilIdle(2000));
  const auto& a = h->accept_cycles();
  const auto& d = h->done_cycles();
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[2] - a[1], 1u) << "LOADW into the idle bank accepted at once";
  EXPECT_EQ(a[3] - a[1], m) << "pass on the newly loaded bank follows without a bubble";
  EXPECT_EQ(a[4] - a[3], m) << "LOADW into a bank in use waits for its last vector";
  EXPECT_EQ(a[5] - a[4], N) << "the pass after it waits for its last row";
  EXPECT_EQ(d[3] - a[1] + 1, 2 * m + 2 * N - 1 + kC) << "the load is hidden";
  this->ExpectClean(*h);
}

// Back-to-back 1-pixel passes accumulating into one ACC row: each vector's read collides with
// the previous vector's write (the harness answers such a read with garbage), so the result is
// right only through the forwarding path.
TYPED_TEST(MatrixTest, SameRowChainIsExact) {
  auto h = this->MakeHarness(21);
  h->Offer(Loadw(false, 8));
  for (uint32_t i = 0; i < 200; ++i) h->Offer(MustEncode(Row(1, false, i != 0, 30 + i, 77)));
  ASSERT_TRUE(h->RunUntilIdle(5000));
  EXPECT_EQ(h->read_write_collisions(), 199u);
  // 200 passes, one vector each, at one per cycle.
  EXPECT_EQ(h->done_cycles().back() - h->accept_cycles()[1] + 1, 200 + 2 * TypeParam::N - 1 + kC);
  this->ExpectClean(*h);
}

// The GEMM inner loop: 32 passes of 512 rows over alternating banks, each next tile loaded while
// the previous pass runs. Utilization = MACs / (N * N * cycles) from the first LOADW's
// acceptance to the last done must reach 95 %; the cycle count is exactly the first load
// (N cycles before the first pass can be accepted) plus 32 * 512 + 2N - 1 + kC.
TYPED_TEST(MatrixTest, GemmLoopUtilization) {
  constexpr unsigned N = TypeParam::N;
  constexpr uint32_t kRows = 512, kPasses = 32;
  auto h = this->MakeHarness(8, /*check_done=*/false);
  h->Offer(Loadw(false, 0));
  for (uint32_t p = 0; p < kPasses; ++p) {
    isa::Matmul mm = Row(kRows, p % 2, p != 0, 0, 0);
    mm.in_h = mm.out_h = 16;  // the 512 rows as a 16 x 32 image
    mm.in_w = mm.out_w = kRows / 16;
    h->Offer(MustEncode(mm));
    if (p + 1 < kPasses) h->Offer(Loadw((p + 1) % 2, (p + 1) * N));
  }
  ASSERT_TRUE(h->RunUntilIdle(100000));
  const uint64_t cycles = h->done_cycles().back() - h->accept_cycles().front() + 1;
  const uint64_t macs = h->counts().macs;
  EXPECT_EQ(macs, uint64_t{kRows} * kPasses * N * N);
  EXPECT_EQ(cycles, N + uint64_t{kRows} * kPasses + 2 * N - 1 + kC);
  const double utilization =
      static_cast<double>(macs) / (static_cast<double>(N) * N * static_cast<double>(cycles));
  EXPECT_GE(utilization, 0.95);
  std::printf("%s: GEMM %u rows x %u passes: %llu cycles, utilization %.4f\n", TypeParam::name,
              kRows, kPasses, static_cast<unsigned long long>(cycles), utilization);
  this->ExpectClean(*h);
}

// The handshake assertion is live: an instruction withdrawn while the unit is not ready is
// reported.
TYPED_TEST(MatrixTest, HandshakeAssertionCatchesChangedInstruction) {
  auto h = this->MakeHarness(4);
  auto& m = *this->model_;
  h->Offer(MustEncode(Row(40, false, false, 0, 0)));
  h->Cycle();  // accepted
  isa::Word second = MustEncode(Row(4, false, false, 0, 100));
  SetPortBytes(m.insn_i, second.data(), isa::kWordBytes);
  m.insn_valid_i = 1;
  m.eval();
  ASSERT_FALSE(m.insn_ready_o) << "a second pass must wait for the first";
  Tick(m);
  m.insn_valid_i = 0;  // withdrawn
  m.eval();
  Tick(m);
  EXPECT_GT(this->ctx_.errorCount(), 0) << "InsnHeld did not fire";
}

}  // namespace
}  // namespace aorta::verif
