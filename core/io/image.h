// Image files (PNG, JPEG, BMP ... anything stb_image reads) to NCHW float tensors.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta {

struct ImageOptions {
  // Output size; 0 keeps the image's own height / width. Resizing is bilinear with half-pixel
  // centres (align_corners = false, as PIL, OpenCV INTER_LINEAR and PyTorch use it).
  int64_t height = 0;
  int64_t width = 0;
  // 3 (RGB) or 1 (grey); the file's channels are converted by stb_image.
  int channels = 3;
  // value = (pixel * scale - mean[c]) / std[c], pixel in 0..255. The defaults give 0..1.
  float scale = 1.0f / 255.0f;
  std::array<float, 3> mean = {0.0f, 0.0f, 0.0f};
  std::array<float, 3> std = {1.0f, 1.0f, 1.0f};
};

// A [1, channels, H, W] f32 tensor.
Result<Tensor> LoadImage(const std::string& path, const ImageOptions& options = {});
// The same from encoded bytes; `name` prefixes error messages.
Result<Tensor> DecodeImage(std::string_view bytes, const std::string& name,
                           const ImageOptions& options = {});

// True for file names that LoadImage should handle (.png .jpg .jpeg .bmp, any case).
bool IsImagePath(const std::string& path);

}  // namespace aorta
