// Calibration inputs for post-training quantization (docs/compiler.md, "Calibration inputs"):
// .npy / .npz files (quant::LoadCalibrationDir) and images, preprocessed as the model expects.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/io/image.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta {

// How an image becomes the model's input: resized (bilinear, half-pixel centres) to the input's
// H x W, value = (pixel * scale - mean[c]) / std[c], laid out NCHW or NHWC. Recorded in the
// program's metadata (image.scale, image.mean, image.std, image.layout) so that the runtime
// prepares images the same way.
struct ImagePreprocess {
  float scale = 1.0f / 255.0f;
  std::array<float, 3> mean = {0.0f, 0.0f, 0.0f};
  std::array<float, 3> std = {1.0f, 1.0f, 1.0f};
  bool nhwc = false;
};

// "0.5,0.5,0.5" -> {0.5, 0.5, 0.5}; one value is repeated for the three channels.
Result<std::array<float, 3>> ParseTriple(const std::string& text, const std::string& flag);

// The image layout of a model input: NHWC when its last dim is 1 or 3 and its second is not.
bool LooksNhwc(const Shape& input_shape);

// An image file as the model's (single, rank-4) input `input_shape`.
Result<Tensor> ImageAsInput(const std::string& path, const Shape& input_shape,
                            const ImagePreprocess& pre);

// Every sample of a calibration directory, files in name order: .npy / .npz as
// quant::LoadCalibrationDir reads them, then every image (.png .jpg .jpeg .bmp) through
// ImageAsInput (single-input models). NotFound if the directory has neither.
Result<std::vector<TensorMap>> LoadCalibrationSamples(const ir::Graph& graph,
                                                      const std::string& dir,
                                                      const ImagePreprocess& pre);

// Program.metadata entries for `pre`.
std::map<std::string, std::string> ImageMetadata(const ImagePreprocess& pre);

}  // namespace aorta
