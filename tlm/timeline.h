// A timeline of a TLM run as a Chrome trace-event / Perfetto JSON file (docs/studies.md,
// "Timelines"): `aorta run --backend tlm --timeline trace.json`, `aorta study --timeline`.
//
// One process per chip, one track (thread) per unit: DMA load, DMA store, matrix, vector, link
// rx, link tx, and the layers; an instruction is a complete event ("ph":"X") named
// "<OPCODE> <layer>", from when its unit starts on it (its issue, or the end of the queue's
// previous instruction when the queue still had one in flight: matrix passes pipeline) to its
// completion; so the events of a queue's tracks do not overlap and their lengths in cycles
// (args.cycles) add up to the queue's busy counter (LD_BUSY = DMA load + link rx, EX_BUSY =
// matrix + vector, ST_BUSY = DMA store + link tx). A layer event spans from the previous PERF
// barrier (or the run's start) to the layer's PERF. Counter clears and runs are instant events
// on the runs track. Times are microseconds of simulated time.
//
//   Timeline timeline(chips);
//   timeline.SetLayers(program);               // layer names by (chip, PERF tag)
//   tlm::BoardOptions options; options.observer = &timeline;
//   ... run ...
//   Check(timeline.Write("trace.json"));
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/program.h"
#include "core/status.h"
#include "tlm/chip.h"

namespace aorta::tlm {

// The tracks of a chip, in display order (the trace's thread ids are these + 1).
enum class Track : uint8_t {
  kDmaLoad,
  kDmaStore,
  kMatrix,
  kVector,
  kLinkRx,
  kLinkTx,
  kLayers,
  kRuns
};
inline constexpr int kNumTracks = 8;
const char* TrackName(Track t);

class Timeline : public ChipObserver {
 public:
  // The chips' configs (clock, and the name of each process).
  explicit Timeline(const std::vector<ChipConfig>& chips);

  // Layer names by (chip, PERF tag) from a program; instructions are named after the layer whose
  // PERF ends their part of the stream. Runs without PERF barriers (init streams) are "init".
  void SetLayers(const Program& program);

  struct Event {
    uint32_t chip = 0;
    Track track{};
    std::string name;
    uint64_t begin_ps = 0, end_ps = 0;  // end == begin: an instant
    uint64_t cycles = 0;                // (end - begin) in clock cycles, as the counters round
    uint32_t pc = 0;
    uint32_t run = 0;  // the chip's run number (from 1)
  };
  // The events so far, per chip in the order they were recorded (instruction names resolved).
  std::vector<Event> Events() const;
  // Busy cycles per queue (LD, EX, ST) of chip `chip` since its last counter clear: the sums of
  // its events' cycles (equal to LD_BUSY / EX_BUSY / ST_BUSY).
  std::array<uint64_t, 3> BusySinceClear(uint32_t chip) const;

  std::string ToJson() const;
  Status Write(const std::string& path) const;

  // ChipObserver
  void OnInstruction(uint32_t chip, isa::Queue queue, const isa::Insn& insn, uint32_t pc,
                     uint64_t issue_ps, uint64_t done_ps) override;
  void OnBarrier(uint32_t chip, const isa::Insn& insn, uint32_t pc, uint64_t at_ps) override;
  void OnRunStart(uint32_t chip, uint64_t at_ps) override;
  void OnRunEnd(uint32_t chip, uint64_t at_ps, bool error) override;
  void OnCountersCleared(uint32_t chip, uint64_t at_ps) override;

 private:
  struct Raw {
    Event event;
    std::string opcode;  // instructions: named when the run's PERF barriers are known
    int queue = -1;
  };
  struct Perf {
    uint32_t pc = 0, tag = 0;
    uint64_t at_ps = 0;
  };
  struct ChipLog {
    uint64_t period_ps = 1;
    std::string name;
    std::vector<Raw> events;
    std::map<uint32_t, std::vector<Perf>> perfs;  // by run
    std::map<uint32_t, uint64_t> run_start;       // by run
    uint32_t run = 0;
    std::array<uint64_t, 3> until{};  // end of each queue's last event
    size_t clear_index = 0;           // events from here on count since the last clear
  };
  uint64_t Cycles(const ChipLog& c, uint64_t ps) const;
  std::string LayerName(uint32_t chip, uint32_t run, uint32_t pc) const;

  std::vector<ChipLog> chips_;
  std::map<std::pair<uint32_t, uint32_t>, std::string> layers_;  // (chip, tag) -> name
};

}  // namespace aorta::tlm
