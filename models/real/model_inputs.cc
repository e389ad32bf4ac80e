#include "models/real/model_inputs.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/io/image.h"

namespace aorta::models {
namespace {

// Bilinear sample of channel `c` of a [1, C, H, W] image at pixel coordinates (y, x) (pixel
// centres at integers), with the coordinates clamped to the rectangle [y0, y1] x [x0, x1].
float Sample(const Tensor& img, int64_t c, double y, double x, int64_t y0, int64_t y1, int64_t x0,
             int64_t x1) {
  const int64_t h = img.dim(2), w = img.dim(3);
  const auto px = img.data<float>();
  y = std::clamp(y, static_cast<double>(y0), static_cast<double>(y1));
  x = std::clamp(x, static_cast<double>(x0), static_cast<double>(x1));
  const auto yl = static_cast<int64_t>(std::floor(y)), xl = static_cast<int64_t>(std::floor(x));
  const int64_t yh = std::min(yl + 1, y1), xh = std::min(xl + 1, x1);
  const auto fy = static_cast<float>(y - static_cast<double>(yl));
  const auto fx = static_cast<float>(x - static_cast<double>(xl));
  auto at = [&](int64_t yy, int64_t xx) { return px[static_cast<size_t>((c * h + yy) * w + xx)]; };
  const float top = at(yl, xl) * (1 - fx) + at(yl, xh) * fx;
  const float bottom = at(yh, xl) * (1 - fx) + at(yh, xh) * fx;
  return top * (1 - fy) + bottom * fy;
}

}  // namespace

std::string ModelsDir(const std::string& source_dir) {
  const char* env = std::getenv("AORTA_MODELS_DIR");
  if (env != nullptr && *env != '\0') return env;
  return source_dir + "/.cache/models";
}

Result<Tensor> BlazeFaceInput(const std::string& image_path, int64_t size) {
  ImageOptions o;
  o.height = size;
  o.width = size;
  o.channels = 3;
  o.scale = 1.0f / 127.5f;
  o.mean = {1.0f, 1.0f, 1.0f};
  AORTA_ASSIGN_OR_RETURN(Tensor nchw, LoadImage(image_path, o));
  Tensor nhwc(DType::kF32, {1, size, size, 3});
  const auto src = nchw.data<float>();
  auto dst = nhwc.data<float>();
  const auto plane = static_cast<size_t>(size * size);
  for (size_t p = 0; p < plane; ++p) {
    for (size_t c = 0; c < 3; ++c) dst[p * 3 + c] = src[c * plane + p];
  }
  return nhwc;
}

Result<Tensor> TextDirectionInput(const std::vector<ImageCrop>& crops) {
  constexpr int64_t kH = 48, kW = 192;
  const auto n = static_cast<int64_t>(crops.size());
  Tensor out(DType::kF32, {n, 3, kH, kW});  // zero = the padding
  auto dst = out.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    const ImageCrop& crop = crops[static_cast<size_t>(i)];
    ImageOptions raw;  // original size, 0..255
    raw.scale = 1.0f;
    AORTA_ASSIGN_OR_RETURN(Tensor img, LoadImage(crop.image, raw));
    if (crop.width <= 0 || crop.height <= 0 || crop.x < 0 || crop.y < 0 ||
        crop.x + crop.width > img.dim(3) || crop.y + crop.height > img.dim(2)) {
      return InvalidArgument("{}: crop {}x{} at ({}, {}) is not inside the {}x{} image", crop.image,
                             crop.width, crop.height, crop.x, crop.y, img.dim(3), img.dim(2));
    }
    const double ratio = static_cast<double>(crop.width) / static_cast<double>(crop.height);
    const int64_t rw = std::min(kW, static_cast<int64_t>(std::ceil(kH * ratio)));
    const double sy = static_cast<double>(crop.height) / kH;
    const double sx = static_cast<double>(crop.width) / static_cast<double>(rw);
    const int64_t y1 = crop.y + crop.height - 1, x1 = crop.x + crop.width - 1;
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t oy = 0; oy < kH; ++oy) {
        for (int64_t ox = 0; ox < rw; ++ox) {
          // Position in the (possibly turned) crop, half-pixel centres as OpenCV's resize.
          double y = (static_cast<double>(oy) + 0.5) * sy - 0.5;
          double x = (static_cast<double>(ox) + 0.5) * sx - 0.5;
          if (crop.rotate180) {
            y = static_cast<double>(crop.height - 1) - y;
            x = static_cast<double>(crop.width - 1) - x;
          }
          const float v = Sample(img, c, static_cast<double>(crop.y) + y,
                                 static_cast<double>(crop.x) + x, crop.y, y1, crop.x, x1);
          dst[static_cast<size_t>(((i * 3 + c) * kH + oy) * kW + ox)] = (v / 255.0f - 0.5f) / 0.5f;
        }
      }
    }
  }
  return out;
}

}  // namespace aorta::models
