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
// What does not fit goes through board DRAM: layers whose weights or parameters do not fit the
// WB / PARAM memories next to the others are streamed (schedule.h, StreamWeights), tensors that
// do not fit the unified buffer live in DRAM and the layers that touch them run in row tiles
// (tiling.h). Dependency tokens between the queues are derived from the instructions'
// dependencies (schedule.h, AssignTokens).
#pragma once

#include <cstdint>
#include <map>
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
  kUnsupported,  // the chip cannot run it: it runs on the host (compiler/partition.h)
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
  uint64_t weight_bytes = 0;  // its WB bytes (pinned, or streamed when `streamed`)
  bool streamed = false;      // its WB and PARAM rows are loaded from DRAM on every inference
  uint32_t tiles = 0;         // > 0: tiled through DRAM in this many row tiles
  uint64_t dram_bytes = 0;    // activation bytes it moves between DRAM and the UB (tiling)
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
  // Per inference: WB and PARAM bytes streamed from DRAM (chunks reloaded count again), and the
  // activation bytes tiled layers move between DRAM and the UB.
  uint64_t streamed_weight_bytes = 0;
  uint64_t streamed_param_bytes = 0;
  uint64_t dram_activation_bytes = 0;
  uint32_t streamed_layers = 0, tiled_layers = 0;
  uint64_t scratch_bytes = 0;  // the SCRATCH buffer in board DRAM
  uint32_t lut_tables = 0;
  uint64_t ub_peak_rows = 0;
  uint64_t est_cycles = 0;
  // With CodegenOptions::probe_layers: the layers' outputs, bound (channel-blocked int8) in the
  // kProbeBuffer buffer (wide outputs have none).
  std::vector<program::TensorBinding> probes;
  // The program tensors stored wide (CodegenOptions::wide_outputs): int32 accumulators with
  // per-channel dequantization, in the order of the stores.
  std::vector<std::string> wide_outputs;
};

// A tensor the chip loads at the start of a run segment or stores right after the layer that
// computes it (host fallback and NHWC edges, compiler/partition.h).
struct BoundTensor {
  std::string value;          // the graph's input (a load) or output (a store)
  std::string name;           // the program tensor it is bound as
  Shape shape;                // the program tensor's logical shape
  bool pixel_major = false;   // int8 row-major NHWC bytes (C per pixel): one DMA per channel block
                              // with stride C; otherwise channel-blocked
  bool intermediate = false;  // Program.intermediates (exchanged with host ops), else an input /
                              // output of the model
};

struct CodegenOptions {
  std::string model_name;
  std::string producer = "aorta compile";
  // Host fallback: the run segment of each node (absent: 0), in `segments` segments; each
  // segment ends with HALT. A load's DMA runs at the start of the first segment that reads it, a
  // store's right after the layer computing it. Empty loads and stores: every graph input /
  // output is bound under its own name, channel-blocked, as a model input / output.
  uint32_t segments = 1;
  std::map<std::string, uint32_t> node_segment;
  std::vector<BoundTensor> loads, stores;
  // --report: every layer's output (when in the UB) is also stored to the kProbeBuffer buffer
  // (CodegenResult::probes), for per-layer accuracy against the fp32 reference.
  bool probe_layers = false;
  // Wide outputs (docs/compiler.md, "Wide outputs"): a model output computed by a Conv / Gemm
  // with no activation and no residual, which nothing else on the chip reads, is stored as the
  // layer's int32 accumulator (DMA_STORE from ACC, no POSTPROC) and bound as DTYPE_I32 with
  // per-channel dequantization (program.proto ChannelQuant): no int8 step on the output. On by
  // default; off: every output is requantized to int8 on the chip.
  bool wide_outputs = true;
  // Direct packed inputs (docs/compiler.md, "Packed kernel taps"): a model input read only by a
  // convolution that packs its taps is bound in DRAM in the packed layout (program.proto
  // LAYOUT_PACKED_ROWS) when that lowers the estimate: the packed loads read the input buffer, no
  // input DMA into the UB and no staging stores. Off: the input is loaded into the UB as usual.
  bool direct_inputs = true;
};
inline constexpr const char* kProbeBuffer = "probes";

Result<CodegenResult> GenerateProgram(const quant::QuantizedGraph& q, const ChipConfig& chip,
                                      const CodegenOptions& options = {});

}  // namespace aorta::codegen
