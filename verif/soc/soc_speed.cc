// soc_speed: simulation speed of the whole verilated SoC (docs/perf.md, "RTL simulation speed").
//
// A Gemm (M x K by K x N, random weights; compiler/testing/op_cases) compiled by the compiler
// for each config runs through Session on the rtl backend (speed build, as `aorta run --backend
// rtl`): input DMA, weight loads, MATMUL passes with the next tile loading during each, POSTPROC,
// output DMA. The array is busy for most of the run (ARRAY_BUSY / CYCLES is printed). It prints
// the device cycles simulated (register accesses of the runtime included), the CPU time of the
// run (this process: simulation plus the runtime's work around it) and cycles per CPU second.
// Then (unless --no-check) it runs the same program on the golden model and compares the outputs
// byte for byte and every non-timing counter; it exits 1 on a mismatch.
//
//   soc_speed [--config tiny|sim16|all] [--m M] [--k K] [--n N] [--seed S] [--runs R]
//             [--no-check]
//
// --runs R simulates the program R times (a fresh device each time) and prints the best and the
// worst run: CPU time on a shared machine varies from run to run, the best is the figure
// docs/perf.md records, the worst shows the spread.
//
// Default sizes per config (multiples of N that fit the config's memories): sim16 512 x 512 x
// 512, tiny 256 x 256 x 256.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "compiler/testing/op_cases.h"
#include "core/config.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/rtl_backend.h"
#include "driver/runtime/session.h"

namespace aorta::runtime {
namespace {

// CPU time of the process (every thread; std::clock): the figure that does not depend on what
// else the machine runs.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

struct Dims {
  int64_t m = 0, k = 0, n = 0;
};

struct Options {
  std::string config = "all";
  Dims dims;  // 0: the config's default
  uint64_t seed = 1;
  int runs = 1;
  bool check = true;
};

Dims DefaultDims(const std::string& config) {
  return config == "sim16" ? Dims{512, 512, 512} : Dims{256, 256, 256};
}

// Counters the golden model defines (it counts no time): INSN_* onwards.
bool Untimed(size_t i) { return i >= static_cast<size_t>(regs::Counter::kInsnDma); }

Result<TensorMap> RunOn(Backend& backend, const Program& p, const TensorMap& inputs,
                        RunReport* report) {
  AORTA_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::Load(p, backend));
  return s->Run(inputs, report);
}

// Outputs value for value (dequantized int8: equal int8 give equal values) and the non-timing
// counters; prints every difference.
bool SameAsGolden(const TensorMap& got, const RunReport& got_report, const TensorMap& want,
                  const RunReport& want_report) {
  bool same = true;
  for (const auto& [name, t] : want) {
    auto it = got.find(name);
    if (it == got.end() || it->second.ToDoubles() != t.ToDoubles()) {
      std::fprintf(stderr, "soc_speed: output '%s' differs from the golden model's\n",
                   name.c_str());
      same = false;
    }
  }
  for (size_t i = 0; i < regs::kNumCounters; ++i) {
    if (Untimed(i) && got_report.counters[i] != want_report.counters[i]) {
      std::fprintf(stderr, "soc_speed: %s is %llu on RTL, %llu on golden\n", regs::kCounterNames[i],
                   static_cast<unsigned long long>(got_report.counters[i]),
                   static_cast<unsigned long long>(want_report.counters[i]));
      same = false;
    }
  }
  return same;
}

int RunConfig(const std::string& name, const Options& o) {
  Result<ChipConfig> chip = LoadChipConfig(name);
  if (!chip.ok()) {
    std::fprintf(stderr, "soc_speed: %s\n", chip.status().ToString().c_str());
    return 1;
  }
  Dims d = DefaultDims(name);
  if (o.dims.m) d.m = o.dims.m;
  if (o.dims.k) d.k = o.dims.k;
  if (o.dims.n) d.n = o.dims.n;
  op_cases::Rng rng(o.seed);
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(
      op_cases::GemmGraph(rng, d.m, d.k, d.n, /*trans_b=*/true), *chip, o.seed);
  if (!c.ok()) {
    std::fprintf(stderr, "soc_speed: gemm %lldx%lldx%lld on %s: %s\n", static_cast<long long>(d.m),
                 static_cast<long long>(d.k), static_cast<long long>(d.n), name.c_str(),
                 c.status().ToString().c_str());
    return 1;
  }
  const Program& p = c->compiled.program;
  const std::vector<ChipConfig> chips = {p.chips(0).config()};

  RunReport report;
  Result<TensorMap> out = TensorMap{};
  double best = 0, worst = 0;
  uint64_t first_cycles = 0;
  for (int run = 0; run < o.runs; ++run) {
    Result<std::unique_ptr<Backend>> rtl = MakeRtlBackend(chips, {}, RtlBackendOptions{});
    if (!rtl.ok()) {
      std::fprintf(stderr, "soc_speed: %s\n", rtl.status().ToString().c_str());
      return 1;
    }
    report = RunReport{};
    const double cpu0 = CpuSeconds();
    out = RunOn(**rtl, p, c->inputs, &report);
    const double cpu = CpuSeconds() - cpu0;
    if (!out.ok()) {
      std::fprintf(stderr, "soc_speed: run on %s: %s\n", name.c_str(),
                   out.status().ToString().c_str());
      return 1;
    }
    // Every run is the same simulation: the same cycle count (a difference is a bug).
    if (run == 0) first_cycles = report.cycles;
    if (report.cycles != first_cycles) {
      std::fprintf(stderr, "soc_speed: run %d on %s took %llu cycles, run 1 %llu\n", run + 1,
                   name.c_str(), static_cast<unsigned long long>(report.cycles),
                   static_cast<unsigned long long>(first_cycles));
      return 1;
    }
    const uint64_t simulated = (*rtl)->simulated_cycles();
    const double busy =
        static_cast<double>(report.counters[static_cast<size_t>(regs::Counter::kArrayBusy)]) /
        static_cast<double>(report.cycles);
    const double rate = static_cast<double>(simulated) / cpu;
    best = run == 0 ? rate : std::max(best, rate);
    worst = run == 0 ? rate : std::min(worst, rate);
    std::printf(
        "%-6s gemm %lldx%lldx%lld: %llu run cycles (array busy %.1f %%, MAC utilization %.1f "
        "%%), %llu cycles simulated in %.2f CPU s: %.0f cycles per CPU second (%.2f us per "
        "cycle)\n",
        name.c_str(), static_cast<long long>(d.m), static_cast<long long>(d.k),
        static_cast<long long>(d.n), static_cast<unsigned long long>(report.cycles), 100 * busy,
        100 * report.mac_utilization, static_cast<unsigned long long>(simulated), cpu, rate,
        1e6 * cpu / static_cast<double>(simulated));
    std::fflush(stdout);
  }
  if (o.runs > 1) {
    std::printf(
        "%-6s best of %d: %.0f cycles per CPU second, worst %.0f (%.0f %% below the best)\n",
        name.c_str(), o.runs, best, worst, 100 * (best - worst) / best);
  }
  if (!o.check) return 0;

  Result<std::unique_ptr<Backend>> golden = MakeGoldenBackend(chips);
  if (!golden.ok()) {
    std::fprintf(stderr, "soc_speed: %s\n", golden.status().ToString().c_str());
    return 1;
  }
  RunReport want_report;
  Result<TensorMap> want = RunOn(**golden, p, c->inputs, &want_report);
  if (!want.ok()) {
    std::fprintf(stderr, "soc_speed: golden run on %s: %s\n", name.c_str(),
                 want.status().ToString().c_str());
    return 1;
  }
  if (!SameAsGolden(*out, report, *want, want_report)) return 1;
  std::printf("%-6s outputs and non-timing counters equal the golden model's\n", name.c_str());
  return 0;
}

}  // namespace
}  // namespace aorta::runtime

int main(int argc, char** argv) {
  aorta::runtime::Options o;
  CLI::App app{"Simulation speed of the whole verilated SoC (speed build) on a compiled GEMM"};
  app.add_option("--config", o.config, "tiny, sim16 or all")
      ->check(CLI::IsMember({"tiny", "sim16", "all"}));
  app.add_option("--m", o.dims.m, "rows of the input (default: per config)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 16));
  app.add_option("--k", o.dims.k, "inner dimension")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 16));
  app.add_option("--n", o.dims.n, "output columns")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 16));
  app.add_option("--seed", o.seed, "seed of the weights and the input");
  app.add_option("--runs", o.runs, "simulate the program this many times; print the best and worst")
      ->check(CLI::Range(1, 100));
  app.add_flag("!--no-check", o.check, "skip the comparison with the golden model");
  CLI11_PARSE(app, argc, argv);
  int rc = 0;
  for (const std::string c : {"tiny", "sim16"}) {
    if (o.config == "all" || o.config == c) rc |= aorta::runtime::RunConfig(c, o);
  }
  return rc;
}
