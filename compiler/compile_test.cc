// End to end, op by op: small ONNX models with random weights (fixed seeds) are written as real
// .onnx files, compiled for tiny (N = 8) and sim16 (N = 16), run on the golden model and compared
// with the fp32 reference.
//
// The error bound. Weights are drawn on the int8 per-channel grid (so the compiler's weight
// quantization is exact) and the reference runs on the dequantized int8 input (the runtime's
// QuantizeLinear of it). What remains between chip and reference is the chip's own arithmetic:
// the output rounding (half a step of the output scale), the bias rounding at s_in * s_w and the
// 31-bit multipliers (far below a step). A single-op model must therefore be within one output
// step (0.5 for rounding, 0.5 of slack); where an intermediate int8 result is rounded first (the
// base result before a residual add or a LUT) its half step, times the activation's largest
// slope, is added. Max pooling is exact. Multi-layer models compound the per-layer steps and are
// held to a cosine similarity and a looser bound in output steps.
#include "compiler/compile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>

#include "compiler/codegen/constants.h"
#include "compiler/codegen/schedule.h"
#include "compiler/codegen/ub_allocator.h"
#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"
#include "core/io/npy.h"
#include "core/isa/isa.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta {
namespace {

using Ints = std::vector<int64_t>;

ChipConfig Chip(const std::string& name) {
  Result<ChipConfig> c = LoadChipConfig(name);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g_);
  }
  int64_t Int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g_); }
  std::vector<float> Normal(int64_t count) {
    std::normal_distribution<double> d;
    std::vector<float> v(static_cast<size_t>(count));
    for (float& x : v) x = static_cast<float>(std::clamp(d(g_), -3.0, 3.0));
    return v;
  }

 private:
  std::mt19937_64 g_;
};

// Weights uniform in +-a (He-like), then put on the per-channel int8 grid.
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

// q = clamp(round_half_even(x / scale) + zp), x' = (q - zp) * scale: what the chip sees.
Tensor QuantDequant(const Tensor& t, const program::QuantParams& q) {
  std::vector<float> v = t.ToVector<float>();
  for (float& x : v) {
    const double r = std::clamp(std::nearbyint(x / static_cast<double>(q.scale())) + q.zero_point(),
                                -128.0, 127.0);
    x = static_cast<float>((r - q.zero_point()) * static_cast<double>(q.scale()));
  }
  return Tensor::FromVector<float>(t.shape(), v);
}

struct Accuracy {
  double cosine = 0, max_err = 0, out_scale = 0, bound = 0;
};

// Compiles `g` (through an .onnx file), runs it on the golden model and on the reference, and
// checks cosine >= 0.99 and max error <= steps * output scale + extra(report).
struct Checked {
  Accuracy acc;
  Compiled compiled;
};

int file_counter = 0;

Checked CompileAndCompare(const ir::Graph& g, const std::string& chip_name, double steps,
                          const std::string& label,
                          const std::function<double(const CompileReport&)>& extra = {},
                          uint64_t seed = 1) {
  Checked out;
  // Per process and call: ctest runs test cases in parallel processes.
  const std::string dir =
      fmt::format("{}/aorta_compile_test_{}_{}", ::testing::TempDir(), getpid(), file_counter++);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/calib");
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  const std::string path = dir + "/model.onnx";
  EXPECT_TRUE(ExportOnnxFile(g, path).ok());
  Rng rng(seed);
  TensorMap inputs;
  for (const std::string& name : g.inputs) {
    Shape shape;
    for (const ir::Dim& d : *g.FindValue(name)->dims) shape.push_back(d.value);
    inputs[name] = Tensor::FromVector<float>(shape, rng.Normal(ElementCount(shape)));
  }
  // Calibrate on the test input and two more samples of the same distribution.
  EXPECT_TRUE(WriteNpz(dir + "/calib/0.npz", inputs).ok());
  for (int s = 1; s < 3; ++s) {
    TensorMap more;
    for (const auto& [name, t] : inputs)
      more[name] = Tensor::FromVector<float>(t.shape(), rng.Normal(t.element_count()));
    EXPECT_TRUE(WriteNpz(dir + "/calib/" + std::to_string(s) + ".npz", more).ok());
  }
  CompileOptions options;
  options.calib.dir = dir + "/calib";
  Result<Compiled> c = CompileOnnxFile(path, Chip(chip_name), options);
  EXPECT_TRUE(c.ok()) << label << ": " << c.status().ToString();
  if (!c.ok()) return out;
  out.compiled = std::move(*c);
  const Program& p = out.compiled.program;
  EXPECT_TRUE(ValidateProgram(p).ok());

  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  EXPECT_TRUE(backend.ok());
  auto session = runtime::Session::Load(p, **backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return out;
  Result<TensorMap> chip_out = (*session)->Run(inputs);
  EXPECT_TRUE(chip_out.ok()) << label << ": " << chip_out.status().ToString();
  if (!chip_out.ok()) return out;

  TensorMap ref_in;
  for (const program::TensorBinding& b : p.inputs())
    ref_in[b.name()] = QuantDequant(inputs.at(b.name()), b.quant());
  Result<TensorMap> ref = reference::RunReference(g, ref_in);
  EXPECT_TRUE(ref.ok()) << ref.status().ToString();
  if (!ref.ok()) return out;
  for (const program::TensorBinding& b : p.outputs()) {
    const std::vector<double> a = chip_out->at(b.name()).ToDoubles();
    const std::vector<double> r = ref->at(b.name()).ToDoubles();
    EXPECT_EQ(a.size(), r.size());
    // The output's int8 range: the reference on the rounded inputs may leave the range that
    // calibration saw on the float ones (by a fraction of an input step), and the chip saturates
    // there; that excess is calibration clipping, not chip arithmetic, and is taken out.
    const double s = b.quant().scale(), z = b.quant().zero_point();
    const double lo = (-128 - z) * s, hi = (127 - z) * s;
    double dot = 0, na = 0, nr = 0, max_err = 0;
    for (size_t i = 0; i < a.size() && i < r.size(); ++i) {
      dot += a[i] * r[i];
      na += a[i] * a[i];
      nr += r[i] * r[i];
      const double excess = std::max(0.0, r[i] - hi) + std::max(0.0, lo - r[i]);
      max_err = std::max(max_err, std::abs(a[i] - r[i]) - excess);
    }
    Accuracy& acc = out.acc;
    acc.cosine = (na == 0 && nr == 0) ? 1.0 : dot / std::sqrt(na * nr + 1e-300);
    acc.max_err = max_err;
    acc.out_scale = b.quant().scale();
    acc.bound = steps * acc.out_scale + (extra ? extra(out.compiled.report) : 0.0);
    EXPECT_GE(acc.cosine, 0.99) << label;
    EXPECT_LE(acc.max_err, acc.bound) << label;
    std::cout << fmt::format(
        "[accuracy] {:<44} {:<6} cos {:.5f}  max err {:.4f} = {:.2f} steps "
        "(bound {:.2f})\n",
        label, chip_name, acc.cosine, acc.max_err, acc.max_err / acc.out_scale,
        acc.bound / acc.out_scale);
  }
  return out;
}

std::vector<isa::Insn> RunStream(const Program& p) {
  const std::string& s = p.chips(0).run_segments(0);
  Result<std::vector<isa::Insn>> insns = isa::DecodeStream(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  EXPECT_TRUE(insns.ok());
  return insns.ok() ? *insns : std::vector<isa::Insn>{};
}

template <typename T>
size_t Count(const std::vector<isa::Insn>& insns) {
  return static_cast<size_t>(std::count_if(
      insns.begin(), insns.end(), [](const isa::Insn& i) { return std::holds_alternative<T>(i); }));
}

// ---- Convolutions ----------------------------------------------------------------------------

struct ConvSpec {
  int64_t cin = 3, cout = 8, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1, group = 1;
  Ints pads = {1, 1, 1, 1};  // top, left, bottom, right
  int64_t h = 8, w = 8;
  std::string act;        // "" | Relu | Clip | LeakyRelu | Sigmoid | Tanh | HardSigmoid | HardSwish
  bool residual = false;  // y = act(conv(x) + r), r a second input
  std::string Label() const {
    return fmt::format("conv {}->{} k{}x{} s{}x{} d{}x{} g{} p{},{},{},{} {}x{}{}{}", cin, cout, kh,
                       kw, sh, sw, dh, dw, group, pads[0], pads[1], pads[2], pads[3], h, w,
                       act.empty() ? "" : " +" + act, residual ? " +res" : "");
  }
};

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

// The base result's half step, times the activation's largest slope (LUTs, residual adds).
std::function<double(const CompileReport&)> BaseHalfStep(const std::string& out, double slope) {
  return [out, slope](const CompileReport& r) {
    return slope * 0.5 * r.act.at(quant::BaseKey(out)).scale;
  };
}

TEST(CompileConv, DenseShapesOnTinyAndSim16) {
  Rng rng(42);
  int checked = 0;
  for (const std::string chip : {"tiny", "sim16"}) {
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
        Checked c = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(cin * 100 + cout)), chip,
                                      1.0, s.Label());
        checked += c.compiled.program.chips_size();
      }
    }
  }
  EXPECT_EQ(checked, 18);
}

TEST(CompileConv, MatmulPassesPerOutputBlockTapAndInputBlock) {
  ConvSpec s;
  s.cin = 17;   // 3 input blocks on tiny
  s.cout = 10;  // 2 output blocks
  s.kh = s.kw = 3;
  Checked c = CompileAndCompare(ConvGraph(s, 5), "tiny", 1.0, s.Label());
  const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
  EXPECT_EQ(Count<isa::Matmul>(insns), 2u * 9 * 3);
  EXPECT_EQ(Count<isa::Loadw>(insns), 2u * 9 * 3);
  EXPECT_EQ(Count<isa::Postproc>(insns), 2u);
  EXPECT_EQ(Count<isa::Perf>(insns), 1u);
  ASSERT_EQ(c.compiled.program.layers_size(), 1);
  EXPECT_EQ(c.compiled.program.layers(0).macs(), 10u * 17 * 9 * 8 * 8);
  EXPECT_EQ(c.compiled.report.codegen.weight_bytes, 2u * 9 * 3 * 8 * 8);  // pinned tiles
}

TEST(CompileConv, Activations) {
  struct Case {
    const char* act;
    double slope;  // largest slope of a LUT activation (0: computed before rounding)
  };
  for (const Case& a :
       {Case{"Relu", 0}, Case{"Clip", 0}, Case{"LeakyRelu", 0}, Case{"Sigmoid", 0.25},
        Case{"Tanh", 1.0}, Case{"HardSigmoid", 0.25}, Case{"HardSwish", 1.5}}) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 10;
    s.act = a.act;
    for (const std::string chip : {"tiny", "sim16"}) {
      Checked c = CompileAndCompare(ConvGraph(s, 11), chip, 1.0, s.Label(),
                                    a.slope > 0 ? BaseHalfStep("y", a.slope) : nullptr);
      if (a.slope > 0) {
        EXPECT_EQ(c.compiled.report.codegen.lut_tables, 1u) << a.act;
      }
    }
  }
}

TEST(CompileConv, Depthwise) {
  Rng rng(7);
  for (const std::string chip : {"tiny", "sim16"}) {
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
      Checked r = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(c)), chip, 1.0, s.Label());
      const std::vector<isa::Insn> insns = RunStream(r.compiled.program);
      EXPECT_EQ(Count<isa::Matmul>(insns), 0u) << "depthwise runs on DWCONV";
      const int64_t n = chip == "tiny" ? 8 : 16;
      EXPECT_EQ(Count<isa::Dwconv>(insns), static_cast<size_t>((c + n - 1) / n)) << s.Label();
    }
  }
}

TEST(CompileConv, GroupedSkipsTilesOutsideTheGroups) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const auto& [cin, cout, group] :
         {std::tuple<int64_t, int64_t, int64_t>{16, 16, 2}, {6, 9, 3}, {20, 10, 2}, {10, 20, 10}}) {
      ConvSpec s;
      s.cin = cin;
      s.cout = cout;
      s.group = group;
      Checked c = CompileAndCompare(ConvGraph(s, 3), chip, 1.0, s.Label());
      if (chip == "tiny" && cin == 16 && group == 2) {
        // Two groups of 8 on N = 8: block-diagonal, only (ob == ib) tiles: 2 * 9 passes.
        EXPECT_EQ(Count<isa::Matmul>(RunStream(c.compiled.program)), 18u);
      }
    }
  }
}

TEST(CompileConv, ResidualAddAndRelu) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t c : {3, 10, 17}) {
      ConvSpec s;
      s.cin = 8;
      s.cout = c;
      s.residual = true;
      s.act = c == 10 ? "" : "Relu";
      const std::string out = s.act.empty() ? "sum" : "y";
      Checked r = CompileAndCompare(ConvGraph(s, 9), chip, 1.0, s.Label(), BaseHalfStep(out, 1.0));
      const std::vector<isa::Insn> insns = RunStream(r.compiled.program);
      EXPECT_EQ(Count<isa::VecEltwise>(insns), 1u);
      EXPECT_EQ(r.compiled.program.layers_size(), 1);
    }
  }
}

TEST(CompileConv, AutoPadSameUpperStrided) {
  for (const std::string chip : {"tiny", "sim16"}) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 17;
    s.sh = s.sw = 2;
    s.h = 9;
    s.w = 8;
    ir::Graph g = ConvGraph(s, 17);
    ir::Node& conv = g.nodes[0];
    conv.attributes.erase("pads");
    conv.attributes["auto_pad"] = std::string("SAME_UPPER");  // pads 1 / 1 rows, 0 / 1 columns
    Checked c = CompileAndCompare(g, chip, 1.0, "conv 10->17 k3 s2 SAME_UPPER 9x8");
    ASSERT_EQ(c.compiled.program.outputs_size(), 1);
    EXPECT_EQ(std::vector<int64_t>(c.compiled.program.outputs(0).shape().begin(),
                                   c.compiled.program.outputs(0).shape().end()),
              (std::vector<int64_t>{1, 17, 5, 4}));
  }
}

TEST(CompileConv, ResidualThenLeakyReluOrLut) {
  // The add rounds to the sum's int8 scale, then the activation runs as its own pass: half a
  // step of the base result and of the sum, times the activation's slope, on top of one output
  // step.
  for (const auto& [act, slope] :
       {std::pair<const char*, double>{"LeakyRelu", 1.0}, {"Sigmoid", 0.25}, {"HardSwish", 1.5}}) {
    for (const std::string chip : {"tiny", "sim16"}) {
      ConvSpec s;
      s.cin = 10;
      s.cout = 17;
      s.residual = true;
      s.act = act;
      const double k = slope;
      Checked r =
          CompileAndCompare(ConvGraph(s, 19), chip, 1.0, s.Label(), [k](const CompileReport& rep) {
            return k * 0.5 *
                   (rep.act.at(quant::BaseKey("y")).scale + rep.act.at(quant::SumKey("y")).scale);
          });
      ASSERT_EQ(r.compiled.program.layers_size(), 1) << act;
      EXPECT_EQ(r.compiled.program.layers(0).op_type(), std::string("Conv+Add+") + act);
    }
  }
}

TEST(CompileConv, AccumulatorTiledByOutputRows) {
  // 40 x 40 = 1600 output pixels; a tile fills half of tiny's 1024 accumulator rows: 12 output
  // rows (480 pixels), so tiles of 12, 12, 12, 4 rows, alternating between the halves.
  ConvSpec s;
  s.cin = 5;
  s.cout = 12;
  s.h = s.w = 40;
  Checked c = CompileAndCompare(ConvGraph(s, 13), "tiny", 1.0, s.Label());
  const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
  EXPECT_EQ(Count<isa::Postproc>(insns), 2u * 4);  // 2 output blocks x 4 row tiles
  EXPECT_EQ(Count<isa::Matmul>(insns), 2u * 4 * 9);
  std::vector<uint32_t> acc, rows;
  for (const isa::Insn& i : insns) {
    if (const auto* p = std::get_if<isa::Postproc>(&i)) {
      acc.push_back(p->acc_addr);
      rows.push_back(p->rows);
    }
  }
  EXPECT_EQ(acc, (std::vector<uint32_t>{0, 512, 0, 512, 0, 512, 0, 512}));
  EXPECT_EQ(rows, (std::vector<uint32_t>{480, 480, 480, 160, 480, 480, 480, 160}));
}

// ---- Matrices --------------------------------------------------------------------------------

TEST(CompileGemm, ShapesAndForms) {
  Rng rng(21);
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t k : {3, 10, 17}) {
      for (int64_t n : {10, 17}) {
        const int64_t m = rng.Int(1, 5);
        const bool trans_b = (k + n) % 2 == 1;
        ir::Graph g = NewGraph();
        g.AddInput("a", DType::kF32, ir::StaticDims({m, k}));
        Tensor w = GridWeights(rng, {n, k}, n, std::sqrt(3.0 / static_cast<double>(k)));
        if (!trans_b) {  // store B as [K, N]
          std::vector<float> t(static_cast<size_t>(k * n));
          for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < k; ++j)
              t[static_cast<size_t>(j * n + i)] = w.at<float>(i * k + j);
          w = Tensor::FromVector<float>({k, n}, t);
        }
        g.AddInitializer("w", w);
        g.AddInitializer("c", RandomTensor(rng, {n}, -0.3, 0.3));
        g.AddNode("Gemm", {"a", "w", "c"}, {"y"}, {{"transB", int64_t{trans_b ? 1 : 0}}}, "fc");
        g.AddOutput("y");
        CompileAndCompare(g, chip, 1.0,
                          fmt::format("gemm {}x{} * {}{}", m, k, n, trans_b ? " transB" : ""));
      }
    }
  }
}

TEST(CompileGemm, AlphaAndBeta) {
  Rng rng(29);
  ir::Graph g = NewGraph();
  g.AddInput("a", DType::kF32, ir::StaticDims({3, 10}));
  g.AddInitializer("w", GridWeights(rng, {17, 10}, 17, 0.5));
  g.AddInitializer("c", RandomTensor(rng, {1, 17}, -0.3, 0.3));
  g.AddNode("Gemm", {"a", "w", "c"}, {"y"},
            {{"transB", int64_t{1}}, {"alpha", 0.5f}, {"beta", 2.0f}}, "fc");
  g.AddOutput("y");
  for (const std::string chip : {"tiny", "sim16"})
    CompileAndCompare(g, chip, 1.0, "gemm 3x10 * 17 alpha 0.5 beta 2");
}

TEST(CompileGemm, MatMulByAConstantAndRelu) {
  Rng rng(23);
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
  for (const std::string chip : {"tiny", "sim16"}) {
    Checked c = CompileAndCompare(g, chip, 1.0, "matmul 4x17 * 17x9 + relu");
    ASSERT_EQ(c.compiled.program.layers_size(), 1);
    EXPECT_EQ(c.compiled.program.layers(0).op_type(), "Gemm+Relu");
  }
}

// ---- Element-wise and stand-alone activations --------------------------------------------------

TEST(CompileEltwise, BinaryOps) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const char* op : {"Add", "Sub", "Mul", "Max", "Min"}) {
      for (int64_t c : {3, 10, 17}) {
        ir::Graph g = NewGraph();
        g.AddInput("a", DType::kF32, ir::StaticDims({1, c, 5, 6}));
        g.AddInput("b", DType::kF32, ir::StaticDims({1, c, 5, 6}));
        g.AddNode(op, {"a", "b"}, {"y"}, {}, "op");
        g.AddOutput("y");
        CompileAndCompare(g, chip, 1.0, fmt::format("{} {}x5x6", op, c));
      }
    }
  }
}

TEST(CompileEltwise, PerChannelBroadcasts) {
  Rng rng(31);
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t c : {3, 10, 17}) {
      // A per-channel constant, on either side.
      for (const char* op : {"Add", "Mul", "Sub", "Div"}) {
        ir::Graph g = NewGraph();
        g.AddInput("a", DType::kF32, ir::StaticDims({1, c, 4, 4}));
        const bool div = std::string(op) == "Div";  // by k in [0.5, 2]: 1 / k stays in [0.5, 2]
        g.AddInitializer("k", RandomTensor(rng, {c, 1, 1}, div ? 0.5 : -1.5, div ? 2.0 : 1.5));
        g.AddNode(op, {std::string(op) == "Sub" ? "k" : "a", std::string(op) == "Sub" ? "a" : "k"},
                  {"y"}, {}, "op");
        g.AddOutput("y");
        // The constant's own int8 rounding (half its step, times |a| <= 3 for Mul) adds to the
        // bound.
        CompileAndCompare(g, chip, 1.0, fmt::format("{} {}x4x4 with constant [{},1,1]", op, c, c),
                          [](const CompileReport&) { return 3.0 * 0.5 * 3.0 / 255.0; });
      }
      // A [1, C, 1, 1] activation broadcast over the pixels (squeeze-excitation style).
      ir::Graph g = NewGraph();
      g.AddInput("a", DType::kF32, ir::StaticDims({1, c, 3, 5}));
      g.AddInput("s", DType::kF32, ir::StaticDims({1, c, 1, 1}));
      g.AddNode("Mul", {"s", "a"}, {"y"}, {}, "scale");
      g.AddOutput("y");
      Checked r = CompileAndCompare(g, chip, 1.0, fmt::format("Mul {}x3x5 by [1,{},1,1]", c, c));
      for (const isa::Insn& i : RunStream(r.compiled.program)) {
        if (const auto* v = std::get_if<isa::VecEltwise>(&i)) {
          EXPECT_EQ(v->b_src, isa::BSrc::kUbBcast);
        }
      }
    }
  }
}

TEST(CompileEltwise, StandaloneActivations) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const char* act :
         {"Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish"}) {
      // LUT activations: a 1x1 depthwise pass by 1 and the table, exact up to the output step.
      ir::Graph g = NewGraph();
      g.AddInput("x", DType::kF32, ir::StaticDims({1, 10, 4, 7}));
      AddActivation(g, act, "x", "y");
      g.AddOutput("y");
      CompileAndCompare(g, chip, 1.0, fmt::format("{} 10x4x7", act));
    }
  }
}

// ---- Pooling ---------------------------------------------------------------------------------

TEST(CompilePool, MaxAverageGlobal) {
  struct Case {
    const char* op;
    Ints kernel, strides, pads;
    int64_t ceil_mode, include_pad;
    double steps;  // max pooling is exact on the quantized input
  };
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t c : {3, 10, 17}) {
      for (const Case& k : {Case{"MaxPool", {2, 2}, {2, 2}, {0, 0, 0, 0}, 0, 0, 1e-3},
                            Case{"MaxPool", {3, 3}, {2, 2}, {1, 1, 1, 1}, 1, 0, 1e-3},
                            Case{"AveragePool", {3, 3}, {1, 1}, {1, 1, 1, 1}, 0, 0, 1.0},
                            Case{"AveragePool", {3, 2}, {2, 1}, {1, 0, 1, 1}, 0, 1, 1.0},
                            Case{"AveragePool", {2, 3}, {2, 2}, {0, 1, 0, 0}, 1, 0, 1.0},
                            Case{"GlobalAveragePool", {}, {}, {}, 0, 0, 1.0}}) {
        ir::Graph g = NewGraph();
        g.AddInput("x", DType::kF32, ir::StaticDims({1, c, 9, 7}));
        std::map<std::string, ir::Attribute> attrs;
        if (!k.kernel.empty()) {
          attrs = {{"kernel_shape", k.kernel},
                   {"strides", k.strides},
                   {"pads", k.pads},
                   {"ceil_mode", k.ceil_mode}};
          if (std::string(k.op) == "AveragePool") attrs["count_include_pad"] = k.include_pad;
        }
        g.AddNode(k.op, {"x"}, {"y"}, attrs, "pool");
        g.AddOutput("y");
        CompileAndCompare(
            g, chip, k.steps,
            fmt::format("{} {}x9x7 k{} s{} ceil{} incl{}", k.op, c,
                        k.kernel.empty() ? 0 : k.kernel[0], k.strides.empty() ? 0 : k.strides[0],
                        k.ceil_mode, k.include_pad));
      }
    }
  }
}

// ---- A small CNN -----------------------------------------------------------------------------

// conv3x3-BN-relu, depthwise 3x3 + relu6, conv1x1 + residual + relu, maxpool, GAP, flatten, gemm.
ir::Graph SmallCnn(uint64_t seed, int64_t hw = 16) {
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

TEST(CompileModel, SmallCnnOnTinyAndSim16) {
  for (const std::string chip : {"tiny", "sim16"}) {
    // Seven rounded layers, weights off the grid: a few output steps.
    Checked c = CompileAndCompare(SmallCnn(77), chip, 6.0,
                                  "small CNN (conv-bn-relu, dw, res, "
                                  "pools, gemm)");
    const Program& p = c.compiled.program;
    std::vector<std::string> ops;
    for (const program::LayerInfo& l : p.layers()) ops.push_back(l.op_type());
    EXPECT_EQ(ops, (std::vector<std::string>{"Conv+Relu", "Conv+Clip", "Conv+Add+Relu", "MaxPool",
                                             "GlobalAveragePool", "Gemm"}));
    // The placement table: BN and the activations folded, Flatten free.
    std::map<std::string, std::string> where, detail;
    for (const NodePlacement& n : c.compiled.report.placement) {
      where[n.node] = n.where;
      detail[n.node] = n.detail;
    }
    EXPECT_EQ(where["conv1"], "chip");
    EXPECT_EQ(detail["conv1"], "layer 0: Conv+Relu");
    EXPECT_EQ(where["bn1"], "folded away");
    EXPECT_EQ(detail["bn1"], "fused into 'conv1'");
    EXPECT_EQ(where["relu1"], "folded away");
    EXPECT_EQ(detail["add3"], "fused into 'conv3'");
    EXPECT_EQ(where["flatten5"].rfind("chip (layout", 0), 0u);
    EXPECT_GT(c.compiled.report.codegen.est_cycles, 0u);
    EXPECT_GT(c.compiled.report.codegen.macs, 10u * 3 * 9 * 256);
    // Reuse: the unified buffer holds fewer rows than the sum of all tensors.
    const uint64_t n = chip == "tiny" ? 8 : 16, b10 = (10 + n - 1) / n;
    // x (one block), r1, r2, conv3's base result, r3 (16x16), p4 (8x8), g5, logits.
    const uint64_t all_rows = 256 + 4 * 256 * b10 + 64 * b10 + b10 + 1;
    EXPECT_LT(c.compiled.report.codegen.ub_peak_rows, all_rows);
  }
}

TEST(CompileModel, LivenessReusesTheUnifiedBuffer) {
  // Six layers of 16x32x32 = 2048 rows each on tiny (8192 rows): 14336 rows without reuse.
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 16, 32, 32}));
  std::string cur = "x";
  for (int i = 0; i < 6; ++i) {
    const std::string next = "v" + std::to_string(i);
    g.AddNode(i % 2 == 0 ? "Relu" : "LeakyRelu", {cur}, {next}, {}, "act" + std::to_string(i));
    cur = next;
  }
  g.AddOutput(cur);
  Checked c = CompileAndCompare(g, "tiny", 6.0, "six activations 16x32x32");
  EXPECT_EQ(c.compiled.report.codegen.ub_peak_rows, 2u * 2048);  // one input, one output live
  EXPECT_EQ(c.compiled.program.layers_size(), 6);
}

TEST(CompileModel, TwoOutputsOneReadByTheOther) {
  ConvSpec s;
  s.cin = 3;
  s.cout = 10;
  s.act = "Relu";
  ir::Graph g = ConvGraph(s, 8);  // output "y", which the pool reads too
  g.AddNode("MaxPool", {"y"}, {"p"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}},
            "pool");
  g.AddOutput("p");
  for (const std::string chip : {"tiny", "sim16"}) {
    Checked c = CompileAndCompare(g, chip, 1.0, "conv+relu and its max pool, both outputs");
    const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
    ASSERT_EQ(Count<isa::DmaStore>(insns), 2u);
    // Each store follows the layer computing its output: one EX->ST token each, pushed by the
    // layer's last instruction and popped by the store.
    size_t pushes = 0, pops = 0;
    for (const isa::Insn& i : insns) {
      pushes += isa::DepsOf(i).push_next && isa::QueueOf(i) == isa::Queue::kEx;
      pops += isa::DepsOf(i).pop_prev && isa::QueueOf(i) == isa::Queue::kSt;
    }
    EXPECT_EQ(pushes, 2u);
    EXPECT_EQ(pops, 2u);
  }
}

TEST(CompileModel, RunReportHasOneRecordPerLayer) {
  CompileOptions o;
  Result<Compiled> c = CompileGraph(SmallCnn(3), Chip("sim16"), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->report.warnings.size(), 1u);  // synthetic calibration
  auto backend = runtime::MakeGoldenBackend({c->program.chips(0).config()});
  auto s = runtime::Session::Load(c->program, **backend);
  ASSERT_TRUE(s.ok());
  runtime::RunReport report;
  Rng rng(5);
  auto out =
      (*s)->Run({{"x", Tensor::FromVector<float>({1, 3, 16, 16}, rng.Normal(768))}}, &report);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(report.layers.size(), 6u);
  EXPECT_EQ(report.layers[0].name, "conv1");
  EXPECT_EQ(report.layers[0].macs, 10u * 3 * 9 * 16 * 16);
  EXPECT_NE(FormatSummary(c->report, Chip("sim16")).find("estimated cycles"), std::string::npos);
  EXPECT_NE(FormatPlacement(c->report).find("folded away"), std::string::npos);
}

// A real model (fetched by scripts/fetch-models into .cache/models): PaddleOCR's text direction
// classifier, MobileNetV3-style (hard-swish as Add / Clip / Mul / Div, squeeze-excitation,
// depthwise convolutions), without its final Softmax, which the chip does not run yet.
TEST(CompileModel, PaddleOcrClassifierWithoutSoftmax) {
  const std::string path = std::string(AORTA_TEST_SOURCE_DIR) + "/.cache/models/ppocr_cls.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not fetched (scripts/fetch-models)";
  Result<ir::Graph> imported = ImportOnnxFile(path);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ir::Graph g = std::move(*imported);
  auto soft = std::find_if(g.nodes.begin(), g.nodes.end(),
                           [](const ir::Node& n) { return n.op_type == "Softmax"; });
  ASSERT_NE(soft, g.nodes.end());
  g.outputs = {soft->inputs[0]};
  g.nodes.erase(soft);
  g.values[g.inputs[0]].dims = ir::StaticDims({1, 3, 48, 192});
  Checked c = CompileAndCompare(g, "sim16", 40.0, "ppocr_cls (no softmax)");
  EXPECT_GT(c.compiled.program.layers_size(), 20);
}

// ---- Errors ----------------------------------------------------------------------------------

TEST(CompileErrors, UnsupportedOpNamesNodeAndOp) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 10}));
  g.AddNode("Softmax", {"x"}, {"y"}, {}, "probabilities");
  g.AddOutput("y");
  CompileReport report;
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {}, &report);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("Softmax node 'probabilities'"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("no node of the model runs on the chip"), std::string::npos);
  ASSERT_EQ(report.placement.size(), 1u);
  EXPECT_EQ(report.placement[0].where, "host");
}

TEST(CompileErrors, WhatTheChipDoesNotRunYet) {
  struct Case {
    std::string label, expect;
    std::function<void(ir::Graph&)> build;
  };
  Rng rng(3);
  const std::vector<Case> cases = {
      {"Concat", "Concat node 'cat' cannot run on the chip: no lowering for op type 'Concat'",
       [&](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddInput("z", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddNode("Concat", {"x", "z"}, {"y"}, {{"axis", int64_t{1}}}, "cat");
         g.AddOutput("y");
       }},
      {"ConvTranspose", "ConvTranspose is not lowered yet",
       [&](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddInitializer("w", RandomTensor(rng, {4, 4, 2, 2}, -1, 1));
         g.AddNode("ConvTranspose", {"x", "w"}, {"y"}, {{"strides", Ints{2, 2}}}, "up");
         g.AddOutput("y");
       }},
      {"Gemm transA", "transA = 1",
       [&](ir::Graph& g) {
         g.AddInput("a", DType::kF32, ir::StaticDims({6, 2}));
         g.AddInitializer("w", RandomTensor(rng, {6, 5}, -1, 1));
         g.AddNode("Gemm", {"a", "w"}, {"y"}, {{"transA", int64_t{1}}}, "fc");
         g.AddOutput("y");
       }},
      {"row broadcast", "broadcasting 'b' of shape 1x1x1x5",
       [&](ir::Graph& g) {
         g.AddInput("a", DType::kF32, ir::StaticDims({1, 4, 3, 5}));
         g.AddInput("b", DType::kF32, ir::StaticDims({1, 1, 1, 5}));
         g.AddNode("Add", {"a", "b"}, {"y"}, {}, "add");
         g.AddOutput("y");
       }},
      {"batch 2", "has batch 2",
       [&](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({2, 4, 3, 3}));
         g.AddNode("Relu", {"x"}, {"y"}, {}, "relu");
         g.AddOutput("y");
       }},
  };
  for (const Case& c : cases) {
    ir::Graph g = NewGraph();
    c.build(g);
    Result<Compiled> r = CompileGraph(g, Chip("sim16"), {});
    ASSERT_FALSE(r.ok()) << c.label;
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << c.label;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.label << ": " << r.status().message();
  }
}

TEST(CompileErrors, ParametersTooBigToStreamNameTheLayerAndSizes) {
  // 400 output channels on tiny: 50 blocks x 3 POSTPROC rows = 150 PARAM rows; the model does not
  // fit (weights 400 x 64 x 9 bytes > 32 KiB) and streaming needs two halves of 150 > 256 rows.
  ConvSpec s;
  s.cin = 64;
  s.cout = 400;
  s.h = s.w = 4;
  Result<Compiled> c = CompileGraph(ConvGraph(s, 1), Chip("tiny"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("layer 'conv'"), std::string::npos) << m;
  EXPECT_NE(m.find("150 PARAM rows"), std::string::npos) << m;
  EXPECT_NE(m.find("has 256 PARAM rows"), std::string::npos) << m;
}

TEST(CompileErrors, RowTooWideToTileNamesTheChip) {
  // One output row of 4000 pixels: staging a one-row tile of input and output (two slots each)
  // needs 16000 UB rows, tiny has 8192.
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 8, 3, 4000}));
  g.AddNode("Relu", {"x"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {});
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("chip 'tiny' (8192 unified-buffer rows)"), std::string::npos) << m;
  EXPECT_NE(m.find("even with every tensor in DRAM"), std::string::npos) << m;
  // The same model fits sim16.
  EXPECT_TRUE(CompileGraph(g, Chip("sim16"), {}).ok());
}

TEST(CompileErrors, NonFreeFlattenRunsOnTheHost) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
  g.AddNode("Flatten", {"x"}, {"f"}, {}, "flat");
  g.AddNode("Relu", {"f"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  CompileReport report;
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {}, &report);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(report.placement.size(), 2u);
  EXPECT_EQ(report.placement[0].where, "host");
  EXPECT_NE(report.placement[0].detail.find("reorders the channel-blocked rows"), std::string::npos)
      << report.placement[0].detail;
  EXPECT_EQ(report.placement[1].where, "chip");
}

// ---- Tiling through DRAM and streamed weights ---------------------------------------------------

// The layers a program tiles and the DMA it does per inference.
struct DramUse {
  size_t wb_loads = 0, param_loads = 0, act_loads = 0, act_stores = 0;
  bool interleaved = false;  // a DMA between two EX instructions of the same layer
};
DramUse DramUseOf(const Program& p) {
  DramUse u;
  bool in_layer = false, seen_dma = false;
  for (const isa::Insn& i : RunStream(p)) {
    const isa::Queue q = isa::QueueOf(i);
    if (const auto* l = std::get_if<isa::DmaLoad>(&i)) {
      if (l->mem == isa::Mem::kWb) ++u.wb_loads;
      if (l->mem == isa::Mem::kParam) ++u.param_loads;
      if (l->mem == isa::Mem::kUb) ++u.act_loads;
    }
    if (std::holds_alternative<isa::DmaStore>(i)) ++u.act_stores;
    if (q == isa::Queue::kBarrier) {
      in_layer = seen_dma = false;
    } else if (q == isa::Queue::kEx) {
      if (in_layer && seen_dma) u.interleaved = true;
      in_layer = true;
    } else if (in_layer) {
      seen_dma = true;
    }
  }
  return u;
}

TEST(CompileTiling, StreamedWeightsWhenTheyDoNotFit) {
  // 64 -> 64 channels, 3x3: 36864 weight bytes > tiny's 32 KiB weight buffer; then a second
  // conv that is pinned. The first layer streams in chunks of a quarter of the WB.
  ir::Graph g = ConvGraph(
      [] {
        ConvSpec s;
        s.cin = 64;
        s.cout = 64;
        s.h = 6;
        s.w = 5;
        s.act = "Relu";
        return s;
      }(),
      21);
  Rng rng(22);
  g.AddInitializer("w2", GridWeights(rng, {10, 64, 1, 1}, 10, 0.2));
  g.AddNode("Conv", {"y", "w2"}, {"z"}, {}, "conv2");
  g.outputs = {"z"};
  // Two rounded layers: the first one's half step, through the second, stays within 3 steps.
  Checked c = CompileAndCompare(g, "tiny", 3.0, "conv 64->64 streamed + conv 64->10");
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_TRUE(r.layers[0].streamed);
  EXPECT_FALSE(r.layers[1].streamed);
  EXPECT_EQ(r.layers[0].weight_bytes, 64u * 64 * 9);
  EXPECT_GE(r.streamed_weight_bytes, 64u * 64 * 9);
  EXPECT_EQ(r.weight_bytes, 8u * 2 * 8 * 8);  // conv2, pinned: 8 input x 2 output blocks, 1 tap
  const DramUse u = DramUseOf(c.compiled.program);
  EXPECT_GE(u.wb_loads, 5u);  // 4608 rows in chunks of at most 1024
  EXPECT_EQ(u.param_loads, 1u);
}

TEST(CompileTiling, ManyStreamedLayersDoubleBuffered) {
  // Six 3x3 convs of 32 -> 32 channels (9216 bytes each, 55 KiB in all) on tiny: some pinned,
  // the rest streamed through the two halves; tokens keep loads and passes in step.
  Rng rng(31);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 32, 5, 6}));
  std::string cur = "x";
  for (int i = 0; i < 6; ++i) {
    const std::string w = fmt::format("w{}", i), y = fmt::format("y{}", i);
    g.AddInitializer(w, GridWeights(rng, {32, 32, 3, 3}, 32, std::sqrt(3.0 / 288)));
    g.AddNode("Conv", {cur, w}, {y}, {{"pads", Ints{1, 1, 1, 1}}}, fmt::format("conv{}", i));
    cur = y;
  }
  g.AddOutput(cur);
  // Six rounded layers (as the six-activation chain): a few output steps.
  Checked c = CompileAndCompare(g, "tiny", 6.0, "six convs 32->32 streamed");
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  EXPECT_GE(r.streamed_layers, 2u);
  EXPECT_LT(r.streamed_layers, 6u);
  EXPECT_GT(r.weight_bytes, 0u);
  EXPECT_EQ(r.streamed_weight_bytes + r.weight_bytes, 6u * 32 * 32 * 9);
  EXPECT_EQ(DramUseOf(c.compiled.program).param_loads, r.streamed_layers);
}

TEST(CompileTiling, ConvolutionsTiledThroughDram) {
  // Inputs of 2 blocks x 64 x 72 = 9216 rows: more than tiny's 8192-row unified buffer, so the
  // tensors live in DRAM and every layer runs in row tiles with halos. Random kernels, strides,
  // dilations, paddings and channel counts that don't divide N = 8.
  Rng rng(91);
  for (int i = 0; i < 6; ++i) {
    ConvSpec s;
    s.cin = std::vector<int64_t>{10, 16, 12}[static_cast<size_t>(i % 3)];
    s.cout = std::vector<int64_t>{3, 17, 10}[static_cast<size_t>(i % 3)];
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
    Checked c = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(300 + i)), "tiny", 1.0,
                                  s.Label(), s.residual ? BaseHalfStep("sum", 1.0) : nullptr);
    const codegen::CodegenResult& r = c.compiled.report.codegen;
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_GT(r.layers[0].tiles, 1u) << s.Label();
    EXPECT_GT(r.dram_activation_bytes, 0u);
    const DramUse u = DramUseOf(c.compiled.program);
    EXPECT_GT(u.act_loads, 1u);
    EXPECT_TRUE(u.interleaved) << "loads and stores between the passes: " << s.Label();
  }
}

TEST(CompileTiling, DepthwisePoolsAndEltwiseTiledThroughDram) {
  Rng rng(5);
  for (int64_t c : {3, 10, 17}) {
    const int64_t h = 96, w = 96;  // c = 3: 9216 rows, 10 / 17: 2-3 blocks
    {
      ConvSpec s;
      s.cin = s.cout = s.group = c;
      s.kh = s.kw = 3;
      s.sh = s.sw = c == 10 ? 2 : 1;
      s.h = h;
      s.w = w;
      s.act = "Clip";
      Checked r = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(c)), "tiny", 1.0, s.Label());
      EXPECT_GT(r.compiled.report.codegen.tiled_layers, 0u) << s.Label();
      EXPECT_EQ(Count<isa::Matmul>(RunStream(r.compiled.program)), 0u);
    }
    for (const char* op : {"MaxPool", "AveragePool", "Add", "Relu"}) {
      ir::Graph g = NewGraph();
      const int64_t gh = h;
      g.AddInput("x", DType::kF32, ir::StaticDims({1, c, gh, w}));
      const std::string o(op);
      if (o == "MaxPool" || o == "AveragePool") {
        g.AddNode(op, {"x"}, {"y"},
                  {{"kernel_shape", Ints{3, 3}},
                   {"strides", Ints{2, 2}},
                   {"pads", Ints{1, 1, 1, 1}},
                   {"ceil_mode", int64_t{o == "AveragePool"}}},
                  "op");
      } else if (o == "Add") {
        g.AddInput("x2", DType::kF32, ir::StaticDims({1, c, gh, w}));
        g.AddNode(op, {"x", "x2"}, {"y"}, {}, "op");
      } else {
        g.AddNode(op, {"x"}, {"y"}, {}, "op");
      }
      g.AddOutput("y");
      Checked r = CompileAndCompare(g, "tiny", o == "MaxPool" ? 1e-3 : 1.0,
                                    fmt::format("{} {}x{}x{} tiled", op, c, gh, w));
      EXPECT_GT(r.compiled.report.codegen.tiled_layers, 0u) << op << " " << c;
    }
  }
}

TEST(CompileTiling, SmallCnnTiledAndStreamedOnTiny) {
  // The small CNN at 56 x 56: its residual block holds four 10-channel maps (2 blocks x 3136
  // rows each) at once, more than tiny's unified buffer.
  Checked c = CompileAndCompare(SmallCnn(77, 56), "tiny", 6.0, "small CNN 56x56 tiled");
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  EXPECT_GT(r.tiled_layers, 0u);
  EXPECT_GT(r.scratch_bytes, 0u);
  EXPECT_LE(r.ub_peak_rows, 8192u);
  std::vector<std::string> ops;
  for (const program::LayerInfo& l : c.compiled.program.layers()) ops.push_back(l.op_type());
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv+Relu", "Conv+Clip", "Conv+Add+Relu", "MaxPool",
                                           "GlobalAveragePool", "Gemm"}));
}

// ---- Allocation and the constant image ---------------------------------------------------------

TEST(CodegenParts, TokensFromDependencies) {
  using codegen::RunStream;
  auto load = [] {
    isa::DmaLoad d;
    d.rows = 1;
    d.row_bytes = 1;
    return isa::Insn{d};
  };
  auto ex = [] { return isa::Insn{isa::Loadw{}}; };
  auto store = [] {
    isa::DmaStore d;
    d.rows = 1;
    d.row_bytes = 1;
    return isa::Insn{d};
  };
  RunStream s;
  const size_t a = s.Add(load());
  const size_t b = s.Add(ex(), {a});
  const size_t c = s.Add(store(), {b});
  const size_t d = s.Add(ex(), {c, a});  // a is covered by b's pop already
  s.Add(isa::Sync{});
  s.Add(ex(), {c});  // a barrier in between: no token
  ASSERT_TRUE(s.AssignTokens(4).ok());
  EXPECT_EQ(isa::DepsOf(s.op(a).insn), (isa::Deps{.push_next = true}));
  EXPECT_EQ(isa::DepsOf(s.op(b).insn), (isa::Deps{.pop_prev = true, .push_next = true}));
  EXPECT_EQ(isa::DepsOf(s.op(c).insn), (isa::Deps{.pop_prev = true, .push_prev = true}));
  EXPECT_EQ(isa::DepsOf(s.op(d).insn), (isa::Deps{.pop_next = true}));
  EXPECT_EQ(isa::DepsOf(s.op(5).insn), isa::Deps{});

  // Capacity 1: the second load may not push before the first token was consumed.
  RunStream t;
  const size_t l0 = t.Add(load());
  const size_t e0 = t.Add(ex(), {l0});
  const size_t l1 = t.Add(load());
  t.Add(ex(), {l1});
  ASSERT_TRUE(t.AssignTokens(1).ok());
  EXPECT_TRUE(isa::DepsOf(t.op(e0).insn).push_prev);
  EXPECT_TRUE(isa::DepsOf(t.op(l1).insn).pop_next);

  // A dependency on a later instruction is refused.
  RunStream u;
  u.Add(ex(), {1});
  u.Add(load());
  EXPECT_EQ(u.AssignTokens(4).code(), StatusCode::kInternal);
}

TEST(CodegenParts, UbAllocatorFirstFitAndReuse) {
  codegen::UbAllocator ub;
  EXPECT_EQ(ub.Allocate(100), 0u);
  EXPECT_EQ(ub.Allocate(50), 100u);
  EXPECT_EQ(ub.Allocate(10), 150u);
  ub.Free(0);
  EXPECT_EQ(ub.Allocate(60), 0u);    // reuses the freed rows
  EXPECT_EQ(ub.Allocate(60), 160u);  // 40 free rows at 60 are too few
  EXPECT_EQ(ub.Allocate(40), 60u);
  EXPECT_EQ(ub.end(), 220u);
  ub.Free(160);
  EXPECT_EQ(ub.end(), 160u);
  EXPECT_EQ(ub.peak(), 220u);
}

TEST(CodegenParts, ConstantImageLayout) {
  codegen::ConstantImage k(8);
  EXPECT_EQ(k.AddWbRows(2), 0u);
  k.Wb(1, 7) = -3;
  EXPECT_EQ(k.AddParamRows(1), 0u);
  k.Param(0, 1) = -2;
  quant::Lut t{};
  t[5] = 9;
  EXPECT_EQ(k.AddLut(t), 0u);
  EXPECT_EQ(k.AddLut(t), 0u);  // shared
  const std::string b = k.Bytes();
  ASSERT_EQ(b.size(), 16u + 32u + 256u);
  EXPECT_EQ(static_cast<int8_t>(b[15]), -3);
  EXPECT_EQ(k.param_offset(), 16u);
  // PARAM lane 1 = -2, little-endian int32.
  EXPECT_EQ(static_cast<uint8_t>(b[16 + 4]), 0xfe);
  EXPECT_EQ(static_cast<uint8_t>(b[16 + 7]), 0xff);
  EXPECT_EQ(k.lut_offset(), 48u);
  EXPECT_EQ(b[48 + 5], 9);
}

}  // namespace
}  // namespace aorta
