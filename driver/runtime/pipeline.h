// Multi-chip programs on N devices (docs/runtime.md, "Multi-chip pipelines").
//
// A program compiled for a board (`aorta compile --board`) has one ChipProgram per pipeline
// stage: chip k RECVs its inputs from chip k-1, runs its layers and SENDs its results to chip
// k+1. The program's metadata names the links to wire ("board.links"), so any backend can be
// opened with them (BoardLinksOf).
//
// Pipeline streams batch-1 requests through the chips with several in flight: chip k works on
// request i while chip k+1 works on request i-1. Each chip is its own Session (session.h) over a
// one-device view of the backend, driven by its own thread, so every chip starts its next request
// as soon as it has finished the last one; the link FIFOs carry the tensors between them. Every
// call into the backend holds one lock, so backends that are not thread-safe (the RTL and TLM
// simulators) are driven one call at a time, and a chip waiting for its IRQ advances the whole
// board in short slices.
//
//   auto links = BoardLinksOf(program);
//   auto backend = MakeGoldenBackend(chip_configs, *links);
//   auto pipe = Pipeline::Load(program, **backend);
//   auto outputs = (*pipe)->RunAll(requests, &report);   // outputs[i] for requests[i]
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/program.h"
#include "core/status.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta::runtime {

inline constexpr char kBoardNameKey[] = "board.name";
inline constexpr char kBoardLinksKey[] = "board.links";

// "0.1-1.0,1.1-2.0": chip_a.port_a-chip_b.port_b, comma-separated.
std::string FormatBoardLinks(const std::vector<config::BoardLink>& links);
Result<std::vector<config::BoardLink>> ParseBoardLinks(const std::string& text);
// The links a program's chips need (none for a one-chip program or one without the key).
Result<std::vector<config::BoardLink>> BoardLinksOf(const Program& program);

// One chip's share of a pipelined batch.
struct ChipUtilization {
  uint32_t chip = 0;
  uint64_t requests = 0;
  uint64_t busy_cycles = 0;    // CYCLES summed over its requests (0 on backends without cycles)
  uint64_t macs = 0;           // MACS summed over its requests
  double mac_utilization = 0;  // macs / (busy_cycles * N * N)
  double busy_wall_s = 0;      // wall time its requests took, start to IRQ
  // busy_cycles / the slowest chip's busy_cycles (by busy_wall_s without cycles): 1 on the
  // bottleneck chip.
  double share_of_slowest = 0;
};

struct PipelineReport {
  std::string backend;
  uint32_t chips = 0;
  uint64_t requests = 0;
  uint32_t in_flight_limit = 0;
  uint32_t peak_in_flight = 0;  // most requests started on chip 0 but not finished on the last
  double wall_s = 0;
  std::vector<ChipUtilization> per_chip;
  // The table `aorta run` / `aorta bench` print, and the same as JSON.
  std::string ToString() const;
  std::string ToJson() const;
};

class Pipeline {
 public:
  struct Options {
    uint32_t in_flight = 0;                    // requests in flight at most; 0: one per chip
    std::chrono::milliseconds timeout{60000};  // per request and chip
  };

  // Loads every chip of `program` onto devices 0..n-1 of `backend` (the links already wired as
  // BoardLinksOf says).
  static Result<std::unique_ptr<Pipeline>> Load(const Program& program, Backend& backend,
                                                Options options);
  static Result<std::unique_ptr<Pipeline>> Load(const Program& program, Backend& backend) {
    return Load(program, backend, Options{});
  }
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Streams `requests` through the chips, several in flight; outputs[i] belongs to requests[i].
  // A device error ends the batch with a Status naming the chip and the request.
  Result<std::vector<TensorMap>> RunAll(const std::vector<TensorMap>& requests,
                                        PipelineReport* report = nullptr);
  // One request through the whole pipeline (nothing else in flight).
  Result<TensorMap> Run(const TensorMap& inputs) {
    AORTA_ASSIGN_OR_RETURN(std::vector<TensorMap> out, RunAll({inputs}));
    return std::move(out[0]);
  }

  size_t chips() const { return stages_.size(); }

  struct Shared;  // the board lock and the failure flag (pipeline.cc)

 private:
  class ChipView;
  Pipeline(const Program& program, Backend& backend, Options options);

  Program program_;
  Backend& backend_;
  Options options_;
  std::unique_ptr<Shared> shared_;
  std::vector<std::unique_ptr<ChipView>> views_;
  std::vector<std::unique_ptr<Session>> stages_;
  std::vector<std::vector<std::string>> stage_inputs_;  // model inputs bound on each chip
};

}  // namespace aorta::runtime
