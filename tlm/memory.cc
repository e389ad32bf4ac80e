#include "tlm/memory.h"

#include <algorithm>
#include <cstring>

namespace aorta::tlm {

using sc_core::SC_PS;
using sc_core::sc_time;

namespace {
constexpr uint64_t kHostWindowBytes = uint64_t{1} << 47;

bool InRange(uint64_t addr, uint64_t len, uint64_t size) {
  return addr <= size && len <= size - addr;
}
}  // namespace

uint64_t ChargedBytes(::tlm::tlm_generic_payload& gp) {
  BusBytes* b = nullptr;
  gp.get_extension(b);
  return b != nullptr ? b->bytes : gp.get_data_length();
}

BandwidthModel::BandwidthModel(double bytes_per_s, double latency_ps, double burst_bytes)
    : ps_per_byte_(bytes_per_s > 0 ? 1e12 / bytes_per_s : 0),
      latency_(latency_ps, SC_PS),
      burst_(ps_per_byte_ > 0 ? burst_bytes : 0),
      tokens_(burst_) {}

sc_time BandwidthModel::Access(const sc_time& start, uint64_t bytes, bool write) {
  if (burst_ <= 0) return Transfer(start, bytes);
  // Served (its last beat) at t >= the earliest time (reads: after the latency) when the
  // bucket, refilled at the bandwidth and holding at most its capacity while idle, has supplied
  // the bytes. Accesses are served in order.
  const double earliest = (write ? start : start + latency_).to_seconds() * 1e12;
  double t = std::max(earliest, last_ps_);
  double tokens = std::min(burst_, tokens_ + (t - last_ps_) / ps_per_byte_);
  const auto need = static_cast<double>(bytes);
  if (tokens < need) {
    t += (need - tokens) * ps_per_byte_;
    tokens = need;
  }
  tokens_ = tokens - static_cast<double>(bytes);
  last_ps_ = t;
  bytes_ += bytes;
  const sc_time served(t, SC_PS);
  return write ? served + latency_ : served;
}

sc_time BandwidthModel::Transfer(const sc_time& start, uint64_t bytes) {
  const sc_time begin = std::max(start, free_at_);
  free_at_ = begin + sc_time(ps_per_byte_ * static_cast<double>(bytes), SC_PS);
  bytes_ += bytes;
  return free_at_ + latency_;
}

// ---- DRAM -----------------------------------------------------------------------------------

Dram::Dram(sc_core::sc_module_name name, uint64_t bytes, double bytes_per_s, double latency_ps,
           double burst_bytes)
    : sc_module(name),
      socket("socket"),
      bar2("bar2"),
      bytes_(bytes),
      timing_(bytes_per_s, latency_ps, burst_bytes) {
  for (auto* s : {&socket, &bar2}) {
    s->register_b_transport(this, &Dram::BTransport);
    s->register_transport_dbg(this, &Dram::TransportDbg);
    s->register_get_direct_mem_ptr(this, &Dram::GetDirectMemPtr);
  }
}

uint8_t* Dram::Page(uint64_t page) {
  auto& p = pages_[page];
  if (!p) p.reset(new uint8_t[kPageBytes]());
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
    if (write) {
      std::memcpy(Page(page) + off, data + done, n);
    } else if (auto it = pages_.find(page); it != pages_.end()) {
      std::memcpy(data + done, it->second.get() + off, n);
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
  const sc_time now = sc_core::sc_time_stamp();
  delay = timing_.Access(now + delay, ChargedBytes(gp), gp.is_write()) - now;
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
  dmi.set_read_latency(timing_.latency());
  dmi.set_write_latency(timing_.latency());
  return true;
}

// ---- Host window ----------------------------------------------------------------------------

HostWindow::HostWindow(sc_core::sc_module_name name, DeviceMemory* host, double bytes_per_s,
                       double latency_ps, double burst_bytes)
    : sc_module(name),
      socket("socket"),
      host_(host),
      timing_(bytes_per_s, latency_ps, burst_bytes) {
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
  const sc_time now = sc_core::sc_time_stamp();
  delay = timing_.Access(now + delay, ChargedBytes(gp), gp.is_write()) - now;
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
