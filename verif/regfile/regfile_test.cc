// aorta_regfile bench: thousands of random AXI4-lite reads and writes, with random delays on
// every valid and ready, against a register model written from the generated map
// (build/gen/aorta/regs_gen.h: kRegInfo's offsets, access types, reset values and field masks),
// checked cycle by cycle: read data and responses, every register output, the CTRL / DOORBELL
// pulses, IRQ_STATUS with set pulses racing W1C writes, the interrupt line, counter LO/HI latches,
// SLVERR for unmapped and unaligned offsets, and that no SV assertion fired.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "Vaorta_regfile_sim16.h"
#include "Vaorta_regfile_tiny.h"
#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "verif/common/axil_master.h"
#include "verif/common/bench.h"
#include "verilated.h"

struct Tiny {
  using Model = Vaorta_regfile_tiny;
  static constexpr unsigned N = AORTA_TINY_N;
};
struct Sim16 {
  using Model = Vaorta_regfile_sim16;
  static constexpr unsigned N = AORTA_SIM16_N;
};

namespace aorta::verif {
namespace {

namespace r = regs;
constexpr uint64_t kFp = AORTA_REGFILE_BENCH_FP;
constexpr uint32_t kIrqBits = r::kIrqStatusDoneMask | r::kIrqStatusErrorMask;

// The register at a byte offset, from kRegInfo (nullptr: none).
struct Found {
  const r::RegInfo* info = nullptr;
  uint32_t index = 0;
};
Found FindReg(uint32_t offset) {
  for (const r::RegInfo& info : r::kRegInfo) {
    for (uint32_t i = 0; i < info.count; ++i) {
      if (info.offset + i * info.stride == offset) return {&info, i};
    }
  }
  return {};
}
bool IsCounter(uint32_t offset) {
  return offset >= r::kCounterBase && offset < r::kCounterBase + 8 * r::kNumCounters;
}

// What the shell drives into the register file.
struct HwInputs {
  bool busy = false, done = false, error = false;
  uint32_t err_code = 0, err_pc = 0;
  uint64_t err_addr = 0;
  bool irq_done_set = false, irq_error_set = false;
  std::array<uint64_t, r::kNumCounters> counters{};
};

// The register map as the spec states it: RW values (by offset, reset from kRegInfo), W1C,
// W1S / WO pulses, RO sources, counter latches.
class RegModel {
 public:
  explicit RegModel(unsigned n) : n_(n) {
    for (const r::RegInfo& info : r::kRegInfo)
      for (uint32_t i = 0; i < info.count; ++i) value_[info.offset + i * info.stride] = info.reset;
  }

  // A read at this edge: data and response (SLVERR = 2); latches a counter's HI on its LO read.
  std::pair<uint32_t, uint8_t> Read(uint32_t offset, const HwInputs& in) {
    if (offset % 4 != 0 || offset >= r::kBarBytes) return {0, 2};
    if (IsCounter(offset)) {
      const uint32_t i = (offset - r::kCounterBase) / 8;
      if (offset % 8 == 0) {
        latch_[i] = static_cast<uint32_t>(in.counters[i] >> 32);
        return {static_cast<uint32_t>(in.counters[i]), 0};
      }
      return {latch_[i], 0};
    }
    Found f = FindReg(offset);
    if (f.info == nullptr) return {0, 2};
    const std::string name = f.info->name;
    switch (f.info->access) {
      case r::Access::kWo:
      case r::Access::kW1s:
        return {0, 0};
      case r::Access::kRw:
      case r::Access::kW1c:
        return {value_[offset], 0};
      case r::Access::kRo:
        break;
    }
    if (name == "ID") return {r::kIdValue, 0};
    if (name == "VERSION")
      return {(r::kRegmapVersion << r::kVersionRegmapLsb) |
                  (isa::kVersionMajor << r::kVersionIsaMajorLsb) |
                  (isa::kVersionMinor << r::kVersionIsaMinorLsb),
              0};
    if (name == "CONFIG_FP_LO") return {static_cast<uint32_t>(kFp), 0};
    if (name == "CONFIG_FP_HI") return {static_cast<uint32_t>(kFp >> 32), 0};
    if (name == "GEOMETRY") return {(n_ << r::kGeometryRowsLsb) | (n_ << r::kGeometryColsLsb), 0};
    if (name == "STATUS")
      return {(in.busy ? r::kStatusBusyMask : 0) | (in.done ? r::kStatusDoneMask : 0) |
                  (in.error ? r::kStatusErrorMask : 0),
              0};
    if (name == "ERR_CODE") return {in.err_code, 0};
    if (name == "ERR_PC") return {in.err_pc, 0};
    if (name == "ERR_ADDR_LO") return {static_cast<uint32_t>(in.err_addr), 0};
    if (name == "ERR_ADDR_HI") return {static_cast<uint32_t>(in.err_addr >> 32), 0};
    ADD_FAILURE() << "RO register " << name << " has no source in the bench model";
    return {0, 0};
  }

  // A write at this edge, then the hardware's set pulses of the same edge.
  void Edge(std::optional<std::array<uint32_t, 3>> write, const HwInputs& in) {
    pulse_soft_reset_ = pulse_clear_ = pulse_doorbell_ = false;
    resp_ = 0;
    if (write) {
      const uint32_t offset = (*write)[0], data = (*write)[1], strb = (*write)[2];
      uint32_t mask = 0;
      for (int b = 0; b < 4; ++b)
        if (strb & (1u << b)) mask |= 0xffu << (8 * b);
      Found f = FindReg(offset);
      if (offset % 4 != 0 || offset >= r::kBarBytes || (f.info == nullptr && !IsCounter(offset))) {
        resp_ = 2;
      } else if (f.info != nullptr) {
        uint32_t& v = value_[offset];
        switch (f.info->access) {
          case r::Access::kRw: {
            // IRQ_MASK holds the IRQ_STATUS bits only (regs.textproto: "same bits").
            const uint32_t keep = std::string(f.info->name) == "IRQ_MASK" ? kIrqBits : ~0u;
            v = ((v & ~mask) | (data & mask)) & keep;
            break;
          }
          case r::Access::kW1c:
            v &= ~(data & mask);
            break;
          case r::Access::kW1s:
            pulse_soft_reset_ = (data & mask & r::kCtrlSoftResetMask) != 0;
            pulse_clear_ = (data & mask & r::kCtrlClearCountersMask) != 0;
            break;
          case r::Access::kWo:
            pulse_doorbell_ = true;
            break;
          case r::Access::kRo:
            break;
        }
      }
    }
    uint32_t& irq = value_[r::kIrqStatus];
    if (in.irq_done_set) irq |= r::kIrqStatusDoneMask;
    if (in.irq_error_set) irq |= r::kIrqStatusErrorMask;
    if (pulse_soft_reset_) irq = 0;  // soft reset wins over a set pulse of the same edge
    if (pulse_clear_) latch_.fill(0);
  }

  uint32_t Value(uint32_t offset) const { return value_.at(offset); }
  uint64_t Value64(uint32_t lo_offset) const {
    return Value(lo_offset) | (uint64_t{Value(lo_offset + 4)} << 32);
  }
  bool Irq() const { return (Value(r::kIrqStatus) & Value(r::kIrqMask)) != 0; }
  bool pulse_soft_reset() const { return pulse_soft_reset_; }
  bool pulse_clear() const { return pulse_clear_; }
  bool pulse_doorbell() const { return pulse_doorbell_; }
  uint8_t write_resp() const { return resp_; }

 private:
  uint32_t n_;
  std::map<uint32_t, uint32_t> value_;
  std::array<uint32_t, r::kNumCounters> latch_{};
  bool pulse_soft_reset_ = false, pulse_clear_ = false, pulse_doorbell_ = false;
  uint8_t resp_ = 0;
};

uint64_t Get64(const auto& sig, unsigned i) {
  return GetLane(sig, 2 * i, 32) | (uint64_t{GetLane(sig, 2 * i + 1, 32)} << 32);
}
void Set64(auto& sig, unsigned i, uint64_t v) {
  SetLane(sig, 2 * i, 32, static_cast<uint32_t>(v));
  SetLane(sig, 2 * i + 1, 32, static_cast<uint32_t>(v >> 32));
}

template <class Cfg>
class RegfileBench {
 public:
  RegfileBench(uint32_t seed, unsigned max_delay)
      : rng_(seed), master_({max_delay, seed * 7 + 1}), model_(Cfg::N) {
    ctx_.fatalOnError(false);  // an SV assertion counts an error; checked by the tests
    ctx_.randReset(2);
    ctx_.randSeed(static_cast<int>(seed % 1000000));
    m_ = std::make_unique<typename Cfg::Model>(&ctx_);
    Apply(in_);
    AxilCopy::In(*m_, wires_);
    Reset(*m_);
    CheckOutputs();
  }
  ~RegfileBench() { m_->final(); }

  // One transaction, to completion; returns its result. Hardware inputs change at random
  // (irq_pulses: set pulses one cycle in `irq_pulses`, 0 = never).
  AxilMaster::Result Transact(bool write, uint32_t addr, uint32_t data, uint8_t strb,
                              unsigned irq_pulses) {
    if (write)
      master_.StartWrite(addr, data, strb);
    else
      master_.StartRead(addr);
    std::optional<std::pair<uint32_t, uint8_t>> expect_read;
    bool write_done = false;
    uint8_t expect_bresp = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      RandomInputs(irq_pulses);
      master_.Drive(wires_);
      AxilCopy::In(*m_, wires_);
      Apply(in_);
      m_->eval();
      AxilCopy::Out(*m_, wires_);
      master_.Sample(wires_);
      if (master_.ar_fire()) expect_read = model_.Read(addr, in_);
      Tick(*m_);
      // The slave performs a write at the edge after which its B response appears.
      std::optional<std::array<uint32_t, 3>> w;
      if (write && !write_done && m_->s_axil_bvalid_o) {
        w = std::array<uint32_t, 3>{addr, data, strb};
        write_done = true;
      }
      model_.Edge(w, in_);
      if (w) expect_bresp = model_.write_resp();
      CheckOutputs();
      if (master_.Done()) {
        AxilMaster::Result res = *master_.Done();
        if (write) {
          EXPECT_TRUE(write_done);
          EXPECT_EQ(res.resp, expect_bresp) << std::hex << "write at 0x" << addr;
        } else if (expect_read) {
          EXPECT_EQ(res.data, expect_read->first) << std::hex << "read at 0x" << addr;
          EXPECT_EQ(res.resp, expect_read->second) << std::hex << "read at 0x" << addr;
        } else {
          ADD_FAILURE() << "read finished without an AR handshake";
        }
        ++transactions_;
        return res;
      }
    }
    ADD_FAILURE() << "transaction at 0x" << std::hex << addr << " did not finish";
    return {};
  }

  uint32_t Read(uint32_t addr) { return Transact(false, addr, 0, 0, 0).data; }
  void Write(uint32_t addr, uint32_t data) { Transact(true, addr, data, 0xf, 0); }

  HwInputs& inputs() { return in_; }
  VerilatedContext& context() { return ctx_; }
  const AxilMaster& master() const { return master_; }
  uint64_t pulses_soft_reset() const { return pulses_[0]; }
  uint64_t pulses_doorbell() const { return pulses_[2]; }
  uint64_t transactions() const { return transactions_; }
  std::mt19937& rng() { return rng_; }
  bool randomize_inputs = false;

 private:
  void RandomInputs(unsigned irq_pulses) {
    in_.irq_done_set = irq_pulses && rng_() % irq_pulses == 0;
    in_.irq_error_set = irq_pulses && rng_() % irq_pulses == 0;
    if (!randomize_inputs) return;
    if (rng_() % 8 == 0) in_.busy = rng_() & 1;
    if (rng_() % 8 == 0) in_.done = rng_() & 1;
    if (rng_() % 8 == 0) in_.error = rng_() & 1;
    if (rng_() % 8 == 0) in_.err_code = rng_() % 12;
    if (rng_() % 8 == 0) in_.err_pc = rng_();
    if (rng_() % 8 == 0) in_.err_addr = (uint64_t{rng_()} << 32) | rng_();
    // Counters move every cycle, some by a lot (so HI changes between LO and HI reads).
    for (auto& c : in_.counters) c += (rng_() % 4 == 0) ? (uint64_t{rng_()} << 8) : rng_() % 3;
  }

  void Apply(const HwInputs& in) {
    m_->status_busy_i = in.busy;
    m_->status_done_i = in.done;
    m_->status_error_i = in.error;
    m_->err_code_i = in.err_code;
    m_->err_pc_i = in.err_pc;
    m_->err_addr_i = in.err_addr;
    m_->irq_done_set_i = in.irq_done_set;
    m_->irq_error_set_i = in.irq_error_set;
    for (unsigned i = 0; i < r::kNumCounters; ++i) Set64(m_->counters_i, i, in.counters[i]);
  }

  void CheckOutputs() {
    EXPECT_EQ(m_->chip_index_o, model_.Value(r::kChipIndex));
    EXPECT_EQ(m_->iq_base_o, model_.Value64(r::kIqBaseLo));
    EXPECT_EQ(m_->iq_len_o, model_.Value(r::kIqLen));
    for (unsigned i = 0; i < r::kSlotCount; ++i) {
      EXPECT_EQ(Get64(m_->slot_base_o, i), model_.Value64(r::kSlotBaseLo(i))) << "slot " << i;
      EXPECT_EQ(Get64(m_->slot_size_o, i), model_.Value64(r::kSlotSizeLo(i))) << "slot " << i;
    }
    EXPECT_EQ(bool(m_->irq_o), model_.Irq());
    EXPECT_EQ(bool(m_->soft_reset_o), model_.pulse_soft_reset());
    EXPECT_EQ(bool(m_->clear_counters_o), model_.pulse_clear());
    EXPECT_EQ(bool(m_->doorbell_o), model_.pulse_doorbell());
    pulses_[0] += m_->soft_reset_o;
    pulses_[1] += m_->clear_counters_o;
    pulses_[2] += m_->doorbell_o;
  }

  VerilatedContext ctx_;
  std::unique_ptr<typename Cfg::Model> m_;
  std::mt19937 rng_;
  AxilMaster master_;
  AxilWires wires_;
  RegModel model_;
  HwInputs in_;
  std::array<uint64_t, 3> pulses_{};
  uint64_t transactions_ = 0;
};

template <class Cfg>
class RegfileTest : public ::testing::Test {};
using Configs = ::testing::Types<Tiny, Sim16>;
class ConfigNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, Tiny> ? "Tiny" : "Sim16";
  }
};
TYPED_TEST_SUITE(RegfileTest, Configs, ConfigNames);

TYPED_TEST(RegfileTest, ResetValuesAndConstants) {
  RegfileBench<TypeParam> b(1, 0);
  // Every register reads its generated reset value, except those whose value is a constant or
  // the shell's input (zero here).
  for (const r::RegInfo& info : r::kRegInfo) {
    for (uint32_t i = 0; i < info.count; ++i) {
      const uint32_t off = info.offset + i * info.stride;
      const uint32_t got = b.Read(off);
      const std::string name = info.name;
      if (name == "VERSION" || name == "CONFIG_FP_LO" || name == "CONFIG_FP_HI" ||
          name == "GEOMETRY")
        continue;
      EXPECT_EQ(got,
                info.access == r::Access::kWo || info.access == r::Access::kW1s ? 0 : info.reset)
          << name;
    }
  }
  EXPECT_EQ(b.Read(r::kId), 0x4154524fu);
  EXPECT_EQ(b.Read(r::kConfigFpLo), 0x89abcdefu);
  EXPECT_EQ(b.Read(r::kConfigFpHi), 0x01234567u);
  EXPECT_EQ(b.Read(r::kGeometry), TypeParam::N | (TypeParam::N << 16));
  EXPECT_EQ(b.Read(r::kVersion) >> r::kVersionRegmapLsb, r::kRegmapVersion);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.master().violations().empty()) << b.master().violations().front();
}

TYPED_TEST(RegfileTest, RandomTransactionsMatchModel) {
  RegfileBench<TypeParam> b(2024, 4);
  b.randomize_inputs = true;
  auto& rng = b.rng();
  // Offsets: mapped registers and counters mostly, then unmapped, unaligned and beyond.
  std::vector<uint32_t> mapped;
  for (const r::RegInfo& info : r::kRegInfo)
    for (uint32_t i = 0; i < info.count; ++i) mapped.push_back(info.offset + i * info.stride);
  for (uint32_t i = 0; i < r::kNumCounters; ++i) {
    mapped.push_back(r::kCounterBase + 8 * i);
    mapped.push_back(r::kCounterBase + 8 * i + 4);
  }
  unsigned slverr = 0, irq_high = 0, reads = 0, writes = 0;
  for (int t = 0; t < 6000; ++t) {
    uint32_t addr = 0;
    const unsigned pick = rng() % 20;
    if (pick < 3) {
      // The registers with side effects, more often than their share.
      static constexpr uint32_t kActive[] = {r::kCtrl, r::kDoorbell, r::kIrqStatus, r::kIrqMask};
      addr = kActive[rng() % 4];
    } else if (pick < 15) {
      addr = mapped[rng() % mapped.size()];
    } else if (pick < 17) {
      addr = (rng() % 1024) * 4;  // mostly unmapped gaps
    } else if (pick < 19) {
      addr = mapped[rng() % mapped.size()] + 1 + rng() % 3;  // unaligned
    } else {
      addr = rng() % 4096;
    }
    // Reads of counters come as LO-then-HI pairs half the time.
    const bool write = rng() % 2 == 0;
    uint32_t data = rng();
    if (addr == r::kCtrl && rng() % 2 != 0) data &= ~r::kCtrlSoftResetMask;  // fewer resets
    const uint8_t strb = rng() % 4 == 0 ? rng() % 16 : 0xf;
    AxilMaster::Result res = b.Transact(write, addr, data, strb, 12);
    slverr += res.resp == 2;
    write ? ++writes : ++reads;
    if (!write && IsCounter(addr) && addr % 8 == 0 && rng() % 2 == 0)
      b.Transact(false, addr + 4, 0, 0, 12);
    irq_high += b.Read(r::kIrqStatus) != 0;
  }
  EXPECT_GT(slverr, 300u);
  EXPECT_GT(irq_high, 1000u);
  EXPECT_GT(reads, 2000u);
  EXPECT_GT(writes, 2000u);
  EXPECT_GT(b.pulses_doorbell(), 20u);
  EXPECT_GT(b.pulses_soft_reset(), 20u);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.master().violations().empty()) << b.master().violations().front();
}

TYPED_TEST(RegfileTest, CounterLoLatchesHi) {
  RegfileBench<TypeParam> b(3, 0);
  const auto i = static_cast<size_t>(r::Counter::kLdStall);
  b.inputs().counters[i] = 0x11111111'22222222ull;
  const uint32_t lo = b.Read(r::CounterLo(r::Counter::kLdStall));
  b.inputs().counters[i] = 0x33333333'44444444ull;  // moves between the two reads
  EXPECT_EQ(lo, 0x22222222u);
  EXPECT_EQ(b.Read(r::CounterHi(r::Counter::kLdStall)), 0x11111111u) << "HI from the LO read";
  EXPECT_EQ(b.Read(r::CounterLo(r::Counter::kLdStall)), 0x44444444u);
  EXPECT_EQ(b.Read(r::CounterHi(r::Counter::kLdStall)), 0x33333333u);
  // clear_counters clears the latches.
  b.Read(r::CounterLo(r::Counter::kLdStall));
  b.Write(r::kCtrl, r::kCtrlClearCountersMask);
  EXPECT_EQ(b.Read(r::CounterHi(r::Counter::kLdStall)), 0u);
  EXPECT_EQ(b.context().errorCount(), 0);
}

TYPED_TEST(RegfileTest, IrqLineFollowsStatusAndMask) {
  RegfileBench<TypeParam> b(4, 2);
  b.Write(r::kIrqMask, 0xffffffffu);
  EXPECT_EQ(b.Read(r::kIrqMask), kIrqBits) << "IRQ_MASK keeps only the IRQ_STATUS bits";
  EXPECT_EQ(b.Read(r::kIrqStatus), 0u);
  // Set pulses come through Transact's random inputs; then W1C clears them.
  for (int i = 0; i < 200; ++i) b.Transact(false, r::kStatus, 0, 0, 3);
  EXPECT_NE(b.Read(r::kIrqStatus), 0u);
  b.Write(r::kIrqStatus, kIrqBits);
  EXPECT_EQ(b.Read(r::kIrqStatus), 0u);
  b.Write(r::kDoorbell, 0);
  EXPECT_EQ(b.pulses_doorbell(), 1u);
  EXPECT_EQ(b.context().errorCount(), 0);
}

}  // namespace
}  // namespace aorta::verif
