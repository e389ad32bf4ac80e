// The bundled demo program "demo_cnn": a small quantized CNN compiled by hand with the ISA, so
// that `aorta run` has something real to run until the compiler exists.
//
//   input 1x16x16x16 (float, quantized per tensor to int8)
//   conv1    3x3 16->16 pad 1 + bias + ReLU          MATMUL passes + POSTPROC
//   pool1    max 2x2 stride 2 -> 16x8x8              POOL MAX
//   conv2    1x1 16->32 + bias + ReLU                MATMUL passes + POSTPROC
//   dwconv3  depthwise 3x3 pad 1 on 32 + ReLU6       DWCONV + POSTPROC
//   add4     dwconv3 + conv2 (residual)              VEC_ELTWISE ADD
//   gap5     global average pool -> 32x1x1           POOL AVG, kernel 8x8
//   fc6      fully connected 32->10                  MATMUL (in_h = in_w = 1) + POSTPROC
//   output 1x10 int8, dequantized by the runtime
//
// Numbers. Weights and biases are pseudo-random (SplitMix64 below, seeded by `seed`), drawn
// uniformly in +-gain*sqrt(6/fan_in) (He-uniform; dwconv3 uses gain 3 so that its ReLU6
// clips), biases in +-0.1, then the input uniformly in [-0.5, 1) (asymmetric, so the input
// zero point is not 0 and conv1's padding and bias folding matter). The float model runs in
// double (RunFloatModel); its per-tensor min / max over this input (widened to include 0) give
// every activation's int8 scale and zero point: scale = (max - min) / 255 rounded to float (the
// program stores float scales), zero point = round(-128 - min / scale). That is the whole
// calibration. Weights are quantized symmetrically per output channel (scale = max|w| / 127),
// biases to int32 at s_in * s_w. Requantization multipliers are real scale ratios written as
// m * 2^-(31 + s) with m in [2^30, 2^31) (core/intmath.h rule R3); the residual add and the
// average pool use the VEC_ELTWISE / POOL records of rules R5 and R6.
//
// On the chip (N lanes, any N >= 8): every tensor stays in the unified buffer (a tensor
// (C, H, W) is ceil(C/N) planes of H*W rows). Weights, per-channel parameters and op records
// live in one BUFFER_CONSTANT buffer (board DRAM) that the init stream loads into WB and PARAM
// once (pinned). The run stream loads the input (BUFFER_INPUT), runs the layers with a PERF
// snapshot after each (BUFFER_PERF, record t at t * kSnapshotBytes), and stores the output
// (BUFFER_OUTPUT). A k x k convolution is one MATMUL per (output block, kernel tap, input
// block); the activation zero point is the padding value and is folded into the bias.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/intmath.h"
#include "core/io/tensor.h"
#include "core/program.h"
#include "core/status.h"

namespace aorta::demo {

inline constexpr char kModelName[] = "demo_cnn";
inline constexpr char kInputName[] = "input";
inline constexpr char kOutputName[] = "logits";

// Model dimensions.
inline constexpr int64_t kInC = 16, kInH = 16, kInW = 16;  // input
inline constexpr int64_t kC1 = 16;                         // conv1 output channels
inline constexpr int64_t kPoolH = 8, kPoolW = 8;           // after pool1
inline constexpr int64_t kC2 = 32;                         // conv2 / dwconv3 / add4 channels
inline constexpr int64_t kClasses = 10;                    // fc6 outputs

// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014), with
// the constants of Vigna's reference code: state += 0x9e3779b97f4a7c15, then the output is the
// state mixed by (z ^ z >> 30) * 0xbf58476d1ce4e5b9, (z ^ z >> 27) * 0x94d049bb133111eb,
// z ^ z >> 31.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // lo + (hi - lo) * u with u = (Next() >> 11) * 2^-53, uniform in [0, 1).
  double Uniform(double lo, double hi);

 private:
  uint64_t state_;
};

// A float convolution layer (double): weights [out_c][in_c][k][k] (in_c per group: 1 when
// depthwise), bias [out_c], stride 1, symmetric padding. The fully connected layer is a 1x1
// convolution on a 1x1 image.
struct ConvWeights {
  int64_t out_c = 0, in_c = 0, k = 1, pad = 0;
  bool depthwise = false;
  std::vector<double> w;
  std::vector<double> b;
};

struct DemoWeights {
  ConvWeights conv1, conv2, dwconv3, fc6;
};

// Every activation of the float model, CHW (batch 1 left out), in double.
struct FloatActivations {
  std::vector<double> input;    // 16x16x16
  std::vector<double> conv1;    // 16x16x16, after ReLU
  std::vector<double> pool1;    // 16x8x8
  std::vector<double> conv2;    // 32x8x8, after ReLU
  std::vector<double> dwconv3;  // 32x8x8, after ReLU6
  std::vector<double> add4;     // 32x8x8
  std::vector<double> gap5;     // 32
  std::vector<double> fc6;      // 10
};

// The float (double) model. `input` is 16x16x16 CHW.
FloatActivations RunFloatModel(const DemoWeights& w, const std::vector<double>& input);

// Per-tensor activation quantization: real = scale * (q - zero_point). `scale` is exactly a
// float (the program's QuantParams.scale is a float).
struct ActQuant {
  double scale = 1;
  int32_t zero_point = 0;
};

// A quantized convolution in the ONNX QLinearConv form: int8 weights (symmetric per output
// channel, w ~ w_scale[c] * q), int32 bias = round(b / (s_in * w_scale[c])) with the input zero
// point NOT folded in, and the requantization s_in * w_scale[c] / s_out = mult * 2^-(31 + shift).
// [lo, hi] is the output clamp (the activation).
struct QuantConv {
  std::vector<int8_t> w;  // same layout as ConvWeights::w
  std::vector<double> w_scale;
  std::vector<int32_t> bias, mult, shift;
  int32_t lo = -128, hi = 127;
};

struct QuantModel {
  // Activation quantization. pool1 shares conv1's (max pooling commutes with quantization).
  ActQuant act_input, act_conv1, act_conv2, act_dwconv3, act_add4, act_gap5, act_fc6;
  QuantConv conv1, conv2, dwconv3, fc6;
  intmath::EltwiseParams add4;  // a = dwconv3, b = conv2
  intmath::AvgPoolParams gap5;  // over the 8x8 image
};

// real = mult * 2^-(31 + shift) with mult in [2^30, 2^31) and shift in
// [intmath::kMinShift, intmath::kMaxShift] (for tiny ratios, shift = kMaxShift and mult
// smaller). InvalidArgument if real <= 0 or real >= 2^30.
struct Multiplier {
  int32_t mult = 0;
  int32_t shift = 0;
};
Result<Multiplier> QuantizeMultiplier(double real);

struct DemoModel {
  Program program;
  Tensor input;  // f32 [1, 16, 16, 16]
  DemoWeights weights;
  FloatActivations reference;  // RunFloatModel(weights, input)
  QuantModel quant;
};

// Builds the demo model and its program for `chip` (array size N >= 8, buffers large enough).
Result<DemoModel> BuildDemoModel(const ChipConfig& chip, uint32_t seed);

}  // namespace aorta::demo
