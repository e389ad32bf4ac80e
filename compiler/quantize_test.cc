// Quantization: parameter choice and round trips, multipliers and ratios against hand-computed
// values, per-channel weights, LUTs, calibration (min / max, percentile, files) and the quantized
// form of a fused convolution.
#include "compiler/quantize.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "compiler/pipeline.h"
#include "core/io/npy.h"

namespace aorta::quant {
namespace {

TEST(Quantize, ChooseQParamsByHand) {
  // [-1, 3]: scale = 4 / 255, zero point = round(-128 + 1 / scale) = round(-64.25) = -64.
  QParams q = ChooseQParams(-1.0, 3.0);
  EXPECT_EQ(q.scale, static_cast<double>(static_cast<float>(4.0 / 255.0)));
  EXPECT_EQ(q.zero_point, -64);
  // A range not containing 0 is widened: [2, 5] -> [0, 5], zero point -128.
  QParams p = ChooseQParams(2.0, 5.0);
  EXPECT_EQ(p.zero_point, -128);
  EXPECT_NEAR(p.scale, 5.0 / 255.0, 1e-9);
  EXPECT_EQ(ChooseQParams(0, 0).scale, 1.0);
}

TEST(Quantize, RoundTrips) {
  const QParams q = ChooseQParams(-0.7, 2.3);
  for (int32_t v = -128; v <= 127; ++v) EXPECT_EQ(q.Quantize(q.Dequantize(v)), v);
  for (double x = -0.7; x <= 2.3; x += 0.001)
    EXPECT_LE(std::abs(q.Dequantize(q.Quantize(x)) - x), q.scale / 2 + 1e-12) << x;
  EXPECT_EQ(q.Quantize(100.0), 127);
  EXPECT_EQ(q.Quantize(-100.0), -128);
}

TEST(Quantize, MultiplierByHand) {
  struct Case {
    double real;
    int32_t mult, shift;
  };
  // real = mult * 2^-(31 + shift).
  for (const Case& c :
       {Case{0.5, 1 << 30, 0}, Case{0.75, 1610612736, 0}, Case{3.0, 1610612736, -2},
        Case{0.1, 1717986918, 3}, Case{0x1.0p-40, 1 << 22, 31}, Case{0x1.0p-70, 0, 31}}) {
    Result<Multiplier> m = QuantizeMultiplier(c.real);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->mult, c.mult) << c.real;
    EXPECT_EQ(m->shift, c.shift) << c.real;
  }
  EXPECT_FALSE(QuantizeMultiplier(0).ok());
  EXPECT_FALSE(QuantizeMultiplier(-0.5).ok());
  EXPECT_FALSE(QuantizeMultiplier(0x1.0p30).ok());
}

TEST(Quantize, MultiplierAppliedByRuleR3) {
  for (double real : {0.000123, 0.0371, 0.5, 0.999, 1.7, 123.4}) {
    Result<Multiplier> m = QuantizeMultiplier(real);
    ASSERT_TRUE(m.ok());
    for (int32_t v : {-100000, -777, -1, 0, 1, 5, 999, 123456}) {
      const int64_t got = intmath::Requantize(v, m->mult, m->shift, 0);
      EXPECT_LE(std::abs(static_cast<double>(got) - v * real), 0.5 + std::abs(v * real) * 1e-8)
          << real << " " << v;
    }
  }
}

TEST(Quantize, RatioByHand) {
  // 0.75 * 2^30 < 2^30 <= 0.75 * 2^31: shift 30, m = 0.75 * 2^30.
  Result<FixedRatio> r = QuantizeRatio(0.75, 62);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->shift, 30);
  EXPECT_EQ(r->m, 805306368);
  // Capped shift: 1e-3 at most 2^10 -> m = round(1.024) = 1.
  r = QuantizeRatio(1e-3, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->shift, 10);
  EXPECT_EQ(r->m, 1);
  r = QuantizeRatio(-2.5, 62);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->m, -671088640);  // -2.5 * 2^28: 2.5 * 2^29 would reach 2^30
  EXPECT_EQ(r->shift, 28);
  EXPECT_FALSE(QuantizeRatio(0x1.0p32, 62).ok());
}

TEST(Quantize, PerChannelWeightsByHand) {
  ChannelWeights w = QuantizeWeightsPerChannel({1.0, -2.0, 0.5, 0.0, 0.0, 0.0}, 2);
  ASSERT_EQ(w.scale.size(), 2u);
  EXPECT_DOUBLE_EQ(w.scale[0], 2.0 / 127.0);
  EXPECT_EQ(w.scale[1], 1.0);
  // 1 / (2/127) = 63.5 -> 64 (half to even), -127, 0.5 -> 31.75 -> 32.
  EXPECT_EQ(std::vector<int8_t>(w.q.begin(), w.q.end()),
            (std::vector<int8_t>{64, -127, 32, 0, 0, 0}));
}

TEST(Quantize, LutEvaluatesTheFunctionOnEveryInput) {
  const QParams in = ChooseQParams(-6, 6), out = ChooseQParams(0, 1);
  auto f = LutFunction(passes::Activation{"Sigmoid"});
  ASSERT_TRUE(f.has_value());
  Lut t = BuildLut(*f, in, out);
  for (int q = -128; q <= 127; ++q)
    EXPECT_EQ(t[static_cast<size_t>(q + 128)],
              out.Quantize(1.0 / (1.0 + std::exp(-in.Dequantize(q)))));
  for (size_t i = 1; i < 256; ++i) EXPECT_GE(t[i], t[i - 1]);
  EXPECT_EQ(t[static_cast<size_t>(in.zero_point + 128)], out.Quantize(0.5));
  passes::Activation hs{"HardSigmoid", 0.2f, 0.5f};
  EXPECT_NEAR((*LutFunction(hs))(1.0), 0.7, 1e-6);
  EXPECT_NEAR((*LutFunction(passes::Activation{"HardSwish"}))(1.0), 1.0 * (1.0 / 6 + 0.5), 1e-12);
  EXPECT_FALSE(LutFunction(passes::Activation{"Relu"}).has_value());
}

// x [1, 2, 4, 4] -> Conv 3x3 pad 1 (3 out) + bias -> Relu, through the graph passes.
ir::Graph ConvRelu() {
  ir::Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 2, 4, 4}));
  std::vector<float> w(3 * 2 * 9);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>((static_cast<int>(i * 7 % 11) - 5) * 0.1);
  g.AddInitializer("w", Tensor::FromVector<float>({3, 2, 3, 3}, w));
  g.AddInitializer("b", Tensor::FromVector<float>({3}, {0.1f, -0.2f, 0.3f}));
  g.AddNode("Conv", {"x", "w", "b"}, {"c"}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}, "conv");
  g.AddNode("Relu", {"c"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  EXPECT_TRUE(RunGraphPasses(g).ok());
  return g;
}

TEST(Quantize, FusedConvParameters) {
  ir::Graph g = ConvRelu();
  ASSERT_EQ(g.nodes.size(), 1u);
  Result<std::vector<TensorMap>> samples = SyntheticSamples(g, 4, 7);
  ASSERT_TRUE(samples.ok());
  auto ranges = CollectRanges(g, *samples, CalibMethod::kMinMax, 99.99);
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  EXPECT_GE((*ranges)["y"].lo, 0.0);           // after the ReLU
  EXPECT_LT((*ranges)[BaseKey("y")].lo, 0.0);  // before it
  EXPECT_GE((*ranges)["x"].lo, -3.0);          // clipped synthetic inputs
  Result<QuantizedGraph> q = QuantizeGraph(g, *ranges);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  const auto& m = std::get<QuantizedMatrixOp>(q->ops.at(g.nodes[0].name));
  const QParams out = q->act.at("y"), in = q->act.at("x");
  EXPECT_EQ(out.zero_point, -128);
  EXPECT_EQ(m.lo, out.zero_point);  // ReLU clamps at the quantized 0
  EXPECT_EQ(m.hi, 127);
  EXPECT_FALSE(m.lut.has_value());
  EXPECT_FALSE(m.residual.has_value());
  for (size_t c = 0; c < 3; ++c) {
    int64_t sum = 0;
    for (size_t i = 0; i < 18; ++i) sum += m.w[c * 18 + i];
    EXPECT_EQ(m.folded_bias[c], m.bias[c] - in.zero_point * sum);
    Result<Multiplier> mult = QuantizeMultiplier(in.scale * m.w_scale[c] / out.scale);
    EXPECT_EQ(m.mult[c], *mult);
    const double b[] = {0.1, -0.2, 0.3};
    EXPECT_NEAR(m.bias[c] * in.scale * m.w_scale[c], b[c], in.scale * m.w_scale[c]);
  }
}

TEST(Quantize, PercentileClipsOutliers) {
  ir::Graph g = ConvRelu();
  std::vector<float> v(32, 0.5f);
  v[3] = 100.0f;  // one outlier
  TensorMap sample{{"x", Tensor::FromVector<float>({1, 2, 4, 4}, v)}};
  auto mm = CollectRanges(g, {sample}, CalibMethod::kMinMax, 99.99);
  auto pc = CollectRanges(g, {sample}, CalibMethod::kPercentile, 90.0);
  ASSERT_TRUE(mm.ok() && pc.ok());
  EXPECT_EQ((*mm)["x"].hi, 100.0);
  EXPECT_EQ((*pc)["x"].hi, 0.5);
  EXPECT_FALSE(CollectRanges(g, {sample}, CalibMethod::kPercentile, 20.0).ok());
  EXPECT_FALSE(ParseCalibMethod("kl").ok());
  EXPECT_EQ(*ParseCalibMethod("percentile"), CalibMethod::kPercentile);
}

TEST(Quantize, MseRangeClipsWhereItLowersTheError) {
  // 10^6 values at 1 and one at 100. Range [0, h]: the values at 1 cost h^2 / (255^2 * 12) each
  // (half a step, uniformly), the one at 100 costs (100 - h)^2 once clipped: 10^6 h^2 / 780300 +
  // (100 - h)^2, smallest at h = 100 / (1 + 10^6 / 780300) = 43.83. On the grid of 128 steps of
  // 100 / 128: 43.75 (56 steps, error 5594.6) beats 44.53 (57 steps, 5618.3); a bound moves up
  // to the next edge of the histogram's bins (99 / 2048 wide).
  Histogram h(1.0, 100.0, kMseBins);
  for (int i = 0; i < 1000000; ++i) h.Add(1.0);
  h.Add(100.0);
  const Range r = MseRange(h, 128);
  EXPECT_EQ(r.lo, 1.0);  // no value below 0: the range starts at the smallest value
  EXPECT_GE(r.hi, 43.75);
  EXPECT_LT(r.hi, 43.75 + 99.0 / 2048);
  // Uniform values in [-2, 1] (density n / 3): clipping d off an end costs n d^3 / 9 and saves
  // about n (6 d / 255^2) / 12 of rounding error. One grid step off the top (d = 1 / 128): costs
  // 5.3e-8 n, saves 6.0e-8 n, taken; off the bottom (d = 2 / 128): costs 4.2e-7 n, saves
  // 1.2e-7 n, not taken.
  Histogram u(-2.0, 1.0, kMseBins);
  for (int i = 0; i <= 30000; ++i) u.Add(-2.0 + 3.0 * i / 30000.0);
  const Range ru = MseRange(u, 128);
  EXPECT_DOUBLE_EQ(ru.lo, -2.0);
  EXPECT_NEAR(ru.hi, 1.0 - 1.0 / 128, 3.0 / 2048);
  EXPECT_EQ(*ParseCalibMethod("mse"), CalibMethod::kMse);
}

TEST(Quantize, MseCalibrationOfAGraph) {
  // 128 samples of 32 values in [-1, 1], one of them 10^4. Min / max: a step of 10^4 / 255 for
  // everything. MSE: the outlier clipped a little (its clipping error grows with the square of
  // the distance, each of the 4096 values' rounding error with the square of the step).
  ir::Graph g = ConvRelu();
  std::vector<TensorMap> samples;
  for (int s = 0; s < 128; ++s) {
    std::vector<float> v(32);
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<float>((s * 32 + static_cast<int>(i)) % 201) / 100.0f - 1.0f;
    if (s == 5) v[7] = 1e4f;
    samples.push_back({{"x", Tensor::FromVector<float>({1, 2, 4, 4}, v)}});
  }
  auto mm = CollectRanges(g, samples, CalibMethod::kMinMax, 99.99);
  auto mse = CollectRanges(g, samples, CalibMethod::kMse, 99.99);
  ASSERT_TRUE(mm.ok() && mse.ok());
  EXPECT_EQ((*mm)["x"].hi, 1e4);
  EXPECT_LT((*mse)["x"].hi, 1e4);
  EXPECT_GT((*mse)["x"].hi, 1e4 * 0.99);
  EXPECT_EQ((*mse)["x"].lo, -1.0);
  for (const auto& [key, r] : *mse) {  // never beyond the values
    EXPECT_GE(r.lo, (*mm)[key].lo) << key;
    EXPECT_LE(r.hi, (*mm)[key].hi) << key;
  }
}

TEST(Quantize, CalibrationDirectory) {
  ir::Graph g = ConvRelu();
  const std::string dir = ::testing::TempDir() + "/aorta_calib_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<float> stack(3 * 32);
  for (size_t i = 0; i < stack.size(); ++i) stack[i] = static_cast<float>(i) / 10.0f;
  ASSERT_TRUE(WriteNpy(dir + "/a.npy", Tensor::FromVector<float>({3, 2, 4, 4}, stack)).ok());
  ASSERT_TRUE(WriteNpz(dir + "/b.npz",
                       {{"x", Tensor::FromVector<float>({1, 2, 4, 4}, std::vector<float>(32, -1))}})
                  .ok());
  Result<std::vector<TensorMap>> s = LoadCalibrationDir(g, dir);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 4u);  // three stacked samples and the .npz
  EXPECT_FLOAT_EQ((*s)[1].at("x").at<float>(0), 3.2f);
  EXPECT_FLOAT_EQ((*s)[3].at("x").at<float>(0), -1.0f);
  CalibOptions o;
  o.dir = dir;
  Result<QuantizedGraph> q = Quantize(g, o);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_TRUE(q->warnings.empty());
  EXPECT_NEAR(q->act.at("x").scale, (9.5 + 1.0) / 255.0, 1e-6);  // [-1, 9.5]
  ASSERT_TRUE(
      WriteNpy(dir + "/c.npy", Tensor::FromVector<float>({1, 2, 4, 5}, std::vector<float>(40)))
          .ok());
  Result<std::vector<TensorMap>> bad = LoadCalibrationDir(g, dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("c.npy"), std::string::npos);
  EXPECT_FALSE(LoadCalibrationDir(g, dir + "/missing").ok());
  CalibOptions none;
  Result<QuantizedGraph> synthetic = Quantize(g, none);
  ASSERT_TRUE(synthetic.ok());
  ASSERT_EQ(synthetic->warnings.size(), 1u);
  EXPECT_NE(synthetic->warnings[0].find("synthetic"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aorta::quant
