// Architecture studies on the TLM model (docs/studies.md): a sweep (tlm/study.proto) expanded
// into points, each a board (chips and links derived from the base config by setting field
// paths) and a model; the results table as CSV; the plots with gnuplot.
//
//   Result<Sweep> sweep = LoadSweep("models/studies/array_size.textproto");
//   Result<std::vector<StudyPoint>> points = ExpandSweep(*sweep, "models/studies");
//
// Running the points (compile, TLM run, worker pool) is tlm/study_runner.h.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "tlm/study.pb.h"

namespace aorta::study {

// Parses a sweep .textproto; errors name the file (and line, from the text-format parser).
Result<Sweep> LoadSweep(const std::string& path);
Result<Sweep> ParseSweep(const std::string& text, const std::string& origin);

// Sets `path` ("array_rows", "dram.bandwidth_gbps") of a ChipConfig to `value` (text-format
// scalar). Errors name the path, the message type and the value: an unknown field (with the
// fields that exist), a message or repeated field, a value that is not of the field's type.
Status SetChipField(ChipConfig& config, const std::string& path, const std::string& value);

// A board of `n` copies of `chip` linked in a chain (chip i port 1 to chip i+1 port 0) closed
// into a ring when n > 2 and the chips have the ports; n = 1: the chip alone.
Result<BoardConfig> RingBoard(const ChipConfig& chip, uint32_t n);

struct StudyPoint {
  size_t index = 0;
  size_t model = 0;  // index into Sweep::models
  std::string model_name;
  // (axis name, value label) for every axis, in axis order.
  std::vector<std::pair<std::string, std::string>> settings;
  BoardConfig board;  // validated chips and links
  uint32_t num_chips() const { return static_cast<uint32_t>(board.chips_size()); }
  const ChipConfig& chip(size_t i = 0) const { return board.chips(static_cast<int>(i)).config(); }
  // "resnet50 array=16 dram.bandwidth_gbps=12.8"
  std::string Label() const;
};

// Every model times the Cartesian product of the axes (models outermost, the last axis
// fastest). `base_dir` resolves relative paths of the sweep (chip, board, models). Each point's
// configs are validated; an error names the point's settings and the field.
Result<std::vector<StudyPoint>> ExpandSweep(const Sweep& sweep, const std::string& base_dir);

// The name of model `i` of the sweep (StudyModel::name, else file stem / synthetic name).
std::string ModelName(const StudyModel& m);

// What one point measured (tlm/study_runner.h fills it).
struct PointResult {
  bool ok = false;
  std::string error;    // why the point failed (compile or run), when !ok
  uint64_t cycles = 0;  // batch-1 latency: CYCLES of the run (max over chips)
  double clock_mhz = 0;
  double latency_us = 0;          // cycles at the clock
  double throughput_per_s = 0;    // inferences per second (pipelined over the chips)
  double mac_utilization = 0;     // MACS / (cycles * N^2 * chips): padded lanes count as used
  uint64_t macs = 0;              // MACS + VEC_MACS: what the array and vector unit issued
  uint64_t model_macs = 0;        // the model's own MACs (the program's layers, no padding)
  double useful_utilization = 0;  // model_macs / (cycles * N^2 * chips): the model's work
                                  // (depthwise on the vector unit included) against the peak
  // A pipeline of chips starts an inference every stage_cycles: its slowest chip's run less that
  // chip's waits for link data (one chip: cycles); throughput_per_s is the clock over it.
  uint64_t stage_cycles = 0;
  double pipeline_utilization = 0;  // model_macs / (stage_cycles * N^2 * chips): the arrays'
                                    // use with the pipeline full (one chip: useful_utilization)
  uint64_t dram_rd_bytes = 0, dram_wr_bytes = 0;  // DMA_RD_BYTES, DMA_WR_BYTES (all chips)
  uint64_t link_bytes = 0;                        // LINK_TX_BYTES (all chips)
  uint64_t weight_pinned_bytes = 0, weight_streamed_bytes = 0;  // the compiler's figures
  uint64_t array_busy = 0, ld_busy = 0, ex_busy = 0, st_busy = 0;
  double compile_s = 0;   // 0 when the program came from the cache
  double simulate_s = 0;  // wall time of the TLM run (Session::Load + Run)
};

// The results table: one row per point (index, model, one column per axis, num_chips, array_n,
// then the PointResult fields; failed points carry their error in the last column).
std::string CsvHeader(const Sweep& sweep);
std::string CsvRow(const StudyPoint& point, const PointResult& result);
Status WriteCsv(const std::string& path, const Sweep& sweep, const std::vector<StudyPoint>& points,
                const std::vector<PointResult>& results);

// The plotted metrics: CSV column, axis label, file stem.
struct Metric {
  const char* column;
  const char* label;
};
const std::vector<Metric>& PlotMetrics();
// With num_chips as the first axis (IsNumChipsAxis), one more plot: each line's throughput over
// its one-chip point's, beside the line y = chips (linear scaling; above it is super-linear).
extern const Metric kScalingPlot;
bool IsNumChipsAxis(const Axis& axis);

// One PNG per metric in `dir` (<metric>.png) against the first axis, one line per model and
// combination of the other axes (and kScalingPlot when the first axis is num_chips); data and
// gnuplot scripts beside them (<metric>.dat, .gp).
// Returns the files written; an error when gnuplot fails or is missing (names the command).
Result<std::vector<std::string>> WritePlots(const std::string& dir, const Sweep& sweep,
                                            const std::vector<StudyPoint>& points,
                                            const std::vector<PointResult>& results,
                                            const std::string& gnuplot = "gnuplot");

}  // namespace aorta::study
