#include "tlm/memory.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <new>

#include "tlm/sim_time.h"

namespace aorta::tlm {

using sc_core::SC_PS;
using sc_core::sc_time;

namespace {
constexpr uint64_t kHostWindowBytes = uint64_t{1} << 47;

bool InRange(uint64_t addr, uint64_t len, uint64_t size) {
  return addr <= size && len <= size - addr;
}
}  // namespace

namespace {
// The timed part of a memory target's b_transport (Dram, HostWindow): a transfer costs its
// BusBytes, or its length without the extension.
void TimeAccess(MemoryTiming& timing, ::tlm::tlm_generic_payload& gp, sc_time& delay) {
  BusBytes* bus = nullptr;
  gp.get_extension(bus);
  timing.Time(&delay, bus != nullptr ? bus->bytes : gp.get_data_length(), gp.is_write(),
              bus != nullptr);
}
}  // namespace

BandwidthModel::BandwidthModel(double bytes_per_s, double latency_ps)
    : ps_per_byte_(bytes_per_s > 0 ? 1e12 / bytes_per_s : 0), latency_(latency_ps, SC_PS) {}

sc_time BandwidthModel::Transfer(const sc_time& start, uint64_t bytes) {
  const sc_time begin = std::max(start, free_at_);
  free_at_ = begin + sc_time(ps_per_byte_ * static_cast<double>(bytes), SC_PS);
  bytes_ += bytes;
  return free_at_ + latency_;
}

// ---- Memory timing --------------------------------------------------------------------------

MemoryTiming::MemoryTiming(double bytes_per_s, double latency_ps, double period_ps,
                           uint32_t beat_bytes, double burst_bytes)
    : period_(period_ps, SC_PS),
      period_ps_(period_ps),
      latency_(static_cast<uint64_t>(std::ceil(latency_ps / period_ps - 1e-9))),
      beat_bytes_(std::max<uint32_t>(1, beat_bytes)),
      per_cycle_(bytes_per_s > 0 ? bytes_per_s * period_ps * 1e-12 : 0),
      depth_(std::max(burst_bytes, static_cast<double>(beat_bytes_))),
      tail_level_(depth_) {
  if (std::has_single_bit(beat_bytes_)) beat_shift_ = std::countr_zero(beat_bytes_);
  // The cycles the bucket takes to refill one beat's bytes (the arbitration window, Arbitrate).
  if (per_cycle_ > 0)
    window_ =
        static_cast<uint64_t>(std::ceil(static_cast<double>(beat_bytes_) / per_cycle_ - 1e-9));
  // Picoseconds per unit of sc_time's value (the time resolution: 1 unless changed).
  const double r = sc_core::sc_get_time_resolution().to_seconds() * 1e12;
  ps_per_value_ = std::abs(r - std::round(r)) < 1e-9 ? std::round(r) : r;
  const double units = period_ps / ps_per_value_;
  if (units >= 1 && units < 1e6 && units == std::floor(units))
    period_units_ = static_cast<uint64_t>(units);
}

bool MemoryTiming::Arbitrate(const sc_time& start, uint64_t s, uint64_t n, uint64_t bytes,
                             bool write, bool dma) {
  sc_core::sc_process_b* p = sc_core::sc_get_current_process_b();
  if (!dma || p == nullptr || sc_core::sc_get_curr_process_kind() != sc_core::SC_THREAD_PROC_)
    return false;
  const uint64_t beats = Beats(bytes);
  // The cycle it can be served first: its first beat, not before its channel's last one (the
  // RTL holds a W beat until taken and serves reads in order).
  const uint64_t cycle =
      std::max(write ? (s > beats ? s - beats : 0) : s + latency_, last_served_[write] + 1);
  auto self = std::find_if(initiators_.begin(), initiators_.end(),
                           [&](const Initiator& i) { return i.process == p; });
  if (self == initiators_.end()) {
    initiators_.push_back({p, cycle});
  } else {
    self->cycle = cycle;
  }
  bool waited = false;
  for (;;) {
    const bool behind =
        std::any_of(initiators_.begin(), initiators_.end(), [&](const Initiator& i) {
          return i.process != p && i.cycle >= n && i.cycle + window_ < cycle;
        });
    const sc_time& now = SimTime();
    if (!behind || now >= start) break;
    ++waits_;
    sc_core::wait(start - now, asked_);
    waited = true;
    n = CycleOf(SimTime());
  }
  asked_.notify(sc_core::SC_ZERO_TIME);
  return waited;
}

void MemoryTiming::Time(sc_time* delay, uint64_t bytes, bool write, bool dma) {
  sc_time now = SimTime();
  const sc_time start = now + *delay;
  const uint64_t s = CycleOf(start);
  uint64_t n = CycleOf(now);
  if (Arbitrate(start, s, n, bytes, write, dma)) {
    now = SimTime();
    n = CycleOf(now);
  }
  *delay = AccessCycles(n, s, bytes, write) - now;
}

uint64_t MemoryTiming::CycleOfFractional(const sc_time& t) const {
  const double c = std::ceil(static_cast<double>(t.value()) * ps_per_value_ / period_ps_ - 1e-6);
  return c > 0 ? static_cast<uint64_t>(c) : 0;
}

// At, FindCycle and Serve run for every beat: inlined into AccessCycles, their only caller.
[[gnu::always_inline]] inline MemoryTiming::Cycle& MemoryTiming::At(uint64_t c) {
  if (base_ + cal_.size() <= c) {
    cal_.reserve(c - base_ + 1);
    while (base_ + cal_.size() <= c) {
      // Nothing served yet: the level rises by the refill, up to the depth.
      cal_.push_back({tail_level_, 0, 0});
      tail_level_ = std::min(tail_level_ + per_cycle_, depth_);
    }
  }
  return cal_[c - base_];
}

[[gnu::always_inline]] inline uint64_t MemoryTiming::FindCycle(uint64_t c, uint8_t channel,
                                                               double cost) {
  const uint64_t end = base_ + cal_.size();
  for (; c < end; ++c) {
    const Cycle& x = cal_[c - base_];
    if ((x.served & channel) == 0 && (per_cycle_ <= 0 || x.level >= cost)) return c;
  }
  // Past the calendar nothing is served: the level rises by the refill each cycle.
  if (per_cycle_ <= 0) return c;
  const double level = std::min(depth_, tail_level_ + per_cycle_ * static_cast<double>(c - end));
  if (level >= cost) return c;
  return c + static_cast<uint64_t>(std::ceil((cost - level) / per_cycle_ - 1e-9));
}

[[gnu::always_inline]] inline void MemoryTiming::Serve(uint64_t c, uint8_t channel, double cost) {
  Cycle& x = At(c);
  x.served |= channel;
  if (per_cycle_ <= 0) return;
  x.spent += cost;
  // Bring the later levels up to date (until one is unchanged: the rest follow from it).
  for (uint64_t i = c - base_; i < cal_.size(); ++i) {
    const double next = Next(cal_[i]);
    if (i + 1 == cal_.size()) {
      tail_level_ = next;
    } else if (std::abs(cal_[i + 1].level - next) < 1e-9) {
      break;
    } else {
      cal_[i + 1].level = next;
    }
  }
}

sc_time MemoryTiming::Access(const sc_time& now, const sc_time& start, uint64_t bytes, bool write) {
  return AccessCycles(CycleOf(now), CycleOf(start), bytes, write);
}

sc_time MemoryTiming::AccessCycles(uint64_t n0, uint64_t s, uint64_t bytes, bool write) {
  bytes_ += bytes;
  // Drop the cycles before now: every access starts at or after it.
  const uint64_t past = std::min<uint64_t>(n0 > base_ ? n0 - base_ : 0, cal_.size());
  cal_.drop_front(past);
  base_ += past;
  if (cal_.empty()) {
    // Idle since the last served cycle: the level has risen (capped at the depth).
    if (base_ < n0 && per_cycle_ > 0)
      tail_level_ = std::min(depth_, tail_level_ + per_cycle_ * static_cast<double>(n0 - base_));
    base_ = std::max(base_, n0);
  }
  const uint64_t beats = Beats(bytes);
  uint64_t c = write ? std::max(n0, s > beats ? s - beats : 0) : s + latency_;
  c = std::max(c, base_);
  const uint8_t channel = write ? 2 : 1;
  uint64_t last = c;
  for (uint64_t b = 0; b < beats; ++b) {
    // A W beat costs the bus width; a read beat its transfer size (a narrow fetch word less).
    const double cost = write ? beat_bytes_
                              : static_cast<double>(std::min<uint64_t>(
                                    beat_bytes_, bytes - std::min(bytes, b * beat_bytes_)));
    last = FindCycle(c, channel, cost);
    Serve(last, channel, cost);
    c = last + 1;
  }
  last_served_[write] = std::max(last_served_[write], last);
  return sc_time::from_value(period_.value() * (write ? last + 1 + latency_ : last));
}

// ---- DRAM -----------------------------------------------------------------------------------

Dram::Dram(sc_core::sc_module_name name, uint64_t bytes, std::shared_ptr<MemoryTiming> timing)
    : sc_module(name), socket("socket"), bar2("bar2"), bytes_(bytes), timing_(std::move(timing)) {
  for (auto* s : {&socket, &bar2}) {
    s->register_b_transport(this, &Dram::BTransport);
    s->register_transport_dbg(this, &Dram::TransportDbg);
    s->register_get_direct_mem_ptr(this, &Dram::GetDirectMemPtr);
  }
}

uint8_t* Dram::Page(uint64_t page) {
  if (page == last_page_) return last_page_data_;
  auto& p = pages_[page];
  if (!p) {
    p = AllocZeroed(kPageBytes);
    if (!p) throw std::bad_alloc();  // as new[] would
  }
  last_page_ = page;
  last_page_data_ = p.get();
  return p.get();
}

bool Dram::Access(::tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const uint64_t len = gp.get_data_length();
  if (!InRange(addr, len, bytes_) || gp.get_byte_enable_ptr() != nullptr) return false;
  uint8_t* data = gp.get_data_ptr();
  const bool write = gp.is_write();
  uint64_t done = 0;
  while (done < len) {
    const uint64_t a = addr + done;
    const uint64_t page = a / kPageBytes, off = a % kPageBytes;
    const uint64_t n = std::min(kPageBytes - off, len - done);
    if (page == last_page_) {
      if (write) {
        std::memcpy(last_page_data_ + off, data + done, n);
      } else {
        std::memcpy(data + done, last_page_data_ + off, n);
      }
    } else if (write) {
      std::memcpy(Page(page) + off, data + done, n);
    } else if (auto it = pages_.find(page); it != pages_.end()) {
      last_page_ = page;
      last_page_data_ = it->second.get();
      std::memcpy(data + done, last_page_data_ + off, n);
    } else {
      std::memset(data + done, 0, n);
    }
    done += n;
  }
  return true;
}

void Dram::BTransport(::tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (!Access(gp)) {
    gp.set_response_status(::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  TimeAccess(*timing_, gp, delay);
  gp.set_dmi_allowed(true);
  gp.set_response_status(::tlm::TLM_OK_RESPONSE);
}

unsigned Dram::TransportDbg(::tlm::tlm_generic_payload& gp) {
  return Access(gp) ? gp.get_data_length() : 0;
}

bool Dram::GetDirectMemPtr(::tlm::tlm_generic_payload& gp, ::tlm::tlm_dmi& dmi) {
  const uint64_t addr = gp.get_address();
  if (addr >= bytes_) return false;
  const uint64_t page = addr / kPageBytes;
  const uint64_t start = page * kPageBytes;
  const uint64_t end = std::min(start + kPageBytes, bytes_) - 1;
  dmi.set_dmi_ptr(Page(page));
  dmi.set_start_address(start);
  dmi.set_end_address(end);
  dmi.allow_read_write();
  dmi.set_read_latency(timing_->latency());
  dmi.set_write_latency(timing_->latency());
  return true;
}

// ---- Host window ----------------------------------------------------------------------------

HostWindow::HostWindow(sc_core::sc_module_name name, DeviceMemory* host,
                       std::shared_ptr<MemoryTiming> timing)
    : sc_module(name), socket("socket"), host_(host), timing_(std::move(timing)) {
  socket.register_b_transport(this, &HostWindow::BTransport);
  socket.register_transport_dbg(this, &HostWindow::TransportDbg);
}

bool HostWindow::Access(::tlm::tlm_generic_payload& gp) {
  if (host_ == nullptr || gp.get_byte_enable_ptr() != nullptr) return false;
  std::span<uint8_t> bytes(gp.get_data_ptr(), gp.get_data_length());
  if (gp.is_write()) return host_->Write(gp.get_address(), bytes).ok();
  return host_->Read(gp.get_address(), bytes).ok();
}

void HostWindow::BTransport(::tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (!Access(gp)) {
    gp.set_response_status(::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  TimeAccess(*timing_, gp, delay);
  gp.set_response_status(::tlm::TLM_OK_RESPONSE);
}

unsigned HostWindow::TransportDbg(::tlm::tlm_generic_payload& gp) {
  return Access(gp) ? gp.get_data_length() : 0;
}

// ---- Bus ------------------------------------------------------------------------------------

Bus::Bus(sc_core::sc_module_name name, uint64_t dram_bytes, bool has_host)
    : sc_module(name),
      in("in"),
      to_dram("to_dram"),
      to_host("to_host"),
      dram_bytes_(dram_bytes),
      has_host_(has_host) {
  in.register_b_transport(this, &Bus::BTransport);
  in.register_transport_dbg(this, &Bus::TransportDbg);
  in.register_get_direct_mem_ptr(this, &Bus::GetDirectMemPtr);
}

Bus::Route Bus::Decode(::tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const uint64_t len = gp.get_data_length();
  if (addr < dram_bytes_) return InRange(addr, len, dram_bytes_) ? Route::kDram : Route::kNone;
  if (has_host_ && addr >= kHostWindowBase &&
      InRange(addr - kHostWindowBase, len, kHostWindowBytes)) {
    gp.set_address(addr - kHostWindowBase);
    return Route::kHost;
  }
  return Route::kNone;
}

void Bus::BTransport(::tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t addr = gp.get_address();
  switch (Decode(gp)) {
    case Route::kDram:
      to_dram->b_transport(gp, delay);
      break;
    case Route::kHost:
      to_host->b_transport(gp, delay);
      gp.set_address(addr);
      break;
    case Route::kNone:
      gp.set_response_status(::tlm::TLM_ADDRESS_ERROR_RESPONSE);
      break;
  }
}

unsigned Bus::TransportDbg(::tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  unsigned n = 0;
  switch (Decode(gp)) {
    case Route::kDram:
      n = to_dram->transport_dbg(gp);
      break;
    case Route::kHost:
      n = to_host->transport_dbg(gp);
      gp.set_address(addr);
      break;
    case Route::kNone:
      break;
  }
  return n;
}

bool Bus::GetDirectMemPtr(::tlm::tlm_generic_payload& gp, ::tlm::tlm_dmi& dmi) {
  // Only DRAM grants DMI (host memory is reached through the runtime's allocator).
  if (gp.get_address() >= dram_bytes_) return false;
  return to_dram->get_direct_mem_ptr(gp, dmi);
}

}  // namespace aorta::tlm
