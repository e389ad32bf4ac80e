#include "compiler/passes/fold_qdq.h"

#include <gtest/gtest.h>

#include "compiler/passes/fold_constants.h"
#include "compiler/passes/fuse_activation.h"
#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

// Scalar scale and zero point initializers.
void QParamsInit(ir::Graph& g, const std::string& tag, float s, int32_t zp, bool u8) {
  g.AddInitializer(tag + "_s", Tensor::Scalar<float>(s));
  if (u8)
    g.AddInitializer(tag + "_z", Tensor::Scalar<uint8_t>(static_cast<uint8_t>(zp)));
  else
    g.AddInitializer(tag + "_z", Tensor::Scalar<int8_t>(static_cast<int8_t>(zp)));
}

void Qdq(ir::Graph& g, const std::string& x, const std::string& y, const std::string& tag) {
  g.AddNode("QuantizeLinear", {x, tag + "_s", tag + "_z"}, {tag + "_q"}, {}, tag + "_quant");
  g.AddNode("DequantizeLinear", {tag + "_q", tag + "_s", tag + "_z"}, {y}, {}, tag + "_dequant");
}

std::vector<float> Attr(const ir::Node& n, const std::string& key) {
  auto it = n.attributes.find(key);
  if (it == n.attributes.end()) return {};
  return std::get<std::vector<float>>(it->second);
}

TEST(FoldQdq, PairsFoldAndTheirParametersStayWithTheValue) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 3, 3});
  QParamsInit(g, "a", 0.05f, 130, true);  // uint8 130 -> int8 2
  QParamsInit(g, "b", 0.02f, -7, false);
  Qdq(g, "x", "xd", "a");
  g.AddNode("Relu", {"xd"}, {"r"}, {}, "relu");
  Qdq(g, "r", "y", "b");
  g.AddOutput("y");
  Status s = FoldQdq().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // One Relu from x to the graph output y (the value before the last pair took its name).
  ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"Relu"}));
  EXPECT_EQ(g.nodes[0].inputs[0], "x");
  EXPECT_EQ(g.nodes[0].outputs[0], "y");
  EXPECT_EQ(Attr(g.nodes[0], "aorta_qact:x"), (std::vector<float>{0.05f, 2.0f}));
  EXPECT_EQ(Attr(g.nodes[0], "aorta_qact:y"), (std::vector<float>{0.02f, -7.0f}));
  Result<std::map<std::string, FixedQParams>> fixed = FixedActivationParams(g);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->at("x"), (FixedQParams{0.05f, 2}));
  EXPECT_EQ(fixed->at("y"), (FixedQParams{0.02f, -7}));
  ASSERT_TRUE(InferShapes().Run(g).ok());
}

TEST(FoldQdq, ConstantWeightsAndBiasKeepTheGraphsIntegers) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 1, 2, 2});
  QParamsInit(g, "a", 0.1f, 0, false);
  Qdq(g, "x", "xd", "a");
  // Weights [2, 1, 1, 1] int8 per output channel: scales 0.5, 0.25, zero points 0, 1.
  Tensor w(DType::kI8, {2, 1, 1, 1});
  w.data<int8_t>()[0] = 3;
  w.data<int8_t>()[1] = -5;
  g.AddInitializer("w_q", w);
  g.AddInitializer("w_s", Tensor::FromVector<float>({2}, {0.5f, 0.25f}));
  g.AddInitializer("w_z", Tensor::FromVector<int8_t>({2}, {0, 1}));
  g.AddNode("DequantizeLinear", {"w_q", "w_s", "w_z"}, {"w"}, {{"axis", int64_t{0}}});
  g.AddInitializer("b_q", Tensor::FromVector<int32_t>({2}, {100, -40}));
  g.AddInitializer("b_s", Tensor::FromVector<float>({2}, {0.05f, 0.025f}));
  g.AddNode("DequantizeLinear", {"b_q", "b_s"}, {"b"}, {{"axis", int64_t{0}}});
  g.AddNode("Conv", {"xd", "w", "b"}, {"y"}, {}, "conv");
  g.AddOutput("y");
  Status s = FoldQdq().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"Conv"}));
  const ir::Node& conv = g.nodes[0];
  // Floats (q - zp) * s; the scales and the int32 bias on the conv.
  EXPECT_EQ(g.FindInitializer("w")->ToVector<float>(), (std::vector<float>{1.5f, -1.5f}));
  EXPECT_EQ(g.FindInitializer("b")->ToVector<float>(), (std::vector<float>{5.0f, -1.0f}));
  EXPECT_EQ(Attr(conv, kQWeight), (std::vector<float>{0.5f, 0.25f}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(conv.attributes.at(kQBias)),
            (std::vector<int64_t>{100, -40}));
  EXPECT_EQ(Attr(conv, kQBiasScale), (std::vector<float>{0.05f, 0.025f}));
}

// x -> QuantizeLinear -> QLinearConv 1x1 2 -> 4 "conv" -> cq (uint8 throughout).
ir::Graph QLinearConvGraph() {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 3, 3});
  QParamsInit(g, "x", 0.1f, 128, true);
  QParamsInit(g, "y", 0.2f, 120, true);
  QParamsInit(g, "z", 0.3f, 100, true);
  QParamsInit(g, "w", 0.01f, 128, true);
  Tensor w(DType::kU8, {4, 2, 1, 1});
  for (size_t i = 0; i < 8; ++i) w.data<uint8_t>()[i] = static_cast<uint8_t>(120 + i);
  g.AddInitializer("w_q", w);
  g.AddNode("QuantizeLinear", {"x", "x_s", "x_z"}, {"xq"}, {}, "quant");
  g.AddNode("QLinearConv", {"xq", "x_s", "x_z", "w_q", "w_s", "w_z", "y_s", "y_z"}, {"cq"}, {},
            "conv");
  return g;
}

TEST(FoldQdq, QLinearOpsAndMovesOfQuantizedTensors) {
  // An op that computes on the integers (not a move) is refused, naming the quantization.
  ir::Graph bad = QLinearConvGraph();
  bad.AddNode("GlobalAveragePool", {"cq"}, {"gq"}, {}, "gap_on_ints");
  bad.AddOutput("gq");
  Status refused = FoldQdq().Run(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("QuantizeLinear node 'conv_q'"), std::string::npos)
      << refused.message();

  // A max pool and a reshape (they move the integers), then a QLinearMatMul.
  ir::Graph g = QLinearConvGraph();
  Tensor m(DType::kU8, {4, 3});
  for (size_t i = 0; i < 12; ++i) m.data<uint8_t>()[i] = static_cast<uint8_t>(125 + i);
  g.AddInitializer("m_q", m);
  g.AddInitializer("shape", I64({1, 4}));
  g.AddNode("MaxPool", {"cq"}, {"pq"}, {{"kernel_shape", std::vector<int64_t>{3, 3}}}, "pool");
  g.AddNode("Reshape", {"pq", "shape"}, {"rq"}, {}, "flatten");
  g.AddNode("QLinearMatMul", {"rq", "y_s", "y_z", "m_q", "w_s", "w_z", "z_s", "z_z"}, {"mq"}, {},
            "fc");
  g.AddNode("DequantizeLinear", {"mq", "z_s", "z_z"}, {"out"}, {}, "dequant");
  g.AddOutput("out");
  Status s = FoldQdq().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Conv", "MaxPool", "Reshape", "MatMul"}));
  EXPECT_EQ(g.nodes[0].name, "conv");
  EXPECT_EQ(g.nodes[3].name, "fc");
  // Weights: uint8 minus the zero point 128, times the scale.
  const std::vector<float> wf = g.FindInitializer(g.nodes[0].inputs[1])->ToVector<float>();
  EXPECT_FLOAT_EQ(wf[0], -8 * 0.01f);
  EXPECT_FLOAT_EQ(wf[7], -1 * 0.01f);
  EXPECT_EQ(Attr(g.nodes[0], kQWeight), (std::vector<float>(4, 0.01f)));
  EXPECT_EQ(Attr(g.nodes[3], kQWeight), (std::vector<float>(3, 0.01f)));
  // Every tensor between the ops has the parameters the graph gave it.
  Result<std::map<std::string, FixedQParams>> fixed = FixedActivationParams(g);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->at("x"), (FixedQParams{0.1f, 0}));
  EXPECT_EQ(fixed->at(g.nodes[0].outputs[0]), (FixedQParams{0.2f, -8}));
  EXPECT_EQ(fixed->at(g.nodes[1].outputs[0]), (FixedQParams{0.2f, -8}));
  EXPECT_EQ(fixed->at(g.nodes[2].outputs[0]), (FixedQParams{0.2f, -8}));
  EXPECT_EQ(fixed->at("out"), (FixedQParams{0.3f, -28}));
  ASSERT_TRUE(InferShapes().Run(g).ok());
  ASSERT_TRUE(FoldConstants().Run(g).ok());
}

TEST(FoldQdq, ContribQLinearOpsBecomeTheirFloatOps) {
  ir::Graph g = NewGraph(13);
  g.opset_imports["com.microsoft"] = 1;
  F32Input(g, "x", {1, 2, 3, 3});
  QParamsInit(g, "x", 0.1f, 128, true);
  QParamsInit(g, "y", 0.2f, 100, true);
  QParamsInit(g, "z", 0.05f, 90, true);
  g.AddNode("QuantizeLinear", {"x", "x_s", "x_z"}, {"xq"}, {}, "quant");
  g.AddNode("QLinearAdd", {"xq", "x_s", "x_z", "xq", "x_s", "x_z", "y_s", "y_z"}, {"aq"}, {}, "add")
      .domain = "com.microsoft";
  g.AddNode("QLinearGlobalAveragePool", {"aq", "y_s", "y_z", "z_s", "z_z"}, {"pq"},
            {{"channels_last", int64_t{0}}}, "gap")
      .domain = "com.microsoft";
  g.AddNode("DequantizeLinear", {"pq", "z_s", "z_z"}, {"out"}, {}, "dequant");
  g.AddOutput("out");
  Status s = FoldQdq().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"Add", "GlobalAveragePool"}));
  EXPECT_EQ(g.nodes[0].name, "add");
  EXPECT_EQ(g.nodes[0].inputs, (std::vector<std::string>{"x", "x"}));
  EXPECT_TRUE(g.nodes[1].domain.empty());
  EXPECT_FALSE(g.nodes[1].HasAttribute("channels_last"));
  Result<std::map<std::string, FixedQParams>> fixed = FixedActivationParams(g);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->at(g.nodes[0].outputs[0]), (FixedQParams{0.2f, -28}));
  EXPECT_EQ(fixed->at("out"), (FixedQParams{0.05f, -38}));
}

TEST(FoldQdq, FusionKeepsAQuantizedTensorOfItsOwn) {
  // Conv -> Q -> DQ -> Relu: the conv's output has its own parameters, so the Relu stays.
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 3, 3});
  g.AddInitializer("w", RandomTensor({2, 2, 1, 1}, 1));
  QParamsInit(g, "c", 0.05f, 0, false);
  g.AddNode("Conv", {"x", "w"}, {"c"}, {}, "conv");
  Qdq(g, "c", "cd", "c");
  g.AddNode("Relu", {"cd"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  ASSERT_TRUE(FoldQdq().Run(g).ok());
  ASSERT_TRUE(InferShapes().Run(g).ok());
  ASSERT_TRUE(FuseActivation().Run(g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"aorta.Conv", "Relu"}));
}

TEST(FoldQdq, ErrorsNameTheNode) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2});
  g.AddInput("s", DType::kF32, ir::StaticDims({}));
  g.AddNode("QuantizeLinear", {"x", "s"}, {"q"}, {}, "dynamic_scale");
  g.AddNode("DequantizeLinear", {"q", "s"}, {"y"}, {}, "dq");
  g.AddOutput("y");
  Status s = FoldQdq().Run(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("QuantizeLinear node 'dynamic_scale': the scale is not a constant"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace aorta::passes::testing
