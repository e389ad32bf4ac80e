// AXI4 slave memory model (bus-functional) for a verilated AXI4 master, cycle by cycle.
//
// The memory behind the bus is given as two callbacks, so a bench can map whatever it needs:
// board DRAM, the host window onto a DeviceMemory (core/device.h), a SparseMemory (below), with
// refused ranges to inject bus errors. Per beat the model calls Read for the beat's bytes (a
// failure answers that beat SLVERR) and Write for each run of strobed bytes (a failure answers
// the burst's B with SLVERR).
//
// Timing: a read burst's first beat may leave read_latency cycles after its AR was accepted, a
// write response write_latency cycles after the burst's last W beat. bytes_per_cycle models the
// memory's bandwidth (a token bucket shared by R and W beats, each costing its transfer size;
// 0 = one beat per cycle per channel). ready_prob / valid_prob insert random back-pressure on
// AWREADY, WREADY, ARREADY and random gaps in R and B. At most max_reads / max_writes bursts are
// accepted and not yet finished. Write responses come in request order; R lanes a beat does not
// carry hold random bytes, so a master that reads the wrong lanes fails.
//
// Protocol checks (recorded in violations()): INCR bursts only, AxSIZE within the bus, no burst
// crossing 4 KiB, WLAST on exactly the last beat, strobes only on the beat's lanes, every valid
// held with its payload until ready.
//
// Read data comes in request order per ID; with interleave_ids, beats of bursts with different
// IDs are interleaved at random (each ID's oldest burst competes), as an interconnect may.
//
// One cycle of a bench (Axi4Copy binds a top with aorta_dma's m_axi_* port names; the SoC top
// uses the same names):
//
//   mem.Drive(wires);             // the slave's outputs for this cycle
//   Axi4Copy::In(model, wires);
//   model.eval();
//   Axi4Copy::Out(model, wires);  // the master's outputs
//   mem.Sample(wires);            // handshakes of this edge; the model advances one cycle
//   Tick(model);
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace aorta::verif {

struct Axi4Wires {
  explicit Axi4Wires(uint32_t data_bytes)
      : wdata(data_bytes), wstrb(data_bytes), rdata(data_bytes) {}
  // Master -> slave.
  uint32_t awid = 0, awlen = 0, awsize = 0, awburst = 0;
  uint64_t awaddr = 0;
  bool awvalid = false;
  std::vector<uint8_t> wdata, wstrb;  // wstrb: one 0/1 per byte lane
  bool wlast = false, wvalid = false, bready = false;
  uint32_t arid = 0, arlen = 0, arsize = 0, arburst = 0;
  uint64_t araddr = 0;
  bool arvalid = false, rready = false;
  // Slave -> master.
  bool awready = false, wready = false;
  uint32_t bid = 0, bresp = 0;
  bool bvalid = false, arready = false;
  uint32_t rid = 0, rresp = 0;
  std::vector<uint8_t> rdata;
  bool rlast = false, rvalid = false;
};

// Bytes <-> a verilated port (an integer up to 64 bits, else a VlWide of 32-bit words).
template <class Sig>
void PackBytes(Sig& sig, std::span<const uint8_t> bytes) {
  if constexpr (std::is_integral_v<Sig>) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes.size() && i < sizeof(Sig); ++i) v |= uint64_t{bytes[i]} << (8 * i);
    sig = static_cast<Sig>(v);
  } else {
    for (size_t w = 0; w * 4 < bytes.size(); ++w) {
      uint32_t v = 0;
      for (size_t b = 0; b < 4 && w * 4 + b < bytes.size(); ++b)
        v |= uint32_t{bytes[w * 4 + b]} << (8 * b);
      sig.at(w) = v;
    }
  }
}
template <class Sig>
void UnpackBytes(const Sig& sig, std::span<uint8_t> bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if constexpr (std::is_integral_v<Sig>) {
      bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(sig) >> (8 * i));
    } else {
      bytes[i] = static_cast<uint8_t>(sig.at(i / 4) >> (8 * (i % 4)));
    }
  }
}
// Bit i of a port -> bits[i] (0 / 1).
template <class Sig>
void UnpackBits(const Sig& sig, std::span<uint8_t> bits) {
  for (size_t i = 0; i < bits.size(); ++i) {
    if constexpr (std::is_integral_v<Sig>) {
      bits[i] = (static_cast<uint64_t>(sig) >> i) & 1;
    } else {
      bits[i] = (sig.at(i / 32) >> (i % 32)) & 1;
    }
  }
}

// Copies between Axi4Wires and a verilated top with aorta_dma's m_axi_* port names.
struct Axi4Copy {
  template <class Model>
  static void In(Model& m, const Axi4Wires& w) {
    m.m_axi_awready_i = w.awready;
    m.m_axi_wready_i = w.wready;
    m.m_axi_bid_i = w.bid;
    m.m_axi_bresp_i = w.bresp;
    m.m_axi_bvalid_i = w.bvalid;
    m.m_axi_arready_i = w.arready;
    m.m_axi_rid_i = w.rid;
    PackBytes(m.m_axi_rdata_i, w.rdata);
    m.m_axi_rresp_i = w.rresp;
    m.m_axi_rlast_i = w.rlast;
    m.m_axi_rvalid_i = w.rvalid;
  }
  template <class Model>
  static void Out(const Model& m, Axi4Wires& w) {
    w.awid = m.m_axi_awid_o;
    w.awaddr = m.m_axi_awaddr_o;
    w.awlen = m.m_axi_awlen_o;
    w.awsize = m.m_axi_awsize_o;
    w.awburst = m.m_axi_awburst_o;
    w.awvalid = m.m_axi_awvalid_o;
    UnpackBytes(m.m_axi_wdata_o, w.wdata);
    UnpackBits(m.m_axi_wstrb_o, w.wstrb);
    w.wlast = m.m_axi_wlast_o;
    w.wvalid = m.m_axi_wvalid_o;
    w.bready = m.m_axi_bready_o;
    w.arid = m.m_axi_arid_o;
    w.araddr = m.m_axi_araddr_o;
    w.arlen = m.m_axi_arlen_o;
    w.arsize = m.m_axi_arsize_o;
    w.arburst = m.m_axi_arburst_o;
    w.arvalid = m.m_axi_arvalid_o;
    w.rready = m.m_axi_rready_o;
  }
};

class AxiMem {
 public:
  struct Options {
    uint32_t data_bytes = 64;
    uint32_t read_latency = 0;
    uint32_t write_latency = 0;
    double bytes_per_cycle = 0;
    uint32_t max_reads = 16;
    uint32_t max_writes = 16;
    double ready_prob = 1.0;
    double valid_prob = 1.0;
    bool interleave_ids = false;  // R beats of different IDs interleave (AXI4 allows it)
    uint32_t seed = 1;
  };
  using ReadFn = std::function<bool(uint64_t addr, std::span<uint8_t> out)>;
  using WriteFn = std::function<bool(uint64_t addr, std::span<const uint8_t> data)>;

  // The options that model a memory of `bandwidth_gbps` GB/s and `latency_ns` at a clock of
  // `clock_mhz` (a config's dram { } at its clock_mhz) on a bus of `data_bytes`.
  static Options MemoryTiming(double bandwidth_gbps, double latency_ns, double clock_mhz,
                              uint32_t data_bytes);

  AxiMem(Options opt, ReadFn read, WriteFn write);

  void Drive(Axi4Wires& w);
  void Sample(const Axi4Wires& w);

  // Nothing accepted and unfinished.
  bool Idle() const { return reads_.empty() && writes_.empty() && bresps_.empty() && !r_held_; }
  uint64_t cycles() const { return cycle_; }
  uint64_t r_beats() const { return r_beats_; }
  uint64_t w_beats() const { return w_beats_; }
  uint64_t ar_count() const { return ar_count_; }
  uint64_t aw_count() const { return aw_count_; }
  const std::vector<std::string>& violations() const { return violations_; }
  void set_options(const Options& opt);

 private:
  struct Burst {
    uint32_t id = 0, len = 0, size = 0;
    uint64_t addr = 0;
    uint32_t beat = 0;         // next beat
    uint64_t ready_cycle = 0;  // reads: first beat not before
    bool error = false;        // writes: a run was refused
  };
  struct Bresp {
    uint32_t id = 0, resp = 0;
    uint64_t ready_cycle = 0;
  };
  // Byte range [start, end) of beat i of a burst.
  void BeatRange(const Burst& b, uint32_t i, uint64_t* start, uint64_t* end) const;
  void CheckBurst(const char* ch, uint64_t addr, uint32_t len, uint32_t size, uint32_t burst);
  bool Coin(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  Options opt_;
  ReadFn read_;
  WriteFn write_;
  std::mt19937 rng_;
  uint64_t cycle_ = 0;
  double tokens_ = 0;
  std::deque<Burst> reads_, writes_;
  std::deque<Bresp> bresps_;
  // The R beat on the bus (held until accepted) and the B response likewise.
  bool r_held_ = false, b_held_ = false;
  size_t r_idx_ = 0;  // the burst of the R beat on the bus
  uint32_t r_id_ = 0, r_resp_ = 0;
  bool r_last_ = false;
  std::vector<uint8_t> r_data_;
  // Offers this cycle.
  bool awready_ = false, wready_ = false, arready_ = false;
  // The master's offers last cycle that were not accepted (must be held).
  bool aw_pending_ = false, w_pending_ = false, ar_pending_ = false;
  uint64_t aw_prev_addr_ = 0, ar_prev_addr_ = 0;
  uint32_t aw_prev_len_ = 0, ar_prev_len_ = 0, ar_prev_id_ = 0;
  std::vector<uint8_t> w_prev_data_, w_prev_strb_;
  bool w_prev_last_ = false;
  uint64_t r_beats_ = 0, w_beats_ = 0, ar_count_ = 0, aw_count_ = 0;
  std::vector<std::string> violations_;
};

// A sparse byte memory (4 KiB pages, allocated on first write; unwritten bytes read 0) with
// refused ranges: any access touching one fails (a bus error).
class SparseMemory {
 public:
  bool Read(uint64_t addr, std::span<uint8_t> out) const;
  bool Write(uint64_t addr, std::span<const uint8_t> data);
  // Refuse every access touching [lo, hi).
  void Refuse(uint64_t lo, uint64_t hi) { refused_[lo] = hi; }
  void ClearRefused() { refused_.clear(); }
  bool Refused(uint64_t addr, uint64_t len) const;
  uint8_t Get(uint64_t addr) const;
  void Set(uint64_t addr, uint8_t v);

 private:
  static constexpr uint64_t kPage = 4096;
  std::unordered_map<uint64_t, std::vector<uint8_t>> pages_;
  std::map<uint64_t, uint64_t> refused_;  // lo -> hi
};

}  // namespace aorta::verif
