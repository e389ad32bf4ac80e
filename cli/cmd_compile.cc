// aorta compile MODEL.onnx -o OUT.aprog: ONNX import, graph passes, post-training quantization
// and code generation for one chip (docs/compiler.md). Prints where every node went (chip, host
// fallback, folded away), the layers with their MACs, pinned weights and estimated cycles, the
// host ops, and the compile time; --report writes per-layer accuracy.
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/postprocess.h"
#include "compiler/compile.h"
#include "compiler/multichip/multichip_compile.h"

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
  std::string report;
  std::string image_scale, image_mean, image_std, image_layout;
  bool quiet = false;
  std::string postprocess = "auto";  // the program's metadata "postprocess" (cli/postprocess.h)
  std::string board;                 // --board: a multi-chip program (compiler/multichip/)
  uint32_t chips = 0;
};

// --board: the model partitioned over the board's chips; prints the stage table.
void RunBoardCompile(const CompileArgs& a, const CompileOptions& o) {
  const BoardConfig board = Check(LoadBoardConfig(a.board));
  multichip::BoardOptions bo;
  bo.chips = a.chips;
  multichip::BoardReport report;
  Result<multichip::BoardCompiled> c =
      multichip::CompileOnnxFileForBoard(a.model, board, o, bo, &report);
  for (const std::string& w : report.front.warnings)
    std::cerr << "aorta compile: warning: " << w << "\n";
  if (!c.ok()) Fail(c.status());
  Check(WriteProgram(c->program, a.output));
  std::cout << multichip::FormatStageTable(c->report);
  std::cout << "wrote " << a.output << " (board '" << board.name() << "', "
            << c->program.chips_size() << " chips, " << c->program.layers_size() << " layers)\n";
}

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
  o.measure_accuracy = !a.report.empty();
  if (!a.image_layout.empty()) o.image_nhwc = a.image_layout == "nhwc";
  if (!a.image_scale.empty() || !a.image_mean.empty() || !a.image_std.empty()) {
    ImagePreprocess pre;
    if (!a.image_scale.empty()) pre.scale = Check(ParseTriple(a.image_scale, "--image-scale"))[0];
    if (!a.image_mean.empty()) pre.mean = Check(ParseTriple(a.image_mean, "--image-mean"));
    if (!a.image_std.empty()) pre.std = Check(ParseTriple(a.image_std, "--image-std"));
    o.image = pre;
  }
  if (!a.board.empty()) return RunBoardCompile(a, o);
  CompileReport report;
  Result<Compiled> c = CompileOnnxFile(a.model, chip, o, &report);
  if (!a.quiet && !report.placement.empty()) std::cout << FormatPlacement(report) << "\n";
  for (const std::string& w : report.warnings) std::cerr << "aorta compile: warning: " << w << "\n";
  if (!c.ok()) Fail(c.status());
  // What `aorta run` does with the outputs: detected from the outputs' shapes, or as given.
  const std::string detected = DetectPostprocess(c->program);
  if (a.postprocess == kPostprocessBlazeFace && detected != kPostprocessBlazeFace)
    Fail(
        InvalidArgument("--postprocess blazeface: {} does not have BlazeFace's input and outputs "
                        "(a 128x128 or 256x256 image; score maps [1, A, 1], box maps [1, A, 16])",
                        a.model));
  const std::string post = a.postprocess == "auto" ? detected : a.postprocess;
  if (!post.empty()) (*c->program.mutable_metadata())[kPostprocessKey] = post;
  Check(WriteProgram(c->program, a.output));
  if (!a.quiet) std::cout << FormatSummary(c->report, chip);
  if (!a.report.empty()) {
    const bool json = a.report.size() >= 5 && a.report.substr(a.report.size() - 5) == ".json";
    std::ofstream out(a.report);
    out << FormatAccuracy(c->report, json);
    if (!out) Fail(InvalidArgument("--report: cannot write {}", a.report));
    double worst = 1e9;
    for (const TensorAccuracy& t : c->report.accuracy) worst = std::min(worst, t.sqnr_db);
    std::cout << fmt::format(
        "wrote {} (SQNR of {} tensors on {} calibration samples, lowest {:.1f} dB; {:.2f} s)\n",
        a.report, c->report.accuracy.size(), c->report.accuracy_samples, worst,
        c->report.accuracy_seconds);
  }
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
                  "dim), .npz (one sample keyed by input name) or images (.png .jpg, prepared as "
                  "--image-* say). Without it: synthetic N(0, 1) inputs and a warning");
  sub->add_option("--calib-method", args->calib_method,
                  "Activation ranges: minmax, percentile or mse")
      ->capture_default_str()
      ->check(CLI::IsMember({"minmax", "percentile", "mse"}));
  sub->add_option("--percentile", args->percentile,
                  "With --calib-method percentile: range = [P(100 - p), P(p)]")
      ->capture_default_str();
  sub->add_option("--dump-passes", args->dump_passes,
                  "Write the graph after each pass as NN_<Pass>.onnx into this directory");
  sub->add_option("--report", args->report,
                  "Per-layer accuracy (SQNR, cosine, max error of the int8 result against the "
                  "fp32 reference on the calibration inputs) as .json or .csv");
  sub->add_option("--image-scale", args->image_scale,
                  "Images (--calib, aorta run): value = (pixel * scale - mean) / std (default "
                  "1/255)");
  sub->add_option("--image-mean", args->image_mean, "Per-channel mean, e.g. 0.5,0.5,0.5");
  sub->add_option("--image-std", args->image_std, "Per-channel std, e.g. 0.5,0.5,0.5");
  sub->add_option("--image-layout", args->image_layout,
                  "nchw or nhwc (default: nhwc when the input's last dim is 1 or 3)")
      ->check(CLI::IsMember({"nchw", "nhwc"}));
  sub->add_option("--postprocess", args->postprocess,
                  "What aorta run does with the outputs, stored in the program: blazeface (face "
                  "detections drawn on the input image), none, or auto (blazeface when the "
                  "model's input and outputs are BlazeFace's)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "blazeface", "none"}));
  sub->add_option("--board", args->board,
                  "Board: a bundled board's name (ring8_u250, catapult6_stratixv, ...) or a "
                  ".textproto (e.g. build/gen/fpga_board/ring8_u250.textproto): partition "
                  "the model over its linked chips, one pipeline stage per chip, and print the "
                  "stage table");
  sub->add_option("--chips", args->chips, "With --board: use this many chips (default: all)");
  sub->add_flag("-q,--quiet", args->quiet, "Print only the final line");
  sub->callback([args] { RunCompileCommand(*args); });
}

}  // namespace aorta::cli
