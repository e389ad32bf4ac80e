// The compiler's per-op end-to-end cases (compiler/testing/op_cases.h, the models of
// compiler/compile_test.cc) on the RTL: each case compiled with calibration, run through Session
// on the golden backend and on the rtl backend (the verilated SoC, speed build), and the outputs
// and every non-timing counter (total and per layer) compared: bit-identical
// (driver/runtime/backend_compare_test_util.h). The cases and shapes are compile_test's (its
// whole end-to-end list; tiling through DRAM and streamed weights on tiny, as there, whose
// buffers those shapes overflow); the suite costs a few seconds of CPU.
//
// Built a second time as rtl_ops_coverage (AORTA_RTL_OPS_COVERAGE_DIR defined; target
// rtl_coverage): the same cases on the coverage builds of the SoC, each device's counts written
// to a file of that directory.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <tuple>

#include "compiler/testing/op_cases.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/rtl_backend.h"
#ifdef AORTA_RTL_OPS_COVERAGE_DIR
#include <atomic>

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
        c, host, {}, fmt::format("{}/soc_{}_{}.dat", AORTA_RTL_OPS_COVERAGE_DIR, c.name(), n++));
  };
  return o;
}
#else
RtlBackendOptions Options() { return RtlBackendOptions{.fast = true}; }
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
  testing::Ran got = testing::CompareWithGolden(**golden, **rtl, p, c->inputs);
  std::printf("[rtl] %-52s %-5s %8llu cycles  util %5.1f %%  sim %.2f s\n", label.c_str(),
              chip.c_str(), static_cast<unsigned long long>(got.report.cycles),
              100.0 * got.report.mac_utilization, (*rtl)->simulation_seconds());
  return got.report.cycles;
}

// ---- Convolutions ----

TEST(RtlOps, DenseConvolutions) {
  Rng rng(42);
  for (const char* chip : kChips) {
    for (const ConvSpec& s : op_cases::DenseConvSpecs(rng))
      RunCase(ConvGraph(s, static_cast<uint64_t>(s.cin * 100 + s.cout)), chip, s.Label());
  }
}

// Kernel taps packed into the array's rows (compiler/codegen/pack_taps.h): the input staged in
// DRAM with zero-point margins, overlapping packed loads, bands of output rows (the last case in
// four bands on tiny, the loads of a band waiting for the stores through the EX queue).
TEST(RtlOps, PackedTapConvolutions) {
  // Staged: the input loaded into the UB and stored to SCRATCH (direct packed inputs off).
  CompileOptions staged;
  staged.direct_inputs = false;
  const std::vector<ConvSpec> specs = op_cases::PackedTapSpecs();
  for (const char* chip : kChips)
    for (size_t i = 0; i < specs.size(); ++i)
      RunCase(ConvGraph(specs[i], 400 + i), chip, specs[i].Label(), 1, nullptr, staged);
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
  for (const char* act : op_cases::kActivations) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 10;
    s.act = act;
    for (const char* chip : kChips) RunCase(ConvGraph(s, 11), chip, s.Label());
  }
}

TEST(RtlOps, DepthwiseConvolutions) {
  Rng rng(7);
  for (const char* chip : kChips) {
    for (const ConvSpec& s : op_cases::DepthwiseSpecs(rng))
      RunCase(ConvGraph(s, static_cast<uint64_t>(s.cin)), chip, s.Label());
  }
}

TEST(RtlOps, GroupedConvolutions) {
  for (const char* chip : kChips) {
    for (const auto& [cin, cout, group] :
         {std::tuple<int64_t, int64_t, int64_t>{16, 16, 2}, {6, 9, 3}, {20, 10, 2}, {10, 20, 10}}) {
      ConvSpec s;
      s.cin = cin;
      s.cout = cout;
      s.group = group;
      RunCase(ConvGraph(s, 3), chip, s.Label());
    }
  }
}

TEST(RtlOps, ResidualAdds) {
  for (const char* chip : kChips) {
    for (int64_t c : {3, 10, 17}) {
      ConvSpec s;
      s.cin = 8;
      s.cout = c;
      s.residual = true;
      s.act = c == 10 ? "" : "Relu";
      RunCase(ConvGraph(s, 9), chip, s.Label());
    }
    for (const char* act : {"LeakyRelu", "Sigmoid", "HardSwish"}) {
      ConvSpec s;
      s.cin = 10;
      s.cout = 17;
      s.residual = true;
      s.act = act;
      RunCase(ConvGraph(s, 19), chip, s.Label());
    }
  }
}

TEST(RtlOps, SameUpperStrided) {
  for (const char* chip : kChips) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 17;
    s.sh = s.sw = 2;
    s.h = 9;
    s.w = 8;
    ir::Graph g = ConvGraph(s, 17);
    g.nodes[0].attributes.erase("pads");
    g.nodes[0].attributes["auto_pad"] = std::string("SAME_UPPER");
    RunCase(g, chip, "conv 10->17 k3 s2 SAME_UPPER 9x8");
  }
}

// compile_test's 40 x 40 on tiny: two output blocks x four row tiles of 480 pixels, alternating
// between the accumulator halves (0 and 512); each tile's POSTPROC reads rows the next-but-one
// tile's MATMULs write again.
TEST(RtlOps, AccumulatorRowTilesAlternatingHalves) {
  ConvSpec s;
  s.cin = 5;
  s.cout = 12;
  s.h = s.w = 40;
  RunCase(ConvGraph(s, 13), "tiny", s.Label());
}

// ---- Matrices ----

TEST(RtlOps, GemmForms) {
  Rng rng(21);
  for (const char* chip : kChips) {
    for (int64_t k : {3, 10, 17}) {
      for (int64_t n : {10, 17}) {
        const int64_t m = rng.Int(1, 5);
        const bool trans_b = (k + n) % 2 == 1;
        RunCase(op_cases::GemmGraph(rng, m, k, n, trans_b), chip,
                fmt::format("gemm {}x{} * {}{}", m, k, n, trans_b ? " transB" : ""));
      }
    }
    RunCase(op_cases::GemmAlphaBetaGraph(29), chip, "gemm 3x10 * 17 alpha 0.5 beta 2");
    RunCase(op_cases::MatMulReluGraph(23), chip, "matmul 4x17 * 17x9 + relu");
  }
}

// ---- Element-wise, activations, pooling ----

TEST(RtlOps, EltwiseAndBroadcasts) {
  Rng rng(31);
  for (const char* chip : kChips) {
    for (const char* op : op_cases::kBinaryOps) {
      for (int64_t c : {3, 10, 17})
        RunCase(op_cases::BinaryGraph(op, {1, c, 5, 6}, {1, c, 5, 6}), chip,
                fmt::format("{} {}x5x6", op, c));
    }
    for (int64_t c : {3, 10, 17}) {
      for (const char* op : {"Add", "Mul", "Sub", "Div"})
        RunCase(op_cases::ConstantOperandGraph(rng, op, c, 4, 4), chip,
                fmt::format("{} {}x4x4 with constant [{},1,1]", op, c, c));
      RunCase(op_cases::ChannelScaleGraph(c, 3, 5), chip,
              fmt::format("Mul {}x3x5 by [1,{},1,1]", c, c));
    }
  }
}

TEST(RtlOps, StandaloneActivations) {
  for (const char* chip : kChips) {
    for (const char* act : op_cases::kActivations)
      RunCase(op_cases::ActivationGraph(act, {1, 10, 4, 7}), chip, fmt::format("{} 10x4x7", act));
  }
}

TEST(RtlOps, Pools) {
  for (const char* chip : kChips) {
    for (int64_t c : {3, 10, 17}) {
      for (const op_cases::PoolSpec& k : op_cases::PoolSpecs())
        RunCase(op_cases::PoolGraph(k, c, 9, 7), chip, k.Label(c, 9, 7));
    }
  }
}

// ---- Models, tiling through DRAM, streamed weights ----

TEST(RtlOps, SmallCnnAndTwoOutputs) {
  for (const char* chip : kChips) {
    RunCase(op_cases::SmallCnn(77), chip, "small CNN (conv-bn-relu, dw, res, pools, gemm)");
    RunCase(op_cases::ConvAndPoolOutputs(), chip, "conv+relu and its max pool, both outputs");
  }
}

TEST(RtlOps, StreamedWeightsOnTiny) {
  RunCase(op_cases::ConvThen1x1(64, 64, 6, 5), "tiny", "conv 64->64 streamed + conv 64->10");
  RunCase(op_cases::ConvChain(6, 32, 5, 6), "tiny", "six convs 32->32 streamed");
}

// The tiled cases are the ones whose loads SplitTransfers splits into chunks (one per channel
// block, the EX op of each block naming only the last load): they caught the missing dependency
// of a block's op on the chunks of the earlier blocks' loads (the RTL ran it before its rows
// arrived; the golden model's queue order hid it).
TEST(RtlOps, ConvolutionsTiledThroughDramOnTiny) {
  // compile_test's six: inputs of 2 blocks x 64 x 72 rows, more than tiny's unified buffer.
  const std::vector<ConvSpec> specs = op_cases::TiledConvSpecs();
  for (size_t i = 0; i < specs.size(); ++i)
    RunCase(ConvGraph(specs[i], 300 + i), "tiny", specs[i].Label());
}

TEST(RtlOps, VectorOpsTiledThroughDramOnTiny) {
  // compile_test's: depthwise, pools, Add and Relu on c x 96 x 96.
  for (int64_t c : {3, 10, 17}) {
    ConvSpec dw;
    dw.cin = dw.cout = dw.group = c;
    dw.sh = dw.sw = c == 10 ? 2 : 1;
    dw.h = dw.w = 96;
    dw.act = "Clip";
    RunCase(ConvGraph(dw, static_cast<uint64_t>(c)), "tiny", dw.Label());
    const Shape x = {1, c, 96, 96};
    for (const char* pool : {"MaxPool", "AveragePool"}) {
      const bool avg = std::string(pool) == "AveragePool";
      RunCase(op_cases::PoolGraph({pool, {3, 3}, {2, 2}, {1, 1, 1, 1}, avg, 0}, c, 96, 96), "tiny",
              fmt::format("{} {}x96x96 tiled", pool, c));
    }
    RunCase(op_cases::BinaryGraph("Add", x, x), "tiny", fmt::format("Add {}x96x96 tiled", c));
    RunCase(op_cases::ActivationGraph("Relu", x), "tiny", fmt::format("Relu {}x96x96 tiled", c));
  }
}

// compile_test's tiling of the remaining layer kinds, one case of each: ConvTranspose (zero
// insertion per tile, input and output in DRAM), a Pad copy, a Resize, a residual add then a LUT
// activation, column tiles of wide rows through DRAM, squeeze-and-scale (the global pool's output
// and the broadcast operand in DRAM) and a global pool tiled by channel blocks.
TEST(RtlOps, LayoutOpsResidualActivationsAndWideRowsTiledOnTiny) {
  const std::vector<std::pair<std::string, ir::Graph>> layout = op_cases::TiledLayoutOpCases();
  for (size_t i : {size_t{1}, size_t{3}, size_t{5}})
    RunCase(layout[i].second, "tiny", layout[i].first);
  const ConvSpec res = op_cases::TiledResidualActivationSpecs()[1];
  RunCase(ConvGraph(res, 401), "tiny", res.Label());
  const std::vector<std::pair<std::string, ir::Graph>> wide = op_cases::WideRowCases();
  RunCase(wide[1].second, "tiny", wide[1].first);
  RunCase(op_cases::SqueezeScaleGraph(8, 10, 10, 3, 2040), "tiny",
          "squeeze 8x10x10, scale 8x3x2040");
  RunCase(op_cases::PoolGraph({"GlobalAveragePool", {}, {}, {}, 0, 0}, 24, 60, 60), "tiny",
          "GlobalAveragePool 24x60x60 tiled");
}

TEST(RtlOps, SmallCnnTiledOnTiny) {
  RunCase(op_cases::SmallCnn(77, 56), "tiny", "small CNN 56x56 tiled");
}

// Pad (a copy, or folded into a conv), Resize / Upsample (RESIZE), ConvTranspose (zero insertion
// + convolution) and the pre-quantized models (QDQ and QLinear ops), as compile_test runs them.
TEST(RtlOps, LayoutOpsAndPreQuantizedModels) {
  for (const char* chip : kChips) {
    for (const auto& [label, g] : op_cases::LayoutOpCases()) RunCase(g, chip, label);
    for (bool u8 : {true, false}) {
      const char* type = u8 ? "uint8" : "int8";
      RunCase(op_cases::QdqConvModel(7, u8).graph, chip, fmt::format("QDQ conv model {}", type));
      RunCase(op_cases::QLinearModel(8, u8).graph, chip, fmt::format("QLinear model {}", type));
    }
  }
}

}  // namespace
}  // namespace aorta::runtime
