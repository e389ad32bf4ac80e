// The quantization simulation (quant_sim.h): with nothing rounded it is the fp32 reference; with
// everything rounded every value lies on its int8 grid and the wide output does not; bits and
// per-channel knobs; the bias correction of CollectRanges' channel means.
#include "compiler/quant_sim.h"

#include <gtest/gtest.h>

#include <cmath>

#include "compiler/passes/fused_ops.h"
#include "compiler/pipeline.h"
#include "compiler/reference/executor.h"

namespace aorta::quant {
namespace {

// x [1, 3, 6, 6] -> Conv 3x3 pad 1 (4 out) + Relu -> Conv 1x1 (2 out, no activation) -> y.
ir::Graph TwoConvs() {
  ir::Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 3, 6, 6}));
  std::vector<float> w1(4 * 3 * 9), w2(2 * 4);
  for (size_t i = 0; i < w1.size(); ++i)
    w1[i] = static_cast<float>((static_cast<int>(i * 7 % 13) - 6) * 0.037);
  for (size_t i = 0; i < w2.size(); ++i)
    w2[i] = static_cast<float>((static_cast<int>(i * 5 % 9) - 4) * 0.21);
  g.AddInitializer("w1", Tensor::FromVector<float>({4, 3, 3, 3}, w1));
  g.AddInitializer("b1", Tensor::FromVector<float>({4}, {0.1f, -0.2f, 0.3f, 0.05f}));
  g.AddInitializer("w2", Tensor::FromVector<float>({2, 4, 1, 1}, w2));
  g.AddNode("Conv", {"x", "w1", "b1"}, {"c"}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}},
            "conv1");
  g.AddNode("Relu", {"c"}, {"r"}, {}, "relu");
  g.AddNode("Conv", {"r", "w2"}, {"y"}, {}, "conv2");
  g.AddOutput("y");
  EXPECT_TRUE(RunGraphPasses(g).ok());
  return g;
}

// Samples of N(0.5, 1) clipped: inputs with a non-zero mean.
std::vector<TensorMap> Samples(const ir::Graph& g, int n, uint64_t seed) {
  Result<std::vector<TensorMap>> s = SyntheticSamples(g, n, seed);
  EXPECT_TRUE(s.ok());
  for (TensorMap& m : *s)
    for (auto& [name, t] : m)
      for (float& v : t.data<float>()) v += 0.5f;
  return *s;
}

// The fp32 reference of a fused graph.
Result<TensorMap> Reference(const ir::Graph& g, const TensorMap& in) {
  AORTA_ASSIGN_OR_RETURN(ir::Graph expanded, passes::ExpandFusedOps(g));
  return reference::RunReference(expanded, in);
}

double Sqnr(const Tensor& got, const Tensor& want) {
  const std::vector<double> g = got.ToDoubles(), w = want.ToDoubles();
  double s = 0, n = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    s += w[i] * w[i];
    n += (g[i] - w[i]) * (g[i] - w[i]);
  }
  return 10 * std::log10(s / n);
}

TEST(QuantSim, FakeQuantize) {
  const QParams q = ChooseQParams(-1.0, 3.0);
  for (float x : {-0.5f, 0.013f, 1.7f, 2.99f}) {
    const float f = FakeQuantize(x, q);
    EXPECT_LE(std::abs(f - x), q.scale / 2 + 1e-6);
    const double steps = f / q.scale + q.zero_point;
    EXPECT_NEAR(steps, std::nearbyint(steps), 1e-3) << x;
    // 12 bits: a 16 times finer grid over the same range.
    EXPECT_LE(std::abs(FakeQuantize(x, q, 12) - x), q.scale / 32 + 1e-6);
  }
  EXPECT_FLOAT_EQ(FakeQuantize(100.0f, q), static_cast<float>(q.Dequantize(127)));
  EXPECT_FLOAT_EQ(FakeQuantize(-100.0f, q), static_cast<float>(q.Dequantize(-128)));
  EXPECT_NEAR(FakeQuantize(100.0f, q, 12), q.Dequantize(127) + q.scale * 15 / 16, 1e-5);
}

TEST(QuantSim, NothingRoundedIsTheReference) {
  const ir::Graph g = TwoConvs();
  const std::vector<TensorMap> calib = Samples(g, 4, 3);
  auto ranges = CollectRanges(g, calib, CalibMethod::kMinMax, 99.99);
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  Result<QuantizedGraph> q = QuantizeGraph(g, *ranges);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  SimOptions o;
  o.quantize_weights = false;
  o.only = {"(none)"};
  Result<QuantSimulator> sim = QuantSimulator::Create(*q, o);
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  const TensorMap in = Samples(g, 1, 9)[0];
  Result<TensorMap> got = sim->Run(in);
  Result<TensorMap> want = Reference(g, in);
  ASSERT_TRUE(got.ok() && want.ok());
  const std::vector<float> a = got->at("y").ToVector<float>(), b = want->at("y").ToVector<float>();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5);
}

TEST(QuantSim, EveryRoundedValueIsOnItsGrid) {
  const ir::Graph g = TwoConvs();
  const std::vector<TensorMap> calib = Samples(g, 4, 3);
  auto ranges = CollectRanges(g, calib, CalibMethod::kMinMax, 99.99);
  ASSERT_TRUE(ranges.ok());
  Result<QuantizedGraph> q = QuantizeGraph(g, *ranges);
  ASSERT_TRUE(q.ok());
  Result<QuantSimulator> sim = QuantSimulator::Create(*q, {});
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  // The input and the Relu output (POSTPROC clamps: no base result) are rounded; the output is
  // wide.
  EXPECT_EQ(sim->keys(), (std::vector<std::string>{"x", "r"}));
  size_t seen = 0;
  Result<TensorMap> got = sim->Run(calib[0], [&](const std::string& v, Tensor& t) {
    auto k = sim->key_of().find(v);
    if (k == sim->key_of().end()) return;
    const QParams& p = q->act.at(k->second);
    for (float x : t.data<float>()) {
      const double steps = x / p.scale + p.zero_point;
      ASSERT_NEAR(steps, std::nearbyint(steps), 1e-2) << v;
      ASSERT_GE(std::nearbyint(steps), -128);
      ASSERT_LE(std::nearbyint(steps), 127);
    }
    ++seen;
  });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(seen, 2u);
  // The wide output is not on an int8 grid, and it is close to the reference.
  Result<TensorMap> want = Reference(g, calib[0]);
  ASSERT_TRUE(want.ok());
  EXPECT_GT(Sqnr(got->at("y"), want->at("y")), 25.0);
  const QParams& p = q->act.at("y");
  size_t off_grid = 0;
  for (float x : got->at("y").data<float>()) {
    const double steps = x / p.scale + p.zero_point;
    off_grid += std::abs(steps - std::nearbyint(steps)) > 1e-2;
  }
  EXPECT_GT(off_grid, 0u);
  // 16-bit activations are closer to the reference than int8.
  SimOptions fine;
  fine.bits = 16;
  Result<QuantSimulator> sim16 = QuantSimulator::Create(*q, fine);
  ASSERT_TRUE(sim16.ok());
  Result<TensorMap> got16 = sim16->Run(calib[0]);
  ASSERT_TRUE(got16.ok());
  EXPECT_GT(Sqnr(got16->at("y"), want->at("y")), Sqnr(got->at("y"), want->at("y")));
}

// x [1, 3, 6, 6] -> Conv 1x1 (4 out, no padding) -> y: the weights' mean error is exactly
// sum_i dw[c, i] * mean_i over the calibration set.
ir::Graph OneByOne() {
  ir::Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 3, 6, 6}));
  std::vector<float> w(4 * 3);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>(std::sin(1.7 * static_cast<double>(i) + 0.3));
  g.AddInitializer("w", Tensor::FromVector<float>({4, 3, 1, 1}, w));
  g.AddNode("Conv", {"x", "w"}, {"y"}, {}, "conv");
  g.AddOutput("y");
  EXPECT_TRUE(RunGraphPasses(g).ok());
  return g;
}

TEST(QuantSim, BiasCorrectionRemovesTheWeightsMeanError) {
  const ir::Graph g = OneByOne();
  const std::vector<TensorMap> calib = Samples(g, 8, 3);
  auto plain = CollectRanges(g, calib, CalibMethod::kMinMax, 99.99);
  auto with_means = CollectRanges(g, calib, CalibMethod::kMinMax, 99.99, false, true);
  ASSERT_TRUE(plain.ok() && with_means.ok());
  EXPECT_EQ(plain->count(MeanKey("x", 0)), 0u);
  ASSERT_EQ(with_means->count(MeanKey("x", 2)), 1u);
  // The mean of channel 0 of x, computed here.
  double sum = 0;
  for (const TensorMap& m : calib) {
    const std::vector<float> v = m.at("x").ToVector<float>();
    for (size_t i = 0; i < 36; ++i) sum += v[i];
  }
  EXPECT_NEAR(with_means->at(MeanKey("x", 0)).lo, sum / (36.0 * calib.size()), 1e-6);
  // Weights rounded only (activations exact): the mean output error per channel over the
  // calibration set, summed in magnitude over the channels.
  auto mean_error = [&](const std::map<std::string, Range>& ranges) {
    Result<QuantizedGraph> q = QuantizeGraph(g, ranges);
    EXPECT_TRUE(q.ok());
    SimOptions o;
    o.only = {"(none)"};
    Result<QuantSimulator> sim = QuantSimulator::Create(*q, o);
    EXPECT_TRUE(sim.ok());
    std::vector<double> err(4, 0.0);
    for (const TensorMap& m : calib) {
      Result<TensorMap> got = sim->Run(m);
      Result<TensorMap> want = Reference(g, m);
      EXPECT_TRUE(got.ok() && want.ok());
      const std::vector<double> a = got->at("y").ToDoubles(), b = want->at("y").ToDoubles();
      for (size_t i = 0; i < a.size(); ++i) err[i / 36] += a[i] - b[i];
    }
    double total = 0;
    for (double e : err) total += std::abs(e) / (36.0 * calib.size());
    return total;
  };
  const double before = mean_error(*plain), after = mean_error(*with_means);
  EXPECT_GT(before, 1e-4);
  EXPECT_LT(after, before / 10) << before << " -> " << after;
}

}  // namespace
}  // namespace aorta::quant
