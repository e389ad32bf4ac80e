// Programs through Session on the RTL backend (the verilated SoC with assertions) against the
// golden backend: bit-identical outputs and identical non-timing counters (INSN_*, MACS,
// VEC_MACS, every byte counter), in total and per layer (PERF records); the RTL also counts
// cycles. Device errors come back as the same Status on both.
#include "driver/runtime/rtl_backend.h"

#include <gtest/gtest.h>

#include <string>

#include "core/testing/test_programs.h"
#include "driver/runtime/session.h"
#include "models/demo/demo_program.h"

namespace aorta::runtime {
namespace {

using regs::Counter;

ChipConfig Chip(const std::string& name) {
  Result<ChipConfig> c = LoadChipConfig(name);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

bool Untimed(size_t i) { return i >= static_cast<size_t>(Counter::kInsnDma); }

struct Ran {
  TensorMap outputs;
  RunReport report;
};

Ran RunOn(Backend& backend, const Program& p, const TensorMap& inputs) {
  auto s = Session::Load(p, backend);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  Ran r;
  if (!s.ok()) return r;
  auto out = (*s)->Run(inputs, &r.report);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (out.ok()) r.outputs = std::move(out).value();
  return r;
}

// Runs `p` on golden and RTL and compares outputs and counters.
void CompareBackends(const Program& p, const TensorMap& inputs, const ChipConfig& chip) {
  auto golden = MakeGoldenBackend({chip});
  ASSERT_TRUE(golden.ok());
  auto rtl = MakeRtlBackend({chip}, {}, RtlBackendOptions{.fast = false});
  ASSERT_TRUE(rtl.ok()) << rtl.status().ToString();
  Ran want = RunOn(**golden, p, inputs);
  Ran got = RunOn(**rtl, p, inputs);
  ASSERT_EQ(got.outputs.size(), want.outputs.size());
  for (const auto& [name, t] : want.outputs) {
    ASSERT_TRUE(got.outputs.count(name)) << name;
    EXPECT_EQ(got.outputs.at(name).ToDoubles(), t.ToDoubles()) << name;
  }
  for (size_t i = 0; i < regs::kNumCounters; ++i) {
    if (Untimed(i)) {
      EXPECT_EQ(got.report.counters[i], want.report.counters[i]) << regs::kCounterNames[i];
    }
  }
  ASSERT_EQ(got.report.layers.size(), want.report.layers.size());
  for (size_t l = 0; l < want.report.layers.size(); ++l) {
    for (size_t i = 0; i < regs::kNumCounters; ++i) {
      if (Untimed(i)) {
        EXPECT_EQ(got.report.layers[l].counters[i], want.report.layers[l].counters[i])
            << want.report.layers[l].name << " " << regs::kCounterNames[i];
      }
    }
    EXPECT_GT(got.report.layers[l].counters[static_cast<size_t>(Counter::kCycles)], 0u)
        << want.report.layers[l].name;
  }
  EXPECT_GT(got.report.cycles, 0u);
  EXPECT_GT((*rtl)->simulated_cycles(), got.report.cycles);
}

TEST(RtlBackend, CopyProgramMatchesGolden) {
  for (const char* name : {"tiny", "sim16"}) {
    SCOPED_TRACE(name);
    ChipConfig chip = Chip(name);
    Program p = testing::CopyProgram(chip, 20, 3, 3);
    std::vector<float> v(180);
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<float>(static_cast<int>(i % 37) - 18) * 0.5f;
    Tensor x = Tensor::FromVector<float>({1, 20, 3, 3}, v);
    CompareBackends(p, {{"x", x}}, chip);
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
