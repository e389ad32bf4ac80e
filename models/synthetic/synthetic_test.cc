// The synthetic models: topologies checked against the published parameter counts, and the GEMM
// compiled for sim16 and big128 (synthetic_slow_test compiles the CNNs and the MLP).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "compiler/compile.h"
#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "fpga_board/resource_model.h"
#include "models/synthetic/synthetic_models.h"

namespace aorta::models {
namespace {

// Learned parameters: every initializer except BatchNorm's running mean and variance.
int64_t LearnedParameters(const ir::Graph& g, int64_t* convs) {
  std::set<std::string> stats;
  *convs = 0;
  for (const ir::Node& n : g.nodes) {
    if (n.op_type == "BatchNormalization") {
      stats.insert(n.inputs[3]);
      stats.insert(n.inputs[4]);
    }
    if (n.op_type == "Conv") ++*convs;
  }
  int64_t count = 0;
  for (const auto& [name, t] : g.initializers)
    if (!stats.count(name) && t.element_count() > 1) count += t.element_count();
  return count;
}

TEST(Synthetic, TopologiesHaveThePublishedParameterCounts) {
  int64_t convs = 0;
  // torchvision resnet50: 25,557,032 parameters, 53 convolutions.
  EXPECT_EQ(LearnedParameters(ResNet50(1), &convs), 25557032);
  EXPECT_EQ(convs, 53);
  // torchvision mobilenet_v2: 3,504,872 parameters, 52 convolutions.
  EXPECT_EQ(LearnedParameters(MobileNetV2(1), &convs), 3504872);
  EXPECT_EQ(convs, 52);
}

TEST(Synthetic, SameSeedSameWeights) {
  const ir::Graph a = MobileNetV2(7), b = MobileNetV2(7), c = MobileNetV2(8);
  const Tensor* wa = a.FindInitializer("p0");
  ASSERT_NE(wa, nullptr);
  EXPECT_EQ(wa->ToDoubles(), b.FindInitializer("p0")->ToDoubles());
  EXPECT_NE(wa->ToDoubles(), c.FindInitializer("p0")->ToDoubles());
}

TEST(Synthetic, WrittenAsOnnxAndImported) {
  // The two small models, through a real .onnx file (the build's synthetic_models target writes
  // all four with WriteSyntheticModels; synthetic_slow_test compiles ResNet-50 from its file).
  const std::string dir = fmt::format("{}/aorta_synthetic_{}", ::testing::TempDir(), getpid());
  std::filesystem::create_directories(dir);
  for (const SyntheticModel& m : SyntheticModels()) {
    if (m.name != "mobilenetv2" && m.name != "gemm512") continue;
    const ir::Graph built = m.build(1);
    const std::string path = dir + "/" + m.name + ".onnx";
    ASSERT_TRUE(ExportOnnxFile(built, path).ok());
    Result<ir::Graph> g = ImportOnnxFile(path);
    ASSERT_TRUE(g.ok()) << m.name << ": " << g.status().ToString();
    EXPECT_EQ(g->nodes.size(), built.nodes.size()) << m.name;
    EXPECT_EQ(g->initializers.size(), built.initializers.size()) << m.name;
  }
  std::filesystem::remove_all(dir);
}

TEST(Synthetic, ChipSizedMlpWidthFitsTwoLayersInTheWeightBuffer) {
  ChipConfig chip;
  chip.set_array_rows(16);
  chip.set_array_cols(16);
  chip.set_weight_buffer_bytes(2 * 64 * 64);  // exactly two 64 x 64 layers
  EXPECT_EQ(ChipSizedMlpWidth(chip), 64);
  chip.set_weight_buffer_bytes(2 * 64 * 64 - 1);
  EXPECT_EQ(ChipSizedMlpWidth(chip), 48);
  chip.set_weight_buffer_bytes(2 * 16 * 16 - 1);
  EXPECT_EQ(ChipSizedMlpWidth(chip), 0);
  // The Stratix V MLP: the Catapult card's derived config, as build/gen/fpga_board has it.
  const fpga::Card* card = fpga::FindCard("stratixv_catapult");
  ASSERT_NE(card, nullptr);
  Result<fpga::Derivation> d = fpga::Derive(*card);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const int64_t n = d->config.array_rows();
  const auto wb = static_cast<int64_t>(d->config.weight_buffer_bytes());
  const int64_t w = ChipSizedMlpWidth(d->config);
  EXPECT_EQ(w % n, 0);
  EXPECT_LE(2 * w * w, wb);
  EXPECT_GT(2 * (w + n) * (w + n), wb);
  const ir::Graph g = StratixVMlp(1);
  int64_t gemms = 0, weights = 0;
  for (const ir::Node& node : g.nodes) {
    if (node.op_type != "Gemm") continue;
    ++gemms;
    const Tensor* t = g.FindInitializer(node.inputs[1]);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->shape(), (Shape{w, w}));
    weights += t->element_count();
  }
  EXPECT_EQ(gemms, kChipSizedMlpLayers);
  // More than one weight buffer (it streams on one chip), within half the chips' buffers.
  EXPECT_GT(weights, wb);
  EXPECT_LE(weights, kChipSizedMlpLayers / 2 * wb);
  std::cout << fmt::format(
      "[synthetic] mlp_stratixv: N = {}, weight buffer {} B: {} layers of "
      "{} x {}, {} weights\n",
      n, wb, gemms, w, w, weights);
}

// Compiles `m` for sim16 and big128 and checks what every compile must satisfy.
void CompileForBothChips(const SyntheticModel& m) {
  for (const char* chip_name : {"sim16", "big128"}) {
    Result<ChipConfig> chip = LoadChipConfig(chip_name);
    ASSERT_TRUE(chip.ok()) << chip.status().ToString();
    CompileReport report;
    Result<Compiled> c = CompileGraph(m.build(1), *chip, {}, &report);
    ASSERT_TRUE(c.ok()) << m.name << " on " << chip_name << ": " << c.status().ToString();
    const codegen::CodegenResult& r = report.codegen;
    uint64_t layer_weights = 0;
    for (const codegen::LayerSummary& l : r.layers) layer_weights += l.weight_bytes;
    // Every layer's weights are pinned or streamed, and streamed ones are loaded at least once.
    EXPECT_GE(r.weight_bytes + r.streamed_weight_bytes, layer_weights);
    if (m.name == "mlp") {
      // 2048x4096 + 4096x4096 + 4096x1000 int8 weights: far more than either weight buffer.
      EXPECT_GT(r.streamed_layers, 0u) << chip_name;
      EXPECT_GE(r.streamed_weight_bytes, 2048u * 4096 + 4096 * 4096 - r.weight_bytes);
    } else {
      EXPECT_EQ(r.macs, 512u * 512 * 512);
      EXPECT_EQ(r.streamed_layers, 0u);
    }
    std::cout << fmt::format("[synthetic] {:<8} {:<7} compile {:.2f} s\n{}", m.name, chip_name,
                             report.seconds, FormatSummary(report, *chip));
  }
}

TEST(Synthetic, GemmCompilesForSim16AndBig128) {
  for (const SyntheticModel& m : SyntheticModels())
    if (m.name == "gemm512") CompileForBothChips(m);
}

}  // namespace
}  // namespace aorta::models
