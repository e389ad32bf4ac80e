#include "compiler/passes/fuse_residual_add.h"

#include <gtest/gtest.h>

#include "compiler/passes/fuse_activation.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;

// InferShapes, [FuseActivation,] FuseResidualAdd; numerics checked against the input graph.
ir::Graph Fuse(ir::Graph g, bool activation_first = true) {
  Status s = InferShapes().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  const ir::Graph before = g;
  if (activation_first) {
    s = FuseActivation().Run(g);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  s = FuseResidualAdd().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(g.Validate().ok());
  ExpectSameNumerics(before, g);
  return g;
}

void AddConv(ir::Graph& g, const std::string& x, const std::string& y, int64_t cin, int64_t cout,
             uint32_t seed, int64_t stride = 1) {
  g.AddInitializer(y + "_w", RandomTensor({cout, cin, 3, 3}, seed));
  g.AddInitializer(y + "_b", RandomTensor({cout}, seed + 1));
  g.AddNode("Conv", {x, y + "_w", y + "_b"}, {y},
            {{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{stride, stride}}}, y);
}

TEST(FuseResidualAdd, ResNetBasicBlock) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 4, 6, 6});
  AddConv(g, "x", "c1", 4, 4, 1);
  g.AddNode("Relu", {"c1"}, {"r1"});
  AddConv(g, "r1", "c2", 4, 4, 3);
  g.AddNode("Add", {"c2", "x"}, {"sum"});
  g.AddNode("Relu", {"sum"}, {"y"});
  g.AddOutput("y");
  const ir::Graph fused = Fuse(g);
  ASSERT_EQ(OpTypes(fused), (std::vector<std::string>{"aorta.Conv", "aorta.Conv"}));
  const ir::Node& second = fused.nodes[1];
  ASSERT_EQ(second.inputs.size(), 4u);
  EXPECT_EQ(second.inputs[kResidualInput], "x");
  EXPECT_EQ(std::get<std::string>(second.attributes.at("activation")), "Relu");
  EXPECT_EQ(second.outputs[0], "y");
}

TEST(FuseResidualAdd, DownsampleShortcutOfTwoConvs) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 6, 6});
  AddConv(g, "x", "main", 2, 4, 1, 2);
  AddConv(g, "x", "shortcut", 2, 4, 3, 2);
  g.AddNode("Add", {"main", "shortcut"}, {"sum"});
  g.AddNode("Clip", {"sum", "lo", "hi"}, {"y"});
  g.AddInitializer("lo", Tensor::Scalar<float>(0.0f));
  g.AddInitializer("hi", Tensor::Scalar<float>(0.5f));
  g.AddOutput("y");
  const ir::Graph fused = Fuse(g, /*activation_first=*/false);
  // Without FuseActivation first, only the node taking the residual becomes fused.
  ASSERT_EQ(OpTypes(fused), (std::vector<std::string>{"Conv", "aorta.Conv"}));
  // The later node (shortcut) takes the residual and runs after main.
  EXPECT_EQ(fused.nodes[1].name, "shortcut");
  EXPECT_EQ(fused.nodes[1].inputs[kResidualInput], "main");
  auto act = FusedActivation(fused.nodes[1]);
  ASSERT_TRUE(act.ok() && act->has_value());
  EXPECT_EQ((*act)->clip_max, 0.5f);
}

TEST(FuseResidualAdd, GemmResidualAndTopologicalOrder) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 3});
  g.AddInitializer("w", RandomTensor({3, 3}, 1));
  g.AddNode("Gemm", {"x", "w"}, {"g"});
  g.AddNode("Sigmoid", {"x"}, {"later"});  // the residual is computed after the Gemm
  g.AddNode("Add", {"later", "g"}, {"y"});
  g.AddOutput("y");
  const ir::Graph fused = Fuse(g);
  ASSERT_EQ(OpTypes(fused), (std::vector<std::string>{"Sigmoid", "aorta.Gemm"}));
  EXPECT_EQ(fused.nodes[1].inputs[kResidualInput], "later");
}

TEST(FuseResidualAdd, LeavesWhatItMustNotFuse) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  F32Input(g, "per_channel", {1, 2, 1, 1});
  AddConv(g, "x", "a", 2, 2, 1);
  g.AddNode("Add", {"a", "per_channel"}, {"ya"});  // broadcasting residual
  AddConv(g, "x", "b", 2, 2, 3);
  g.AddNode("Relu", {"b"}, {"rb"});
  g.AddNode("Add", {"rb", "x"}, {"yb"});  // activation before the add
  AddConv(g, "x", "c", 2, 2, 5);
  g.AddNode("Add", {"c", "x"}, {"yc"});
  g.AddOutput("ya");
  g.AddOutput("yb");
  g.AddOutput("yc");
  g.AddOutput("c");  // c is read twice
  const ir::Graph fused = Fuse(g);
  EXPECT_EQ(CountOps(fused, "Add"), 3);
  for (const ir::Node& n : fused.nodes) EXPECT_FALSE(n.HasInput(kResidualInput)) << n.name;
}

TEST(FuseResidualAdd, UnknownFusedActivationIsAnError) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  AddConv(g, "x", "a", 2, 2, 1);
  g.AddNode("Add", {"a", "x"}, {"y"});
  g.AddOutput("y");
  ASSERT_TRUE(InferShapes().Run(g).ok());
  MakeFused(g.nodes[0]);
  g.nodes[0].attributes["activation"] = std::string("Swish");
  Status s = FuseResidualAdd().Run(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("aorta.Conv node 'a'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Swish"), std::string::npos) << s.message();
}

TEST(FusedOps, ExpandWritesStandardOps) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  AddConv(g, "x", "a", 2, 2, 1);
  g.AddNode("Add", {"a", "x"}, {"s"});
  g.AddNode("Clip", {"s", "lo", "hi"}, {"y"});
  g.AddInitializer("lo", Tensor::Scalar<float>(0.0f));
  g.AddInitializer("hi", Tensor::Scalar<float>(6.0f));
  g.AddOutput("y");
  const ir::Graph fused = Fuse(g);
  ASSERT_EQ(OpTypes(fused), (std::vector<std::string>{"aorta.Conv"}));
  auto expanded = ExpandFusedOps(fused);
  ASSERT_TRUE(expanded.ok());
  EXPECT_EQ(OpTypes(*expanded), (std::vector<std::string>{"Conv", "Add", "Clip"}));
  EXPECT_EQ(expanded->nodes[2].outputs[0], "y");
  EXPECT_EQ(expanded->nodes[2].inputs.size(), 3u);  // opset 13: bounds as inputs
}

}  // namespace
}  // namespace aorta::passes::testing
