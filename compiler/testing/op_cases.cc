#include "compiler/testing/op_cases.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>

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

Result<CompiledCase> CompileCase(const ir::Graph& g, const ChipConfig& chip, uint64_t seed) {
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
  CompileOptions options;
  options.calib.dir = dir + "/calib";
  AORTA_ASSIGN_OR_RETURN(out.compiled, CompileOnnxFile(path, chip, options));
  return out;
}

}  // namespace aorta::op_cases
