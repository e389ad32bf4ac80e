// Programs through Session on the TLM backend against the golden backend: bit-identical outputs
// and identical non-timing counters (INSN_*, MACS, VEC_MACS, every byte counter), in total and
// per layer (PERF records); the TLM model also counts cycles, and they are plausible.
#include "driver/runtime/tlm_backend.h"

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
uint64_t At(const Counters& c, Counter k) { return c[static_cast<size_t>(k)]; }

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

// Runs `p` on golden and TLM and compares outputs and counters; returns the TLM run.
Ran CompareBackends(const Program& p, const TensorMap& inputs, const ChipConfig& chip) {
  auto golden = MakeGoldenBackend({chip});
  EXPECT_TRUE(golden.ok());
  auto tlm = MakeTlmBackend({chip});
  EXPECT_TRUE(tlm.ok()) << tlm.status().ToString();
  if (!golden.ok() || !tlm.ok()) return {};
  Ran want = RunOn(**golden, p, inputs);
  Ran got = RunOn(**tlm, p, inputs);
  EXPECT_EQ(got.outputs.size(), want.outputs.size());
  for (const auto& [name, t] : want.outputs) {
    EXPECT_TRUE(got.outputs.count(name)) << name;
    if (got.outputs.count(name)) {
      EXPECT_EQ(got.outputs.at(name).ToDoubles(), t.ToDoubles()) << name;
    }
  }
  for (size_t i = 0; i < regs::kNumCounters; ++i) {
    if (Untimed(i)) {
      EXPECT_EQ(got.report.counters[i], want.report.counters[i]) << regs::kCounterNames[i];
    }
  }
  EXPECT_EQ(got.report.layers.size(), want.report.layers.size());
  for (size_t l = 0; l < want.report.layers.size() && l < got.report.layers.size(); ++l) {
    const LayerReport& g = got.report.layers[l];
    for (size_t i = 0; i < regs::kNumCounters; ++i) {
      if (Untimed(i)) {
        EXPECT_EQ(g.counters[i], want.report.layers[l].counters[i])
            << want.report.layers[l].name << " " << regs::kCounterNames[i];
      }
    }
    if (g.host) continue;
    // Plausible timing: every layer takes cycles; no unit is busy longer than the layer; the
    // array computes at most one MAC per PE per cycle.
    const uint64_t cycles = At(g.counters, Counter::kCycles);
    EXPECT_GT(cycles, 0u) << g.name;
    for (Counter k : {Counter::kLdBusy, Counter::kExBusy, Counter::kStBusy, Counter::kArrayBusy})
      EXPECT_LE(At(g.counters, k), cycles)
          << g.name << " " << regs::kCounterNames[static_cast<size_t>(k)];
    const uint64_t n = chip.array_rows();
    EXPECT_LE(At(g.counters, Counter::kMacs), At(g.counters, Counter::kArrayBusy) * n * n)
        << g.name;
  }
  EXPECT_GT(got.report.cycles, 0u);
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
    Program p = testing::CopyProgram(chip, 20, 3, 3);
    std::vector<float> v(180);
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<float>(static_cast<int>(i % 37) - 18) * 0.5f;
    Tensor x = Tensor::FromVector<float>({1, 20, 3, 3}, v);
    CompareBackends(p, {{"x", x}}, chip);
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

}  // namespace
}  // namespace aorta::runtime
