// Small hand-built programs for tests of the program format, the runtime and the CLI.
#pragma once

#include <vector>

#include "core/isa/isa.h"
#include "core/program.h"

namespace aorta::testing {

// Encodes instructions into a stream (fails the calling test on an encoding error).
std::string Stream(const std::vector<isa::Insn>& insns);

// A program for `cfg` that copies input "x" (1 x C x H x W, int8, scale 0.5, zero point -3,
// channel-blocked) through the unified buffer to output "y" with the same binding:
// DMA_LOAD -> LOADW (passes the token) -> DMA_STORE -> HALT, with one PERF record ("copy").
Program CopyProgram(const ChipConfig& cfg, int64_t c = 8, int64_t h = 2, int64_t w = 2);

}  // namespace aorta::testing
