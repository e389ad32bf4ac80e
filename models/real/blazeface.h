// BlazeFace post-processing (MediaPipe face detection): SSD anchors generated the way
// MediaPipe's SsdAnchorsCalculator does it, box decoding as its TensorsToDetectionsCalculator,
// and non-maximum suppression. Used to compare detections of the chip against fp32
// (docs/models.md, "Accuracy on the chip").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::models {

struct AnchorOptions {
  int64_t input_size = 128;      // square input
  std::vector<int64_t> strides;  // one per layer
  double offset = 0.5;
  bool interpolated_scale = true;  // MediaPipe's interpolated_scale_aspect_ratio = 1: 2 per ratio
};
// Front (128x128): strides 8, 16, 16, 16 -> 896 anchors; back (256x256): 16, 32, 32, 32 -> 896.
AnchorOptions FrontAnchors();
AnchorOptions BackAnchors();

struct Anchor {
  double x = 0, y = 0;  // centre, relative to the image (fixed anchor size 1)
};
std::vector<Anchor> GenerateAnchors(const AnchorOptions& o);

struct Box {
  double ymin = 0, xmin = 0, ymax = 0, xmax = 0;  // relative to the image
  double score = 0;                               // sigmoid of the logit
};
double IoU(const Box& a, const Box& b);

// Every anchor's box from the model's raw outputs: `scores` [1, A1, 1] and [1, A2, 1] logits,
// `boxes` [1, A1, 16] and [1, A2, 16] (x, y, w, h in input pixels relative to the anchor, then
// key points), concatenated in anchor order.
Result<std::vector<Box>> DecodeBoxes(const std::vector<const Tensor*>& scores,
                                     const std::vector<const Tensor*>& boxes,
                                     const AnchorOptions& o);

// The best-scoring box, and the detections: boxes scoring >= threshold, greedy non-maximum
// suppression at `nms_iou`, best first.
Box BestBox(const std::vector<Box>& boxes);
std::vector<Box> Detections(std::vector<Box> boxes, double threshold, double nms_iou);

// A model's detections against a reference's (issue 3's bars: the best box's IoU, the same
// detections at the threshold, each reference detection matched by one of them).
struct DetectionComparison {
  Box best, best_ref;
  double best_iou = 0;  // IoU of the two best boxes
  std::vector<Box> detections, detections_ref;
  // Over the reference's detections, the lowest best-IoU with a detection of `got` (0 when the
  // reference has none; 1 means every reference detection is found exactly).
  double worst_match_iou = 0;
};
// `got` and `ref`: the model's outputs by name; `outputs`: its output names (two score maps
// [1, A, 1] and two box maps [1, A, 16], in any order: ordered here by anchor count, the larger
// map first, as the anchors are).
Result<DetectionComparison> CompareDetections(const TensorMap& got, const TensorMap& ref,
                                              const std::vector<std::string>& outputs,
                                              const AnchorOptions& o, double threshold = 0.5,
                                              double nms_iou = 0.3);

}  // namespace aorta::models
