// matrix_speed: simulation speed of the verilated matrix unit (docs/perf.md, "RTL simulation
// speed").
//
// Runs the GEMM inner loop on the speed build of aorta_matrix_unit (no assertions, Verilator
// -O3, C++ -O2; verif/matrix/CMakeLists.txt) for each config: a LOADW, then `--passes` passes
// of `--rows` output pixels over alternating banks, the next tile loading while a pass runs,
// every pass after the first accumulating. It prints simulated cycles, the CPU time of the
// simulation loop (and its wall time), cycles per CPU second and the array utilization, then checks
// the ACC and the perf counters against the golden model (outside the timed loop) and exits 1 on a
// mismatch.
//
//   matrix_speed [--config tiny|sim16|all] [--rows R] [--passes P] [--seed S] [--no-check]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "Vaorta_matrix_unit_speed_sim16.h"
#include "Vaorta_matrix_unit_speed_tiny.h"
#include "core/config.h"
#include "verif/matrix/matrix_harness.h"
#include "verilated.h"

namespace aorta::verif {
namespace {

// CPU time of this thread: the figure that does not depend on what else the machine runs.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Run {
  uint32_t rows = 512;
  uint32_t passes = 200;
  uint32_t seed = 1;
  bool check = true;  // compare with the golden model after the timed loop
};

// The instruction stream: LOADW, then per pass a MATMUL of `rows` pixels (a 1 x rows image)
// and the LOADW of the next tile into the other bank.
std::vector<isa::Word> GemmStream(const ChipGeometry& g, const Run& run) {
  std::vector<isa::Word> words;
  isa::Loadw first;
  words.push_back(MustEncode(first));
  for (uint32_t p = 0; p < run.passes; ++p) {
    isa::Matmul mm;
    mm.bank = p % 2;
    mm.accumulate = p != 0;
    mm.act_addr = static_cast<uint32_t>((uint64_t{p} * run.rows) % (g.ub_rows - run.rows + 1));
    mm.in_h = mm.out_h = 1;
    mm.in_w = mm.out_w = run.rows;
    mm.acc_addr = 0;
    words.push_back(MustEncode(mm));
    if (p + 1 < run.passes) {
      isa::Loadw next;
      next.bank = (p + 1) % 2;
      next.wb_addr = static_cast<uint32_t>((uint64_t{p + 1} * g.n) % (g.wb_rows - g.n + 1));
      words.push_back(MustEncode(next));
    }
  }
  return words;
}

template <class Model>
int RunConfig(const char* name, const Run& run) {
  auto cfg = LoadChipConfig(name);
  if (!cfg.ok()) {
    std::fprintf(stderr, "matrix_speed: %s\n", cfg.status().ToString().c_str());
    return 1;
  }
  const ChipGeometry g = GeometryOf(*cfg);
  if (run.rows == 0 || run.rows > 4095 || run.rows > g.acc_rows || run.rows > g.ub_rows) {
    std::fprintf(stderr, "matrix_speed: --rows must be 1 .. %llu for %s\n",
                 static_cast<unsigned long long>(std::min<uint64_t>(4095, g.acc_rows)), name);
    return 1;
  }

  VerilatedContext ctx;
  ctx.randReset(2);
  ctx.randSeed(static_cast<int>(run.seed));
  Model model(&ctx);
  typename MatrixHarness<Model>::Options opt;
  opt.poison = false;
  opt.check_done = false;
  opt.reference = false;
  opt.seed = run.seed;
  MatrixHarness<Model> h(model, g, opt);
  h.RandomizeMemories();
  const golden::ChipState initial = h.rtl_mem();

  const std::vector<isa::Word> words = GemmStream(g, run);
  for (const isa::Word& w : words) h.Offer(w);
  const uint64_t limit = uint64_t{run.rows + 4 * g.n} * (run.passes + 2) + 1000;
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = ThreadCpuSeconds();
  const bool idle = h.RunUntilIdle(limit);
  const double cpu = ThreadCpuSeconds() - cpu0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  model.final();

  // The golden model on the same stream, outside the timed loop.
  bool ok = idle && h.failures().empty();
  if (run.check) {
    golden::ChipState ref = initial;
    golden::Counters counters{};
    for (const isa::Word& w : words) {
      Result<isa::Insn> insn = isa::Decode(w);
      ok = ok && insn.ok() && ExecOnGolden(ref, *insn, counters).ok();
    }
    for (uint64_t r = 0; r < g.acc_rows; ++r) {
      ok = ok && std::memcmp(ref.Acc(r), h.rtl_mem().Acc(r), 4 * g.n) == 0;
    }
    ok = ok && h.counts() == CountsOf(counters);
  }

  const uint64_t cycles = h.cycle();
  const double utilization = static_cast<double>(h.counts().macs) /
                             (static_cast<double>(g.n) * g.n * static_cast<double>(cycles));
  std::printf(
      "%-6s N=%-2u %u passes x %u rows: %llu cycles, %.3f s CPU (%.3f s wall) = "
      "%.0f cycles per CPU second, utilization %.4f, %s\n",
      name, g.n, run.passes, run.rows, static_cast<unsigned long long>(cycles), cpu, wall,
      static_cast<double>(cycles) / cpu, utilization,
      !run.check ? "not checked"
      : ok       ? "ACC and counters match the golden model"
                 : "MISMATCH with the golden model");
  for (const auto& f : h.failures()) std::fprintf(stderr, "matrix_speed: %s\n", f.c_str());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace aorta::verif

int main(int argc, char** argv) {
  CLI::App app{"Simulation speed of the verilated matrix unit (speed build) on a GEMM loop"};
  std::string config = "all";
  aorta::verif::Run run;
  app.add_option("--config", config, "tiny, sim16 or all")
      ->check(CLI::IsMember({"tiny", "sim16", "all"}));
  app.add_option("--rows", run.rows, "output pixels per pass (1 .. 4095)");
  app.add_option("--passes", run.passes, "passes (MATMULs)")->check(CLI::Range(1u, 1000000u));
  app.add_option("--seed", run.seed, "memory contents and unreset flops");
  app.add_flag("!--no-check", run.check, "skip the comparison with the golden model");
  CLI11_PARSE(app, argc, argv);

  int rc = 0;
  if (config == "tiny" || config == "all") {
    rc |= aorta::verif::RunConfig<Vaorta_matrix_unit_speed_tiny>("tiny", run);
  }
  if (config == "sim16" || config == "all") {
    rc |= aorta::verif::RunConfig<Vaorta_matrix_unit_speed_sim16>("sim16", run);
  }
  return rc;
}
