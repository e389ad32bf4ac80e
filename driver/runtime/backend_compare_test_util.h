// Test helpers shared by the backend tests that run programs through Session on a simulated
// backend and compare it with the golden backend: bit-identical outputs and identical
// non-timing counters (INSN_*, MACS, VEC_MACS, every byte counter), in total and per layer.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta::runtime::testing {

inline ChipConfig Chip(const std::string& name) {
  Result<ChipConfig> c = LoadChipConfig(name);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

// The counters every backend must count exactly as the golden model does (all but the timing
// ones, which come first in the register map).
inline bool Untimed(size_t i) { return i >= static_cast<size_t>(regs::Counter::kInsnDma); }

struct Ran {
  TensorMap outputs;
  RunReport report;
};

inline Ran RunOn(Backend& backend, const Program& p, const TensorMap& inputs,
                 Session::Options options = {}) {
  auto s = Session::Load(p, backend, options);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  Ran r;
  if (!s.ok()) return r;
  auto out = (*s)->Run(inputs, &r.report);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (out.ok()) r.outputs = std::move(out).value();
  return r;
}

// Runs `p` on `golden` and `other`, expects equal outputs and untimed counters (total and per
// layer), and that `other` counted cycles for every chip layer; returns `other`'s run.
// `options`: the sessions' (e.g. a longer wall-clock timeout for a long simulation).
inline Ran CompareWithGolden(Backend& golden, Backend& other, const Program& p,
                             const TensorMap& inputs, Session::Options options = {}) {
  Ran want = RunOn(golden, p, inputs, options);
  Ran got = RunOn(other, p, inputs, options);
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
    if (!g.host) {
      EXPECT_GT(g.counters[static_cast<size_t>(regs::Counter::kCycles)], 0u) << g.name;
    }
  }
  EXPECT_GT(got.report.cycles, 0u);
  return got;
}

// The input of core/testing CopyProgram(chip, 20, 3, 3): a 1x20x3x3 ramp with negative values.
inline Tensor CopyProgramInput() {
  std::vector<float> v(180);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(static_cast<int>(i % 37) - 18) * 0.5f;
  return Tensor::FromVector<float>({1, 20, 3, 3}, v);
}

}  // namespace aorta::runtime::testing
