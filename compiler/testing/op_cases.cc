#include "compiler/testing/op_cases.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <tuple>

#include "compiler/onnx_export.h"
#include "compiler/quantize.h"
#include "core/io/npy.h"

namespace aorta::op_cases {

std::vector<float> Rng::Normal(int64_t count) {
  std::normal_distribution<double> d;
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = static_cast<float>(std::clamp(d(g_), -3.0, 3.0));
  return v;
}

Tensor GridWeights(Rng& rng, const Shape& shape, int64_t channels, double a) {
  std::vector<double> w(static_cast<size_t>(ElementCount(shape)));
  for (double& x : w) x = rng.Uniform(-a, a);
  quant::ChannelWeights q = quant::QuantizeWeightsPerChannel(w, channels);
  std::vector<float> f(w.size());
  const size_t per = w.size() / static_cast<size_t>(channels);
  for (size_t i = 0; i < w.size(); ++i) f[i] = static_cast<float>(q.q[i] * q.scale[i / per]);
  return Tensor::FromVector<float>(shape, f);
}

Tensor RandomTensor(Rng& rng, const Shape& shape, double lo, double hi) {
  std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
  for (float& x : v) x = static_cast<float>(rng.Uniform(lo, hi));
  return Tensor::FromVector<float>(shape, v);
}

ir::Graph NewGraph() {
  ir::Graph g;
  g.name = "test";
  g.opset_imports[""] = 14;
  return g;
}

std::string ConvSpec::Label() const {
  return fmt::format("conv {}->{} k{}x{} s{}x{} d{}x{} g{} p{},{},{},{} {}x{}{}{}", cin, cout, kh,
                     kw, sh, sw, dh, dw, group, pads[0], pads[1], pads[2], pads[3], h, w,
                     act.empty() ? "" : " +" + act, residual ? " +res" : "");
}

void AddActivation(ir::Graph& g, const std::string& act, const std::string& in,
                   const std::string& out) {
  if (act == "Clip") {
    g.AddInitializer("clip_lo", Tensor::Scalar<float>(0.0f));
    g.AddInitializer("clip_hi", Tensor::Scalar<float>(6.0f));
    g.AddNode("Clip", {in, "clip_lo", "clip_hi"}, {out}, {}, "act");
  } else if (act == "LeakyRelu") {
    g.AddNode("LeakyRelu", {in}, {out}, {{"alpha", 0.1f}}, "act");
  } else if (act == "HardSigmoid") {
    g.AddNode("HardSigmoid", {in}, {out}, {{"alpha", 0.25f}, {"beta", 0.5f}}, "act");
  } else {
    g.AddNode(act, {in}, {out}, {}, "act");
  }
}

ir::Graph ConvGraph(const ConvSpec& s, uint64_t seed) {
  Rng rng(seed);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, s.cin, s.h, s.w}));
  const int64_t fan_in = s.cin / s.group * s.kh * s.kw;
  g.AddInitializer("w", GridWeights(rng, {s.cout, s.cin / s.group, s.kh, s.kw}, s.cout,
                                    std::sqrt(3.0 / static_cast<double>(fan_in))));
  g.AddInitializer("b", RandomTensor(rng, {s.cout}, -0.2, 0.2));
  g.AddNode("Conv", {"x", "w", "b"}, {"c"},
            {{"kernel_shape", Ints{s.kh, s.kw}},
             {"strides", Ints{s.sh, s.sw}},
             {"dilations", Ints{s.dh, s.dw}},
             {"pads", s.pads},
             {"group", s.group}},
            "conv");
  std::string cur = "c";
  if (s.residual) {
    const int64_t oh = (s.h + s.pads[0] + s.pads[2] - s.dh * (s.kh - 1) - 1) / s.sh + 1;
    const int64_t ow = (s.w + s.pads[1] + s.pads[3] - s.dw * (s.kw - 1) - 1) / s.sw + 1;
    g.AddInput("r", DType::kF32, ir::StaticDims({1, s.cout, oh, ow}));
    g.AddNode("Add", {cur, "r"}, {"sum"}, {}, "residual");
    cur = "sum";
  }
  if (!s.act.empty()) {
    AddActivation(g, s.act, cur, "y");
    cur = "y";
  }
  g.AddOutput(cur);
  return g;
}

std::vector<ConvSpec> DenseConvSpecs(Rng& rng) {
  std::vector<ConvSpec> out;
  for (int64_t cin : {3, 10, 17}) {
    for (int64_t cout : {3, 10, 17}) {
      ConvSpec s;
      s.cin = cin;
      s.cout = cout;
      s.kh = rng.Int(1, 3);
      s.kw = rng.Int(1, 3);
      s.sh = rng.Int(1, 2);
      s.sw = rng.Int(1, 2);
      s.dh = rng.Int(1, 2);
      s.pads = {rng.Int(0, 2), rng.Int(0, 1), rng.Int(0, 1), rng.Int(0, 2)};
      s.h = rng.Int(5, 11);
      s.w = rng.Int(5, 11);
      s.act = cin == cout ? "Relu" : "";
      out.push_back(s);
    }
  }
  return out;
}

std::vector<ConvSpec> DepthwiseSpecs(Rng& rng) {
  std::vector<ConvSpec> out;
  for (int64_t c : {3, 10, 17}) {
    ConvSpec s;
    s.cin = s.cout = s.group = c;
    s.kh = s.kw = rng.Int(0, 1) == 0 ? 3 : 5;
    s.sh = s.sw = rng.Int(1, 2);
    s.dh = s.dw = rng.Int(1, 2);
    const int64_t p = (s.kh - 1) / 2 * s.dh;
    s.pads = {p, p, p - 1 + rng.Int(0, 1), p};
    s.h = rng.Int(7, 12);
    s.w = rng.Int(7, 12);
    s.act = "Clip";
    out.push_back(s);
  }
  return out;
}

std::vector<ConvSpec> PackedTapSpecs() {
  using S = ConvSpec;
  return {S{.cin = 3,
            .cout = 8,
            .kh = 7,
            .kw = 7,
            .sh = 2,
            .sw = 2,
            .pads = {3, 3, 3, 3},
            .h = 23,
            .w = 21,
            .act = "Relu"},
          S{.cin = 1, .cout = 5, .pads = {1, 1, 1, 1}, .h = 9, .w = 13, .act = "Relu"},
          S{.cin = 2,
            .cout = 10,
            .kh = 5,
            .kw = 5,
            .sh = 2,
            .sw = 2,
            .pads = {2, 1, 1, 2},
            .h = 14,
            .w = 11,
            .act = "Clip"},
          S{.cin = 4, .cout = 12, .kw = 5, .pads = {0, 2, 1, 0}, .h = 10, .w = 12, .act = "Relu"},
          S{.cin = 3,
            .cout = 17,
            .kh = 5,
            .kw = 5,
            .pads = {2, 2, 2, 2},
            .h = 12,
            .w = 12,
            .act = "LeakyRelu"},
          S{.cin = 3,
            .cout = 6,
            .kw = 7,
            .sw = 2,
            .pads = {1, 3, 1, 2},
            .h = 11,
            .w = 19,
            .act = "Clip"},
          S{.cin = 3,
            .cout = 8,
            .kh = 7,
            .kw = 7,
            .sh = 2,
            .sw = 2,
            .pads = {3, 2, 3, 3},
            .h = 80,
            .w = 64,
            .act = "Relu"},
          S{.cin = 1,
            .cout = 6,
            .sh = 2,
            .sw = 2,
            .pads = {1, 1, 0, 1},
            .h = 25,
            .w = 18,
            .act = "Relu"}};
}

std::vector<ConvSpec> TiledConvSpecs() {
  Rng rng(91);
  std::vector<ConvSpec> out;
  for (size_t i = 0; i < 6; ++i) {
    ConvSpec s;
    s.cin = std::vector<int64_t>{10, 16, 12}[i % 3];
    s.cout = std::vector<int64_t>{3, 17, 10}[i % 3];
    s.kh = rng.Int(1, 3) * 2 - 1;
    s.kw = rng.Int(1, 3);
    s.sh = rng.Int(1, 2);
    s.sw = rng.Int(1, 2);
    s.dh = rng.Int(1, 2);
    s.pads = {rng.Int(0, 2), rng.Int(0, 1), rng.Int(0, 2), rng.Int(0, 1)};
    s.h = 64;
    s.w = 72;
    s.act = i % 2 == 0 ? "Relu" : "";
    s.residual = i == 3;
    if (s.residual) s.sh = s.sw = 1;
    out.push_back(s);
  }
  return out;
}

ir::Graph GemmGraph(Rng& rng, int64_t m, int64_t k, int64_t n, bool trans_b) {
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({m, k}));
  Tensor w = GridWeights(rng, {n, k}, n, std::sqrt(3.0 / static_cast<double>(k)));
  if (!trans_b) {  // store B as [K, N]
    std::vector<float> t(static_cast<size_t>(k * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < k; ++j) t[static_cast<size_t>(j * n + i)] = w.at<float>(i * k + j);
    w = Tensor::FromVector<float>({k, n}, t);
  }
  g.AddInitializer("w", w);
  g.AddInitializer("c", RandomTensor(rng, {n}, -0.3, 0.3));
  g.AddNode("Gemm", {"a", "w", "c"}, {"y"}, {{"transB", int64_t{trans_b ? 1 : 0}}}, "fc");
  g.AddOutput("y");
  return g;
}

ir::Graph GemmAlphaBetaGraph(uint64_t seed) {
  Rng rng(seed);
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({3, 10}));
  g.AddInitializer("w", GridWeights(rng, {17, 10}, 17, 0.5));
  g.AddInitializer("c", RandomTensor(rng, {1, 17}, -0.3, 0.3));
  g.AddNode("Gemm", {"a", "w", "c"}, {"y"},
            {{"transB", int64_t{1}}, {"alpha", 0.5f}, {"beta", 2.0f}}, "fc");
  g.AddOutput("y");
  return g;
}

ir::Graph MatMulReluGraph(uint64_t seed) {
  Rng rng(seed);
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({4, 17}));
  // Per-channel grid on the columns of B [17, 9]: build [9, 17] and transpose.
  Tensor w = GridWeights(rng, {9, 17}, 9, 0.4);
  std::vector<float> t(9 * 17);
  for (int64_t i = 0; i < 9; ++i)
    for (int64_t j = 0; j < 17; ++j) t[static_cast<size_t>(j * 9 + i)] = w.at<float>(i * 17 + j);
  g.AddInitializer("w", Tensor::FromVector<float>({17, 9}, t));
  g.AddNode("MatMul", {"a", "w"}, {"m"}, {}, "mm");
  g.AddNode("Relu", {"m"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  return g;
}

ir::Graph BinaryGraph(const std::string& op, const Shape& a, const Shape& b) {
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims(a));
  g.AddInput("b", DType::kF32, ir::StaticDims(b));
  g.AddNode(op, {"a", "b"}, {"y"}, {}, "op");
  g.AddOutput("y");
  return g;
}

ir::Graph ConstantOperandGraph(Rng& rng, const std::string& op, int64_t c, int64_t h, int64_t w) {
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({1, c, h, w}));
  const bool div = op == "Div";  // by k in [0.5, 2]: 1 / k stays in [0.5, 2]
  g.AddInitializer("k", RandomTensor(rng, {c, 1, 1}, div ? 0.5 : -1.5, div ? 2.0 : 1.5));
  g.AddNode(op, {op == "Sub" ? "k" : "a", op == "Sub" ? "a" : "k"}, {"y"}, {}, "op");
  g.AddOutput("y");
  return g;
}

ir::Graph ChannelScaleGraph(int64_t c, int64_t h, int64_t w) {
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({1, c, h, w}));
  g.AddInput("s", DType::kF32, ir::StaticDims({1, c, 1, 1}));
  g.AddNode("Mul", {"s", "a"}, {"y"}, {}, "scale");
  g.AddOutput("y");
  return g;
}

ir::Graph ActivationGraph(const std::string& act, const Shape& shape) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims(shape));
  AddActivation(g, act, "x", "y");
  g.AddOutput("y");
  return g;
}

ir::Graph ActivationChain(int n, const Shape& shape) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims(shape));
  std::string cur = "x";
  for (int i = 0; i < n; ++i) {
    const std::string next = "v" + std::to_string(i);
    g.AddNode(i % 2 == 0 ? "Relu" : "LeakyRelu", {cur}, {next}, {}, "act" + std::to_string(i));
    cur = next;
  }
  g.AddOutput(cur);
  return g;
}

std::string PoolSpec::Label(int64_t c, int64_t h, int64_t w) const {
  return fmt::format("{} {}x{}x{} k{} s{} ceil{} incl{}", op, c, h, w,
                     kernel.empty() ? 0 : kernel[0], strides.empty() ? 0 : strides[0], ceil_mode,
                     include_pad);
}

ir::Graph PoolGraph(const PoolSpec& p, int64_t c, int64_t h, int64_t w) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, c, h, w}));
  std::map<std::string, ir::Attribute> attrs;
  if (!p.kernel.empty()) {
    attrs = {{"kernel_shape", p.kernel},
             {"strides", p.strides},
             {"pads", p.pads},
             {"ceil_mode", p.ceil_mode}};
    if (p.op == "AveragePool") attrs["count_include_pad"] = p.include_pad;
  }
  g.AddNode(p.op, {"x"}, {"y"}, attrs, "pool");
  g.AddOutput("y");
  return g;
}

std::vector<PoolSpec> PoolSpecs() {
  return {{"MaxPool", {2, 2}, {2, 2}, {0, 0, 0, 0}, 0, 0},
          {"MaxPool", {3, 3}, {2, 2}, {1, 1, 1, 1}, 1, 0},
          {"AveragePool", {3, 3}, {1, 1}, {1, 1, 1, 1}, 0, 0},
          {"AveragePool", {3, 2}, {2, 1}, {1, 0, 1, 1}, 0, 1},
          {"AveragePool", {2, 3}, {2, 2}, {0, 1, 0, 0}, 1, 0},
          {"GlobalAveragePool", {}, {}, {}, 0, 0}};
}

ir::Graph SmallCnn(uint64_t seed, int64_t hw) {
  Rng rng(seed);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 3, hw, hw}));
  g.AddInitializer("w1", RandomTensor(rng, {10, 3, 3, 3}, -0.3, 0.3));
  g.AddInitializer("b1", RandomTensor(rng, {10}, -0.1, 0.1));
  g.AddNode("Conv", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}, "conv1");
  g.AddInitializer("gamma", RandomTensor(rng, {10}, 0.5, 1.5));
  g.AddInitializer("beta", RandomTensor(rng, {10}, -0.2, 0.2));
  g.AddInitializer("mean", RandomTensor(rng, {10}, -0.1, 0.1));
  g.AddInitializer("var", RandomTensor(rng, {10}, 0.5, 1.5));
  g.AddNode("BatchNormalization", {"c1", "gamma", "beta", "mean", "var"}, {"bn1"}, {}, "bn1");
  g.AddNode("Relu", {"bn1"}, {"r1"}, {}, "relu1");
  g.AddInitializer("w2", RandomTensor(rng, {10, 1, 3, 3}, -0.6, 0.6));
  g.AddNode("Conv", {"r1", "w2"}, {"c2"}, {{"pads", Ints{1, 1, 1, 1}}, {"group", int64_t{10}}},
            "dw2");
  g.AddInitializer("lo", Tensor::Scalar<float>(0.0f));
  g.AddInitializer("hi", Tensor::Scalar<float>(6.0f));
  g.AddNode("Clip", {"c2", "lo", "hi"}, {"r2"}, {}, "relu6_2");
  g.AddInitializer("w3", RandomTensor(rng, {10, 10, 1, 1}, -0.5, 0.5));
  g.AddInitializer("b3", RandomTensor(rng, {10}, -0.1, 0.1));
  g.AddNode("Conv", {"r2", "w3", "b3"}, {"c3"}, {}, "conv3");
  g.AddNode("Add", {"c3", "r1"}, {"s3"}, {}, "add3");
  g.AddNode("Relu", {"s3"}, {"r3"}, {}, "relu3");
  g.AddNode("MaxPool", {"r3"}, {"p4"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}},
            "pool4");
  g.AddNode("GlobalAveragePool", {"p4"}, {"g5"}, {}, "gap5");
  g.AddNode("Flatten", {"g5"}, {"f5"}, {}, "flatten5");
  g.AddInitializer("w6", RandomTensor(rng, {7, 10}, -0.5, 0.5));
  g.AddInitializer("b6", RandomTensor(rng, {7}, -0.1, 0.1));
  g.AddNode("Gemm", {"f5", "w6", "b6"}, {"logits"}, {{"transB", int64_t{1}}}, "fc6");
  g.AddOutput("logits");
  return g;
}

// ---- ConvTranspose, Pad, Resize ----

std::string DeconvSpec::Label() const {
  return fmt::format("convtranspose {}->{} k{}x{} s{}x{} d{}x{} g{} p{},{},{},{} op{},{} {}x{}{}",
                     cin, cout, kh, kw, sh, sw, dh, dw, group, pads[0], pads[1], pads[2], pads[3],
                     out_pad[0], out_pad[1], h, w, act.empty() ? "" : " +" + act);
}

ir::Graph ConvTransposeGraph(const DeconvSpec& s, uint64_t seed) {
  Rng rng(seed);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, s.cin, s.h, s.w}));
  // Convolution-form weights [M, C/g, kh, kw] on the per-output-channel grid, stored as
  // ConvTranspose's [C, M/g, kh, kw] (output channel g * M/g + j is column j of group g).
  const int64_t cg = s.cin / s.group, mg = s.cout / s.group;
  const Tensor wc = GridWeights(rng, {s.cout, cg, s.kh, s.kw}, s.cout,
                                std::sqrt(3.0 / static_cast<double>(cg * s.kh * s.kw)));
  const std::vector<float> v = wc.ToVector<float>();
  std::vector<float> wt(v.size());
  const int64_t taps = s.kh * s.kw;
  for (int64_t m = 0; m < s.cout; ++m)
    for (int64_t i = 0; i < cg; ++i)
      for (int64_t t = 0; t < taps; ++t)
        wt[static_cast<size_t>((((m / mg) * cg + i) * mg + m % mg) * taps + t)] =
            v[static_cast<size_t>((m * cg + i) * taps + t)];
  g.AddInitializer("w", Tensor::FromVector<float>({s.cin, mg, s.kh, s.kw}, wt));
  g.AddInitializer("b", RandomTensor(rng, {s.cout}, -0.2, 0.2));
  g.AddNode("ConvTranspose", {"x", "w", "b"}, {s.act.empty() ? "y" : "up_out"},
            {{"kernel_shape", Ints{s.kh, s.kw}},
             {"strides", Ints{s.sh, s.sw}},
             {"dilations", Ints{s.dh, s.dw}},
             {"pads", s.pads},
             {"output_padding", s.out_pad},
             {"group", s.group}},
            "up");
  if (!s.act.empty()) AddActivation(g, s.act, "up_out", "y");
  g.AddOutput("y");
  return g;
}

std::vector<DeconvSpec> DeconvSpecs() {
  using S = DeconvSpec;
  return {
      S{.cin = 3, .cout = 10, .kh = 2, .kw = 2, .pads = {0, 0, 0, 0}, .h = 4, .w = 5},
      S{.cin = 10, .cout = 3, .out_pad = {1, 1}, .h = 4},
      S{.cin = 17, .cout = 8, .kh = 4, .kw = 4, .h = 3, .w = 3},
      S{.cin = 6, .sh = 1, .sw = 1, .dh = 2, .dw = 2, .pads = {2, 2, 2, 2}, .w = 5, .act = "Relu"},
      S{.kh = 2, .kw = 2, .group = 2, .pads = {0, 0, 0, 0}, .h = 3},
      S{.cin = 5,
        .cout = 4,
        .kw = 1,
        .sh = 3,
        .sw = 1,
        .pads = {0, 0, 1, 0},
        .h = 3,
        .act = "Relu"},
  };
}

ir::Graph PadGraph(int64_t c, int64_t h, int64_t w, const Ints& pads, float value, int64_t opset,
                   const std::string& then) {
  ir::Graph g = NewGraph();
  g.opset_imports[""] = opset;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, c, h, w}));
  const std::string out = then.empty() ? "y" : "padded";
  if (opset < 11) {
    g.AddNode("Pad", {"x"}, {out}, {{"pads", pads}, {"value", value}}, "pad");
  } else {
    g.AddInitializer("pads",
                     Tensor::FromVector<int64_t>({static_cast<int64_t>(pads.size())}, pads));
    g.AddInitializer("value", Tensor::Scalar<float>(value));
    g.AddNode("Pad", {"x", "pads", "value"}, {out}, {}, "pad");
  }
  if (then == "Conv") {
    Rng rng(5);
    g.AddInitializer("w", GridWeights(rng, {5, c, 3, 3}, 5, 0.3));
    g.AddNode("Conv", {out, "w"}, {"y"}, {{"kernel_shape", Ints{3, 3}}}, "conv");
  } else if (then == "MaxPool") {
    g.AddNode("MaxPool", {out}, {"y"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}},
              "pool");
  }
  g.AddOutput("y");
  return g;
}

ir::Graph ResizeGraph(int64_t c, int64_t h, int64_t w, int64_t sh, int64_t sw, int64_t opset,
                      bool sizes, const std::string& coord, const std::string& nearest) {
  ir::Graph g = NewGraph();
  g.opset_imports[""] = opset;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, c, h, w}));
  const std::vector<float> scales = {1, 1, static_cast<float>(sh), static_cast<float>(sw)};
  g.AddInitializer("scales", Tensor::FromVector<float>({4}, scales));
  std::map<std::string, ir::Attribute> attrs = {{"mode", std::string("nearest")}};
  if (!coord.empty()) attrs["coordinate_transformation_mode"] = coord;
  if (!nearest.empty()) attrs["nearest_mode"] = nearest;
  if (opset <= 9) {
    g.AddNode("Upsample", {"x", "scales"}, {"y"}, attrs, "up");
  } else if (opset == 10) {
    g.AddNode("Resize", {"x", "scales"}, {"y"}, attrs, "up");
  } else {
    // Opset 11 requires roi and scales (empty when sizes are given); 13 lets them be omitted.
    g.AddInitializer("roi", Tensor(DType::kF32, {0}));
    g.AddInitializer("no_scales", Tensor(DType::kF32, {0}));
    g.AddInitializer("sizes", Tensor::FromVector<int64_t>({4}, {1, c, h * sh, w * sw}));
    const std::string roi = opset >= 13 ? "" : "roi";
    if (sizes)
      g.AddNode("Resize", {"x", roi, opset >= 13 ? "" : "no_scales", "sizes"}, {"y"}, attrs, "up");
    else
      g.AddNode("Resize", {"x", roi, "scales"}, {"y"}, attrs, "up");
  }
  g.AddOutput("y");
  return g;
}

std::vector<std::pair<std::string, ir::Graph>> LayoutOpCases() {
  std::vector<std::pair<std::string, ir::Graph>> out;
  out.emplace_back("pad 10x5x6 by 1,2,0,1 (copy, opset 13)",
                   PadGraph(10, 5, 6, {0, 0, 1, 2, 0, 0, 0, 1}, 0.0f, 13, ""));
  out.emplace_back("pad 3x6x5 by 1,0,0,2 value 0.5 (copy, opset 9)",
                   PadGraph(3, 6, 5, {0, 0, 1, 0, 0, 0, 0, 2}, 0.5f, 9, ""));
  out.emplace_back("pad 17x6x7 crop -1,0,0,-2 (copy, opset 11)",
                   PadGraph(17, 6, 7, {0, 0, -1, 0, 0, 0, 0, -2}, 0.0f, 11, ""));
  out.emplace_back("pad 10x5x5 by 1,1,2,1 then conv 3x3 (folded)",
                   PadGraph(10, 5, 5, {0, 0, 1, 1, 0, 0, 2, 1}, 0.0f, 13, "Conv"));
  out.emplace_back("pad 10x6x6 by 1 then maxpool (copy)",
                   PadGraph(10, 6, 6, {0, 0, 1, 1, 0, 0, 1, 1}, 0.0f, 13, "MaxPool"));
  out.emplace_back("upsample 10x4x5 by 2x2 (opset 9)", ResizeGraph(10, 4, 5, 2, 2, 9, false));
  out.emplace_back("resize 3x3x4 scales 2x3 (opset 10)", ResizeGraph(3, 3, 4, 2, 3, 10, false));
  out.emplace_back("resize 17x3x3 sizes 3x2 half_pixel (opset 11)",
                   ResizeGraph(17, 3, 3, 3, 2, 11, true));
  out.emplace_back("resize 10x4x4 scales 2x2 asymmetric floor (opset 13)",
                   ResizeGraph(10, 4, 4, 2, 2, 13, false, "asymmetric", "floor"));
  for (const DeconvSpec& s : DeconvSpecs())
    out.emplace_back(s.Label(), ConvTransposeGraph(s, static_cast<uint64_t>(s.cin * 10 + s.cout)));
  return out;
}

std::vector<std::pair<std::string, ir::Graph>> TiledLayoutOpCases() {
  using S = DeconvSpec;
  std::vector<std::pair<std::string, ir::Graph>> out;
  for (const DeconvSpec& s : {
           S{.cin = 10, .cout = 6, .pads = {1, 1, 1, 1}, .out_pad = {1, 0}, .h = 40, .w = 44},
           S{.cin = 17, .cout = 5, .kh = 2, .kw = 2, .pads = {0, 0, 0, 0}, .h = 50, .w = 60},
           S{.cin = 4,
           .cout = 6,
           .kw = 1,
           .sh = 3,
           .sw = 1,
           .pads = {0, 0, 1, 0},
           .h = 50,
           .w = 60,
           .act = "Relu"},
       })
    out.emplace_back(s.Label() + " (tiled)",
                     ConvTransposeGraph(s, static_cast<uint64_t>(s.cin * 10 + s.cout)));
  out.emplace_back("pad 10x60x70 by 2,1,1,3 value 0.5 (tiled copy)",
                   PadGraph(10, 60, 70, {0, 0, 2, 1, 0, 0, 1, 3}, 0.5f, 13, ""));
  out.emplace_back("pad 17x50x60 crop -1,0,0,-2 (tiled copy)",
                   PadGraph(17, 50, 60, {0, 0, -1, 0, 0, 0, 0, -2}, 0.0f, 11, ""));
  out.emplace_back("resize 10x32x40 scales 2x2 (tiled)", ResizeGraph(10, 32, 40, 2, 2, 13, false));
  out.emplace_back("upsample 3x50x40 by 3x2 (tiled)", ResizeGraph(3, 50, 40, 3, 2, 9, false));
  return out;
}

std::vector<std::pair<std::string, ir::Graph>> WideRowCases() {
  std::vector<std::pair<std::string, ir::Graph>> out;
  ConvSpec s;
  s.cin = 3;
  s.cout = 5;
  s.h = 3;
  s.w = 600;
  out.emplace_back(s.Label(), ConvGraph(s, 501));
  s.h = 14;  // 8400 input rows: tiled through DRAM, one output row per tile
  s.act = "Relu";
  out.emplace_back(s.Label() + " (tiled)", ConvGraph(s, 502));
  ConvSpec dw;  // 9900 input rows: through DRAM too
  dw.cin = dw.cout = dw.group = 8;
  dw.sh = dw.sw = 2;
  dw.h = 9;
  dw.w = 1100;
  dw.act = "Clip";
  out.emplace_back(dw.Label() + " (tiled)", ConvGraph(dw, 503));
  out.emplace_back("Sigmoid 10x2x700", ActivationGraph("Sigmoid", {1, 10, 2, 700}));
  return out;
}

std::vector<ConvSpec> TiledResidualActivationSpecs() {
  std::vector<ConvSpec> out;
  for (const char* act : {"LeakyRelu", "Sigmoid", "HardSwish"}) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 10;
    s.h = 64;
    s.w = 72;
    s.residual = true;
    s.act = act;
    out.push_back(s);
  }
  return out;
}

ir::Graph SqueezeScaleGraph(int64_t c, int64_t ah, int64_t aw, int64_t h, int64_t w) {
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({1, c, ah, aw}));
  g.AddInput("x", DType::kF32, ir::StaticDims({1, c, h, w}));
  g.AddNode("GlobalAveragePool", {"a"}, {"s"}, {}, "squeeze");
  g.AddNode("Mul", {"x", "s"}, {"y"}, {}, "scale");
  g.AddOutput("y");
  return g;
}

// ---- Pre-quantized graphs ----

namespace {

// Scalar scale and zero point initializers "<tag>_s", "<tag>_z" (uint8 zp8 + 128, or int8).
std::pair<std::string, std::string> QParamsInit(ir::Graph& g, const std::string& tag, float s,
                                                int32_t zp8, bool uint8) {
  g.AddInitializer(tag + "_s", Tensor::Scalar<float>(s));
  if (uint8)
    g.AddInitializer(tag + "_z", Tensor::Scalar<uint8_t>(static_cast<uint8_t>(zp8 + 128)));
  else
    g.AddInitializer(tag + "_z", Tensor::Scalar<int8_t>(static_cast<int8_t>(zp8)));
  return {tag + "_s", tag + "_z"};
}

// x -> QuantizeLinear -> DequantizeLinear; returns the float result.
std::string AddQdq(ir::Graph& g, const std::string& x, const std::string& tag, float s, int32_t zp8,
                   bool uint8) {
  const auto [sn, zn] = QParamsInit(g, tag, s, zp8, uint8);
  g.AddNode("QuantizeLinear", {x, sn, zn}, {tag + "_q"}, {}, tag + "_quant");
  g.AddNode("DequantizeLinear", {tag + "_q", sn, zn}, {tag + "_dq"}, {}, tag + "_dequant");
  return tag + "_dq";
}

// Integer weights (w + zp, stored int8 or uint8) of a layer.
Tensor WeightInts(const QLayer& l, bool uint8, int32_t zp) {
  Tensor t(uint8 ? DType::kU8 : DType::kI8, l.w_shape);
  for (size_t i = 0; i < l.w.size(); ++i) {
    if (uint8)
      t.data<uint8_t>()[i] = static_cast<uint8_t>(l.w[i] + zp);
    else
      t.data<int8_t>()[i] = static_cast<int8_t>(l.w[i] + zp);
  }
  return t;
}

// Weights in [wlo, whi]; the models use 7-bit weights (+-63), as ONNX Runtime's reduce_range
// does: its x86 u8 x s8 kernels saturate 16-bit pair sums with full-range weights, which is not
// the ONNX semantics (and would fail the cross-check with it).
QLayer RandomQLayer(Rng& rng, Shape w_shape, bool per_channel, bool bias, int32_t wlo, int32_t whi,
                    double s_lo, double s_hi) {
  QLayer l;
  l.w_shape = std::move(w_shape);
  for (int64_t i = 0; i < ElementCount(l.w_shape); ++i)
    l.w.push_back(static_cast<int32_t>(rng.Int(wlo, whi)));
  const double s = rng.Uniform(s_lo, s_hi);
  for (int64_t m = 0; m < l.w_shape[0]; ++m)
    l.w_scale.push_back(static_cast<float>(per_channel ? rng.Uniform(s_lo, s_hi) : s));
  if (bias)
    for (int64_t m = 0; m < l.w_shape[0]; ++m)
      l.bias.push_back(static_cast<int32_t>(rng.Int(-3000, 3000)));
  return l;
}

Tensor Floats(const std::vector<float>& v) {
  return v.size() == 1 ? Tensor::Scalar<float>(v[0])
                       : Tensor::FromVector<float>({static_cast<int64_t>(v.size())}, v);
}

Tensor BiasScale(float x_scale, const QLayer& l) {
  std::vector<float> s;
  for (float w : l.w_scale) s.push_back(x_scale * w);
  return Floats(s);
}

// A model of opset 13 with input "x" of `shape` quantized with (scale, zp).
QModel NewQModel(const Shape& shape, float x_scale, int32_t x_zp) {
  QModel m;
  m.graph = NewGraph();
  m.graph.opset_imports[""] = 13;
  m.graph.AddInput("x", DType::kF32, ir::StaticDims(shape));
  m.x_scale = x_scale;
  m.x_zp = x_zp;
  return m;
}

}  // namespace

QModel QdqConvModel(uint64_t seed, bool uint8) {
  Rng rng(seed);
  // 3 / x_scale (the inputs are clamped to +-3) is not a rounding tie.
  QModel m = NewQModel({1, 3, 6, 7}, 0.0241f, -3);
  ir::Graph& g = m.graph;
  std::string cur = AddQdq(g, "x", "xq", m.x_scale, m.x_zp, uint8);
  // Conv 3x3 pad 1, 3 -> 8, weights per channel, int32 bias, Relu.
  QLayer c1 = RandomQLayer(rng, {8, 3, 3, 3}, true, true, -63, 63, 0.006, 0.016);
  c1.pad = 1;
  c1.relu = true;
  c1.pool2 = true;
  c1.y_scale = 6.0f / 255.0f;
  c1.y_zp = -128;
  g.AddInitializer("w1_q", WeightInts(c1, false, 0));
  g.AddInitializer("w1_s", Tensor::FromVector<float>({8}, c1.w_scale));
  g.AddInitializer("w1_z", Tensor(DType::kI8, {8}));
  g.AddNode("DequantizeLinear", {"w1_q", "w1_s", "w1_z"}, {"w1"}, {{"axis", int64_t{0}}},
            "w1_dequant");
  Tensor b1(DType::kI32, {8});
  std::copy(c1.bias.begin(), c1.bias.end(), b1.data<int32_t>().begin());
  g.AddInitializer("b1_q", b1);
  g.AddInitializer("b1_s", BiasScale(m.x_scale, c1));
  g.AddNode("DequantizeLinear", {"b1_q", "b1_s"}, {"b1"}, {{"axis", int64_t{0}}}, "b1_dequant");
  g.AddNode("Conv", {cur, "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}, "conv1");
  g.AddNode("Relu", {"c1"}, {"r1"}, {}, "relu1");
  cur = AddQdq(g, "r1", "r1q", c1.y_scale, c1.y_zp, uint8);
  g.AddNode("MaxPool", {cur}, {"p1"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}},
            "pool");
  cur = AddQdq(g, "p1", "p1q", c1.y_scale, c1.y_zp, uint8);
  // Conv 1x1, 8 -> 5, one weight scale, int32 bias.
  QLayer c2 = RandomQLayer(rng, {5, 8, 1, 1}, false, true, -63, 63, 0.016, 0.024);
  c2.y_scale = 10.0f / 255.0f;
  c2.y_zp = 5;
  g.AddInitializer("w2_q", WeightInts(c2, false, 0));
  g.AddInitializer("w2_s", Tensor::Scalar<float>(c2.w_scale[0]));
  g.AddNode("DequantizeLinear", {"w2_q", "w2_s"}, {"w2"}, {}, "w2_dequant");
  Tensor b2(DType::kI32, {5});
  std::copy(c2.bias.begin(), c2.bias.end(), b2.data<int32_t>().begin());
  g.AddInitializer("b2_q", b2);
  g.AddInitializer("b2_s", BiasScale(c1.y_scale, c2));
  g.AddNode("DequantizeLinear", {"b2_q", "b2_s"}, {"b2"}, {{"axis", int64_t{0}}}, "b2_dequant");
  g.AddNode("Conv", {cur, "w2", "b2"}, {"c2"}, {}, "conv2");
  const auto [sn, zn] = QParamsInit(g, "yq", c2.y_scale, c2.y_zp, uint8);
  g.AddNode("QuantizeLinear", {"c2", sn, zn}, {"y_q"}, {}, "y_quant");
  g.AddNode("DequantizeLinear", {"y_q", sn, zn}, {"y"}, {}, "y_dequant");
  g.AddOutput("y");
  m.layers = {c1, c2};
  return m;
}

QModel QLinearModel(uint64_t seed, bool uint8) {
  Rng rng(seed);
  QModel m = NewQModel({1, 4, 5, 5}, 0.0237f, 2);
  ir::Graph& g = m.graph;
  const int32_t wzp = uint8 ? 128 : 0;
  const auto [xs, xz] = QParamsInit(g, "x", m.x_scale, m.x_zp, uint8);
  g.AddNode("QuantizeLinear", {"x", xs, xz}, {"xq"}, {}, "x_quant");
  std::string cur = "xq", cur_s = xs, cur_z = xz;
  float cur_scale = m.x_scale;
  auto weights = [&](const std::string& tag, const QLayer& l, bool per_channel) {
    g.AddInitializer(tag + "_q", WeightInts(l, uint8, wzp));
    g.AddInitializer(tag + "_s",
                     per_channel ? Floats(l.w_scale) : Tensor::Scalar<float>(l.w_scale[0]));
    if (uint8)
      g.AddInitializer(tag + "_z", Tensor::Scalar<uint8_t>(static_cast<uint8_t>(wzp)));
    else
      g.AddInitializer(tag + "_z", Tensor::Scalar<int8_t>(0));
  };
  // QLinearConv 3x3 stride 2 pad 1, 4 -> 6 (per-channel scales), then 3x3 6 -> 6 (one scale).
  QLayer c1 = RandomQLayer(rng, {6, 4, 3, 3}, true, true, -63, 63, 0.005, 0.013);
  c1.stride = 2;
  c1.pad = 1;
  c1.y_scale = 5.0f / 255.0f;
  c1.y_zp = -10;
  QLayer c2 = RandomQLayer(rng, {6, 6, 3, 3}, false, true, -63, 63, 0.003, 0.006);
  c2.y_scale = 4.0f / 255.0f;
  c2.y_zp = 7;
  int i = 0;
  for (QLayer* l : {&c1, &c2}) {
    const std::string tag = fmt::format("c{}", ++i);
    weights(tag + "w", *l, i == 1);
    Tensor b(DType::kI32, {l->w_shape[0]});
    std::copy(l->bias.begin(), l->bias.end(), b.data<int32_t>().begin());
    g.AddInitializer(tag + "b", b);
    const auto [ys, yz] = QParamsInit(g, tag + "y", l->y_scale, l->y_zp, uint8);
    g.AddNode("QLinearConv",
              {cur, cur_s, cur_z, tag + "w_q", tag + "w_s", tag + "w_z", ys, yz, tag + "b"},
              {tag + "_out"},
              {{"kernel_shape", Ints{3, 3}},
               {"strides", Ints{l->stride, l->stride}},
               {"pads", Ints{l->pad, l->pad, l->pad, l->pad}}},
              tag);
    cur = tag + "_out";
    cur_s = ys;
    cur_z = yz;
    cur_scale = l->y_scale;
  }
  (void)cur_scale;
  g.AddInitializer("flat", Tensor::FromVector<int64_t>({2}, {1, 6}));
  g.AddNode("Reshape", {cur, "flat"}, {"flat_q"}, {}, "flatten");
  // QLinearMatMul [1, 6] x [6, 12]: stored [K, N]; the layer holds it as [N, K, 1, 1].
  QLayer mm = RandomQLayer(rng, {12, 6, 1, 1}, false, false, -63, 63, 0.02, 0.04);
  mm.y_scale = 3.0f / 255.0f;
  mm.y_zp = -4;
  QLayer stored = mm;
  stored.w_shape = {6, 12};
  for (int64_t k = 0; k < 6; ++k)
    for (int64_t n = 0; n < 12; ++n)
      stored.w[static_cast<size_t>(k * 12 + n)] = mm.w[static_cast<size_t>(n * 6 + k)];
  weights("mmw", stored, false);
  const auto [ys, yz] = QParamsInit(g, "mmy", mm.y_scale, mm.y_zp, uint8);
  g.AddNode("QLinearMatMul", {"flat_q", cur_s, cur_z, "mmw_q", "mmw_s", "mmw_z", ys, yz},
            {"mm_out"}, {}, "fc");
  g.AddNode("DequantizeLinear", {"mm_out", ys, yz}, {"y"}, {}, "y_dequant");
  g.AddOutput("y");
  m.layers = {c1, c2, mm};
  return m;
}

ir::Graph ConvAndPoolOutputs() {
  ConvSpec s;
  s.cin = 3;
  s.cout = 10;
  s.act = "Relu";
  ir::Graph g = ConvGraph(s, 8);  // output "y", which the pool reads too
  g.AddNode("MaxPool", {"y"}, {"p"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}},
            "pool");
  g.AddOutput("p");
  return g;
}

ir::Graph ConvThen1x1(int64_t cin, int64_t cout, int64_t h, int64_t w) {
  ConvSpec s;
  s.cin = cin;
  s.cout = cout;
  s.h = h;
  s.w = w;
  s.act = "Relu";
  ir::Graph g = ConvGraph(s, 21);
  Rng rng(22);
  g.AddInitializer("w2", GridWeights(rng, {10, cout, 1, 1}, 10, 0.2));
  g.AddNode("Conv", {"y", "w2"}, {"z"}, {}, "conv2");
  g.outputs = {"z"};
  return g;
}

ir::Graph ConvChain(int layers, int64_t c, int64_t h, int64_t w) {
  Rng rng(31);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, c, h, w}));
  std::string cur = "x";
  const double a = std::sqrt(3.0 / static_cast<double>(c * 9));
  for (int i = 0; i < layers; ++i) {
    const std::string wn = fmt::format("w{}", i), y = fmt::format("y{}", i);
    g.AddInitializer(wn, GridWeights(rng, {c, c, 3, 3}, c, a));
    g.AddNode("Conv", {cur, wn}, {y}, {{"pads", Ints{1, 1, 1, 1}}}, fmt::format("conv{}", i));
    cur = y;
  }
  g.AddOutput(cur);
  return g;
}

Result<CompiledCase> CompileCase(const ir::Graph& g, const ChipConfig& chip, uint64_t seed,
                                 CompileOptions options) {
  // Per process and call: ctest runs test cases in parallel processes.
  static std::atomic<int> counter{0};
  const std::string dir = (std::filesystem::temp_directory_path() /
                           fmt::format("aorta_op_case_{}_{}", getpid(), counter.fetch_add(1)))
                              .string();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir + "/calib", ec);
  if (ec) return Internal("cannot create the case directory {}: {}", dir, ec.message());
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(dir, e);
    }
  } cleanup{dir};
  const std::string path = dir + "/model.onnx";
  AORTA_RETURN_IF_ERROR(ExportOnnxFile(g, path));
  Rng rng(seed);
  CompiledCase out;
  for (const std::string& name : g.inputs) {
    const ir::ValueInfo* v = g.FindValue(name);
    if (v == nullptr || !v->dims) return InvalidArgument("input '{}' has no static shape", name);
    Shape shape;
    for (const ir::Dim& d : *v->dims) shape.push_back(d.value);
    out.inputs[name] = Tensor::FromVector<float>(shape, rng.Normal(ElementCount(shape)));
  }
  // Calibrate on the test input and two more samples of the same distribution.
  AORTA_RETURN_IF_ERROR(WriteNpz(dir + "/calib/0.npz", out.inputs));
  for (int s = 1; s < 3; ++s) {
    TensorMap more;
    for (const auto& [name, t] : out.inputs)
      more[name] = Tensor::FromVector<float>(t.shape(), rng.Normal(t.element_count()));
    AORTA_RETURN_IF_ERROR(WriteNpz(dir + "/calib/" + std::to_string(s) + ".npz", more));
  }
  options.calib.dir = dir + "/calib";
  AORTA_ASSIGN_OR_RETURN(out.compiled, CompileOnnxFile(path, chip, options));
  return out;
}

// ---- The RTL per-op suite ----

std::vector<NamedGraph> DenseConvCases(Rng& rng) {
  std::vector<NamedGraph> out;
  for (const ConvSpec& s : DenseConvSpecs(rng))
    out.emplace_back(s.Label(), ConvGraph(s, static_cast<uint64_t>(s.cin * 100 + s.cout)));
  return out;
}

namespace {

// Each of `specs` labelled, its graph seed first_seed + its index.
std::vector<NamedGraph> IndexSeededConvCases(const std::vector<ConvSpec>& specs,
                                             uint64_t first_seed) {
  std::vector<NamedGraph> out;
  for (size_t i = 0; i < specs.size(); ++i)
    out.emplace_back(specs[i].Label(), ConvGraph(specs[i], first_seed + i));
  return out;
}

}  // namespace

std::vector<NamedGraph> PackedTapCases() { return IndexSeededConvCases(PackedTapSpecs(), 400); }

std::vector<NamedGraph> ConvActivationCases() {
  std::vector<NamedGraph> out;
  for (const char* act : kActivations) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 10;
    s.act = act;
    out.emplace_back(s.Label(), ConvGraph(s, 11));
  }
  return out;
}

std::vector<NamedGraph> DepthwiseCases(Rng& rng) {
  std::vector<NamedGraph> out;
  for (const ConvSpec& s : DepthwiseSpecs(rng))
    out.emplace_back(s.Label(), ConvGraph(s, static_cast<uint64_t>(s.cin)));
  return out;
}

std::vector<NamedGraph> GroupedConvCases() {
  std::vector<NamedGraph> out;
  for (const auto& [cin, cout, group] :
       {std::tuple<int64_t, int64_t, int64_t>{16, 16, 2}, {6, 9, 3}, {20, 10, 2}, {10, 20, 10}}) {
    ConvSpec s;
    s.cin = cin;
    s.cout = cout;
    s.group = group;
    out.emplace_back(s.Label(), ConvGraph(s, 3));
  }
  return out;
}

std::vector<ConvSpec> ResidualAddSpecs() {
  std::vector<ConvSpec> out;
  for (int64_t c : {3, 10, 17}) {
    ConvSpec s;
    s.cin = 8;
    s.cout = c;
    s.residual = true;
    s.act = c == 10 ? "" : "Relu";
    out.push_back(s);
  }
  return out;
}

std::vector<NamedGraph> ResidualAddCases() {
  std::vector<NamedGraph> out;
  for (const ConvSpec& s : ResidualAddSpecs()) out.emplace_back(s.Label(), ConvGraph(s, 9));
  for (const char* act : {"LeakyRelu", "Sigmoid", "HardSwish"}) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 17;
    s.residual = true;
    s.act = act;
    out.emplace_back(s.Label(), ConvGraph(s, 19));
  }
  return out;
}

std::vector<NamedGraph> SameUpperStridedCases() {
  ir::Graph g = ConvGraph({.cin = 10, .cout = 17, .sh = 2, .sw = 2, .h = 9, .w = 8, .act = ""}, 17);
  g.nodes[0].attributes.erase("pads");
  g.nodes[0].attributes["auto_pad"] = std::string("SAME_UPPER");
  std::vector<NamedGraph> out;
  out.emplace_back("conv 10->17 k3 s2 SAME_UPPER 9x8", std::move(g));
  return out;
}

std::vector<NamedGraph> AccumulatorRowTileCases() {
  const ConvSpec s{.cin = 5, .cout = 12, .h = 40, .w = 40, .act = ""};
  std::vector<NamedGraph> out;
  out.emplace_back(s.Label(), ConvGraph(s, 13));
  return out;
}

std::vector<NamedGraph> GemmCases(Rng& rng) {
  std::vector<NamedGraph> out;
  for (int64_t k : {3, 10, 17}) {
    for (int64_t n : {10, 17}) {
      const int64_t m = rng.Int(1, 5);
      const bool trans_b = (k + n) % 2 == 1;
      out.emplace_back(fmt::format("gemm {}x{} * {}{}", m, k, n, trans_b ? " transB" : ""),
                       GemmGraph(rng, m, k, n, trans_b));
    }
  }
  out.emplace_back("gemm 3x10 * 17 alpha 0.5 beta 2", GemmAlphaBetaGraph(29));
  out.emplace_back("matmul 4x17 * 17x9 + relu", MatMulReluGraph(23));
  return out;
}

std::vector<NamedGraph> EltwiseCases(Rng& rng) {
  std::vector<NamedGraph> out;
  for (const char* op : kBinaryOps) {
    for (int64_t c : {3, 10, 17})
      out.emplace_back(fmt::format("{} {}x5x6", op, c),
                       BinaryGraph(op, {1, c, 5, 6}, {1, c, 5, 6}));
  }
  for (int64_t c : {3, 10, 17}) {
    for (const char* op : {"Add", "Mul", "Sub", "Div"})
      out.emplace_back(fmt::format("{} {}x4x4 with constant [{},1,1]", op, c, c),
                       ConstantOperandGraph(rng, op, c, 4, 4));
    out.emplace_back(fmt::format("Mul {}x3x5 by [1,{},1,1]", c, c), ChannelScaleGraph(c, 3, 5));
  }
  return out;
}

std::vector<NamedGraph> StandaloneActivationCases() {
  std::vector<NamedGraph> out;
  for (const char* act : kActivations)
    out.emplace_back(fmt::format("{} 10x4x7", act), ActivationGraph(act, {1, 10, 4, 7}));
  return out;
}

std::vector<NamedGraph> PoolCases() {
  std::vector<NamedGraph> out;
  for (int64_t c : {3, 10, 17}) {
    for (const PoolSpec& k : PoolSpecs()) out.emplace_back(k.Label(c, 9, 7), PoolGraph(k, c, 9, 7));
  }
  return out;
}

std::vector<NamedGraph> SmallCnnCases() {
  std::vector<NamedGraph> out;
  out.emplace_back("small CNN (conv-bn-relu, dw, res, pools, gemm)", SmallCnn(77));
  out.emplace_back("conv+relu and its max pool, both outputs", ConvAndPoolOutputs());
  return out;
}

std::vector<NamedGraph> StreamedWeightCases() {
  std::vector<NamedGraph> out;
  out.emplace_back("conv 64->64 streamed + conv 64->10", ConvThen1x1(64, 64, 6, 5));
  out.emplace_back("six convs 32->32 streamed", ConvChain(6, 32, 5, 6));
  return out;
}

std::vector<NamedGraph> TiledConvCases() { return IndexSeededConvCases(TiledConvSpecs(), 300); }

std::vector<NamedGraph> TiledVectorOpCases() {
  std::vector<NamedGraph> out;
  for (int64_t c : {3, 10, 17}) {
    ConvSpec dw;
    dw.cin = dw.cout = dw.group = c;
    dw.sh = dw.sw = c == 10 ? 2 : 1;
    dw.h = dw.w = 96;
    dw.act = "Clip";
    out.emplace_back(dw.Label(), ConvGraph(dw, static_cast<uint64_t>(c)));
    const Shape x = {1, c, 96, 96};
    for (const char* pool : {"MaxPool", "AveragePool"}) {
      const bool avg = std::string(pool) == "AveragePool";
      out.emplace_back(fmt::format("{} {}x96x96 tiled", pool, c),
                       PoolGraph({pool, {3, 3}, {2, 2}, {1, 1, 1, 1}, avg, 0}, c, 96, 96));
    }
    out.emplace_back(fmt::format("Add {}x96x96 tiled", c), BinaryGraph("Add", x, x));
    out.emplace_back(fmt::format("Relu {}x96x96 tiled", c), ActivationGraph("Relu", x));
  }
  return out;
}

std::vector<NamedGraph> TiledLayoutResidualWideCases() {
  std::vector<NamedGraph> out;
  std::vector<NamedGraph> layout = TiledLayoutOpCases();
  for (size_t i : {size_t{1}, size_t{3}, size_t{5}}) out.push_back(std::move(layout[i]));
  const ConvSpec res = TiledResidualActivationSpecs()[1];
  out.emplace_back(res.Label(), ConvGraph(res, 401));
  std::vector<NamedGraph> wide = WideRowCases();
  out.push_back(std::move(wide[1]));
  out.emplace_back("squeeze 8x10x10, scale 8x3x2040", SqueezeScaleGraph(8, 10, 10, 3, 2040));
  out.emplace_back("GlobalAveragePool 24x60x60 tiled",
                   PoolGraph({"GlobalAveragePool", {}, {}, {}, 0, 0}, 24, 60, 60));
  return out;
}

std::vector<NamedGraph> SmallCnnTiledCases() {
  std::vector<NamedGraph> out;
  out.emplace_back("small CNN 56x56 tiled", SmallCnn(77, 56));
  return out;
}

std::vector<NamedGraph> LayoutAndPreQuantizedCases() {
  std::vector<NamedGraph> out = LayoutOpCases();
  for (bool u8 : {true, false}) {
    const char* type = u8 ? "uint8" : "int8";
    out.emplace_back(fmt::format("QDQ conv model {}", type), QdqConvModel(7, u8).graph);
    out.emplace_back(fmt::format("QLinear model {}", type), QLinearModel(8, u8).graph);
  }
  return out;
}

std::vector<NamedGraph> RtlSuite(bool tiny) {
  std::vector<NamedGraph> out;
  auto append = [&out](std::vector<NamedGraph> cases) {
    for (NamedGraph& c : cases) out.push_back(std::move(c));
  };
  Rng dense_rng(42), dw_rng(7), gemm_rng(21), elt_rng(31);
  append(DenseConvCases(dense_rng));
  append(PackedTapCases());
  append(ConvActivationCases());
  append(DepthwiseCases(dw_rng));
  append(GroupedConvCases());
  append(ResidualAddCases());
  append(SameUpperStridedCases());
  if (tiny) append(AccumulatorRowTileCases());
  append(GemmCases(gemm_rng));
  append(EltwiseCases(elt_rng));
  append(StandaloneActivationCases());
  append(PoolCases());
  append(SmallCnnCases());
  if (tiny) {
    append(StreamedWeightCases());
    append(TiledConvCases());
    append(TiledVectorOpCases());
    append(TiledLayoutResidualWideCases());
    append(SmallCnnTiledCases());
  }
  append(LayoutAndPreQuantizedCases());
  return out;
}

}  // namespace aorta::op_cases
