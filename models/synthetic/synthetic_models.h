// Synthetic workloads for performance work (docs/models.md, "Synthetic models"): the topologies
// of ResNet-50 v1.5 and MobileNetV2 at 224 x 224, two GEMM-only MLPs and a 512 x 512 x 512 GEMM,
// with random weights from a fixed seed, built as ir::Graph in C++ and written as real .onnx files
// (onnx_export). BatchNormalization is kept as its own node after every convolution, as trained
// models export it, so that the compiler's folding passes run. Nothing is committed: the
// `synthetic_models` build target writes them into build/models/synthetic/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/config.h"
#include "core/status.h"

namespace aorta::models {

// ResNet-50 v1.5 (stride on the 3x3 conv of each bottleneck): input "input" [1, 3, 224, 224],
// output "logits" [1, 1000].
ir::Graph ResNet50(uint64_t seed = 1);
// MobileNetV2 (width 1.0): input "input" [1, 3, 224, 224], output "logits" [1, 1000].
ir::Graph MobileNetV2(uint64_t seed = 1);
// GEMM-only MLP: input "input" [1, 2048], Gemm 2048 -> 4096 -> 4096 -> 1000 with Relu between.
ir::Graph Mlp(uint64_t seed = 1);

// The MLP of the multi-chip scaling study (docs/studies.md, Study 2): kChipSizedMlpLayers square
// Gemm layers d -> d with Relu between, input "input" [1, d], output "logits" [1, d], d sized to a
// chip's weight buffer by ChipSizedMlpWidth: two layers fit one chip, so the model streams from
// DRAM on one chip, is pinned whole on kChipSizedMlpLayers / 2 chips, one layer per chip on
// kChipSizedMlpLayers.
inline constexpr int kChipSizedMlpLayers = 8;
// The largest multiple of the array size N whose d x d int8 weight tiles, twice, fit `chip`'s
// weight buffer (2 * d * d <= weight_buffer_bytes); 0 when not even two N x N tiles fit.
int64_t ChipSizedMlpWidth(const ChipConfig& chip);
ir::Graph ChipSizedMlp(const ChipConfig& chip, uint64_t seed = 1);
// ChipSizedMlp for the Stratix V of the Catapult boards: the chip fpga_board's resource model
// derives for the stratixv_catapult card (build/gen/fpga_board/stratixv_catapult.textproto;
// 48 x 48, 2,752,512-byte weight buffer: d = 1,152, 10.6 M weights).
ir::Graph StratixVMlp(uint64_t seed = 1);
// One MatMul of a [512, 512] input by a constant [512, 512] (the array-utilization benchmark).
ir::Graph Gemm512(uint64_t seed = 1);

struct SyntheticModel {
  std::string name;  // file stem: resnet50, mobilenetv2, mlp, mlp_stratixv, gemm512
  ir::Graph (*build)(uint64_t seed);
};
const std::vector<SyntheticModel>& SyntheticModels();

// Writes `<dir>/<name>.onnx` for every model.
Status WriteSyntheticModels(const std::string& dir, uint64_t seed = 1);

}  // namespace aorta::models
