#include "compiler/calibration.h"

#include <algorithm>
#include <filesystem>

#include "compiler/quantize.h"

namespace aorta {

Result<std::array<float, 3>> ParseTriple(const std::string& text, const std::string& flag) {
  std::vector<float> v;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    try {
      size_t used = 0;
      v.push_back(std::stof(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      return InvalidArgument("{}: '{}' is not a number (expected e.g. 0.5,0.5,0.5)", flag, item);
    }
    pos = comma + 1;
  }
  if (v.size() == 1) return std::array<float, 3>{v[0], v[0], v[0]};
  if (v.size() != 3)
    return InvalidArgument("{}: {} values in '{}' (expected one or three)", flag, v.size(), text);
  return std::array<float, 3>{v[0], v[1], v[2]};
}

bool LooksNhwc(const Shape& s) {
  return s.size() == 4 && (s[3] == 1 || s[3] == 3) && s[1] != 1 && s[1] != 3;
}

Result<Tensor> ImageAsInput(const std::string& path, const Shape& input_shape,
                            const ImagePreprocess& pre) {
  if (input_shape.size() != 4 || input_shape[0] != 1)
    return InvalidArgument(
        "{}: an image needs a [1, C, H, W] or [1, H, W, C] input, the model's is {}", path,
        ShapeToString(input_shape));
  const int64_t c = pre.nhwc ? input_shape[3] : input_shape[1];
  const int64_t h = pre.nhwc ? input_shape[1] : input_shape[2];
  const int64_t w = pre.nhwc ? input_shape[2] : input_shape[3];
  if (c != 1 && c != 3)
    return InvalidArgument("{}: the model's input {} has {} channels ({}); images give 1 or 3",
                           path, ShapeToString(input_shape), c, pre.nhwc ? "NHWC" : "NCHW");
  ImageOptions o;
  o.height = h;
  o.width = w;
  o.channels = static_cast<int>(c);
  o.scale = pre.scale;
  o.mean = pre.mean;
  o.std = pre.std;
  AORTA_ASSIGN_OR_RETURN(Tensor nchw, LoadImage(path, o));
  if (!pre.nhwc) return nchw;
  Tensor nhwc(DType::kF32, input_shape);
  const auto src = nchw.data<float>();
  auto dst = nhwc.data<float>();
  const auto plane = static_cast<size_t>(h * w);
  const auto channels = static_cast<size_t>(c);
  for (size_t p = 0; p < plane; ++p)
    for (size_t k = 0; k < channels; ++k) dst[p * channels + k] = src[k * plane + p];
  return nhwc;
}

Result<std::vector<TensorMap>> LoadCalibrationSamples(const ir::Graph& graph,
                                                      const std::string& dir,
                                                      const ImagePreprocess& pre) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("--calib: '{}' is not a directory", dir);
  std::vector<std::string> images;
  bool arrays = false;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    arrays |= ext == ".npy" || ext == ".npz";
    if (IsImagePath(e.path().string())) images.push_back(e.path().string());
  }
  std::sort(images.begin(), images.end());
  std::vector<TensorMap> samples;
  if (arrays) {
    AORTA_ASSIGN_OR_RETURN(samples, quant::LoadCalibrationDir(graph, dir));
  }
  if (images.empty()) {
    if (!arrays)
      return NotFound("--calib: no .npy, .npz or image (.png .jpg .jpeg .bmp) files in '{}'", dir);
    return samples;
  }
  if (graph.inputs.size() != 1)
    return InvalidArgument("--calib: images in '{}' but the model has {} inputs (use .npz files)",
                           dir, graph.inputs.size());
  const std::string& name = graph.inputs[0];
  const ir::ValueInfo* info = graph.FindValue(name);
  const std::optional<Shape> shape = info ? info->StaticShape() : std::nullopt;
  if (!shape) return InvalidArgument("--calib: input '{}' has no static shape", name);
  for (const std::string& path : images) {
    Result<Tensor> t = ImageAsInput(path, *shape, pre);
    if (!t.ok()) return t.status().WithContext("--calib");
    samples.push_back({{name, std::move(*t)}});
  }
  return samples;
}

std::map<std::string, std::string> ImageMetadata(const ImagePreprocess& pre) {
  auto three = [](const std::array<float, 3>& v) {
    return fmt::format("{},{},{}", v[0], v[1], v[2]);
  };
  return {{"image.scale", fmt::format("{}", pre.scale)},
          {"image.mean", three(pre.mean)},
          {"image.std", three(pre.std)},
          {"image.layout", pre.nhwc ? "nhwc" : "nchw"}};
}

}  // namespace aorta
