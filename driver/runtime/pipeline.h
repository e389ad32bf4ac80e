// Multi-chip programs on N devices, requests pipelined through the chips (docs/runtime.md,
// "Pipelined multi-chip runs"; issue #7 item 5).
//
// A program compiled for a board (`aorta compile --board`) has one ChipProgram per pipeline
// stage: chip k RECVs its inputs from chip k-1, runs its layers and SENDs its results to chip
// k+1. The program's metadata names the links to wire ("board.links"), so any backend can be
// opened with them (BoardLinksOf). A Session runs such a program one request at a time; a
// Pipeline streams batch-1 requests through the chips with several in flight:
//
//   auto links = BoardLinksOf(program);
//   auto backend = MakeGoldenBackend(chips, *links);          // or tlm / rtl with the same links
//   auto pipe = Pipeline::Load(program, **backend, {.max_in_flight = 3});
//   std::future<Pipeline::Outcome> f = (*pipe)->Submit({{"input", x}});
//   std::vector<Pipeline::Outcome> all = (*pipe)->RunAll(requests);   // outcomes in order
//   PipelineReport r = (*pipe)->Report();   // per-chip utilization, throughput, latency
//
// Schedule. Request i runs on chip 0, then chip 1, ... in order, and every chip runs the
// requests in submission order. At most `max_in_flight` requests are between entering chip 0 and
// leaving the last chip. One worker thread drives the backend: it starts every chip that can
// start, then waits for the busy chip furthest down the chain (on timed backends a chip that
// ends earlier idles until then: the host's reaction to interrupts; the board still delivers one
// request per slowest stage). When chip k may start request i:
//   kStoreAndForward (default)  once chip k-1 has finished it (its link data sent) and chip k
//                               has finished request i-1: chip k works on request i while chip
//                               k+1 works on request i-1, and each run's CYCLES is the stage's
//                               own time (RECV finds its data). The link must hold a whole
//                               request's transfer: the golden and TLM channels are unbounded.
//   kStreaming                  once chip k-1 has started it: the runs of one request overlap
//                               on consecutive chips, which links with back-pressure and shallow
//                               FIFOs need (the rtl boards, verif/multichip). CYCLES then also
//                               counts the waits for link data: per-chip cycles and utilization
//                               are upper bounds; the elapsed time and throughput stay exact.
//
// Faults. A chip that fails a request (device error, or a timeout: the chip is reset) ends that
// request with the chip's error (kStreaming: the chips up the chain still on that request are
// waited for first, and the first of them that failed is named instead: a chip that stops
// answering starves the next one's RECVs; the chips down the chain still on it are reset); the
// requests before and after it are unaffected. The failed runs may have left
// link data unread or sent only part of theirs: from the LINK_TX_BYTES / LINK_RX_BYTES counters
// of the request's runs the runner knows what each link still holds of it and, before the
// receiving chip runs a later request, discards those bytes with a RECV stream, so the links
// stay in step. No call blocks longer than the timeout per chip run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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

struct PipelineOptions {
  enum class Handoff { kStoreAndForward, kStreaming };
  size_t max_in_flight = 4;                  // requests in the chips at once (>= 1)
  std::chrono::milliseconds timeout{60000};  // per chip and request
  Handoff handoff = Handoff::kStoreAndForward;
};

// One chip's share of the requests since Load / ResetReport.
struct PipelineChipStats {
  uint32_t chip = 0;
  std::vector<std::string> layers;                // the program's layers on this chip
  uint64_t runs = 0;                              // requests it finished
  uint64_t failures = 0;                          // requests it failed
  uint64_t busy_cycles = 0;                       // CYCLES summed over its runs (0 on golden)
  uint64_t macs = 0;                              // MACS + VEC_MACS over its runs
  uint64_t link_tx_bytes = 0, link_rx_bytes = 0;  // over its runs
  double stage_cycles = 0;                        // busy_cycles / runs
  double utilization = 0;                         // busy_cycles / elapsed_cycles
};

struct PipelineReport {
  std::string backend;
  std::string model;
  uint32_t chips = 0;
  size_t max_in_flight = 0;
  double clock_mhz = 0;
  uint64_t requests = 0;  // finished with outputs
  uint64_t failed = 0;    // ended with an error
  std::vector<PipelineChipStats> chip;
  // Device time of the board while requests ran (cycles of the config clock; simulating
  // backends: the simulated time the runner waited for, summed; 0 on golden).
  uint64_t elapsed_cycles = 0;
  double slowest_stage_cycles = 0;  // max over chips of stage_cycles
  uint32_t slowest_chip = 0;
  double stage_throughput = 0;     // requests / s at the config clock: 1 / slowest stage
  double measured_throughput = 0;  // requests / s at the config clock: requests / elapsed_cycles
  double latency_cycles = 0;       // batch-1: mean over requests of the sum over chips of CYCLES
  double latency_us = 0;           // latency_cycles at the config clock
  double wall_s = 0;               // host time from the first request's start to the last's end
  double wall_throughput = 0;      // requests / wall_s (the host's, with the model's execution)
  // JSON: every field above; chips as a list of objects with the PipelineChipStats fields.
  std::string ToJson() const;
};

// The per-chip table (chip, layers, runs, cycles per request, utilization, link bytes per
// request) and the throughput / latency lines, as `aorta run` and `aorta bench` print them.
std::string FormatPipelineTable(const PipelineReport& report);

class Pipeline {
 public:
  struct Outcome {
    Result<TensorMap> outputs;
    // The request's report when outputs are ok: layers of every chip in chip order, counters
    // summed over chips, cycles = sum over chips of CYCLES (the request's device time through
    // the chain), latency_us at the config clock, wall_s from its start on chip 0 to its end.
    RunReport report;
    uint64_t ticket = 0;  // 1, 2, ... in submission order
  };
  using Callback = std::function<void(Outcome)>;

  // Loads the program (Session::Load: fingerprints, weights, init streams) and checks that it can
  // be pipelined: chip-only (no host ops), every chip RECVs on at most one link port and SENDs on
  // at most one, each of those ports wired by the program's board.links to an earlier / a later
  // chip that SENDs / RECVs as many bytes per request.
  static Result<std::unique_ptr<Pipeline>> Load(const Program& program, Backend& backend,
                                                PipelineOptions options);
  static Result<std::unique_ptr<Pipeline>> Load(const Program& program, Backend& backend) {
    return Load(program, backend, PipelineOptions{});
  }
  ~Pipeline();  // finishes every request submitted
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Queues a request; blocks while max_in_flight requests already wait to enter the chips.
  // Outcomes come in submission order (futures become ready, callbacks run on the worker thread
  // in that order). Thread-safe.
  std::future<Outcome> Submit(TensorMap inputs);
  uint64_t Submit(TensorMap inputs, Callback done);
  // Streams every request through the chips (queued at once, without Submit's back-pressure);
  // one outcome per request, in order.
  std::vector<Outcome> RunAll(std::vector<TensorMap> requests);
  // Blocks until every request submitted so far has its outcome.
  void Drain();

  // Figures over the requests since Load or the last ResetReport (call after Drain for a window
  // with nothing in flight).
  PipelineReport Report() const;
  void ResetReport();
  const Program& program() const { return session_->program(); }

 private:
  struct Request;
  struct ChipPlan {
    int rx_port = -1, tx_port = -1;  // the link ports it RECVs / SENDs on (-1: none)
    uint64_t rx_bytes = 0;           // per request
    int source = -1, dest = -1;      // the chips at the other end of those ports
  };
  struct Stats {
    std::vector<PipelineChipStats> chip;
    uint64_t requests = 0, failed = 0;
    double latency_cycles_sum = 0;
    uint64_t sim_base = 0, sim_now = 0;
    bool started = false;
    std::chrono::steady_clock::time_point first_start, last_end;
  };

  Pipeline(std::unique_ptr<Session> session, PipelineOptions options, std::vector<ChipPlan> plan);
  uint64_t Enqueue(TensorMap inputs, Callback done);
  void Worker();
  // Worker thread only.
  void StartReady();
  void Start(size_t chip, Request& r);
  void Complete(size_t chip);
  // Chip `chip`'s run of r ended (ok or not): its link counters into r.
  void NoteLinks(size_t chip, Request& r);
  // r failed on `chip`: waits for the chips before it still running r (and names the first that
  // failed), resets those after it, then queues the discards of what the links hold of r.
  void Fail(size_t chip, Request& r, Status error);
  Status Discard(size_t chip, uint64_t before_ticket);
  void Deliver();
  void NoteSimulatedTime();

  std::unique_ptr<Session> session_;
  Backend& backend_;
  const PipelineOptions options_;
  const std::vector<ChipPlan> plan_;

  // Submissions (mu_).
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Request>> pending_;
  uint64_t next_ticket_ = 1;
  uint64_t delivered_ = 0;
  bool stop_ = false;
  Stats stats_;  // also mu_

  // The worker's state.
  std::deque<std::unique_ptr<Request>> in_flight_;  // ticket order
  std::vector<Request*> running_;                   // per chip: the request it runs, or null
  std::vector<size_t> segment_;                     // per chip: the run segment it runs
  // Per chip: link bytes to discard from its input link, as (ticket of the failed request, bytes),
  // before it runs a later request.
  std::vector<std::deque<std::pair<uint64_t, uint64_t>>> discard_;
  std::thread worker_;
};

}  // namespace aorta::runtime
