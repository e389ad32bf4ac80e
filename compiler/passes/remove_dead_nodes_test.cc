#include "compiler/passes/remove_dead_nodes.h"

#include <gtest/gtest.h>

#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

TEST(RemoveDeadNodes, IdentityDropoutAndDeadBranches) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 3});
  F32Input(g, "unused", {1});
  g.AddInitializer("k", RandomTensor({2, 3}, 1));
  g.AddInitializer("dead_k", RandomTensor({2, 3}, 2));
  g.AddNode("Identity", {"x"}, {"i"});
  g.AddNode("Dropout", {"i"}, {"d"}, {{"ratio", 0.5f}});
  g.AddNode("Add", {"d", "k"}, {"a"});
  g.AddNode("Mul", {"a", "dead_k"}, {"dead"});  // reaches no output
  g.AddNode("Relu", {"dead"}, {"dead2"});
  g.AddNode("Relu", {"a"}, {"r"});
  g.AddNode("Identity", {"r"}, {"y"});  // a graph output: Relu takes over the name
  g.AddOutput("y");
  ASSERT_TRUE(InferShapes().Run(g).ok());
  const ir::Graph before = g;
  Status s = RemoveDeadNodes().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Add", "Relu"}));
  EXPECT_EQ(g.nodes[0].inputs[0], "x");
  EXPECT_EQ(g.nodes[1].outputs[0], "y");
  EXPECT_EQ(g.initializers.size(), 1u);
  EXPECT_TRUE(g.IsInitializer("k"));
  EXPECT_EQ(g.FindValue("dead"), nullptr);
  EXPECT_EQ(g.FindValue("r"), nullptr);
  EXPECT_EQ(g.inputs, (std::vector<std::string>{"x", "unused"}));
  ExpectSameNumerics(before, g);
}

TEST(RemoveDeadNodes, KeepsWhatItCannotBypass) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {4});
  g.AddNode("Identity", {"x"}, {"y"});  // graph input straight to graph output
  g.AddNode("Relu", {"x"}, {"r"});
  g.AddNode("Dropout", {"r"}, {"z", "mask"});  // the mask is read
  g.AddOutput("y");
  g.AddOutput("z");
  g.AddOutput("mask");
  ASSERT_TRUE(RemoveDeadNodes().Run(g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Identity", "Relu", "Dropout"}));
}

}  // namespace
}  // namespace aorta::passes::testing
