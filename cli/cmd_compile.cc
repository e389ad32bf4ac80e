// aorta compile MODEL.onnx -o OUT.aprog: ONNX import, graph passes, post-training quantization
// and code generation for one chip (docs/compiler.md). Prints where every node went, the layers
// with their MACs, pinned weights and estimated cycles, and the compile time.
#include <iostream>

#include "cli/commands.h"
#include "compiler/compile.h"

namespace aorta::cli {
namespace {

struct CompileArgs {
  std::string model;
  std::string output;
  std::string chip = "sim16";
  std::vector<std::string> input_shapes;
  std::string calib;
  std::string calib_method = "minmax";
  double percentile = 99.99;
  std::string dump_passes;
  bool quiet = false;
};

void RunCompileCommand(const CompileArgs& a) {
  const ChipConfig chip = Check(LoadChipConfig(a.chip));
  CompileOptions o;
  for (const std::string& arg : a.input_shapes) {
    auto [name, shape] = Check(ParseInputShape(arg));
    o.input_shapes[name] = shape;
  }
  o.calib.dir = a.calib;
  o.calib.method = Check(quant::ParseCalibMethod(a.calib_method));
  o.calib.percentile = a.percentile;
  o.dump_dir = a.dump_passes;
  CompileReport report;
  Result<Compiled> c = CompileOnnxFile(a.model, chip, o, &report);
  if (!a.quiet && !report.placement.empty()) std::cout << FormatPlacement(report) << "\n";
  for (const std::string& w : report.warnings) std::cerr << "aorta compile: warning: " << w << "\n";
  if (!c.ok()) Fail(c.status());
  Check(WriteProgram(c->program, a.output));
  if (!a.quiet) std::cout << FormatSummary(c->report, chip);
  std::cout << "wrote " << a.output << " (chip '" << chip.name() << "', "
            << c->program.layers_size() << " layers)\n";
}

}  // namespace

void RegisterCompileCommand(CLI::App& app) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* sub = app.add_subcommand("compile", "Compile an ONNX model to a chip program (.aprog)");
  sub->add_option("model", args->model, "ONNX model (.onnx)")->required();
  sub->add_option("-o,--output", args->output, "Program to write (.aprog)")->required();
  sub->add_option("--chip", args->chip, "Chip config: a .textproto or a bundled name (tiny, sim16)")
      ->capture_default_str();
  sub->add_option("--input-shape", args->input_shapes,
                  "NAME=1x3x224x224 (or just the shape for a one-input model): resolves dynamic "
                  "input dims");
  sub->add_option("--calib", args->calib,
                  "Directory of calibration inputs: .npy (one sample, or a stack along the batch "
                  "dim) or .npz (one sample keyed by input name). Without it: synthetic N(0, 1) "
                  "inputs and a warning");
  sub->add_option("--calib-method", args->calib_method, "Activation ranges: minmax or percentile")
      ->capture_default_str()
      ->check(CLI::IsMember({"minmax", "percentile"}));
  sub->add_option("--percentile", args->percentile,
                  "With --calib-method percentile: range = [P(100 - p), P(p)]")
      ->capture_default_str();
  sub->add_option("--dump-passes", args->dump_passes,
                  "Write the graph after each pass as NN_<Pass>.onnx into this directory");
  sub->add_flag("-q,--quiet", args->quiet, "Print only the final line");
  sub->callback([args] { RunCompileCommand(*args); });
}

}  // namespace aorta::cli
