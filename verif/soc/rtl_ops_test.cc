// The compiler's per-op end-to-end cases (compiler/testing/op_cases.h, the models of
// compiler/compile_test.cc) on the RTL: each case compiled with calibration, run through Session
// on the golden backend and on the rtl backend (the verilated SoC, speed build), and the outputs
// and every non-timing counter (total and per layer) compared: bit-identical
// (driver/runtime/backend_compare_test_util.h). The cases and shapes are compile_test's (its
// whole end-to-end list; tiling through DRAM and streamed weights on tiny, as there, whose
// buffers those shapes overflow); the suite costs a few seconds of CPU.
// The groups of cases are op_cases' (DenseConvCases .. LayoutAndPreQuantizedCases), which
// tlm/tlm_bench.cc measures too (op_cases::RtlSuite): a case added to a group is in both.
//
// Built a second time as rtl_ops_coverage (AORTA_RTL_OPS_COVERAGE_DIR defined; target
// rtl_coverage): the same cases on the coverage builds of the SoC, each device's counts written
// to a file of that directory.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>

#include "compiler/testing/op_cases.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/rtl_backend.h"
#ifdef AORTA_RTL_OPS_COVERAGE_DIR
#include <unistd.h>

#include <atomic>
#include <chrono>

#include "verif/soc/rtl_trace.h"
#endif

namespace aorta::runtime {
namespace {

using op_cases::ConvGraph;
using op_cases::ConvSpec;
using op_cases::Rng;
using testing::Chip;

constexpr const char* kChips[] = {"tiny", "sim16"};

#ifdef AORTA_RTL_OPS_COVERAGE_DIR
RtlBackendOptions Options() {
  RtlBackendOptions o;
  o.make_device = [](const ChipConfig& c, DeviceMemory* host) {
    static std::atomic<int> n{0};
    return verif::MakeCoverageRtlDevice(
        c, host, {},
        fmt::format("{}/soc_{}_{}_{}.dat", AORTA_RTL_OPS_COVERAGE_DIR, c.name(), getpid(), n++));
  };
  return o;
}
// The coverage models (-O1, assertions, line and toggle counters) are far slower than the speed
// builds: the DRAM-tiled tiny convolutions outlast the default one-minute wall-clock timeout on
// a loaded machine, so these sessions wait up to 30 minutes per segment.
Session::Options SessionOptions() {
  Session::Options o;
  o.timeout = std::chrono::minutes(30);
  return o;
}
#else
RtlBackendOptions Options() { return RtlBackendOptions{.fast = true}; }
Session::Options SessionOptions() { return {}; }
#endif

// Compiles `g` for `chip`, runs it on golden and RTL, compares; returns the RTL's run cycles.
// `check` (if given) looks at the compiled program first; `options` are the compile options.
uint64_t RunCase(const ir::Graph& g, const std::string& chip, const std::string& label,
                 uint64_t seed = 1, const std::function<void(const Program&)>& check = nullptr,
                 const CompileOptions& options = {}) {
  SCOPED_TRACE(label + " on " + chip);
#ifdef AORTA_RTL_OPS_COVERAGE_DIR
  if (!verif::RtlCoverageBuilt(Chip(chip))) return 0;  // no coverage build of this config
#endif
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(g, Chip(chip), seed, options);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return 0;
  const Program& p = c->compiled.program;
  if (check) check(p);
  auto golden = MakeGoldenBackend({p.chips(0).config()});
  EXPECT_TRUE(golden.ok()) << golden.status().ToString();
  auto rtl = MakeRtlBackend({p.chips(0).config()}, {}, Options());
  EXPECT_TRUE(rtl.ok()) << rtl.status().ToString();
  if (!golden.ok() || !rtl.ok()) return 0;
  testing::Ran got = testing::CompareWithGolden(**golden, **rtl, p, c->inputs, SessionOptions());
  std::printf("[rtl] %-52s %-5s %8llu cycles  util %5.1f %%  sim %.2f s\n", label.c_str(),
              chip.c_str(), static_cast<unsigned long long>(got.report.cycles),
              100.0 * got.report.mac_utilization, (*rtl)->simulation_seconds());
  return got.report.cycles;
}

// ---- Convolutions ----

TEST(RtlOps, DenseConvolutions) {
  Rng rng(42);
  for (const char* chip : kChips) {
    for (const auto& [label, g] : op_cases::DenseConvCases(rng)) RunCase(g, chip, label);
  }
}

// Kernel taps packed into the array's rows (compiler/codegen/pack_taps.h): the input staged in
// DRAM with zero-point margins, overlapping packed loads, bands of output rows (the last case in
// four bands on tiny, the loads of a band waiting for the stores through the EX queue).
TEST(RtlOps, PackedTapConvolutions) {
  // Staged: the input loaded into the UB and stored to SCRATCH (direct packed inputs off).
  CompileOptions staged;
  staged.direct_inputs = false;
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::PackedTapCases())
      RunCase(g, chip, label, 1, nullptr, staged);
}

// Direct packed inputs (program.proto PackedRows): the model input written by the session in the
// packed layout in board DRAM and read by the packed loads, no input DMA and no stores: the
// interleaved cases (r = 2 with the odd-height fill, four bands on tiny) and the stem-like 7x7/2.
TEST(RtlOps, PackedTapConvolutionsDirectInput) {
  auto direct = [](const Program& p) {
    ASSERT_EQ(p.inputs_size(), 1);
    EXPECT_EQ(p.inputs(0).layout(), program::LAYOUT_PACKED_ROWS);
  };
  const std::vector<ConvSpec> specs = op_cases::PackedTapSpecs();
  for (const char* chip : kChips)
    for (size_t i = 0; i < specs.size(); ++i)
      if (specs[i].sh == 2)
        RunCase(ConvGraph(specs[i], 400 + i), chip, specs[i].Label() + " direct", 1, direct);
}

// Wide outputs (docs/compiler.md): a conv output without activation leaves the chip as its int32
// accumulator (DMA_STORE from ACC), channel-blocked, or NHWC through the output DMA (BlazeFace's
// heads: Transpose + Reshape), and per row tile when the layer is tiled through DRAM (tiny).
TEST(RtlOps, WideOutputs) {
  auto wide = [](const Program& p) {
    ASSERT_EQ(p.outputs_size(), 1);
    EXPECT_EQ(p.outputs(0).dtype(), program::DTYPE_I32);
    EXPECT_TRUE(p.outputs(0).has_channel_quant());
  };
  ConvSpec s;
  s.cin = 10;
  s.cout = 17;
  ir::Graph nhwc = ConvGraph(s, 13);  // output "c" [1, 17, 8, 8]
  nhwc.outputs.clear();
  nhwc.AddNode("Transpose", {"c"}, {"t"}, {{"perm", op_cases::Ints{0, 2, 3, 1}}}, "to_nhwc");
  nhwc.AddInitializer("shape", Tensor::FromVector<int64_t>({3}, {1, 8 * 8, 17}));
  nhwc.AddNode("Reshape", {"t", "shape"}, {"y"}, {}, "flat");
  nhwc.AddOutput("y");
  for (const char* chip : kChips) {
    RunCase(ConvGraph(s, 13), chip, s.Label() + " wide", 1, wide);
    RunCase(nhwc, chip, s.Label() + " wide NHWC", 1, wide);
  }
  const ConvSpec t = op_cases::TiledConvSpecs()[1];  // no activation: tiled and wide
  RunCase(ConvGraph(t, 301), "tiny", t.Label() + " wide (tiled)", 1, wide);
}

TEST(RtlOps, ConvActivations) {
  for (const auto& [label, g] : op_cases::ConvActivationCases())
    for (const char* chip : kChips) RunCase(g, chip, label);
}

TEST(RtlOps, DepthwiseConvolutions) {
  Rng rng(7);
  for (const char* chip : kChips) {
    for (const auto& [label, g] : op_cases::DepthwiseCases(rng)) RunCase(g, chip, label);
  }
}

TEST(RtlOps, GroupedConvolutions) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::GroupedConvCases()) RunCase(g, chip, label);
}

TEST(RtlOps, ResidualAdds) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::ResidualAddCases()) RunCase(g, chip, label);
}

TEST(RtlOps, SameUpperStrided) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::SameUpperStridedCases()) RunCase(g, chip, label);
}

// compile_test's 40 x 40 on tiny: two output blocks x four row tiles of 480 pixels, alternating
// between the accumulator halves (0 and 512); each tile's POSTPROC reads rows the next-but-one
// tile's MATMULs write again.
TEST(RtlOps, AccumulatorRowTilesAlternatingHalves) {
  for (const auto& [label, g] : op_cases::AccumulatorRowTileCases()) RunCase(g, "tiny", label);
}

// ---- Matrices ----

TEST(RtlOps, GemmForms) {
  Rng rng(21);
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::GemmCases(rng)) RunCase(g, chip, label);
}

// ---- Element-wise, activations, pooling ----

TEST(RtlOps, EltwiseAndBroadcasts) {
  Rng rng(31);
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::EltwiseCases(rng)) RunCase(g, chip, label);
}

TEST(RtlOps, StandaloneActivations) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::StandaloneActivationCases()) RunCase(g, chip, label);
}

TEST(RtlOps, Pools) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::PoolCases()) RunCase(g, chip, label);
}

// ---- Models, tiling through DRAM, streamed weights ----

TEST(RtlOps, SmallCnnAndTwoOutputs) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::SmallCnnCases()) RunCase(g, chip, label);
}

TEST(RtlOps, StreamedWeightsOnTiny) {
  for (const auto& [label, g] : op_cases::StreamedWeightCases()) RunCase(g, "tiny", label);
}

// The tiled cases are the ones whose loads SplitTransfers splits into chunks (one per channel
// block, the EX op of each block naming only the last load): they caught the missing dependency
// of a block's op on the chunks of the earlier blocks' loads (the RTL ran it before its rows
// arrived; the golden model's queue order hid it).
TEST(RtlOps, ConvolutionsTiledThroughDramOnTiny) {
  // compile_test's six: inputs of 2 blocks x 64 x 72 rows, more than tiny's unified buffer.
  for (const auto& [label, g] : op_cases::TiledConvCases()) RunCase(g, "tiny", label);
}

TEST(RtlOps, VectorOpsTiledThroughDramOnTiny) {
  // compile_test's: depthwise, pools, Add and Relu on c x 96 x 96.
  for (const auto& [label, g] : op_cases::TiledVectorOpCases()) RunCase(g, "tiny", label);
}

// compile_test's tiling of the remaining layer kinds, one case of each: ConvTranspose (zero
// insertion per tile, input and output in DRAM), a Pad copy, a Resize, a residual add then a LUT
// activation, column tiles of wide rows through DRAM, squeeze-and-scale (the global pool's output
// and the broadcast operand in DRAM) and a global pool tiled by channel blocks.
TEST(RtlOps, LayoutOpsResidualActivationsAndWideRowsTiledOnTiny) {
  for (const auto& [label, g] : op_cases::TiledLayoutResidualWideCases()) RunCase(g, "tiny", label);
}

TEST(RtlOps, SmallCnnTiledOnTiny) {
  for (const auto& [label, g] : op_cases::SmallCnnTiledCases()) RunCase(g, "tiny", label);
}

// Pad (a copy, or folded into a conv), Resize / Upsample (RESIZE), ConvTranspose (zero insertion
// + convolution) and the pre-quantized models (QDQ and QLinear ops), as compile_test runs them.
TEST(RtlOps, LayoutOpsAndPreQuantizedModels) {
  for (const char* chip : kChips)
    for (const auto& [label, g] : op_cases::LayoutAndPreQuantizedCases()) RunCase(g, chip, label);
}

}  // namespace
}  // namespace aorta::runtime
