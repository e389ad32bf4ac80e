// The RTL backend: one verilated SoC (verif/soc/rtl_device.h) per chip, links wired as the board
// says, so that Session (session.h) runs programs on the RTL with no other change.
//
//   auto backend = MakeRtlBackend({config});             // the speed build (no assertions)
//   auto session = Session::Load(program, **backend);
//
// Wait advances every chip of the board in slices of cycles (chips of a pipeline talk over
// links), until the chip waited for raises its interrupt or the wall-clock timeout passes.
// A binary links this library with either aorta_rtl_device_fast (the speed builds only; the
// aorta CLI) or aorta_rtl_device (also the builds with SystemVerilog assertions; the tests).
#pragma once

#include <memory>
#include <vector>

#include "driver/runtime/backend.h"

namespace aorta::runtime {

struct RtlBackendOptions {
  bool fast = true;  // the speed builds; false: the builds with assertions (tests)
};

Result<std::unique_ptr<Backend>> MakeRtlBackend(const std::vector<ChipConfig>& chips,
                                                const std::vector<config::BoardLink>& links = {},
                                                RtlBackendOptions options = {});

}  // namespace aorta::runtime
