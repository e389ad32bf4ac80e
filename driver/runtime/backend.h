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

// The golden model: one GoldenDevice per chip, links wired as the board says.
Result<std::unique_ptr<Backend>> MakeGoldenBackend(
    const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links = {});

}  // namespace aorta::runtime
