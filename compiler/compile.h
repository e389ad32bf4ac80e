// The whole compiler: ONNX -> graph passes -> quantization -> code generation -> Program
// (docs/compiler.md). `aorta compile` is a thin layer over CompileOnnxFile.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/calibration.h"
#include "compiler/codegen/codegen.h"
#include "compiler/ir.h"
#include "compiler/partition.h"
#include "compiler/quantize.h"
#include "core/config.h"
#include "core/program.h"
#include "core/status.h"

namespace aorta {

struct CompileOptions {
  // --input-shape; the key "" names the only input of a single-input model.
  std::map<std::string, Shape> input_shapes;
  quant::CalibOptions calib;  // --calib, --calib-method
  std::string model_name;     // default: the graph's name
  std::string dump_dir;       // graph after each pass (PipelineOptions)
  // How images (--calib, `aorta run --input x.png`) become the model's input; recorded in the
  // program's metadata. Unset: value = pixel / 255. The layout is image_nhwc, or NHWC when the
  // (single) input looks NHWC (LooksNhwc).
  std::optional<ImagePreprocess> image;
  std::optional<bool> image_nhwc;
  // --report: also compile a probe program and measure every layer against the fp32 reference
  // on the calibration inputs (CompileReport::accuracy).
  bool measure_accuracy = false;
  // Wide outputs (codegen::CodegenOptions::wide_outputs; docs/compiler.md "Wide outputs"): model
  // outputs of a Conv / Gemm without activation are stored as int32 accumulators and
  // dequantized per channel on the host. On by default.
  bool wide_outputs = true;
  // Direct packed inputs (codegen::CodegenOptions::direct_inputs; docs/compiler.md "Packed
  // kernel taps"). On by default.
  bool direct_inputs = true;
};

// Where one node of the imported model ended up.
struct NodePlacement {
  std::string node, op_type;
  std::string where;   // "chip", "chip (layout only, ...)", "chip (NHWC layout in the DMA)",
                       // "host", "folded away"
  std::string detail;  // the layer it became, or why it is on the host and which host op
};

// One host op of the program (a subgraph run on the CPU between run segments).
struct HostOpSummary {
  std::string name;
  uint32_t after_segment = 0;
  std::vector<std::string> nodes;  // its nodes after the graph passes
  uint64_t macs = 0;
};

// Accuracy of one tensor (a chip layer's output or a model output) on the calibration inputs:
// the int8 result (dequantized) against the fp32 reference, over all samples.
struct TensorAccuracy {
  std::string name, op_type;
  std::string where;   // "chip" (a layer's output), "output" (a model output)
  double sqnr_db = 0;  // 10 log10(sum ref^2 / sum (got - ref)^2); 999 when exact
  double cosine = 0;
  double max_abs_err = 0;
  double ref_max_abs = 0;
};

struct CompileReport {
  std::vector<NodePlacement> placement;  // filled as soon as the graph passes ran
  std::vector<std::string> warnings;
  std::map<std::string, quant::QParams> act;  // every value's int8 parameters (quant::BaseKey too)
  codegen::CodegenResult codegen;             // its program is moved into Compiled::program
  std::vector<HostOpSummary> host_ops;
  uint32_t segments = 1;
  uint64_t host_macs = 0;
  size_t nodes_chip = 0, nodes_layout = 0, nodes_dma_layout = 0, nodes_host = 0, nodes_folded = 0;
  double seconds = 0;      // the compile itself, wall clock (not --report's measurement)
  double cpu_seconds = 0;  // the same in CPU time of this process (a loaded machine inflates wall)
  double calib_seconds = 0;  // of `seconds`: reading and running the calibration inputs
  // Where the time went, in order: import (CompileOnnxFile), graph passes, calibration inputs,
  // calibration runs, placement / quantization / code generation, program assembly.
  struct Phase {
    std::string name;
    double seconds = 0, cpu_seconds = 0;
  };
  std::vector<Phase> phases;
  // With CompileOptions::measure_accuracy: per chip layer, then per model output.
  std::vector<TensorAccuracy> accuracy;
  size_t accuracy_samples = 0;
  double accuracy_seconds = 0;
};

struct Compiled {
  Program program;
  CompileReport report;
};

// A host op's subgraph as the serialized ONNX model the runtime runs (HostOp.onnx_model); fails
// naming the host op when the fp32 reference could not run it.
Result<std::string> HostOpModel(const ir::Graph& graph, const HostGroup& group);

// A program of chip code completed with the host ops of `part` (their models from HostOpModel,
// in part.host order), the host-side fp32 bindings (on chip 0's host buffers), the model's input
// and output order and the image metadata; validated.
Result<Program> AssembleProgram(const ir::Graph& graph, const Partition& part,
                                const std::vector<std::string>& host_models, Program p,
                                const ImagePreprocess& image);

// Compiles an imported graph for `chip`. On failure `report` (if given) still holds what was
// known: the placement table once the graph passes ran, and the warnings.
Result<Compiled> CompileGraph(ir::Graph graph, const ChipConfig& chip,
                              const CompileOptions& options, CompileReport* report = nullptr);
Result<Compiled> CompileOnnxFile(const std::string& path, const ChipConfig& chip,
                                 const CompileOptions& options, CompileReport* report = nullptr);

// "NAME=1x3x224x224" or "1x3x224x224" (name "") for CompileOptions::input_shapes.
Result<std::pair<std::string, Shape>> ParseInputShape(const std::string& arg);

// Human-readable tables for the CLI.
std::string FormatPlacement(const CompileReport& report);
std::string FormatSummary(const CompileReport& report, const ChipConfig& chip);
// The accuracy table as JSON (path ending in .json) or CSV (anything else).
std::string FormatAccuracy(const CompileReport& report, bool json);

}  // namespace aorta
