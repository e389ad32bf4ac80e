// aorta bench PROGRAM.aprog: batch-1 latency at the config clock and the host-side overhead per
// inference, over many inferences (docs/runtime.md, figures in docs/perf.md).
//
// Per inference:
//   device      the run's CYCLES counter (max over chips) at the config clock;
//   pcie        every byte the run moved across the host window (instruction fetch: the FETCH
//               counter; DMA reads and writes of buffers in host memory: the rows of the run
//               streams' DMA_LOAD / DMA_STORE and PERF records on host slots — the DMA_RD / DMA_WR
//               counters also count board DRAM, which does not cross PCIe) over the config's PCIe
//               link (generation x lanes, after line encoding), not overlapped with compute: an
//               upper bound of what the transfers add;
//   latency     device + pcie;
//   wall        the host's time for Session::Run (inputs packed, streams submitted, waited,
//               outputs unpacked);
//   simulation  the part of wall a simulating backend spent simulating (rtl), and
//   overhead    wall - simulation: the runtime's own cost (for golden and tlm, whose devices
//               execute inside register accesses, wall includes the model's execution);
//   host CPU    the process's CPU time for Session::Run (all threads: the device model's
//               execution included), and
//   runtime CPU the calling thread's CPU time in Session::Run outside the run segments
//               (RunReport::runtime_cpu_s: inputs quantized and written, outputs read and
//               dequantized, counters and PERF records read): the runtime's own cost around
//               the device. CPU times suffer less than wall times from a loaded machine.
//
// A multi-chip program is streamed through its chips (driver/runtime/pipeline.h, at most
// --in-flight requests at once): per request its device cycles summed over the chips (the
// batch-1 latency through the chain), then the per-chip table with the utilization and the
// throughput (1 / slowest stage, and measured from the device cycles the requests took).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <numeric>
#include <set>

#include "cli/commands.h"
#include "cli/program_backend.h"
#include "cli/tensor_files.h"
#include "core/isa/isa.h"
#include "core/program.h"
#include "driver/runtime/pcie_backend.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/session.h"
#include "driver/runtime/uri.h"

namespace aorta::cli {
namespace {

struct BenchArgs {
  std::string program;
  std::string backend = "golden";
  std::string device;
  std::vector<std::string> inputs;
  int iterations = 20;
  int warmup = 1;
  int timeout_ms = 600000;
  int in_flight = 4;  // multi-chip programs: requests in the chips at once
};

struct Stats {
  double mean = 0, p50 = 0, p99 = 0;
};

// CPU time of the whole process (every thread: the rtl backend simulates on the caller's
// thread, the tlm backend on SystemC's), in seconds.
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Nearest-rank percentiles.
Stats StatsOf(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  auto rank = [&](double p) {
    size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(k, 1, v.size()) - 1];
  };
  s.p50 = rank(0.50);
  s.p99 = rank(0.99);
  return s;
}

// Deterministic inputs of the bindings' shapes: values do not change the latency of a program
// (it has no data-dependent control flow), so any in-range values do.
TensorMap SyntheticInputs(const Program& p) {
  TensorMap m;
  for (const auto& b : p.inputs()) {
    Shape shape(b.shape().begin(), b.shape().end());
    std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<float>(static_cast<int>((i * 37) % 255) - 127) / 128.0f;
    m[b.name()] = Tensor::FromVector<float>(shape, v);
  }
  return m;
}

void Row(const char* what, const std::vector<double>& v, int digits) {
  Stats s = StatsOf(v);
  fmt::print("  {:<34} {:>12.{}f} {:>12.{}f} {:>12.{}f}\n", what, s.mean, digits, s.p50, digits,
             s.p99, digits);
}

// A multi-chip program: warm-up requests, then --iterations requests streamed through the chips.
void BenchPipelined(const BenchArgs& a, const Program& p, runtime::Backend& backend,
                    const TensorMap& inputs, const std::string& uri) {
  if (a.in_flight < 1) Fail(InvalidArgument("--in-flight must be at least 1"));
  runtime::PipelineOptions o;
  o.max_in_flight = static_cast<size_t>(a.in_flight);
  o.timeout = std::chrono::milliseconds(a.timeout_ms);
  const auto load0 = std::chrono::steady_clock::now();
  auto pipe = Check(runtime::Pipeline::Load(p, backend, o));
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load0).count();
  for (auto& w : pipe->RunAll(std::vector<TensorMap>(static_cast<size_t>(a.warmup), inputs)))
    Check(w.outputs.status().WithContext("warm-up"));
  pipe->ResetReport();
  const double cpu0 = ProcessCpuSeconds();
  std::vector<runtime::Pipeline::Outcome> outcomes =
      pipe->RunAll(std::vector<TensorMap>(static_cast<size_t>(a.iterations), inputs));
  const double cpu = ProcessCpuSeconds() - cpu0;
  std::vector<double> cycles, latency_us, wall_us;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    Check(outcomes[i].outputs.status().WithContext(fmt::format("request {}", i + 1)));
    cycles.push_back(static_cast<double>(outcomes[i].report.cycles));
    latency_us.push_back(outcomes[i].report.latency_us);
    wall_us.push_back(outcomes[i].report.wall_s * 1e6);
  }
  const ChipConfig& cfg = p.chips(0).config();
  fmt::print(
      "bench {} on {} ({} chips of {}: {}x{} array, {} MHz), {} requests pipelined (at most {} in "
      "flight) after {} warm-up; load {:.3f} s\n",
      p.model_name(), uri, p.chips_size(), cfg.name(), cfg.array_rows(), cfg.array_cols(),
      cfg.clock_mhz(), a.iterations, a.in_flight, a.warmup, load_s);
  fmt::print("  {:<34} {:>12} {:>12} {:>12}\n", "per request", "mean", "p50", "p99");
  Row("device cycles (sum over chips)", cycles, 0);
  Row("batch-1 latency (us, config clock)", latency_us, 2);
  Row("host wall, chip 0 to last (us)", wall_us, 1);
  fmt::print("  host CPU per request (us): {:.1f}\n", cpu * 1e6 / a.iterations);
  fmt::print("{}", runtime::FormatPipelineTable(pipe->Report()));
}

// Bytes the run streams' DMA and PERF instructions move to and from buffers in host memory (one
// chip): the streams are straight-line code, so this is exact per inference.
uint64_t HostDmaBytes(const program::ChipProgram& chip) {
  std::set<uint32_t> host;
  for (const program::Buffer& b : chip.buffers())
    if (b.location() == program::LOCATION_HOST) host.insert(b.slot());
  uint64_t bytes = 0;
  for (const std::string& seg : chip.run_segments()) {
    const auto* data = reinterpret_cast<const uint8_t*>(seg.data());
    for (const isa::Insn& insn : Check(isa::DecodeStream({data, seg.size()}))) {
      if (const auto* l = std::get_if<isa::DmaLoad>(&insn); l && host.contains(l->slot))
        bytes += uint64_t{l->rows} * l->row_bytes;
      if (const auto* t = std::get_if<isa::DmaStore>(&insn); t && host.contains(t->slot))
        bytes += uint64_t{t->rows} * t->row_bytes;
      if (const auto* f = std::get_if<isa::Perf>(&insn); f && host.contains(f->slot))
        bytes += regs::kSnapshotBytes;
    }
  }
  return bytes;
}

void Bench(const BenchArgs& a) {
  if (a.iterations < 1) Fail(InvalidArgument("--iterations must be at least 1"));
  // Shared with the session (a program is not copied: its weights may be hundreds of MB).
  const auto shared = std::make_shared<const Program>(Check(ReadProgram(a.program)));
  const Program& p = *shared;
  TensorMap inputs;
  if (a.inputs.empty()) {
    inputs = SyntheticInputs(p);
  } else {
    std::vector<InputSpec> specs;
    for (const auto& b : p.inputs())
      specs.push_back({b.name(), Shape(b.shape().begin(), b.shape().end())});
    const std::map<std::string, std::string> metadata(p.metadata().begin(), p.metadata().end());
    inputs = Check(LoadInputs(a.inputs, specs, Check(ImageInputOf(metadata))));
  }
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  const std::string uri = a.device.empty() ? runtime::DefaultUri(a.backend) : a.device;
  std::unique_ptr<runtime::Backend> backend = OpenProgramBackend(a.backend, a.device, p);
  if (p.chips_size() > 1) return BenchPipelined(a, p, *backend, inputs, uri);
  runtime::Session::Options opts;
  opts.timeout = std::chrono::milliseconds(a.timeout_ms);
  const auto load0 = std::chrono::steady_clock::now();
  std::unique_ptr<runtime::Session> session = Check(runtime::Session::Load(shared, *backend, opts));
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load0).count();

  const ChipConfig& cfg = chips.at(0);
  const uint32_t gen = cfg.pcie().generation(), lanes = cfg.pcie().lanes();
  auto ctr = [](const runtime::RunReport& r, regs::Counter c) {
    return r.counters[static_cast<uint32_t>(c)];
  };
  std::vector<double> cycles, device_us, pcie_us, latency_us, wall_us, sim_us, overhead_us, cpu_us,
      runtime_cpu_us;
  uint64_t bytes = 0;
  const uint64_t host_dma_bytes = HostDmaBytes(p.chips(0));
  for (int i = 0; i < a.warmup + a.iterations; ++i) {
    runtime::RunReport r;
    const double sim0 = backend->simulation_seconds();
    const double cpu0 = ProcessCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    Check(session->Run(inputs, &r).status());
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = ProcessCpuSeconds() - cpu0;
    const double sim = backend->simulation_seconds() - sim0;
    if (i < a.warmup) continue;
    bytes = ctr(r, regs::Counter::kFetchBytes) + host_dma_bytes;
    const double pcie = Check(runtime::PcieTransferUs(gen, lanes, bytes));
    cycles.push_back(static_cast<double>(r.cycles));
    device_us.push_back(r.latency_us);
    pcie_us.push_back(pcie);
    latency_us.push_back(r.latency_us + pcie);
    wall_us.push_back(wall * 1e6);
    sim_us.push_back(sim * 1e6);
    overhead_us.push_back((wall - sim) * 1e6);
    cpu_us.push_back(cpu * 1e6);
    runtime_cpu_us.push_back(r.runtime_cpu_s * 1e6);
  }
  fmt::print(
      "bench {} on {} ({}: {}x{} array, {} MHz, PCIe gen{} x{}), {} inferences after {} "
      "warm-up; load {:.3f} s\n",
      p.model_name(), uri, cfg.name(), cfg.array_rows(), cfg.array_cols(), cfg.clock_mhz(), gen,
      lanes, a.iterations, a.warmup, load_s);
  fmt::print("  {:<34} {:>12} {:>12} {:>12}\n", "per inference", "mean", "p50", "p99");
  const auto row = Row;
  row("device cycles", cycles, 0);
  row("device time (us, config clock)", device_us, 2);
  row("PCIe transfers (us, modelled)", pcie_us, 2);
  row("batch-1 latency (us)", latency_us, 2);
  row("host wall (us)", wall_us, 1);
  if (backend->simulated_cycles() > 0) row("of which simulation (us)", sim_us, 1);
  row("host overhead (us, wall - sim.)", overhead_us, 1);
  row("host CPU (us)", cpu_us, 1);
  row("runtime CPU around the device (us)", runtime_cpu_us, 1);
  fmt::print("  bytes across the host window per inference: {}\n", bytes);
  if (cycles.front() == 0)
    fmt::print("  (the {} backend counts no cycles: device time and latency need tlm or rtl)\n",
               backend->name());
}

}  // namespace

void RegisterBenchCommand(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Measure batch-1 latency (device cycles + modelled PCIe) and host overhead");
  sub->add_option("program", args->program, "Program file (.aprog)")->required();
  sub->add_option("--backend", args->backend, "golden, tlm, rtl or pcie (/dev/aorta0)")
      ->check(CLI::IsMember({"golden", "tlm", "rtl", "pcie"}));
  sub->add_option("--device", args->device,
                  "Device URI (overrides --backend): golden://, tlm://, rtl://, "
                  "pcie:///dev/aorta0, pcie+emu://golden (docs/runtime.md)");
  sub->add_option("--input", args->inputs,
                  "Input file(s) as for aorta run (default: deterministic synthetic values)");
  sub->add_option("--iterations", args->iterations, "Inferences measured (default 20)");
  sub->add_option("--warmup", args->warmup, "Inferences run first and not measured (default 1)");
  sub->add_option("--in-flight", args->in_flight,
                  "Multi-chip programs: at most K requests in the chips at once (default 4)");
  sub->add_option("--timeout-ms", args->timeout_ms,
                  "Give up on a device after this many milliseconds");
  sub->callback([args] { Bench(*args); });
}

}  // namespace aorta::cli
