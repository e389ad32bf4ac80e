// Code generation: a quantized graph -> a one-chip Program (docs/compiler.md, "Code generation").
//
//   support     which nodes the chip runs, which are free layout changes, which it cannot run
//   allocation  every activation in the unified buffer, channel-blocked (ceil(C/N) planes of H*W
//               rows), first-fit with reuse after a value's last reader (liveness)
//   constants   weight tiles, per-channel POSTPROC rows, op records and LUTs in one CONSTANT
//               buffer that the init stream pins into WB, PARAM and LUT
//   run stream  input DMA -> layers (EX queue, a PERF barrier after each) -> output DMA -> HALT,
//               with one LD->EX token before the first layer and one EX->ST token after the last
//
// Today everything must fit on one chip: a tensor or weight set that does not is Unsupported,
// naming the layer and the sizes (tiling through DRAM and streamed weights are the next step).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "compiler/quantize.h"
#include "core/config.h"
#include "core/program.h"
#include "core/status.h"

namespace aorta::codegen {

enum class Placement {
  kChip,         // instructions on the chip (a layer with a PERF record)
  kLayout,       // a free layout change: the output aliases the input's rows
  kUnsupported,  // the chip cannot run it (host fallback is the next step)
};
const char* PlacementName(Placement p);

struct NodeSupport {
  std::string node, op_type;
  Placement placement = Placement::kUnsupported;
  std::string reason;  // kUnsupported: why
};

// The placement of every node of a graph after the graph passes (static shapes). Only the ISA's
// field limits count here; buffer capacities are checked by GenerateProgram.
std::vector<NodeSupport> CheckSupport(const ir::Graph& graph);
// The first unsupported node as an error ("Softmax node 's': ... (and 2 more unsupported nodes)"),
// Ok if there is none.
Status FirstUnsupported(const std::vector<NodeSupport>& support);

struct LayerSummary {
  std::string name, op_type;
  uint64_t macs = 0;          // logical multiply-accumulates of the op's definition
  uint64_t weight_bytes = 0;  // WB bytes pinned for it
  uint64_t est_cycles = 0;    // the cycle model of docs/compiler.md
  uint32_t passes = 0;        // MATMUL passes
  uint32_t perf_tag = 0;
};

struct CodegenResult {
  Program program;
  std::vector<LayerSummary> layers;
  uint64_t macs = 0;
  uint64_t weight_bytes = 0;  // WB bytes pinned
  uint64_t param_bytes = 0;   // PARAM bytes pinned
  uint32_t lut_tables = 0;
  uint64_t ub_peak_rows = 0;
  uint64_t est_cycles = 0;
};

struct CodegenOptions {
  std::string model_name;
  std::string producer = "aorta compile";
};

Result<CodegenResult> GenerateProgram(const quant::QuantizedGraph& q, const ChipConfig& chip,
                                      const CodegenOptions& options = {});

}  // namespace aorta::codegen
