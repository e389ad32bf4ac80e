// Slow: ResNet-50 v1.5 and MobileNetV2 at 224 x 224 compiled for sim16 and big128 (compile times
// printed; docs/perf.md records them), and MobileNetV2 run on the golden model against the fp32
// reference.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>

#include "compiler/compile.h"
#include "compiler/onnx_export.h"
#include "compiler/reference/executor.h"
#include "core/io/npy.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"
#include "models/synthetic/synthetic_models.h"

namespace aorta::models {
namespace {

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& stem)
      : path(fmt::format("{}/aorta_{}_{}", ::testing::TempDir(), stem, getpid())) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

Tensor RandomImage(uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<float> d;
  std::vector<float> v(3 * 224 * 224);
  for (float& x : v) x = std::clamp(d(g), -3.0f, 3.0f);
  return Tensor::FromVector<float>({1, 3, 224, 224}, v);
}

TEST(SyntheticSlow, CnnsCompileForSim16AndBig128) {
  TempDir dir("synthetic_cnn");
  // Published multiply-accumulates per 224x224 inference: ResNet-50 4.09 G, MobileNetV2 0.30 G.
  const std::map<std::string, double> published = {{"resnet50", 4.09e9}, {"mobilenetv2", 3.0e8}};
  for (const auto& [name, macs] : published) {
    const std::string path = dir.path + "/" + name + ".onnx";
    ir::Graph g = name == "resnet50" ? ResNet50(1) : MobileNetV2(1);
    ASSERT_TRUE(ExportOnnxFile(g, path).ok());
    for (const char* chip_name : {"sim16", "big128"}) {
      Result<ChipConfig> chip = LoadChipConfig(chip_name);
      ASSERT_TRUE(chip.ok());
      CompileReport report;
      Result<Compiled> c = CompileOnnxFile(path, *chip, {}, &report);
      ASSERT_TRUE(c.ok()) << name << " on " << chip_name << ": " << c.status().ToString();
      const codegen::CodegenResult& r = report.codegen;
      EXPECT_NEAR(static_cast<double>(r.macs), macs, 0.03 * macs) << name;
      EXPECT_TRUE(ValidateProgram(c->program).ok());
      // The same with one calibration sample: how much of the time is calibration (the fp32
      // reference run over the synthetic samples).
      CompileOptions one;
      one.calib.synthetic_samples = 1;
      CompileReport report1;
      ASSERT_TRUE(CompileOnnxFile(path, *chip, one, &report1).ok());
      std::cout << fmt::format(
          "[synthetic] {:<11} {:<7} compile with 1 calibration sample {:.2f} s\n", name, chip_name,
          report1.seconds);
      std::string summary = FormatSummary(report, *chip);
      summary = summary.substr(summary.find("\nlayers ") + 1);
      std::cout << fmt::format(
          "[synthetic] {:<11} {:<7} compile {:.2f} s, {} layers ({} tiled, {} "
          "streamed), weights pinned {} B + streamed {} B per inference, "
          "activations through DRAM {} B per inference\n{}",
          name, chip_name, report.seconds, r.layers.size(), r.tiled_layers, r.streamed_layers,
          r.weight_bytes, r.streamed_weight_bytes, r.dram_activation_bytes, summary);
    }
  }
}

TEST(SyntheticSlow, MlpStreamsItsWeightsOnSim16AndBig128) {
  // 2048x4096 + 4096x4096 + 4096x1000 int8 weights (29 MB): more than either weight buffer.
  for (const char* chip_name : {"sim16", "big128"}) {
    Result<ChipConfig> chip = LoadChipConfig(chip_name);
    ASSERT_TRUE(chip.ok());
    CompileReport report;
    ASSERT_TRUE(CompileGraph(Mlp(1), *chip, {}, &report).ok()) << chip_name;
    const codegen::CodegenResult& r = report.codegen;
    EXPECT_GT(r.streamed_layers, 0u);
    EXPECT_GE(r.weight_bytes + r.streamed_weight_bytes, 2048u * 4096 + 4096 * 4096 + 4096 * 1000);
    std::cout << fmt::format(
        "[synthetic] mlp {:<7} compile {:.2f} s, weights pinned {} B + "
        "streamed {} B per inference\n",
        chip_name, report.seconds, r.weight_bytes, r.streamed_weight_bytes);
  }
}

TEST(SyntheticSlow, MobileNetV2OnTheGoldenModelMatchesTheReference) {
  TempDir dir("synthetic_mnv2");
  const ir::Graph g = MobileNetV2(1);
  const std::string path = dir.path + "/mobilenetv2.onnx";
  ASSERT_TRUE(ExportOnnxFile(g, path).ok());
  std::filesystem::create_directories(dir.path + "/calib");
  for (uint64_t s = 0; s < 4; ++s)
    ASSERT_TRUE(
        WriteNpz(fmt::format("{}/calib/{}.npz", dir.path, s), {{"input", RandomImage(s)}}).ok());
  Result<ChipConfig> chip = LoadChipConfig("sim16");
  ASSERT_TRUE(chip.ok());
  CompileOptions options;
  options.calib.dir = dir.path + "/calib";
  Result<Compiled> c = CompileOnnxFile(path, *chip, options);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto backend = runtime::MakeGoldenBackend({*chip});
  ASSERT_TRUE(backend.ok());
  auto session = runtime::Session::Load(c->program, **backend);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const TensorMap inputs = {{"input", RandomImage(0)}};
  Result<TensorMap> chip_out = (*session)->Run(inputs);
  ASSERT_TRUE(chip_out.ok()) << chip_out.status().ToString();
  Result<TensorMap> ref = reference::RunReference(g, inputs);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  const std::vector<double> a = chip_out->at("logits").ToDoubles();
  const std::vector<double> r = ref->at("logits").ToDoubles();
  ASSERT_EQ(a.size(), r.size());
  double dot = 0, na = 0, nr = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += a[i] * r[i];
    na += a[i] * a[i];
    nr += r[i] * r[i];
  }
  const double cosine = dot / std::sqrt(na * nr);
  std::cout << fmt::format(
      "[accuracy] MobileNetV2 (synthetic) sim16 golden vs fp32: cosine {:.5f}\n", cosine);
  EXPECT_GE(cosine, 0.99);
}

}  // namespace
}  // namespace aorta::models
