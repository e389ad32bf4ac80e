// The partitioner's search (docs/compiler.md, "Partitioning across chips"): the chip graph's
// layers in execution order, cut into contiguous pipeline stages, one per chip of a chain of
// linked chips.
//
// A stage [begin, end) costs, per inference, at the chip clock:
//   link_in + max(compute, streamed) + link_out
// where compute is the sum of its layers' estimated cycles (the code generator's cycle model,
// LayerSummary::est_cycles: the numbers the TLM model is calibrated against), streamed the cycles
// the weights beyond the chip's weight buffer take to load from board DRAM, and link_in / link_out
// the cycles the tensors crossing its cuts take over the link. The search minimises the slowest
// stage (the pipeline's throughput), then the bytes sent over links. A cut is legal only where
// every tensor live across it is read by the very next stage (no tensor is forwarded through a
// chip) and no model input is live.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace aorta::multichip {

// One layer of the chip graph (a node, in the code generator's order).
struct StageItem {
  std::string name;
  uint64_t cycles = 0;        // estimated cycles (0 for free layout changes)
  uint64_t weight_bytes = 0;  // weight-buffer bytes it pins
  bool layer = true;          // false: a free layout change (every stage needs a layer)
};

// What crosses the cut before item i (cuts has items + 1 entries; 0 and items are the ends).
struct CutInfo {
  uint64_t bytes = 0;            // link bytes of every tensor live across the cut
  size_t earliest_producer = 0;  // lowest item index producing one of those tensors
  bool allowed = true;           // false: nothing may cut here (why_not says why)
  std::string why_not;
};

struct Resources {
  uint32_t chips = 1;                // stages wanted (chips of the chain)
  uint64_t weight_buffer_bytes = 0;  // per chip
  double link_bytes_per_cycle = 0;   // per link and direction, at the chip clock
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

// The best plan into r.chips stages, each with at least one layer (fewer when the legal cuts allow
// no more, or there are fewer items than chips). Fails naming the cause: no items, no chips, cuts
// of the wrong size, a multi-chip plan without link bandwidth.
Result<Plan> PlanStages(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                        const Resources& r);

}  // namespace aorta::multichip
