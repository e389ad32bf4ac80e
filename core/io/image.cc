#include "core/io/image.h"

#include <stb/stb_image.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

#include "core/io/file_util.h"

namespace aorta {
namespace {

// Source coordinate of output index `o` for a half-pixel-centre resize, clamped to the image,
// as the two neighbours and the weight of the second one.
struct Tap {
  int64_t lo, hi;
  float w;
};

std::vector<Tap> BilinearTaps(int64_t in, int64_t out) {
  std::vector<Tap> taps(static_cast<size_t>(out));
  const double ratio = static_cast<double>(in) / static_cast<double>(out);
  for (int64_t o = 0; o < out; ++o) {
    double x = (static_cast<double>(o) + 0.5) * ratio - 0.5;
    x = std::clamp(x, 0.0, static_cast<double>(in - 1));
    const int64_t lo = static_cast<int64_t>(std::floor(x));
    const int64_t hi = std::min(lo + 1, in - 1);
    taps[static_cast<size_t>(o)] = {lo, hi, static_cast<float>(x - static_cast<double>(lo))};
  }
  return taps;
}

}  // namespace

Result<Tensor> DecodeImage(std::string_view bytes, const std::string& name,
                           const ImageOptions& options) {
  if (options.channels != 1 && options.channels != 3) {
    return InvalidArgument("{}: image channels must be 1 or 3, not {}", name, options.channels);
  }
  if (options.height < 0 || options.width < 0) {
    return InvalidArgument("{}: negative resize target {}x{}", name, options.height, options.width);
  }
  for (int c = 0; c < options.channels; ++c) {
    if (options.std[static_cast<size_t>(c)] == 0.0f) {
      return InvalidArgument("{}: std[{}] is zero", name, c);
    }
  }
  int w = 0, h = 0, file_channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                            static_cast<int>(bytes.size()), &w, &h, &file_channels,
                            options.channels),
      stbi_image_free);
  if (!pixels) {
    return DataLoss("{}: cannot decode image: {}", name, stbi_failure_reason());
  }
  const int64_t out_h = options.height > 0 ? options.height : h;
  const int64_t out_w = options.width > 0 ? options.width : w;
  const int64_t channels = options.channels;
  Tensor out(DType::kF32, {1, channels, out_h, out_w});
  auto dst = out.data<float>();
  const std::vector<Tap> ys = BilinearTaps(h, out_h);
  const std::vector<Tap> xs = BilinearTaps(w, out_w);
  const stbi_uc* src = pixels.get();
  auto px = [&](int64_t y, int64_t x, int64_t c) {
    return static_cast<float>(src[(y * w + x) * channels + c]);
  };
  for (int64_t c = 0; c < channels; ++c) {
    const float mean = options.mean[static_cast<size_t>(c)];
    const float inv_std = 1.0f / options.std[static_cast<size_t>(c)];
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const Tap& ty = ys[static_cast<size_t>(oy)];
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const Tap& tx = xs[static_cast<size_t>(ox)];
        const float top = px(ty.lo, tx.lo, c) * (1 - tx.w) + px(ty.lo, tx.hi, c) * tx.w;
        const float bottom = px(ty.hi, tx.lo, c) * (1 - tx.w) + px(ty.hi, tx.hi, c) * tx.w;
        const float v = top * (1 - ty.w) + bottom * ty.w;
        dst[static_cast<size_t>((c * out_h + oy) * out_w + ox)] =
            (v * options.scale - mean) * inv_std;
      }
    }
  }
  return out;
}

Result<Tensor> LoadImage(const std::string& path, const ImageOptions& options) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  return DecodeImage(bytes, path, options);
}

bool IsImagePath(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp";
}

}  // namespace aorta
