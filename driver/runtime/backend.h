// A backend: the devices of one board and the host memory they reach, behind the device
// contract (core/device.h). The runtime (session.h) drives every backend — golden model, TLM,
// RTL, PCIe — with the same code; only this class differs.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/device.h"
#include "core/golden/host_memory.h"

namespace aorta::runtime {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual size_t num_devices() const = 0;
  virtual Device& device(size_t i) = 0;
  // Host memory the devices reach through the host window (kHostWindowBase + IOVA).
  virtual HostMemory& host() = 0;
  // Host buffers for the runtime (streams, host-located program buffers): the simulated backends
  // allocate them from host(); the pcie backend from the kernel driver (ALLOC + mmap), which is
  // why the session allocates through these and never through host() directly.
  virtual Result<HostMemory::Buffer> AllocHost(uint64_t bytes) { return host().Alloc(bytes); }
  virtual Status FreeHost(uint64_t iova) { return host().Free(iova); }
  // Board DRAM of device i the session will use: [0, bytes) of the addresses it places DRAM
  // buffers at. The simulated devices own their DRAM (nothing to do); the pcie backend
  // allocates it from the driver (AORTA_ALLOC_DRAM) and maps those addresses onto it.
  virtual Status ReserveDram(size_t /*device*/, uint64_t /*bytes*/) { return Status::Ok(); }
  // Waits until device i raises its interrupt or `timeout` passes. Simulated backends advance
  // their devices here (the golden model steps chips that wait on link data).
  virtual bool Wait(size_t i, std::chrono::milliseconds timeout) {
    return device(i).WaitIrq(timeout);
  }
  // Cycle-simulating backends (rtl): clock cycles simulated so far, summed over the devices, and
  // the wall time spent simulating them. 0 for the others.
  virtual uint64_t simulated_cycles() const { return 0; }
  virtual double simulation_seconds() const { return 0; }
};

// A 64-bit register as its LO / HI pair (LO first).
inline uint64_t ReadReg64(Device& d, uint32_t lo, uint32_t hi) {
  uint64_t l = d.ReadReg(lo);
  return l | (uint64_t{d.ReadReg(hi)} << 32);
}
inline void WriteReg64(Device& d, uint32_t lo, uint32_t hi, uint64_t v) {
  d.WriteReg(lo, static_cast<uint32_t>(v));
  d.WriteReg(hi, static_cast<uint32_t>(v >> 32));
}

// The golden model: one GoldenDevice per chip, links wired as the board says.
Result<std::unique_ptr<Backend>> MakeGoldenBackend(
    const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links = {});

}  // namespace aorta::runtime
