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
#include <vector>

#include "compiler/testing/op_cases.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/rtl_backend.h"

namespace aorta::runtime {
namespace {

struct GemmCase {
  const char* chip;
  int64_t m, k, n;
};

// Compiles `graph` for `chip` and runs it on golden and on the rtl backend (speed build):
// outputs and every non-timing counter bit-identical; the RTL's report, the geometry and the
// compiler's layer summaries (tiling) out.
void CompileAndRun(const ir::Graph& graph, const char* chip, testing::Ran* got, ChipGeometry* g,
                   std::vector<codegen::LayerSummary>* layers = nullptr) {
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(graph, testing::Chip(chip), 3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Program& p = c->compiled.program;
  auto golden = MakeGoldenBackend({p.chips(0).config()});
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  auto rtl = MakeRtlBackend({p.chips(0).config()}, {}, RtlBackendOptions{.fast = true});
  ASSERT_TRUE(rtl.ok()) << rtl.status().ToString();
  *got = testing::CompareWithGolden(**golden, **rtl, p, c->inputs);
  *g = GeometryOf(p.chips(0).config());
  if (layers != nullptr) *layers = c->compiled.report.codegen.layers;
}

void RunGemm(const GemmCase& gc) {
  SCOPED_TRACE(std::string(gc.chip));
  op_cases::Rng rng(5);
  testing::Ran got;
  ChipGeometry g;
  ASSERT_NO_FATAL_FAILURE(CompileAndRun(
      op_cases::GemmGraph(rng, gc.m, gc.k, gc.n, /*trans_b=*/true), gc.chip, &got, &g));
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

// A residual 1x1 conv (ResNet's bottleneck expansion: Conv 64 -> 256 + Add + Relu) compiled by
// the compiler: per output block 4 MATMUL passes into one accumulator half, then POSTPROC and the
// fused VEC_ELTWISE add (UB_ROWS: 2 cycles a row) in the vector unit. The array stays busy only
// if the vector work of block b overlaps the passes of block b + 1 (rtl.md "EX issue and
// overlap": one handoff register per unit). Utilization of the conv layer from its PERF record:
// MACS / (N^2 * CYCLES) >= 0.85; outputs and non-timing counters bit-identical with golden.
// With `min_tiles` > 0 the layer must be tiled through DRAM in at least that many row tiles
// (docs/compiler.md "Tiling through DRAM"): the residual operand is loaded and the output stored
// tile by tile, and the array stays busy across the tile boundaries only if the loads of the
// next tile do not hold up decode (LowerTiled's fetch order; docs/perf.md "SoC utilization").
void RunResidualConv(const char* chip, int64_t hw, uint32_t min_tiles = 0) {
  SCOPED_TRACE(std::string(chip));
  op_cases::ConvSpec s;
  s.cin = 64;
  s.cout = 256;
  s.kh = s.kw = 1;
  s.pads = {0, 0, 0, 0};
  s.h = s.w = hw;
  s.act = "Relu";
  s.residual = true;
  testing::Ran got;
  ChipGeometry g;
  std::vector<codegen::LayerSummary> layers;
  ASSERT_NO_FATAL_FAILURE(CompileAndRun(op_cases::ConvGraph(s, 7), chip, &got, &g, &layers));
  const uint64_t model_macs = static_cast<uint64_t>(s.cin * s.cout * hw * hw);
  const LayerReport* conv = nullptr;
  for (const LayerReport& l : got.report.layers)
    if (!l.host && l.macs == model_macs) conv = &l;
  ASSERT_NE(conv, nullptr) << "no layer with the conv's " << model_macs << " MACs";
  uint32_t tiles = 0;
  for (const codegen::LayerSummary& l : layers)
    if (l.name == conv->name) tiles = l.tiles;
  if (min_tiles > 0) {
    EXPECT_GE(tiles, min_tiles) << conv->name << " is not tiled as the case needs";
  }
  const uint64_t cycles = conv->counters[static_cast<size_t>(regs::Counter::kCycles)];
  const uint64_t macs = conv->counters[static_cast<size_t>(regs::Counter::kMacs)];
  ASSERT_GT(cycles, 0u);
  EXPECT_EQ(macs, model_macs);
  const double util =
      static_cast<double>(macs) / (static_cast<double>(g.n) * g.n * static_cast<double>(cycles));
  std::printf(
      "[util] residual conv 1x1 %lld->%lld %lldx%lld on %s: layer %s (%u tiles) %llu cycles, "
      "MAC utilization %.4f\n",
      static_cast<long long>(s.cin), static_cast<long long>(s.cout), static_cast<long long>(hw),
      static_cast<long long>(hw), chip, conv->name.c_str(), tiles,
      static_cast<unsigned long long>(cycles), util);
  EXPECT_GE(util, 0.85) << cycles << " cycles for " << macs << " MACs";
}

TEST(SocUtilization, ResidualConvKeepsTheArrayBusyOnSim16) { RunResidualConv("sim16", 28); }

// The same conv on 44 x 44 pixels: its 256-channel residual input and output (30,976 UB rows
// each) do not fit the unified buffer beside the rest, so the layer runs in 3 row tiles through
// DRAM (docs/compiler.md "Tiling through DRAM"). Before LowerTiled spread the next tile's loads
// over the current tile's EX instructions, 165,946 cycles (74.7 %); docs/perf.md "SoC
// utilization".
TEST(SocUtilization, TiledResidualConvKeepsTheArrayBusyOnSim16) { RunResidualConv("sim16", 44, 3); }

TEST(SocUtilization, GemmKeepsTheArrayBusyOnTiny) { RunGemm({"tiny", 256, 128, 128}); }

TEST(SocUtilization, GemmKeepsTheArrayBusyOnSim16) { RunGemm({"sim16", 256, 256, 256}); }

}  // namespace
}  // namespace aorta::runtime
