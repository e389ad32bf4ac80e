// End to end: a small CNN written as a real .onnx file, imported and run by the reference,
// checked against naive loops written here; plus the executor's error reporting.
#include "compiler/reference/executor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

using Ints = std::vector<int64_t>;

Tensor Random(Shape shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(DType::kF32, std::move(shape));
  uint32_t s = seed;
  for (float& x : t.data<float>()) {
    s = s * 1664525u + 1013904223u;
    x = lo + (hi - lo) * static_cast<float>(s >> 8) / static_cast<float>(1u << 24);
  }
  return t;
}

// ---- naive NCHW reference loops (batch 1) ------------------------------------------------------

struct Map {
  int64_t c, h, w;
  std::vector<float> v;
  float& at(int64_t ci, int64_t y, int64_t x) {
    return v[static_cast<size_t>((ci * h + y) * w + x)];
  }
  float get(int64_t ci, int64_t y, int64_t x) const {
    if (y < 0 || y >= h || x < 0 || x >= w) return 0.0f;
    return v[static_cast<size_t>((ci * h + y) * w + x)];
  }
};

Map FromTensor(const Tensor& t) { return {t.dim(1), t.dim(2), t.dim(3), t.ToVector<float>()}; }

Map NaiveConv(const Map& in, const Tensor& w, const Tensor& b, int64_t stride, int64_t pad,
              int64_t group) {
  const int64_t m = w.dim(0), cg = w.dim(1), k = w.dim(2);
  Map out{m, (in.h + 2 * pad - k) / stride + 1, (in.w + 2 * pad - k) / stride + 1, {}};
  out.v.assign(static_cast<size_t>(out.c * out.h * out.w), 0.0f);
  const auto wv = w.ToVector<float>();
  const int64_t m_per_group = m / group;
  for (int64_t o = 0; o < m; ++o) {
    const int64_t g = o / m_per_group;
    for (int64_t y = 0; y < out.h; ++y) {
      for (int64_t x = 0; x < out.w; ++x) {
        float acc = b.at<float>(o);
        for (int64_t ci = 0; ci < cg; ++ci) {
          for (int64_t ky = 0; ky < k; ++ky) {
            for (int64_t kx = 0; kx < k; ++kx) {
              acc += wv[static_cast<size_t>(((o * cg + ci) * k + ky) * k + kx)] *
                     in.get(g * cg + ci, y * stride + ky - pad, x * stride + kx - pad);
            }
          }
        }
        out.at(o, y, x) = acc;
      }
    }
  }
  return out;
}

Map NaiveMaxPool2x2(const Map& in) {
  Map out{in.c, in.h / 2, in.w / 2, {}};
  out.v.resize(static_cast<size_t>(out.c * out.h * out.w));
  for (int64_t c = 0; c < out.c; ++c) {
    for (int64_t y = 0; y < out.h; ++y) {
      for (int64_t x = 0; x < out.w; ++x) {
        out.at(c, y, x) =
            std::max(std::max(in.get(c, 2 * y, 2 * x), in.get(c, 2 * y, 2 * x + 1)),
                     std::max(in.get(c, 2 * y + 1, 2 * x), in.get(c, 2 * y + 1, 2 * x + 1)));
      }
    }
  }
  return out;
}

struct Model {
  ir::Graph graph;
  Tensor w1, b1, scale, shift, mean, var, w2, b2, w3, b3, w4, b4;
};

Model BuildCnn() {
  Model m;
  m.w1 = Random({4, 3, 3, 3}, 1);
  m.b1 = Random({4}, 2);
  m.scale = Random({4}, 3, 0.5f, 1.5f);
  m.shift = Random({4}, 4);
  m.mean = Random({4}, 5);
  m.var = Random({4}, 6, 0.5f, 2.0f);
  m.w2 = Random({4, 1, 3, 3}, 7);
  m.b2 = Random({4}, 8);
  m.w3 = Random({6, 4, 1, 1}, 9);
  m.b3 = Random({6}, 10);
  m.w4 = Random({5, 6}, 11);
  m.b4 = Random({5}, 12);
  ir::Graph& g = m.graph;
  g.name = "tiny_cnn";
  g.opset_imports[""] = 13;
  g.AddInput("image", DType::kF32,
             {ir::Dim::Symbolic("N"), ir::Dim::Static(3), ir::Dim::Static(8), ir::Dim::Static(8)});
  for (auto& [name, t] : std::vector<std::pair<std::string, Tensor*>>{{"w1", &m.w1},
                                                                      {"b1", &m.b1},
                                                                      {"scale", &m.scale},
                                                                      {"shift", &m.shift},
                                                                      {"mean", &m.mean},
                                                                      {"var", &m.var},
                                                                      {"w2", &m.w2},
                                                                      {"b2", &m.b2},
                                                                      {"w3", &m.w3},
                                                                      {"b3", &m.b3},
                                                                      {"w4", &m.w4},
                                                                      {"b4", &m.b4}}) {
    g.AddInitializer(name, *t);
  }
  g.AddInitializer("six", Tensor::Scalar<float>(6.0f));
  g.AddInitializer("zero", Tensor::Scalar<float>(0.0f));
  g.AddInitializer("minus_one", Tensor::FromVector<int64_t>({1}, {-1}));
  g.AddNode("Conv", {"image", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}, "conv1");
  g.AddNode("BatchNormalization", {"c1", "scale", "shift", "mean", "var"}, {"bn"},
            {{"epsilon", 1e-3f}}, "bn1");
  g.AddNode("Relu", {"bn"}, {"r1"}, {}, "relu1");
  g.AddNode("MaxPool", {"r1"}, {"p1"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}},
            "pool1");
  g.AddNode("Conv", {"p1", "w2", "b2"}, {"dw"},
            {{"group", int64_t{4}}, {"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}}, "dw");
  g.AddNode("Clip", {"dw", "zero", "six"}, {"dw6"}, {}, "relu6");
  g.AddNode("Conv", {"dw6", "w3", "b3"}, {"pw"}, {}, "pw");
  g.AddNode("GlobalAveragePool", {"pw"}, {"gap"}, {}, "gap");
  // The dynamic-batch flatten exporters write: Reshape(gap, Concat(Unsqueeze(Shape(gap)[0]), -1)).
  g.AddNode("Shape", {"gap"}, {"gap_shape"}, {}, "shape");
  g.AddNode("Gather", {"gap_shape", "zero_index"}, {"batch"}, {{"axis", int64_t{0}}}, "gather");
  g.AddNode("Constant", {}, {"zero_index"}, {{"value", Tensor::Scalar<int64_t>(0)}}, "const0");
  g.AddNode("Constant", {}, {"axes0"}, {{"value", Tensor::FromVector<int64_t>({1}, {0})}}, "axes");
  g.AddNode("Unsqueeze", {"batch", "axes0"}, {"batch1"}, {}, "unsqueeze");
  g.AddNode("Concat", {"batch1", "minus_one"}, {"flat_shape"}, {{"axis", int64_t{0}}}, "concat");
  g.AddNode("Reshape", {"gap", "flat_shape"}, {"flat"}, {}, "flatten");
  g.AddNode("Gemm", {"flat", "w4", "b4"}, {"logits"}, {{"transB", int64_t{1}}}, "fc");
  g.AddNode("Softmax", {"logits"}, {"probs"}, {}, "softmax");
  g.AddOutput("probs");
  g.AddOutput("pw");
  return m;
}

// The same network, naively.
std::pair<std::vector<float>, Map> NaiveCnn(const Model& m, const Tensor& image) {
  Map c1 = NaiveConv(FromTensor(image), m.w1, m.b1, 1, 1, 1);
  for (int64_t c = 0; c < c1.c; ++c) {
    const float inv = 1.0f / std::sqrt(m.var.at<float>(c) + 1e-3f);
    for (int64_t i = 0; i < c1.h * c1.w; ++i) {
      float& v = c1.v[static_cast<size_t>(c * c1.h * c1.w + i)];
      v = std::max(0.0f,
                   m.scale.at<float>(c) * (v - m.mean.at<float>(c)) * inv + m.shift.at<float>(c));
    }
  }
  Map dw = NaiveConv(NaiveMaxPool2x2(c1), m.w2, m.b2, 2, 1, 4);
  for (float& v : dw.v) v = std::clamp(v, 0.0f, 6.0f);
  Map pw = NaiveConv(dw, m.w3, m.b3, 1, 0, 1);
  std::vector<float> gap(static_cast<size_t>(pw.c), 0.0f);
  for (int64_t c = 0; c < pw.c; ++c) {
    for (int64_t i = 0; i < pw.h * pw.w; ++i)
      gap[static_cast<size_t>(c)] += pw.v[static_cast<size_t>(c * pw.h * pw.w + i)];
    gap[static_cast<size_t>(c)] /= static_cast<float>(pw.h * pw.w);
  }
  std::vector<float> logits(5);
  float max_logit = -1e30f;
  for (int64_t o = 0; o < 5; ++o) {
    float acc = m.b4.at<float>(o);
    for (int64_t i = 0; i < 6; ++i) acc += gap[static_cast<size_t>(i)] * m.w4.at<float>(o * 6 + i);
    logits[static_cast<size_t>(o)] = acc;
    max_logit = std::max(max_logit, acc);
  }
  float sum = 0;
  for (float& l : logits) sum += (l = std::exp(l - max_logit));
  for (float& l : logits) l /= sum;
  return {logits, pw};
}

TEST(ExecutorEndToEndTest, SmallCnnThroughARealOnnxFile) {
  const Model model = BuildCnn();
  const std::string path =
      ::testing::TempDir() + "/aorta_tiny_cnn_" + std::to_string(::getpid()) + ".onnx";
  ASSERT_TRUE(ExportOnnxFile(model.graph, path).ok());
  auto graph = ImportOnnxFile(path);
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  std::filesystem::remove(path);
  auto exec = Executor::Create(std::move(graph).value());
  ASSERT_TRUE(exec.ok()) << exec.status().ToString();

  for (uint32_t seed : {100u, 200u}) {  // the executor is reusable
    const Tensor image = Random({1, 3, 8, 8}, seed, -2.0f, 2.0f);
    auto out = exec->Run({{"image", image}});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const auto [probs, pw] = NaiveCnn(model, image);
    ExpectTensor(out->at("probs"), {1, 5}, probs, 1e-5f);
    ExpectTensor(out->at("pw"), {1, 6, 2, 2}, pw.v, 1e-4f);
    float total = 0;
    for (float p : out->at("probs").data<float>()) total += p;
    EXPECT_NEAR(total, 1.0f, 1e-5f);
  }
}

TEST(ExecutorErrorTest, UnsupportedOpNamesNodeAndOpType) {
  ir::Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, ir::StaticDims({1}));
  g.AddNode("Relu", {"x"}, {"r"}, {}, "ok");
  g.AddNode("NonMaxSuppression", {"r"}, {"y"}, {}, "nms");
  g.AddOutput("y");
  auto r = Executor::Create(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(r.status().message(),
            "NonMaxSuppression node 'nms': op type 'NonMaxSuppression' is not supported by the "
            "fp32 reference");
  g.nodes[1].op_type = "Relu";
  g.nodes[1].domain = "com.microsoft";
  auto d = Executor::Create(g);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("(domain 'com.microsoft')"), std::string::npos);
}

TEST(ExecutorErrorTest, BadInputs) {
  ir::Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, {ir::Dim::Symbolic("N"), ir::Dim::Static(2)});
  g.AddNode("Relu", {"x"}, {"y"});
  g.AddOutput("y");
  auto exec = Executor::Create(g);
  ASSERT_TRUE(exec.ok());
  EXPECT_EQ(exec->Run({}).status().message(), "missing model input 'x'");
  EXPECT_EQ(exec->Run({{"x", Iota({3, 3})}}).status().message(),
            "input 'x' has shape 3x3, the model expects Nx2");
  EXPECT_EQ(exec->Run({{"x", I64({5, 2}, Ints(10, 0))}}).status().message(),
            "input 'x' is i64, the model expects f32");
  EXPECT_NE(exec->Run({{"x", Iota({1, 2})}, {"z", Iota({1})}})
                .status()
                .message()
                .find("'z' is not an input of the model"),
            std::string::npos);
  auto ok = exec->Run({{"x", F32({3, 2}, {-1, 1, -2, 2, -3, 3})}});
  ASSERT_TRUE(ok.ok());
  ExpectTensor(ok->at("y"), {3, 2}, {0, 1, 0, 2, 0, 3});
}

TEST(ExecutorTest, SupportedOpsListsTheBriefsOps) {
  const std::vector<std::string> ops = SupportedOps();
  for (const char* op : {"Conv",
                         "ConvTranspose",
                         "Gemm",
                         "MatMul",
                         "MaxPool",
                         "AveragePool",
                         "GlobalAveragePool",
                         "Relu",
                         "Clip",
                         "LeakyRelu",
                         "Sigmoid",
                         "HardSigmoid",
                         "HardSwish",
                         "Tanh",
                         "Add",
                         "Mul",
                         "Max",
                         "Sub",
                         "Div",
                         "BatchNormalization",
                         "Concat",
                         "Resize",
                         "Upsample",
                         "Softmax",
                         "Reshape",
                         "Flatten",
                         "Transpose",
                         "Squeeze",
                         "Unsqueeze",
                         "Pad",
                         "Shape",
                         "Gather",
                         "Cast",
                         "Constant",
                         "Identity",
                         "Slice"}) {
    EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << op;
  }
}

}  // namespace
}  // namespace aorta::reference::testing
