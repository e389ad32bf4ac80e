// BlazeFace post-processing (MediaPipe face detection): SSD anchors generated the way
// MediaPipe's SsdAnchorsCalculator does it, box decoding as its TensorsToDetectionsCalculator,
// and non-maximum suppression. Used to compare detections of the chip against fp32
// (docs/models.md, "Accuracy on the chip").
#pragma once

#include <cstdint>
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

}  // namespace aorta::models
