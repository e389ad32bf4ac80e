// The TLM backend: the SystemC TLM-2.0 model of the board (tlm/board.h) behind the device
// contract, so that Session (session.h) runs programs on it unchanged. Data and non-timing
// counters are the golden model's; CYCLES and the BUSY / STALL / ARRAY_BUSY counters come from
// the model's timing (docs/tlm.md).
//
//   auto backend = MakeTlmBackend({config});
//   auto session = Session::Load(program, **backend);
#pragma once

#include <memory>
#include <vector>

#include "driver/runtime/backend.h"
#include "tlm/board.h"

namespace aorta::runtime {

Result<std::unique_ptr<Backend>> MakeTlmBackend(const std::vector<ChipConfig>& chips,
                                                const std::vector<config::BoardLink>& links = {},
                                                tlm::BoardOptions options = {});

}  // namespace aorta::runtime
