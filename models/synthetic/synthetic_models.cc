#include "models/synthetic/synthetic_models.h"

#include <cmath>
#include <filesystem>
#include <random>

#include "compiler/onnx_export.h"
#include "fpga_board/resource_model.h"

namespace aorta::models {

namespace {

using Ints = std::vector<int64_t>;

// Builds a graph layer by layer with He-initialized weights and mild BatchNorm statistics.
class Builder {
 public:
  Builder(const std::string& name, uint64_t seed) : rng_(seed) {
    g_.name = name;
    g_.opset_imports[""] = 13;
  }

  ir::Graph& graph() { return g_; }

  std::vector<float> Uniform(int64_t count, double lo, double hi) {
    std::uniform_real_distribution<double> d(lo, hi);
    std::vector<float> v(static_cast<size_t>(count));
    for (float& x : v) x = static_cast<float>(d(rng_));
    return v;
  }

  std::string Weight(const Shape& shape, int64_t fan_in) {
    std::normal_distribution<double> d(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
    std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
    for (float& x : v) x = static_cast<float>(d(rng_));
    return Init(Tensor::FromVector<float>(shape, v));
  }

  std::string Init(Tensor t) {
    const std::string name = fmt::format("p{}", params_++);
    g_.AddInitializer(name, std::move(t));
    return name;
  }

  std::string Name(const std::string& stem) { return fmt::format("{}_{}", stem, nodes_++); }

  // Conv (no bias) + BatchNormalization; `gamma_scale` damps the last BN of a residual branch.
  std::string ConvBn(const std::string& x, int64_t cin, int64_t cout, int64_t k, int64_t stride,
                     int64_t group = 1, double gamma_scale = 1.0) {
    const std::string w = Weight({cout, cin / group, k, k}, cin / group * k * k);
    const std::string c = Name("conv");
    const int64_t pad = (k - 1) / 2;
    g_.AddNode("Conv", {x, w}, {c},
               {{"kernel_shape", Ints{k, k}},
                {"strides", Ints{stride, stride}},
                {"pads", Ints{pad, pad, pad, pad}},
                {"group", group}},
               c);
    std::vector<float> gamma = Uniform(cout, 0.7 * gamma_scale, 1.0 * gamma_scale);
    const std::string bn = Name("bn");
    g_.AddNode("BatchNormalization",
               {c, Init(Tensor::FromVector<float>({cout}, gamma)),
                Init(Tensor::FromVector<float>({cout}, Uniform(cout, -0.1, 0.1))),
                Init(Tensor::FromVector<float>({cout}, Uniform(cout, -0.1, 0.1))),
                Init(Tensor::FromVector<float>({cout}, Uniform(cout, 0.9, 1.1)))},
               {bn}, {{"epsilon", 1e-5f}}, bn);
    return bn;
  }

  std::string Unary(const std::string& op, const std::string& x) {
    const std::string y = Name(op == "Clip" ? "relu6" : "relu");
    if (op == "Clip") {
      if (clip_lo_.empty()) {
        clip_lo_ = Init(Tensor::Scalar<float>(0.0f));
        clip_hi_ = Init(Tensor::Scalar<float>(6.0f));
      }
      g_.AddNode("Clip", {x, clip_lo_, clip_hi_}, {y}, {}, y);
    } else {
      g_.AddNode(op, {x}, {y}, {}, y);
    }
    return y;
  }

  std::string Binary(const std::string& op, const std::string& a, const std::string& b) {
    const std::string y = Name("add");
    g_.AddNode(op, {a, b}, {y}, {}, y);
    return y;
  }

  // GlobalAveragePool, Flatten, Gemm to `classes` logits.
  void Head(const std::string& x, int64_t c, int64_t classes) {
    const std::string p = Name("gap");
    g_.AddNode("GlobalAveragePool", {x}, {p}, {}, p);
    const std::string f = Name("flatten");
    g_.AddNode("Flatten", {p}, {f}, {}, f);
    const std::string w = Weight({classes, c}, c);
    const std::string b = Init(Tensor::FromVector<float>({classes}, Uniform(classes, -0.1, 0.1)));
    g_.AddNode("Gemm", {f, w, b}, {"logits"}, {{"transB", int64_t{1}}}, "fc");
    g_.AddOutput("logits");
  }

 private:
  ir::Graph g_;
  std::mt19937_64 rng_;
  int params_ = 0, nodes_ = 0;
  std::string clip_lo_, clip_hi_;
};

}  // namespace

ir::Graph ResNet50(uint64_t seed) {
  Builder b("resnet50_v1.5_synthetic", seed);
  b.graph().AddInput("input", DType::kF32, ir::StaticDims({1, 3, 224, 224}));
  std::string x = b.Unary("Relu", b.ConvBn("input", 3, 64, 7, 2));
  const std::string pool = b.Name("maxpool");
  b.graph().AddNode(
      "MaxPool", {x}, {pool},
      {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}, pool);
  x = pool;
  int64_t cin = 64;
  const int64_t blocks[4] = {3, 4, 6, 3};
  for (int stage = 0; stage < 4; ++stage) {
    const int64_t width = int64_t{64} << stage, cout = width * 4;
    for (int64_t i = 0; i < blocks[stage]; ++i) {
      const int64_t stride = (i == 0 && stage > 0) ? 2 : 1;
      std::string y = b.Unary("Relu", b.ConvBn(x, cin, width, 1, 1));
      y = b.Unary("Relu", b.ConvBn(y, width, width, 3, stride));  // v1.5: stride here
      y = b.ConvBn(y, width, cout, 1, 1, 1, 0.3);
      const std::string shortcut = i == 0 ? b.ConvBn(x, cin, cout, 1, stride, 1, 0.5) : x;
      x = b.Unary("Relu", b.Binary("Add", y, shortcut));
      cin = cout;
    }
  }
  b.Head(x, 2048, 1000);
  return std::move(b.graph());
}

ir::Graph MobileNetV2(uint64_t seed) {
  Builder b("mobilenetv2_synthetic", seed);
  b.graph().AddInput("input", DType::kF32, ir::StaticDims({1, 3, 224, 224}));
  std::string x = b.Unary("Clip", b.ConvBn("input", 3, 32, 3, 2));
  int64_t cin = 32;
  struct Stage {
    int64_t t, c, n, s;
  };
  for (const Stage& st :
       {Stage{1, 16, 1, 1}, Stage{6, 24, 2, 2}, Stage{6, 32, 3, 2}, Stage{6, 64, 4, 2},
        Stage{6, 96, 3, 1}, Stage{6, 160, 3, 2}, Stage{6, 320, 1, 1}}) {
    for (int64_t i = 0; i < st.n; ++i) {
      const int64_t stride = i == 0 ? st.s : 1, hidden = cin * st.t;
      std::string y = x;
      if (st.t != 1) y = b.Unary("Clip", b.ConvBn(y, cin, hidden, 1, 1));
      y = b.Unary("Clip", b.ConvBn(y, hidden, hidden, 3, stride, hidden));
      y = b.ConvBn(y, hidden, st.c, 1, 1, 1, stride == 1 && cin == st.c ? 0.5 : 1.0);
      x = stride == 1 && cin == st.c ? b.Binary("Add", x, y) : y;
      cin = st.c;
    }
  }
  x = b.Unary("Clip", b.ConvBn(x, cin, 1280, 1, 1));
  b.Head(x, 1280, 1000);
  return std::move(b.graph());
}

ir::Graph Mlp(uint64_t seed) {
  Builder b("mlp_synthetic", seed);
  b.graph().AddInput("input", DType::kF32, ir::StaticDims({1, 2048}));
  std::string x = "input";
  const int64_t dims[4] = {2048, 4096, 4096, 1000};
  for (int l = 0; l < 3; ++l) {
    const std::string w = b.Weight({dims[l + 1], dims[l]}, dims[l]);
    const std::string bias =
        b.Init(Tensor::FromVector<float>({dims[l + 1]}, b.Uniform(dims[l + 1], -0.1, 0.1)));
    const std::string y = l == 2 ? "logits" : b.Name("fc");
    b.graph().AddNode("Gemm", {x, w, bias}, {y}, {{"transB", int64_t{1}}}, b.Name("gemm"));
    x = l == 2 ? y : b.Unary("Relu", y);
  }
  b.graph().AddOutput("logits");
  return std::move(b.graph());
}

int64_t ChipSizedMlpWidth(const ChipConfig& chip) {
  const auto n = static_cast<int64_t>(chip.array_rows());
  if (n == 0) return 0;
  const auto half = static_cast<int64_t>(chip.weight_buffer_bytes() / 2);
  int64_t tiles = 0;  // d / N
  while ((tiles + 1) * n * (tiles + 1) * n <= half) ++tiles;
  return tiles * n;
}

ir::Graph ChipSizedMlp(const ChipConfig& chip, uint64_t seed) {
  Builder b(fmt::format("mlp_{}_synthetic", chip.name()), seed);
  const int64_t d = ChipSizedMlpWidth(chip);
  b.graph().AddInput("input", DType::kF32, ir::StaticDims({1, d}));
  std::string x = "input";
  for (int l = 0; l < kChipSizedMlpLayers; ++l) {
    const bool last = l + 1 == kChipSizedMlpLayers;
    const std::string w = b.Weight({d, d}, d);
    const std::string bias = b.Init(Tensor::FromVector<float>({d}, b.Uniform(d, -0.1, 0.1)));
    const std::string y = last ? "logits" : b.Name("fc");
    b.graph().AddNode("Gemm", {x, w, bias}, {y}, {{"transB", int64_t{1}}}, b.Name("gemm"));
    x = last ? y : b.Unary("Relu", y);
  }
  b.graph().AddOutput("logits");
  return std::move(b.graph());
}

ir::Graph StratixVMlp(uint64_t seed) {
  // The card's config as fpga_gen derives it for build/gen/fpga_board (the same function on the
  // same constant device table, so it cannot fail here without failing fpga_gen in the build).
  static const ChipConfig chip = [] {
    const fpga::Card* card = fpga::FindCard("stratixv_catapult");
    Result<fpga::Derivation> d =
        card ? fpga::Derive(*card) : Result<fpga::Derivation>(NotFound("card stratixv_catapult"));
    if (!d.ok()) {
      fmt::print(stderr, "models/synthetic: the Stratix V config: {}\n", d.status().ToString());
      std::abort();
    }
    return d->config;
  }();
  return ChipSizedMlp(chip, seed);
}

ir::Graph Gemm512(uint64_t seed) {
  Builder b("gemm512", seed);
  b.graph().AddInput("a", DType::kF32, ir::StaticDims({512, 512}));
  const std::string w = b.Weight({512, 512}, 512);
  b.graph().AddNode("MatMul", {"a", w}, {"c"}, {}, "matmul");
  b.graph().AddOutput("c");
  return std::move(b.graph());
}

const std::vector<SyntheticModel>& SyntheticModels() {
  static const std::vector<SyntheticModel> models = {{"resnet50", ResNet50},
                                                     {"mobilenetv2", MobileNetV2},
                                                     {"mlp", Mlp},
                                                     {"mlp_stratixv", StratixVMlp},
                                                     {"gemm512", Gemm512}};
  return models;
}

Status WriteSyntheticModels(const std::string& dir, uint64_t seed) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create '{}': {}", dir, ec.message());
  for (const SyntheticModel& m : SyntheticModels())
    AORTA_RETURN_IF_ERROR(ExportOnnxFile(m.build(seed), dir + "/" + m.name + ".onnx"));
  return Status::Ok();
}

}  // namespace aorta::models
