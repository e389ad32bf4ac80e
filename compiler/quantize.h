// Post-training quantization of a fused float graph (docs/compiler.md, "Quantization").
//
//   calibration   the fp32 reference runs the graph on calibration inputs (.npy / .npz files of a
//                 directory, or a synthetic N(0, 1) distribution) and records every value's range:
//                 min / max, or a percentile of the samples (outliers clipped)
//   activations   int8 per tensor: scale = (hi - lo) / 255 (a float), zero point
//                 round(-128 - lo / scale), the range widened to include 0
//   weights       int8 per output channel, symmetric: scale = max|w| / 127
//   bias          int32 at s_in * s_w[c]; the input zero point folded in for the device, which
//                 reads the zero point as padding: bias' = bias - z_in * sum(w[c])
//   requantize    s_in * s_w[c] / s_out = m * 2^-(31 + s) (core/intmath.h rule R3)
//   element-wise  VEC_ELTWISE / POOL records (rules R5, R6): scale ratios as m / 2^S
//   LUTs          Sigmoid, Tanh, HardSigmoid, HardSwish: the function evaluated on every int8
//                 input of the intermediate scale, quantized to the output scale
//
// The result keeps the float graph and adds, per value, its QParams and, per node, the integer
// form of the op (QuantizedOp). Code generation (compiler/codegen/) reads only this.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/ir.h"
#include "compiler/passes/fused_ops.h"
#include "core/intmath.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::quant {

// Per-tensor affine quantization: real = scale * (q - zero_point), q in int8.
struct QParams {
  double scale = 1.0;  // exactly a float (TensorBinding.quant.scale is a float)
  int32_t zero_point = 0;

  // clamp(round_half_even(x / scale) + zero_point) to int8, as ONNX QuantizeLinear.
  int32_t Quantize(double x) const;
  double Dequantize(int32_t q) const { return scale * (q - zero_point); }
  bool operator==(const QParams&) const = default;
};

// The int8 parameters of the range [lo, hi], widened to include 0. A degenerate range (hi == lo
// after widening) gets scale 1.
QParams ChooseQParams(double lo, double hi);

// real = mult * 2^-(31 + shift) with mult in [2^30, 2^31) and shift in [kMinShift, kMaxShift]
// (rule R3); a ratio too small for kMaxShift keeps fewer mantissa bits. InvalidArgument for
// real <= 0 or real >= 2^30.
struct Multiplier {
  int32_t mult = 0;
  int32_t shift = 0;
  bool operator==(const Multiplier&) const = default;
};
Result<Multiplier> QuantizeMultiplier(double real);

// A ratio as m / 2^shift for the VEC_ELTWISE and POOL records: the largest shift <= max_shift
// that keeps |m| < 2^30. InvalidArgument if |ratio| needs more than 31 bits at shift 0.
struct FixedRatio {
  int64_t m = 0;
  int32_t shift = 0;
};
Result<FixedRatio> QuantizeRatio(double ratio, int32_t max_shift);
// m for a ratio at a given shift (the second operand of an ADD shares the first one's shift).
int64_t RatioAtShift(double ratio, int32_t shift);

// Symmetric per-channel int8: `w` holds `channels` contiguous groups of equal size.
struct ChannelWeights {
  std::vector<int8_t> q;
  std::vector<double> scale;  // per channel; 1 for an all-zero channel
};
ChannelWeights QuantizeWeightsPerChannel(const std::vector<double>& w, int64_t channels);

// An int8 -> int8 table for POSTPROC (entry q + 128 for input q): f evaluated on
// in.Dequantize(q), quantized with `out`.
using Lut = std::array<int8_t, 256>;
Lut BuildLut(const std::function<double(double)>& f, const QParams& in, const QParams& out);
// The float function of a LUT activation (Sigmoid, Tanh, HardSigmoid, HardSwish); nullopt for
// the others (Relu, Clip, LeakyRelu are computed by POSTPROC's clamp and leaky path).
std::optional<std::function<double(double)>> LutFunction(const passes::Activation& a);

// ---- Calibration ---------------------------------------------------------------------------

//   kMinMax      [min, max] of every value of every sample
//   kPercentile  [P(100 - p), P(p)] of all values (outliers clipped)
//   kMse         the range [lo, hi] (0 inside, lo in (min, 0] and hi in [0, max] on a grid of
//                kMseGrid steps each) whose int8 quantization has the smallest mean squared
//                error over all values: clipping error (x - lo)^2 / (x - hi)^2 outside, step^2 / 12
//                inside; the values are binned in a histogram of kMseBins bins between min and max
//                (a second run of the samples).
enum class CalibMethod { kMinMax, kPercentile, kMse };
inline constexpr int kMseBins = 2048;
inline constexpr int kMseGrid = 128;
// "minmax" | "percentile" | "mse".
Result<CalibMethod> ParseCalibMethod(const std::string& text);

struct CalibOptions {
  CalibMethod method = CalibMethod::kMinMax;
  double percentile = 99.99;  // kPercentile: range = [P(100 - p), P(p)] of all samples
  std::string dir;            // .npy / .npz files; empty: synthetic inputs
  int synthetic_samples = 8;  // synthetic: N(0, 1) clipped to [-3, 3]
  // Channel equalization (FindEqualizedPairs): off by default, it lowers the accuracy of the
  // PaddleOCR classifier on random inputs (cosine 0.992 -> 0.968) while it raises BlazeFace's.
  bool equalize = false;
  // Bias correction of the weights' rounding (CollectRanges' channel means, MeanKey): off by
  // default; on BlazeFace front it moves the 8x8 score cosine 0.984 -> 0.981 (astronaut) and
  // 0.990 -> 0.992 (camera) (docs/models.md, "Where the error comes from").
  bool bias_correction = false;
  uint64_t seed = 1;
};

struct Range {
  double lo = 0, hi = 0;
};

// A histogram of values between lo and hi (kMse): count, sum and sum of squares per bin.
struct Histogram {
  double lo = 0, hi = 0;
  std::vector<double> n, sum, sq;
  Histogram(double lo_, double hi_, int bins);
  void Add(double x);
};
// The range of the smallest mean squared quantization error (CalibMethod::kMse) of the values in
// `h`, whose extremes are h.lo and h.hi.
Range MseRange(const Histogram& h, int grid);

// Key of a fused node's pre-residual / pre-activation value in the range and QParams maps
// (its intermediate "base" result, not a value of the graph).
std::string BaseKey(const std::string& fused_output);
// Key of a fused node's sum (base result + residual) when LeakyRelu or a LUT activation follows
// the residual add: the activation then runs as its own pass, quantized as ops[ActKey(node)].
std::string SumKey(const std::string& fused_output);
std::string ActKey(const std::string& fused_node);
// The range key of every value of `expanded` (passes::ExpandFusedOps of `fused`) that has one:
// graph inputs and node outputs their own name, fused nodes' base results BaseKey, their sums
// SumKey.
std::map<std::string, std::string> RangeKeys(const ir::Graph& fused, const ir::Graph& expanded);

// ---- Channel equalization ------------------------------------------------------------------
//
// A depthwise convolution feeding a convolution (BlazeFace's and MobileNet's separable blocks)
// leaves its output channels on very different ranges, and one per-tensor int8 scale then gives
// the narrow channels a few steps only. Channel c of such a pair is rescaled, exactly in fp32:
// the depthwise weights and bias of c divided by s_c (Relu commutes with it), the consumer's
// weights of input channel c multiplied by s_c. With r1_c the calibrated range of channel c
// (max |lo|, |hi|) and r2_c the largest |weight| of input channel c in the consumer,
// s_c = sqrt(r1_c / r2_c) makes both sqrt(r1_c * r2_c): every channel of the tensor spans the same
// range and the consumer's per-output-channel weight scales are not dominated by one input
// channel (cross-layer equalization, Nagel et al., ICCV 2019, with calibrated activation ranges).
//
// A pair: an aorta.Conv with group = C_in = C_out, no residual and no activation but Relu, whose
// output is no graph output and is read by exactly one node, an aorta.Conv with group 1.
struct EqualizedPair {
  std::string depthwise, consumer;  // node names
  std::string value;                // the depthwise output
  int64_t channels = 0;
};
std::vector<EqualizedPair> FindEqualizedPairs(const ir::Graph& graph);
// Key of channel c of `value` in the range map (CollectRanges records it for every pair's value).
std::string ChannelKey(const std::string& value, int64_t c);
// Key of the calibration mean of channel c of a matrix op's input (`lo` = `hi` = the mean), for
// the bias correction of the weights' rounding (QuantizeGraph).
std::string MeanKey(const std::string& value, int64_t c);

// Synthetic samples: every f32 graph input filled with N(0, 1) clipped to [-3, 3]
// (std::mt19937_64 seeded with `seed`, Box-Muller), `count` samples.
Result<std::vector<TensorMap>> SyntheticSamples(const ir::Graph& graph, int count, uint64_t seed);
// Samples from a directory, files in name order: an .npz holds one sample keyed by input name;
// an .npy is a sample of a single-input model, or several when its leading dim is a multiple of
// the input's batch (a stack of samples). Shapes must match the inputs.
Result<std::vector<TensorMap>> LoadCalibrationDir(const ir::Graph& graph, const std::string& dir);

// Runs the reference on every sample (twice for kMse) and returns the range of every graph input,
// every node output and every fused node's base result (BaseKey) and sum before an activation
// (SumKey), and with `equalize` per channel the min / max of every equalized pair's value
// (ChannelKey), and with `means` the mean of every channel (dim 1) of every matrix op's input
// (MeanKey).
Result<std::map<std::string, Range>> CollectRanges(const ir::Graph& graph,
                                                   const std::vector<TensorMap>& samples,
                                                   CalibMethod method, double percentile,
                                                   bool equalize = false, bool means = false);

// ---- The quantized graph -------------------------------------------------------------------

// aorta.Conv / aorta.Gemm (a Gemm is a 1x1 convolution of a (K, 1, M) image).
struct QuantizedMatrixOp {
  int64_t out_c = 0, in_c = 0, group = 1;  // in_c: all input channels
  int64_t k_h = 1, k_w = 1;
  std::vector<int8_t> w;  // [out_c][in_c / group][k_h][k_w]
  std::vector<double> w_scale;
  std::vector<int32_t> bias;         // QLinearConv bias (zero point not folded)
  std::vector<int32_t> folded_bias;  // bias - z_in * sum(w[c]): what POSTPROC adds
  std::vector<Multiplier> mult;      // s_in * s_w[c] / s_post
  QParams in, post, out;             // post: POSTPROC's target (out, or the base result's QParams)
  int32_t lo = -128, hi = 127;       // POSTPROC clamp
  bool leaky = false;
  int32_t alpha_mult = 0;
  uint32_t alpha_shift = 0;
  std::optional<Lut> lut;
  // With a residual: VEC_ELTWISE ADD of the base result (a) and the residual (b) into out, or
  // into the sum when LeakyRelu or a LUT follows (then ops[ActKey(node)] is that activation).
  std::optional<intmath::EltwiseParams> residual;
};

// Add / Sub / Mul / Max / Min, and Relu / Clip / LeakyRelu outside a fused node (b = a).
struct QuantizedEltwise {
  intmath::EltKind kind = intmath::EltKind::kAdd;
  intmath::EltwiseParams p;
  bool swapped = false;  // operand a is the node's input 1 (the broadcast one was input 0)
  // A constant operand b (per channel or scalar), quantized to int8: one value per channel.
  std::optional<std::vector<int32_t>> b_const;
};

struct QuantizedAvgPool {
  intmath::AvgPoolParams p;
};

using QuantizedOp =
    std::variant<std::monostate, QuantizedMatrixOp, QuantizedEltwise, QuantizedAvgPool>;

struct QuantizedGraph {
  ir::Graph graph;                         // the fused float graph
  std::map<std::string, QParams> act;      // per value (and BaseKey intermediates)
  std::map<std::string, QuantizedOp> ops;  // per node name; monostate: nothing to quantize
  // Per equalized value (a depthwise output): s_c per channel. Its int8 tensor holds the value of
  // channel c divided by s_c (act gives the parameters of that scaled tensor).
  std::map<std::string, std::vector<double>> equalized;
  std::vector<std::string> warnings;
};

// Quantizes `graph` (after the graph passes) with the given value ranges; the pairs of
// FindEqualizedPairs whose channel ranges are given are equalized (QuantizedGraph::equalized).
Result<QuantizedGraph> QuantizeGraph(const ir::Graph& graph,
                                     const std::map<std::string, Range>& ranges);

// Calibrates (CalibOptions) and quantizes. Without a calibration directory the result carries a
// warning and the synthetic samples are used; a directory that cannot be read is an error.
Result<QuantizedGraph> Quantize(const ir::Graph& graph, const CalibOptions& options);

}  // namespace aorta::quant
