// vector_speed: simulation speed of the verilated vector unit (docs/perf.md, "Vector unit").
//
// Runs a fixed mix of vector instructions back to back on the sim16 speed build of
// aorta_vector_unit (no assertions, Verilator -O3, C++ -O2; verif/vector/CMakeLists.txt) until
// `--cycles` cycles have passed, then the same number of cycles with the unit idle, and prints
// for each the CPU time of the simulation loop and the cycles per CPU second. The read ports
// carry a fixed pattern (PARAM rows read zero, a valid record): the data do not change what the
// model evaluates, so no memory model or golden reference is in the timed loop (the benches in
// vector_test.cc check the data).
//
//   vector_speed [--cycles C]
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "Vaorta_vector_unit_speed_sim16.h"
#include "core/isa/isa.h"
#include "verif/common/bench.h"
#include "verilated.h"

namespace aorta::verif {
namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The mix: each opcode at a size a layer of a small CNN would have on sim16 (N = 16).
std::vector<isa::Word> Mix() {
  std::vector<isa::Insn> insns;
  isa::Postproc pp;
  pp.rows = 256;
  pp.hi = 127;
  pp.lo = -128;
  pp.lut_en = true;
  insns.push_back(pp);
  isa::VecEltwise add;
  add.rows = 256;
  add.b_addr = 1024;
  add.out_addr = 2048;
  insns.push_back(add);
  add.b_src = isa::BSrc::kUbBcast;
  insns.push_back(add);
  isa::Pool pool;
  pool.in_h = pool.in_w = 16;
  pool.out_h = pool.out_w = 8;
  pool.k_h = pool.k_w = pool.stride_h = pool.stride_w = 2;
  pool.out_addr = 4096;
  insns.push_back(pool);
  pool.op = isa::PoolOp::kAvg;
  pool.k_h = pool.k_w = 3;
  pool.pad_t = pool.pad_l = 1;
  insns.push_back(pool);
  isa::Dwconv dw;
  dw.in_h = dw.in_w = dw.out_h = dw.out_w = 16;
  dw.k_h = dw.k_w = 3;
  dw.y_off = dw.x_off = -1;
  dw.accumulate = true;
  insns.push_back(dw);
  isa::Resize rs;
  rs.in_h = rs.in_w = 8;
  rs.scale_h = rs.scale_w = 2;
  rs.out_addr = 4096;
  insns.push_back(rs);
  std::vector<isa::Word> words;
  for (const auto& insn : insns) {
    auto w = isa::Encode(insn);
    if (!w.ok()) {
      std::fprintf(stderr, "vector_speed: %s\n", w.status().ToString().c_str());
      std::exit(1);
    }
    words.push_back(*w);
  }
  return words;
}

int Main(int argc, char** argv) {
  CLI::App app{"Simulation speed of the verilated vector unit (sim16)"};
  uint64_t cycles = 1000000;
  app.add_option("--cycles", cycles, "cycles per phase (busy, then idle)");
  CLI11_PARSE(app, argc, argv);

  VerilatedContext ctx;
  auto m = std::make_unique<Vaorta_vector_unit_speed_sim16>(&ctx);
  // Fixed read data: every UB / WB / ACC / LUT byte 0x35, PARAM rows zero (valid records).
  std::memset(m->acc_rdata_i.data(), 0x35, sizeof(m->acc_rdata_i));
  std::memset(m->ub_rdata_i.data(), 0x35, sizeof(m->ub_rdata_i));
  std::memset(m->wb_rdata_i.data(), 0x35, sizeof(m->wb_rdata_i));
  std::memset(m->lut_rdata_i.data(), 0x35, sizeof(m->lut_rdata_i));
  std::memset(m->param_rdata_i.data(), 0, sizeof(m->param_rdata_i));
  m->insn_valid_i = 0;
  Reset(*m);

  const std::vector<isa::Word> mix = Mix();
  size_t next = 0;
  uint64_t done = 0, busy = 0;
  double t0 = CpuSeconds();
  for (uint64_t c = 0; c < cycles; ++c) {
    m->insn_valid_i = 1;
    std::memcpy(m->insn_i.data(), mix[next].data(), isa::kWordBytes);
    m->eval();
    if (m->insn_ready_o) next = (next + 1) % mix.size();
    done += m->done_o;
    busy += m->busy_o;
    Tick(*m);
  }
  const double busy_s = CpuSeconds() - t0;
  m->insn_valid_i = 0;
  while (!m->idle_o) Tick(*m);
  t0 = CpuSeconds();
  for (uint64_t c = 0; c < cycles; ++c) Tick(*m);
  const double idle_s = CpuSeconds() - t0;
  m->final();

  std::printf("busy: %llu cycles (%llu busy, %llu instructions done), %.3f s CPU, %.0f cycles/s\n",
              static_cast<unsigned long long>(cycles), static_cast<unsigned long long>(busy),
              static_cast<unsigned long long>(done), busy_s, static_cast<double>(cycles) / busy_s);
  std::printf("idle: %llu cycles, %.3f s CPU, %.0f cycles/s\n",
              static_cast<unsigned long long>(cycles), idle_s,
              static_cast<double>(cycles) / idle_s);
  return done > 0 ? 0 : 1;
}

}  // namespace
}  // namespace aorta::verif

int main(int argc, char** argv) { return aorta::verif::Main(argc, argv); }
