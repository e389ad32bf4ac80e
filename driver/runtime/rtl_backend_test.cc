// Programs through Session on the RTL backend (the verilated SoC with assertions) against the
// golden backend: bit-identical outputs and identical non-timing counters (INSN_*, MACS,
// VEC_MACS, every byte counter), in total and per layer (PERF records); the RTL also counts
// cycles. Device errors come back as the same Status on both.
#include "driver/runtime/rtl_backend.h"

#include <gtest/gtest.h>

#include <string>

#include "core/testing/test_programs.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/session.h"
#include "models/demo/demo_program.h"

namespace aorta::runtime {
namespace {

using regs::Counter;

using testing::Chip;
using testing::CopyProgramInput;
using testing::Ran;

// Runs `p` on golden and RTL and compares outputs and counters.
void CompareBackends(const Program& p, const TensorMap& inputs, const ChipConfig& chip) {
  auto golden = MakeGoldenBackend({chip});
  ASSERT_TRUE(golden.ok());
  auto rtl = MakeRtlBackend({chip}, {}, RtlBackendOptions{.fast = false});
  ASSERT_TRUE(rtl.ok()) << rtl.status().ToString();
  Ran got = testing::CompareWithGolden(**golden, **rtl, p, inputs);
  EXPECT_GT((*rtl)->simulated_cycles(), got.report.cycles);
}

TEST(RtlBackend, CopyProgramMatchesGolden) {
  for (const char* name : {"tiny", "sim16"}) {
    SCOPED_TRACE(name);
    ChipConfig chip = Chip(name);
    Program p = aorta::testing::CopyProgram(chip, 20, 3, 3);
    CompareBackends(p, {{"x", CopyProgramInput()}}, chip);
  }
}

TEST(RtlBackend, DemoCnnMatchesGolden) {
  for (const char* name : {"tiny", "sim16"}) {
    SCOPED_TRACE(name);
    ChipConfig chip = Chip(name);
    auto m = demo::BuildDemoModel(chip, 1);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    CompareBackends(m->program, {{m->program.inputs(0).name(), m->input}}, chip);
  }
}

TEST(RtlBackend, RefusesAConfigWithoutModel) {
  ChipConfig chip = Chip("tiny");
  chip.set_queue_depth(chip.queue_depth() + 1);
  auto rtl = MakeRtlBackend({chip}, {}, RtlBackendOptions{.fast = false});
  ASSERT_FALSE(rtl.ok());
  EXPECT_NE(rtl.status().message().find("no RTL model"), std::string::npos)
      << rtl.status().ToString();
}

}  // namespace
}  // namespace aorta::runtime
