// A board in the TLM model: its chips (tlm/chip.h), each with its board DRAM and its window on
// host memory behind a bus (tlm/memory.h), the links between chips (tlm/link.h), and the host's
// side: a PCIe root that reaches every chip's BAR0 (registers, b_transport) and BAR2 (board
// DRAM, through DMI). Every parameter comes from the chips' configs and the board's links.
//
// Each Board owns its own SystemC simulation context, so several boards can live in one process
// (tests, studies); every member switches to it. Not thread-safe: drive a board from one thread.
//
//   auto board = Board::Make({config}, {}, &host_memory);
//   (*board)->WriteReg(0, regs::kDoorbell, 1);
//   (*board)->RunUntilIrq(0, std::chrono::seconds(10));  // runs the simulation
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/config.h"
#include "core/device.h"
#include "core/status.h"
#include "tlm/chip.h"

namespace sc_core {
class sc_simcontext;
}

namespace aorta::tlm {

struct BoardOptions {
  // The global quantum of the loosely-timed model (tlm_global_quantum).
  double quantum_ns = 1000;
  // Receives every chip's timed events (chip i reports as chip i); null: none.
  ChipObserver* observer = nullptr;
  // The host window's bandwidth: false (default) the DRAM's, as the RTL's bench serves it (the
  // figures calibrated against the RTL, docs/tlm.md); true the PCIe link's (generation x lanes).
  bool pcie_host_window = false;
};

class Board {
 public:
  // Validates every config and link; `host` is the host window (null: accesses to it fault).
  static Result<std::unique_ptr<Board>> Make(const std::vector<ChipConfig>& chips,
                                             const std::vector<config::BoardLink>& links,
                                             DeviceMemory* host, BoardOptions options = {});
  ~Board();
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  size_t size() const;
  uint32_t ReadReg(size_t chip, uint32_t offset);
  void WriteReg(size_t chip, uint32_t offset, uint32_t value);
  // Board DRAM of a chip through BAR2 (untimed, DMI).
  Status DramWrite(size_t chip, uint64_t addr, std::span<const uint8_t> data);
  Status DramRead(size_t chip, uint64_t addr, std::span<uint8_t> out);
  bool Irq(size_t chip);
  // Runs the simulation until the chip's interrupt line is high, nothing can happen any more
  // (every chip idle or waiting for link data that nobody sends), or `timeout` of wall time has
  // passed; returns the interrupt line.
  bool RunUntilIrq(size_t chip, std::chrono::milliseconds timeout);

  Chip& chip(size_t i);
  // Simulated clock cycles summed over the chips (each chip's cycles of simulated time), and the
  // wall time spent in the simulation kernel.
  uint64_t simulated_cycles();
  double simulation_seconds() const { return sim_seconds_; }

 private:
  struct Impl;
  explicit Board(std::unique_ptr<Impl> impl);
  void Enter() const;  // makes this board's simulation context current

  std::unique_ptr<Impl> impl_;
  sc_core::sc_simcontext* context_ = nullptr;
  double sim_seconds_ = 0;
};

}  // namespace aorta::tlm
