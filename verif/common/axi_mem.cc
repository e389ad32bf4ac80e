#include "verif/common/axi_mem.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace aorta::verif {

namespace {
constexpr uint32_t kOkay = 0, kSlvErr = 2;
}

AxiMem::Options AxiMem::MemoryTiming(double bandwidth_gbps, double latency_ns, double clock_mhz,
                                     uint32_t data_bytes) {
  Options o;
  o.data_bytes = data_bytes;
  o.bytes_per_cycle = bandwidth_gbps * 1000.0 / clock_mhz;  // GB/s / MHz = kB per cycle
  const auto cycles = static_cast<uint32_t>(std::ceil(latency_ns * clock_mhz / 1000.0));
  o.read_latency = cycles;
  o.write_latency = cycles;
  return o;
}

AxiMem::AxiMem(Options opt, ReadFn read, WriteFn write)
    : opt_(opt), read_(std::move(read)), write_(std::move(write)), rng_(opt.seed) {
  r_data_.assign(opt_.data_bytes, 0);
}

void AxiMem::set_options(const Options& opt) {
  const uint32_t bytes = opt_.data_bytes;
  opt_ = opt;
  opt_.data_bytes = bytes;  // the bus width is fixed by the model
}

void AxiMem::BeatRange(const Burst& b, uint32_t i, uint64_t* start, uint64_t* end) const {
  const uint64_t size = uint64_t{1} << b.size;
  const uint64_t aligned = b.addr & ~(size - 1);
  *start = i == 0 ? b.addr : aligned + i * size;
  *end = aligned + (i + 1) * size;
}

void AxiMem::CheckBurst(const char* ch, uint64_t addr, uint32_t len, uint32_t size,
                        uint32_t burst) {
  if (burst != 1) violations_.push_back(fmt::format("{}: burst type {} (only INCR)", ch, burst));
  if ((uint64_t{1} << size) > opt_.data_bytes)
    violations_.push_back(fmt::format("{}: size {} wider than the bus", ch, size));
  const uint64_t bytes = uint64_t{len + 1} << size;
  const uint64_t aligned = addr & ~((uint64_t{1} << size) - 1);
  if ((aligned >> 12) != ((aligned + bytes - 1) >> 12))
    violations_.push_back(
        fmt::format("{}: burst at {:#x}, {} beats crosses 4 KiB", ch, addr, len + 1));
}

void AxiMem::Drive(Axi4Wires& w) {
  // Address channels: random back-pressure and the outstanding limits.
  awready_ = writes_.size() + bresps_.size() < opt_.max_writes && Coin(opt_.ready_prob);
  arready_ = reads_.size() < opt_.max_reads && Coin(opt_.ready_prob);
  // W: only into an accepted burst, within the bandwidth.
  const bool w_open =
      std::any_of(writes_.begin(), writes_.end(), [](const Burst& b) { return b.beat <= b.len; });
  wready_ =
      w_open && Coin(opt_.ready_prob) && (opt_.bytes_per_cycle <= 0 || tokens_ >= opt_.data_bytes);
  w.awready = awready_;
  w.wready = wready_;
  w.arready = arready_;

  // R: the next beat of the oldest burst (or, interleaving, of some ID's oldest burst), once its
  // latency has passed.
  std::vector<size_t> ready;
  if (!r_held_) {
    std::vector<uint32_t> seen;
    for (size_t i = 0; i < reads_.size(); ++i) {
      if (std::find(seen.begin(), seen.end(), reads_[i].id) != seen.end()) continue;
      seen.push_back(reads_[i].id);
      if (cycle_ >= reads_[i].ready_cycle) ready.push_back(i);
      if (!opt_.interleave_ids) break;
    }
  }
  if (!ready.empty()) {
    r_idx_ = ready[rng_() % ready.size()];
    Burst& b = reads_[r_idx_];
    const uint64_t beat_bytes = uint64_t{1} << b.size;
    if (Coin(opt_.valid_prob) &&
        (opt_.bytes_per_cycle <= 0 || tokens_ >= static_cast<double>(beat_bytes))) {
      uint64_t start = 0, end = 0;
      BeatRange(b, b.beat, &start, &end);
      for (auto& byte : r_data_) byte = static_cast<uint8_t>(rng_());
      std::vector<uint8_t> bytes(end - start);
      const bool ok = read_(start, bytes);
      if (ok) {
        for (uint64_t a = start; a < end; ++a) r_data_[a % opt_.data_bytes] = bytes[a - start];
      }
      r_id_ = b.id;
      r_resp_ = ok ? kOkay : kSlvErr;
      r_last_ = b.beat == b.len;
      r_held_ = true;
      if (opt_.bytes_per_cycle > 0) tokens_ -= static_cast<double>(beat_bytes);
    }
  }
  w.rvalid = r_held_;
  w.rid = r_id_;
  w.rresp = r_resp_;
  w.rlast = r_last_;
  w.rdata = r_data_;

  // B.
  if (!b_held_ && !bresps_.empty() && cycle_ >= bresps_.front().ready_cycle &&
      Coin(opt_.valid_prob)) {
    b_held_ = true;
  }
  w.bvalid = b_held_;
  w.bid = b_held_ ? bresps_.front().id : 0;
  w.bresp = b_held_ ? bresps_.front().resp : 0;
}

void AxiMem::Sample(const Axi4Wires& w) {
  // Offers not accepted last cycle must still be there, unchanged.
  if (aw_pending_ && (!w.awvalid || w.awaddr != aw_prev_addr_ || w.awlen != aw_prev_len_))
    violations_.push_back(fmt::format("cycle {}: AW offer withdrawn or changed", cycle_));
  if (ar_pending_ &&
      (!w.arvalid || w.araddr != ar_prev_addr_ || w.arlen != ar_prev_len_ || w.arid != ar_prev_id_))
    violations_.push_back(fmt::format("cycle {}: AR offer withdrawn or changed", cycle_));
  if (w_pending_ &&
      (!w.wvalid || w.wdata != w_prev_data_ || w.wstrb != w_prev_strb_ || w.wlast != w_prev_last_))
    violations_.push_back(fmt::format("cycle {}: W offer withdrawn or changed", cycle_));

  if (w.awvalid && awready_) {
    CheckBurst("AW", w.awaddr, w.awlen, w.awsize, w.awburst);
    writes_.push_back({w.awid, w.awlen, w.awsize, w.awaddr, 0, 0, false});
    ++aw_count_;
  }
  if (w.arvalid && arready_) {
    CheckBurst("AR", w.araddr, w.arlen, w.arsize, w.arburst);
    reads_.push_back(
        {w.arid, w.arlen, w.arsize, w.araddr, 0, cycle_ + 1 + opt_.read_latency, false});
    ++ar_count_;
  }
  if (w.wvalid && wready_) {
    auto it = std::find_if(writes_.begin(), writes_.end(),
                           [](const Burst& b) { return b.beat <= b.len; });
    Burst& b = *it;
    uint64_t start = 0, end = 0;
    BeatRange(b, b.beat, &start, &end);
    if (w.wlast != (b.beat == b.len))
      violations_.push_back(fmt::format("cycle {}: WLAST {} on beat {} of {}", cycle_, w.wlast,
                                        b.beat + 1, b.len + 1));
    // Strobed bytes, as runs of consecutive addresses.
    const uint64_t lane_base = start - start % opt_.data_bytes;
    uint32_t lane = 0;
    while (lane < opt_.data_bytes) {
      if (!w.wstrb[lane]) {
        ++lane;
        continue;
      }
      uint32_t run_end = lane;
      while (run_end < opt_.data_bytes && w.wstrb[run_end]) ++run_end;
      const uint64_t a = lane_base + lane;
      if (a < start || lane_base + run_end > end)
        violations_.push_back(fmt::format("cycle {}: strobes outside the beat's lanes", cycle_));
      if (!write_(a, std::span(w.wdata).subspan(lane, run_end - lane))) b.error = true;
      lane = run_end;
    }
    if (opt_.bytes_per_cycle > 0) tokens_ -= opt_.data_bytes;
    ++w_beats_;
    if (b.beat == b.len) {
      bresps_.push_back({b.id, b.error ? kSlvErr : kOkay, cycle_ + 1 + opt_.write_latency});
      writes_.erase(it);
    } else {
      ++b.beat;
    }
  }
  if (r_held_ && w.rready) {
    r_held_ = false;
    ++r_beats_;
    Burst& b = reads_[r_idx_];
    if (b.beat == b.len)
      reads_.erase(reads_.begin() + static_cast<std::ptrdiff_t>(r_idx_));
    else
      ++b.beat;
  }
  if (b_held_ && w.bready) {
    b_held_ = false;
    bresps_.pop_front();
  }

  aw_pending_ = w.awvalid && !awready_;
  aw_prev_addr_ = w.awaddr;
  aw_prev_len_ = w.awlen;
  ar_pending_ = w.arvalid && !arready_;
  ar_prev_addr_ = w.araddr;
  ar_prev_len_ = w.arlen;
  ar_prev_id_ = w.arid;
  w_pending_ = w.wvalid && !wready_;
  w_prev_data_ = w.wdata;
  w_prev_strb_ = w.wstrb;
  w_prev_last_ = w.wlast;

  ++cycle_;
  if (opt_.bytes_per_cycle > 0)
    tokens_ = std::min(tokens_ + opt_.bytes_per_cycle, 2.0 * opt_.data_bytes);
}

// ---- SparseMemory ----------------------------------------------------------------------------

bool SparseMemory::Refused(uint64_t addr, uint64_t len) const {
  for (const auto& [lo, hi] : refused_)
    if (addr < hi && lo < addr + len) return true;
  return false;
}

uint8_t SparseMemory::Get(uint64_t addr) const {
  auto it = pages_.find(addr / kPage);
  return it == pages_.end() ? 0 : it->second[addr % kPage];
}

void SparseMemory::Set(uint64_t addr, uint8_t v) {
  auto& page = pages_[addr / kPage];
  if (page.empty()) page.assign(kPage, 0);
  page[addr % kPage] = v;
}

bool SparseMemory::Read(uint64_t addr, std::span<uint8_t> out) const {
  if (Refused(addr, out.size())) return false;
  for (size_t i = 0; i < out.size(); ++i) out[i] = Get(addr + i);
  return true;
}

bool SparseMemory::Write(uint64_t addr, std::span<const uint8_t> data) {
  if (Refused(addr, data.size())) return false;
  for (size_t i = 0; i < data.size(); ++i) Set(addr + i, data[i]);
  return true;
}

}  // namespace aorta::verif
