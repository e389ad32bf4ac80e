// tlm_bench: the TLM model's speed and figures on the demo CNN, the synthetic models, compiled
// programs and the per-op suite, against the golden model (outputs must be bit-identical). Prints
// one table row per (program, chip): simulated cycles, MAC utilization, latency at the config's
// clock, TLM wall and CPU time (Session::Load + Run), simulated cycles per CPU second, the CPU
// time of Load alone and the cycles per CPU second of Run alone, golden wall time, peak resident
// memory of the process.
//
//   tlm_bench                                   # demo on tiny and sim16
//   tlm_bench --models resnet50 --chips sim16   # one synthetic model (compiled here)
//   tlm_bench --models prog.aprog --chips sim16 # a compiled program (random normal inputs)
//   tlm_rtl_bench                               # also on the RTL (speed builds): cycles of
//                                               # both, total, mean and max per-layer error,
//                                               # simulated cycles per CPU second of both
//   tlm_rtl_bench --models ops --chips tiny,sim16 --no-golden
//                                               # verif/soc/rtl_ops_test's per-op programs: a
//                                               # line per program, the suite's figures per config
//   tlm_bench --models ops --chips tiny --digest  # also each program's counters and a digest of
//                                               # its per-layer counters and outputs
//   tlm_rtl_bench --models a.aprog --repeat 5   # each backend's median run of 5 (CPU time)
//
// docs/perf.md ("TLM model") records the figures with the commands that produced them.
#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

#include "compiler/compile.h"
#include "compiler/onnx_export.h"
#include "compiler/testing/op_cases.h"
#include "driver/runtime/session.h"
#include "driver/runtime/tlm_backend.h"
#include "models/demo/demo_program.h"
#include "models/synthetic/synthetic_models.h"
#if AORTA_TLM_BENCH_RTL
#include "driver/runtime/rtl_backend.h"
#endif

namespace aorta {
namespace {

struct Workload {
  std::string name;
  std::shared_ptr<const Program> program;  // shared with the sessions (not copied)
  runtime::TensorMap inputs;
};

// A workload of `program` with standard normal inputs (clamped to +-3, fixed seed).
Workload WithInputs(std::string name, Program program) {
  Workload w{std::move(name), std::make_shared<const Program>(std::move(program)), {}};
  std::mt19937_64 g(7);
  std::normal_distribution<float> d;
  for (const auto& b : w.program->inputs()) {
    Shape shape(b.shape().begin(), b.shape().end());
    int64_t n = 1;
    for (int64_t x : shape) n *= x;
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = std::clamp(d(g), -3.0f, 3.0f);
    w.inputs[b.name()] = Tensor::FromVector<float>(shape, v);
  }
  return w;
}

// The programs of verif/soc/rtl_ops_test.cc for one of its configs (tiny or sim16):
// op_cases::RtlSuite, the same graphs and labels (each group's Rng fresh, as in rtl_ops_test's
// first chip), so that the TLM is measured on what the RTL suite runs; the cases rtl_ops_test
// runs on tiny only (weights streamed, tiled through DRAM) likewise.
Result<std::vector<Workload>> OpsSuite(const std::string& chip_name, const ChipConfig& chip) {
  if (chip_name != "tiny" && chip_name != "sim16")
    return InvalidArgument("the per-op suite runs on tiny and sim16 (rtl_ops_test), not '{}'",
                           chip_name);
  std::vector<Workload> out;
  for (const auto& [label, g] : op_cases::RtlSuite(chip_name == "tiny")) {
    Result<op_cases::CompiledCase> c = op_cases::CompileCase(g, chip);
    if (!c.ok()) return c.status().WithContext(label);
    out.push_back({label, std::make_shared<const Program>(std::move(c->compiled.program)),
                   std::move(c->inputs)});
  }
  return out;
}

Result<std::vector<Workload>> Build(const std::string& model, const std::string& chip_name,
                                    const ChipConfig& chip) {
  std::vector<Workload> out;
  if (model == "ops") return OpsSuite(chip_name, chip);
  if (model.ends_with(".aprog")) {
    AORTA_ASSIGN_OR_RETURN(Program p, ReadProgram(model));
    out.push_back(WithInputs(std::filesystem::path(model).stem().string(), std::move(p)));
    return out;
  }
  if (model == "demo") {
    AORTA_ASSIGN_OR_RETURN(demo::DemoModel m, demo::BuildDemoModel(chip, 1));
    runtime::TensorMap in{{m.program.inputs(0).name(), m.input}};
    out.push_back({model, std::make_shared<const Program>(std::move(m.program)), std::move(in)});
    return out;
  }
  for (const models::SyntheticModel& s : models::SyntheticModels()) {
    if (s.name != model) continue;
    const std::string dir = fmt::format("{}/aorta_tlm_bench_{}",
                                        std::filesystem::temp_directory_path().string(), getpid());
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/" + model + ".onnx";
    AORTA_RETURN_IF_ERROR(ExportOnnxFile(s.build(1), path));
    CompileOptions opt;
    opt.calib.synthetic_samples = 1;
    Result<Compiled> c = CompileOnnxFile(path, chip, opt);
    std::filesystem::remove_all(dir);
    if (!c.ok()) return c.status();
    out.push_back(WithInputs(model, std::move(c->program)));
    return out;
  }
  return InvalidArgument(
      "unknown model '{}' (demo, ops, resnet50, mobilenetv2, mlp, gemm512 or an .aprog file)",
      model);
}

struct Ran {
  runtime::TensorMap outputs;
  runtime::RunReport report;
  double wall_s = 0;
  double cpu_s = 0;        // CPU time of the process (user + system) during Load + Run
  double load_cpu_s = 0;   // of which Session::Load (the loader's checks, the program's writes)
  uint64_t simulated = 0;  // cycles the backend simulated during Load + Run
  int64_t run_instructions = -1;  // user-space instructions retired in Run (-1: no counter)
  int64_t run_cpu_cycles = -1;    // user-space CPU cycles of Run (-1: no counter)
  double CyclesPerCpuS() const { return cpu_s > 0 ? static_cast<double>(simulated) / cpu_s : 0; }
  // The same over Session::Run alone (the simulation; Load is the same code on every backend).
  double CyclesPerRunCpuS() const {
    const double run = cpu_s - load_cpu_s;
    return run > 0 ? static_cast<double>(simulated) / run : 0;
  }
};

// Instructions the process retires and CPU cycles it takes (user space), from hardware counters:
// measures of the simulation's work that the machine's load moves far less than CPU time (which
// moves by up to 2x on a loaded machine). -1 where the counter is not available (no PMU access).
class HardwareCounter {
 public:
  explicit HardwareCounter(uint64_t config) {
    perf_event_attr a{};
    a.type = PERF_TYPE_HARDWARE;
    a.size = sizeof(a);
    a.config = config;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    fd_ = static_cast<int>(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
  }
  ~HardwareCounter() {
    if (fd_ >= 0) close(fd_);
  }
  HardwareCounter(const HardwareCounter&) = delete;
  HardwareCounter& operator=(const HardwareCounter&) = delete;
  int64_t Read() const {
    uint64_t v = 0;
    if (fd_ < 0 || read(fd_, &v, sizeof v) != static_cast<ssize_t>(sizeof v)) return -1;
    return static_cast<int64_t>(v);
  }

 private:
  int fd_ = -1;
};

int64_t Instructions() {
  static HardwareCounter counter(PERF_COUNT_HW_INSTRUCTIONS);
  return counter.Read();
}

int64_t UserCycles() {
  static HardwareCounter counter(PERF_COUNT_HW_CPU_CYCLES);
  return counter.Read();
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

Result<Ran> RunOn(runtime::Backend& backend, const Workload& w) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  const uint64_t sim0 = backend.simulated_cycles();
  runtime::Session::Options o;
  o.timeout = std::chrono::minutes(30);  // ResNet-50 on the RTL: minutes on a loaded machine
  AORTA_ASSIGN_OR_RETURN(auto session, runtime::Session::Load(w.program, backend, o));
  Ran r;
  r.load_cpu_s = CpuSeconds() - cpu0;
  const int64_t insn0 = Instructions(), cyc0 = UserCycles();
  AORTA_ASSIGN_OR_RETURN(r.outputs, session->Run(w.inputs, &r.report));
  const int64_t insn1 = Instructions(), cyc1 = UserCycles();
  r.run_instructions = insn0 >= 0 && insn1 >= 0 ? insn1 - insn0 : -1;
  r.run_cpu_cycles = cyc0 >= 0 && cyc1 >= 0 ? cyc1 - cyc0 : -1;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu_s = CpuSeconds() - cpu0;
  r.simulated = backend.simulated_cycles() - sim0;
  return r;
}

// The run with the median CPU time of `repeat` runs of `w` on `backend` (a run's CPU time moves
// with the machine's other load: one run now and then takes several times its usual time).
Result<Ran> RunMedianOf(runtime::Backend& backend, const Workload& w, int repeat) {
  std::vector<Ran> runs;
  for (int i = 0; i < repeat; ++i) {
    AORTA_ASSIGN_OR_RETURN(Ran r, RunOn(backend, w));
    runs.push_back(std::move(r));
  }
  std::sort(runs.begin(), runs.end(), [](const Ran& a, const Ran& b) { return a.cpu_s < b.cpu_s; });
  return std::move(runs[runs.size() / 2]);
}

// A digest of everything a run reports that must not change when the model gets faster: the
// total counters, every layer's counters and every output value (FNV-1a, 64 bits).
uint64_t RunDigest(const Ran& r) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  mix(r.report.cycles);
  for (uint64_t c : r.report.counters) mix(c);
  for (const auto& l : r.report.layers) {
    for (char ch : l.name) mix(static_cast<uint8_t>(ch));
    for (uint64_t c : l.counters) mix(c);
  }
  for (const auto& [name, tensor] : r.outputs) {
    for (char ch : name) mix(static_cast<uint8_t>(ch));
    for (double v : tensor.ToDoubles()) {
      uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);
      mix(bits);
    }
  }
  return h;
}

bool SameOutputs(const runtime::TensorMap& a, const runtime::TensorMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, tensor] : a)
    if (!b.count(name) || b.at(name).ToDoubles() != tensor.ToDoubles()) return false;
  return true;
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

#if AORTA_TLM_BENCH_RTL
uint64_t LayerCycles(const runtime::LayerReport& l) {
  return l.counters[static_cast<size_t>(regs::Counter::kCycles)];
}

// TLM against RTL on a group of programs (one model, or the per-op suite, on one config).
struct Accuracy {
  double rtl_cycles = 0, tlm_cycles = 0;
  double layer_err_sum = 0, layer_err_max = 0;
  std::string worst_layer;
  int layers = 0, programs = 0, within_5 = 0;
  double program_err_max = 0;
  std::string worst_program;
  double rtl_cpu_s = 0, tlm_cpu_s = 0, rtl_load_cpu_s = 0, tlm_load_cpu_s = 0;
  uint64_t rtl_simulated = 0, tlm_simulated = 0;

  // Adds one program's run on both; returns its line.
  std::string Add(const std::string& name, const Ran& r, const Ran& t) {
    double sum = 0, max = 0;
    std::string max_layer;
    int n = 0;
    for (size_t l = 0; l < r.report.layers.size() && l < t.report.layers.size(); ++l) {
      const auto& rl = r.report.layers[l];
      if (rl.host || LayerCycles(rl) == 0) continue;
      const double rc = static_cast<double>(LayerCycles(rl));
      const double e = std::abs(static_cast<double>(LayerCycles(t.report.layers[l])) - rc) / rc;
      sum += e;
      ++n;
      if (e >= max) {
        max = e;
        max_layer = rl.name;
      }
    }
    const double rc = static_cast<double>(r.report.cycles);
    const double total = (static_cast<double>(t.report.cycles) - rc) / std::max(rc, 1.0);
    rtl_cycles += rc;
    tlm_cycles += static_cast<double>(t.report.cycles);
    layer_err_sum += sum;
    layers += n;
    if (max >= layer_err_max) {
      layer_err_max = max;
      worst_layer = name + ": " + max_layer;
    }
    ++programs;
    within_5 += std::abs(total) <= 0.05;
    if (std::abs(total) >= program_err_max) {
      program_err_max = std::abs(total);
      worst_program = name;
    }
    rtl_cpu_s += r.cpu_s;
    tlm_cpu_s += t.cpu_s;
    rtl_load_cpu_s += r.load_cpu_s;
    tlm_load_cpu_s += t.load_cpu_s;
    rtl_simulated += r.simulated;
    tlm_simulated += t.simulated;
    return fmt::format(
        "rtl cycles {} (tlm {:+.2f} %), per-layer error mean {:.2f} % max {:.2f} % ({}) over {} "
        "layers; cycles per CPU second rtl {:.3g} tlm {:.3g} ({:.0f}x), Run alone rtl {:.3g} tlm "
        "{:.3g} ({:.0f}x)",
        r.report.cycles, 100 * total, n ? 100 * sum / n : 0.0, 100 * max, max_layer, n,
        r.CyclesPerCpuS(), t.CyclesPerCpuS(),
        r.CyclesPerCpuS() > 0 ? t.CyclesPerCpuS() / r.CyclesPerCpuS() : 0.0, r.CyclesPerRunCpuS(),
        t.CyclesPerRunCpuS(),
        r.CyclesPerRunCpuS() > 0 ? t.CyclesPerRunCpuS() / r.CyclesPerRunCpuS() : 0.0);
  }

  std::string Summary() const {
    const double rtl_rate = rtl_cpu_s > 0 ? static_cast<double>(rtl_simulated) / rtl_cpu_s : 0;
    const double tlm_rate = tlm_cpu_s > 0 ? static_cast<double>(tlm_simulated) / tlm_cpu_s : 0;
    const double rtl_run = rtl_cpu_s - rtl_load_cpu_s, tlm_run = tlm_cpu_s - tlm_load_cpu_s;
    const double rtl_run_rate = rtl_run > 0 ? static_cast<double>(rtl_simulated) / rtl_run : 0;
    const double tlm_run_rate = tlm_run > 0 ? static_cast<double>(tlm_simulated) / tlm_run : 0;
    return fmt::format(
        "{} programs: total {:+.2f} % (rtl {:.0f}, tlm {:.0f} cycles), per-layer error mean {:.2f} "
        "% max {:.2f} % ({}) over {} layers; {} of {} programs within 5 % (worst {:.2f} %: {}); "
        "cycles per CPU second rtl {:.3g} tlm {:.3g} ({:.0f}x), Run alone rtl {:.3g} tlm {:.3g} "
        "({:.0f}x)",
        programs, 100 * (tlm_cycles - rtl_cycles) / std::max(rtl_cycles, 1.0), rtl_cycles,
        tlm_cycles, layers ? 100 * layer_err_sum / layers : 0.0, 100 * layer_err_max, worst_layer,
        layers, within_5, programs, 100 * program_err_max, worst_program, rtl_rate, tlm_rate,
        rtl_rate > 0 ? tlm_rate / rtl_rate : 0.0, rtl_run_rate, tlm_run_rate,
        rtl_run_rate > 0 ? tlm_run_rate / rtl_run_rate : 0.0);
  }
};
#endif

int Main(int argc, char** argv) {
  CLI::App app{"TLM model speed and figures against the golden model"};
  std::vector<std::string> model_names{"demo"}, chip_names{"tiny", "sim16"};
  app.add_option("--models", model_names,
                 "demo, ops (rtl_ops_test's programs), resnet50, mobilenetv2, mlp, gemm512 or "
                 ".aprog files")
      ->delimiter(',');
  app.add_option("--chips", chip_names, "bundled config names or .textproto paths")->delimiter(',');
  bool layers_detail = false, no_golden = false, digest = false;
  std::string save_dir;
  app.add_option("--save", save_dir,
                 "write each compiled program as DIR/<model>_<chip>.aprog (characters other than "
                 "letters, digits, . and - become _)");
  app.add_flag("--no-golden", no_golden,
               "skip the golden model (speed and memory of the TLM alone)");
  app.add_flag("--digest", digest,
               "after each program's line: its TLM counters (total), a digest of the counters "
               "of every layer and of the outputs (to show that a change kept them all) and the "
               "instructions and CPU cycles of Session::Run in user space (hardware counters)");
  app.add_flag("--layers", layers_detail,
               "per layer: the timing counters, RTL/TLM (tlm_rtl_bench)");
  int repeat = 1;
  app.add_option("--repeat", repeat,
                 "run each program this many times on each backend (the same backend, one "
                 "session after the other) and report the run with the median CPU time")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  tlm::BoardOptions board_options;
  app.add_option("--quantum-ns", board_options.quantum_ns,
                 "the TLM's global quantum (loosely timed), ns")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  fmt::print("{:<12} {:<7} {:>12} {:>7} {:>11} {:>9} {:>9} {:>12} {:>10} {:>12} {:>9} {:>8}  {}\n",
             "model", "chip", "cycles", "util", "latency_us", "tlm_s", "tlm_cpu_s", "sim_cyc/cpu_s",
             "load_cpu_s", "run_cyc/cpu_s", "golden_s", "rss_MiB", "outputs");
  int failures = 0;
  for (const std::string& chip_name : chip_names) {
    Result<ChipConfig> chip = LoadChipConfig(chip_name);
    if (!chip.ok()) {
      std::cerr << chip.status().ToString() << "\n";
      return 1;
    }
    for (const std::string& model : model_names) {
      Result<std::vector<Workload>> ws = Build(model, chip_name, *chip);
      if (!ws.ok()) {
        std::cerr << model << " on " << chip_name << ": " << ws.status().ToString() << "\n";
        ++failures;
        continue;
      }
#if AORTA_TLM_BENCH_RTL
      Accuracy group;
#endif
      for (const Workload& w : *ws) {
        if (!save_dir.empty()) {
          // The per-op programs' names hold spaces and punctuation: a file name of [A-Za-z0-9_.-].
          std::string file = fmt::format("{}_{}.aprog", w.name, chip_name);
          for (char& ch : file)
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') ch = '_';
          const std::string path = save_dir + "/" + file;
          if (Status st = WriteProgram(*w.program, path); !st.ok()) {
            std::cerr << st.ToString() << "\n";
            return 1;
          }
        }
        std::vector<ChipConfig> chips;
        for (const auto& c : w.program->chips()) chips.push_back(c.config());
        auto golden = runtime::MakeGoldenBackend(chips);
        auto tlm = runtime::MakeTlmBackend(chips, {}, board_options);
        if (!golden.ok() || !tlm.ok()) {
          std::cerr << "backend: " << (golden.ok() ? tlm.status() : golden.status()).ToString()
                    << "\n";
          return 1;
        }
        Result<Ran> t = RunMedianOf(**tlm, w, repeat);
        Result<Ran> g = no_golden ? Result<Ran>(Ran{}) : RunOn(**golden, w);
        if (!g.ok() || !t.ok()) {
          std::cerr << w.name << " on " << chip_name << ": "
                    << (g.ok() ? t.status() : g.status()).ToString() << "\n";
          ++failures;
          continue;
        }
        const bool same = no_golden || SameOutputs(g->outputs, t->outputs);
        if (!same) ++failures;
        fmt::print(
            "{:<12} {:<7} {:>12} {:>7.3f} {:>11.1f} {:>9.3f} {:>9.3f} {:>12.3g} {:>10.3f} "
            "{:>12.3g} "
            "{:>9.3f} {:>8.0f}  {}\n",
            w.name, chip_name, t->report.cycles, t->report.mac_utilization, t->report.latency_us,
            t->wall_s, t->cpu_s, t->CyclesPerCpuS(), t->load_cpu_s, t->CyclesPerRunCpuS(),
            g->wall_s, PeakRssMiB(),
            no_golden ? "not compared" : (same ? "bit-identical" : "DIFFER"));
        if (digest) {
          fmt::print("digest {} {} {:016x} counters", w.name, chip_name, RunDigest(*t));
          for (uint64_t c : t->report.counters) fmt::print(" {}", c);
          fmt::print("\n");
          if (t->run_instructions >= 0)
            fmt::print("run_instructions {} {} {} ({:.1f} per simulated cycle), cpu_cycles {}\n",
                       w.name, chip_name, t->run_instructions,
                       static_cast<double>(t->run_instructions) /
                           static_cast<double>(std::max<uint64_t>(1, t->simulated)),
                       t->run_cpu_cycles);
        }
#if AORTA_TLM_BENCH_RTL
        auto rtl = runtime::MakeRtlBackend(chips);
        if (!rtl.ok()) {
          std::cerr << "rtl backend: " << rtl.status().ToString() << "\n";
          ++failures;
          continue;
        }
        Result<Ran> r = RunMedianOf(**rtl, w, repeat);
        if (!r.ok()) {
          std::cerr << w.name << " on " << chip_name << " (rtl): " << r.status().ToString() << "\n";
          ++failures;
          continue;
        }
        const bool rtl_same = SameOutputs(r->outputs, t->outputs);
        if (!rtl_same) ++failures;
        if (layers_detail) {
          // The timing counters of every chip layer, RTL over TLM.
          for (size_t l = 0; l < r->report.layers.size() && l < t->report.layers.size(); ++l) {
            const auto& rl = r->report.layers[l];
            if (rl.host) continue;
            fmt::print("  {:<28}", rl.name.substr(0, 28));
            for (int k = 0; k <= static_cast<int>(regs::Counter::kArrayBusy); ++k)
              fmt::print(" {}={}/{}", regs::kCounterNames[k], rl.counters[k],
                         t->report.layers[l].counters[k]);
            fmt::print("\n");
          }
        }
        fmt::print("{:<12} {:<7} {}; outputs {} the TLM's\n", w.name, chip_name,
                   group.Add(w.name, *r, *t), rtl_same ? "bit-identical to" : "DIFFER from");
#endif
      }
#if AORTA_TLM_BENCH_RTL
      if (group.programs > 1) fmt::print("{} on {}: {}\n", model, chip_name, group.Summary());
#endif
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace aorta

int main(int argc, char** argv) { return aorta::Main(argc, argv); }
