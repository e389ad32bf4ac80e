// The partitioner's search (docs/compiler.md, "Partitioning across chips"): the chip graph's
// layers in execution order, cut into contiguous pipeline stages, one per chip of a chain of
// linked chips.
//
// A stage [begin, end) costs, per inference, at the chip clock:
//   link_in + max(compute, streamed) + link_out
// where compute is the sum of its layers' estimated cycles (the code generator's cycle model,
// LayerSummary::est_cycles: the numbers the TLM model is calibrated against), streamed the cycles
// the weights beyond the chip's weight buffer take to load from board DRAM, and link_in / link_out
// the cycles every tensor crossing its cuts takes: the longer of its bytes over the link and its
// unified-buffer rows at one a cycle (the RECV / SEND: the link engine moves a row a cycle at most
// and reads a row from the unified buffer while the link earns the credit for it, so the two
// overlap; docs/rtl.md, "Link model"). The search
// minimises the slowest stage (the pipeline's throughput), then the bytes sent over links. Every
// tensor live across a cut crosses it, whether the next stage reads it or only forwards it (a
// residual block's shortcut through a stage inside the block, or a model input the first chip
// loads from the host and forwards to the slices of a split first layer). A `solo` item (one slice
// of a layer whose output channels are split over chips) is a stage on its own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace aorta::multichip {

// One layer of the chip graph (a node, in the code generator's order).
struct StageItem {
  std::string name;
  uint64_t cycles = 0;        // estimated cycles (0 for free layout changes)
  uint64_t weight_bytes = 0;  // weight-buffer bytes it pins
  bool layer = true;          // false: a free layout change (every stage needs a layer)
  bool solo = false;          // a stage on its own (a slice of an output-channel split)
};

// What crosses the cut before item i (cuts has items + 1 entries; 0 and items are the ends).
struct CutInfo {
  uint64_t bytes = 0;   // link bytes of every tensor live across the cut
  bool allowed = true;  // false: nothing may cut here (why_not says why)
  std::string why_not;
};

struct Resources {
  uint32_t chips = 1;                // stages wanted (chips of the chain)
  uint64_t weight_buffer_bytes = 0;  // per chip
  double link_bytes_per_cycle = 0;   // per link and direction, at the chip clock
  double ub_bytes_per_cycle = 0;     // a RECV / SEND's unified-buffer rows (N bytes a cycle,
                                     // overlapping the link's bytes); 0: not counted
  double dram_bytes_per_cycle = 0;   // board DRAM, at the chip clock
};

struct Stage {
  size_t begin = 0, end = 0;  // items [begin, end)
  uint64_t compute_cycles = 0;
  uint64_t weight_bytes = 0;
  uint64_t streamed_bytes = 0;  // weight bytes beyond the weight buffer
  uint64_t in_bytes = 0, out_bytes = 0;
  double cost = 0;  // cycles per inference (see above)
};

struct Plan {
  std::vector<Stage> stages;
  double slowest = 0, mean = 0;
  double balance = 1;  // mean / slowest: 1 is perfect
  uint64_t link_bytes = 0;
  uint64_t streamed_bytes = 0;
};

// Cost of the stage [begin, end) under `r`.
Stage StageCost(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                const Resources& r, size_t begin, size_t end);

// Cycles to add to the cost of stage [begin, end): what its compiled program was found to take
// beyond the estimate (the stage program of a range may differ from the sum of its layers).
using Measured = std::map<std::pair<size_t, size_t>, double>;

// The best plan into r.chips stages, each with at least one layer (fewer when the legal cuts allow
// no more, or there are fewer items than chips), each stage's cost corrected by `measured`. Fails
// naming the cause: no items, no chips, cuts of the wrong size, a multi-chip plan without link
// bandwidth, more solo items than chips.
Result<Plan> PlanStages(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                        const Resources& r, const Measured& measured = {});

// The plan whose stages start at items 0 and `starts` (ascending), with the costs above: a plan
// given by hand (BoardOptions::stage_starts). Fails naming the cut when one is not allowed, a
// stage has no layer or a solo item shares its stage.
Result<Plan> PlanAt(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                    const Resources& r, const std::vector<size_t>& starts);

}  // namespace aorta::multichip
