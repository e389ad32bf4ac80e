// The RTL backend: one verilated SoC (verif/soc/rtl_device.h) per chip, links wired as the board
// says, so that Session (session.h) runs programs on the RTL with no other change.
//
//   auto backend = MakeRtlBackend({config});             // the speed build (no assertions)
//   auto session = Session::Load(program, **backend);
//
// A board of several chips runs in lock-step (verif/multichip/rtl_board.h): every cycle clocks
// every chip, and the links are cycle-level channels with the board's latency, bandwidth and
// back-pressure (verif/multichip/cycle_link.h). Wait runs the board until the chip waited for
// raises its interrupt or the wall-clock timeout passes.
// With options.trace_path, every chip runs the trace build and dumps FST waveforms
// (verif/soc/rtl_trace.h). A binary links this library with either aorta_rtl_device_fast (the speed
// builds only; the aorta CLI) or aorta_rtl_device (also the builds with SystemVerilog assertions;
// the tests).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "driver/runtime/backend.h"
#include "driver/runtime/uri.h"

namespace aorta::verif {
class RtlDevice;
class RtlBoard;
}  // namespace aorta::verif

namespace aorta::runtime {

struct RtlBackendOptions {
  bool fast = true;  // the speed builds; false: the builds with assertions (tests)
  // FST waveforms of every chip (the trace builds, verif/soc/rtl_trace.h; they exist in a build
  // tree configured with -DAORTA_RTL_TRACE=ON): chip 0 to trace_path, chip i > 0 to
  // <trace_path without .fst>.chip<i>.fst, device cycles [trace_from, trace_to) only. The files
  // are complete when the backend is destroyed. Empty: no trace.
  std::string trace_path{};
  uint64_t trace_from = 0, trace_to = UINT64_MAX;
  // Makes each chip's device instead of verif::MakeRtlDevice (e.g. the coverage builds,
  // verif::MakeCoverageRtlDevice); `fast` and the trace do not apply then. (Every member has a
  // default initializer: designated initializers such as {.fast = false} stay warning-free.)
  std::function<Result<std::unique_ptr<verif::RtlDevice>>(const ChipConfig&, DeviceMemory*)>
      make_device{};
  // Boards of several chips: the links' timing. 0: from the sending chip's config
  // (verif::LinkTimingOf: links.bandwidth_gbps, latency_ns at clock_mhz; FIFO rows = the
  // bandwidth-delay product + 8).
  double link_bytes_per_cycle = 0;
  uint32_t link_latency_cycles = 0;
  uint32_t link_fifo_rows = 0;
  // Called once with the board of a multi-chip backend (fault injection, link statistics).
  std::function<void(verif::RtlBoard&)> on_board{};
};

// "FROM:TO" (device cycles, FROM < TO; either may be empty: 0 and the end of the run) into
// options.trace_from / trace_to.
Status ParseTraceWindow(const std::string& from_to, RtlBackendOptions& options);

Result<std::unique_ptr<Backend>> MakeRtlBackend(const std::vector<ChipConfig>& chips,
                                                const std::vector<config::BoardLink>& links = {},
                                                RtlBackendOptions options = {});

// Registers rtl:// (driver/runtime/uri.h) as MakeRtlBackend's speed build, for the binaries that
// link this backend and libaorta's URI registry (the aorta CLI, the Python module); `who` names
// the binary in the refusal of rtl://?asserts= (only test binaries link the assertion builds).
// Inline: the registry (aorta_libaorta) links this backend, so the backend library must not
// reference the registry.
inline void RegisterRtlSimulator(const std::string& who) {
  RegisterSimulator(
      "rtl",
      [who](const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
            const std::map<std::string, std::string>& options) -> Result<std::unique_ptr<Backend>> {
        if (options.count("asserts"))
          return Unsupported("rtl://?asserts=: {} links the speed build only", who);
        return MakeRtlBackend(chips, links);
      });
}

}  // namespace aorta::runtime
