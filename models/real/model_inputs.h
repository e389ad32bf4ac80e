// Inputs for the real models of models/models.txt (docs/models.md): real images from the cache,
// preprocessed the way each model expects. The wake-word models' speech inputs are in
// models/real/wakeword.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::models {

// The model cache scripts/fetch-models fills: $AORTA_MODELS_DIR, else <source_dir>/.cache/models.
std::string ModelsDir(const std::string& source_dir);

// BlazeFace (MediaPipe face detection, Barracuda export): the whole image resized (bilinear,
// half-pixel centres) to size x size, RGB (grey images replicated), value = pixel / 127.5 - 1
// (MediaPipe's [-1, 1] range), laid out NHWC: [1, size, size, 3].
Result<Tensor> BlazeFaceInput(const std::string& image_path, int64_t size);

// Calibration inputs for BlazeFace that share no pixel with the test photographs: every
// background photograph prepared as BlazeFaceInput with faces of the LFW subset (scikit-image's
// lfw_subset.npy: [200, 25, 25] grey crops in 0..1, the first 100 faces) pasted in, so that the
// score heads see positive logits too. Composite k (of background k) holds one large face (side
// 0.45 * size, centred at x = 0.35, y = 0.4 of the image) and four small ones (side 0.16 * size,
// along the right edge), faces 5k .. 5k + 4, resized bilinearly (half-pixel centres) and
// replicated to RGB. A stack [backgrounds, size, size, 3], NHWC.
inline constexpr int64_t kFacesPerComposite = 5;
Result<Tensor> BlazeFaceCalibrationSet(const std::vector<std::string>& backgrounds,
                                       const std::string& lfw_npy, int64_t size);

// A rectangle of an image, optionally turned by 180 degrees (upside-down text).
struct ImageCrop {
  std::string image;  // path
  int64_t x = 0, y = 0, width = 0, height = 0;
  bool rotate180 = false;
};

// PaddleOCR's text-direction classifier (ch_ppocr_mobile_v2.0_cls), as PaddleOCR's
// predict_cls.py prepares it: each crop resized (bilinear, half-pixel centres) to height 48 and
// width min(192, ceil(48 * w / h)), value = (pixel / 255 - 0.5) / 0.5 on 3 channels, zero-padded
// on the right to 192: [crops.size(), 3, 48, 192].
Result<Tensor> TextDirectionInput(const std::vector<ImageCrop>& crops);

// The cosine similarity of two tensors' values (1 when both are all zero, 0 when one is).
double Cosine(const Tensor& a, const Tensor& b);

}  // namespace aorta::models
