// RtlDevice: the verilated SoC (rtl/aorta_soc.sv) behind the device contract (core/device.h),
// so that the runtime runs programs on the RTL exactly as on the golden model.
//
//   auto dev = MakeRtlDevice(config, &host_memory, {});
//   dev->WriteReg(regs::kDoorbell, 1);   // an AXI4-lite write: the clock runs until it is done
//   dev->WaitIrq(timeout);               // runs the clock until irq_o, a cycle or a wall budget
//
// Registers are AXI4-lite transactions on the model's s_axil_* port (verif/common/axil_master),
// each advancing the clock until the slave answers. The model's AXI4 master reaches board DRAM
// (a sparse memory owned by the device, [0, dram.bytes)) and the host window
// ([kHostWindowBase, +2^47) onto the DeviceMemory given at construction) through an AXI4 slave
// model (verif/common/axi_mem) with the config's DRAM latency and bandwidth; any other address
// answers SLVERR. DramWrite / DramRead go straight into the board DRAM model (BAR2 has no timing
// here). Link ports connect to LinkEndpoints (core/golden/golden_device.h), one N-byte row per
// beat. Nothing blocks without a budget: a register access that gets no answer within
// kRegCycleBudget cycles reads 0xffffffff (a bus error on PCIe reads the same) and is reported
// by bus_errors().
//
// Models: one per bundled config (tiny, sim16), each in two builds: with SystemVerilog
// assertions (-O1) and a speed build without them (-O3). MakeRtlDevice picks by the config's
// fingerprint.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "core/config.h"
#include "core/device.h"
#include "core/golden/golden_device.h"
#include "core/status.h"

namespace aorta::verif {

// Cycle-level link pins of one port (verif/multichip/cycle_link.h): what the SoC's link_* ports
// see in a cycle, and the handshakes it made at the cycle's edge.
class LinkPins {
 public:
  virtual ~LinkPins() = default;
  virtual bool up() const = 0;
  virtual bool rx_valid() const = 0;
  virtual std::span<const uint8_t> rx_row() const = 0;  // N bytes while rx_valid()
  virtual bool tx_ready() const = 0;
  virtual void RxTaken() = 0;                             // rx valid && ready at the edge
  virtual void TxSent(std::span<const uint8_t> row) = 0;  // tx valid && ready at the edge
  virtual void TxBlocked() = 0;                           // tx valid, not ready
};

// The clock of a board of RtlDevices that run in lock-step (verif/multichip/rtl_board.h).
class BoardClock {
 public:
  virtual ~BoardClock() = default;
  // `cycles` cycles of the whole board: each one clocks every device once, then the links.
  virtual void Tick(uint64_t cycles) = 0;
};

struct RtlDeviceOptions {
  bool fast = false;             // the speed build (no assertions)
  uint64_t max_wait_cycles = 0;  // WaitIrq stops after this many cycles (0: wall time only)
};

class RtlDevice : public Device {
 public:
  static constexpr uint64_t kRegCycleBudget = 10000;

  // Connects link port `port` (< link_ports) to an endpoint.
  virtual Status AttachLink(uint32_t port, LinkEndpoint endpoint) = 0;
  // Runs `cycles` clock cycles (no-op budget for multi-chip stepping); returns whether the
  // interrupt line is high afterwards.
  virtual bool Run(uint64_t cycles) = 0;
  virtual bool irq() const = 0;
  // Clock cycles simulated since construction, and the wall time spent simulating them.
  virtual uint64_t cycles() const = 0;
  virtual double sim_seconds() const = 0;
  // A SystemVerilog assertion (or $error) fired in the model; its message went to stderr.
  virtual bool assertion_failed() const = 0;
  // Protocol violations seen by the bus models, and register accesses that got no answer.
  virtual std::vector<std::string> bus_errors() const = 0;
  virtual const ChipGeometry& geometry() const = 0;

  // Lock-step boards (verif/multichip/rtl_board.h). Connects port `port` to cycle-level pins
  // instead of a LinkEndpoint.
  virtual Status AttachLinkPins(uint32_t port, std::shared_ptr<LinkPins> pins) = 0;
  // From now on every clock cycle this device runs (register accesses, WaitIrq, Run) is a cycle
  // of `clock`, and the device locks `mu` (shared by the board) instead of its own mutex. Call
  // before the device is used from more than one thread.
  virtual void JoinBoard(BoardClock* clock, std::shared_ptr<std::mutex> mu) = 0;
  // One clock cycle of this device alone: the board clock's step (takes no lock).
  virtual void CycleAlone() = 0;
  // Holds the chip in reset (rst_ni low) from the next cycle on, or releases it.
  virtual void HoldReset(bool hold) = 0;
  virtual bool held_in_reset() const = 0;
};

// The RTL model built for `config` (by fingerprint). An error names the config and the models
// that exist when none matches.
Result<std::unique_ptr<RtlDevice>> MakeRtlDevice(const ChipConfig& config, DeviceMemory* host,
                                                 const RtlDeviceOptions& options);

}  // namespace aorta::verif
