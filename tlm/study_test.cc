#include "tlm/study.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/ir.h"
#include "compiler/onnx_export.h"
#include "fpga_board/resource_model.h"
#include "models/synthetic/synthetic_models.h"
#include "tlm/study_runner.h"

namespace aorta::study {
namespace {

namespace fs = std::filesystem;

Sweep MustParse(const std::string& text) {
  Result<Sweep> s = ParseSweep(text, "test.textproto");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Sweep{};
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string f;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(f);
      f.clear();
    } else {
      f += c;
    }
  }
  out.push_back(f);
  return out;
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("aorta_study_test_" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(StudySweep, ParsesAndNamesErrors) {
  Sweep s = MustParse(R"(name: "t" chip: "tiny" models { synthetic: "gemm512" }
                         axes { fields: "clock_mhz" values: "100" values: "200" })");
  EXPECT_EQ(s.axes_size(), 1);
  Result<Sweep> bad = ParseSweep("name: \"t\"\nchip: \"tiny\"\nmodles { }\n", "bad.textproto");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("bad.textproto: line 3"), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().ToString().find("modles"), std::string::npos);
  Result<Sweep> none = ParseSweep("chip: \"tiny\"", "x");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().ToString().find("no model"), std::string::npos);
  Result<Sweep> nosrc = ParseSweep("chip: \"tiny\" models { name: \"m\" }", "x");
  ASSERT_FALSE(nosrc.ok());
  EXPECT_NE(nosrc.status().ToString().find("no source"), std::string::npos);
  Result<Sweep> twice =
      ParseSweep("chip: \"tiny\" models { synthetic: \"mlp\" } models { synthetic: \"mlp\" }", "x");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().ToString().find("'mlp'"), std::string::npos);
}

TEST(StudySweep, ExpandsModelsTimesAxesLastAxisFastest) {
  Sweep s = MustParse(R"(
    chip: "sim16"
    models { synthetic: "gemm512" }
    models { name: "second" synthetic: "mlp" }
    axes { name: "array" fields: "array_rows" fields: "array_cols" values: "8" values: "32" }
    axes { fields: "dram.bandwidth_gbps" fields: "clock_mhz"
           points { values: "6.4" values: "100" } points { values: "25.6" values: "400" }
           points { values: "51.2" values: "125" label: "fast" } })");
  Result<std::vector<StudyPoint>> pts = ExpandSweep(s, "");
  ASSERT_TRUE(pts.ok()) << pts.status().ToString();
  ASSERT_EQ(pts->size(), 2u * 2u * 3u);
  const StudyPoint& p0 = (*pts)[0];
  EXPECT_EQ(p0.model_name, "gemm512");
  EXPECT_EQ(p0.chip().array_rows(), 8u);
  EXPECT_EQ(p0.chip().array_cols(), 8u);
  EXPECT_DOUBLE_EQ(p0.chip().dram().bandwidth_gbps(), 6.4);
  EXPECT_DOUBLE_EQ(p0.chip().clock_mhz(), 100);
  const StudyPoint& p4 = (*pts)[4];  // array 32, second point of the zipped axis
  EXPECT_EQ(p4.chip().array_rows(), 32u);
  EXPECT_DOUBLE_EQ(p4.chip().dram().bandwidth_gbps(), 25.6);
  EXPECT_DOUBLE_EQ(p4.chip().clock_mhz(), 400);
  ASSERT_EQ(p4.settings.size(), 2u);
  EXPECT_EQ(p4.settings[0], (std::pair<std::string, std::string>{"array", "32"}));
  EXPECT_EQ(p4.settings[1].first, "dram.bandwidth_gbps");
  EXPECT_EQ(p4.settings[1].second, "25.6/400");
  EXPECT_EQ((*pts)[5].settings[1].second, "fast");
  EXPECT_EQ((*pts)[6].model_name, "second");
  EXPECT_EQ((*pts)[11].index, 11u);
  // The base's other fields are the bundled sim16's.
  Result<ChipConfig> sim16 = LoadChipConfig("sim16");
  ASSERT_TRUE(sim16.ok());
  EXPECT_EQ(p0.chip().unified_buffer_bytes(), sim16->unified_buffer_bytes());
  EXPECT_EQ(p0.num_chips(), 1u);
}

TEST(StudySweep, FieldPathErrorsAreNamed) {
  ChipConfig c = *LoadChipConfig("tiny");
  Status s = SetChipField(c, "dram.bandwith_gbps", "3");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("aorta.config.DramConfig has no field 'bandwith_gbps'"),
            std::string::npos)
      << s.ToString();
  EXPECT_NE(s.ToString().find("bandwidth_gbps"), std::string::npos);  // lists the real ones
  s = SetChipField(c, "dram", "3");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("is a message"), std::string::npos) << s.ToString();
  s = SetChipField(c, "array_rows", "-8");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("'-8' is not a non-negative integer"), std::string::npos);
  s = SetChipField(c, "clock_mhz", "fast");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("'fast' is not a number"), std::string::npos);
  s = SetChipField(c, "clock_mhz.x", "1");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("is a value, not a message"), std::string::npos);
  s = SetChipField(c, "array_rows", "99999999999");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("32-bit"), std::string::npos);
  ASSERT_TRUE(SetChipField(c, "links.latency_ns", "250").ok());
  EXPECT_EQ(c.links().latency_ns(), 250u);
  ASSERT_TRUE(SetChipField(c, "name", "renamed").ok());
  EXPECT_EQ(c.name(), "renamed");

  // Through a sweep: the point and the field are named; invalid configs are refused.
  Sweep unknown = MustParse(
      R"(chip: "tiny" models { synthetic: "mlp" } axes { fields: "arrayrows" values: "8" })");
  Result<std::vector<StudyPoint>> p = ExpandSweep(unknown, "");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().ToString().find("mlp arrayrows=8"), std::string::npos)
      << p.status().ToString();
  Sweep invalid = MustParse(
      R"(chip: "tiny" models { synthetic: "mlp" } axes { fields: "array_rows" values: "16" })");
  p = ExpandSweep(invalid, "");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().ToString().find("array_cols"), std::string::npos) << p.status().ToString();
  Sweep uneven = MustParse(R"(chip: "tiny" models { synthetic: "mlp" }
      axes { fields: "array_rows" fields: "array_cols" points { values: "16" } })");
  p = ExpandSweep(uneven, "");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().ToString().find("1 values for 2 fields"), std::string::npos);
  Sweep nobase = MustParse(R"(models { synthetic: "mlp" })");
  EXPECT_FALSE(ExpandSweep(nobase, "").ok());
}

TEST(StudySweep, NumChipsBuildsAChainOrRing) {
  ChipConfig tiny = *LoadChipConfig("tiny");
  Result<BoardConfig> one = RingBoard(tiny, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->chips_size(), 1);
  EXPECT_EQ(one->links_size(), 0);
  Result<BoardConfig> two = RingBoard(tiny, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->links_size(), 1);
  Result<BoardConfig> four = RingBoard(tiny, 4);
  ASSERT_TRUE(four.ok());
  ASSERT_EQ(four->links_size(), 4);
  EXPECT_EQ(four->links(3).chip_a(), 3u);
  EXPECT_EQ(four->links(3).chip_b(), 0u);
  tiny.mutable_links()->set_count(1);
  Result<BoardConfig> nolinks = RingBoard(tiny, 3);
  ASSERT_FALSE(nolinks.ok());
  EXPECT_NE(nolinks.status().ToString().find("2 link ports"), std::string::npos);

  Sweep s = MustParse(R"(chip: "tiny" models { synthetic: "mlp" }
      axes { fields: "num_chips" values: "1" values: "2" values: "4" }
      axes { fields: "links.bandwidth_gbps" values: "25" })");
  Result<std::vector<StudyPoint>> p = ExpandSweep(s, "");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[2].num_chips(), 4u);
  EXPECT_DOUBLE_EQ((*p)[2].chip(3).links().bandwidth_gbps(), 25);  // set on every chip
  Sweep bad = MustParse(
      R"(chip: "tiny" models { synthetic: "mlp" } axes { fields: "num_chips" values: "0" })");
  EXPECT_FALSE(ExpandSweep(bad, "").ok());
}

TEST(StudyCsv, OneRowPerPointSameColumnsAsTheHeader) {
  TempDir dir;
  Sweep s = MustParse(R"(chip: "tiny" models { synthetic: "mlp" }
      axes { name: "clock, MHz" fields: "clock_mhz" values: "100" values: "200" })");
  std::vector<StudyPoint> pts = *ExpandSweep(s, "");
  std::vector<PointResult> res(2);
  res[0].ok = true;
  res[0].cycles = 1234;
  res[0].latency_us = 12.34;
  res[0].dram_rd_bytes = 100;
  res[0].dram_wr_bytes = 20;
  res[1].error = "compile: the model does not fit, \"really\"";
  ASSERT_TRUE(WriteCsv(dir / "s.csv", s, pts, res).ok());
  std::ifstream in(dir / "s.csv");
  std::string header, row0, row1;
  std::getline(in, header);
  std::getline(in, row0);
  std::getline(in, row1);
  const std::vector<std::string> h = SplitCsv(header);
  EXPECT_EQ(h[2], "clock, MHz");
  ASSERT_EQ(SplitCsv(row0).size(), h.size()) << row0;
  ASSERT_EQ(SplitCsv(row1).size(), h.size()) << row1;
  auto col = [&](const std::vector<std::string>& r, const std::string& name) {
    for (size_t i = 0; i < h.size(); ++i)
      if (h[i] == name) return r[i];
    return std::string("?");
  };
  EXPECT_EQ(col(SplitCsv(row0), "cycles"), "1234");
  EXPECT_EQ(col(SplitCsv(row0), "dram_bytes"), "120");
  EXPECT_EQ(col(SplitCsv(row0), "status"), "ok");
  EXPECT_EQ(col(SplitCsv(row1), "clock, MHz"), "200");
  EXPECT_NE(col(SplitCsv(row1), "status").find("does not fit"), std::string::npos);
  EXPECT_FALSE(WriteCsv(dir / "s.csv", s, pts, {}).ok());
}

bool HaveGnuplot() { return std::system("gnuplot --version > /dev/null 2>&1") == 0; }

TEST(StudyPlots, GnuplotWritesNonEmptyPngs) {
  if (!HaveGnuplot()) GTEST_SKIP() << "gnuplot is not installed (scripts/setup-deps installs it)";
  TempDir dir;
  Sweep s = MustParse(R"(name: "plot's test" chip: "tiny" log_x: true
      models { synthetic: "mlp" } models { synthetic: "gemm512" }
      axes { fields: "clock_mhz" values: "100" values: "200" values: "400" })");
  std::vector<StudyPoint> pts = *ExpandSweep(s, "");
  std::vector<PointResult> res(pts.size());
  for (size_t i = 0; i < res.size(); ++i) {
    res[i].ok = i != 4;  // a failed point is left out of its line
    res[i].latency_us = 10.0 + static_cast<double>(i);
    res[i].throughput_per_s = 1e5 / res[i].latency_us;
    res[i].mac_utilization = 0.1 * static_cast<double>(i % 3 + 1);
    res[i].dram_rd_bytes = 1000000 * i;
  }
  Result<std::vector<std::string>> files = WritePlots(dir / "plots", s, pts, res);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), PlotMetrics().size());
  for (const std::string& f : *files) {
    EXPECT_GT(fs::file_size(f), 1000u) << f;
    std::ifstream png(f, std::ios::binary);
    char magic[4] = {};
    png.read(magic, 4);
    EXPECT_EQ(std::string(magic + 1, 3), "PNG") << f;
  }
  // The data file holds one block per model with the successful points.
  std::ifstream dat(dir / "plots/latency_us.dat");
  std::stringstream ss;
  ss << dat.rdbuf();
  EXPECT_NE(ss.str().find("# mlp"), std::string::npos);
  EXPECT_NE(ss.str().find("# gemm512"), std::string::npos);
  // A missing gnuplot is named.
  Result<std::vector<std::string>> none =
      WritePlots(dir / "p2", s, pts, res, "/nonexistent/gnuplot");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().ToString().find("/nonexistent/gnuplot"), std::string::npos);
}

// A whole study on the tiny chip: the bundled SCALE-Sim topology at two clocks, two workers;
// the second run of the same study compiles nothing (the program cache).
// Against num_chips, the scaling plot: each line's throughput over its one-chip point's, and the
// line y = x; a line without a one-chip point is left out of it.
TEST(StudyPlots, NumChipsAddsTheScalingPlot) {
  if (!HaveGnuplot()) GTEST_SKIP() << "gnuplot is not installed (scripts/setup-deps installs it)";
  TempDir dir;
  Sweep s = MustParse(R"(name: "scaling" chip: "sim16"
      models { synthetic: "mlp" } models { synthetic: "gemm512" }
      axes { fields: "num_chips" values: "1" values: "2" values: "4" })");
  std::vector<StudyPoint> pts = *ExpandSweep(s, "");
  ASSERT_EQ(pts.size(), 6u);
  std::vector<PointResult> res(pts.size());
  const double throughput[6] = {100, 250, 300, 10, 20, 40};
  for (size_t i = 0; i < res.size(); ++i) {
    res[i].ok = i != 3;  // gemm512's one-chip point failed: no base for its line
    res[i].throughput_per_s = throughput[i];
  }
  Result<std::vector<std::string>> files = WritePlots(dir / "plots", s, pts, res);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), PlotMetrics().size() + 1);
  EXPECT_EQ(files->back(), dir / "plots/scaling.png");
  EXPECT_GT(fs::file_size(files->back()), 1000u);
  std::ifstream dat(dir / "plots/scaling.dat");
  std::stringstream ss;
  ss << dat.rdbuf();
  EXPECT_EQ(ss.str(), "# mlp\n1 1 \"1\"\n2 2.5 \"2\"\n4 3 \"4\"\n\n\n");
  std::ifstream gp(dir / "plots/scaling.gp");
  std::stringstream gs;
  gs << gp.rdbuf();
  EXPECT_NE(gs.str().find("x with lines"), std::string::npos) << gs.str();
  // Another first axis: no scaling plot.
  Sweep clock = MustParse(R"(chip: "sim16" models { synthetic: "mlp" }
      axes { fields: "clock_mhz" values: "100" values: "200" })");
  std::vector<StudyPoint> cp = *ExpandSweep(clock, "");
  std::vector<PointResult> cr(cp.size());
  for (PointResult& r : cr) {
    r.ok = true;
    r.throughput_per_s = 1;
  }
  Result<std::vector<std::string>> plain = WritePlots(dir / "p3", clock, cp, cr);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->size(), PlotMetrics().size());
}

TEST(StudyRun, RunsPointsOnTheTlmModelAndCachesPrograms) {
  TempDir dir;
  Sweep s = MustParse(fmt::format(R"(name: "e2e" chip: "tiny"
      models {{ name: "small" scalesim_csv: "{}/models/studies/scalesim_small.csv" }}
      axes {{ fields: "clock_mhz" values: "100" values: "200" }})",
                                  AORTA_TEST_SOURCE_DIR));
  StudyOptions opt;
  opt.out_dir = dir / "out";
  opt.jobs = 2;
  opt.plots = false;
  std::vector<std::string> lines;
  opt.log = [&](const std::string& l) { lines.push_back(l); };
  Result<StudyOutcome> r = RunStudy(s, "", opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->results.size(), 2u);
  for (const PointResult& p : r->results) {
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_GT(p.cycles, 0u);
    EXPECT_GT(p.mac_utilization, 0);
    EXPECT_LE(p.mac_utilization, 1);
    EXPECT_GT(p.model_macs, 0u);
    EXPECT_LE(p.model_macs, p.macs);  // padding to the array's lanes only adds MACs
    EXPECT_GT(p.useful_utilization, 0);
    EXPECT_GT(p.dram_rd_bytes, 0u);
    EXPECT_GT(p.throughput_per_s, 0);
  }
  // Different programs (the clock is in the fingerprint), the same work: the same MACs; at twice
  // the clock the DRAM (same GB/s) costs more cycles, and the latency in us is lower.
  EXPECT_EQ(r->results[0].macs, r->results[1].macs);
  EXPECT_GE(r->results[1].cycles, r->results[0].cycles);
  EXPECT_LT(r->results[1].latency_us, r->results[0].latency_us);
  EXPECT_GT(r->results[0].compile_s, 0);
  EXPECT_EQ(r->failed, 0u);
  EXPECT_TRUE(fs::exists(r->csv));
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("[4/4]"), std::string::npos) << lines.back();
  EXPECT_NE(lines.back().find("ETA"), std::string::npos);

  Result<StudyOutcome> again = RunStudy(s, "", opt);
  ASSERT_TRUE(again.ok());
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again->results[i].compile_s, 0) << "point " << i << " was compiled again";
    EXPECT_EQ(again->results[i].cycles, r->results[i].cycles);  // deterministic
  }

  // One point's timeline.
  ASSERT_TRUE(WriteStudyTimeline(s, "", opt.out_dir, 1, dir / "t.json").ok());
  EXPECT_GT(fs::file_size(dir / "t.json"), 100u);
  Status bad = WriteStudyTimeline(s, "", opt.out_dir, 7, dir / "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.ToString().find("2 points"), std::string::npos);
}

// Runs the two points of `s` on two workers into `dir`/out, without plots; returns their results
// when the study ran and both points succeeded (else nothing, with the failures reported).
std::vector<PointResult> RunTwoPoints(const Sweep& s, const TempDir& dir) {
  StudyOptions opt;
  opt.out_dir = dir / "out";
  opt.jobs = 2;
  opt.plots = false;
  opt.log = [](const std::string&) {};
  Result<StudyOutcome> r = RunStudy(s, "", opt);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  EXPECT_EQ(r->results.size(), 2u);
  for (const PointResult& p : r->results) {
    EXPECT_TRUE(p.ok) << p.error;
    if (!p.ok) return {};
  }
  return r->results;
}

// A small MLP (64 -> 256 -> 256 -> 16, Relu between) written as an ONNX file, for the pipeline
// test: three layers, so a pipeline of two chips has two stages.
std::string WriteSmallMlp(const fs::path& dir) {
  ir::Graph g;
  g.name = "small_mlp";
  g.opset_imports[""] = 14;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 64}));
  const std::vector<int64_t> widths = {64, 256, 256, 16};
  std::string in = "x";
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const int64_t k = widths[l], m = widths[l + 1];
    std::vector<float> w(static_cast<size_t>(k * m)), b(static_cast<size_t>(m));
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = static_cast<float>((i * 37 + l) % 17) / 64 - 0.125f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i % 5) / 32;
    const std::string name = fmt::format("fc{}", l);
    g.AddInitializer(name + "_w", Tensor::FromVector<float>({m, k}, w));
    g.AddInitializer(name + "_b", Tensor::FromVector<float>({m}, b));
    g.AddNode("Gemm", {in, name + "_w", name + "_b"}, {name}, {{"transB", int64_t{1}}}, name);
    in = name;
    if (l + 2 < widths.size()) {
      g.AddNode("Relu", {name}, {name + "_relu"}, {}, name + "_relu");
      in = name + "_relu";
    }
  }
  g.AddOutput(in);
  const std::string path = (dir / "small_mlp.onnx").string();
  const Status st = ExportOnnxFile(g, path);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return path;
}

// The small MLP on one sim16 and on a pipeline of two: the pipeline starts an inference every
// slowest stage (a chip's run less its waits for link data), which is shorter than the batch-1
// latency through both chips.
TEST(StudyRun, PipelineThroughputIsTheSlowestStage) {
  TempDir dir;
  Sweep s = MustParse(fmt::format(R"(name: "pipe" chip: "sim16"
      models {{ onnx: "{}" }}
      axes {{ fields: "num_chips" values: "1" values: "2" }})",
                                  WriteSmallMlp(dir.str())));
  const std::vector<PointResult> r = RunTwoPoints(s, dir);
  ASSERT_EQ(r.size(), 2u);
  const PointResult& one = r[0];
  const PointResult& two = r[1];
  EXPECT_EQ(one.stage_cycles, one.cycles);
  EXPECT_DOUBLE_EQ(one.pipeline_utilization, one.useful_utilization);
  EXPECT_GT(two.link_bytes, 0u);
  EXPECT_GT(two.stage_cycles, 0u);
  EXPECT_LT(two.stage_cycles, two.cycles);
  EXPECT_NEAR(two.throughput_per_s, two.clock_mhz * 1e6 / static_cast<double>(two.stage_cycles),
              1e-6 * two.throughput_per_s);
  EXPECT_GT(two.pipeline_utilization, two.useful_utilization);
  EXPECT_EQ(one.model_macs, two.model_macs);
}

// Study 2's super-linear point (docs/studies.md): mlp_stratixv on one Stratix V (the Catapult
// card's derived config) streams 7 of its 8 layers from board DRAM; on 4 chips every weight is
// pinned and each chip's stage reads its two layers from the weight buffer at the array's rate, N
// bytes a cycle (LOADW: one N-byte row per cycle). Streamed weights arrive slower than that today
// (the DMA moves 48-byte rows at 1.5 bus beats each and each layer's first half-buffer is not
// prefetched), so 4 chips give more than 4x one chip's throughput. The one-chip run is bounded
// below by its streamed bytes at the DRAM's bandwidth and by every weight byte at N a cycle.
TEST(StudyRun, StratixVMlpIsSuperLinearOnFourChips) {
  const fpga::Card* card = fpga::FindCard("stratixv_catapult");
  ASSERT_NE(card, nullptr);
  Result<fpga::Derivation> sv = fpga::Derive(*card);
  ASSERT_TRUE(sv.ok()) << sv.status().ToString();
  const ChipConfig& chip = sv->config;
  TempDir dir;
  Sweep s = MustParse(R"(name: "sv" models { synthetic: "mlp_stratixv" }
      axes { fields: "num_chips" values: "1" values: "4" })");
  *s.mutable_chip_config() = chip;
  const std::vector<PointResult> r = RunTwoPoints(s, dir);
  ASSERT_EQ(r.size(), 2u);
  const PointResult& one = r[0];
  const PointResult& four = r[1];
  const auto n = static_cast<uint64_t>(chip.array_rows());
  const auto d = static_cast<uint64_t>(models::ChipSizedMlpWidth(chip));
  const uint64_t weights = models::kChipSizedMlpLayers * d * d;
  // One chip: more than a weight buffer streamed; cycles above both bounds.
  EXPECT_GT(one.weight_streamed_bytes, chip.weight_buffer_bytes());
  EXPECT_GE(one.dram_rd_bytes, one.weight_streamed_bytes);
  const double dram_per_cycle = chip.dram().bandwidth_gbps() * 1e3 / chip.clock_mhz();
  EXPECT_GE(static_cast<double>(one.cycles),
            static_cast<double>(one.weight_streamed_bytes) / dram_per_cycle);
  EXPECT_GE(one.cycles, weights / n);
  // Four chips: nothing streamed, each stage two pinned layers read at N bytes a cycle (within
  // 15 %: each layer's array fill and drain, requantization, PERF barrier, the input or output
  // DMA and the link transfer).
  EXPECT_EQ(four.weight_streamed_bytes, 0u);
  EXPECT_GE(four.stage_cycles, 2 * d * d / n);
  EXPECT_LE(static_cast<double>(four.stage_cycles), 1.15 * static_cast<double>(2 * d * d / n));
  // Super-linear: more than 4x the one chip's throughput.
  EXPECT_GT(four.throughput_per_s, 4 * one.throughput_per_s)
      << "one chip " << one.stage_cycles << " cycles, four chips' stage " << four.stage_cycles;
  std::cout << fmt::format(
      "[study] mlp_stratixv on Stratix V: 1 chip {} cycles ({} B streamed, {:.1f} B/cycle), "
      "4 chips stage {} cycles: {:.2f}x\n",
      one.cycles, one.weight_streamed_bytes,
      static_cast<double>(one.dram_rd_bytes) / static_cast<double>(one.cycles), four.stage_cycles,
      four.throughput_per_s / one.throughput_per_s);
}

TEST(StudyRun, AFailingPointIsReportedNotFatal) {
  TempDir dir;
  // A model file that is not ONNX: its point fails (compile), the other model's point runs.
  std::ofstream(dir / "broken.onnx") << "not an ONNX model";
  Sweep s = MustParse(fmt::format(R"(chip: "tiny"
      models {{ onnx: "broken.onnx" }}
      models {{ name: "small" scalesim_csv: "{}/models/studies/scalesim_small.csv" }})",
                                  AORTA_TEST_SOURCE_DIR));
  StudyOptions opt;
  opt.out_dir = dir / "out";
  opt.jobs = 1;
  opt.plots = false;
  opt.log = [](const std::string&) {};
  Result<StudyOutcome> r = RunStudy(s, dir.str(), opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->failed, 1u);
  EXPECT_FALSE(r->results[0].ok);
  EXPECT_NE(r->results[0].error.find("compile"), std::string::npos) << r->results[0].error;
  EXPECT_TRUE(r->results[1].ok) << r->results[1].error;
}

}  // namespace
}  // namespace aorta::study
