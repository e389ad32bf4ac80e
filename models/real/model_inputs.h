// Inputs for the real models of models/models.txt (docs/models.md): real images from the cache,
// preprocessed the way each model expects, and deterministic synthetic tensors where no real
// input exists yet (audio features).
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

// openWakeWord's speech embedding input: `batch` windows of 76 frames x 32 mel bins, [N,76,32,1],
// deterministic from `seed` (a smooth spectrogram-like pattern plus noise, in the range of
// openWakeWord's scaled log-mel features, about -2..4). Stands in for real speech until audio
// inputs exist.
Tensor WakeWordMelInput(int64_t batch, uint32_t seed);

// A wake-word classifier's input: 16 embedding vectors of 96, [1,16,96], deterministic from
// `seed`, values in -2..2 (the range of openWakeWord's embeddings).
Tensor WakeWordEmbeddingInput(uint32_t seed);

}  // namespace aorta::models
