#include "tlm/study_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "compiler/compile.h"
#include "compiler/multichip/multichip_compile.h"
#include "compiler/onnx_export.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/session.h"
#include "driver/runtime/tlm_backend.h"
#include "models/synthetic/synthetic_models.h"
#include "tlm/study_scalesim.h"
#include "tlm/timeline.h"

namespace aorta::study {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).string();
}

uint64_t SeedOf(const StudyModel& m) { return m.seed() == 0 ? 1 : m.seed(); }

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open {}", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `data` to `path` through a temporary file and a rename (workers never see half a file).
Status WriteAtomic(const std::string& path, const std::string& data) {
  const std::string tmp = fmt::format("{}.tmp{}", path, getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << data;
    if (!out) return InvalidArgument("cannot write {}", tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return InvalidArgument("cannot rename {} to {}: {}", tmp, path, ec.message());
  return Status::Ok();
}

json ToJson(const PointResult& r) {
  return {{"ok", r.ok},
          {"error", r.error},
          {"cycles", r.cycles},
          {"clock_mhz", r.clock_mhz},
          {"latency_us", r.latency_us},
          {"throughput_per_s", r.throughput_per_s},
          {"mac_utilization", r.mac_utilization},
          {"macs", r.macs},
          {"model_macs", r.model_macs},
          {"useful_utilization", r.useful_utilization},
          {"stage_cycles", r.stage_cycles},
          {"pipeline_utilization", r.pipeline_utilization},
          {"dram_rd_bytes", r.dram_rd_bytes},
          {"dram_wr_bytes", r.dram_wr_bytes},
          {"link_bytes", r.link_bytes},
          {"weight_pinned_bytes", r.weight_pinned_bytes},
          {"weight_streamed_bytes", r.weight_streamed_bytes},
          {"array_busy", r.array_busy},
          {"ld_busy", r.ld_busy},
          {"ex_busy", r.ex_busy},
          {"st_busy", r.st_busy},
          {"compile_s", r.compile_s},
          {"simulate_s", r.simulate_s}};
}

PointResult FromJson(const std::string& text) {
  PointResult r;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    r.error = text.empty() ? "the worker returned nothing" : text;
    return r;
  }
  r.ok = j.value("ok", false);
  r.error = j.value("error", "");
  r.cycles = j.value("cycles", uint64_t{0});
  r.clock_mhz = j.value("clock_mhz", 0.0);
  r.latency_us = j.value("latency_us", 0.0);
  r.throughput_per_s = j.value("throughput_per_s", 0.0);
  r.mac_utilization = j.value("mac_utilization", 0.0);
  r.macs = j.value("macs", uint64_t{0});
  r.model_macs = j.value("model_macs", uint64_t{0});
  r.useful_utilization = j.value("useful_utilization", 0.0);
  r.stage_cycles = j.value("stage_cycles", uint64_t{0});
  r.pipeline_utilization = j.value("pipeline_utilization", 0.0);
  r.dram_rd_bytes = j.value("dram_rd_bytes", uint64_t{0});
  r.dram_wr_bytes = j.value("dram_wr_bytes", uint64_t{0});
  r.link_bytes = j.value("link_bytes", uint64_t{0});
  r.weight_pinned_bytes = j.value("weight_pinned_bytes", uint64_t{0});
  r.weight_streamed_bytes = j.value("weight_streamed_bytes", uint64_t{0});
  r.array_busy = j.value("array_busy", uint64_t{0});
  r.ld_busy = j.value("ld_busy", uint64_t{0});
  r.ex_busy = j.value("ex_busy", uint64_t{0});
  r.st_busy = j.value("st_busy", uint64_t{0});
  r.compile_s = j.value("compile_s", 0.0);
  r.simulate_s = j.value("simulate_s", 0.0);
  return r;
}

PointResult Failed(const Status& s) {
  PointResult r;
  r.error = s.ToString();
  return r;
}

std::string Duration(double s) {
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
}

// Deterministic inputs: N(0, 1) clipped to [-3, 3] (the compiler's synthetic calibration
// distribution), from `seed`.
runtime::TensorMap SyntheticInputs(const Program& p, uint64_t seed) {
  runtime::TensorMap m;
  std::mt19937_64 g(seed);
  std::normal_distribution<float> d;
  for (const auto& b : p.inputs()) {
    Shape shape(b.shape().begin(), b.shape().end());
    std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
    for (float& x : v) x = std::clamp(d(g), -3.0f, 3.0f);
    m[b.name()] = Tensor::FromVector<float>(shape, v);
  }
  return m;
}

}  // namespace

Result<std::string> MaterializeModel(const StudyModel& model, const std::string& base_dir,
                                     const std::string& out_dir) {
  if (model.source_case() == StudyModel::kOnnx) {
    const std::string p = Resolve(base_dir, model.onnx());
    if (!fs::exists(p)) return NotFound("model '{}': no ONNX file {}", ModelName(model), p);
    return p;
  }
  const fs::path dir = fs::path(out_dir) / "models";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create {}: {}", dir.string(), ec.message());
  const std::string path = (dir / (ModelName(model) + ".onnx")).string();
  ir::Graph graph;
  if (model.source_case() == StudyModel::kSynthetic) {
    const models::SyntheticModel* found = nullptr;
    std::string names;
    for (const models::SyntheticModel& s : models::SyntheticModels()) {
      names += (names.empty() ? "" : ", ") + s.name;
      if (s.name == model.synthetic()) found = &s;
    }
    if (found == nullptr)
      return InvalidArgument("model '{}': no synthetic model '{}' (there are: {})",
                             ModelName(model), model.synthetic(), names);
    graph = found->build(SeedOf(model));
  } else if (model.source_case() == StudyModel::kScalesimCsv) {
    AORTA_ASSIGN_OR_RETURN(std::vector<ScaleSimLayer> layers,
                           ReadScaleSimCsv(Resolve(base_dir, model.scalesim_csv())));
    graph = ScaleSimGraph(layers, ModelName(model), SeedOf(model));
  } else {
    return InvalidArgument("model '{}' has no source", ModelName(model));
  }
  // Written once per study directory and content: an identical file is left alone.
  const std::string tmp = fmt::format("{}.tmp{}", path, getpid());
  AORTA_RETURN_IF_ERROR(ExportOnnxFile(graph, tmp));
  Result<std::string> now = ReadFile(tmp);
  Result<std::string> old = ReadFile(path);
  if (old.ok() && now.ok() && *old == *now) {
    fs::remove(tmp, ec);
    return path;
  }
  fs::rename(tmp, path, ec);
  if (ec) return InvalidArgument("cannot rename {} to {}: {}", tmp, path, ec.message());
  return path;
}

Result<std::string> CacheKey(const Sweep& sweep, const StudyPoint& point,
                             const std::string& model_path) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFile(model_path));
  const StudyModel& m = sweep.models(static_cast<int>(point.model));
  std::string key = fmt::format(
      "{:016x}|", Fnv1a64(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
  for (const std::string& s : m.input_shapes()) key += s + ";";
  key += fmt::format("|calib={}|board={}", sweep.calibration_samples(),
                     FingerprintHex(Fingerprint(point.board)));
  return FingerprintHex(
      Fnv1a64(std::span(reinterpret_cast<const uint8_t*>(key.data()), key.size())));
}

Result<CompiledPoint> CompileCached(const Sweep& sweep, const StudyPoint& point,
                                    const std::string& model_path, const std::string& cache_dir) {
  AORTA_ASSIGN_OR_RETURN(std::string key, CacheKey(sweep, point, model_path));
  const std::string stem = (fs::path(cache_dir) / (point.model_name + "-" + key)).string();
  CompiledPoint out;
  if (fs::exists(stem + ".aprog") && fs::exists(stem + ".json")) {
    AORTA_ASSIGN_OR_RETURN(out.program, ReadProgram(stem + ".aprog"));
    AORTA_ASSIGN_OR_RETURN(std::string meta, ReadFile(stem + ".json"));
    json j = json::parse(meta, nullptr, false);
    if (!j.is_discarded()) {
      out.weight_pinned_bytes = j.value("weight_pinned_bytes", uint64_t{0});
      out.weight_streamed_bytes = j.value("weight_streamed_bytes", uint64_t{0});
      return out;
    }
  }
  const StudyModel& m = sweep.models(static_cast<int>(point.model));
  CompileOptions opt;
  opt.calib.synthetic_samples =
      sweep.calibration_samples() == 0 ? 1 : static_cast<int>(sweep.calibration_samples());
  opt.calib.seed = SeedOf(m);
  opt.model_name = point.model_name;
  for (const std::string& s : m.input_shapes()) {
    AORTA_ASSIGN_OR_RETURN(auto shape, ParseInputShape(s));
    opt.input_shapes[shape.first] = shape.second;
  }
  const auto t0 = std::chrono::steady_clock::now();
  if (point.num_chips() > 1) {
    // A pipeline over the board's chips (compiler/multichip: one stage per chip of a chain).
    AORTA_ASSIGN_OR_RETURN(multichip::BoardCompiled c,
                           multichip::CompileOnnxFileForBoard(model_path, point.board, opt,
                                                              multichip::BoardOptions{}));
    out.program = std::move(c.program);
    for (const multichip::StageReport& st : c.report.stages)
      out.weight_pinned_bytes += st.weight_pinned;
    out.weight_streamed_bytes = c.report.streamed_bytes;
  } else {
    AORTA_ASSIGN_OR_RETURN(Compiled c, CompileOnnxFile(model_path, point.chip(), opt));
    out.program = std::move(c.program);
    out.weight_pinned_bytes = c.report.codegen.weight_bytes;
    out.weight_streamed_bytes =
        c.report.codegen.streamed_weight_bytes + c.report.codegen.streamed_param_bytes;
  }
  out.compile_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  AORTA_RETURN_IF_ERROR(WriteProgram(out.program, stem + ".aprog.tmp"));
  fs::rename(stem + ".aprog.tmp", stem + ".aprog", ec);
  AORTA_RETURN_IF_ERROR(
      WriteAtomic(stem + ".json", json{{"model", point.model_name},
                                       {"board", point.board.name()},
                                       {"weight_pinned_bytes", out.weight_pinned_bytes},
                                       {"weight_streamed_bytes", out.weight_streamed_bytes},
                                       {"compile_s", out.compile_s}}
                                      .dump(1)));
  return out;
}

namespace {

// Per chip: the time its runs took and, inside them, the time its queues waited for link data
// (RECV rows not yet arrived); forwards every event to `next` (the timeline, or none).
class StageObserver : public tlm::ChipObserver {
 public:
  explicit StageObserver(tlm::ChipObserver* next) : next_(next) {}
  void OnInstruction(uint32_t chip, isa::Queue queue, const isa::Insn& insn, uint32_t pc,
                     uint64_t issue_ps, uint64_t done_ps) override {
    if (next_) next_->OnInstruction(chip, queue, insn, pc, issue_ps, done_ps);
  }
  void OnBarrier(uint32_t chip, const isa::Insn& insn, uint32_t pc, uint64_t at_ps) override {
    if (next_) next_->OnBarrier(chip, insn, pc, at_ps);
  }
  void OnRunStart(uint32_t chip, uint64_t at_ps) override {
    start_[chip] = at_ps;
    if (next_) next_->OnRunStart(chip, at_ps);
  }
  void OnRunEnd(uint32_t chip, uint64_t at_ps, bool error) override {
    if (auto it = start_.find(chip); it != start_.end() && at_ps >= it->second)
      run_ps_[chip] += at_ps - it->second;
    if (next_) next_->OnRunEnd(chip, at_ps, error);
  }
  void OnCountersCleared(uint32_t chip, uint64_t at_ps) override {
    if (next_) next_->OnCountersCleared(chip, at_ps);
  }
  void OnLinkWait(uint32_t chip, isa::Queue queue, uint64_t from_ps, uint64_t to_ps) override {
    // The load queue is the one that receives; a wait of one queue is the chip's wait.
    wait_ps_[chip] += to_ps - from_ps;
    if (next_) next_->OnLinkWait(chip, queue, from_ps, to_ps);
  }
  // The slowest chip's run time less its link waits, in cycles of `clock_mhz`.
  uint64_t SlowestStageCycles(double clock_mhz) const {
    uint64_t slowest = 0;
    for (const auto& [chip, run] : run_ps_) {
      const auto w = wait_ps_.find(chip);
      const uint64_t busy = run - std::min(run, w == wait_ps_.end() ? 0 : w->second);
      slowest = std::max(slowest, static_cast<uint64_t>(
                                      std::llround(static_cast<double>(busy) * clock_mhz / 1e6)));
    }
    return slowest;
  }

 private:
  tlm::ChipObserver* next_;
  std::map<uint32_t, uint64_t> start_, run_ps_, wait_ps_;
};

}  // namespace

Result<PointResult> RunPoint(const StudyPoint& point, const Program& program, uint64_t seed,
                             tlm::ChipObserver* observer) {
  std::vector<ChipConfig> chips;
  for (const auto& c : program.chips()) chips.push_back(c.config());
  // A multi-chip program names the links its stages use (board.links metadata).
  AORTA_ASSIGN_OR_RETURN(std::vector<config::BoardLink> links, runtime::BoardLinksOf(program));
  StageObserver stages(observer);
  tlm::BoardOptions options;
  options.observer = &stages;
  AORTA_ASSIGN_OR_RETURN(std::unique_ptr<runtime::Backend> backend,
                         runtime::MakeTlmBackend(chips, links, options));
  const runtime::TensorMap inputs = SyntheticInputs(program, seed);
  const auto t0 = std::chrono::steady_clock::now();
  runtime::Session::Options so;
  so.timeout = std::chrono::minutes(30);
  AORTA_ASSIGN_OR_RETURN(auto session, runtime::Session::Load(program, *backend, so));
  // Loading ran the init streams: only the inference's runs count towards the stages.
  stages = StageObserver(observer);
  runtime::RunReport report;
  AORTA_RETURN_IF_ERROR(session->Run(inputs, &report).status().WithContext(point.Label()));
  PointResult r;
  r.ok = true;
  r.simulate_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto ctr = [&](regs::Counter c) { return report.counters[static_cast<size_t>(c)]; };
  r.cycles = report.cycles;
  r.clock_mhz = report.clock_mhz;
  r.latency_us = report.latency_us;
  // One chip: one inference at a time. Several (a pipeline): a new inference enters every
  // slowest-stage time, a stage's time being its chip's runs less their waits for link data
  // (the link transfer itself stays in the sender's and the receiver's time).
  r.stage_cycles = report.cycles;
  if (chips.size() > 1) {
    const uint64_t slowest = stages.SlowestStageCycles(report.clock_mhz);
    if (slowest > 0) r.stage_cycles = slowest;
  }
  r.throughput_per_s =
      r.stage_cycles > 0 ? report.clock_mhz * 1e6 / static_cast<double>(r.stage_cycles) : 0;
  r.mac_utilization = report.mac_utilization;
  r.macs = ctr(regs::Counter::kMacs) + ctr(regs::Counter::kVecMacs);
  for (const auto& l : report.layers) r.model_macs += l.host ? 0 : l.macs;
  const double peak = static_cast<double>(report.cycles) * report.array_n * report.array_n *
                      static_cast<double>(chips.size());
  r.useful_utilization = peak > 0 ? static_cast<double>(r.model_macs) / peak : 0;
  const double pipeline_peak = static_cast<double>(r.stage_cycles) * report.array_n *
                               report.array_n * static_cast<double>(chips.size());
  r.pipeline_utilization =
      pipeline_peak > 0 ? static_cast<double>(r.model_macs) / pipeline_peak : 0;
  r.dram_rd_bytes = ctr(regs::Counter::kDmaRdBytes);
  r.dram_wr_bytes = ctr(regs::Counter::kDmaWrBytes);
  r.link_bytes = ctr(regs::Counter::kLinkTxBytes);
  r.array_busy = ctr(regs::Counter::kArrayBusy);
  r.ld_busy = ctr(regs::Counter::kLdBusy);
  r.ex_busy = ctr(regs::Counter::kExBusy);
  r.st_busy = ctr(regs::Counter::kStBusy);
  return r;
}

std::vector<std::string> RunForked(
    size_t count, int jobs, const std::string& work_dir,
    const std::function<std::string(size_t)>& task,
    const std::function<void(size_t, const std::string&, size_t)>& done) {
  std::vector<std::string> results(count);
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  const size_t max_jobs = static_cast<size_t>(std::max(1, jobs));
  std::map<pid_t, size_t> running;
  size_t next = 0, finished = 0;
  auto result_file = [&](size_t i) {
    return (fs::path(work_dir) / fmt::format("task{}.{}.out", i, getpid())).string();
  };
  while (finished < count) {
    while (running.size() < max_jobs && next < count) {
      std::cout.flush();
      std::cerr.flush();
      std::fflush(nullptr);
      const std::string file = result_file(next);
      const pid_t pid = fork();
      if (pid == 0) {
        std::string out;
        try {
          out = task(next);
        } catch (const std::exception& e) {
          out = fmt::format("error: {}", e.what());
        }
        {
          std::ofstream f(file + ".tmp", std::ios::binary);
          f << out;
        }
        std::rename((file + ".tmp").c_str(), file.c_str());
        std::fflush(nullptr);
        _exit(0);
      }
      if (pid < 0) {
        results[next] = "error: cannot start a worker process (fork failed)";
        ++finished;
        done(next, results[next], finished);
        ++next;
        continue;
      }
      running[pid] = next++;
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const size_t i = it->second;
    running.erase(it);
    const std::string file = result_file(i);
    Result<std::string> text = ReadFile(file);
    if (WIFSIGNALED(status)) {
      results[i] = fmt::format("error: worker ended by signal {}", WTERMSIG(status));
    } else if (!text.ok()) {
      results[i] = fmt::format("error: the worker wrote no result (exit status {})",
                               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
      results[i] = std::move(text).value();
    }
    fs::remove(file, ec);
    ++finished;
    done(i, results[i], finished);
  }
  return results;
}

Result<StudyOutcome> RunStudy(const Sweep& sweep, const std::string& base_dir,
                              const StudyOptions& options) {
  auto log = options.log ? options.log : [](const std::string& s) { std::cout << s << std::endl; };
  StudyOutcome out;
  AORTA_ASSIGN_OR_RETURN(out.points, ExpandSweep(sweep, base_dir));
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return InvalidArgument("cannot create {}: {}", options.out_dir, ec.message());
  const int jobs = options.jobs > 0
                       ? options.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::string cache_dir = (fs::path(options.out_dir) / "programs").string();
  const std::string work_dir = (fs::path(options.out_dir) / ".work").string();

  // The models as ONNX files (in this process: cheap, and every worker reads the same file).
  std::vector<std::string> model_paths;
  for (const StudyModel& m : sweep.models()) {
    AORTA_ASSIGN_OR_RETURN(std::string p, MaterializeModel(m, base_dir, options.out_dir));
    model_paths.push_back(std::move(p));
  }
  // Phase 1: compile every distinct (model, board) once.
  std::vector<size_t> to_compile;               // a representative point per key
  std::map<size_t, std::string> compile_error;  // point -> error of its key
  std::map<std::string, size_t> key_of;         // cache key -> the point that compiles it
  std::map<std::string, double> compile_s;      // cache key -> compile seconds (0: cached)
  std::vector<std::string> point_key(out.points.size());
  for (const StudyPoint& p : out.points) {
    AORTA_ASSIGN_OR_RETURN(point_key[p.index], CacheKey(sweep, p, model_paths[p.model]));
    if (key_of.emplace(point_key[p.index], p.index).second) to_compile.push_back(p.index);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const size_t total = to_compile.size() + out.points.size();
  log(fmt::format(
      "study '{}': {} points ({} models x {} settings), {} programs to compile or "
      "read from {}, {} workers",
      sweep.name(), out.points.size(), sweep.models_size(),
      out.points.size() / std::max(1, sweep.models_size()), to_compile.size(), cache_dir, jobs));
  auto progress = [&](size_t finished_tasks, const std::string& what) {
    const double e = elapsed();
    const double eta = finished_tasks ? e / static_cast<double>(finished_tasks) *
                                            static_cast<double>(total - finished_tasks)
                                      : 0;
    log(fmt::format("[{}/{}] {} | elapsed {}, ETA {}", finished_tasks, total, what, Duration(e),
                    Duration(eta)));
  };
  size_t tasks_done = 0;
  RunForked(
      to_compile.size(), jobs, work_dir,
      [&](size_t i) -> std::string {
        const StudyPoint& p = out.points[to_compile[i]];
        Result<CompiledPoint> c = CompileCached(sweep, p, model_paths[p.model], cache_dir);
        if (!c.ok()) return "error: " + c.status().ToString();
        return fmt::format("ok {:.3f}", c->compile_s);
      },
      [&](size_t i, const std::string& r, size_t) {
        ++tasks_done;
        const StudyPoint& p = out.points[to_compile[i]];
        const bool ok = r.rfind("ok ", 0) == 0;
        if (!ok) compile_error[to_compile[i]] = r.substr(r.find(' ') + 1);
        const double s = ok ? std::strtod(r.c_str() + 3, nullptr) : 0;
        compile_s[point_key[to_compile[i]]] = s;
        progress(tasks_done, fmt::format("compiled {}{}", p.Label(),
                                         !ok      ? ": " + r
                                         : s == 0 ? std::string(" (cached)")
                                                  : fmt::format(" in {:.1f} s", s)));
      });
  // Phase 2: run every point.
  out.results.assign(out.points.size(), PointResult{});
  RunForked(
      out.points.size(), jobs, work_dir,
      [&](size_t i) -> std::string {
        const StudyPoint& p = out.points[i];
        if (auto e = compile_error.find(key_of[point_key[i]]); e != compile_error.end())
          return ToJson(Failed(InvalidArgument("compile: {}", e->second))).dump();
        Result<CompiledPoint> c = CompileCached(sweep, p, model_paths[p.model], cache_dir);
        if (!c.ok()) return ToJson(Failed(c.status())).dump();
        Result<PointResult> r =
            RunPoint(p, c->program, SeedOf(sweep.models(static_cast<int>(p.model))));
        if (!r.ok()) return ToJson(Failed(r.status())).dump();
        r->weight_pinned_bytes = c->weight_pinned_bytes;
        r->weight_streamed_bytes = c->weight_streamed_bytes;
        return ToJson(*r).dump();
      },
      [&](size_t i, const std::string& text, size_t) {
        ++tasks_done;
        PointResult r = FromJson(text);
        const StudyPoint& p = out.points[i];
        // The compile time goes to the point that compiled the program (cache hits: none).
        if (key_of[point_key[i]] == i) r.compile_s = compile_s[point_key[i]];
        out.results[i] = r;
        progress(tasks_done,
                 r.ok ? fmt::format("{}: {} cycles, {:.1f} us, {:.0f} inferences/s, MAC "
                                    "utilization {:.1f}%, {:.1f} MB DRAM",
                                    p.Label(), r.cycles, r.latency_us, r.throughput_per_s,
                                    100 * r.mac_utilization,
                                    static_cast<double>(r.dram_rd_bytes + r.dram_wr_bytes) / 1e6)
                      : fmt::format("{}: FAILED: {}", p.Label(), r.error));
      });
  fs::remove_all(work_dir, ec);
  for (const PointResult& r : out.results) out.failed += r.ok ? 0 : 1;
  out.csv = (fs::path(options.out_dir) / "study.csv").string();
  AORTA_RETURN_IF_ERROR(WriteCsv(out.csv, sweep, out.points, out.results));
  if (options.plots) {
    Result<std::vector<std::string>> plots =
        WritePlots((fs::path(options.out_dir) / "plots").string(), sweep, out.points, out.results,
                   options.gnuplot);
    if (plots.ok())
      out.plots = std::move(plots).value();
    else
      out.plot_error = plots.status().ToString();
  }
  return out;
}

Status WriteStudyTimeline(const Sweep& sweep, const std::string& base_dir,
                          const std::string& out_dir, size_t index, const std::string& path) {
  AORTA_ASSIGN_OR_RETURN(std::vector<StudyPoint> points, ExpandSweep(sweep, base_dir));
  if (index >= points.size())
    return InvalidArgument("--point {}: the sweep has {} points (0 .. {})", index, points.size(),
                           points.size() - 1);
  const StudyPoint& p = points[index];
  AORTA_ASSIGN_OR_RETURN(
      std::string model_path,
      MaterializeModel(sweep.models(static_cast<int>(p.model)), base_dir, out_dir));
  AORTA_ASSIGN_OR_RETURN(CompiledPoint c, CompileCached(sweep, p, model_path,
                                                        (fs::path(out_dir) / "programs").string()));
  std::vector<ChipConfig> chips;
  for (const auto& ch : c.program.chips()) chips.push_back(ch.config());
  tlm::Timeline timeline(chips);
  timeline.SetLayers(c.program);
  AORTA_ASSIGN_OR_RETURN(
      PointResult r,
      RunPoint(p, c.program, SeedOf(sweep.models(static_cast<int>(p.model))), &timeline));
  (void)r;
  return timeline.Write(path);
}

}  // namespace aorta::study
