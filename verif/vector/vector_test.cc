// Test bench of rtl/aorta_vector_unit.sv (DWCONV, POSTPROC, VEC_ELTWISE, POOL, RESIZE) against
// the golden datapath (core/golden/datapath.h), the independent model.
//
// The unit is verilated once per config (tiny: N = 8, sim16: N = 16; N and the memory sizes from
// the config's textproto) and every test runs on both. The bench owns C++ memories with the
// contract's timing: a read issued in cycle c (re high at the edge that ends c) presents its row
// in cycle c + 1, a write takes effect at that edge; a read of a row written in the same cycle,
// and a read port in a cycle that follows no read, carry random bytes (the contract leaves them
// undefined). A second ChipState, the reference, executes each instruction with the golden
// model when the unit accepts it. At each done pulse the bench checks, for the instruction that
// completes: err_o / err_row_o against the golden fault (BAD_PARAM and its row, or none), the
// perf counts the unit reported since acceptance against the golden counters' increase, and the
// UB and ACC rows the random instructions use against the reference. No SV assertion may fire.
//
// Cycle counts asserted (docs/rtl.md, "Vector unit"): from the cycle an instruction is accepted
// to its done pulse, both counted, an instruction takes issue + nparam + 6 cycles, where issue
// is the number of issue cycles (POSTPROC, VEC_ELTWISE UB_BCAST / PARAM, RESIZE: one per row /
// output pixel; VEC_ELTWISE UB_ROWS: two per row; DWCONV, POOL: k_h*k_w per output pixel) and
// nparam the PARAM rows it reads (POSTPROC 3, VEC_ELTWISE 1, or 2 with a PARAM operand, POOL
// AVG / AVG_PAD 1, else 0). The next instruction is accepted in the cycle of the done pulse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "Vaorta_vector_unit_sim16.h"
#include "Vaorta_vector_unit_tiny.h"
#include "core/config.h"
#include "core/golden/datapath.h"
#include "core/isa/extents.h"
#include "core/isa/isa.h"
#include "verif/common/bench.h"
#include "verilated.h"

struct Tiny {
  using Model = Vaorta_vector_unit_tiny;
  static constexpr unsigned N = AORTA_TINY_N;
  static constexpr const char* name = "tiny";
};
struct Sim16 {
  using Model = Vaorta_vector_unit_sim16;
  static constexpr unsigned N = AORTA_SIM16_N;
  static constexpr const char* name = "sim16";
};

namespace aorta::verif {
namespace {

using golden::ChipState;
using isa::Mem;
using regs::Counter;

// Little-endian bytes into / out of a packed port: an integer up to 64 bits, or a VlWide of
// 32-bit words (both little-endian on the host, as the lanes are).
template <class Port>
void ToPort(Port& port, const void* bytes, size_t count) {
  if constexpr (std::is_integral_v<Port>) {
    Port v = 0;
    std::memcpy(&v, bytes, count);
    port = v;
  } else {
    std::memcpy(port.data(), bytes, count);
  }
}
template <class Port>
void FromPort(const Port& port, void* bytes, size_t count) {
  if constexpr (std::is_integral_v<Port>) {
    std::memcpy(bytes, &port, count);
  } else {
    std::memcpy(bytes, port.data(), count);
  }
}

// The perf counts of the vector unit's ports, summed.
struct Counts {
  uint64_t vec_macs = 0, ub_rd = 0, ub_wr = 0, wb_rd = 0, acc_rd = 0, acc_wr = 0;
  bool operator==(const Counts&) const = default;
  Counts operator-(const Counts& o) const {
    return {vec_macs - o.vec_macs, ub_rd - o.ub_rd,   ub_wr - o.ub_wr,
            wb_rd - o.wb_rd,       acc_rd - o.acc_rd, acc_wr - o.acc_wr};
  }
};
Counts GoldenCounts(const golden::Counters& c) {
  auto at = [&](Counter k) { return c[static_cast<size_t>(k)]; };
  return {at(Counter::kVecMacs),   at(Counter::kUbRdBytes),  at(Counter::kUbWrBytes),
          at(Counter::kWbRdBytes), at(Counter::kAccRdBytes), at(Counter::kAccWrBytes)};
}
std::string ToString(const Counts& c) {
  return "vec_macs " + std::to_string(c.vec_macs) + " ub_rd " + std::to_string(c.ub_rd) +
         " ub_wr " + std::to_string(c.ub_wr) + " wb_rd " + std::to_string(c.wb_rd) + " acc_rd " +
         std::to_string(c.acc_rd) + " acc_wr " + std::to_string(c.acc_wr);
}

// The golden model's execution of one vector instruction.
golden::Fault ExecGolden(ChipState& s, const isa::Insn& insn, golden::Counters& c) {
  return std::visit(
      [&](const auto& x) -> golden::Fault {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, isa::Dwconv>) return golden::ExecDwconv(s, x, c);
        if constexpr (std::is_same_v<T, isa::Postproc>) return golden::ExecPostproc(s, x, c);
        if constexpr (std::is_same_v<T, isa::VecEltwise>) return golden::ExecVecEltwise(s, x, c);
        if constexpr (std::is_same_v<T, isa::Pool>) return golden::ExecPool(s, x, c);
        if constexpr (std::is_same_v<T, isa::Resize>) return golden::ExecResize(s, x, c);
        ADD_FAILURE() << "not a vector instruction: " << isa::Disassemble(x);
        return golden::BadField();
      },
      insn);
}

ChipGeometry GeometryOfConfig(const char* name) {
  const auto cfg = LoadChipConfig(name);
  EXPECT_TRUE(cfg.ok()) << "config " << name;
  return cfg.ok() ? GeometryOf(*cfg) : ChipGeometry{};
}

// Rows the random instructions use (their reads and writes stay inside; the checks at every done
// compare these rows).
constexpr uint64_t kUbWindow = 4096;
constexpr uint64_t kAccWindow = 512;
constexpr uint64_t kWbWindow = 512;

// A completed instruction's timing and result.
struct Completion {
  isa::Insn insn;
  uint64_t accept_cycle = 0;
  uint64_t done_cycle = 0;
  bool err = false;
  uint32_t err_row = 0;
};

template <class Cfg>
class VectorBench {
 public:
  using Model = typename Cfg::Model;

  explicit VectorBench(uint32_t seed)
      : g_(GeometryOfConfig(Cfg::name)), n_(g_.n), rng_(seed), mem_(g_), ref_(g_) {
    ctx_.fatalOnError(false);  // an SV assertion counts an error; the tests check the count
    ctx_.randReset(2);         // flops without reset start random
    ctx_.randSeed(static_cast<int>(seed % 1000000));
    m_ = std::make_unique<Model>(&ctx_);
    ub_next_.assign(n_, 0);
    wb_next_.assign(n_, 0);
    acc_next_.assign(4 * n_, 0);
    param_next_.assign(4 * n_, 0);
    lut_next_.assign(256, 0);
    m_->insn_valid_i = 0;
    Reset(*m_);
    m_->eval();
  }
  ~VectorBench() { m_->final(); }

  uint32_t n() const { return n_; }
  const ChipGeometry& geometry() const { return g_; }
  std::mt19937& rng() { return rng_; }
  VerilatedContext& context() { return ctx_; }
  ChipState& mem() { return mem_; }  // the unit's memories; Sync() copies them to the reference
  void Sync() { ref_ = mem_; }
  // The PARAM rows only (the generator's records), into the reference.
  void SyncParam() { std::memcpy(ref_.Param(0), mem_.Param(0), mem_.Rows(Mem::kParam) * 4 * n_); }
  const std::vector<Completion>& completions() const { return completions_; }
  const std::vector<std::string>& failures() const { return failures_; }
  uint64_t cycle() const { return cycle_; }
  Model& model() { return *m_; }
  // One cycle of the bench (memories, checks) with whatever is queued.
  void Step() { Cycle(); }

  // Random contents for every memory (int8 extremes often; ACC values of every magnitude).
  void RandomizeMemories() {
    for (Mem mem : {Mem::kUb, Mem::kWb, Mem::kLut}) {
      for (uint64_t r = 0; r < mem_.Rows(mem); ++r) {
        for (auto& b : mem_.Row(mem, r)) b = static_cast<uint8_t>(RandomInt8(rng_));
      }
    }
    for (uint64_t r = 0; r < mem_.Rows(Mem::kAcc); ++r) {
      for (uint32_t l = 0; l < n_; ++l) mem_.Acc(r)[l] = RandomAcc();
    }
    for (uint64_t r = 0; r < mem_.Rows(Mem::kParam); ++r) {
      for (uint32_t l = 0; l < n_; ++l) mem_.Param(r)[l] = static_cast<int32_t>(rng_());
    }
    Sync();
  }

  // An ACC value: small (|v| < 2^16) half the time, else any int32, with the extremes.
  int32_t RandomAcc() {
    const unsigned pick = rng_() % 16;
    if (pick == 0) return INT32_MIN;
    if (pick == 1) return INT32_MAX;
    if (pick < 9) return static_cast<int32_t>(rng_() % 131072) - 65536;
    return static_cast<int32_t>(rng_());
  }

  void Offer(const isa::Insn& insn) {
    auto w = isa::Encode(insn);
    if (!w.ok()) {
      Fail("encode: " + w.status().ToString());
      return;
    }
    queue_.push_back({insn, *w});
  }
  // Probability that the feeder holds its next instruction back for a cycle.
  void SetGapRate(double p) { gap_rate_ = p; }

  // Cycles until everything offered is done (bounded).
  bool RunUntilIdle(uint64_t limit = 2000000) {
    for (uint64_t i = 0; i < limit; ++i) {
      if (queue_.empty() && inflight_.empty() && m_->idle_o) return true;
      Cycle();
    }
    Fail("not idle after " + std::to_string(limit) + " cycles");
    return false;
  }

  // The whole UB and ACC of the unit against the reference.
  void CheckAllMemories() {
    CompareRows(Mem::kUb, mem_.Rows(Mem::kUb));
    CompareRows(Mem::kAcc, mem_.Rows(Mem::kAcc));
  }

  // Runs one instruction alone and returns its completion.
  Completion RunOne(const isa::Insn& insn) {
    Offer(insn);
    RunUntilIdle();
    return completions_.empty() ? Completion{} : completions_.back();
  }

  void Fail(const std::string& what) {
    if (failures_.size() < 20) failures_.push_back("cycle " + std::to_string(cycle_) + ": " + what);
  }

 private:
  struct Queued {
    isa::Insn insn;
    isa::Word word;
  };
  struct InFlight {
    isa::Insn insn;
    golden::Fault fault;
    Counts expected;
    Counts at_accept;
    uint64_t accept_cycle;
  };

  void Cycle() {
    // An offer, once made, is held until accepted (the contract); gaps come before offers.
    const bool offer =
        !queue_.empty() &&
        (offering_ || gap_rate_ == 0 || std::uniform_real_distribution<>(0, 1)(rng_) >= gap_rate_);
    offering_ = offer;
    m_->insn_valid_i = offer;
    if (offer) ToPort(m_->insn_i, queue_.front().word.data(), isa::kWordBytes);
    m_->eval();

    counts_.vec_macs += m_->macs_o;
    counts_.ub_rd += m_->ub_rd_bytes_o;
    counts_.ub_wr += m_->ub_wr_bytes_o;
    counts_.wb_rd += m_->wb_rd_bytes_o;
    counts_.acc_rd += m_->acc_rd_bytes_o;
    counts_.acc_wr += m_->acc_wr_bytes_o;
    if (m_->array_busy_o) Fail("array_busy_o is high in the vector unit");

    // This cycle's reads (presented next cycle), then its writes.
    ReadPort(m_->ub_re_o, Mem::kUb, m_->ub_raddr_o, m_->ub_we_o, m_->ub_waddr_o, ub_next_);
    ReadPort(m_->wb_re_o, Mem::kWb, m_->wb_raddr_o, false, 0, wb_next_);
    ReadPort(m_->acc_re_o, Mem::kAcc, m_->acc_raddr_o, m_->acc_we_o, m_->acc_waddr_o, acc_next_);
    ReadPort(m_->param_re_o, Mem::kParam, m_->param_raddr_o, false, 0, param_next_);
    ReadPort(m_->lut_re_o, Mem::kLut, m_->lut_raddr_o, false, 0, lut_next_);
    if (m_->ub_we_o && InRange(Mem::kUb, m_->ub_waddr_o)) {
      FromPort(m_->ub_wdata_o, mem_.Ub(m_->ub_waddr_o), n_);
    }
    if (m_->acc_we_o && InRange(Mem::kAcc, m_->acc_waddr_o)) {
      FromPort(m_->acc_wdata_o, mem_.Acc(m_->acc_waddr_o), 4 * n_);
    }

    if (m_->done_o) Done();
    if (offer && m_->insn_ready_o) Accept();

    Tick(*m_);
    ++cycle_;
    ToPort(m_->ub_rdata_i, ub_next_.data(), n_);
    ToPort(m_->wb_rdata_i, wb_next_.data(), n_);
    ToPort(m_->acc_rdata_i, acc_next_.data(), 4 * n_);
    ToPort(m_->param_rdata_i, param_next_.data(), 4 * n_);
    ToPort(m_->lut_rdata_i, lut_next_.data(), 256);
  }

  bool InRange(Mem mem, uint64_t row) {
    if (row < mem_.Rows(mem)) return true;
    Fail("row " + std::to_string(row) + " outside memory " + std::to_string(static_cast<int>(mem)));
    return false;
  }

  // The data a read port presents next cycle: the row, or garbage after no read or when the
  // same row is written in the same cycle.
  void ReadPort(bool re, Mem mem, uint64_t raddr, bool we, uint64_t waddr,
                std::vector<uint8_t>& next) {
    if (re && InRange(mem, raddr) && !(we && waddr == raddr)) {
      auto row = mem_.Row(mem, raddr);
      std::copy(row.begin(), row.end(), next.begin());
    } else {
      // Garbage: a 64-bit LCG seeded from the bench's generator (cheap for 256-byte rows).
      uint64_t x = rng_();
      for (size_t i = 0; i < next.size(); i += 8) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        std::memcpy(next.data() + i, &x, std::min<size_t>(8, next.size() - i));
      }
    }
  }

  void Accept() {
    offering_ = false;
    InFlight f{queue_.front().insn, {}, {}, counts_, cycle_};
    queue_.pop_front();
    golden::Counters before = ref_counters_;
    f.fault = ExecGolden(ref_, f.insn, ref_counters_);
    f.expected = GoldenCounts(ref_counters_) - GoldenCounts(before);
    if (!f.fault.ok() && f.fault.code != regs::ErrCode::kBadParam) {
      Fail("the bench offered an instruction that faults other than BAD_PARAM: " +
           isa::Disassemble(f.insn));
    }
    inflight_.push_back(f);
  }

  void Done() {
    if (inflight_.empty()) {
      Fail("done without an instruction in flight");
      return;
    }
    const InFlight f = inflight_.front();
    inflight_.pop_front();
    const std::string what = isa::Disassemble(f.insn);
    const bool bad = !f.fault.ok();
    if (m_->err_o != bad) Fail("err_o " + std::to_string(m_->err_o) + " for " + what);
    if (bad && m_->err_o && m_->err_row_o != f.fault.addr) {
      Fail("err_row_o " + std::to_string(m_->err_row_o) + ", golden " +
           std::to_string(f.fault.addr) + " for " + what);
    }
    const Counts got = counts_ - f.at_accept;
    if (!(got == f.expected)) {
      Fail("perf counts " + ToString(got) + ", golden " + ToString(f.expected) + " for " + what);
    }
    if (!inflight_.empty()) Fail("more than one instruction in flight at a done");
    CompareRows(Mem::kUb, std::min(kUbWindow, mem_.Rows(Mem::kUb)), what);
    CompareRows(Mem::kAcc, std::min(kAccWindow, mem_.Rows(Mem::kAcc)), what);
    completions_.push_back(
        {f.insn, f.accept_cycle, cycle_, static_cast<bool>(m_->err_o), m_->err_row_o});
  }

  void CompareRows(Mem mem, uint64_t rows, const std::string& what = "") {
    for (uint64_t r = 0; r < rows; ++r) {
      auto a = mem_.Row(mem, r);
      auto b = ref_.Row(mem, r);
      if (!std::equal(a.begin(), a.end(), b.begin())) {
        Fail("row " + std::to_string(r) + " of memory " + std::to_string(static_cast<int>(mem)) +
             " differs from the golden model after " + what);
        return;
      }
    }
  }

  VerilatedContext ctx_;
  std::unique_ptr<Model> m_;
  ChipGeometry g_;
  uint32_t n_;
  std::mt19937 rng_;
  ChipState mem_, ref_;
  golden::Counters ref_counters_{};
  Counts counts_;
  std::deque<Queued> queue_;
  std::deque<InFlight> inflight_;
  std::vector<Completion> completions_;
  std::vector<std::string> failures_;
  std::vector<uint8_t> ub_next_, wb_next_, acc_next_, param_next_, lut_next_;
  double gap_rate_ = 0;
  bool offering_ = false;
  uint64_t cycle_ = 0;
};

// ---- Random instructions -------------------------------------------------------------------

// Uniform in [lo, hi].
int64_t Uniform(std::mt19937& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
bool OneIn(std::mt19937& rng, unsigned k) { return rng() % k == 0; }

// A multiplier: mostly a Q31 value in [2^30, 2^31), else negative, zero, small or extreme.
int32_t RandomMult(std::mt19937& rng) {
  switch (rng() % 8) {
    case 0:
      return INT32_MIN;
    case 1:
      return INT32_MAX;
    case 2:
      return static_cast<int32_t>(Uniform(rng, -1000, 1000));
    case 3:
      return static_cast<int32_t>(rng());
    default:
      return static_cast<int32_t>(Uniform(rng, int64_t{1} << 30, (int64_t{1} << 31) - 1));
  }
}

// A value that is not an int8 (for BAD_PARAM records).
int32_t NotInt8(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0:
      return 128;
    case 1:
      return -129;
    case 2:
      return INT32_MIN;
    default:
      return static_cast<int32_t>(Uniform(rng, 200, 1 << 30));
  }
}

// Clamp bounds of an op record (int32 in PARAM): mostly an int8 interval, sometimes beyond int8,
// reversed, or entirely below -128.
void RandomBounds(std::mt19937& rng, int32_t* lo, int32_t* hi) {
  int32_t a = RandomInt8(rng), b = RandomInt8(rng);
  switch (rng() % 8) {
    case 0:
      *lo = -1000;
      *hi = 1000;
      return;
    case 1:
      *lo = b;
      *hi = static_cast<int32_t>(Uniform(rng, -100000, -129));
      return;
    case 2:
      *lo = std::max(a, b);
      *hi = std::min(a, b);
      return;
    default:
      *lo = std::min(a, b);
      *hi = std::max(a, b);
      return;
  }
}

// Builds random instructions whose rows lie inside the windows; PARAM rows are taken in turn
// from `next_param` (so that the instructions of one sequence do not share records), and the
// records are written into `mem`. One record in `bad_rate` is BAD_PARAM.
class InsnGen {
 public:
  InsnGen(std::mt19937& rng, ChipState& mem, unsigned bad_rate)
      : rng_(rng), mem_(mem), n_(mem.n()), bad_rate_(bad_rate) {
    ub_rows_ = std::min(kUbWindow, mem.Rows(Mem::kUb));
    acc_rows_ = std::min(kAccWindow, mem.Rows(Mem::kAcc));
    wb_rows_ = std::min(kWbWindow, mem.Rows(Mem::kWb));
    next_param_ = static_cast<uint64_t>(Uniform(rng, 0, static_cast<int64_t>(ParamRows() - 1)));
  }

  isa::Insn Random() {
    switch (rng_() % 5) {
      case 0:
        return Postproc();
      case 1:
        return Eltwise();
      case 2:
        return Pool();
      case 3:
        return Dwconv();
      default:
        return Resize();
    }
  }

  isa::Postproc Postproc() {
    isa::Postproc p;
    p.rows = static_cast<uint32_t>(OneIn(rng_, 8) ? 1 : Uniform(rng_, 1, 48));
    p.acc_addr = static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(acc_rows_ - p.rows)));
    p.ub_addr = static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(ub_rows_ - p.rows)));
    p.param_addr = static_cast<uint32_t>(Param(3));
    int32_t* bias = mem_.Param(p.param_addr);
    int32_t* mult = mem_.Param(p.param_addr + 1);
    int32_t* shift = mem_.Param(p.param_addr + 2);
    for (uint32_t l = 0; l < n_; ++l) {
      bias[l] = OneIn(rng_, 4) ? static_cast<int32_t>(rng_())
                               : static_cast<int32_t>(Uniform(rng_, -70000, 70000));
      mult[l] = RandomMult(rng_);
      const unsigned pick = rng_() % 8;
      shift[l] = pick == 0 ? -30 : pick == 1 ? 31 : static_cast<int32_t>(Uniform(rng_, -30, 31));
    }
    if (Bad()) {
      const int32_t wrong[] = {-31, 32, INT32_MIN, INT32_MAX, 1000};
      shift[rng_() % n_] = wrong[rng_() % 5];
    }
    p.out_zp = RandomInt8(rng_);
    int32_t a = RandomInt8(rng_), b = RandomInt8(rng_);
    p.lo = OneIn(rng_, 4) ? a : std::min(a, b);
    p.hi = OneIn(rng_, 4) ? b : std::max(a, b);
    p.leaky = OneIn(rng_, 2);
    p.alpha_mult = static_cast<int32_t>(Uniform(rng_, -32768, 32767));
    p.alpha_shift = static_cast<uint32_t>(Uniform(rng_, 0, 31));
    p.lut_en = OneIn(rng_, 2);
    p.lut_sel =
        static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(mem_.Rows(Mem::kLut) - 1)));
    return p;
  }

  isa::VecEltwise Eltwise() {
    isa::VecEltwise e;
    e.op = static_cast<isa::EltOp>(rng_() % 4);
    e.b_src = static_cast<isa::BSrc>(rng_() % 3);
    e.rows = static_cast<uint32_t>(OneIn(rng_, 8) ? 1 : Uniform(rng_, 1, 40));
    const int64_t span = static_cast<int64_t>(ub_rows_ - e.rows);
    e.a_addr = static_cast<uint32_t>(Uniform(rng_, 8, span - 8));
    // The output aliases a often: in place, or a few rows before / after it.
    switch (rng_() % 6) {
      case 0:
      case 1:
        e.out_addr = e.a_addr;
        break;
      case 2:
        e.out_addr = static_cast<uint32_t>(e.a_addr + Uniform(rng_, -3, 3));
        break;
      default:
        e.out_addr = static_cast<uint32_t>(Uniform(rng_, 0, span));
    }
    switch (e.b_src) {
      case isa::BSrc::kUbRows:
        e.b_addr = OneIn(rng_, 3) ? static_cast<uint32_t>(std::clamp<int64_t>(
                                        e.out_addr + Uniform(rng_, -3, 3), 0, span))
                                  : static_cast<uint32_t>(Uniform(rng_, 0, span));
        break;
      case isa::BSrc::kUbBcast:
        // Inside the output region one time in three: the broadcast row changes mid-way.
        e.b_addr = OneIn(rng_, 3) ? static_cast<uint32_t>(e.out_addr + Uniform(rng_, 0, e.rows - 1))
                                  : static_cast<uint32_t>(Uniform(rng_, 0, span));
        break;
      case isa::BSrc::kParam: {
        e.b_addr = static_cast<uint32_t>(Param(1));
        int32_t* b = mem_.Param(e.b_addr);
        for (uint32_t l = 0; l < n_; ++l) b[l] = RandomInt8(rng_);
        if (Bad()) b[rng_() % n_] = NotInt8(rng_);
        break;
      }
    }
    e.param_addr = static_cast<uint32_t>(Param(1));
    int32_t* rec = mem_.Param(e.param_addr);
    rec[0] = RandomMult(rng_);
    rec[1] = RandomMult(rng_);
    rec[2] =
        static_cast<int32_t>(OneIn(rng_, 8) ? (OneIn(rng_, 2) ? 0 : 62) : Uniform(rng_, 20, 50));
    rec[3] = RandomInt8(rng_);
    rec[4] = RandomInt8(rng_);
    rec[5] = RandomInt8(rng_);
    RandomBounds(rng_, &rec[6], &rec[7]);
    if (Bad()) {
      const int field = static_cast<int>(rng_() % 4);
      rec[field == 0 ? 2 : 2 + field] = field == 0 ? (OneIn(rng_, 2) ? -1 : 63) : NotInt8(rng_);
    }
    return e;
  }

  // A VEC_ELTWISE with operand b from `src`, rows a / out / b (a UB row unless src is PARAM,
  // which keeps the record row of its own) given.
  isa::VecEltwise Eltwise(isa::BSrc src, uint32_t rows, uint32_t a, uint32_t out, uint32_t b) {
    isa::VecEltwise e = Eltwise();
    while (e.b_src != src) e = Eltwise();
    e.rows = rows;
    e.a_addr = a;
    e.out_addr = out;
    if (src != isa::BSrc::kParam) e.b_addr = b;
    return e;
  }

  isa::Pool Pool() {
    isa::Pool p;
    p.op = static_cast<isa::PoolOp>(rng_() % 3);
    p.in_h = static_cast<uint32_t>(Uniform(rng_, 1, 10));
    p.in_w = static_cast<uint32_t>(Uniform(rng_, 1, 10));
    if (OneIn(rng_, 8)) {
      // Global pooling: the window is the image.
      p.k_h = p.in_h;
      p.k_w = p.in_w;
      p.out_h = p.out_w = 1;
    } else {
      p.k_h = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 8) ? 12 : 4));
      p.k_w = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 8) ? 12 : 4));
      p.out_h = static_cast<uint32_t>(Uniform(rng_, 1, 6));
      p.out_w = static_cast<uint32_t>(Uniform(rng_, 1, 6));
    }
    p.stride_h = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 8) ? 9 : 3));
    p.stride_w = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 8) ? 9 : 3));
    p.pad_t = static_cast<uint32_t>(Uniform(rng_, 0, OneIn(rng_, 16) ? 20 : 2));
    p.pad_l = static_cast<uint32_t>(Uniform(rng_, 0, OneIn(rng_, 16) ? 20 : 2));
    const int64_t in_px = int64_t{p.in_h} * p.in_w;
    const int64_t out_px = int64_t{p.out_h} * p.out_w;
    p.in_addr = static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(ub_rows_) - in_px));
    // The output overlaps the input one time in four (raster order: earlier outputs are seen).
    p.out_addr =
        OneIn(rng_, 4)
            ? static_cast<uint32_t>(std::clamp<int64_t>(p.in_addr + Uniform(rng_, -out_px, in_px),
                                                        0, static_cast<int64_t>(ub_rows_) - out_px))
            : static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(ub_rows_) - out_px));
    p.param_addr = static_cast<uint32_t>(Param(1));
    int32_t* rec = mem_.Param(p.param_addr);
    rec[0] = OneIn(rng_, 2) ? static_cast<int32_t>(Uniform(rng_, 1, 1 << 16)) : RandomMult(rng_);
    rec[1] =
        static_cast<int32_t>(OneIn(rng_, 8) ? (OneIn(rng_, 2) ? 0 : 40) : Uniform(rng_, 0, 34));
    rec[2] = RandomInt8(rng_);
    rec[3] = RandomInt8(rng_);
    RandomBounds(rng_, &rec[4], &rec[5]);
    if (p.op != isa::PoolOp::kMax && Bad()) {
      const int field = static_cast<int>(rng_() % 3);
      rec[1 + field] = field == 0 ? (OneIn(rng_, 2) ? -1 : 41) : NotInt8(rng_);
    }
    return p;
  }

  isa::Dwconv Dwconv() {
    isa::Dwconv d;
    d.in_h = static_cast<uint32_t>(Uniform(rng_, 1, 10));
    d.in_w = static_cast<uint32_t>(Uniform(rng_, 1, 10));
    d.k_h = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 5));
    d.k_w = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 5));
    d.out_h = static_cast<uint32_t>(Uniform(rng_, 1, 6));
    d.out_w = static_cast<uint32_t>(Uniform(rng_, 1, 6));
    d.stride_h = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 3));
    d.stride_w = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 3));
    d.dil_h = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 3));
    d.dil_w = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 3));
    // Offsets around the image; one time in sixteen far outside (every tap reads pad_value).
    d.y_off =
        static_cast<int32_t>(OneIn(rng_, 16) ? Uniform(rng_, -4096, 4095) : Uniform(rng_, -4, 3));
    d.x_off =
        static_cast<int32_t>(OneIn(rng_, 16) ? Uniform(rng_, -4096, 4095) : Uniform(rng_, -4, 3));
    d.pad_value = RandomInt8(rng_);
    d.accumulate = OneIn(rng_, 2);
    const int64_t in_px = int64_t{d.in_h} * d.in_w;
    const int64_t out_px = int64_t{d.out_h} * d.out_w;
    d.act_addr = static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(ub_rows_) - in_px));
    d.wb_addr = static_cast<uint32_t>(
        Uniform(rng_, 0, static_cast<int64_t>(wb_rows_) - int64_t{d.k_h} * d.k_w));
    d.acc_addr = static_cast<uint32_t>(Uniform(rng_, 0, static_cast<int64_t>(acc_rows_) - out_px));
    return d;
  }

  isa::Resize Resize() {
    isa::Resize r;
    r.in_h = static_cast<uint32_t>(Uniform(rng_, 1, 8));
    r.in_w = static_cast<uint32_t>(Uniform(rng_, 1, 8));
    r.scale_h = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 4));
    r.scale_w = static_cast<uint32_t>(Uniform(rng_, 1, OneIn(rng_, 16) ? 15 : 4));
    const int64_t rows = static_cast<int64_t>(ub_rows_);
    const int64_t in_px = int64_t{r.in_h} * r.in_w;
    while (in_px * (1 + r.scale_h * r.scale_w) > rows) r.scale_h = r.scale_w = 1;
    const int64_t out_px = in_px * r.scale_h * r.scale_w;
    // Input first or output first, never overlapping (that is BAD_FIELD, the shell's check).
    const int64_t first = Uniform(rng_, 0, rows - in_px - out_px);
    if (OneIn(rng_, 2)) {
      r.in_addr = static_cast<uint32_t>(first);
      r.out_addr = static_cast<uint32_t>(Uniform(rng_, first + in_px, rows - out_px));
    } else {
      r.out_addr = static_cast<uint32_t>(first);
      r.in_addr = static_cast<uint32_t>(Uniform(rng_, first + out_px, rows - in_px));
    }
    return r;
  }

 private:
  uint64_t ParamRows() const { return mem_.Rows(Mem::kParam); }
  // `count` consecutive PARAM rows, the next ones in turn (wrapping).
  uint64_t Param(uint64_t count) {
    if (next_param_ + count > ParamRows()) next_param_ = 0;
    const uint64_t r = next_param_;
    next_param_ += count;
    return r;
  }
  bool Bad() { return bad_rate_ != 0 && OneIn(rng_, bad_rate_); }

  std::mt19937& rng_;
  ChipState& mem_;
  uint32_t n_;
  unsigned bad_rate_;
  uint64_t ub_rows_, acc_rows_, wb_rows_;
  uint64_t next_param_;
};

// ---- Timing model (docs/rtl.md, "Vector unit") ------------------------------------------------

// Issue cycles, PARAM rows read, and whether the instruction's UB output can overlap a UB row
// it reads (then the unit may stall for read-after-write and take longer).
struct Timing {
  uint64_t issue = 0;
  uint64_t nparam = 0;
  bool may_stall = false;
};

bool Overlap(uint64_t a, uint64_t a_rows, uint64_t b, uint64_t b_rows) {
  return a < b + b_rows && b < a + a_rows;
}

Timing TimingOf(const isa::Insn& insn) {
  Timing t;
  if (const auto* p = std::get_if<isa::Postproc>(&insn)) {
    t.issue = p->rows;
    t.nparam = 3;
  } else if (const auto* e = std::get_if<isa::VecEltwise>(&insn)) {
    t.issue = e->b_src == isa::BSrc::kUbRows ? 2 * uint64_t{e->rows} : e->rows;
    t.nparam = e->b_src == isa::BSrc::kParam ? 2 : 1;
    t.may_stall =
        Overlap(e->out_addr, e->rows, e->a_addr, e->rows) ||
        (e->b_src == isa::BSrc::kUbRows && Overlap(e->out_addr, e->rows, e->b_addr, e->rows)) ||
        (e->b_src == isa::BSrc::kUbBcast && Overlap(e->out_addr, e->rows, e->b_addr, 1));
  } else if (const auto* q = std::get_if<isa::Pool>(&insn)) {
    t.issue = uint64_t{q->out_h} * q->out_w * q->k_h * q->k_w;
    t.nparam = q->op == isa::PoolOp::kMax ? 0 : 1;
    t.may_stall = Overlap(q->out_addr, uint64_t{q->out_h} * q->out_w, q->in_addr,
                          uint64_t{q->in_h} * q->in_w);
  } else if (const auto* d = std::get_if<isa::Dwconv>(&insn)) {
    t.issue = uint64_t{d->out_h} * d->out_w * d->k_h * d->k_w;
  } else if (const auto* r = std::get_if<isa::Resize>(&insn)) {
    t.issue = uint64_t{r->in_h} * r->in_w * r->scale_h * r->scale_w;
  }
  return t;
}

// Cycles from acceptance to the done pulse, both counted: nparam + 3 for BAD_PARAM (the
// prologue, then the error), else nparam + issue + 6 (the prologue, one issue per cycle, four
// stages to the last write) when nothing stalls.
uint64_t ExpectedCycles(const isa::Insn& insn, bool err) {
  const Timing t = TimingOf(insn);
  return err ? t.nparam + 3 : t.nparam + t.issue + 6;
}
uint64_t CyclesOf(const Completion& c) { return c.done_cycle - c.accept_cycle + 1; }

// ---- Tests ---------------------------------------------------------------------------------

template <class Cfg>
class VectorTest : public ::testing::Test {};
using Configs = ::testing::Types<Tiny, Sim16>;
class ConfigNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::string(T::name) == "tiny" ? "Tiny" : "Sim16";
  }
};
TYPED_TEST_SUITE(VectorTest, Configs, ConfigNames);

template <class Cfg>
void ExpectClean(VectorBench<Cfg>& b) {
  for (const auto& f : b.failures()) ADD_FAILURE() << f;
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
}

// Thousands of random instructions of every opcode and mode, in sequences of 1..8 fed back to
// back (sometimes with gaps); every completion checked against the golden model.
TYPED_TEST(VectorTest, RandomInstructionsMatchGolden) {
  VectorBench<TypeParam> b(20261122);
  b.RandomizeMemories();
  auto& rng = b.rng();
  constexpr int kInstructions = 2500;
  int offered = 0, bad = 0, next_randomize = 500;
  while (offered < kInstructions) {
    if (offered >= next_randomize) {
      b.RandomizeMemories();
      next_randomize += 500;
    }
    InsnGen gen(rng, b.mem(), 16);
    const int len = static_cast<int>(Uniform(rng, 1, 8));
    std::vector<isa::Insn> seq;
    for (int i = 0; i < len; ++i) seq.push_back(gen.Random());
    b.SyncParam();  // the records the generator wrote, into the reference too
    b.SetGapRate(OneIn(rng, 4) ? 0.3 : 0.0);
    for (const auto& insn : seq) b.Offer(insn);
    offered += len;
    ASSERT_TRUE(b.RunUntilIdle());
    if (!b.failures().empty()) break;
  }
  // Every opcode and outcome covered; exact cycles unless a read-after-write stall was possible.
  int per_op[5] = {}, stalled = 0;
  uint64_t cycles = 0;
  for (const auto& c : b.completions()) {
    bad += c.err;
    ++per_op[c.insn.index() - isa::Insn(isa::Dwconv{}).index()];
    const uint64_t expected = ExpectedCycles(c.insn, c.err);
    if (CyclesOf(c) != expected &&
        (c.err || !TimingOf(c.insn).may_stall || CyclesOf(c) < expected)) {
      ADD_FAILURE() << CyclesOf(c) << " cycles, expected " << expected << ": "
                    << isa::Disassemble(c.insn);
    }
    stalled += CyclesOf(c) > expected;
    cycles += CyclesOf(c);
  }
  b.CheckAllMemories();
  ExpectClean(b);
  EXPECT_EQ(b.completions().size(), static_cast<size_t>(offered));
  for (int op = 0; op < 5; ++op) EXPECT_GT(per_op[op], offered / 8) << "opcode " << op;
  EXPECT_GT(bad, 20) << "too few BAD_PARAM cases";
  EXPECT_LT(bad, offered / 4);
  EXPECT_GT(stalled, 20) << "too few read-after-write stalls";
  std::printf("%s: %d instructions (%d BAD_PARAM, %d stalled), %llu cycles\n", TypeParam::name,
              offered, bad, stalled, static_cast<unsigned long long>(cycles));
}

// Exact cycle counts of single instructions and back-to-back sequences.
TYPED_TEST(VectorTest, ExactCycles) {
  VectorBench<TypeParam> b(7);
  b.RandomizeMemories();
  InsnGen gen(b.rng(), b.mem(), 0);
  std::vector<isa::Insn> cases;
  for (uint32_t rows : {1u, 2u, 128u, 256u}) {
    isa::Postproc p = gen.Postproc();
    p.rows = rows;
    p.acc_addr = 0;
    p.ub_addr = 1000;
    cases.push_back(p);
    for (auto src : {isa::BSrc::kUbRows, isa::BSrc::kUbBcast, isa::BSrc::kParam}) {
      cases.push_back(gen.Eltwise(src, rows, 0, rows == 1 ? 0 : 600, 300));  // in place / apart
    }
  }
  isa::Pool pool = gen.Pool();
  pool.in_addr = 0;
  pool.out_addr = 500;
  for (auto op : {isa::PoolOp::kMax, isa::PoolOp::kAvg, isa::PoolOp::kAvgPad}) {
    pool.op = op;
    cases.push_back(pool);
  }
  isa::Dwconv dw = gen.Dwconv();
  dw.out_h = 5;
  dw.out_w = 7;
  dw.k_h = dw.k_w = 3;
  cases.push_back(dw);
  isa::Resize rs = gen.Resize();
  rs.in_addr = 0;
  rs.out_addr = 100;
  rs.in_h = 3;
  rs.in_w = 4;
  rs.scale_h = 2;
  rs.scale_w = 3;
  cases.push_back(rs);
  // Records valid: no BAD_PARAM here (InsnGen with bad_rate 0).
  b.SyncParam();
  for (const auto& insn : cases) {
    const Completion c = b.RunOne(insn);
    EXPECT_FALSE(c.err) << isa::Disassemble(insn);
    EXPECT_EQ(CyclesOf(c), ExpectedCycles(insn, false)) << isa::Disassemble(insn);
  }
  // POSTPROC streams one row per cycle: 256 rows take 128 cycles more than 128 rows.
  EXPECT_EQ(CyclesOf(b.completions()[12]) - CyclesOf(b.completions()[8]), 128u);
  // Back to back: each instruction is accepted in the cycle of the previous one's done.
  const size_t first = b.completions().size();
  for (const auto& insn : cases) b.Offer(insn);
  ASSERT_TRUE(b.RunUntilIdle());
  for (size_t i = first + 1; i < b.completions().size(); ++i) {
    EXPECT_EQ(b.completions()[i].accept_cycle, b.completions()[i - 1].done_cycle);
    EXPECT_EQ(CyclesOf(b.completions()[i]), ExpectedCycles(b.completions()[i].insn, false));
  }
  ExpectClean(b);
}

// BAD_PARAM: the unit writes nothing, reports the PARAM row, and counts nothing (the bench's
// done check compares memories and counts with the golden model, which faults the same way).
TYPED_TEST(VectorTest, BadParamWritesNothing) {
  VectorBench<TypeParam> b(11);
  b.RandomizeMemories();
  const uint32_t n = b.n();
  InsnGen gen(b.rng(), b.mem(), 0);
  struct Case {
    isa::Insn insn;
    uint64_t row;  // the PARAM row to be reported
  };
  std::vector<Case> cases;
  // POSTPROC: a shift outside [-30, 31] in the first, the last, or every lane.
  for (int32_t wrong : {-31, 32, INT32_MIN, INT32_MAX}) {
    for (uint32_t lane : {0u, n - 1}) {
      isa::Postproc p = gen.Postproc();
      b.mem().Param(p.param_addr + 2)[lane] = wrong;
      cases.push_back({p, p.param_addr + 2u});
    }
  }
  // VEC_ELTWISE: S outside [0, 62]; za, zb, zo outside int8; a PARAM operand lane outside int8;
  // a bad record and a bad operand: the record's row.
  const std::pair<int, int32_t> record_faults[] = {{2, -1},  {2, 63},   {3, 128},  {3, -129},
                                                   {4, 128}, {4, -129}, {5, 1000}, {5, INT32_MIN}};
  for (const auto& [field, value] : record_faults) {
    isa::VecEltwise e = gen.Eltwise();
    b.mem().Param(e.param_addr)[field] = value;
    cases.push_back({e, e.param_addr});
  }
  for (uint32_t lane : {0u, n - 1}) {
    for (bool record_too : {false, true}) {
      isa::VecEltwise e = gen.Eltwise();
      while (e.b_src != isa::BSrc::kParam) e = gen.Eltwise();  // with a PARAM row of its own
      b.mem().Param(e.b_addr)[lane] = lane == 0 ? 128 : -129;
      if (record_too) b.mem().Param(e.param_addr)[2] = 100;
      cases.push_back({e, record_too ? e.param_addr : e.b_addr});
    }
  }
  // POOL AVG / AVG_PAD: S outside [0, 40], zi / zo outside int8. MAX does not read the record.
  const std::pair<int, int32_t> pool_faults[] = {{1, -1}, {1, 41}, {2, 128}, {3, -129}};
  for (const auto& [field, value] : pool_faults) {
    isa::Pool q = gen.Pool();
    q.op = field % 2 ? isa::PoolOp::kAvg : isa::PoolOp::kAvgPad;
    b.mem().Param(q.param_addr)[field] = value;
    cases.push_back({q, q.param_addr});
  }
  b.SyncParam();
  const golden::ChipState before = b.mem();
  for (const auto& c : cases) {
    const Completion done = b.RunOne(c.insn);
    EXPECT_TRUE(done.err) << isa::Disassemble(c.insn);
    EXPECT_EQ(done.err_row, c.row) << isa::Disassemble(c.insn);
    EXPECT_EQ(CyclesOf(done), ExpectedCycles(c.insn, true)) << isa::Disassemble(c.insn);
  }
  for (Mem mem : {Mem::kUb, Mem::kAcc}) {
    for (uint64_t r = 0; r < before.Rows(mem); ++r) {
      auto x = before.Row(mem, r);
      auto y = b.mem().Row(mem, r);
      ASSERT_TRUE(std::equal(x.begin(), x.end(), y.begin())) << "row " << r << " written";
    }
  }
  // A MAX pool with the same bad record runs normally.
  isa::Pool q = gen.Pool();
  q.op = isa::PoolOp::kMax;
  b.mem().Param(q.param_addr)[1] = 1000;
  b.SyncParam();
  EXPECT_FALSE(b.RunOne(q).err);
  ExpectClean(b);
}

// VEC_ELTWISE and POOL with their output overlapping an input: rows are read before they are
// written, and a row written earlier in the instruction is read back (golden order).
TYPED_TEST(VectorTest, AliasedOperandsReadBeforeWrite) {
  VectorBench<TypeParam> b(13);
  b.RandomizeMemories();
  InsnGen gen(b.rng(), b.mem(), 0);
  std::vector<isa::Insn> stalls, no_stalls;
  for (auto src : {isa::BSrc::kUbRows, isa::BSrc::kUbBcast, isa::BSrc::kParam}) {
    // Row r of out is row r + shift of a, read while row r is still in the pipeline (UB_ROWS
    // issues two reads per row, so its depth is two rows).
    for (uint32_t shift : {1u, 2u}) {
      stalls.push_back(gen.Eltwise(src, 24, 200, 200 + shift, 400));
    }
    no_stalls.push_back(gen.Eltwise(src, 24, 600, 600, 800));
  }
  // The broadcast row is an output row: rows after it see the new value.
  stalls.push_back(gen.Eltwise(isa::BSrc::kUbBcast, 16, 1000, 1100, 1103));
  // UB_ROWS with b = out - 1: b row r is out row r - 1, just written.
  stalls.push_back(gen.Eltwise(isa::BSrc::kUbRows, 16, 1200, 1300, 1299));
  // POOL 3 x 3 stride 1 writing into its own input, 5 rows before it: pixel p - 1 writes input
  // row p - 6, which pixel p reads with its second tap.
  isa::Pool pool = gen.Pool();
  pool.op = isa::PoolOp::kAvg;
  pool.in_h = pool.in_w = 6;
  pool.k_h = pool.k_w = 3;
  pool.stride_h = pool.stride_w = 1;
  pool.pad_t = pool.pad_l = 1;
  pool.out_h = pool.out_w = 6;
  pool.in_addr = 1500;
  pool.out_addr = 1495;
  stalls.push_back(pool);
  b.SyncParam();
  for (const auto& insn : stalls) {
    const Completion c = b.RunOne(insn);
    EXPECT_GT(CyclesOf(c), ExpectedCycles(insn, false)) << "no stall: " << isa::Disassemble(insn);
  }
  for (const auto& insn : no_stalls) {
    EXPECT_EQ(CyclesOf(b.RunOne(insn)), ExpectedCycles(insn, false)) << isa::Disassemble(insn);
  }
  b.CheckAllMemories();
  ExpectClean(b);
}

// R2 at its edges: the largest window (255 x 255 taps, n = 65025) and multipliers / shifts at
// their limits; AVG over windows partly outside the image (n = in-image taps).
TYPED_TEST(VectorTest, PoolDivisionExtremes) {
  VectorBench<TypeParam> b(17);
  b.RandomizeMemories();
  InsnGen gen(b.rng(), b.mem(), 0);
  const int32_t mults[] = {INT32_MAX, INT32_MIN, 1, -1, 65025, 3};
  for (int i = 0; i < 6; ++i) {
    isa::Pool p = gen.Pool();
    p.op = i % 2 ? isa::PoolOp::kAvgPad : isa::PoolOp::kAvg;
    p.in_h = p.in_w = 4;
    p.k_h = p.k_w = i < 2 ? 255 : 7;
    p.pad_t = p.pad_l = i < 2 ? 100 : 3;
    p.stride_h = p.stride_w = 1;
    p.out_h = p.out_w = i < 2 ? 1 : 4;
    p.in_addr = 0;
    p.out_addr = 100;
    int32_t* rec = b.mem().Param(p.param_addr);
    rec[0] = mults[i];
    rec[1] = i % 3 == 0 ? 0 : (i % 3 == 1 ? 40 : 12);
    rec[2] = i % 2 ? -128 : 127;
    rec[3] = i % 2 ? 127 : -128;
    rec[4] = -128;
    rec[5] = 127;
    b.SyncParam();
    const Completion c = b.RunOne(p);
    EXPECT_FALSE(c.err);
    EXPECT_EQ(CyclesOf(c), ExpectedCycles(p, false));
  }
  ExpectClean(b);
}

// POSTPROC with every lane at an extreme: ACC and bias at the int32 limits (saturating add),
// multipliers INT32_MIN / MAX, shifts -30 / 31, leaky slopes at the s16 limits, LUT on.
TYPED_TEST(VectorTest, PostprocExtremes) {
  VectorBench<TypeParam> b(19);
  b.RandomizeMemories();
  auto& rng = b.rng();
  InsnGen gen(rng, b.mem(), 0);
  const int32_t acc_values[] = {INT32_MIN, INT32_MAX, -1, 0, 1, INT32_MIN + 1};
  for (int i = 0; i < 40; ++i) {
    isa::Postproc p = gen.Postproc();
    p.rows = 32;
    p.acc_addr = 0;
    p.ub_addr = 64;
    for (uint32_t r = 0; r < p.rows; ++r) {
      for (uint32_t l = 0; l < b.n(); ++l) b.mem().Acc(r)[l] = acc_values[rng() % 6];
    }
    for (uint32_t l = 0; l < b.n(); ++l) {
      b.mem().Param(p.param_addr)[l] = acc_values[rng() % 6];
      b.mem().Param(p.param_addr + 1)[l] = OneIn(rng, 2) ? INT32_MIN : INT32_MAX;
      b.mem().Param(p.param_addr + 2)[l] = OneIn(rng, 2) ? -30 : 31;
    }
    p.leaky = true;
    p.alpha_mult = OneIn(rng, 2) ? -32768 : 32767;
    p.alpha_shift = OneIn(rng, 2) ? 0 : 31;
    p.lut_en = i % 2;
    b.Sync();
    EXPECT_FALSE(b.RunOne(p).err);
  }
  ExpectClean(b);
}

// Rounding ties (R1, R2 at exactly one half) in every rounding step, with values that do not
// saturate: POSTPROC v * 2^30 / 2^31 = v / 2 and leaky v * 1 / 2^1; VEC_ELTWISE ((a - za) +
// (b - zb)) / 2; POOL AVG sums over 1, 2 or 4 taps divided by the tap count.
TYPED_TEST(VectorTest, RoundingTiesRoundUp) {
  VectorBench<TypeParam> b(29);
  b.RandomizeMemories();
  auto& rng = b.rng();
  InsnGen gen(rng, b.mem(), 0);
  const uint32_t n = b.n();
  isa::Postproc p = gen.Postproc();
  p.rows = 64;
  p.acc_addr = 0;
  p.ub_addr = 0;
  p.out_zp = 0;
  p.lo = -128;
  p.hi = 127;
  p.leaky = true;
  p.alpha_mult = 1;
  p.alpha_shift = 1;
  p.lut_en = false;
  for (uint32_t r = 0; r < p.rows; ++r) {
    for (uint32_t l = 0; l < n; ++l)
      b.mem().Acc(r)[l] = static_cast<int32_t>(Uniform(rng, -255, 255));
  }
  for (uint32_t l = 0; l < n; ++l) {
    b.mem().Param(p.param_addr)[l] = 0;
    b.mem().Param(p.param_addr + 1)[l] = 1 << 30;
    b.mem().Param(p.param_addr + 2)[l] = 0;
  }
  isa::VecEltwise e = gen.Eltwise(isa::BSrc::kUbRows, 64, 100, 300, 200);
  e.op = isa::EltOp::kAdd;
  const int32_t add_record[8] = {1, 1, 1, 0, 0, 0, -128, 127};
  std::copy(add_record, add_record + 8, b.mem().Param(e.param_addr));
  isa::Pool q = gen.Pool();
  q.op = isa::PoolOp::kAvg;
  q.in_h = q.in_w = 8;
  q.k_h = q.k_w = 2;
  q.stride_h = q.stride_w = 1;
  q.pad_t = q.pad_l = 1;
  q.out_h = q.out_w = 9;
  q.in_addr = 500;
  q.out_addr = 600;
  const int32_t avg_record[6] = {1, 0, 0, 0, -128, 127};
  std::copy(avg_record, avg_record + 6, b.mem().Param(q.param_addr));
  b.Sync();
  for (const isa::Insn& insn : {isa::Insn(p), isa::Insn(e), isa::Insn(q)}) {
    EXPECT_FALSE(b.RunOne(insn).err) << isa::Disassemble(insn);
  }
  ExpectClean(b);
}

// The handshake assertion is live: an offer withdrawn before it is accepted is reported.
TYPED_TEST(VectorTest, HandshakeAssertionCatchesWithdrawnOffer) {
  VectorBench<TypeParam> b(23);
  b.RandomizeMemories();
  InsnGen gen(b.rng(), b.mem(), 0);
  isa::Postproc p = gen.Postproc();
  p.rows = 20;
  b.SyncParam();
  b.Offer(p);
  for (int i = 0; i < 3; ++i) b.Step();  // accepted, busy
  ASSERT_FALSE(b.model().insn_ready_o);
  EXPECT_EQ(b.context().errorCount(), 0);
  auto& m = b.model();
  m.insn_valid_i = 1;
  Tick(m);
  m.insn_valid_i = 0;
  Tick(m);
  EXPECT_GT(b.context().errorCount(), 0) << "InsnValidHeld did not fire";
}

}  // namespace
}  // namespace aorta::verif
