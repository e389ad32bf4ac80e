// Memories and the chip's bus in the TLM model: board DRAM and the host window as TLM-2.0
// targets (loosely timed b_transport with a bandwidth / latency model, debug transport, DMI),
// and the bus that decodes the device address map (core/device.h) for a chip's DMA initiator.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <span>
#include <systemc>
#include <tlm>
#include <unordered_map>

#include "core/device.h"

namespace aorta::tlm {

// A shared resource with a peak bandwidth and a fixed latency: a transfer of `bytes` that may
// start at `start` occupies it for bytes / bandwidth after it is free, and completes
// `latency` after that.
class BandwidthModel {
 public:
  // `burst_bytes` > 0: Access is a token bucket of that many bytes (the RTL bench's memory
  // model, verif/common/axi_mem: 2 bus beats), refilled at the bandwidth.
  BandwidthModel(double bytes_per_s, double latency_ps, double burst_bytes = 0);
  // The completion time of a transfer that can start at `start`: serialized behind earlier
  // transfers at the bandwidth, then the latency (a link, or a memory without a bucket).
  sc_core::sc_time Transfer(const sc_core::sc_time& start, uint64_t bytes);
  // A memory access requested at `start`: a read's data is served once the latency has passed
  // and the bucket holds its bytes; a write is taken once the bucket holds its bytes and is
  // answered the latency later. Without a bucket: Transfer.
  sc_core::sc_time Access(const sc_core::sc_time& start, uint64_t bytes, bool write);
  const sc_core::sc_time& latency() const { return latency_; }
  uint64_t bytes() const { return bytes_; }

 private:
  double ps_per_byte_;
  sc_core::sc_time latency_;
  sc_core::sc_time free_at_ = sc_core::SC_ZERO_TIME;
  double burst_ = 0;    // bucket capacity in bytes (0: no bucket)
  double tokens_ = 0;   // bytes in the bucket at last_ (may be negative: owed)
  double last_ps_ = 0;  // when tokens_ was last brought up to date
  uint64_t bytes_ = 0;
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
uint64_t ChargedBytes(::tlm::tlm_generic_payload& gp);

// Board DRAM: `bytes` bytes (sparse pages, zero until written), timed by the config's DRAM
// bandwidth and latency. DMI grants one page at a time (pages are allocated on demand).
// Two ports: `socket` for the chip's bus, `bar2` for the host (PCIe BAR2).
class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;
  tlm_utils::simple_target_socket<Dram> bar2;

  Dram(sc_core::sc_module_name name, uint64_t bytes, double bytes_per_s, double latency_ps,
       double burst_bytes = 0);
  uint64_t size() const { return bytes_; }
  const BandwidthModel& timing() const { return timing_; }
  static constexpr uint64_t kPageBytes = uint64_t{1} << 16;

 private:
  void BTransport(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned TransportDbg(::tlm::tlm_generic_payload& gp);
  bool GetDirectMemPtr(::tlm::tlm_generic_payload& gp, ::tlm::tlm_dmi& dmi);
  // Copies between the payload and the pages; false (nothing done) if out of range.
  bool Access(::tlm::tlm_generic_payload& gp);
  uint8_t* Page(uint64_t page);

  uint64_t bytes_;
  BandwidthModel timing_;
  std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
};

// The host window: host memory (a DeviceMemory, e.g. HostMemory) reached over PCIe. Addresses
// are IOVAs (offsets into the window). An access the host memory refuses answers
// TLM_ADDRESS_ERROR_RESPONSE.
class HostWindow : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostWindow> socket;

  HostWindow(sc_core::sc_module_name name, DeviceMemory* host, double bytes_per_s,
             double latency_ps, double burst_bytes = 0);
  const BandwidthModel& timing() const { return timing_; }

 private:
  void BTransport(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned TransportDbg(::tlm::tlm_generic_payload& gp);
  bool Access(::tlm::tlm_generic_payload& gp);

  DeviceMemory* host_;
  BandwidthModel timing_;
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
