// Programs through Session on the TLM backend against the golden backend: bit-identical outputs
// and identical non-timing counters (INSN_*, MACS, VEC_MACS, every byte counter), in total and
// per layer (PERF records); the TLM model also counts cycles, and they are plausible.
#include "driver/runtime/tlm_backend.h"

#include <gtest/gtest.h>

#include <string>

#include "compiler/testing/op_cases.h"
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

uint64_t At(const Counters& c, Counter k) { return c[static_cast<size_t>(k)]; }

// Runs `p` on golden and TLM and compares outputs and counters; returns the TLM run.
Ran CompareBackends(const Program& p, const TensorMap& inputs, const ChipConfig& chip) {
  auto golden = MakeGoldenBackend({chip});
  EXPECT_TRUE(golden.ok());
  auto tlm = MakeTlmBackend({chip});
  EXPECT_TRUE(tlm.ok()) << tlm.status().ToString();
  if (!golden.ok() || !tlm.ok()) return {};
  Ran got = testing::CompareWithGolden(**golden, **tlm, p, inputs);
  for (const LayerReport& g : got.report.layers) {
    if (g.host) continue;
    // Plausible timing (CompareWithGolden checked that every layer takes cycles): no unit is
    // busy longer than the layer; the array computes at most one MAC per PE per cycle.
    const uint64_t cycles = At(g.counters, Counter::kCycles);
    for (Counter k : {Counter::kLdBusy, Counter::kExBusy, Counter::kStBusy, Counter::kArrayBusy})
      EXPECT_LE(At(g.counters, k), cycles)
          << g.name << " " << regs::kCounterNames[static_cast<size_t>(k)];
    const uint64_t n = chip.array_rows();
    EXPECT_LE(At(g.counters, Counter::kMacs), At(g.counters, Counter::kArrayBusy) * n * n)
        << g.name;
  }
  if (got.report.macs > 0) {
    EXPECT_GT(got.report.mac_utilization, 0.0);
  }
  EXPECT_LE(got.report.mac_utilization, 1.0);
  EXPECT_EQ(got.report.backend, "tlm");
  EXPECT_GE((*tlm)->simulated_cycles(), got.report.cycles);
  return got;
}

TEST(TlmBackend, CopyProgramMatchesGolden) {
  for (const char* name : {"tiny", "sim16"}) {
    SCOPED_TRACE(name);
    ChipConfig chip = Chip(name);
    Program p = aorta::testing::CopyProgram(chip, 20, 3, 3);
    CompareBackends(p, {{"x", CopyProgramInput()}}, chip);
  }
}

TEST(TlmBackend, DemoCnnMatchesGolden) {
  for (const char* name : {"tiny", "sim16"}) {
    SCOPED_TRACE(name);
    ChipConfig chip = Chip(name);
    auto m = demo::BuildDemoModel(chip, 1);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    Ran r = CompareBackends(m->program, {{m->program.inputs(0).name(), m->input}}, chip);
    EXPECT_GT(r.report.macs, 0u);
  }
}

TEST(TlmBackend, SlowerDramCostsCycles) {
  // The same program on a chip whose DRAM has a tenth of the bandwidth and ten times the
  // latency takes longer; on a faster clock (same DRAM in ns) the copy takes more cycles too.
  ChipConfig fast = Chip("sim16");
  ChipConfig slow = fast;
  slow.mutable_dram()->set_bandwidth_gbps(fast.dram().bandwidth_gbps() / 10);
  slow.mutable_dram()->set_latency_ns(fast.dram().latency_ns() * 10);
  auto m = demo::BuildDemoModel(fast, 1);
  ASSERT_TRUE(m.ok());
  auto m_slow = demo::BuildDemoModel(slow, 1);
  ASSERT_TRUE(m_slow.ok());
  Ran a = CompareBackends(m->program, {{m->program.inputs(0).name(), m->input}}, fast);
  Ran b =
      CompareBackends(m_slow->program, {{m_slow->program.inputs(0).name(), m_slow->input}}, slow);
  EXPECT_GT(b.report.cycles, a.report.cycles);
}

TEST(TlmBackend, AProgramTakesTheSameCyclesWheneverItRuns) {
  // Loads and stores at once at tiny's full memory bandwidth (an Add tiled through DRAM): how
  // they take turns at the memory depends on where the LD and ST processes sync, and those
  // points count from each run's start (RunQuantumKeeper), not from time zero. So the program run
  // again, after another program has left simulated time somewhere inside a quantum, takes the
  // cycles of its first run, layer by layer and counter by counter.
  const ChipConfig chip = Chip("tiny");
  Result<op_cases::CompiledCase> add =
      op_cases::CompileCase(op_cases::BinaryGraph("Add", {1, 3, 96, 96}, {1, 3, 96, 96}), chip);
  ASSERT_TRUE(add.ok()) << add.status().ToString();
  const Program copy = aorta::testing::CopyProgram(chip, 20, 3, 3);
  auto tlm = MakeTlmBackend({chip});
  ASSERT_TRUE(tlm.ok()) << tlm.status().ToString();
  const Ran first = testing::RunOn(**tlm, add->compiled.program, add->inputs);
  ASSERT_GT(first.report.cycles, 0u);
  for (int again = 0; again < 2; ++again) {
    SCOPED_TRACE(again);
    testing::RunOn(**tlm, copy, {{"x", CopyProgramInput()}});
    const Ran next = testing::RunOn(**tlm, add->compiled.program, add->inputs);
    EXPECT_EQ(next.report.cycles, first.report.cycles);
    ASSERT_EQ(next.report.layers.size(), first.report.layers.size());
    for (size_t i = 0; i < first.report.layers.size(); ++i)
      EXPECT_EQ(next.report.layers[i].counters, first.report.layers[i].counters)
          << first.report.layers[i].name;
  }
}

}  // namespace
}  // namespace aorta::runtime
