#include "compiler/passes/cancel_transposes.h"

#include <gtest/gtest.h>

#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;
const Ints kToNchw = {0, 3, 1, 2};
const Ints kToNhwc = {0, 2, 3, 1};

ir::Graph Cancel(ir::Graph g) {
  Status s = InferShapes().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  const ir::Graph before = g;
  s = CancelTransposes().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(g.Validate().ok());
  ExpectSameNumerics(before, g);
  ExpectShapesMatchReference(g);
  return g;
}

TEST(CancelTransposes, InversePairsVanishOthersMerge) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 3, 4});
  g.AddNode("Transpose", {"x"}, {"t1"}, {{"perm", kToNhwc}});
  g.AddNode("Transpose", {"t1"}, {"t2"}, {{"perm", kToNchw}});
  g.AddNode("Relu", {"t2"}, {"r"});
  g.AddNode("Transpose", {"r"}, {"t3"}, {{"perm", Ints{1, 0, 2, 3}}});
  g.AddNode("Transpose", {"t3"}, {"y"}, {{"perm", Ints{0, 1, 3, 2}}});
  g.AddOutput("y");
  const ir::Graph c = Cancel(g);
  ASSERT_EQ(OpTypes(c), (std::vector<std::string>{"Relu", "Transpose"}));
  EXPECT_EQ(c.nodes[0].inputs[0], "x");
  EXPECT_EQ(std::get<Ints>(c.nodes[1].attributes.at("perm")), (Ints{1, 0, 3, 2}));
  EXPECT_EQ(c.nodes[1].outputs[0], "y");
}

// tf2onnx-style NHWC: every conv wrapped in transposes, bias added in NHWC.
TEST(CancelTransposes, NhwcModelKeepsOnlyTheBoundaryTransposes) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 5, 5, 3});
  g.AddInitializer("w1", RandomTensor({4, 3, 3, 3}, 1));
  g.AddInitializer("bias", RandomTensor({4}, 2));
  g.AddInitializer("w2", RandomTensor({2, 4, 1, 1}, 3));
  g.AddNode("Transpose", {"x"}, {"x_nchw"}, {{"perm", kToNchw}});
  g.AddNode("Conv", {"x_nchw", "w1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}});
  g.AddNode("Transpose", {"c1"}, {"c1_nhwc"}, {{"perm", kToNhwc}});
  g.AddNode("Add", {"c1_nhwc", "bias"}, {"biased"});
  g.AddNode("Relu", {"biased"}, {"r"});
  g.AddNode("Transpose", {"r"}, {"r_nchw"}, {{"perm", kToNchw}});
  g.AddNode("Conv", {"r_nchw", "w2"}, {"c2"});
  g.AddNode("Transpose", {"c2"}, {"y"}, {{"perm", kToNhwc}});
  g.AddOutput("y");
  const ir::Graph c = Cancel(g);
  EXPECT_EQ(OpTypes(c), (std::vector<std::string>{"Transpose", "Conv", "Add", "Relu", "Conv",
                                                  "Transpose"}));
  // The bias is now per-channel in NCHW.
  EXPECT_EQ(ShapeOf(c, c.nodes[2].inputs[1]), (Shape{1, 4, 1, 1}));
}

TEST(CancelTransposes, BinaryOfTwoTransposesBecomesOne) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "a", {2, 3, 4});
  F32Input(g, "b", {2, 3, 4});
  g.AddNode("Transpose", {"a"}, {"ta"}, {{"perm", Ints{2, 0, 1}}});
  g.AddNode("Transpose", {"b"}, {"tb"}, {{"perm", Ints{2, 0, 1}}});
  g.AddNode("Sub", {"tb", "ta"}, {"y"});
  g.AddOutput("y");
  const ir::Graph c = Cancel(g);
  ASSERT_EQ(OpTypes(c), (std::vector<std::string>{"Sub", "Transpose"}));
  EXPECT_EQ(c.nodes[0].inputs, (std::vector<std::string>{"b", "a"}));
}

TEST(CancelTransposes, FanOutIsNotDuplicated) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 3, 4});
  g.AddNode("Transpose", {"x"}, {"t"}, {{"perm", kToNhwc}});
  g.AddNode("Relu", {"t"}, {"y1"});
  g.AddNode("Sigmoid", {"t"}, {"y2"});
  g.AddOutput("y1");
  g.AddOutput("y2");
  EXPECT_EQ(CountOps(Cancel(g), "Transpose"), 1);
}

TEST(CancelTransposes, ReshapeChains) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 3, 4});
  g.AddInitializer("s1", I64({2, 3, 4}));
  g.AddInitializer("ax", I64({1}));
  g.AddInitializer("s2", I64({6, 4}));
  g.AddNode("Flatten", {"x"}, {"f"}, {{"axis", int64_t{1}}});
  g.AddNode("Reshape", {"f", "s1"}, {"back"});  // Flatten + Reshape back: identity
  g.AddNode("Unsqueeze", {"back", "ax"}, {"u"});
  g.AddNode("Squeeze", {"u", "ax"}, {"sq"});  // identity again
  g.AddNode("Relu", {"sq"}, {"r"});
  g.AddNode("Flatten", {"r"}, {"f2"}, {{"axis", int64_t{2}}});
  g.AddNode("Reshape", {"f2", "s2"}, {"y"});  // one Reshape
  g.AddOutput("y");
  const ir::Graph c = Cancel(g);
  ASSERT_EQ(OpTypes(c), (std::vector<std::string>{"Relu", "Reshape"}));
  EXPECT_EQ(c.nodes[0].inputs[0], "x");
  EXPECT_EQ(c.nodes[1].inputs[0], c.nodes[0].outputs[0]);
}

TEST(CancelTransposes, MalformedPermNamesTheNode) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 3});
  g.AddNode("Transpose", {"x"}, {"y"}, {{"perm", Ints{0, 0}}}, "bad_perm");
  g.AddOutput("y", DType::kF32, ir::StaticDims({2, 2}));
  g.values["y"].dims = ir::StaticDims({2, 2});
  Status s = CancelTransposes().Run(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Transpose node 'bad_perm'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("not a permutation"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace aorta::passes::testing
