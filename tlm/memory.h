// Memories and the chip's bus in the TLM model: board DRAM and the host window as TLM-2.0
// targets (loosely timed b_transport with a bandwidth / latency model, debug transport, DMI),
// and the bus that decodes the device address map (core/device.h) for a chip's DMA initiator.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

#include "core/device.h"
#include "core/zeroed_bytes.h"

namespace aorta::tlm {

// A shared resource with a peak bandwidth and a fixed latency, served in call order (a link: one
// sender per direction): a transfer of `bytes` that may start at `start` occupies it for
// bytes / bandwidth after it is free, and completes `latency` after that.
class BandwidthModel {
 public:
  BandwidthModel(double bytes_per_s, double latency_ps);
  // The completion time of a transfer that can start at `start`: serialized behind earlier
  // transfers at the bandwidth, then the latency.
  sc_core::sc_time Transfer(const sc_core::sc_time& start, uint64_t bytes);
  uint64_t bytes() const { return bytes_; }

 private:
  double ps_per_byte_;
  sc_core::sc_time latency_;
  sc_core::sc_time free_at_ = sc_core::SC_ZERO_TIME;
  uint64_t bytes_ = 0;
};

// A board memory's bandwidth and latency, shared by reads and writes as the RTL bench's memory
// model shares them (verif/common/axi_mem, the memory every RTL figure is measured against), in
// clock cycles of the chip:
//   - one token bucket of `burst_bytes` (two bus beats), refilled by bandwidth / clock bytes at
//     the end of every cycle; its level may go below zero;
//   - in a cycle whose level (at its start) covers a beat, the R channel serves one beat (a read's
//     beats once its latency has passed, in request order) and the W channel takes one beat,
//     both in the same cycle if both want one; each costs its bytes (a read beat its transfer
//     size, a W beat the bus width); neither channel has priority;
//   - a read requested in cycle a (start = a + 1: the AR handshake) has its first beat ready in
//     a + 1 + latency; a write's response comes latency + 1 cycles after its last W beat.
// Loosely timed initiators (the LD and ST processes, fetch) call in their own order, up to a
// quantum apart in simulated time. So the memory is a calendar of cycles (the level at each
// cycle's start and the channels it served), not a level at the last call: a beat takes the
// first cycle at or after its earliest one where its channel is free and the level covers it,
// and the levels after it are brought up to date. A store asked for after loads that come later
// in simulated time is served in the cycles the loads left it, as the RTL interleaves them; its
// beats lower the level the later loads had seen (the debt delays what comes after, so the
// bytes per cycle stay the memory's). With every access asked for in time order, the cycles are
// the RTL memory's. Cycles before the current time are dropped (no access can reach them).
class MemoryTiming {
 public:
  // `period_ps`: the chip's clock; `beat_bytes`: the DMA bus width; `latency_ps` is counted in
  // whole cycles (rounded up); bytes_per_s <= 0: no bandwidth limit (a beat per cycle per
  // channel).
  MemoryTiming(double bytes_per_s, double latency_ps, double period_ps, uint32_t beat_bytes,
               double burst_bytes);
  // An access of `bytes` (whole bus beats for the DMA; a fetch word is one narrow beat) asked for
  // at simulated time `now`. A read: `start` is the cycle after its request; returns the cycle
  // of its last data beat. A write: `start` is the cycle after its last W beat if they go back
  // to back (its first beat is offered `bytes / beat` cycles before); returns its response.
  sc_core::sc_time Access(const sc_core::sc_time& now, const sc_core::sc_time& start,
                          uint64_t bytes, bool write);
  // Time order across initiators. Called by b_transport before Access, in the calling
  // process: an access of a DMA initiator (a SystemC thread moving BusBytes rows: `dma`) whose
  // earliest cycle (a read's start + latency, a write's first beat) lies more than a window
  // beyond the earliest cycle another DMA initiator is asking for or last asked for (one still
  // active: that cycle not yet past) waits, without passing its own start, until that initiator
  // has asked for more (they take turns in delta cycles) or its start has come. So while loads
  // and stores run at once the memory is asked in the order of the cycles it serves, give or take
  // the window, and an initiator alone keeps its quantum. The window is the time the bucket takes
  // to refill one beat (sim16 and tiny: 2 cycles; none without a bandwidth limit): asks that
  // close together are served within a refill or two of the RTL memory's cycles, as the calendar
  // serves out-of-order asks anyway, and not waiting for each of them saves BlazeFace back a
  // tenth of its run in turn-taking (docs/perf.md).
  // `s`: the cycle of `start`, `n` the cycle of now (CycleOf); returns whether it waited.
  bool Arbitrate(const sc_core::sc_time& start, uint64_t s, uint64_t n, uint64_t bytes, bool write,
                 bool dma);
  // A timed access of `bytes` asked for at `*delay` after now, in the calling process: Arbitrate
  // (the other initiators may catch up first: time moves, never past the start), then Access;
  // `*delay` becomes its completion, from the time then. What a memory target's b_transport
  // does (Dram, HostWindow), and the chip's DRAM accesses that bypass the bus.
  void Time(sc_core::sc_time* delay, uint64_t bytes, bool write, bool dma);
  uint64_t waits() const { return waits_; }
  sc_core::sc_time latency() const { return period_ * static_cast<double>(latency_); }
  uint64_t bytes() const { return bytes_; }
  // Cycles held in the calendar (for tests: it stays bounded by what is in flight).
  size_t cycles_held() const { return cal_.size(); }

 private:
  struct Cycle {
    double level = 0;    // bytes in the bucket at the start of the cycle
    double spent = 0;    // bytes served in the cycle
    uint8_t served = 0;  // channels that served a beat: 1 R, 2 W
  };
  // The cycle t falls in (rounded up). A whole period of at most 10^6 time units: the same
  // rounding in integers (a time that is not a multiple of the period lies at least 1 / period >
  // 10^-6 of a cycle past the previous one).
  uint64_t CycleOf(const sc_core::sc_time& t) const {
    if (period_units_ != 0) return (t.value() + period_units_ - 1) / period_units_;
    return CycleOfFractional(t);
  }
  uint64_t CycleOfFractional(const sc_core::sc_time& t) const;
  // Access with the cycles of now and of the start already found.
  sc_core::sc_time AccessCycles(uint64_t n0, uint64_t s, uint64_t bytes, bool write);
  // Bus beats of `bytes` (at least one).
  uint64_t Beats(uint64_t bytes) const {
    const uint64_t b = beat_shift_ >= 0 ? (bytes + beat_bytes_ - 1) >> beat_shift_
                                        : (bytes + beat_bytes_ - 1) / beat_bytes_;
    return std::max<uint64_t>(1, b);
  }
  Cycle& At(uint64_t c);  // extends the calendar to c
  // The first cycle >= c where `channel` is free and the level covers `cost`.
  uint64_t FindCycle(uint64_t c, uint8_t channel, double cost);
  void Serve(uint64_t c, uint8_t channel, double cost);
  double Next(const Cycle& x) const { return std::min(x.level - x.spent + per_cycle_, depth_); }

  sc_core::sc_time period_;
  double period_ps_;
  double ps_per_value_ = 1;    // picoseconds per sc_time value unit
  uint64_t period_units_ = 0;  // the period in sc_time value units when whole (0: not)
  uint64_t latency_;           // cycles
  uint32_t beat_bytes_;        // bus width
  int beat_shift_ = -1;        // log2 of the bus width when a power of two (-1: not)
  uint64_t window_ = 0;        // cycles to refill a beat (0: no bandwidth limit)
  double per_cycle_;           // refill per cycle (0: no limit)
  double depth_;               // bucket depth
  // A queue of cycles in a ring of a power-of-two capacity (grows; indexing is a mask, not the
  // deque's block lookup: the calendar is indexed on every beat).
  class CycleRing {
   public:
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Cycle& operator[](size_t i) { return ring_[(head_ + i) & (ring_.size() - 1)]; }
    Cycle& back() { return (*this)[size_ - 1]; }
    // Drops the first k cycles (k <= size).
    void drop_front(size_t k) {
      head_ = (head_ + k) & (ring_.size() - 1);
      size_ -= k;
    }
    void push_back(const Cycle& c) {
      if (size_ == ring_.size()) Grow(size_ + 1);
      ++size_;
      back() = c;
    }
    // Room for n cycles without growing.
    void reserve(size_t n) {
      if (n > ring_.size()) Grow(n);
    }

   private:
    void Grow(size_t n) {
      size_t cap = std::max<size_t>(64, ring_.size());
      while (cap < n) cap *= 2;
      std::vector<Cycle> bigger(cap);
      for (size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
      ring_.swap(bigger);
      head_ = 0;
    }
    std::vector<Cycle> ring_;
    size_t head_ = 0, size_ = 0;
  };
  CycleRing cal_;  // cycles base_ .. base_ + size - 1; none served after them
  uint64_t base_ = 0;
  double tail_level_;  // the level at the start of cycle base_ + size
  uint64_t bytes_ = 0;
  // Arbitration: the earliest cycle each DMA initiator (a SystemC thread) asks for or last asked
  // for; notified whenever one asks.
  struct Initiator {
    const void* process;
    uint64_t cycle;
  };
  std::vector<Initiator> initiators_;
  sc_core::sc_event asked_;
  std::array<uint64_t, 2> last_served_{};  // the last cycle a beat was served: R, W
  uint64_t waits_ = 0;
};

// What a transfer costs a memory's bandwidth when that differs from its data length: the RTL's
// DMA moves whole bus beats (a narrow row costs a beat; a row that starts in the beat the
// previous row ended in re-uses it). Without the extension a transfer costs its length.
struct BusBytes : ::tlm::tlm_extension<BusBytes> {
  uint64_t bytes = 0;
  ::tlm::tlm_extension_base* clone() const override { return new BusBytes(*this); }
  void copy_from(const ::tlm::tlm_extension_base& e) override {
    bytes = static_cast<const BusBytes&>(e).bytes;
  }
};

// Board DRAM: `bytes` bytes (sparse pages, zero until written), timed by the config's DRAM
// bandwidth and latency. DMI grants one page at a time (pages are allocated on demand).
// Two ports: `socket` for the chip's bus, `bar2` for the host (PCIe BAR2).
class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;
  tlm_utils::simple_target_socket<Dram> bar2;

  // `timing`: the memory's bandwidth (shared with the host window when the RTL bench's memory
  // serves both, tlm/board.cc).
  Dram(sc_core::sc_module_name name, uint64_t bytes, std::shared_ptr<MemoryTiming> timing);
  uint64_t size() const { return bytes_; }
  const MemoryTiming& timing() const { return *timing_; }
  const std::shared_ptr<MemoryTiming>& shared_timing() const { return timing_; }
  static constexpr uint64_t kPageBytes = uint64_t{1} << 16;

 private:
  void BTransport(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned TransportDbg(::tlm::tlm_generic_payload& gp);
  bool GetDirectMemPtr(::tlm::tlm_generic_payload& gp, ::tlm::tlm_dmi& dmi);
  // Copies between the payload and the pages; false (nothing done) if out of range.
  bool Access(::tlm::tlm_generic_payload& gp);
  uint8_t* Page(uint64_t page);

  uint64_t bytes_;
  std::shared_ptr<MemoryTiming> timing_;
  std::unordered_map<uint64_t, ZeroedBytes> pages_;
  // The page accessed last (pages are never freed: the pointer stays valid).
  uint64_t last_page_ = ~uint64_t{0};
  uint8_t* last_page_data_ = nullptr;
};

// The host window: host memory (a DeviceMemory, e.g. HostMemory) reached over PCIe. Addresses
// are IOVAs (offsets into the window). An access the host memory refuses answers
// TLM_ADDRESS_ERROR_RESPONSE.
class HostWindow : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostWindow> socket;

  HostWindow(sc_core::sc_module_name name, DeviceMemory* host,
             std::shared_ptr<MemoryTiming> timing);
  const MemoryTiming& timing() const { return *timing_; }

 private:
  void BTransport(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned TransportDbg(::tlm::tlm_generic_payload& gp);
  bool Access(::tlm::tlm_generic_payload& gp);

  DeviceMemory* host_;
  std::shared_ptr<MemoryTiming> timing_;
};

// One chip's bus: device addresses [0, dram_bytes) go to DRAM, the host window
// [kHostWindowBase, +2^47) to the host (address minus kHostWindowBase); anything else, or an
// access crossing a window's end, answers TLM_ADDRESS_ERROR_RESPONSE. DMI requests are
// forwarded with the address ranges translated back.
class Bus : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Bus> in;
  tlm_utils::simple_initiator_socket<Bus> to_dram;
  tlm_utils::simple_initiator_socket<Bus> to_host;

  Bus(sc_core::sc_module_name name, uint64_t dram_bytes, bool has_host);

 private:
  enum class Route { kDram, kHost, kNone };
  Route Decode(::tlm::tlm_generic_payload& gp);
  void BTransport(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned TransportDbg(::tlm::tlm_generic_payload& gp);
  bool GetDirectMemPtr(::tlm::tlm_generic_payload& gp, ::tlm::tlm_dmi& dmi);

  uint64_t dram_bytes_;
  bool has_host_;
};

}  // namespace aorta::tlm
