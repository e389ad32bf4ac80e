// aorta_dma bench: thousands of random DMA_LOAD, DMA_STORE, PERF and fetch jobs against the
// golden model (core/golden/golden_device.h), on the AXI4 slave memory model (verif/common/
// axi_mem.h) with random latencies, back-pressure, bandwidth limits and bus errors.
//
// Both sides start from the same memories: board DRAM (the golden model's and a SparseMemory
// behind the bus), host buffers (two HostMemory instances allocated alike, so the same IOVAs; the
// guard pages between buffers refuse accesses, which is how bus errors are injected) and the
// on-chip memories (the golden model's ChipState and the bench's copy behind the DMA's ports).
// Each job runs on the golden model as a two-instruction program (the job, HALT) and on the
// RTL; then error code and address, byte counters, on-chip rows and external bytes must agree.
// Where the hardware is documented to differ (rows already moved before a bus error), the
// bench checks the documented behaviour and re-synchronizes from the golden model.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "Vaorta_dma_sim16.h"
#include "Vaorta_dma_tiny.h"
#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/device.h"
#include "core/golden/golden_device.h"
#include "core/golden/host_memory.h"
#include "core/isa/isa.h"
#include "verif/common/axi_mem.h"
#include "verif/common/bench.h"
#include "verilated.h"

struct Tiny {
  using Model = Vaorta_dma_tiny;
  static constexpr const char* config = "tiny";
  static constexpr unsigned kDataBytes = AORTA_DMA_TINY_DATA_WIDTH / 8;
};
struct Sim16 {
  using Model = Vaorta_dma_sim16;
  static constexpr const char* config = "sim16";
  static constexpr unsigned kDataBytes = AORTA_DMA_SIM16_DATA_WIDTH / 8;
};

namespace aorta::verif {
namespace {

namespace r = regs;
using isa::Mem;

constexpr uint64_t kWindow = kHostWindowBase;
constexpr uint64_t kIqAddr = 0x10000;     // the golden model's program (never a DMA target)
constexpr uint64_t kFetchArea = 0x20000;  // words the fetch streams read (never stored to)
constexpr uint64_t kFetchAreaBytes = 0x10000;
constexpr uint64_t kDataBase = 0x100000;  // DRAM slots live above this

std::array<uint8_t, isa::kWordBytes> Bytes(const isa::Insn& insn) {
  Result<isa::Word> w = isa::Encode(insn);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  std::array<uint8_t, isa::kWordBytes> b{};
  isa::StoreWord(w.value(), b);
  return b;
}

// What a job ended with.
struct Outcome {
  bool err = false;
  uint32_t code = 0;
  uint64_t addr = 0;
  std::array<uint64_t, r::kNumCounters> counts{};
};

struct Slot {
  uint64_t base = 0, size = 0;
};

template <class Cfg>
class DmaBench {
 public:
  static constexpr unsigned kB = Cfg::kDataBytes;

  DmaBench(uint32_t seed, AxiMem::Options opt)
      : config_(LoadChipConfig(Cfg::config).value()),
        geo_(GeometryOf(config_)),
        rng_(seed),
        gold_(geo_, 0, &gold_host_),
        wires_(kB),
        axi_(
            [&] {
              opt.data_bytes = kB;
              opt.seed = seed;
              return opt;
            }(),
            [this](uint64_t a, std::span<uint8_t> out) { return ExtRead(a, out); },
            [this](uint64_t a, std::span<const uint8_t> in) { return ExtWrite(a, in); }) {
    ctx_.fatalOnError(false);  // an SV assertion counts an error; checked by the tests
    ctx_.randReset(2);
    ctx_.randSeed(static_cast<int>(seed % 1000000));
    m_ = std::make_unique<typename Cfg::Model>(&ctx_);
    for (unsigned mem = 0; mem < 5; ++mem)
      chip_[mem].assign(geo_.Rows(mem) * geo_.RowBytes(mem), 0);
    FillMemories();
    NewSlots();
    Idle();
    Reset(*m_);
  }
  ~DmaBench() { m_->final(); }

  // ---- Memories ----------------------------------------------------------------------------

  bool ExtRead(uint64_t a, std::span<uint8_t> out) {
    if (a + out.size() <= geo_.dram_bytes) return dram_.Read(a, out);
    if (a >= kWindow && a - kWindow < kWindow) return host_.Read(a - kWindow, out).ok();
    return false;
  }
  bool ExtWrite(uint64_t a, std::span<const uint8_t> in) {
    if (a + in.size() <= geo_.dram_bytes) return dram_.Write(a, in);
    if (a >= kWindow && a - kWindow < kWindow) return host_.Write(a - kWindow, in).ok();
    return false;
  }
  // The golden model's external memory, read the way its DMA reads it.
  bool GoldRead(uint64_t a, std::span<uint8_t> out) {
    if (a + out.size() <= geo_.dram_bytes) return gold_.DramRead(a, out).ok();
    if (a >= kWindow && a - kWindow < kWindow) return gold_host_.Read(a - kWindow, out).ok();
    return false;
  }
  void BothWrite(uint64_t a, std::span<const uint8_t> in) {
    if (a + in.size() <= geo_.dram_bytes) {
      ASSERT_TRUE(gold_.DramWrite(a, in).ok());
      dram_.Write(a, in);
    } else {
      ASSERT_TRUE(gold_host_.Write(a - kWindow, in).ok());
      ASSERT_TRUE(host_.Write(a - kWindow, in).ok());
    }
  }
  std::vector<uint8_t> RandomBytes(size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng_());
    return v;
  }

  void FillMemories() {
    // Host buffers, alike in both host memories; whole pages, as an IOMMU maps them (the DMA
    // reads whole bus beats, so a refusal inside a beat would hit the row that reads the beat).
    for (uint64_t bytes : {8192u, 20480u, 65536u, 4096u, 102400u}) {
      auto g = gold_host_.Alloc(bytes);
      auto h = host_.Alloc(bytes);
      ASSERT_TRUE(g.ok() && h.ok());
      ASSERT_EQ(g.value().iova, h.value().iova);
      buffers_.push_back({kWindow + g.value().iova, bytes});
      BothWrite(kWindow + g.value().iova, RandomBytes(bytes));
    }
    BothWrite(kFetchArea, RandomBytes(kFetchAreaBytes));
    BothWrite(kDataBase, RandomBytes(0x200000));
    BothWrite(geo_.dram_bytes - 0x10000, RandomBytes(0x10000));
    golden::ChipState& cs = gold_.chip();
    for (unsigned mem = 0; mem < 5; ++mem) {
      for (uint64_t row = 0; row < geo_.Rows(mem); ++row) {
        std::span<uint8_t> g = cs.Row(static_cast<Mem>(mem), row);
        for (auto& b : g) b = static_cast<uint8_t>(rng_());
        std::memcpy(&chip_[mem][row * geo_.RowBytes(mem)], g.data(), g.size());
      }
    }
  }

  // A fresh slot table: DRAM regions, the DRAM end, the unmapped gap, host buffers (some running
  // into their guard page: bus errors), empty slots, and one beyond the host window.
  void NewSlots() {
    for (unsigned i = 0; i < r::kSlotCount; ++i) {
      Slot s;
      const unsigned kind = rng_() % 10;
      if (kind < 4) {
        s.base = kDataBase + (rng_() % 0x1c0000);
        s.size = 1 + rng_() % 0x40000;
      } else if (kind == 4) {
        s.base = geo_.dram_bytes - 1 - rng_() % 0x8000;
        s.size = 1 + rng_() % 0x10000;
      } else if (kind == 5) {
        s.base = geo_.dram_bytes + rng_() % 0x10000;
        s.size = 1 + rng_() % 0x10000;
      } else if (kind < 9) {
        const Slot& b = buffers_[rng_() % buffers_.size()];
        const uint64_t off = rng_() % 64;
        s.base = b.base + off;
        s.size = rng_() % 2 ? b.size - off : b.size - off + 1 + rng_() % 8192;
      } else if (rng_() % 2) {
        s.size = 0;
      } else {
        s.base = (uint64_t{1} << 48) + rng_();
        s.size = 0x10000;
      }
      slots_[i] = s;
      gold_.WriteReg(r::kSlotBaseLo(i), static_cast<uint32_t>(s.base));
      gold_.WriteReg(r::kSlotBaseHi(i), static_cast<uint32_t>(s.base >> 32));
      gold_.WriteReg(r::kSlotSizeLo(i), static_cast<uint32_t>(s.size));
      gold_.WriteReg(r::kSlotSizeHi(i), static_cast<uint32_t>(s.size >> 32));
      SetLane(m_->slot_base_i, 2 * i, 32, static_cast<uint32_t>(s.base));
      SetLane(m_->slot_base_i, 2 * i + 1, 32, static_cast<uint32_t>(s.base >> 32));
      SetLane(m_->slot_size_i, 2 * i, 32, static_cast<uint32_t>(s.size));
      SetLane(m_->slot_size_i, 2 * i + 1, 32, static_cast<uint32_t>(s.size >> 32));
    }
  }

  // ---- The golden model --------------------------------------------------------------------

  Outcome RunGolden(const isa::Insn& insn) {
    Outcome o;
    const auto before = gold_.counters();
    auto w = Bytes(insn);
    auto halt = Bytes(isa::Halt{});
    ASSERT_OK_OR_FAIL(gold_.DramWrite(kIqAddr, w));
    ASSERT_OK_OR_FAIL(gold_.DramWrite(kIqAddr + 32, halt));
    dram_.Write(kIqAddr, w);
    dram_.Write(kIqAddr + 32, halt);
    gold_.WriteReg(r::kCtrl, r::kCtrlSoftResetMask);
    gold_.WriteReg(r::kIqBaseLo, static_cast<uint32_t>(kIqAddr));
    gold_.WriteReg(r::kIqBaseHi, 0);
    gold_.WriteReg(r::kIqLen, 2);
    gold_.WriteReg(r::kDoorbell, 1);
    const uint32_t status = gold_.ReadReg(r::kStatus);
    EXPECT_FALSE(status & r::kStatusBusyMask);
    o.err = status & r::kStatusErrorMask;
    if (o.err) {
      o.code = gold_.ReadReg(r::kErrCode);
      o.addr = gold_.ReadReg(r::kErrAddrLo) | (uint64_t{gold_.ReadReg(r::kErrAddrHi)} << 32);
    }
    for (unsigned i = 0; i < r::kNumCounters; ++i) o.counts[i] = gold_.counters()[i] - before[i];
    return o;
  }
  static void ASSERT_OK_OR_FAIL(const Status& s) { EXPECT_TRUE(s.ok()) << s.ToString(); }

  // ---- The RTL -----------------------------------------------------------------------------

  void Idle() {
    m_->abort_i = 0;
    m_->fetch_start_i = 0;
    m_->fetch_flush_i = 0;
    m_->fetch_ready_i = 0;
    m_->ld_valid_i = 0;
    m_->st_valid_i = 0;
  }

  // One clock cycle of the DMA, its bus and its on-chip memories.
  void Cycle() {
    axi_.Drive(wires_);
    Axi4Copy::In(*m_, wires_);
    if (random_fetch_ready_) m_->fetch_ready_i = rng_() % 3 != 0;
    m_->eval();
    Axi4Copy::Out(*m_, wires_);
    axi_.Sample(wires_);
    // What happens at this edge.
    if (m_->mem_we_o) {
      const unsigned mem = m_->mem_wsel_o;
      const unsigned rb = geo_.RowBytes(mem);
      EXPECT_LT(m_->mem_waddr_o, geo_.Rows(mem));
      for (unsigned j = 0; j < rb; ++j)
        chip_[mem][m_->mem_waddr_o * rb + j] = static_cast<uint8_t>(GetLane(m_->mem_wdata_o, j, 8));
      for (unsigned j = rb; j < kRowBytesMax(); ++j)
        EXPECT_EQ(GetLane(m_->mem_wdata_o, j, 8), 0u) << "bytes past the row are zero";
      ++rows_written_;
    }
    const bool re = m_->mem_re_o;
    const unsigned rsel = m_->mem_rsel_o;
    const uint64_t raddr = m_->mem_raddr_o;
    if (m_->ld_done_o) {
      ld_done_ = Outcome{bool(m_->ld_err_o), m_->ld_err_code_o, m_->ld_err_addr_o, {}};
      ++ld_pulses_;
    }
    if (m_->st_done_o) {
      st_done_ = Outcome{bool(m_->st_err_o), m_->st_err_code_o, m_->st_err_addr_o, {}};
      ++st_pulses_;
    }
    if (m_->ld_valid_i && m_->ld_ready_o) m_ld_taken_ = true;
    if (m_->st_valid_i && m_->st_ready_o) m_st_taken_ = true;
    using C = r::Counter;
    auto add = [&](C c, uint32_t v) { counts_[static_cast<size_t>(c)] += v; };
    add(C::kDmaRdBytes, m_->dma_rd_bytes_o);
    add(C::kDmaWrBytes, m_->dma_wr_bytes_o);
    add(C::kFetchBytes, m_->fetch_bytes_o);
    add(C::kUbWrBytes, m_->ub_wr_bytes_o);
    add(C::kWbWrBytes, m_->wb_wr_bytes_o);
    add(C::kAccWrBytes, m_->acc_wr_bytes_o);
    add(C::kUbRdBytes, m_->ub_rd_bytes_o);
    add(C::kWbRdBytes, m_->wb_rd_bytes_o);
    add(C::kAccRdBytes, m_->acc_rd_bytes_o);
    if (m_->fetch_valid_o && m_->fetch_ready_i) {
      std::array<uint8_t, 32> word{};
      for (unsigned j = 0; j < 32; ++j) word[j] = GetLane(m_->fetch_word_o, j, 8);
      fetched_.push_back({bool(m_->fetch_err_o), word});
    }
    Tick(*m_);
    ++cycle_;
    // The memory answers a read in the next cycle; bytes past the row are garbage.
    if (re) {
      const unsigned rb = geo_.RowBytes(rsel);
      for (unsigned j = 0; j < kRowBytesMax(); ++j) {
        const uint8_t v = j < rb && raddr < geo_.Rows(rsel) ? chip_[rsel][raddr * rb + j]
                                                            : static_cast<uint8_t>(rng_());
        SetLane(m_->mem_rdata_i, j, 8, v);
      }
    }
  }
  unsigned kRowBytesMax() const { return std::max(4 * geo_.n, 256u); }

  // Runs a load or store job on the RTL until its done pulse.
  // Runs a load and / or a store (or PERF) job on the RTL at the same time, until each has
  // given its one done pulse. Counts are of both together.
  std::pair<Outcome, Outcome> RunRtlJobs(const isa::Insn* ld, const isa::Insn* st,
                                         const std::array<uint64_t, r::kNumCounters>* perf) {
    counts_.fill(0);
    ld_done_.reset();
    st_done_.reset();
    ld_pulses_ = st_pulses_ = 0;
    m_ld_taken_ = !ld;
    m_st_taken_ = !st;
    if (st) PackBytes(m_->st_insn_i, Bytes(*st));
    if (ld) PackBytes(m_->ld_insn_i, Bytes(*ld));
    if (perf) {
      for (unsigned i = 0; i < r::kNumCounters; ++i) {
        SetLane(m_->perf_counters_i, 2 * i, 32, static_cast<uint32_t>((*perf)[i]));
        SetLane(m_->perf_counters_i, 2 * i + 1, 32, static_cast<uint32_t>((*perf)[i] >> 32));
      }
    }
    const uint64_t start = cycle_;
    while ((ld && !ld_done_) || (st && !st_done_)) {
      if (cycle_ - start > 2000000) break;
      m_->ld_valid_i = !m_ld_taken_;
      m_->st_valid_i = !m_st_taken_;
      Cycle();
    }
    m_->ld_valid_i = m_->st_valid_i = 0;
    last_job_cycles_ = cycle_ - start;
    // The bus settles; no second done pulse.
    for (int i = 0; i < 3; ++i) Cycle();
    EXPECT_EQ(ld_pulses_, ld ? 1u : 0u) << "load done pulses";
    EXPECT_EQ(st_pulses_, st ? 1u : 0u) << "store done pulses";
    std::pair<Outcome, Outcome> o{ld_done_.value_or(Outcome{}), st_done_.value_or(Outcome{})};
    o.first.counts = o.second.counts = counts_;
    return o;
  }
  Outcome RunRtl(const isa::Insn& insn, bool store,
                 const std::array<uint64_t, r::kNumCounters>* perf) {
    auto o = store ? RunRtlJobs(nullptr, &insn, perf) : RunRtlJobs(&insn, nullptr, nullptr);
    return store ? o.second : o.first;
  }

  // A fetch stream: start it (it runs alongside whatever else), then check what it delivered:
  // words equal to memory in order until the first unreadable one, which ends the stream.
  void StartFetch(uint64_t addr, uint32_t count) {
    fetched_.clear();
    fetch_addr_ = addr;
    fetch_count_ = count;
    m_->fetch_addr_i = addr;
    m_->fetch_count_i = count;
    m_->fetch_start_i = 1;
    Cycle();
    m_->fetch_start_i = 0;
  }
  // Runs until the stream is over (or flushes it after `flush_after` words); returns the error
  // words seen (0 or 1).
  // wait_idle = false: return right after a flush, so that the next stream's start comes while
  // this one still drains (the engine remembers it).
  unsigned FinishFetch(std::optional<uint32_t> flush_after, bool wait_idle = true) {
    for (int guard = 0; guard < 100000; ++guard) {
      if (flush_after && fetched_.size() >= *flush_after) {
        m_->fetch_flush_i = 1;
        Cycle();
        m_->fetch_flush_i = 0;
        break;
      }
      if (m_->fetch_idle_o && !m_->fetch_valid_o) break;
      Cycle();
    }
    unsigned faults = 0;
    for (size_t i = 0; i < fetched_.size(); ++i) {
      const uint64_t a = fetch_addr_ + 32 * i;
      std::array<uint8_t, 32> want{};
      const bool ok = a % 32 == 0 && GoldRead(a, want);
      EXPECT_EQ(fetched_[i].first, !ok)
          << "stream at 0x" << std::hex << fetch_addr_ << " word " << std::dec << i;
      if (ok) {
        EXPECT_EQ(fetched_[i].second, want) << "word " << i;
      } else {
        EXPECT_EQ(i + 1, fetched_.size()) << "the stream ends with its error word";
        ++faults;
      }
    }
    if (!flush_after) {
      EXPECT_TRUE(faults == 1 || fetched_.size() == fetch_count_)
          << "stream of " << fetch_count_ << " words";
    }
    fetch_words_ += fetched_.size();
    if (wait_idle) {
      for (int i = 0; i < 1000 && !m_->fetch_idle_o; ++i) Cycle();
      EXPECT_TRUE(m_->fetch_idle_o);
    }
    return faults;
  }
  uint64_t fetch_words() const { return fetch_words_; }

  void Settle() {
    for (int i = 0; i < 100000 && !(m_->idle_o && axi_.Idle()); ++i) Cycle();
    EXPECT_TRUE(m_->idle_o && axi_.Idle()) << "the engine does not become idle";
  }

  // ---- Comparisons -------------------------------------------------------------------------

  void CompareRows(Mem mem, uint64_t first, uint64_t count, const char* what) {
    const unsigned m = static_cast<unsigned>(mem);
    const unsigned rb = geo_.RowBytes(m);
    for (uint64_t row = first; row < first + count && row < geo_.Rows(m); ++row) {
      std::span<const uint8_t> g = gold_.chip().Row(mem, row);
      if (std::memcmp(g.data(), &chip_[m][row * rb], rb) != 0) {
        ADD_FAILURE() << what << ": " << isa::MemName(mem) << " row " << row << " differs";
        return;
      }
    }
  }
  void SyncRows(Mem mem, uint64_t first, uint64_t count) {
    const unsigned m = static_cast<unsigned>(mem);
    const unsigned rb = geo_.RowBytes(m);
    for (uint64_t row = first; row < first + count && row < geo_.Rows(m); ++row)
      std::memcpy(&chip_[m][row * rb], gold_.chip().Row(mem, row).data(), rb);
  }
  // External bytes [a, a + n): equal where the golden model can read them; synced when `sync`.
  void CompareExt(uint64_t a, uint64_t n, bool sync, const char* what) {
    std::vector<uint8_t> g(n), h(n);
    if (!GoldRead(a, g)) {
      // Compare byte by byte where readable.
      for (uint64_t i = 0; i < n; ++i) {
        uint8_t gb = 0, hb = 0;
        if (GoldRead(a + i, std::span(&gb, 1)) && ExtRead(a + i, std::span(&hb, 1)) && gb != hb) {
          if (sync)
            ExtWrite(a + i, std::span<const uint8_t>(&gb, 1));
          else
            ADD_FAILURE() << what << ": byte at 0x" << std::hex << a + i << " differs";
        }
      }
      return;
    }
    ASSERT_TRUE(ExtRead(a, h));
    if (g != h) {
      if (sync)
        ExtWrite(a, g);
      else
        ADD_FAILURE() << what << ": bytes at 0x" << std::hex << a << " (" << std::dec << n
                      << ") differ";
    }
  }

  std::mt19937& rng() { return rng_; }
  const ChipGeometry& geo() const { return geo_; }
  const Slot& slot(unsigned i) const { return slots_[i]; }
  typename Cfg::Model& model() { return *m_; }
  VerilatedContext& context() { return ctx_; }
  AxiMem& axi() { return axi_; }
  golden::Counters gold_counters() const { return gold_.counters(); }
  uint64_t cycle() const { return cycle_; }
  uint64_t last_job_cycles() const { return last_job_cycles_; }
  uint64_t rows_written() const { return rows_written_; }
  std::vector<std::pair<bool, std::array<uint8_t, 32>>>& fetched() { return fetched_; }
  bool random_fetch_ready_ = true;

 private:
  ChipConfig config_;
  ChipGeometry geo_;
  std::mt19937 rng_;
  HostMemory gold_host_, host_;
  GoldenDevice gold_;
  SparseMemory dram_;
  std::vector<Slot> buffers_;
  std::array<Slot, r::kSlotCount> slots_{};
  std::array<std::vector<uint8_t>, 5> chip_;
  VerilatedContext ctx_;
  std::unique_ptr<typename Cfg::Model> m_;
  Axi4Wires wires_;
  AxiMem axi_;
  uint64_t cycle_ = 0, last_job_cycles_ = 0, rows_written_ = 0;
  std::optional<Outcome> ld_done_, st_done_;
  bool m_ld_taken_ = false, m_st_taken_ = false;
  unsigned ld_pulses_ = 0, st_pulses_ = 0;
  uint64_t fetch_addr_ = 0, fetch_words_ = 0;
  uint32_t fetch_count_ = 0;
  std::array<uint64_t, r::kNumCounters> counts_{};
  std::vector<std::pair<bool, std::array<uint8_t, 32>>> fetched_;
};

// The counters a DMA moves (the golden run also fetches two words and counts a barrier).
constexpr r::Counter kDmaCounters[] = {r::Counter::kDmaRdBytes, r::Counter::kDmaWrBytes,
                                       r::Counter::kUbRdBytes,  r::Counter::kUbWrBytes,
                                       r::Counter::kWbRdBytes,  r::Counter::kWbWrBytes,
                                       r::Counter::kAccRdBytes, r::Counter::kAccWrBytes};

template <class Cfg>
class DmaTest : public ::testing::Test {};
using Configs = ::testing::Types<Tiny, Sim16>;
class ConfigNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, Tiny> ? "Tiny" : "Sim16";
  }
};
TYPED_TEST_SUITE(DmaTest, Configs, ConfigNames);

// A DMA_LOAD or DMA_STORE (the two have the same fields).
template <class T>
T Transfer(unsigned slot, Mem mem, uint64_t offset, uint32_t stride, uint32_t chip_addr,
           uint32_t rows, uint32_t row_bytes) {
  T d;
  d.slot = slot;
  d.mem = mem;
  d.ext_offset = offset;
  d.ext_stride = stride;
  d.chip_addr = chip_addr;
  d.rows = rows;
  d.row_bytes = row_bytes;
  return d;
}

// A random DMA_LOAD / DMA_STORE within (mostly) or past the limits.
template <class Bench>
isa::Insn RandomTransfer(Bench& b, bool store) {
  auto& rng = b.rng();
  const ChipGeometry& g = b.geo();
  const auto mem = static_cast<Mem>(rng() % 5);
  const unsigned rb = g.RowBytes(static_cast<unsigned>(mem));
  const uint64_t mem_rows = g.Rows(static_cast<unsigned>(mem));
  const unsigned slot = rng() % r::kSlotCount;
  uint32_t rows = 1 + (rng() % 8 == 0 ? rng() % 300 : rng() % 12);
  uint32_t row_bytes = rng() % 4 == 0 ? rb : 1 + rng() % rb;
  if (rng() % 40 == 0) row_bytes = rb + 1 + rng() % 64;  // BAD_FIELD
  uint32_t chip_addr = static_cast<uint32_t>(rng() % mem_rows);
  if (rng() % 30 != 0) {
    rows = static_cast<uint32_t>(std::min<uint64_t>(rows, mem_rows));
    chip_addr = static_cast<uint32_t>(rng() % (mem_rows - rows + 1));  // else CHIP_RANGE maybe
  }
  uint32_t stride = row_bytes;
  const unsigned sk = rng() % 4;
  if (sk == 1) stride = row_bytes + rng() % 200;
  if (sk == 2) stride = static_cast<uint32_t>(rng() % 5000);
  const uint64_t size = b.slot(slot).size;
  uint64_t offset = size > 0 ? rng() % size : rng() % 1000;
  if (rng() % 3 == 0) offset = rng() % 4096;
  if (store) return Transfer<isa::DmaStore>(slot, mem, offset, stride, chip_addr, rows, row_bytes);
  return Transfer<isa::DmaLoad>(slot, mem, offset, stride, chip_addr, rows, row_bytes);
}

// Compares what one job left in the memories with the golden model's result.
template <class Bench>
void CheckMemories(Bench& b, const isa::Insn& insn, const Outcome& rtl, bool bus_error) {
  const std::string what = isa::Disassemble(insn);
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, isa::DmaLoad>) {
          if (!bus_error) {
            b.CompareRows(d.mem, d.chip_addr, d.rows, what.c_str());
            return;
          }
          // Rows before the failing one may have been written (documented); none from it on.
          const uint64_t a0 = b.slot(d.slot).base + d.ext_offset;
          uint64_t k = 0;
          while (k < d.rows && a0 + k * d.ext_stride != rtl.addr) ++k;
          EXPECT_LT(k, d.rows) << what << ": the fault address is no row's";
          b.CompareRows(d.mem, d.chip_addr + k, d.rows - k, what.c_str());
          b.SyncRows(d.mem, d.chip_addr, d.rows);
        } else if constexpr (std::is_same_v<T, isa::DmaStore>) {
          // After a bus error rows may have reached memory (documented): re-synchronized.
          const uint64_t a0 = b.slot(d.slot).base + d.ext_offset;
          for (uint64_t row = 0; row < d.rows; ++row)
            b.CompareExt(a0 + row * d.ext_stride, d.row_bytes, rtl.err, what.c_str());
        } else if constexpr (std::is_same_v<T, isa::Perf>) {
          b.CompareExt(b.slot(d.slot).base + d.ext_offset, r::kSnapshotBytes, rtl.err,
                       what.c_str());
        }
      },
      insn);
}

// Checks a load and / or a store (or PERF) job, run at the same time on the RTL and one after
// the other on the golden model (the bench pairs only jobs that touch disjoint memory).
template <class Bench>
void CheckJobs(Bench& b, const isa::Insn* ld, const isa::Insn* st, unsigned* errors,
               unsigned* bus_errors) {
  std::optional<std::array<uint64_t, r::kNumCounters>> perf;
  if (st && std::holds_alternative<isa::Perf>(*st)) {
    // The golden model snapshots its counters after fetching the PERF word.
    std::array<uint64_t, r::kNumCounters> c{};
    for (unsigned i = 0; i < r::kNumCounters; ++i) c[i] = b.gold_counters()[i];
    c[static_cast<size_t>(r::Counter::kFetchBytes)] += 32;
    perf = c;
  }
  Outcome gold_ld, gold_st;
  if (st) gold_st = b.RunGolden(*st);
  if (ld) gold_ld = b.RunGolden(*ld);
  auto [rtl_ld, rtl_st] = b.RunRtlJobs(ld, st, perf ? &*perf : nullptr);
  for (r::Counter c : kDmaCounters) {
    const auto i = static_cast<size_t>(c);
    EXPECT_EQ(rtl_ld.counts[i], gold_ld.counts[i] + gold_st.counts[i]) << r::kCounterNames[i];
  }
  for (auto [insn, gold, rtl] :
       {std::tuple{ld, gold_ld, rtl_ld}, std::tuple{st, gold_st, rtl_st}}) {
    if (!insn) continue;
    const std::string what = isa::Disassemble(*insn);
    EXPECT_EQ(rtl.err, gold.err) << what;
    if (rtl.err && gold.err) {
      ++*errors;
      EXPECT_EQ(rtl.code, gold.code) << what;
      // BAD_FIELD's address is the instruction's, which the shell puts in.
      if (gold.code != static_cast<uint32_t>(r::ErrCode::kBadField)) {
        EXPECT_EQ(rtl.addr, gold.addr)
            << what << std::hex << " gold 0x" << gold.addr << " rtl 0x" << rtl.addr;
      }
    }
    const bool bus_error = rtl.err && rtl.code == static_cast<uint32_t>(r::ErrCode::kDmaFault) &&
                           rtl.addr >= kWindow && rtl.addr < kWindow * 2;
    *bus_errors += bus_error;
    CheckMemories(b, *insn, rtl, bus_error);
  }
}
template <class Bench>
void CheckJob(Bench& b, const isa::Insn& insn, unsigned* errors, unsigned* bus_errors) {
  if (std::holds_alternative<isa::DmaLoad>(insn))
    CheckJobs(b, &insn, nullptr, errors, bus_errors);
  else
    CheckJobs(b, nullptr, &insn, errors, bus_errors);
}

// The external bytes a transfer touches, [first, last).
std::pair<uint64_t, uint64_t> ExtRange(uint64_t base, const auto& d) {
  const uint64_t a = base + d.ext_offset;
  return {a, a + uint64_t{d.rows - 1} * d.ext_stride + d.row_bytes};
}

TYPED_TEST(DmaTest, RandomJobsMatchGolden) {
  AxiMem::Options opt;
  opt.max_reads = 40;
  opt.max_writes = 40;
  DmaBench<TypeParam> b(7, opt);
  auto& rng = b.rng();
  unsigned errors = 0, bus_errors = 0, jobs = 0, pairs = 0;
  for (int phase = 0; phase < 12; ++phase) {
    // Each phase: another slot table and another memory personality.
    b.NewSlots();
    AxiMem::Options o = opt;
    o.read_latency = rng() % 3 == 0 ? 0 : rng() % 40;
    o.write_latency = rng() % 20;
    o.ready_prob = phase % 3 == 0 ? 1.0 : 0.4 + 0.6 * (rng() % 100) / 100.0;
    o.valid_prob = phase % 4 == 0 ? 1.0 : 0.4 + 0.6 * (rng() % 100) / 100.0;
    o.bytes_per_cycle = phase % 2 ? 0 : 8.0 + rng() % 64;
    o.interleave_ids = phase % 3 != 1;
    b.axi().set_options(o);
    for (int j = 0; j < 250; ++j) {
      const unsigned kind = rng() % 20;
      isa::Insn insn;
      if (kind < 9) {
        insn = RandomTransfer(b, false);
      } else if (kind < 18) {
        insn = RandomTransfer(b, true);
      } else {
        isa::Perf p;
        p.slot = rng() % r::kSlotCount;
        p.ext_offset = rng() % std::max<uint64_t>(1, b.slot(p.slot).size + 64);
        p.tag = rng();
        insn = p;
      }
      // A fetch stream alongside, one job in three.
      const bool fetch = rng() % 3 == 0;
      if (fetch) b.StartFetch(kFetchArea + 32 * (rng() % 1024), 1 + rng() % 64);
      // One job in four is a load and a store at once, when they touch disjoint memory.
      std::optional<isa::Insn> partner;
      if (kind < 9 && rng() % 4 == 0) {
        const isa::Insn other = RandomTransfer(b, true);
        const auto& l = std::get<isa::DmaLoad>(insn);
        const auto& t = std::get<isa::DmaStore>(other);
        const auto lr = ExtRange(b.slot(l.slot).base, l);
        const auto sr = ExtRange(b.slot(t.slot).base, t);
        if (l.mem != t.mem && (lr.second <= sr.first || sr.second <= lr.first)) partner = other;
      }
      if (partner) {
        CheckJobs(b, &insn, &*partner, &errors, &bus_errors);
        ++pairs;
      } else {
        CheckJob(b, insn, &errors, &bus_errors);
      }
      if (fetch) b.FinishFetch(std::nullopt);
      ++jobs;
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_EQ(jobs, 3000u);
  EXPECT_GT(pairs, 100u) << "too few loads and stores at the same time";
  EXPECT_GT(b.fetch_words(), 10000u) << "too few words fetched alongside";
  EXPECT_GT(errors, 300u) << "too few faulting jobs";
  EXPECT_GT(bus_errors, 20u) << "too few bus errors";
  EXPECT_GT(b.rows_written(), 5000u);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.axi().violations().empty()) << b.axi().violations().front();
}

// Fetch streams: words in order, equal to memory; the first unreadable word (misaligned start,
// unmapped, guard page of a host buffer) ends the stream with err; flushes mid-stream and a new
// stream started at once; FETCH_BYTES = 32 per good word taken. Runs alongside nothing else.
TYPED_TEST(DmaTest, FetchStreams) {
  AxiMem::Options opt;
  DmaBench<TypeParam> b(11, opt);
  auto& rng = b.rng();
  unsigned streams = 0, faults = 0, flushes = 0;
  for (int s = 0; s < 600; ++s) {
    AxiMem::Options o = opt;
    o.read_latency = rng() % 30;
    o.ready_prob = 0.5 + (rng() % 50) / 100.0;
    o.valid_prob = 0.5 + (rng() % 50) / 100.0;
    b.axi().set_options(o);
    uint64_t addr = 0;
    const unsigned kind = rng() % 10;
    if (kind < 5) {
      addr = kFetchArea + 32 * (rng() % (kFetchAreaBytes / 32));  // may run off the area: zeros
    } else if (kind < 7) {
      addr = b.geo().dram_bytes - 32 * (rng() % 8);  // runs off DRAM
    } else if (kind < 9) {
      const Slot& sl = b.slot(rng() % r::kSlotCount);
      addr = (sl.base + rng() % std::max<uint64_t>(sl.size, 1)) & ~uint64_t{31};  // anywhere
    } else {
      addr = kFetchArea + 1 + rng() % 31;  // misaligned
    }
    const uint32_t count = 1 + rng() % 40;
    std::optional<uint32_t> flush_after;
    if (rng() % 5 == 0) {
      flush_after = rng() % count;
      ++flushes;
    }
    b.StartFetch(addr, count);
    faults += b.FinishFetch(flush_after, /*wait_idle=*/!flush_after || rng() % 2);
    ++streams;
  }
  EXPECT_GT(faults, 100u);
  EXPECT_GT(flushes, 60u);
  EXPECT_GT(b.fetch_words(), 5000u);
  EXPECT_EQ(streams, 600u);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.axi().violations().empty()) << b.axi().violations().front();
}

// A DRAM slot of at least `bytes` and the offset in it of the first bus-aligned address
// (slot = kSlotCount if there is none).
template <class Bench>
std::pair<unsigned, uint64_t> AlignedDramSlot(Bench& b, uint64_t bytes) {
  const uint64_t dram = b.geo().dram_bytes, beat = Bench::kB;
  for (unsigned i = 0; i < r::kSlotCount; ++i) {
    const Slot& s = b.slot(i);
    if (s.base < dram && s.size >= bytes && s.base + s.size <= dram)
      return {i, (beat - s.base % beat) % beat};
  }
  return {r::kSlotCount, 0};
}

// The options of the config's DRAM latency (sim16: 100 ns at 250 MHz = 25 cycles; tiny: 120 ns
// at 200 MHz = 24) with no bandwidth limit: the engine must keep the bus busy.
template <class Cfg>
AxiMem::Options ConfigLatency() {
  const ChipConfig cfg = LoadChipConfig(Cfg::config).value();
  AxiMem::Options opt = AxiMem::MemoryTiming(cfg.dram().bandwidth_gbps(), cfg.dram().latency_ns(),
                                             cfg.clock_mhz(), Cfg::kDataBytes);
  opt.bytes_per_cycle = 0;
  opt.max_reads = 64;
  opt.max_writes = 64;
  return opt;
}

// A large load runs at the bus width when the memory answers every cycle: rows as wide as a beat
// (ACC rows on sim16, LUT rows everywhere are >= the beat), aligned, DRAM latency covered by the
// outstanding reads. And a store of the same rows, likewise.
TYPED_TEST(DmaTest, LargeTransfersStreamAtBusWidth) {
  const AxiMem::Options opt = ConfigLatency<TypeParam>();
  ASSERT_GE(opt.read_latency, 24u);
  DmaBench<TypeParam> b(13, opt);
  // Find a DRAM slot large enough and point it at an aligned base.
  const ChipGeometry& g = b.geo();
  const Mem mem = 4 * g.n >= TypeParam::kDataBytes ? Mem::kAcc : Mem::kLut;
  const unsigned rb = g.RowBytes(static_cast<unsigned>(mem));
  const uint32_t rows =
      static_cast<uint32_t>(std::min<uint64_t>(g.Rows(static_cast<unsigned>(mem)), 1024));
  const auto [slot, off] = AlignedDramSlot(b, uint64_t{rows} * rb + 4096);
  ASSERT_LT(slot, r::kSlotCount) << "no large DRAM slot in this seed's table";
  const auto ld = Transfer<isa::DmaLoad>(slot, mem, off, rb, 0, rows, rb);
  unsigned errors = 0, bus = 0;
  CheckJob(b, ld, &errors, &bus);
  const uint64_t beats = uint64_t{rows} * rb / TypeParam::kDataBytes;
  // Beats + latency + the check and pipeline stages: within 5 % of one beat per cycle.
  EXPECT_LE(b.last_job_cycles(), beats + opt.read_latency + 20 + beats / 20)
      << rows << " rows of " << rb << " bytes, " << beats << " beats";
  std::printf("load: %u rows of %u B, %llu beats, latency %u: %llu cycles\n", rows, rb,
              static_cast<unsigned long long>(beats), opt.read_latency,
              static_cast<unsigned long long>(b.last_job_cycles()));
  const auto st = Transfer<isa::DmaStore>(slot, mem, off, rb, 0, rows, rb);
  CheckJob(b, st, &errors, &bus);
  EXPECT_LE(b.last_job_cycles(), beats + opt.write_latency + 20 + beats / 20);
  std::printf("store: %u rows of %u B, %llu beats, latency %u: %llu cycles\n", rows, rb,
              static_cast<unsigned long long>(beats), opt.write_latency,
              static_cast<unsigned long long>(b.last_job_cycles()));
  EXPECT_EQ(errors, 0u);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.axi().violations().empty()) << b.axi().violations().front();
}

// Dense rows narrower than the bus (UB rows of N bytes, stride = row_bytes): each bus beat is
// read once and shared by the rows in it, and the load writes one row per cycle (a row that
// straddles two beats takes two).
TYPED_TEST(DmaTest, DenseNarrowRowsReadEachBeatOnce) {
  const AxiMem::Options opt = ConfigLatency<TypeParam>();
  DmaBench<TypeParam> b(19, opt);
  const ChipGeometry& g = b.geo();
  const unsigned rb = g.n;
  const uint32_t rows = 2048;
  const auto [slot, off] = AlignedDramSlot(b, uint64_t{rows} * rb + 4096);
  ASSERT_LT(slot, r::kSlotCount) << "no large DRAM slot in this seed's table";
  unsigned errors = 0, bus = 0;
  for (const uint64_t shift : {uint64_t{0}, uint64_t{3}}) {  // aligned, then not
    const uint64_t beats_before = b.axi().r_beats();
    const auto ld = Transfer<isa::DmaLoad>(slot, Mem::kUb, off + shift, rb, 0, rows, rb);
    CheckJob(b, ld, &errors, &bus);
    const uint64_t beats = b.axi().r_beats() - beats_before;
    const uint64_t data_beats =
        (shift + uint64_t{rows} * rb + TypeParam::kDataBytes - 1) / TypeParam::kDataBytes;
    EXPECT_EQ(beats, data_beats) << "every beat read once";
    // A row that straddles a beat boundary takes a cycle per beat (the kept one, then the next).
    uint64_t straddling = 0;
    for (uint64_t r = 0; r < rows; ++r) {
      const uint64_t a = b.slot(slot).base + off + shift + r * rb;
      straddling += a / TypeParam::kDataBytes != (a + rb - 1) / TypeParam::kDataBytes;
    }
    EXPECT_LE(b.last_job_cycles(), rows + straddling + opt.read_latency + 20 + rows / 20);
    std::printf("dense load: %u rows of %u B at +%llu: %llu beats, %llu cycles\n", rows, rb,
                static_cast<unsigned long long>(shift), static_cast<unsigned long long>(beats),
                static_cast<unsigned long long>(b.last_job_cycles()));
  }
  EXPECT_EQ(errors, 0u);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.axi().violations().empty()) << b.axi().violations().front();
}

// abort_i mid-job: no done pulse, the bus drains, the engine takes the next job; then the
// memories are re-synchronized and a normal job matches the golden model again.
TYPED_TEST(DmaTest, AbortDrainsWithoutDone) {
  AxiMem::Options opt;
  opt.read_latency = 10;
  opt.ready_prob = 0.7;
  DmaBench<TypeParam> b(17, opt);
  auto& rng = b.rng();
  auto& m = b.model();
  unsigned aborted = 0;
  for (int j = 0; j < 200; ++j) {
    const bool store = rng() % 2;
    isa::Insn insn = RandomTransfer(b, store);
    auto w = Bytes(insn);
    if (store) {
      PackBytes(m.st_insn_i, w);
    } else {
      PackBytes(m.ld_insn_i, w);
    }
    (store ? m.st_valid_i : m.ld_valid_i) = 1;
    b.Cycle();
    (store ? m.st_valid_i : m.ld_valid_i) = 0;
    const unsigned wait = rng() % 60;  // the job may even finish before the abort
    for (unsigned i = 0; i < wait; ++i) b.Cycle();
    m.abort_i = 1;
    b.Cycle();
    m.abort_i = 0;
    for (int i = 0; i < 5000 && !m.idle_o; ++i) {
      EXPECT_FALSE(m.ld_done_o || m.st_done_o) << "done after abort";
      b.Cycle();
    }
    EXPECT_TRUE(m.idle_o);
    ++aborted;
    // Re-synchronize: whatever the aborted job moved, the golden model did not.
    std::visit(
        [&](const auto& d) {
          using T = std::decay_t<decltype(d)>;
          if constexpr (std::is_same_v<T, isa::DmaLoad>) {
            b.SyncRows(d.mem, d.chip_addr, d.rows);
          } else if constexpr (std::is_same_v<T, isa::DmaStore>) {
            for (uint64_t row = 0; row < d.rows; ++row)
              b.CompareExt(b.slot(d.slot).base + d.ext_offset + row * d.ext_stride, d.row_bytes,
                           true, "resync");
          }
        },
        insn);
  }
  unsigned errors = 0, bus = 0;
  for (int j = 0; j < 100; ++j) CheckJob(b, RandomTransfer(b, rng() % 2), &errors, &bus);
  EXPECT_EQ(aborted, 200u);
  EXPECT_EQ(b.context().errorCount(), 0) << "an SV assertion failed";
  EXPECT_TRUE(b.axi().violations().empty()) << b.axi().violations().front();
}

}  // namespace
}  // namespace aorta::verif
