// Opening a backend by URI: the one string a user gives to say which board to run on.
//
//   golden://[CONFIG][?board=BOARD.textproto]   the golden model
//   tlm://[CONFIG][?board=BOARD.textproto]      the SystemC TLM model
//   rtl://[CONFIG][?board=BOARD.textproto]      the verilated RTL (the aorta CLI: speed build)
//   golden|tlm|rtl://CONFIG?chips=K             K chips of CONFIG in a ring (port 1 of chip i to
//                                               port 0 of chip i + 1 mod K), e.g.
//                                               rtl://sim16?chips=4
//   pcie:///dev/aorta0                          a board through the kernel driver
//   pcie+emu://SIM[/CONFIG][?timeout_ms=N]      the pcie path against the in-process emulation
//                                               of the kernel driver over SIM (golden|tlm|rtl)
//
// CONFIG is a bundled config name ("tiny", "sim16", "big128") or a .textproto path; without it
// (and without a board) the chips are the ones the caller passes, normally the program's own
// configs (so `golden://` runs any program). A board file gives chips and links.
// Errors name the URI and what is wrong with it; a backend this binary does not provide is
// named as missing. golden, tlm (SystemC) and pcie are built in; rtl needs the verilated SoC,
// which only binaries that link it provide, by RegisterSimulator("rtl", ...) (cli/main.cc).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "driver/runtime/backend.h"

namespace aorta::runtime {

struct DeviceUri {
  std::string scheme;                          // golden, tlm, rtl, pcie, pcie+emu
  std::string target;                          // CONFIG, the device path, or SIM[/CONFIG]
  std::map<std::string, std::string> options;  // ?key=value&...
};

Result<DeviceUri> ParseDeviceUri(const std::string& uri);

// Opens the backend `uri` names. `program_chips`: the chip configs used when the URI names none.
Result<std::unique_ptr<Backend>> OpenBackend(const std::string& uri,
                                             const std::vector<ChipConfig>& program_chips = {});

// A simulated backend by name, for rtl:// and pcie+emu://rtl. `options` are the URI's.
using SimulatorFactory = std::function<Result<std::unique_ptr<Backend>>(
    const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
    const std::map<std::string, std::string>& options)>;
void RegisterSimulator(const std::string& name, SimulatorFactory factory);

// The URI for a --backend NAME of the CLI: golden -> golden://, pcie -> pcie:///dev/aorta0, ...
std::string DefaultUri(const std::string& backend_name);

}  // namespace aorta::runtime
