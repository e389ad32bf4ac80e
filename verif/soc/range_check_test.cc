// aorta_range_check against the golden model: random instructions of every kind, with addresses
// and sizes gathered around the ends of the memories, must give exactly the fault (code and
// ERR_ADDR) that the golden model's datapath checks give (core/golden/datapath.h), or none.
// Also: the cycle count is the documented max(k_h, k_w) + 1 (1 tap cycle for MATMUL and for
// instructions without a window).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "Vrange_check_sim16.h"
#include "Vrange_check_tiny.h"
#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/golden/datapath.h"
#include "core/isa/isa.h"
#include "verif/common/bench.h"
#include "verilated.h"

namespace aorta::verif {
namespace {

struct Tiny {
  using Model = Vrange_check_tiny;
  static constexpr const char* kConfig = "tiny";
};
struct Sim16 {
  using Model = Vrange_check_sim16;
  static constexpr const char* kConfig = "sim16";
};

// Random values that hit the interesting edges of a memory of `rows` rows: 0, the last rows,
// just past the end, far past it, and anything in between.
class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  bool Chance(unsigned one_in) { return Uniform(0, one_in - 1) == 0; }
  // A first row in [0, 2^bits).
  uint32_t Addr(uint64_t rows, unsigned bits) {
    const uint64_t max = (uint64_t{1} << bits) - 1;
    uint64_t v;
    switch (Uniform(0, 5)) {
      case 0:
        v = 0;
        break;
      case 1:
        v = rows - std::min<uint64_t>(rows, Uniform(0, 40));
        break;
      case 2:
        v = rows + Uniform(0, 3);
        break;
      case 3:
        v = Uniform(0, max);
        break;
      default:
        v = Uniform(0, rows - 1);
        break;
    }
    return static_cast<uint32_t>(std::min(v, max));
  }
  // A size in [min, 2^bits), mostly small.
  uint32_t Size(unsigned bits, uint32_t min = 1) {
    const uint64_t max = (uint64_t{1} << bits) - 1;
    if (Chance(16)) return static_cast<uint32_t>(Uniform(min, max));
    return static_cast<uint32_t>(Uniform(min, std::min<uint64_t>(max, 40)));
  }
  int32_t Signed(unsigned bits, int32_t small) {
    if (Chance(8)) {
      const int64_t lim = int64_t{1} << (bits - 1);
      return static_cast<int32_t>(Uniform(0, 2 * lim - 1) - lim);
    }
    return static_cast<int32_t>(Uniform(0, 2 * small)) - small;
  }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

// The window fields MATMUL and DWCONV share.
template <class T>
void RandomWindow(Gen& g, const ChipGeometry& geo, T& x) {
  x.act_addr = g.Addr(geo.ub_rows, 24);
  x.in_h = g.Size(12);
  x.in_w = g.Size(12);
  x.out_h = g.Size(12);
  x.out_w = g.Size(12);
  x.stride_h = g.Size(4);
  x.stride_w = g.Size(4);
  x.y_off = g.Signed(13, 20);
  x.x_off = g.Signed(13, 20);
  x.acc_addr = g.Addr(geo.acc_rows, 20);
}

isa::Insn RandomInsn(Gen& g, const ChipGeometry& geo) {
  using isa::Mem;
  const auto mem = static_cast<Mem>(g.Uniform(0, 4));
  switch (g.Uniform(0, 12)) {
    case 0: {
      isa::DmaLoad d;
      d.mem = mem;
      d.chip_addr = g.Addr(geo.Rows(static_cast<unsigned>(mem)), 24);
      d.rows = g.Size(20);
      d.row_bytes = g.Chance(4) ? g.Size(12)
                                : geo.RowBytes(static_cast<unsigned>(mem)) +
                                      static_cast<uint32_t>(g.Uniform(0, 1)) - 1;
      d.row_bytes = std::max<uint32_t>(d.row_bytes, 1);
      return d;
    }
    case 1: {
      isa::DmaStore d;
      d.mem = mem;
      d.chip_addr = g.Addr(geo.Rows(static_cast<unsigned>(mem)), 24);
      d.rows = g.Size(20);
      d.row_bytes =
          std::max<uint32_t>(1, g.Chance(4) ? g.Size(12)
                                            : geo.RowBytes(static_cast<unsigned>(mem)) + 1 -
                                                  static_cast<uint32_t>(g.Uniform(0, 1)));
      return d;
    }
    case 2: {
      isa::Recv r;
      r.ub_addr = g.Addr(geo.ub_rows, 24);
      r.rows = g.Size(20);
      return r;
    }
    case 3: {
      isa::Send s;
      s.ub_addr = g.Addr(geo.ub_rows, 24);
      s.rows = g.Size(20);
      return s;
    }
    case 4: {
      isa::Loadw l;
      l.wb_addr = g.Addr(geo.wb_rows, 24);
      return l;
    }
    case 5: {
      isa::Matmul m;
      RandomWindow(g, geo, m);
      m.accumulate = g.Chance(2);
      return m;
    }
    case 6: {
      isa::Dwconv d;
      RandomWindow(g, geo, d);
      d.dil_h = g.Size(4);
      d.dil_w = g.Size(4);
      d.k_h = g.Size(4);
      d.k_w = g.Size(4);
      d.wb_addr = g.Addr(geo.wb_rows, 24);
      return d;
    }
    case 7: {
      isa::Postproc p;
      p.acc_addr = g.Addr(geo.acc_rows, 20);
      p.ub_addr = g.Addr(geo.ub_rows, 24);
      p.rows = g.Size(20);
      p.param_addr = g.Addr(geo.param_rows, 16);
      p.lo = -128;
      p.hi = 127;
      p.lut_en = g.Chance(2);
      p.lut_sel = g.Addr(geo.lut_rows, 8);
      return p;
    }
    case 8: {
      isa::VecEltwise e;
      e.op = static_cast<isa::EltOp>(g.Uniform(0, 3));
      e.b_src = static_cast<isa::BSrc>(g.Uniform(0, 2));
      e.a_addr = g.Addr(geo.ub_rows, 24);
      e.b_addr =
          e.b_src == isa::BSrc::kParam ? g.Addr(geo.param_rows, 24) : g.Addr(geo.ub_rows, 24);
      e.out_addr = g.Addr(geo.ub_rows, 24);
      e.rows = g.Size(20);
      e.param_addr = g.Addr(geo.param_rows, 16);
      return e;
    }
    case 9: {
      isa::Pool p;
      p.op = static_cast<isa::PoolOp>(g.Uniform(0, 2));
      p.in_addr = g.Addr(geo.ub_rows, 24);
      p.out_addr = g.Addr(geo.ub_rows, 24);
      p.in_h = g.Size(12);
      p.in_w = g.Size(12);
      p.out_h = g.Size(12);
      p.out_w = g.Size(12);
      p.k_h = g.Chance(16) ? g.Size(8) : static_cast<uint32_t>(g.Uniform(1, 5));
      p.k_w = g.Chance(16) ? g.Size(8) : static_cast<uint32_t>(g.Uniform(1, 5));
      p.stride_h = g.Size(8);
      p.stride_w = g.Size(8);
      p.pad_t = g.Size(8, 0);
      p.pad_l = g.Size(8, 0);
      p.param_addr = g.Addr(geo.param_rows, 16);
      return p;
    }
    case 10: {
      isa::Resize r;
      r.in_addr = g.Addr(geo.ub_rows, 24);
      r.out_addr = g.Chance(4) ? r.in_addr + static_cast<uint32_t>(g.Uniform(0, 8))
                               : g.Addr(geo.ub_rows, 24);
      r.out_addr = std::min<uint32_t>(r.out_addr, (1u << 24) - 1);
      r.in_h = g.Size(12);
      r.in_w = g.Size(12);
      r.scale_h = g.Size(4);
      r.scale_w = g.Size(4);
      return r;
    }
    case 11:
      return isa::Sync{};
    default: {
      isa::Perf p;
      p.slot = static_cast<uint32_t>(g.Uniform(0, 15));
      return p;
    }
  }
}

// The golden model's verdict on the on-chip checks alone (BAD_PARAM is the unit's business and
// counts as "no range fault"). Executing on a scratch state is fine: only the fault matters.
golden::Fault GoldenCheck(golden::ChipState& s, const isa::Insn& insn) {
  golden::Counters c{};
  golden::Fault f = std::visit(
      [&](const auto& x) -> golden::Fault {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, isa::DmaLoad> || std::is_same_v<T, isa::DmaStore>) {
          return golden::CheckDmaRows(s, x.mem, x.chip_addr, x.rows, x.row_bytes);
        } else if constexpr (std::is_same_v<T, isa::Recv> || std::is_same_v<T, isa::Send>) {
          return golden::CheckLinkRows(s, x.ub_addr, x.rows);
        } else if constexpr (std::is_same_v<T, isa::Loadw>) {
          return golden::ExecLoadw(s, x, c);
        } else if constexpr (std::is_same_v<T, isa::Matmul>) {
          return golden::ExecMatmul(s, x, c);
        } else if constexpr (std::is_same_v<T, isa::Dwconv>) {
          return golden::ExecDwconv(s, x, c);
        } else if constexpr (std::is_same_v<T, isa::Postproc>) {
          return golden::ExecPostproc(s, x, c);
        } else if constexpr (std::is_same_v<T, isa::VecEltwise>) {
          return golden::ExecVecEltwise(s, x, c);
        } else if constexpr (std::is_same_v<T, isa::Pool>) {
          return golden::ExecPool(s, x, c);
        } else if constexpr (std::is_same_v<T, isa::Resize>) {
          return golden::ExecResize(s, x, c);
        } else {
          return golden::Fault{};
        }
      },
      insn);
  if (f.code == regs::ErrCode::kBadParam) return {};
  return f;
}

template <class Config>
class RangeCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = LoadChipConfig(Config::kConfig);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    geo_ = GeometryOf(*c);
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);
    ctx_->randReset(2);
    m_ = std::make_unique<typename Config::Model>(ctx_.get());
    m_->start_i = 0;
    Reset(*m_);
  }

  struct CheckResult {
    uint32_t code = 0;
    uint64_t addr = 0;
    unsigned cycles = 0;
  };

  CheckResult Check(const isa::Insn& insn) {
    Result<isa::Word> w = isa::Encode(insn);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    for (unsigned i = 0; i < 8; ++i)
      m_->insn_i[i] = static_cast<uint32_t>((*w)[i / 2] >> (32 * (i % 2)));
    m_->start_i = 1;
    Tick(*m_);
    m_->start_i = 0;
    CheckResult r;
    r.cycles = 1;
    while (!m_->done_o && r.cycles < 1000) {
      Tick(*m_);
      ++r.cycles;
    }
    EXPECT_TRUE(m_->done_o) << "no done_o after 1000 cycles";
    r.code = m_->code_o;
    r.addr = m_->addr_o;
    Tick(*m_);  // back to Idle
    return r;
  }

  ChipGeometry geo_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<typename Config::Model> m_;
};

using Configs = ::testing::Types<Tiny, Sim16>;
class ConfigNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, Tiny> ? "Tiny" : "Sim16";
  }
};
TYPED_TEST_SUITE(RangeCheckTest, Configs, ConfigNames);

TYPED_TEST(RangeCheckTest, RandomInstructionsMatchGolden) {
  Gen g(1234);
  golden::ChipState state(this->geo_);
  unsigned faults = 0, clean = 0;
  for (int i = 0; i < 4000; ++i) {
    isa::Insn insn = RandomInsn(g, this->geo_);
    golden::Fault want = GoldenCheck(state, insn);
    auto got = this->Check(insn);
    ASSERT_EQ(got.code, static_cast<uint32_t>(want.code)) << isa::Disassemble(insn);
    ASSERT_EQ(got.addr, want.code == regs::ErrCode::kChipRange ? want.addr : 0)
        << isa::Disassemble(insn);
    (want.ok() ? clean : faults)++;
  }
  // Both outcomes are well represented.
  EXPECT_GT(faults, 1000u);
  EXPECT_GT(clean, 1000u);
  EXPECT_EQ(this->ctx_->gotError(), false);
}

TYPED_TEST(RangeCheckTest, CyclesAreTapsPlusOne) {
  isa::Dwconv d;
  d.k_h = 3;
  d.k_w = 7;
  EXPECT_EQ(this->Check(d).cycles, 7u + 1u);
  isa::Matmul m;
  EXPECT_EQ(this->Check(m).cycles, 2u);
  isa::Postproc p;
  EXPECT_EQ(this->Check(p).cycles, 2u);
  isa::Pool pool;
  pool.k_h = 200;
  pool.k_w = 2;
  EXPECT_EQ(this->Check(pool).cycles, 201u);
}

TYPED_TEST(RangeCheckTest, ReportsTheFirstFailingRegion) {
  // POSTPROC: ACC is checked before UB: both out of range reports ACC.
  isa::Postproc p;
  p.acc_addr = static_cast<uint32_t>(this->geo_.acc_rows);
  p.ub_addr = static_cast<uint32_t>(this->geo_.ub_rows) + 5;
  auto r = this->Check(p);
  EXPECT_EQ(r.code, static_cast<uint32_t>(regs::ErrCode::kChipRange));
  EXPECT_EQ(r.addr, this->geo_.acc_rows | (uint64_t{2} << 56));
  // VEC_ELTWISE: the op record (PARAM) comes first.
  isa::VecEltwise e;
  e.a_addr = static_cast<uint32_t>(this->geo_.ub_rows);
  e.param_addr = static_cast<uint32_t>(this->geo_.param_rows) + 1;
  r = this->Check(e);
  EXPECT_EQ(r.addr, (this->geo_.param_rows + 1) | (uint64_t{3} << 56));
  // A DMA row wider than the memory's row is BAD_FIELD before any range.
  isa::DmaLoad d;
  d.mem = isa::Mem::kAcc;
  d.row_bytes = 4 * this->geo_.n + 1;
  d.chip_addr = static_cast<uint32_t>(this->geo_.acc_rows);
  r = this->Check(d);
  EXPECT_EQ(r.code, static_cast<uint32_t>(regs::ErrCode::kBadField));
}

}  // namespace
}  // namespace aorta::verif
