// The aorta command as a user meets it: help, exit codes, one-line errors, files in and out.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "compiler/multichip/test_models.h"
#include "compiler/onnx_export.h"
#include "core/io/npy.h"
#include "core/testing/test_programs.h"
#include "stb/stb_image_write.h"

namespace aorta {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Outcome Aorta(const std::string& args) {
  std::string cmd = std::string(AORTA_TEST_BUILD_DIR) + "/bin/aorta " + args + " 2>&1";
  Outcome o;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return o;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) o.output.append(buf.data(), n);
  int status = pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per process and test: ctest runs the tests as processes side by side, and
    // gtest's random seed (the time in ms) can be the same for two of them.
    dir_ = fs::temp_directory_path() /
           fmt::format("aorta_cli_{}_{}", getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    ChipConfig tiny = *LoadChipConfig("tiny");
    ASSERT_TRUE(WriteProgram(testing::CopyProgram(tiny), Path("copy.aprog")).ok());
    std::vector<float> v(32);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.5f - 8;
    input_ = Tensor::FromVector<float>({1, 8, 2, 2}, v);
    ASSERT_TRUE(WriteNpy(Path("x.npy"), input_).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
  Tensor input_;
};

TEST_F(CliTest, HelpListsEveryCommand) {
  Outcome o = Aorta("--help");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  for (const char* cmd : {"reference", "inspect", "run", "compile", "study", "bench"}) {
    EXPECT_NE(o.output.find(fmt::format("\n  {} ", cmd)), std::string::npos) << cmd;
    Outcome h = Aorta(std::string(cmd) + " --help");
    EXPECT_EQ(h.exit_code, 0) << cmd << ": " << h.output;
    EXPECT_NE(h.output.find(fmt::format("aorta {}", cmd)), std::string::npos) << h.output;
  }
  EXPECT_NE(Aorta("").exit_code, 0);
  EXPECT_NE(Aorta("frobnicate").exit_code, 0);
}

// aorta study (tlm/study_test.cc tests the runner): a missing or bad sweep file is named.
TEST_F(CliTest, StudyNamesABadSweepFile) {
  Outcome o = Aorta("study " + Path("none.textproto"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.output.find("cannot open sweep file"), std::string::npos) << o.output;
  std::ofstream(Path("bad.textproto")) << "chip: \"tiny\"\nmodels { synthetic: \"nope\" }\n";
  Outcome l = Aorta("study --list " + Path("bad.textproto"));
  EXPECT_EQ(l.exit_code, 0) << l.output;
  EXPECT_NE(l.output.find("0  nope"), std::string::npos) << l.output;
  Outcome r = Aorta("study -o " + Path("out") + " " + Path("bad.textproto"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("no synthetic model 'nope'"), std::string::npos) << r.output;
}

// x [1, 8, 2, 2] -> 1x1 Conv (8 -> 4) + Relu, or -> Softmax over a [1, 32] flatten.
ir::Graph SmallModel(bool supported) {
  ir::Graph g;
  g.name = "small";
  g.opset_imports[""] = 13;
  g.AddInput(
      "x", DType::kF32,
      {ir::Dim::Symbolic("batch"), ir::Dim::Static(8), ir::Dim::Static(2), ir::Dim::Static(2)});
  if (supported) {
    std::vector<float> w(32);
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 5) * 0.1f - 0.2f;
    g.AddInitializer("w", Tensor::FromVector<float>({4, 8, 1, 1}, w));
    g.AddNode("Conv", {"x", "w"}, {"c"}, {}, "conv");
    g.AddNode("Relu", {"c"}, {"y"}, {}, "relu");
  } else {
    g.AddNode("Flatten", {"x"}, {"f"}, {}, "flatten");
    g.AddNode("Softmax", {"f"}, {"y"}, {}, "softmax");
  }
  g.AddOutput("y");
  return g;
}

TEST_F(CliTest, CompileWritesAProgramThatRuns) {
  ASSERT_TRUE(ExportOnnxFile(SmallModel(true), Path("m.onnx")).ok());
  Outcome o = Aorta("compile " + Path("m.onnx") + " --chip tiny --input-shape 1x8x2x2 -o " +
                    Path("m.aprog"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("warning: no calibration data"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("folded away"), std::string::npos) << o.output;  // the Relu
  EXPECT_NE(o.output.find("estimated cycles"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("wrote "), std::string::npos) << o.output;
  Outcome r = Aorta("run " + Path("m.aprog") + " --input " + Path("x.npy"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  Outcome i = Aorta("inspect " + Path("m.aprog"));
  EXPECT_EQ(i.exit_code, 0) << i.output;
  EXPECT_NE(i.output.find("MATMUL"), std::string::npos);
}

TEST_F(CliTest, CompileNamesWhatItCannotDo) {
  ASSERT_TRUE(ExportOnnxFile(SmallModel(false), Path("s.onnx")).ok());
  Outcome o = Aorta("compile " + Path("s.onnx") + " --input-shape x=1x8x2x2 -o " + Path("s.aprog"));
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_NE(o.output.find("aorta: error: unsupported: "), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("node 'flatten'"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("softmax"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(Path("s.aprog")));
  Outcome d = Aorta("compile " + Path("m.onnx") + " -o " + Path("d.aprog"));
  EXPECT_EQ(d.exit_code, 1) << d.output;  // no such file
  Outcome b = Aorta("compile " + Path("s.onnx") + " --input-shape 1xx8 -o " + Path("s.aprog"));
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.output.find("bad shape"), std::string::npos) << b.output;
}

TEST_F(CliTest, InspectDisassemblesAValidProgram) {
  Outcome o = Aorta("inspect " + Path("copy.aprog"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("valid"), std::string::npos);
  EXPECT_NE(o.output.find("DMA_LOAD [push_next] slot=0 mem=UB"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("HALT"), std::string::npos);
  EXPECT_NE(o.output.find("config 'tiny'"), std::string::npos);
}

TEST_F(CliTest, CorruptAndTruncatedProgramsGetOneClearLine) {
  std::ifstream in(Path("copy.aprog"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string corrupt = bytes;
  corrupt[bytes.size() - 5] ^= 1;
  std::ofstream(Path("corrupt.aprog"), std::ios::binary) << corrupt;
  std::ofstream(Path("short.aprog"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  Outcome c = Aorta("inspect " + Path("corrupt.aprog"));
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_NE(c.output.find("aorta: error: data loss: "), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("checksum"), std::string::npos);
  Outcome t = Aorta("run " + Path("short.aprog") + " --input " + Path("x.npy"));
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.output.find("truncated"), std::string::npos) << t.output;
  Outcome m = Aorta("inspect " + Path("missing.aprog"));
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.output.find("cannot open"), std::string::npos);
}

TEST_F(CliTest, RunWritesOutputsAndAReport) {
  Outcome o = Aorta(fmt::format("run {} --input {} --output {} --report {}", Path("copy.aprog"),
                                Path("x.npy"), Path("y.npy"), Path("run.json")));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("output y"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("DMA_RD_BYTES"), std::string::npos);
  Result<Tensor> y = ReadNpy(Path("y.npy"));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(*y, input_);  // on the 0.5 grid, inside int8: exact
  std::ifstream report(Path("run.json"));
  std::string json((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"backend\": \"golden\""), std::string::npos) << json;
  // --compare prints the error against reference values: none for the exact copy, the known
  // difference for a shifted reference.
  Outcome same = Aorta(fmt::format("run {} --input {} --compare {}", Path("copy.aprog"),
                                   Path("x.npy"), Path("x.npy")));
  ASSERT_EQ(same.exit_code, 0) << same.output;
  EXPECT_NE(same.output.find("max |error| 0 (0.00% of the reference range), SQNR inf dB"),
            std::string::npos)
      << same.output;
  std::vector<float> shifted = input_.ToVector<float>();
  for (float& v : shifted) v += 0.25f;
  ASSERT_TRUE(WriteNpy(Path("ref.npy"), Tensor::FromVector<float>({1, 8, 2, 2}, shifted)).ok());
  Outcome diff = Aorta(fmt::format("run {} --input {} --compare {}", Path("copy.aprog"),
                                   Path("x.npy"), Path("ref.npy")));
  ASSERT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_NE(diff.output.find("max |error| 0.25 (1.61% of the reference range)"), std::string::npos)
      << diff.output;
  // All outputs to .npz, keyed by name.
  Outcome z = Aorta(fmt::format("run {} --input x={} --output {}", Path("copy.aprog"),
                                Path("x.npy"), Path("y.npz")));
  ASSERT_EQ(z.exit_code, 0) << z.output;
  Result<TensorMap> all = ReadNpz(Path("y.npz"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->at("y"), input_);
}

TEST_F(CliTest, RunNamesWhatIsWrongWithTheInput) {
  ASSERT_TRUE(WriteNpy(Path("wrong.npy"), Tensor(DType::kF32, {1, 8, 3, 2})).ok());
  Outcome o = Aorta(fmt::format("run {} --input {}", Path("copy.aprog"), Path("wrong.npy")));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.output.find("1x8x3x2"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("1x8x2x2"), std::string::npos) << o.output;
  Outcome n = Aorta(fmt::format("run {} --input q={}", Path("copy.aprog"), Path("x.npy")));
  EXPECT_EQ(n.exit_code, 1);
  EXPECT_NE(n.output.find("no input named 'q'"), std::string::npos) << n.output;
  Outcome b =
      Aorta(fmt::format("run {} --input {} --device fpga://x", Path("copy.aprog"), Path("x.npy")));
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.output.find("unknown scheme 'fpga'"), std::string::npos) << b.output;
  Outcome e = Aorta(fmt::format("run {} --input {} --output {}", Path("copy.aprog"), Path("x.npy"),
                                Path("y.txt")));
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.output.find(".npy or .npz"), std::string::npos) << e.output;
}

// --report holds, on every backend, what docs/runtime.md promises: backend, cycles, macs,
// mac_utilization, latency_us (cycles at the config clock), wall_s and per-layer name, cycles,
// macs, utilization; timed backends count cycles, the golden model none.
TEST_F(CliTest, RunReportHasTheSameKeysOnEveryBackend) {
  const double clock_mhz = LoadChipConfig("tiny")->clock_mhz();
  const std::vector<std::pair<std::string, std::string>> devices = {
      {"golden://", "golden"}, {"tlm://", "tlm"}, {"rtl://", "rtl"}, {"pcie+emu://golden", "pcie"}};
  for (const auto& [device, name] : devices) {
    SCOPED_TRACE(device);
    Outcome o = Aorta(fmt::format("run {} --input {} --device {} --report {}", Path("copy.aprog"),
                                  Path("x.npy"), device, Path("r.json")));
    ASSERT_EQ(o.exit_code, 0) << o.output;
    std::ifstream in(Path("r.json"));
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON";
    for (const char* key : {"cycles", "macs"}) EXPECT_TRUE(j.at(key).is_number_unsigned()) << key;
    for (const char* key : {"mac_utilization", "latency_us", "wall_s"})
      EXPECT_TRUE(j.at(key).is_number()) << key;
    EXPECT_GT(j.at("wall_s").get<double>(), 0);
    EXPECT_GE(j.at("runtime_cpu_s").get<double>(), 0);
    const bool timed = name == "tlm" || name == "rtl";
    EXPECT_EQ(j.at("backend"), name);
    const auto cycles = j.at("cycles").get<uint64_t>();
    EXPECT_EQ(cycles > 0, timed) << cycles;
    EXPECT_NEAR(j.at("latency_us").get<double>(), static_cast<double>(cycles) / clock_mhz, 1e-6);
    ASSERT_TRUE(j.at("layers").is_array());
    ASSERT_EQ(j.at("layers").size(), 1u);
    const nlohmann::json& l = j.at("layers")[0];
    EXPECT_EQ(l.at("name"), "copy");
    EXPECT_TRUE(l.at("macs").is_number_unsigned());
    EXPECT_EQ(l.at("cycles").get<uint64_t>() > 0, timed);
    EXPECT_LE(l.at("cycles").get<uint64_t>(), cycles);
    EXPECT_GE(l.at("utilization").get<double>(), 0);
    EXPECT_LE(l.at("utilization").get<double>(), 1);
  }
}

// An image input, prepared as the program's metadata says: the copy program's output is the
// prepared input itself (values on its 0.5 grid, so exact).
TEST_F(CliTest, RunPreparesImageInputsAsTheProgramSays) {
  Program p = testing::CopyProgram(*LoadChipConfig("tiny"), 3, 2, 4);
  (*p.mutable_metadata())["image.scale"] = "0.5";
  (*p.mutable_metadata())["image.mean"] = "2,4,6";
  ASSERT_TRUE(WriteProgram(p, Path("img.aprog")).ok());
  std::vector<uint8_t> px(2 * 4 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(4 * i);  // even, <= 92
  ASSERT_NE(stbi_write_png(Path("in.png").c_str(), 4, 2, 3, px.data(), 4 * 3), 0);
  Outcome o = Aorta(fmt::format("run {} --input {} --output {}", Path("img.aprog"), Path("in.png"),
                                Path("y.npy")));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  Result<Tensor> y = ReadNpy(Path("y.npy"));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ(y->shape(), (Shape{1, 3, 2, 4}));
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 8; ++i)
      EXPECT_EQ(y->data<float>()[c * 8 + i], px[i * 3 + c] * 0.5f - 2.0f * (c + 1))
          << c << " " << i;
  // Not a detection program: --boxes is refused, naming why.
  Outcome b = Aorta(fmt::format("run {} --input {} --boxes {}", Path("img.aprog"), Path("in.png"),
                                Path("b.png")));
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.output.find("no detection post-processing"), std::string::npos) << b.output;
  // A bad image and bad metadata get one line each.
  std::ofstream(Path("bad.jpg")) << "JFIF? no";
  Outcome j = Aorta(fmt::format("run {} --input {}", Path("img.aprog"), Path("bad.jpg")));
  EXPECT_EQ(j.exit_code, 1);
  EXPECT_NE(j.output.find("cannot decode image"), std::string::npos) << j.output;
  (*p.mutable_metadata())["image.layout"] = "hwc";
  ASSERT_TRUE(WriteProgram(p, Path("badmeta.aprog")).ok());
  Outcome m = Aorta(fmt::format("run {} --input {}", Path("badmeta.aprog"), Path("in.png")));
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.output.find("image.layout 'hwc'"), std::string::npos) << m.output;
}

TEST_F(CliTest, RunComparesWithTheGoldenModel) {
  Outcome o = Aorta(fmt::format("run {} --input {} --backend rtl --compare-golden",
                                Path("copy.aprog"), Path("x.npy")));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("compare with the golden model: 1 outputs, 32 values, all equal"),
            std::string::npos)
      << o.output;
}

// A multi-chip program: compiled for a ring of two sim16 chips, streamed through them (pipelined)
// by aorta run on tlm and golden (the same outputs), and by aorta bench.
TEST_F(CliTest, RunAndBenchStreamAMultiChipProgramThroughItsChips) {
  ASSERT_TRUE(ExportOnnxFile(multichip::testing::DemoCnn(), Path("demo.onnx")).ok());
  std::string board;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(
      multichip::testing::Ring(*LoadChipConfig("sim16"), 2), &board));
  std::ofstream(Path("ring2.textproto")) << board;
  Outcome c = Aorta("compile " + Path("demo.onnx") + " --board " + Path("ring2.textproto") +
                    " -o " + Path("demo2.aprog"));
  ASSERT_EQ(c.exit_code, 0) << c.output;
  std::vector<float> v(16 * 16 * 16);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(static_cast<int>(i % 23) - 11) / 8;
  ASSERT_TRUE(WriteNpy(Path("in.npy"), Tensor::FromVector<float>({1, 16, 16, 16}, v)).ok());
  Outcome t = Aorta("run " + Path("demo2.aprog") + " --backend tlm --input " + Path("in.npy") +
                    " --requests 4 --in-flight 2 --output " + Path("tlm.npy") + " --report " +
                    Path("run.json"));
  ASSERT_EQ(t.exit_code, 0) << t.output;
  EXPECT_NE(t.output.find("pipeline: demo"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("requests/s from the slowest stage"), std::string::npos) << t.output;
  std::ifstream in(Path("run.json"));
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_TRUE(j.contains("pipeline")) << j.dump();
  const nlohmann::json& pj = j["pipeline"];
  EXPECT_EQ(pj["requests"], 4);
  EXPECT_EQ(pj["max_in_flight"], 2);
  ASSERT_EQ(pj["per_chip"].size(), 2u);
  uint64_t busy = 0;
  for (const auto& chip : pj["per_chip"]) {
    EXPECT_EQ(chip["runs"], 4);
    EXPECT_GT(chip["utilization"].get<double>(), 0.0);
    busy += chip["busy_cycles"].get<uint64_t>();
  }
  EXPECT_GT(pj["elapsed_cycles"].get<uint64_t>(), 0u);
  EXPECT_LT(pj["elapsed_cycles"].get<uint64_t>(), busy);  // the two chips overlapped
  EXPECT_LE(pj["measured_throughput"].get<double>(), 1.001 * pj["stage_throughput"].get<double>());
  EXPECT_EQ(j["layers"].size(), 7u);  // the first request's layers, of both chips
  Outcome g = Aorta("run " + Path("demo2.aprog") + " --input " + Path("in.npy") + " --output " +
                    Path("golden.npy"));
  ASSERT_EQ(g.exit_code, 0) << g.output;
  auto a = ReadNpy(Path("tlm.npy"));
  auto b = ReadNpy(Path("golden.npy"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->ToDoubles(), b->ToDoubles());
  Outcome bench = Aorta("bench " + Path("demo2.aprog") + " --backend tlm --iterations 3");
  ASSERT_EQ(bench.exit_code, 0) << bench.output;
  EXPECT_NE(bench.output.find("3 requests pipelined"), std::string::npos) << bench.output;
  EXPECT_NE(bench.output.find("batch-1 latency"), std::string::npos) << bench.output;
  Outcome bad =
      Aorta("run " + Path("demo2.aprog") + " --input " + Path("in.npy") + " --in-flight 0");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("--in-flight must be at least 1"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace aorta
