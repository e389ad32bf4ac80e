// The whole compiler: ONNX -> graph passes -> quantization -> code generation -> Program
// (docs/compiler.md). `aorta compile` is a thin layer over CompileOnnxFile.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/codegen/codegen.h"
#include "compiler/ir.h"
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
};

// Where one node of the imported model ended up.
struct NodePlacement {
  std::string node, op_type;
  std::string where;   // "chip", "chip (layout only, ...)", "folded away", "unsupported"
  std::string detail;  // the layer it became, or why it is unsupported
};

struct CompileReport {
  std::vector<NodePlacement> placement;  // filled as soon as the graph passes ran
  std::vector<std::string> warnings;
  std::map<std::string, quant::QParams> act;  // every value's int8 parameters (quant::BaseKey too)
  codegen::CodegenResult codegen;             // its program is moved into Compiled::program
  double seconds = 0;
};

struct Compiled {
  Program program;
  CompileReport report;
};

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

}  // namespace aorta
