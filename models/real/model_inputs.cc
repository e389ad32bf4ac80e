#include "models/real/model_inputs.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/io/image.h"
#include "core/io/npy.h"

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

Result<Tensor> BlazeFaceCalibrationSet(const std::vector<std::string>& backgrounds,
                                       const std::string& lfw_npy, int64_t size) {
  constexpr int64_t kFacesPerImage = kFacesPerComposite, kLfwFaces = 100;
  if (backgrounds.empty()) return InvalidArgument("BlazeFace calibration: no background image");
  if (size < 32) return InvalidArgument("BlazeFace calibration: size {} is below 32", size);
  AORTA_ASSIGN_OR_RETURN(Tensor lfw, ReadNpy(lfw_npy, {.to_f32 = true}));
  const auto n_bg = static_cast<int64_t>(backgrounds.size());
  if (lfw.rank() != 3 || lfw.dim(0) < kLfwFaces || lfw.dim(1) < 2 || lfw.dim(2) < 2)
    return InvalidArgument("{}: shape {}, expected [N >= {}, H, W] grey face crops", lfw_npy,
                           ShapeToString(lfw.shape()), kLfwFaces);
  if (n_bg * kFacesPerImage > kLfwFaces)
    return InvalidArgument("BlazeFace calibration: {} backgrounds need {} faces, {} has {}", n_bg,
                           n_bg * kFacesPerImage, lfw_npy, kLfwFaces);
  const int64_t fh = lfw.dim(1), fw = lfw.dim(2);
  const auto faces = lfw.data<float>();
  const auto plane = static_cast<size_t>(size * size * 3);
  Tensor out(DType::kF32, {n_bg, size, size, 3});
  auto dst = out.data<float>();
  // Face `f` (0..1 grey) resized into the square of side `side` at (y0, x0) of image `img`.
  auto paste = [&](int64_t img, int64_t f, int64_t y0, int64_t x0, int64_t side) {
    const double sy = static_cast<double>(fh) / static_cast<double>(side);
    const double sx = static_cast<double>(fw) / static_cast<double>(side);
    for (int64_t y = std::max<int64_t>(y0, 0); y < std::min(y0 + side, size); ++y) {
      for (int64_t x = std::max<int64_t>(x0, 0); x < std::min(x0 + side, size); ++x) {
        const double fy = std::clamp((static_cast<double>(y - y0) + 0.5) * sy - 0.5, 0.0,
                                     static_cast<double>(fh - 1));
        const double fx = std::clamp((static_cast<double>(x - x0) + 0.5) * sx - 0.5, 0.0,
                                     static_cast<double>(fw - 1));
        const auto yl = static_cast<int64_t>(fy), xl = static_cast<int64_t>(fx);
        const int64_t yh = std::min(yl + 1, fh - 1), xh = std::min(xl + 1, fw - 1);
        const double wy = fy - static_cast<double>(yl), wx = fx - static_cast<double>(xl);
        auto at = [&](int64_t yy, int64_t xx) {
          return static_cast<double>(faces[static_cast<size_t>((f * fh + yy) * fw + xx)]);
        };
        const double v = (at(yl, xl) * (1 - wx) + at(yl, xh) * wx) * (1 - wy) +
                         (at(yh, xl) * (1 - wx) + at(yh, xh) * wx) * wy;
        for (size_t c = 0; c < 3; ++c)
          dst[static_cast<size_t>(img) * plane + static_cast<size_t>((y * size + x) * 3) + c] =
              static_cast<float>(2.0 * v - 1.0);  // MediaPipe's [-1, 1]
      }
    }
  };
  auto frac = [size](double f) {
    return static_cast<int64_t>(std::lround(f * static_cast<double>(size)));
  };
  for (int64_t k = 0; k < n_bg; ++k) {
    AORTA_ASSIGN_OR_RETURN(Tensor bg, BlazeFaceInput(backgrounds[static_cast<size_t>(k)], size));
    const auto src = bg.data<float>();
    std::copy(src.begin(), src.end(), dst.begin() + static_cast<ptrdiff_t>(k) * plane);
    const int64_t big = frac(0.45), small = frac(0.16);
    paste(k, kFacesPerImage * k, frac(0.4) - big / 2, frac(0.35) - big / 2, big);
    for (int64_t i = 0; i < kFacesPerImage - 1; ++i)
      paste(k, kFacesPerImage * k + 1 + i, frac(0.06) + i * (small + frac(0.08)),
            size - small - frac(0.04), small);
  }
  return out;
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

double Cosine(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = a.ToDoubles(), y = b.ToDoubles();
  double dot = 0, xx = 0, yy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    dot += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  return xx > 0 && yy > 0 ? dot / std::sqrt(xx * yy) : (xx == yy ? 1.0 : 0.0);
}

}  // namespace aorta::models
