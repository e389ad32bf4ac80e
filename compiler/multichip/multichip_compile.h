// Compiling one model for a board of linked chips (docs/compiler.md, "Partitioning across
// chips"): `aorta compile MODEL.onnx --board BOARD.textproto`.
//
//   front end   graph passes, calibration, placement and quantization as for one chip
//   costs       the whole chip graph compiled once for the board's chip: every layer's estimated
//               cycles and pinned weight bytes (the code generator's cycle model)
//   plan        a chain of linked chips on the board; the layers cut into one pipeline stage per
//               chip (partitioner.h)
//   stages      each stage compiled as a one-chip program; the tensors crossing a cut become
//               SEND (producer chip, its link port towards the next chip) and RECV (consumer chip)
//               of the same UB rows, in the same order on both ends
//   program     one Program with a ChipProgram per stage; metadata "board.name" and
//               "board.links" ("0.1-1.0,1.1-2.0": chip.port pairs) tell the runtime how to wire
//               the chips (driver/runtime/pipeline.h)
//
// Layers whose weights do not fit the chip they land on are streamed from board DRAM by the code
// generator (as on one chip), and the stage table says how many bytes per inference.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/multichip/partitioner.h"
#include "core/config.h"
#include "core/program.h"
#include "core/status.h"

namespace aorta::multichip {

struct BoardOptions {
  uint32_t chips = 0;  // stages / chips to use; 0: every chip of the board
  // The layers that start stages 1, 2, ... (chip-graph node names; a split layer's slices are
  // "NODE/sliceJ"): the plan given by hand instead of searched. Empty: planned.
  std::vector<std::string> stage_starts;
};

// One row of the stage table.
struct StageReport {
  uint32_t chip = 0;        // program chip index (= position in the chain)
  uint32_t board_chip = 0;  // the board's chip index
  std::string chip_name;
  std::vector<std::string> layers;  // chip-graph nodes, execution order
  uint64_t weight_pinned = 0;       // WB bytes pinned by its init stream
  uint64_t weight_streamed = 0;     // WB + PARAM bytes streamed from DRAM per inference
  uint64_t est_cycles = 0;          // the code generator's estimate for its run stream
  uint64_t link_in_bytes = 0, link_out_bytes = 0;
  std::string link_out;  // "c.p->c.p" (board chips and ports), empty for the last stage
  // link_in + link_out bytes at the link bandwidth, less their unified-buffer rows (one a cycle),
  // which est_cycles counts for the RECV / SEND: a link transfer takes the longer of the two.
  double link_cycles = 0;
  double stage_cycles = 0;  // est_cycles + link_cycles
};

struct BoardReport {
  std::string board;
  std::vector<StageReport> stages;
  double slowest = 0, mean = 0, balance = 1;  // over stage_cycles; balance = mean / slowest
  uint64_t link_bytes = 0;                    // per inference, over every link
  uint64_t streamed_bytes = 0;                // per inference, over every chip
  uint64_t weight_bytes = 0;                  // the model's WB bytes
  uint64_t board_weight_capacity = 0;         // WB bytes of the chips used
  double clock_mhz = 0;
  // Cuts the plan avoids because a tensor crossing them is tiled through board DRAM on one end
  // ("before LAYER: why"), in the order they were found.
  std::vector<std::string> ruled_out_cuts;
  // Output-channel splits: each layer whose weights exceed a chip's weight buffer, split over
  // how many chips, or why not (then it streams).
  std::vector<std::string> split_notes;
  Plan plan;            // the partitioner's plan (its own cost estimate)
  CompileReport front;  // placement, warnings, quantization
};

struct BoardCompiled {
  Program program;
  BoardReport report;
};

// A chain of `count` chips of `board` joined by links, chip i's `out_port` to chip i+1's
// `in_port`. Fails naming the board when it has no such chain.
struct ChainLink {
  uint32_t chip = 0;
  uint32_t in_port = 0, out_port = 0;  // meaningless on the first / last chip
};
Result<std::vector<ChainLink>> FindChain(const BoardConfig& board, uint32_t count);

Result<BoardCompiled> CompileGraphForBoard(ir::Graph graph, const BoardConfig& board,
                                           const CompileOptions& options,
                                           const BoardOptions& board_options,
                                           BoardReport* report = nullptr);
Result<BoardCompiled> CompileOnnxFileForBoard(const std::string& path, const BoardConfig& board,
                                              const CompileOptions& options,
                                              const BoardOptions& board_options,
                                              BoardReport* report = nullptr);

// The stage table: chip, layers, weight bytes pinned / streamed, cycles, bytes over each link,
// and the balance.
std::string FormatStageTable(const BoardReport& report);

}  // namespace aorta::multichip
