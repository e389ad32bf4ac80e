// What `aorta run` does with a program's outputs after the run: the program's metadata key
// "postprocess" names it (written by `aorta compile --postprocess`, which by default detects it
// from the model's outputs). Today one kind: "blazeface" (MediaPipe face detection: SSD anchors,
// box decoding and non-maximum suppression of models/real/blazeface.h), whose detections are
// printed and drawn on the input image (PNG).
#pragma once

#include <string>
#include <vector>

#include "core/io/tensor.h"
#include "core/program.h"
#include "core/status.h"
#include "models/real/blazeface.h"

namespace aorta::cli {

inline constexpr char kPostprocessKey[] = "postprocess";
inline constexpr char kPostprocessBlazeFace[] = "blazeface";
inline constexpr char kPostprocessNone[] = "none";

// "blazeface" when the program looks like BlazeFace: one square 128x128 (front) or 256x256
// (back) RGB input (NHWC or NCHW) and four outputs, two score maps [1, A, 1] and two box maps
// [1, A, 16] whose anchor counts A are MediaPipe's for that input size (512 + 384); "" otherwise.
std::string DetectPostprocess(const Program& p);

// The program's post-processing: metadata "postprocess" when present ("none" = nothing), else
// DetectPostprocess (programs compiled before the key existed). Unknown values are errors.
Result<std::string> PostprocessOf(const Program& p);

// BlazeFace detections of one run: every anchor's box decoded, those scoring >= threshold kept,
// greedy non-maximum suppression at nms_iou, best first. Errors name a missing output.
Result<std::vector<models::Box>> BlazeFaceDetections(const Program& p, const TensorMap& outputs,
                                                     double threshold, double nms_iou);

// The image file with each box drawn (a 3-pixel red frame; boxes are relative to the image, as
// the model sees the whole image resized) at the file's own resolution, written as PNG.
Status WriteBoxesPng(const std::string& image_path, const std::vector<models::Box>& boxes,
                     const std::string& png_path);

}  // namespace aorta::cli
