// Reading model inputs from files and writing outputs, shared by the subcommands.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/calibration.h"
#include "core/io/image.h"
#include "core/io/npy.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::cli {

// What the model expects of one input.
struct InputSpec {
  std::string name;
  Shape shape;  // logical (NCHW for images)
};

// How image files become a program's input, from its metadata (written by `aorta compile`,
// compiler/calibration.h ImageMetadata): image.scale, image.mean, image.std, image.layout
// (nchw / nhwc). Absent keys keep ImagePreprocess's defaults (pixel / 255); without
// image.layout the layout is guessed from the input's shape (LooksNhwc).
struct ImageInput {
  ImagePreprocess pre;
  bool layout_known = false;  // image.layout was given
};
// Malformed values are errors naming the key.
Result<ImageInput> ImageInputOf(const std::map<std::string, std::string>& metadata);

// Reads `--input` arguments: "NAME=PATH" or, for a single-input model, "PATH". PATH is a .npy
// (converted to float32), a .npz (every array by its key), or an image (PNG / JPEG / BMP)
// resized to the input's H x W and normalized and laid out (NCHW or NHWC) as `image` says.
// Checks shapes and names against `specs`.
Result<TensorMap> LoadInputs(const std::vector<std::string>& args,
                             const std::vector<InputSpec>& specs, const ImageInput& image = {});

// The first image file among `--input` arguments ("NAME=PATH" or "PATH"), or "".
std::string FirstImageInput(const std::vector<std::string>& args);

// Writes outputs: a .npy for exactly one output, a .npz keyed by output name for any number.
Status WriteOutputs(const std::string& path, const TensorMap& outputs);

// How far `got` is from `want` (same shape): max |got - want|, that relative to want's range
// (max - min), and the signal-to-quantization-noise ratio 10 log10(sum want^2 / sum (got-want)^2).
struct ErrorStats {
  double max_abs = 0;
  double max_abs_rel_range = 0;
  double sqnr_db = 0;
};
Result<ErrorStats> Compare(const Tensor& got, const Tensor& want);

// "name  1x16x4x4  min -1.5  max 2.25  mean 0.031" and the first values.
std::string Summarize(const std::string& name, const Tensor& t);

}  // namespace aorta::cli
