#include "cli/postprocess.h"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "core/io/file_util.h"

namespace aorta::cli {
namespace {

Shape ShapeOf(const program::TensorBinding& b) { return Shape(b.shape().begin(), b.shape().end()); }

// The anchors for a BlazeFace program: from its (single) input's size, 128 front, 256 back.
std::optional<models::AnchorOptions> BlazeFaceAnchors(const Program& p) {
  if (p.inputs_size() != 1) return std::nullopt;
  const Shape s = ShapeOf(p.inputs(0));
  if (s.size() != 4 || s[0] != 1) return std::nullopt;
  int64_t h = 0, w = 0;
  if (s[3] == 3) {
    h = s[1];
    w = s[2];
  } else if (s[1] == 3) {
    h = s[2];
    w = s[3];
  }
  if (h != w) return std::nullopt;
  if (h == 128) return models::FrontAnchors();
  if (h == 256) return models::BackAnchors();
  return std::nullopt;
}

// Anchors per feature map (consecutive layers of one stride share a map), largest map first.
std::vector<int64_t> AnchorsPerMap(const models::AnchorOptions& o) {
  std::vector<int64_t> counts;
  for (size_t layer = 0; layer < o.strides.size();) {
    size_t last = layer;
    int64_t per_cell = 0;
    while (last < o.strides.size() && o.strides[last] == o.strides[layer]) {
      per_cell += o.interpolated_scale ? 2 : 1;
      ++last;
    }
    const int64_t fm = (o.input_size + o.strides[layer] - 1) / o.strides[layer];
    counts.push_back(fm * fm * per_cell);
    layer = last;
  }
  return counts;
}

// The outputs named by kind: score maps [1, A, 1] and box maps [1, A, 16], each list in anchor
// order (largest map first). Empty lists when the outputs are not BlazeFace's.
struct FaceOutputs {
  std::vector<std::string> scores, boxes;
};
FaceOutputs FaceOutputsOf(const Program& p, const models::AnchorOptions& o) {
  std::vector<std::pair<int64_t, std::string>> scores, boxes;
  for (const auto& b : p.outputs()) {
    const Shape s = ShapeOf(b);
    if (s.size() != 3 || s[0] != 1) return {};
    if (s[2] == 1)
      scores.push_back({s[1], b.name()});
    else if (s[2] == 16)
      boxes.push_back({s[1], b.name()});
    else
      return {};
  }
  auto by_anchors = [](auto& v) {
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
  };
  by_anchors(scores);
  by_anchors(boxes);
  const std::vector<int64_t> want = AnchorsPerMap(o);
  if (scores.size() != want.size() || boxes.size() != want.size()) return {};
  FaceOutputs f;
  for (size_t i = 0; i < want.size(); ++i) {
    if (scores[i].first != want[i] || boxes[i].first != want[i]) return {};
    f.scores.push_back(scores[i].second);
    f.boxes.push_back(boxes[i].second);
  }
  return f;
}

}  // namespace

std::string DetectPostprocess(const Program& p) {
  const std::optional<models::AnchorOptions> o = BlazeFaceAnchors(p);
  if (o && !FaceOutputsOf(p, *o).scores.empty()) return kPostprocessBlazeFace;
  return "";
}

Result<std::string> PostprocessOf(const Program& p) {
  auto it = p.metadata().find(kPostprocessKey);
  if (it == p.metadata().end()) return DetectPostprocess(p);
  if (it->second == kPostprocessNone) return std::string();
  if (it->second == kPostprocessBlazeFace) return it->second;
  return InvalidArgument("program metadata {} '{}': expected {} or {}", kPostprocessKey, it->second,
                         kPostprocessBlazeFace, kPostprocessNone);
}

Result<std::vector<models::Box>> BlazeFaceDetections(const Program& p, const TensorMap& outputs,
                                                     double threshold, double nms_iou) {
  const std::optional<models::AnchorOptions> o = BlazeFaceAnchors(p);
  if (!o)
    return InvalidArgument(
        "postprocess blazeface: the program's input is not a 128x128 or 256x256 RGB image");
  const FaceOutputs f = FaceOutputsOf(p, *o);
  if (f.scores.empty())
    return InvalidArgument(
        "postprocess blazeface: the program's outputs are not two score maps [1, A, 1] and two "
        "box maps [1, A, 16] with {} anchors",
        GenerateAnchors(*o).size());
  std::vector<const Tensor*> scores, boxes;
  for (const auto* names : {&f.scores, &f.boxes}) {
    for (const std::string& name : *names) {
      auto it = outputs.find(name);
      if (it == outputs.end())
        return InvalidArgument("postprocess blazeface: no output '{}' in the run's results", name);
      (names == &f.scores ? scores : boxes).push_back(&it->second);
    }
  }
  AORTA_ASSIGN_OR_RETURN(std::vector<models::Box> all, models::DecodeBoxes(scores, boxes, *o));
  return models::Detections(std::move(all), threshold, nms_iou);
}

Status WriteBoxesPng(const std::string& image_path, const std::vector<models::Box>& boxes,
                     const std::string& png_path) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(image_path));
  int w = 0, h = 0, c = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                            static_cast<int>(bytes.size()), &w, &h, &c, 3),
      stbi_image_free);
  if (!px) return DataLoss("{}: cannot decode image: {}", image_path, stbi_failure_reason());
  const int thick = std::max(1, std::min(w, h) / 170);  // 3 px at 512
  auto paint = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    stbi_uc* p = px.get() + (static_cast<size_t>(y) * static_cast<size_t>(w) + x) * 3;
    p[0] = 255;
    p[1] = 0;
    p[2] = 0;
  };
  for (const models::Box& b : boxes) {
    const int x0 = static_cast<int>(std::lround(b.xmin * w));
    const int x1 = static_cast<int>(std::lround(b.xmax * w));
    const int y0 = static_cast<int>(std::lround(b.ymin * h));
    const int y1 = static_cast<int>(std::lround(b.ymax * h));
    for (int t = 0; t < thick; ++t) {
      for (int x = x0; x <= x1; ++x) {
        paint(x, y0 + t);
        paint(x, y1 - t);
      }
      for (int y = y0; y <= y1; ++y) {
        paint(x0 + t, y);
        paint(x1 - t, y);
      }
    }
  }
  if (stbi_write_png(png_path.c_str(), w, h, 3, px.get(), w * 3) == 0)
    return InvalidArgument("cannot write {}", png_path);
  return Status::Ok();
}

}  // namespace aorta::cli
