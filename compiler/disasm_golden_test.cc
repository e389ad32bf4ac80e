// Golden files of the compiler's output: small models, built here with fixed weights, compiled by
// `aorta compile --chip tiny` and printed by `aorta inspect` (bindings, buffers, layers and the
// disassembly of every stream); the output must equal compiler/testdata/<model>.golden.
//
// A change of code generation shows up as a diff of these files, to be read like code. To
// regenerate them after a deliberate change (docs/compiler.md, "Disassembly golden files"):
//
//   AORTA_UPDATE_GOLDEN=1 build/tests/disasm_golden_test && git diff compiler/testdata
//
// and review every changed instruction before committing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "compiler/ir.h"
#include "compiler/onnx_export.h"

namespace aorta {
namespace {

namespace fs = std::filesystem;
using Ints = std::vector<int64_t>;

// Weights in [-a, a] from std::mt19937 (whose sequence the standard fixes), mapped by hand: the
// same files on every machine.
Tensor Weights(std::mt19937& rng, const Shape& shape, double a) {
  std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
  for (float& x : v) x = static_cast<float>((rng() / 4294967295.0 * 2 - 1) * a);
  return Tensor::FromVector<float>(shape, v);
}

ir::Graph NewGraph(const std::string& name, const Shape& input) {
  ir::Graph g;
  g.name = name;
  g.opset_imports[""] = 13;
  std::vector<ir::Dim> dims;
  for (int64_t d : input) dims.push_back(ir::Dim::Static(d));
  g.AddInput("x", DType::kF32, dims);
  return g;
}

void Conv(ir::Graph& g, std::mt19937& rng, const std::string& x, const std::string& y, int64_t cin,
          int64_t cout, int64_t k, std::map<std::string, ir::Attribute> attrs = {}) {
  int64_t group = 1;
  if (auto it = attrs.find("group"); it != attrs.end()) group = std::get<int64_t>(it->second);
  g.AddInitializer(y + "_w", Weights(rng, {cout, cin / group, k, k}, 0.5));
  g.AddInitializer(y + "_b", Weights(rng, {cout}, 0.1));
  g.AddNode("Conv", {x, y + "_w", y + "_b"}, {y}, std::move(attrs), y);
}

// Conv + Relu, max pooling, a strided conv with 10 channels (not a multiple of tiny's 8), global
// average pooling, Flatten and Gemm: the matrix, pooling and post-processing paths.
ir::Graph SmallCnn() {
  std::mt19937 rng(11);
  ir::Graph g = NewGraph("small_cnn", {1, 3, 12, 12});
  Conv(g, rng, "x", "c1", 3, 8, 3, {{"pads", Ints{1, 1, 1, 1}}});
  g.AddNode("Relu", {"c1"}, {"r1"});
  g.AddNode("MaxPool", {"r1"}, {"p1"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}});
  Conv(g, rng, "p1", "c2", 8, 10, 3, {{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}});
  g.AddNode("Relu", {"c2"}, {"r2"});
  g.AddNode("GlobalAveragePool", {"r2"}, {"gap"});
  g.AddNode("Flatten", {"gap"}, {"flat"});
  g.AddInitializer("fc_w", Weights(rng, {10, 5}, 0.5));
  g.AddInitializer("fc_b", Weights(rng, {5}, 0.1));
  g.AddNode("Gemm", {"flat", "fc_w", "fc_b"}, {"y"});
  g.AddOutput("y");
  return g;
}

// A MobileNet-style block: 1x1 expansion with ReLU6, depthwise 3x3 (the vector unit), 1x1
// projection with the residual add fused, then HardSwish (a LUT).
ir::Graph DepthwiseResidual() {
  std::mt19937 rng(12);
  ir::Graph g = NewGraph("depthwise_residual", {1, 8, 6, 6});
  Conv(g, rng, "x", "e", 8, 16, 1);
  g.AddInitializer("six", Tensor::FromVector<float>({}, {6.0f}));
  g.AddInitializer("zero", Tensor::FromVector<float>({}, {0.0f}));
  g.AddNode("Clip", {"e", "zero", "six"}, {"e6"});
  Conv(g, rng, "e6", "dw", 16, 16, 3, {{"pads", Ints{1, 1, 1, 1}}, {"group", int64_t{16}}});
  g.AddNode("Relu", {"dw"}, {"dwr"});
  Conv(g, rng, "dwr", "proj", 16, 8, 1);
  g.AddNode("Add", {"proj", "x"}, {"sum"});
  g.AddNode("HardSwish", {"sum"}, {"y"});
  g.AddOutput("y");
  return g;
}

// A conv whose Softmax runs on the host: a run segment, a host op and an intermediate binding.
ir::Graph HostSoftmax() {
  std::mt19937 rng(13);
  ir::Graph g = NewGraph("host_softmax", {1, 4, 5, 5});
  Conv(g, rng, "x", "c", 4, 6, 3);
  g.AddNode("Softmax", {"c"}, {"y"}, {{"axis", int64_t{1}}});
  g.AddOutput("y");
  return g;
}

// Runs a command, returning its exit status and what it printed.
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::array<char, 4096> buf{};
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  return {pclose(p), out};
}

class DisasmGolden : public ::testing::TestWithParam<std::pair<std::string, ir::Graph (*)()>> {};

TEST_P(DisasmGolden, InspectOutputMatchesTheGoldenFile) {
  const auto& [name, build] = GetParam();
  const fs::path dir = fs::path(::testing::TempDir()) / fmt::format("disasm_{}_{}", name, getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string onnx = (dir / (name + ".onnx")).string();
  const std::string aprog = (dir / (name + ".aprog")).string();
  Result<std::string> bytes = ExportOnnxBytes(build());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  std::ofstream(onnx, std::ios::binary) << *bytes;
  const std::string aorta = std::string(AORTA_TEST_BUILD_DIR) + "/bin/aorta";
  // Synthetic calibration (seed 1): deterministic, and the warning says so.
  const auto [compile_rc, compile_out] =
      RunCommand(fmt::format("'{}' compile '{}' --chip tiny -o '{}'", aorta, onnx, aprog));
  ASSERT_EQ(compile_rc, 0) << compile_out;
  const auto [inspect_rc, got] = RunCommand(fmt::format("'{}' inspect '{}'", aorta, aprog));
  ASSERT_EQ(inspect_rc, 0) << got;
  // The program's own path is the one line that depends on where the test runs.
  const std::string first_line = fmt::format("program {}: valid\n", aprog);
  ASSERT_EQ(got.rfind(first_line, 0), 0u) << got;
  // The metadata lines come in the protobuf map's order, which is not fixed: sorted here.
  std::vector<std::string> lines, metadata;
  std::istringstream printed(got.substr(first_line.size()));
  for (std::string line; std::getline(printed, line);) {
    if (line.rfind("  metadata ", 0) == 0) {
      if (metadata.empty()) lines.push_back("");  // where the sorted block goes
      metadata.push_back(line);
    } else {
      lines.push_back(line);
    }
  }
  std::sort(metadata.begin(), metadata.end());
  std::string body = fmt::format("program {}.aprog: valid\n", name);
  for (const std::string& line : lines) {
    if (line.empty() && !metadata.empty()) {
      for (const std::string& m : metadata) body += m + "\n";
      metadata.clear();
      continue;
    }
    body += line + "\n";
  }
  fs::remove_all(dir);

  const fs::path golden =
      fs::path(AORTA_TEST_SOURCE_DIR) / "compiler" / "testdata" / (name + ".golden");
  if (std::getenv("AORTA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << body;
    std::printf("wrote %s: review it (git diff) before committing\n", golden.c_str());
    return;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in.good()) << golden << " is missing; AORTA_UPDATE_GOLDEN=1 writes it";
  std::stringstream want;
  want << in.rdbuf();
  // Line by line, so that a failure names the first instruction that changed.
  std::istringstream a(body), b(want.str());
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    ASSERT_EQ(la, lb) << golden << " line " << line
                      << " differs (AORTA_UPDATE_GOLDEN=1 rewrites it; review the diff)";
  }
}

INSTANTIATE_TEST_SUITE_P(SmallModels, DisasmGolden,
                         ::testing::Values(std::pair{std::string("small_cnn"), &SmallCnn},
                                           std::pair{std::string("depthwise_residual"),
                                                     &DepthwiseResidual},
                                           std::pair{std::string("host_softmax"), &HostSoftmax}),
                         [](const auto& p) { return p.param.first; });

}  // namespace
}  // namespace aorta
