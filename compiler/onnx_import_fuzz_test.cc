// A short mutation fuzz run of the ONNX importer (in the default test run): thousands of
// corrupted and truncated versions of real model files must each give a Status, never a crash,
// a hang or an invalid graph. Deterministic (fixed seed), so a failure reproduces.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"

namespace aorta {
namespace {

// A small CNN exported by aorta, plus the real models when scripts/fetch-models has run.
std::vector<std::pair<std::string, std::string>> Seeds() {
  ir::Graph g;
  g.name = "fuzz_seed";
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32,
             {ir::Dim::Static(1), ir::Dim::Static(2), ir::Dim::Static(4), ir::Dim::Static(4)});
  g.AddInitializer("w", Tensor::FromVector<float>({3, 2, 1, 1}, {1, -1, 0.5f, 2, -3, 0.25f}));
  g.AddInitializer("b", Tensor::FromVector<float>({3}, {0.1f, 0.2f, 0.3f}));
  g.AddNode("Conv", {"x", "w", "b"}, {"c"}, {{"strides", std::vector<int64_t>{1, 1}}}, "conv");
  g.AddNode("Relu", {"c"}, {"r"}, {}, "relu");
  g.AddNode("GlobalAveragePool", {"r"}, {"y"}, {}, "gap");
  g.AddOutput("y", DType::kF32, std::vector<ir::Dim>{});
  std::vector<std::pair<std::string, std::string>> seeds;
  Result<std::string> bytes = ExportOnnxBytes(g);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (bytes.ok()) seeds.emplace_back("exported", *bytes);
  for (const char* name : {"blazeface_front.onnx", "oww_alexa.onnx"}) {
    std::filesystem::path p = std::filesystem::path(AORTA_TEST_SOURCE_DIR) / ".cache/models" / name;
    std::ifstream in(p, std::ios::binary);
    if (!in) continue;
    seeds.emplace_back(
        name, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  return seeds;
}

TEST(OnnxImportFuzz, CorruptedAndTruncatedFilesGiveAStatus) {
  std::mt19937_64 rng(20261121);
  int parsed = 0, rejected = 0;
  for (const auto& [name, original] : Seeds()) {
    ASSERT_TRUE(ImportOnnxBytes(original, name).ok()) << name;
    for (int i = 0; i < 1500; ++i) {
      std::string m = original;
      switch (rng() % 4) {
        case 0:  // truncate
          m.resize(rng() % m.size());
          break;
        case 1:  // flip a few bytes
          for (int k = 0, n = 1 + static_cast<int>(rng() % 8); k < n; ++k)
            m[rng() % m.size()] ^= static_cast<char>(1 + rng() % 255);
          break;
        case 2:  // overwrite a run with random bytes
        {
          size_t at = rng() % m.size(), len = std::min<size_t>(1 + rng() % 32, m.size() - at);
          for (size_t k = 0; k < len; ++k) m[at + k] = static_cast<char>(rng());
        } break;
        default:  // duplicate a slice into another place (plausible-looking protobuf)
        {
          size_t from = rng() % m.size(), len = std::min<size_t>(1 + rng() % 64, m.size() - from);
          size_t to = rng() % m.size();
          m.insert(to, m.substr(from, len));
        } break;
      }
      Result<ir::Graph> g = ImportOnnxBytes(m, name + "#" + std::to_string(i));
      if (g.ok()) {
        // Whatever parses must be a consistent graph.
        EXPECT_TRUE(g->Validate().ok())
            << name << " mutation " << i << ": " << g->Validate().ToString();
        ++parsed;
      } else {
        EXPECT_FALSE(g.status().message().empty());
        EXPECT_NE(g.status().message().find(name), std::string::npos) << g.status().ToString();
        ++rejected;
      }
    }
  }
  // The corpus really exercises the error paths.
  EXPECT_GT(rejected, 500);
  RecordProperty("parsed", parsed);
  RecordProperty("rejected", rejected);
}

}  // namespace
}  // namespace aorta
