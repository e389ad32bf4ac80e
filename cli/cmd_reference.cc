// aorta reference MODEL.onnx: run an ONNX model on the fp32 reference (oneDNN) and write its
// outputs; the top of the equivalence ladder that every other backend is checked against.
#include <fmt/ranges.h>

#include <charconv>
#include <iostream>

#include "cli/commands.h"
#include "cli/tensor_files.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"

namespace aorta::cli {
namespace {

struct ReferenceArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::vector<std::string> input_shapes;
  std::string output;
  std::vector<float> mean;
  std::vector<float> std;
  float scale = 1.0f / 255.0f;
};

// "1x3x224x224" -> {1, 3, 224, 224}.
Result<Shape> ParseShape(const std::string& text) {
  Shape shape;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('x', pos), text.size());
    int64_t d = -1;
    const auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, d);
    if (ec != std::errc() || ptr != text.data() + end || d < 0) {
      return InvalidArgument("--input-shape: bad shape '{}' (expected e.g. 1x3x224x224)", text);
    }
    shape.push_back(d);
    pos = end + 1;
  }
  return shape;
}

// Applies --input-shape NAME=SHAPE (or SHAPE for a single-input model) to the graph's inputs.
Status ApplyInputShapes(const std::vector<std::string>& args, ir::Graph& graph) {
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    std::string name = eq == std::string::npos ? "" : arg.substr(0, eq);
    if (name.empty()) {
      if (graph.inputs.size() != 1) {
        return InvalidArgument("--input-shape {}: the model has {} inputs, write NAME=SHAPE", arg,
                               graph.inputs.size());
      }
      name = graph.inputs[0];
    }
    if (!graph.IsGraphInput(name)) {
      return InvalidArgument("--input-shape: the model has no input named '{}' (inputs: {})", name,
                             fmt::join(graph.inputs, ", "));
    }
    AORTA_ASSIGN_OR_RETURN(Shape shape,
                           ParseShape(eq == std::string::npos ? arg : arg.substr(eq + 1)));
    graph.values[name].dims = ir::StaticDims(shape);
  }
  return Status::Ok();
}

// Input specs for LoadInputs: the static shape, with a dynamic batch dim read as 1. Inputs whose
// other dims are dynamic get no shape (a .npy gives it; an image needs --input-shape).
std::vector<InputSpec> InputSpecs(const ir::Graph& graph, const std::vector<std::string>& files) {
  std::vector<InputSpec> specs;
  for (const std::string& name : graph.inputs) {
    InputSpec spec{name, {}};
    const ir::ValueInfo* info = graph.FindValue(name);
    if (info != nullptr && info->dims) {
      Shape shape;
      for (size_t i = 0; i < info->dims->size(); ++i) {
        const ir::Dim& d = (*info->dims)[i];
        if (!d.is_static() && i != 0) {
          shape.clear();
          break;
        }
        shape.push_back(d.is_static() ? d.value : 1);
      }
      if (!shape.empty() || info->dims->empty()) spec.shape = shape;
      if (shape.empty() && !info->dims->empty()) {
        for (const std::string& f : files) {
          const bool named = f.starts_with(name + "=");
          if ((named || graph.inputs.size() == 1) && IsImagePath(f)) {
            Fail(
                InvalidArgument("input '{}' has dynamic dims {}: give --input-shape {}=NxCxHxW "
                                "so that the image can be resized",
                                name, ir::DimsToString(*info->dims), name));
          }
        }
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

// Images as --scale / --mean / --std say; NCHW or NHWC from the input's shape.
Result<ImageInput> ReferenceImageInput(const ReferenceArgs& a) {
  ImageInput in;
  ImagePreprocess& o = in.pre;
  o.scale = a.scale;
  auto three = [](const std::vector<float>& v, const char* flag,
                  std::array<float, 3>& dst) -> Status {
    if (v.empty()) return Status::Ok();
    if (v.size() != 1 && v.size() != 3) {
      return InvalidArgument("{} takes 1 or 3 comma-separated values, got {}", flag, v.size());
    }
    for (size_t i = 0; i < 3; ++i) dst[i] = v[v.size() == 1 ? 0 : i];
    return Status::Ok();
  };
  AORTA_RETURN_IF_ERROR(three(a.mean, "--mean", o.mean));
  AORTA_RETURN_IF_ERROR(three(a.std, "--std", o.std));
  return in;
}

void RunReferenceCommand(const ReferenceArgs& a) {
  ir::Graph graph = Check(ImportOnnxFile(a.model));
  Check(ApplyInputShapes(a.input_shapes, graph));
  if (!a.output.empty() && !a.output.ends_with(".npy") && !a.output.ends_with(".npz")) {
    Fail(InvalidArgument("--output {}: the file name must end in .npy or .npz", a.output));
  }
  if (a.output.ends_with(".npy") && graph.outputs.size() != 1) {
    Fail(InvalidArgument("--output {}: the model has {} outputs ({}); use a .npz file", a.output,
                         graph.outputs.size(), fmt::join(graph.outputs, ", ")));
  }
  const ImageInput image = Check(ReferenceImageInput(a));
  TensorMap inputs = Check(LoadInputs(a.inputs, InputSpecs(graph, a.inputs), image));
  auto exec = Check(reference::Executor::Create(std::move(graph)));
  const TensorMap outputs = Check(exec.Run(inputs));
  for (const std::string& name : exec.graph().outputs) {
    fmt::print("{}\n", Summarize(name, outputs.at(name)));
  }
  if (!a.output.empty()) {
    Check(WriteOutputs(a.output, outputs));
    fmt::print("wrote {}\n", a.output);
  }
}

}  // namespace

void RegisterReferenceCommand(CLI::App& app) {
  auto args = std::make_shared<ReferenceArgs>();
  CLI::App* sub = app.add_subcommand(
      "reference", "Run an ONNX model on the fp32 reference (oneDNN) and write its outputs");
  sub->add_option("model", args->model, "ONNX model (.onnx)")->required();
  sub->add_option("--input", args->inputs,
                  "Input file: .npy, .npz or image (PNG/JPEG, resized to the model's H x W); "
                  "NAME=FILE for models with several inputs")
      ->required();
  sub->add_option("--input-shape", args->input_shapes,
                  "Shape of an input with dynamic dims, NAME=1x3x224x224 (or just the shape for "
                  "a single-input model)");
  sub->add_option("--output", args->output,
                  "Write the output to FILE.npy (one output) or all outputs to FILE.npz");
  sub->add_option("--mean", args->mean,
                  "Image normalization: mean per channel, subtracted after --scale (1 or 3 "
                  "comma-separated values)")
      ->delimiter(',');
  sub->add_option("--std", args->std,
                  "Image normalization: standard deviation per channel (1 or 3 values)")
      ->delimiter(',');
  sub->add_option("--scale", args->scale,
                  "Image normalization: factor applied to 0..255 pixels first (default 1/255)");
  sub->callback([args] { RunReferenceCommand(*args); });
}

}  // namespace aorta::cli
