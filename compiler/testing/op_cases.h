// The per-op end-to-end cases of the compiler: small ONNX graphs with random weights (fixed
// seeds), and their compilation with calibration (through a real .onnx file) together with the
// test input. One source for every test that runs them:
//   - compiler/compile_test.cc: compiled, run on the golden model, compared with the fp32
//     reference (op by op accuracy bounds);
//   - verif/soc/rtl_ops_test.cc: the same programs on the verilated SoC (rtl backend), outputs and
//     non-timing counters bit-identical with the golden model;
//   - tlm/tlm_bench.cc (--models ops): rtl_ops_test's programs on the TLM model (RtlSuite).
//
//   op_cases::ConvSpec s;  s.cin = 10;  s.act = "Relu";
//   Result<op_cases::CompiledCase> c = op_cases::CompileCase(op_cases::ConvGraph(s, 11), chip);
//   // c->compiled.program, c->inputs (normal, clamped to +-3, from the case's seed)
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "compiler/compile.h"
#include "compiler/ir.h"
#include "core/io/tensor.h"

namespace aorta::op_cases {

using Ints = std::vector<int64_t>;

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g_);
  }
  int64_t Int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g_); }
  // Standard normal values clamped to +-3.
  std::vector<float> Normal(int64_t count);

 private:
  std::mt19937_64 g_;
};

// Weights uniform in +-a (He-like), then put on the per-channel int8 grid (channel = the first
// dimension), so that the compiler's weight quantization is exact.
Tensor GridWeights(Rng& rng, const Shape& shape, int64_t channels, double a);
Tensor RandomTensor(Rng& rng, const Shape& shape, double lo, double hi);
ir::Graph NewGraph();

// ---- Convolutions ----

struct ConvSpec {
  int64_t cin = 3, cout = 8, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1, group = 1;
  Ints pads = {1, 1, 1, 1};  // top, left, bottom, right
  int64_t h = 8, w = 8;
  std::string act;        // "" | Relu | Clip | LeakyRelu | Sigmoid | Tanh | HardSigmoid | HardSwish
  bool residual = false;  // y = act(conv(x) + r), r a second input
  std::string Label() const;
};

// `act` (as ConvSpec::act) from `in` to `out`, node name "act".
void AddActivation(ir::Graph& g, const std::string& act, const std::string& in,
                   const std::string& out);
// x -> Conv (w on the grid, bias b) "c" [-> Add r "sum"] [-> act "y"]; the last is the output.
ir::Graph ConvGraph(const ConvSpec& s, uint64_t seed);

// The activations a layer or a stand-alone node may have (ConvSpec::act, ActivationGraph).
inline constexpr const char* kActivations[] = {"Relu", "Clip",        "LeakyRelu", "Sigmoid",
                                               "Tanh", "HardSigmoid", "HardSwish"};
// Dense convolutions cin x cout in {3, 10, 17}^2 (cin-major), random kernels 1-3, strides 1-2,
// dilation 1-2 (rows), paddings, 5-11 pixels a side, Relu where cin == cout; graph seed
// cin * 100 + cout. Draws from `rng` (the next nine for another chip).
std::vector<ConvSpec> DenseConvSpecs(Rng& rng);
// Depthwise (group = c) for c in {3, 10, 17}: 3x3 or 5x5, strides and dilations 1-2, 7-12
// pixels a side, Clip; graph seed c. Draws from `rng`.
std::vector<ConvSpec> DepthwiseSpecs(Rng& rng);
// Convolutions with 1-4 input channels whose kernel taps pack into the array's rows
// (compiler/codegen/pack_taps.h): kernels 3, 5, 7 (and 3x5, 3x7), strides 1 and 2, symmetric
// and asymmetric padding, shapes that do not divide 8 or 16, one in several bands of output rows
// on tiny, three (stride 2 on 1 or 2 channels) with stride_h input rows interleaved, one of odd
// height; an activation each (a model output without one is a wide output, which is not packed).
// Graph seed 400 + index.
std::vector<ConvSpec> PackedTapSpecs();
// Six convolutions on 64 x 72 (tiled through DRAM on tiny), the fourth with a residual input;
// graph seed 300 + index.
std::vector<ConvSpec> TiledConvSpecs();

// ---- Matrices ----

// Gemm [m, k] x weights (n outputs, stored [n, k] with transB, else [k, n]) + bias [n]; output
// "y". Draws the weights, then the bias, from `rng`.
ir::Graph GemmGraph(Rng& rng, int64_t m, int64_t k, int64_t n, bool trans_b);
// Gemm 3x10 * 17 (transB) with alpha 0.5, beta 2 and a [1, 17] C.
ir::Graph GemmAlphaBetaGraph(uint64_t seed);
// MatMul [4, 17] x a constant [17, 9], then Relu.
ir::Graph MatMulReluGraph(uint64_t seed);

// ---- Element-wise, activations, pooling ----

// `op` of two inputs "a", "b" of shapes `a`, `b`; output "y".
ir::Graph BinaryGraph(const std::string& op, const Shape& a, const Shape& b);
// `op` (Add, Mul, Sub, Div) of an input [1, c, h, w] and a per-channel constant [c, 1, 1] (the
// constant first for Sub; Div by values in [0.5, 2]).
ir::Graph ConstantOperandGraph(Rng& rng, const std::string& op, int64_t c, int64_t h, int64_t w);
// Mul of a [1, c, 1, 1] input by a [1, c, h, w] input (squeeze-excitation style).
ir::Graph ChannelScaleGraph(int64_t c, int64_t h, int64_t w);
// A stand-alone activation on an input "x" of `shape`.
ir::Graph ActivationGraph(const std::string& act, const Shape& shape);
// `n` activations in a chain, Relu and LeakyRelu alternating.
ir::Graph ActivationChain(int n, const Shape& shape);

struct PoolSpec {
  std::string op;  // MaxPool | AveragePool | GlobalAveragePool
  Ints kernel, strides, pads;
  int64_t ceil_mode = 0, include_pad = 0;
  std::string Label(int64_t c, int64_t h, int64_t w) const;
};
ir::Graph PoolGraph(const PoolSpec& p, int64_t c, int64_t h, int64_t w);
// Max 2x2/2, max 3x3/2 padded ceil, average 3x3/1 padded, 3x2/2x1 counting the pad, 2x3/2 ceil,
// global average.
std::vector<PoolSpec> PoolSpecs();
inline constexpr const char* kBinaryOps[] = {"Add", "Sub", "Mul", "Max", "Min"};

// ---- ConvTranspose, Pad, Resize (chip copies and the matrix unit) ----

struct DeconvSpec {
  int64_t cin = 4, cout = 6, kh = 3, kw = 3, sh = 2, sw = 2, dh = 1, dw = 1, group = 1;
  Ints pads = {1, 1, 1, 1};  // top, left, bottom, right
  Ints out_pad = {0, 0};
  int64_t h = 5, w = 4;
  std::string act = {};  // as ConvSpec::act
  std::string Label() const;
};
// x -> ConvTranspose (weights on the per-output-channel int8 grid, bias) "up" [-> act]; output
// "y".
ir::Graph ConvTransposeGraph(const DeconvSpec& s, uint64_t seed);
// 2x2 stride 2 (U-Net), 3x3 stride 2 padded with output_padding, 4x4 stride 2 pad 1, 3x3
// stride 1 dilation 2, grouped 2x2 stride 2, asymmetric strides 3x1 + Relu; channel counts
// that do not divide 8 and 16.
std::vector<DeconvSpec> DeconvSpecs();
// Pad of x [1, c, h, w] (pads in ONNX order [n, c, t, l, n, c, b, r]) by `value` at `opset`
// (pads / value as attributes before 11, as inputs from 11), then `then`: "" (the output),
// "Conv" (3x3, its padding 0: the Pad folds into it when value is 0) or "MaxPool" (2x2).
ir::Graph PadGraph(int64_t c, int64_t h, int64_t w, const Ints& pads, float value, int64_t opset,
                   const std::string& then);
// Nearest upsampling of x [1, c, h, w] by (sh, sw) at `opset`: Upsample (9), Resize with scales
// (10, 11, 13; roi / scales omitted as the opset allows) or with sizes (`sizes`, 11+), with the
// given coordinate_transformation_mode and nearest_mode (11+, "" = the default).
ir::Graph ResizeGraph(int64_t c, int64_t h, int64_t w, int64_t sh, int64_t sw, int64_t opset,
                      bool sizes, const std::string& coord = "", const std::string& nearest = "");

// A few of each of the above for the chip (label, graph): what compile_test checks against the
// fp32 reference and verif/soc/rtl_ops_test.cc runs on the RTL.
std::vector<std::pair<std::string, ir::Graph>> LayoutOpCases();

// ---- Tiling through DRAM of every layer kind (sizes that overflow tiny's 8192-row UB) ----

// ConvTranspose (zero insertion per tile), Pad (copy), Resize: input and / or output in DRAM.
std::vector<std::pair<std::string, ir::Graph>> TiledLayoutOpCases();
// Convolutions whose output rows are wider than half of tiny's accumulator (column tiling), in
// the unified buffer and through DRAM: dense, strided depthwise, a stand-alone LUT activation.
std::vector<std::pair<std::string, ir::Graph>> WideRowCases();
// Convolutions 10 -> 10 (3x3) on 64 x 72 with a residual input and LeakyRelu, Sigmoid, HardSwish
// after the add (graph seed 400 + index).
std::vector<ConvSpec> TiledResidualActivationSpecs();
// Squeeze-and-scale: s = GlobalAveragePool(a [1, c, ah, aw]), y = Mul(x [1, c, h, w], s) (inputs
// a, x, in that order; output y). On tiny with c = 8, 10 x 10 and 3 x 2040, x, y and the
// broadcast s all end in DRAM (s's one row splits the free unified buffer).
ir::Graph SqueezeScaleGraph(int64_t c, int64_t ah, int64_t aw, int64_t h, int64_t w);

// ---- Pre-quantized graphs ----

// One int8 layer of a pre-quantized model as the graph holds it: weights (q - zero point, i.e.
// what the chip multiplies) [M, C, kh, kw] with per-output-channel scales, int32 bias (scale
// x_scale * w_scale), the output's scale and zero point (int8, uint8 shifted by -128).
struct QLayer {
  Shape w_shape;
  std::vector<int32_t> w;
  std::vector<float> w_scale;
  std::vector<int32_t> bias;  // empty: none
  float y_scale = 1;
  int32_t y_zp = 0;
  int64_t stride = 1, pad = 0;
  bool relu = false;
  bool pool2 = false;  // a 2x2 stride-2 max pool follows (same parameters)
};
struct QModel {
  ir::Graph graph;
  float x_scale = 1;
  int32_t x_zp = 0;            // int8 (uint8 shifted)
  std::vector<QLayer> layers;  // in order; a [1, C] -> [1, N] MatMul is a 1x1 layer
};
// QDQ format (ONNX Runtime's): x -> Q -> DQ -> Conv 3x3 pad 1 (DQ weights per channel, DQ int32
// bias) -> Relu -> Q -> DQ -> MaxPool 2x2 -> Q -> DQ -> Conv 1x1 (per-tensor weight scale) -> Q
// -> DQ -> y; activations uint8 or int8.
QModel QdqConvModel(uint64_t seed, bool uint8);
// QOperator format: x -> QuantizeLinear -> QLinearConv 3x3 stride 2 pad 1 -> QLinearConv 3x3 ->
// Reshape [1, C] -> QLinearMatMul (12 outputs) -> DequantizeLinear -> y; uint8 (weights too, zero
// point 128) or int8.
QModel QLinearModel(uint64_t seed, bool uint8);

// ---- Models ----

// conv3x3-BN-relu, depthwise 3x3 + relu6, conv1x1 + residual + relu, maxpool, GAP, flatten, gemm.
ir::Graph SmallCnn(uint64_t seed, int64_t hw = 16);
// Conv 3 -> 10 + Relu (output "y") and its 2x2 max pool (output "p").
ir::Graph ConvAndPoolOutputs();
// Conv cin -> cout 3x3 + Relu on h x w, then a 1x1 conv to 10 channels (weights: 64 -> 64 on
// 6 x 5 streams through tiny's weight buffer).
ir::Graph ConvThen1x1(int64_t cin, int64_t cout, int64_t h, int64_t w);
// `layers` 3x3 convs of c -> c channels on h x w (without bias).
ir::Graph ConvChain(int layers, int64_t c, int64_t h, int64_t w);

// ---- The RTL per-op suite ----

// The cases of verif/soc/rtl_ops_test.cc, one function per group (one TEST each), also measured
// by tlm/tlm_bench.cc (--models ops, through RtlSuite): (label, graph). A group that draws from
// `rng` draws the same as the loop it replaced; rtl_ops_test passes one Rng over both chips (the
// second chip's cases are the next draws), RtlSuite a fresh one per chip.
using NamedGraph = std::pair<std::string, ir::Graph>;
std::vector<NamedGraph> DenseConvCases(Rng& rng);  // DenseConvSpecs, seeds as documented there
std::vector<NamedGraph> PackedTapCases();          // PackedTapSpecs (rtl_ops_test: staged)
std::vector<NamedGraph> ConvActivationCases();     // conv 10 -> 10 + each of kActivations
std::vector<NamedGraph> DepthwiseCases(Rng& rng);  // DepthwiseSpecs
std::vector<NamedGraph> GroupedConvCases();        // groups 2, 3, 2, 10
// conv 8 -> 3 / 10 / 17 + residual add (+ Relu but for 10; graph seed 9): ResidualAddCases' first
// three.
std::vector<ConvSpec> ResidualAddSpecs();
std::vector<NamedGraph> ResidualAddCases();           // conv + residual add + activation
std::vector<NamedGraph> SameUpperStridedCases();      // auto_pad SAME_UPPER, stride 2
std::vector<NamedGraph> AccumulatorRowTileCases();    // tiny only: 5 -> 12 on 40 x 40
std::vector<NamedGraph> GemmCases(Rng& rng);          // Gemm forms, alpha / beta, MatMul + Relu
std::vector<NamedGraph> EltwiseCases(Rng& rng);       // binary ops, constant operands, broadcasts
std::vector<NamedGraph> StandaloneActivationCases();  // each of kActivations on 10 x 4 x 7
std::vector<NamedGraph> PoolCases();                  // PoolSpecs on 3, 10, 17 x 9 x 7
std::vector<NamedGraph> SmallCnnCases();              // SmallCnn, ConvAndPoolOutputs
std::vector<NamedGraph> StreamedWeightCases();        // tiny only: weights streamed
std::vector<NamedGraph> TiledConvCases();             // tiny only: TiledConvSpecs
std::vector<NamedGraph> TiledVectorOpCases();         // tiny only: dw, pools, Add, Relu 96 x 96
// tiny only: layout ops, residual + activation, wide rows, squeeze-and-scale and a global pool
// tiled through DRAM (one case of each of compile_test's).
std::vector<NamedGraph> TiledLayoutResidualWideCases();
std::vector<NamedGraph> SmallCnnTiledCases();          // tiny only: SmallCnn on 56 x 56
std::vector<NamedGraph> LayoutAndPreQuantizedCases();  // LayoutOpCases, QDQ and QLinear models
// Every group above for one of rtl_ops_test's configs (tiny: with the tiny-only groups), fresh
// Rngs as in each TEST's first chip, in the order of tlm_bench's per-op list.
std::vector<NamedGraph> RtlSuite(bool tiny);

// ---- Compilation ----

struct CompiledCase {
  Compiled compiled;
  TensorMap inputs;  // the test input: standard normal (clamped to +-3) from the seed
};

// Writes `g` as an .onnx file (a fresh temporary directory per call), draws the test input and
// two more samples of the same distribution from `seed`, calibrates on the three and compiles for
// `chip` with `options` (its calibration directory replaced). Errors name the step that failed.
Result<CompiledCase> CompileCase(const ir::Graph& g, const ChipConfig& chip, uint64_t seed = 1,
                                 CompileOptions options = {});

}  // namespace aorta::op_cases
