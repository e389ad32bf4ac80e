// Harness around a verilated aorta_matrix_unit: C++ memories with the contract's timing, an
// instruction feeder, and the golden datapath (core/golden/datapath.h) as the reference.
//
// Memories (UB, WB, ACC) live in a golden::ChipState of the bench's own ("rtl_mem"): a read
// issued in cycle c (re high at the rising edge that ends c) presents its row in cycle c + 1; a
// write takes effect at that edge. A read in the same cycle as a write of the same row returns
// garbage (random bytes): the contract leaves it undefined, so the unit must not rely on it.
// Read data ports carry garbage too in cycles that follow no read ("poison").
//
// The reference is a second ChipState ("ref") that executes each instruction with
// golden::ExecLoadw / ExecMatmul at the moment the unit accepts it, so it runs ahead of the
// unit in acceptance order. At each done pulse (with done checking on) the harness checks the
// instruction that completes: every ACC row it writes has been written by the unit at least as
// often as the instructions up to it write that row, and a row not yet written again by a later
// instruction holds exactly the reference's value after that instruction. At the end the whole
// ACC and the perf counters (MACS, *_RD_BYTES, *_WR_BYTES) must equal the reference's.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/golden/datapath.h"
#include "core/isa/isa.h"
#include "verif/common/bench.h"

namespace aorta::verif {

// Copies `bytes` little-endian bytes into / out of a packed port (an integer up to 64 bits or a
// VlWide of 32-bit words; both little-endian on the host, as the lanes are).
template <class Signal>
void SetPortBytes(Signal& sig, const void* src, size_t bytes) {
  if constexpr (std::is_integral_v<Signal>) {
    Signal v = 0;
    std::memcpy(&v, src, bytes);
    sig = v;
  } else {
    std::memcpy(sig.data(), src, bytes);
  }
}
template <class Signal>
void GetPortBytes(const Signal& sig, void* dst, size_t bytes) {
  if constexpr (std::is_integral_v<Signal>) {
    std::memcpy(dst, &sig, bytes);
  } else {
    std::memcpy(dst, sig.data(), bytes);
  }
}

// The instruction word of a bench-made instruction (isa::Encode checks every field); a field
// out of range is a bug of the bench and throws.
inline isa::Word MustEncode(const isa::Insn& insn) {
  Result<isa::Word> w = isa::Encode(insn);
  if (!w.ok()) throw std::invalid_argument("bench instruction: " + w.status().ToString());
  return *w;
}

// Executes LOADW / MATMUL on the golden datapath; anything else is an error of the caller.
inline golden::Fault ExecOnGolden(golden::ChipState& s, const isa::Insn& insn,
                                  golden::Counters& c) {
  if (const auto* l = std::get_if<isa::Loadw>(&insn)) return golden::ExecLoadw(s, *l, c);
  if (const auto* m = std::get_if<isa::Matmul>(&insn)) return golden::ExecMatmul(s, *m, c);
  return golden::BadField();
}

// The perf counters the unit reports, summed over cycles.
struct MatrixCounts {
  uint64_t macs = 0, ub_rd = 0, ub_wr = 0, wb_rd = 0, acc_rd = 0, acc_wr = 0;
  bool operator==(const MatrixCounts&) const = default;
};

inline MatrixCounts CountsOf(const golden::Counters& c) {
  auto at = [&](regs::Counter k) { return c[static_cast<size_t>(k)]; };
  return {at(regs::Counter::kMacs),       at(regs::Counter::kUbRdBytes),
          at(regs::Counter::kUbWrBytes),  at(regs::Counter::kWbRdBytes),
          at(regs::Counter::kAccRdBytes), at(regs::Counter::kAccWrBytes)};
}

template <class Model>
class MatrixHarness {
 public:
  struct Options {
    bool poison = true;      // garbage on read ports when nothing was read
    bool check_done = true;  // per-instruction checks at each done pulse
    bool reference = true;   // run the golden model beside the unit (off: timing runs only)
    uint32_t seed = 1;
  };

  MatrixHarness(Model& m, const ChipGeometry& g, Options opt)
      : m_(m), n_(g.n), opt_(opt), rng_(opt.seed), rtl_mem_(g), ref_(g) {
    acc_writes_.assign(g.acc_rows, 0);
    ref_writes_.assign(g.acc_rows, 0);
    ub_next_.assign(n_, 0);
    wb_next_.assign(n_, 0);
    acc_next_.assign(4 * n_, 0);
    m_.insn_valid_i = 0;
    Reset(m_);
    m_.eval();
  }

  // Both memories get the same content: random UB / WB / ACC rows (int8 extremes often).
  void RandomizeMemories() {
    for (isa::Mem mem : {isa::Mem::kUb, isa::Mem::kWb}) {
      for (uint64_t r = 0; r < rtl_mem_.Rows(mem); ++r) {
        auto row = rtl_mem_.Row(mem, r);
        for (auto& b : row) b = static_cast<uint8_t>(RandomInt8(rng_));
      }
    }
    for (uint64_t r = 0; r < rtl_mem_.Rows(isa::Mem::kAcc); ++r) {
      for (uint32_t i = 0; i < n_; ++i) rtl_mem_.Acc(r)[i] = static_cast<int32_t>(rng_());
    }
    ref_ = rtl_mem_;
  }

  void Offer(const isa::Word& w) { queue_.push_back(w); }
  // Probability (0..1) that the feeder holds back its next instruction for a cycle.
  void SetGapRate(double p) { gap_rate_ = p; }

  // One clock cycle, with two evaluations of the model: with the clock low (this cycle's
  // inputs; the outputs are read), then the rising edge. The clock returns low unevaluated:
  // nothing in the unit acts on the falling edge, and the next cycle's first evaluation sees
  // it (a third evaluation per cycle costs a third more time).
  void Cycle() {
    // A gap only before an offer: an offered instruction stays offered until accepted.
    const bool offer = !queue_.empty() && (holding_ || !(gap_rate_ > 0 && Chance(gap_rate_)));
    m_.insn_valid_i = offer;
    if (offer) SetPortBytes(m_.insn_i, queue_.front().data(), isa::kWordBytes);
    m_.clk_i = 0;
    m_.eval();

    holding_ = offer && !m_.insn_ready_o;
    if (offer && m_.insn_ready_o) Accept();
    const bool done = m_.done_o;
    counts_.macs += m_.macs_o;
    counts_.ub_rd += m_.ub_rd_bytes_o;
    counts_.ub_wr += m_.ub_wr_bytes_o;
    counts_.wb_rd += m_.wb_rd_bytes_o;
    counts_.acc_rd += m_.acc_rd_bytes_o;
    counts_.acc_wr += m_.acc_wr_bytes_o;
    if (m_.array_busy_o) ++array_busy_cycles_;
    if (m_.err_o) ++errors_;

    // Memory reads of this cycle (presented next cycle), then this cycle's write.
    const uint32_t ub_bytes = n_, acc_bytes = 4 * n_;
    if (m_.ub_re_o) {
      std::memcpy(ub_next_.data(), rtl_mem_.Ub(Checked(m_.ub_raddr_o, isa::Mem::kUb)), ub_bytes);
    } else if (opt_.poison) {
      Garbage(ub_next_.data(), ub_bytes);
    }
    if (m_.wb_re_o) {
      std::memcpy(wb_next_.data(), rtl_mem_.Wb(Checked(m_.wb_raddr_o, isa::Mem::kWb)), ub_bytes);
    } else if (opt_.poison) {
      Garbage(wb_next_.data(), ub_bytes);
    }
    const bool acc_write = m_.acc_we_o;
    if (m_.acc_re_o) {
      const uint64_t r = Checked(m_.acc_raddr_o, isa::Mem::kAcc);
      if (acc_write && m_.acc_waddr_o == m_.acc_raddr_o) {
        Garbage(acc_next_.data(), acc_bytes);
        ++read_write_collisions_;
      } else {
        std::memcpy(acc_next_.data(), rtl_mem_.Acc(r), acc_bytes);
      }
    } else if (opt_.poison) {
      Garbage(acc_next_.data(), acc_bytes);
    }
    if (acc_write) {
      const uint64_t r = Checked(m_.acc_waddr_o, isa::Mem::kAcc);
      GetPortBytes(m_.acc_wdata_o, rtl_mem_.Acc(r), acc_bytes);
      ++acc_writes_[r];
    }
    // A done pulse covers the writes of its own cycle.
    if (done) Done();

    m_.clk_i = 1;
    m_.eval();
    ++cycle_;
    SetPortBytes(m_.ub_rdata_i, ub_next_.data(), ub_bytes);
    SetPortBytes(m_.wb_rdata_i, wb_next_.data(), ub_bytes);
    SetPortBytes(m_.acc_rdata_i, acc_next_.data(), acc_bytes);
  }

  // Cycles until everything offered is accepted and done (bounded: fails past `limit`).
  bool RunUntilIdle(uint64_t limit) {
    for (uint64_t i = 0; i < limit; ++i) {
      if (queue_.empty() && m_.idle_o) return true;
      Cycle();
    }
    Fail("not idle after " + std::to_string(limit) + " cycles");
    return false;
  }

  // The unit's ACC against the reference's, and the perf counters; records a failure each.
  void CheckFinal() {
    const uint64_t rows = ref_.Rows(isa::Mem::kAcc);
    uint64_t bad = 0;
    for (uint64_t r = 0; r < rows; ++r) {
      if (std::memcmp(rtl_mem_.Acc(r), ref_.Acc(r), 4 * n_) != 0 && bad++ < 4) {
        Fail("ACC row " + std::to_string(r) + " differs from the golden model");
      }
    }
    if (bad > 4) Fail(std::to_string(bad) + " ACC rows differ in all");
    if (!(counts_ == CountsOf(ref_counters_))) Fail("perf counts differ from the golden model");
  }

  const std::vector<std::string>& failures() const { return failures_; }
  uint64_t cycle() const { return cycle_; }
  uint64_t accepted() const { return accepted_; }
  uint64_t done() const { return done_; }
  uint64_t errors() const { return errors_; }
  uint64_t array_busy_cycles() const { return array_busy_cycles_; }
  uint64_t read_write_collisions() const { return read_write_collisions_; }
  uint64_t overwritten_before_done() const { return overwritten_before_done_; }
  const std::vector<uint64_t>& accept_cycles() const { return accept_cycles_; }
  const std::vector<uint64_t>& done_cycles() const { return done_cycles_; }
  const MatrixCounts& counts() const { return counts_; }
  MatrixCounts ref_counts() const { return CountsOf(ref_counters_); }
  golden::ChipState& rtl_mem() { return rtl_mem_; }
  golden::ChipState& ref() { return ref_; }

 private:
  // What a done pulse must find for one accepted instruction.
  struct Expect {
    bool matmul = false;
    uint64_t acc_addr = 0;
    uint64_t pixels = 0;
    std::vector<int32_t> rows;     // reference rows after the instruction
    std::vector<uint32_t> writes;  // reference write counts of those rows after it
  };

  void Accept() {
    const isa::Word w = queue_.front();
    queue_.pop_front();
    ++accepted_;
    accept_cycles_.push_back(cycle_);
    Expect e;
    if (!opt_.reference) {
      expects_.push_back(std::move(e));
      return;
    }
    Result<isa::Insn> d = isa::Decode(w);
    const golden::Fault f = d.ok() ? ExecOnGolden(ref_, *d, ref_counters_) : golden::BadField();
    if (const auto* mm = d.ok() ? std::get_if<isa::Matmul>(&*d) : nullptr; mm && f.ok()) {
      e.matmul = true;
      e.acc_addr = mm->acc_addr;
      e.pixels = uint64_t{mm->out_h} * mm->out_w;
      for (uint64_t p = 0; p < e.pixels; ++p) ++ref_writes_[mm->acc_addr + p];
      if (opt_.check_done) {
        e.rows.assign(ref_.Acc(mm->acc_addr), ref_.Acc(mm->acc_addr) + e.pixels * n_);
        e.writes.assign(ref_writes_.begin() + mm->acc_addr,
                        ref_writes_.begin() + mm->acc_addr + e.pixels);
      }
    }
    if (!f.ok()) Fail("the golden model rejects instruction " + std::to_string(accepted_ - 1));
    expects_.push_back(std::move(e));
  }

  void Done() {
    ++done_;
    done_cycles_.push_back(cycle_);
    if (expects_.empty()) {
      Fail("done pulse with no instruction outstanding");
      return;
    }
    const Expect e = std::move(expects_.front());
    expects_.pop_front();
    if (!opt_.check_done || !e.matmul) return;
    for (uint64_t p = 0; p < e.pixels; ++p) {
      const uint64_t r = e.acc_addr + p;
      if (acc_writes_[r] < e.writes[p]) {
        Fail("done at cycle " + std::to_string(cycle_) + " before ACC row " + std::to_string(r) +
             " was written");
        return;
      }
      if (acc_writes_[r] > e.writes[p]) {
        ++overwritten_before_done_;
        continue;
      }
      if (std::memcmp(rtl_mem_.Acc(r), &e.rows[p * n_], 4 * n_) != 0) {
        Fail("ACC row " + std::to_string(r) + " wrong at the done of instruction " +
             std::to_string(done_ - 1));
        return;
      }
    }
  }

  uint64_t Checked(uint64_t row, isa::Mem mem) {
    if (row >= rtl_mem_.Rows(mem)) {
      Fail("row " + std::to_string(row) + " out of range");
      return 0;
    }
    return row;
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  void Garbage(uint8_t* dst, size_t bytes) {
    for (size_t i = 0; i < bytes; i += 4) {
      const uint32_t v = rng_();
      std::memcpy(dst + i, &v, std::min<size_t>(4, bytes - i));
    }
  }
  void Fail(std::string what) {
    if (failures_.size() < 20) failures_.push_back(std::move(what));
  }

  Model& m_;
  uint32_t n_;
  Options opt_;
  std::mt19937 rng_;
  golden::ChipState rtl_mem_, ref_;
  golden::Counters ref_counters_{};
  std::deque<isa::Word> queue_;
  std::deque<Expect> expects_;
  std::vector<uint32_t> acc_writes_, ref_writes_;
  double gap_rate_ = 0;
  bool holding_ = false;  // the instruction offered in the last cycle was not accepted
  std::vector<uint8_t> ub_next_, wb_next_, acc_next_;  // read data of the next cycle
  MatrixCounts counts_;
  uint64_t cycle_ = 0, accepted_ = 0, done_ = 0, errors_ = 0, array_busy_cycles_ = 0;
  uint64_t read_write_collisions_ = 0, overwritten_before_done_ = 0;
  std::vector<uint64_t> accept_cycles_, done_cycles_;
  std::vector<std::string> failures_;
};

}  // namespace aorta::verif
