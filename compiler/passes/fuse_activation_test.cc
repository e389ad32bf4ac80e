#include "compiler/passes/fuse_activation.h"

#include <gtest/gtest.h>

#include "compiler/passes/fused_ops.h"
#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;

ir::Graph Fuse(ir::Graph g) {
  Status s = InferShapes().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  const ir::Graph before = g;
  s = FuseActivation().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(g.Validate().ok());
  ExpectSameNumerics(before, g);
  return g;
}

// x [1, 3, 5, 5] -> Conv (no bias) -> Add per-channel bias -> `act` -> y.
ir::Graph ConvBiasAct(const std::string& act, std::map<std::string, ir::Attribute> attrs = {},
                      std::vector<std::string> extra_inputs = {}, int64_t opset = 13) {
  ir::Graph g = NewGraph(opset);
  F32Input(g, "x", {1, 3, 5, 5});
  g.AddInitializer("w", RandomTensor({4, 3, 3, 3}, 1));
  g.AddInitializer("bias", RandomTensor({4, 1, 1}, 2));
  g.AddNode("Conv", {"x", "w"}, {"c"}, {{"pads", Ints{1, 1, 1, 1}}}, "conv");
  g.AddNode("Add", {"bias", "c"}, {"a"});
  std::vector<std::string> in = {"a"};
  in.insert(in.end(), extra_inputs.begin(), extra_inputs.end());
  g.AddNode(act, in, {"y"}, std::move(attrs), "act");
  g.AddOutput("y");
  return g;
}

TEST(FuseActivation, ConvBiasRelu) {
  const ir::Graph g = Fuse(ConvBiasAct("Relu"));
  ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"aorta.Conv"}));
  const ir::Node& n = g.nodes[0];
  EXPECT_EQ(n.domain, "aorta");
  EXPECT_EQ(n.outputs[0], "y");
  EXPECT_EQ(std::get<std::string>(n.attributes.at("activation")), "Relu");
  EXPECT_EQ(std::get<Ints>(n.attributes.at("pads")), (Ints{1, 1, 1, 1}));
  ASSERT_EQ(n.inputs.size(), 3u);
  EXPECT_EQ(ShapeOf(g, n.inputs[2]), (Shape{4}));
}

TEST(FuseActivation, EveryActivation) {
  struct Case {
    std::string op;
    std::map<std::string, ir::Attribute> attrs;
    std::vector<std::string> bounds;
    int64_t opset;
  };
  const std::vector<Case> cases = {
      {"LeakyRelu", {{"alpha", 0.2f}}, {}, 13},
      {"Sigmoid", {}, {}, 13},
      {"HardSigmoid", {{"alpha", 0.3f}, {"beta", 0.4f}}, {}, 13},
      {"HardSwish", {}, {}, 14},
      {"Tanh", {}, {}, 13},
      {"Clip", {}, {"zero", "six"}, 13},        // ReLU6, bounds as inputs
      {"Clip", {{"min", -0.5f}, {"max", 0.5f}}, {}, 9},  // bounds as attributes
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op);
    ir::Graph g = ConvBiasAct(c.op, c.attrs, c.bounds, c.opset);
    g.AddInitializer("zero", Tensor::Scalar<float>(0.0f));
    g.AddInitializer("six", Tensor::Scalar<float>(6.0f));
    const ir::Graph fused = Fuse(g);
    ASSERT_EQ(OpTypes(fused), (std::vector<std::string>{"aorta.Conv"}));
    auto act = FusedActivation(fused.nodes[0]);
    ASSERT_TRUE(act.ok() && act->has_value());
    EXPECT_EQ((*act)->op, c.op);
    if (c.op == "Clip") {
      EXPECT_EQ((*act)->clip_max, c.opset < 11 ? 0.5f : 6.0f);
      EXPECT_EQ((*act)->clip_min, c.opset < 11 ? -0.5f : 0.0f);
    }
    if (c.op == "HardSigmoid") {
      EXPECT_EQ((*act)->alpha, 0.3f);
      EXPECT_EQ((*act)->beta, 0.4f);
    }
  }
}

TEST(FuseActivation, GemmMatMulAndConvTranspose) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 6});
  g.AddInitializer("w1", RandomTensor({5, 6}, 3));
  g.AddInitializer("c1", RandomTensor({5}, 4));
  g.AddInitializer("b1", RandomTensor({1, 5}, 5));
  g.AddNode("Gemm", {"x", "w1", "c1"}, {"g"}, {{"transB", int64_t{1}}, {"beta", 0.5f}});
  g.AddNode("Add", {"g", "b1"}, {"gb"});
  g.AddNode("Tanh", {"gb"}, {"h"});
  g.AddInitializer("w2", RandomTensor({5, 3}, 6));
  g.AddInitializer("b2", RandomTensor({3}, 7));
  g.AddNode("MatMul", {"h", "w2"}, {"m"});
  g.AddNode("Add", {"m", "b2"}, {"y"});
  g.AddOutput("y");
  const ir::Graph fused = Fuse(g);
  EXPECT_EQ(OpTypes(fused), (std::vector<std::string>{"aorta.Gemm", "aorta.Gemm"}));
  EXPECT_FALSE(fused.nodes[1].HasAttribute("activation"));
  EXPECT_EQ(fused.nodes[1].outputs[0], "y");

  ir::Graph t = NewGraph(13);
  F32Input(t, "x", {1, 2, 3, 3});
  t.AddInitializer("w", RandomTensor({2, 4, 2, 2}, 8));
  t.AddNode("ConvTranspose", {"x", "w"}, {"c"}, {{"strides", Ints{2, 2}}});
  t.AddNode("Relu", {"c"}, {"y"});
  t.AddOutput("y");
  EXPECT_EQ(OpTypes(Fuse(t)), (std::vector<std::string>{"aorta.ConvTranspose"}));
}

TEST(FuseActivation, LeavesWhatItMustNotFuse) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  F32Input(g, "hi", {});
  g.AddInitializer("w", RandomTensor({2, 2, 1, 1}, 1));
  g.AddInitializer("full", RandomTensor({1, 2, 4, 4}, 2));  // not a per-channel bias
  g.AddNode("Conv", {"x", "w"}, {"a"});
  g.AddNode("Relu", {"a"}, {"ra"});
  g.AddNode("Sigmoid", {"a"}, {"sa"});  // second reader of a
  g.AddNode("Conv", {"x", "w"}, {"b"});
  g.AddNode("Add", {"b", "full"}, {"bf"});
  g.AddNode("Conv", {"x", "w"}, {"c"});
  g.AddNode("Clip", {"c", "", "hi"}, {"cc"});  // runtime bound
  g.AddNode("Conv", {"x", "w"}, {"d"});
  g.AddNode("Relu", {"d"}, {"dr"});
  g.AddNode("Sigmoid", {"dr"}, {"ds"});  // only the first activation fuses
  for (const char* out : {"ra", "sa", "bf", "cc", "ds"}) g.AddOutput(out);
  const ir::Graph fused = Fuse(g);
  EXPECT_EQ(CountOps(fused, "aorta.Conv"), 4);
  EXPECT_EQ(CountOps(fused, "Conv"), 0);
  EXPECT_EQ(CountOps(fused, "Relu"), 1);
  EXPECT_EQ(CountOps(fused, "Sigmoid"), 2);
  EXPECT_EQ(CountOps(fused, "Add"), 1);
  EXPECT_EQ(CountOps(fused, "Clip"), 1);
}

TEST(FuseActivation, MalformedActivationNamesTheNode) {
  ir::Graph g = ConvBiasAct("LeakyRelu", {{"alpha", std::string("steep")}});
  ASSERT_TRUE(InferShapes().Run(g).ok());
  Status s = FuseActivation().Run(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("LeakyRelu node 'act'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("alpha"), std::string::npos) << s.message();

  ir::Graph c = ConvBiasAct("Clip", {}, {"lo"});
  c.AddInitializer("lo", Tensor::FromVector<float>({2}, {0.0f, 1.0f}));
  ASSERT_TRUE(InferShapes().Run(c).ok());
  s = FuseActivation().Run(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Clip node 'act'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("scalar"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace aorta::passes::testing
