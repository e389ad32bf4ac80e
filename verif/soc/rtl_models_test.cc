// The real models on the RTL (rtl backend, the SoC's speed build) against the golden model:
// outputs and non-timing counters (total and per layer) bit-identical
// (driver/runtime/backend_compare_test_util.h). Accuracy against fp32 is real_models_test's and
// wakeword_e2e_test's business; here only golden == RTL counts. Prints the run's cycles, MAC
// utilization and the simulation time (docs/perf.md, "Real models on the RTL").
//   rtl_models_test (default run): BlazeFace front (128 x 128) on sim16, on astronaut.png, and
//     openWakeWord's embedding model on sim16.
//   rtl_models_slow_test (AORTA_RTL_SLOW_MODELS, label slow): BlazeFace back (256 x 256, its
//     activations tiled through DRAM, the input Transpose on the host) on sim16.
// Skips with a message when scripts/fetch-models has not run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "compiler/compile.h"
#include "core/io/npy.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/rtl_backend.h"
#include "models/real/model_inputs.h"

namespace aorta::runtime {
namespace {

namespace fs = std::filesystem;

std::string Models() { return models::ModelsDir(AORTA_TEST_SOURCE_DIR); }

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& tag)
      : path((fs::temp_directory_path() / fmt::format("aorta_rtl_models_{}_{}", tag, getpid()))
                 .string()) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// Runs `p` on golden and on the RTL, compares, prints the figures.
void CompareOnRtl(const Program& p, const TensorMap& inputs, const std::string& label) {
  auto golden = MakeGoldenBackend({p.chips(0).config()});
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  auto rtl = MakeRtlBackend({p.chips(0).config()}, {}, RtlBackendOptions{.fast = true});
  ASSERT_TRUE(rtl.ok()) << rtl.status().ToString();
  // Minutes of simulation on a loaded machine: the session's wall-clock timeout is not the limit.
  Session::Options o;
  o.timeout = std::chrono::minutes(30);
  testing::Ran got = testing::CompareWithGolden(**golden, **rtl, p, inputs, o);
  const double s = (*rtl)->simulation_seconds();
  const uint64_t simulated = (*rtl)->simulated_cycles();
  std::printf(
      "[rtl model] %s on %s: %llu cycles, %llu MACs, MAC utilization %.1f %%, %zu layers; "
      "simulated %llu cycles in %.1f s (%.0f cycles/s)\n",
      label.c_str(), p.chips(0).config().name().c_str(),
      static_cast<unsigned long long>(got.report.cycles),
      static_cast<unsigned long long>(got.report.macs), 100.0 * got.report.mac_utilization,
      got.report.layers.size(), static_cast<unsigned long long>(simulated), s,
      s > 0 ? static_cast<double>(simulated) / s : 0.0);
}

// BlazeFace `model` (`size` x `size`, NHWC) compiled for sim16, calibrated on the photographs
// real_models_test uses, run on astronaut.png.
void BlazeFaceOnRtl(const std::string& model, int64_t size) {
  const std::string path = Models() + "/" + model + ".onnx";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not fetched (scripts/fetch-models)";
  TempDir calib(model);
  for (const char* img : {"chelsea.png", "coffee.png", "motorcycle_left.png", "rocket.jpg",
                          "astronaut.png", "camera.png"}) {
    const std::string src = Models() + "/" + img;
    if (!fs::exists(src)) GTEST_SKIP() << src << " not fetched (scripts/fetch-models)";
    fs::create_symlink(src, calib.path + "/" + img);
  }
  CompileOptions o;
  o.calib.dir = calib.path;
  o.image = ImagePreprocess{1.0f / 127.5f, {1, 1, 1}, {1, 1, 1}, true};
  Result<Compiled> c = CompileOnnxFile(path, *LoadChipConfig("sim16"), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<Tensor> x = models::BlazeFaceInput(Models() + "/astronaut.png", size);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  CompareOnRtl(c->program, {{"input:0", *x}}, model + " (astronaut.png)");
}

#ifndef AORTA_RTL_SLOW_MODELS
TEST(RtlModels, BlazeFaceFrontMatchesGolden) { BlazeFaceOnRtl("blazeface_front", 128); }

// The embedding model on 76 x 32 mel windows. Bit-exactness does not depend on the speech, so
// the windows are drawn from the range of openWakeWord's mel features (about -10..+4 after its
// x / 10 + 2 scaling); calibration on eight more such windows.
TEST(RtlModels, WakeWordEmbeddingMatchesGolden) {
  const std::string path = Models() + "/oww_embedding.onnx";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not fetched (scripts/fetch-models)";
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> mel(-10.0f, 4.0f);
  auto windows = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n * 76 * 32));
    for (float& f : v) f = mel(rng);
    return Tensor::FromVector<float>({n, 76, 32, 1}, v);
  };
  TempDir calib("oww_embedding");
  ASSERT_TRUE(WriteNpy(calib.path + "/samples.npy", windows(8)).ok());
  CompileOptions o;
  o.calib.dir = calib.path;
  o.input_shapes["input_1"] = {1, 76, 32, 1};
  Result<Compiled> c = CompileOnnxFile(path, *LoadChipConfig("sim16"), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  CompareOnRtl(c->program, {{"input_1", windows(1)}}, "oww_embedding (random mel window)");
}
#else
TEST(RtlModelsSlow, BlazeFaceBackMatchesGolden) { BlazeFaceOnRtl("blazeface_back", 256); }
#endif

}  // namespace
}  // namespace aorta::runtime
