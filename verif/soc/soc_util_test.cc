// Utilization of the whole SoC on a GEMM (issue 4 item 5; docs/rtl.md "EX issue and overlap"):
// a Gemm compiled by the compiler runs through Session on the golden backend and on the rtl
// backend (the verilated SoC, speed build); the outputs and every non-timing counter are
// bit-identical (driver/runtime/backend_compare_test_util.h) and the array is kept busy: MACS /
// (N^2 * CYCLES) >= 0.95 over the whole run, input load and output store included. Cycle counts
// are exact, so the bound holds on any machine. The GEMM's dimensions are multiples of N, so
// the device's MACS are the model's MACs.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "compiler/testing/op_cases.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/rtl_backend.h"

namespace aorta::runtime {
namespace {

struct GemmCase {
  const char* chip;
  int64_t m, k, n;
};

void RunGemm(const GemmCase& gc) {
  SCOPED_TRACE(std::string(gc.chip));
  op_cases::Rng rng(5);
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(
      op_cases::GemmGraph(rng, gc.m, gc.k, gc.n, /*trans_b=*/true), testing::Chip(gc.chip), 3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Program& p = c->compiled.program;
  auto golden = MakeGoldenBackend({p.chips(0).config()});
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  auto rtl = MakeRtlBackend({p.chips(0).config()}, {}, RtlBackendOptions{.fast = true});
  ASSERT_TRUE(rtl.ok()) << rtl.status().ToString();
  testing::Ran got = testing::CompareWithGolden(**golden, **rtl, p, c->inputs);

  const ChipGeometry g = GeometryOf(p.chips(0).config());
  const uint64_t cycles = got.report.counters[static_cast<size_t>(regs::Counter::kCycles)];
  const uint64_t macs = got.report.counters[static_cast<size_t>(regs::Counter::kMacs)];
  const uint64_t array_busy = got.report.counters[static_cast<size_t>(regs::Counter::kArrayBusy)];
  ASSERT_GT(cycles, 0u);
  EXPECT_EQ(macs, static_cast<uint64_t>(gc.m * gc.k * gc.n));
  const double util =
      static_cast<double>(macs) / (static_cast<double>(g.n) * g.n * static_cast<double>(cycles));
  std::printf(
      "[util] gemm %lldx%lldx%lld on %s: %llu cycles, MAC utilization %.4f, array busy "
      "%.4f\n",
      static_cast<long long>(gc.m), static_cast<long long>(gc.k), static_cast<long long>(gc.n),
      gc.chip, static_cast<unsigned long long>(cycles), util,
      static_cast<double>(array_busy) / static_cast<double>(cycles));
  EXPECT_GE(util, 0.95) << cycles << " cycles for " << macs << " MACs";
}

TEST(SocUtilization, GemmKeepsTheArrayBusyOnTiny) { RunGemm({"tiny", 256, 128, 128}); }

TEST(SocUtilization, GemmKeepsTheArrayBusyOnSim16) { RunGemm({"sim16", 256, 256, 256}); }

}  // namespace
}  // namespace aorta::runtime
