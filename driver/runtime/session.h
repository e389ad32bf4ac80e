// The runtime: a program loaded onto a backend's devices, run inference after inference.
//
//   auto backend = MakeGoldenBackend({config});
//   auto session = Session::Load(program, **backend);   // checks fingerprints, writes weights,
//                                                      // runs the init stream once
//   auto outputs = session->Run({{"input", tensor}}, &report);
//
// Everything goes through the device contract: registers, DMA from host memory, interrupts.
// A device error or timeout soft-resets the device and returns a Status naming the error code,
// the faulting instruction (disassembled) and the address; the loaded program stays usable.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aorta/regs_gen.h"
#include "core/io/tensor.h"
#include "core/program.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/host_ops.h"

namespace aorta::runtime {

using Counters = std::array<uint64_t, regs::kNumCounters>;

struct LayerReport {
  std::string name;
  std::string op_type;
  bool host = false;     // a host op (run on the CPU between run segments): wall_s, no counters
  double wall_s = 0;     // host ops: the time the CPU took
  uint32_t segment = 0;  // chip layers: their run segment; host ops: the segment they follow
  uint32_t chip = 0;
  uint64_t macs = 0;       // from the program's metadata
  Counters counters{};     // what the device counted for this layer
  double utilization = 0;  // MACS / (CYCLES * N * N), 0 when the backend counts no cycles
};

struct RunReport {
  std::string backend;
  std::string model;
  uint32_t array_n = 0;
  double clock_mhz = 0;
  Counters counters{};  // summed over chips and segments
  uint64_t cycles = 0;  // max over chips of CYCLES
  uint64_t macs = 0;
  double mac_utilization = 0;
  double latency_us = 0;  // cycles at the config clock
  double wall_s = 0;
  std::vector<LayerReport> layers;

  double host_wall_s = 0;  // summed over host ops
  // The calling thread's CPU time in Run outside the run segments (which program the device,
  // ring it and wait, and where the golden model executes and the rtl model simulates): inputs
  // quantized and written, host ops, outputs read and dequantized, counters and PERF records
  // read. The runtime's own cost per inference around the device.
  double runtime_cpu_s = 0;
  // The report as JSON (keys: backend, model, cycles, macs, mac_utilization, latency_us, wall_s,
  // host_wall_s, runtime_cpu_s, counters{}, layers[{name, op_type, host, segment, cycles, macs,
  // utilization, and chip, device_macs, counters{} (chip layers) or wall_s (host ops: cycles 0)}]);
  // layers in execution order, host ops between segments.
  std::string ToJson() const;
};

using TensorMap = std::map<std::string, Tensor>;

class Session {
 public:
  struct Options {
    std::chrono::milliseconds timeout{60000};  // per segment and chip
  };

  // Loads `program` (the session keeps a copy).
  static Result<std::unique_ptr<Session>> Load(const Program& program, Backend& backend,
                                               Options options);
  static Result<std::unique_ptr<Session>> Load(const Program& program, Backend& backend) {
    return Load(program, backend, Options{});
  }
  // Loads `program` without copying it (its weights may be hundreds of MB): the session shares
  // it and keeps it alive. Callers that hold a program they will not change use this one.
  static Result<std::unique_ptr<Session>> Load(std::shared_ptr<const Program> program,
                                               Backend& backend, Options options);
  static Result<std::unique_ptr<Session>> Load(std::shared_ptr<const Program> program,
                                               Backend& backend) {
    return Load(std::move(program), backend, Options{});
  }
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs one inference. `inputs` by binding name (float tensors of the binding's shape). Run
  // segment k runs on every chip, then the host ops with after_segment == k: their inputs read
  // (dequantized) from the bindings the chip stored (or the caller's inputs), their outputs
  // written (quantized) to the bindings of that name for the next segment.
  // Thread-safe: calls from several threads run one after the other (the session holds one
  // set of device buffers); async.h queues them without blocking the caller.
  Result<TensorMap> Run(const TensorMap& inputs, RunReport* report = nullptr);

  // The current contents of a binding of this program (e.g. an intermediate, or a probe of
  // `aorta compile --report`), as a float tensor.
  Result<Tensor> ReadTensor(const program::TensorBinding& b) {
    std::lock_guard<std::mutex> lock(run_mu_);
    return ReadBinding(b);
  }

  const Program& program() const { return *program_; }
  Backend& backend() { return backend_; }
  const Options& options() const { return options_; }

  // Per-chip steps, for runners that schedule the chips themselves (pipeline.h streams requests
  // through the chips of a multi-chip program). Not synchronized with Run or with each other:
  // a caller that uses them drives the session from one thread and does not call Run.
  //
  // Writes the caller's inputs bound on `chip` (every input when `chip` is nullopt); checks that
  // every program input is given and every given name is an input.
  Status WriteInputs(const TensorMap& inputs, std::optional<uint32_t> chip = std::nullopt);
  // Reads the outputs bound on `chip` (every output when nullopt) into `outputs`.
  Status ReadOutputs(TensorMap& outputs, std::optional<uint32_t> chip = std::nullopt);
  // Rings chip `chip` for run segment `segment` (counters zeroed first if `clear_counters`).
  void StartSegment(size_t chip, size_t segment, bool clear_counters);
  // Waits for chip `chip` to end run segment `segment`: Ok on DONE; otherwise the error (timeout,
  // device error with the faulting instruction) naming the chip and segment, the chip reset.
  Status FinishSegment(size_t chip, size_t segment);
  // Rings chip `chip` for an instruction stream at device address `stream.first`, of
  // `stream.second` words.
  void StartStream(size_t chip, std::pair<uint64_t, uint32_t> stream);
  // Waits for chip `chip` to end the stream `words` it runs: as FinishSegment, the error
  // prefixed with `what`.
  Status FinishStream(size_t chip, const std::string& what, std::span<const uint8_t> words);
  // Chip `chip`'s counters and its layers' counters from its PERF records (after a run).
  Status ReadChipReport(size_t chip, Counters& counters, std::vector<LayerReport>& layers);
  size_t num_chips() const { return chips_.size(); }
  size_t num_segments() const { return chips_.empty() ? 0 : chips_[0].segments.size(); }

 private:
  struct ChipState {
    std::vector<HostMemory::Buffer> host_buffers;  // allocated from the backend's host memory
    std::map<std::string, std::pair<uint64_t, uint64_t>>
        buffer_addr;                                      // name -> (device address, size)
    std::map<std::string, std::span<uint8_t>> host_view;  // host buffers by name
    std::vector<std::pair<uint64_t, uint32_t>> segments;  // (device address, instruction count)
    std::pair<uint64_t, uint32_t> init{0, 0};
    const program::Buffer* perf = nullptr;
  };

  Session(std::shared_ptr<const Program> program, Backend& backend, Options options);
  Status Setup();
  Status RunSegment(size_t segment);
  Status WriteBinding(const program::TensorBinding& b, const Tensor& t);
  Result<Tensor> ReadBinding(const program::TensorBinding& b);
  Result<std::vector<uint8_t>> ReadBuffer(uint32_t chip, const std::string& name, uint64_t offset,
                                          uint64_t bytes);
  Status WriteBuffer(uint32_t chip, const std::string& name, uint64_t offset,
                     std::span<const uint8_t> bytes);
  Counters ReadCounters(size_t chip);
  // The host ops after segment `segment`: records their wall time in `host_reports`.
  Status RunHostOps(size_t segment, TensorMap& values, std::vector<LayerReport>& host_reports);

  std::shared_ptr<const Program> program_;  // never null
  Backend& backend_;
  Options options_;
  std::vector<ChipState> chips_;
  std::vector<HostMemory::Buffer> owned_;
  std::vector<std::unique_ptr<HostOpRunner>> host_ops_;
  std::mutex run_mu_;  // one Run / ReadTensor at a time
};

}  // namespace aorta::runtime
