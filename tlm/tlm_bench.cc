// tlm_bench: the TLM model's speed and figures on the demo CNN and the synthetic models, against
// the golden model (outputs must be bit-identical). Prints one table row per (model, chip):
// simulated cycles, MAC utilization, latency at the config's clock, TLM wall time, simulated
// cycles per second, golden wall time, peak resident memory of the process.
//
//   tlm_bench                                   # demo on tiny and sim16
//   tlm_bench --models resnet50 --chips sim16   # one synthetic model (compiled here)
//   tlm_rtl_bench                               # also on the RTL (speed builds): cycles of
//                                               # both, total and mean per-layer error, speed
//
// docs/perf.md ("TLM model") records the figures with the commands that produced them.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>

#include "compiler/compile.h"
#include "compiler/onnx_export.h"
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
  Program program;
  runtime::TensorMap inputs;
};

// A workload of `program` with standard normal inputs (clamped to +-3, fixed seed).
Workload WithInputs(Program program) {
  Workload w{std::move(program), {}};
  std::mt19937_64 g(7);
  std::normal_distribution<float> d;
  for (const auto& b : w.program.inputs()) {
    Shape shape(b.shape().begin(), b.shape().end());
    int64_t n = 1;
    for (int64_t x : shape) n *= x;
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = std::clamp(d(g), -3.0f, 3.0f);
    w.inputs[b.name()] = Tensor::FromVector<float>(shape, v);
  }
  return w;
}

Result<Workload> Build(const std::string& model, const ChipConfig& chip) {
  if (model.ends_with(".aprog")) {
    AORTA_ASSIGN_OR_RETURN(Program p, ReadProgram(model));
    return WithInputs(std::move(p));
  }
  if (model == "demo") {
    AORTA_ASSIGN_OR_RETURN(demo::DemoModel m, demo::BuildDemoModel(chip, 1));
    runtime::TensorMap in{{m.program.inputs(0).name(), m.input}};
    return Workload{std::move(m.program), std::move(in)};
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
    return WithInputs(std::move(c->program));
  }
  return InvalidArgument(
      "unknown model '{}' (demo, resnet50, mobilenetv2, mlp, gemm512 or an "
      ".aprog file)",
      model);
}

struct Ran {
  runtime::TensorMap outputs;
  runtime::RunReport report;
  double wall_s = 0;
  double cpu_s = 0;  // CPU time of the process (user + system) during the run
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

Result<Ran> RunOn(runtime::Backend& backend, const Workload& w) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  AORTA_ASSIGN_OR_RETURN(auto session, runtime::Session::Load(w.program, backend));
  Ran r;
  AORTA_ASSIGN_OR_RETURN(r.outputs, session->Run(w.inputs, &r.report));
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu_s = CpuSeconds() - cpu0;
  return r;
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

int Main(int argc, char** argv) {
  CLI::App app{"TLM model speed and figures against the golden model"};
  std::vector<std::string> model_names{"demo"}, chip_names{"tiny", "sim16"};
  app.add_option("--models", model_names, "demo, resnet50, mobilenetv2, mlp, gemm512")
      ->delimiter(',');
  app.add_option("--chips", chip_names, "bundled config names or .textproto paths")->delimiter(',');
  bool layers_detail = false, no_golden = false;
  std::string save_dir;
  app.add_option("--save", save_dir, "write each compiled program as DIR/<model>_<chip>.aprog");
  app.add_flag("--no-golden", no_golden,
               "skip the golden model (speed and memory of the TLM alone)");
  app.add_flag("--layers", layers_detail,
               "per layer: the timing counters, RTL/TLM (tlm_rtl_bench)");
  CLI11_PARSE(app, argc, argv);

  fmt::print("{:<12} {:<7} {:>12} {:>7} {:>11} {:>9} {:>9} {:>12} {:>9} {:>8}  {}\n", "model",
             "chip", "cycles", "util", "latency_us", "tlm_s", "tlm_cpu_s", "sim_cyc/s", "golden_s",
             "rss_MiB", "outputs");
  int failures = 0;
  for (const std::string& chip_name : chip_names) {
    Result<ChipConfig> chip = LoadChipConfig(chip_name);
    if (!chip.ok()) {
      std::cerr << chip.status().ToString() << "\n";
      return 1;
    }
    for (const std::string& model : model_names) {
      Result<Workload> w = Build(model, *chip);
      if (!w.ok()) {
        std::cerr << model << " on " << chip_name << ": " << w.status().ToString() << "\n";
        ++failures;
        continue;
      }
      if (!save_dir.empty()) {
        const std::string path = fmt::format("{}/{}_{}.aprog", save_dir, model, chip_name);
        if (Status st = WriteProgram(w->program, path); !st.ok()) {
          std::cerr << st.ToString() << "\n";
          return 1;
        }
      }
      std::vector<ChipConfig> chips;
      for (const auto& c : w->program.chips()) chips.push_back(c.config());
      auto golden = runtime::MakeGoldenBackend(chips);
      auto tlm = runtime::MakeTlmBackend(chips);
      if (!golden.ok() || !tlm.ok()) {
        std::cerr << "backend: " << (golden.ok() ? tlm.status() : golden.status()).ToString()
                  << "\n";
        return 1;
      }
      Result<Ran> t = RunOn(**tlm, *w);
      Result<Ran> g = no_golden ? Result<Ran>(Ran{}) : RunOn(**golden, *w);
      if (!g.ok() || !t.ok()) {
        std::cerr << model << " on " << chip_name << ": "
                  << (g.ok() ? t.status() : g.status()).ToString() << "\n";
        ++failures;
        continue;
      }
      bool same = no_golden || g->outputs.size() == t->outputs.size();
      for (const auto& [name, tensor] : no_golden ? runtime::TensorMap{} : g->outputs)
        same =
            same && t->outputs.count(name) && t->outputs.at(name).ToDoubles() == tensor.ToDoubles();
      if (!same) ++failures;
      const double sim_s = (*tlm)->simulation_seconds();
      const double rate = sim_s > 0 ? static_cast<double>((*tlm)->simulated_cycles()) / sim_s : 0;
      fmt::print(
          "{:<12} {:<7} {:>12} {:>7.3f} {:>11.1f} {:>9.3f} {:>9.3f} {:>12.3g} {:>9.3f} {:>8.0f}  "
          "{}\n",
          model, chip_name, t->report.cycles, t->report.mac_utilization, t->report.latency_us,
          t->wall_s, t->cpu_s, rate, g->wall_s, PeakRssMiB(),
          no_golden ? "not compared" : (same ? "bit-identical" : "DIFFER"));
#if AORTA_TLM_BENCH_RTL
      auto rtl = runtime::MakeRtlBackend(chips);
      if (!rtl.ok()) {
        std::cerr << "rtl backend: " << rtl.status().ToString() << "\n";
        ++failures;
        continue;
      }
      Result<Ran> r = RunOn(**rtl, *w);
      if (!r.ok()) {
        std::cerr << model << " on " << chip_name << " (rtl): " << r.status().ToString() << "\n";
        ++failures;
        continue;
      }
      // Per chip layer (not host ops): |TLM - RTL| / RTL of the layer's CYCLES.
      double err_sum = 0;
      int layers = 0;
      for (size_t l = 0; l < r->report.layers.size() && l < t->report.layers.size(); ++l) {
        const auto& rl = r->report.layers[l];
        if (rl.host) continue;
        const double rc =
            static_cast<double>(rl.counters[static_cast<size_t>(regs::Counter::kCycles)]);
        const double tc = static_cast<double>(
            t->report.layers[l].counters[static_cast<size_t>(regs::Counter::kCycles)]);
        if (rc > 0) {
          err_sum += std::abs(tc - rc) / rc;
          ++layers;
        }
      }
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
      const double rtl_s = (*rtl)->simulation_seconds();
      const double rtl_rate =
          rtl_s > 0 ? static_cast<double>((*rtl)->simulated_cycles()) / rtl_s : 0;
      const double total_err =
          100.0 * (static_cast<double>(t->report.cycles) - static_cast<double>(r->report.cycles)) /
          static_cast<double>(std::max<uint64_t>(r->report.cycles, 1));
      fmt::print(
          "{:<12} {:<7} rtl cycles {} (tlm {:+.2f} %), mean per-layer error {:.2f} % over {} "
          "layers, rtl {:.3g} cycles/s (tlm {:.1f}x faster)\n",
          model, chip_name, r->report.cycles, total_err, layers ? 100.0 * err_sum / layers : 0.0,
          layers, rtl_rate, rtl_rate > 0 ? rate / rtl_rate : 0.0);
#endif
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace aorta

int main(int argc, char** argv) { return aorta::Main(argc, argv); }
