#include "models/real/blazeface.h"

#include <algorithm>
#include <cmath>

namespace aorta::models {

AnchorOptions FrontAnchors() { return {128, {8, 16, 16, 16}, 0.5, true}; }
AnchorOptions BackAnchors() { return {256, {16, 32, 32, 32}, 0.5, true}; }

std::vector<Anchor> GenerateAnchors(const AnchorOptions& o) {
  std::vector<Anchor> anchors;
  const size_t layers = o.strides.size();
  size_t layer = 0;
  while (layer < layers) {
    // Consecutive layers with the same stride share one feature map: their anchors per cell add.
    size_t last = layer;
    int64_t per_cell = 0;
    while (last < layers && o.strides[last] == o.strides[layer]) {
      per_cell += o.interpolated_scale ? 2 : 1;  // aspect ratio 1, plus the interpolated scale
      ++last;
    }
    const int64_t stride = o.strides[layer];
    const int64_t fm = (o.input_size + stride - 1) / stride;
    for (int64_t y = 0; y < fm; ++y)
      for (int64_t x = 0; x < fm; ++x)
        for (int64_t k = 0; k < per_cell; ++k)
          anchors.push_back({(static_cast<double>(x) + o.offset) / static_cast<double>(fm),
                             (static_cast<double>(y) + o.offset) / static_cast<double>(fm)});
    layer = last;
  }
  return anchors;
}

double IoU(const Box& a, const Box& b) {
  const double iy = std::max(0.0, std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin));
  const double ix = std::max(0.0, std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin));
  const double inter = ix * iy;
  const double uni =
      (a.ymax - a.ymin) * (a.xmax - a.xmin) + (b.ymax - b.ymin) * (b.xmax - b.xmin) - inter;
  return uni > 0 ? inter / uni : 0;
}

Result<std::vector<Box>> DecodeBoxes(const std::vector<const Tensor*>& scores,
                                     const std::vector<const Tensor*>& boxes,
                                     const AnchorOptions& o) {
  const std::vector<Anchor> anchors = GenerateAnchors(o);
  if (scores.size() != boxes.size()) return InvalidArgument("scores and boxes do not pair up");
  std::vector<Box> out;
  const double s = static_cast<double>(o.input_size);
  for (size_t k = 0; k < scores.size(); ++k) {
    const Tensor& sc = *scores[k];
    const Tensor& bx = *boxes[k];
    const int64_t n = sc.element_count();
    if (bx.element_count() != n * 16)
      return InvalidArgument("output {}: {} scores but {} box values", k, n, bx.element_count());
    const std::vector<double> sv = sc.ToDoubles(), bv = bx.ToDoubles();
    for (int64_t i = 0; i < n; ++i) {
      const size_t a = out.size();
      if (a >= anchors.size())
        return InvalidArgument("more boxes than the {} anchors", anchors.size());
      const double* r = bv.data() + i * 16;
      const double xc = r[0] / s + anchors[a].x, yc = r[1] / s + anchors[a].y;
      const double w = r[2] / s, h = r[3] / s;
      const double logit = std::clamp(sv[static_cast<size_t>(i)], -100.0, 100.0);
      out.push_back(
          {yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2, 1.0 / (1.0 + std::exp(-logit))});
    }
  }
  if (out.size() != anchors.size())
    return InvalidArgument("{} boxes for {} anchors", out.size(), anchors.size());
  return out;
}

Box BestBox(const std::vector<Box>& boxes) {
  Box best;
  best.score = -1;
  for (const Box& b : boxes)
    if (b.score > best.score) best = b;
  return best;
}

std::vector<Box> Detections(std::vector<Box> boxes, double threshold, double nms_iou) {
  std::stable_sort(boxes.begin(), boxes.end(),
                   [](const Box& a, const Box& b) { return a.score > b.score; });
  std::vector<Box> kept;
  for (const Box& b : boxes) {
    if (b.score < threshold) break;
    bool suppressed = false;
    for (const Box& k : kept) suppressed |= IoU(b, k) > nms_iou;
    if (!suppressed) kept.push_back(b);
  }
  return kept;
}

Result<DetectionComparison> CompareDetections(const TensorMap& got, const TensorMap& ref,
                                              const std::vector<std::string>& outputs,
                                              const AnchorOptions& o, double threshold,
                                              double nms_iou) {
  std::vector<const Tensor*> gs, gb, rs, rb;
  for (const std::string& name : outputs) {
    const auto g = got.find(name), r = ref.find(name);
    if (g == got.end() || r == ref.end())
      return InvalidArgument("output '{}' is missing from the results compared", name);
    const bool scores = r->second.shape().back() == 1;
    (scores ? gs : gb).push_back(&g->second);
    (scores ? rs : rb).push_back(&r->second);
  }
  auto by_size = [](std::vector<const Tensor*>& v) {
    std::sort(v.begin(), v.end(), [](const Tensor* a, const Tensor* b) {
      return a->element_count() / a->shape().back() > b->element_count() / b->shape().back();
    });
  };
  for (auto* v : {&gs, &gb, &rs, &rb}) by_size(*v);
  AORTA_ASSIGN_OR_RETURN(std::vector<Box> gbox, DecodeBoxes(gs, gb, o));
  AORTA_ASSIGN_OR_RETURN(std::vector<Box> rbox, DecodeBoxes(rs, rb, o));
  DetectionComparison c;
  c.best = BestBox(gbox);
  c.best_ref = BestBox(rbox);
  c.best_iou = IoU(c.best, c.best_ref);
  c.detections = Detections(gbox, threshold, nms_iou);
  c.detections_ref = Detections(rbox, threshold, nms_iou);
  c.worst_match_iou = c.detections_ref.empty() ? 0 : 1;
  for (const Box& r : c.detections_ref) {
    double best = 0;
    for (const Box& g : c.detections) best = std::max(best, IoU(g, r));
    c.worst_match_iou = std::min(c.worst_match_iou, best);
  }
  return c;
}

}  // namespace aorta::models
