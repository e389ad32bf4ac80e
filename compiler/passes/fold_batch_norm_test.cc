#include "compiler/passes/fold_batch_norm.h"

#include <gtest/gtest.h>

#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;

// BN parameters for `c` channels named <prefix>_scale ... with seed-dependent values.
std::vector<std::string> AddBnParams(ir::Graph& g, const std::string& prefix, int64_t c,
                                     uint32_t seed) {
  g.AddInitializer(prefix + "_scale", RandomTensor({c}, seed, 0.5f, 1.5f));
  g.AddInitializer(prefix + "_shift", RandomTensor({c}, seed + 1));
  g.AddInitializer(prefix + "_mean", RandomTensor({c}, seed + 2));
  g.AddInitializer(prefix + "_var", RandomTensor({c}, seed + 3, 0.2f, 2.0f));
  return {prefix + "_scale", prefix + "_shift", prefix + "_mean", prefix + "_var"};
}

void AddBn(ir::Graph& g, const std::string& x, const std::string& y, int64_t c, uint32_t seed) {
  std::vector<std::string> in = {x};
  for (std::string& p : AddBnParams(g, y, c, seed)) in.push_back(p);
  g.AddNode("BatchNormalization", in, {y}, {{"epsilon", 1e-3f}});
}

// Infers, folds, checks numerics; returns the folded graph.
ir::Graph Fold(ir::Graph g) {
  EXPECT_TRUE(InferShapes().Run(g).ok());
  const ir::Graph before = g;
  Status s = FoldBatchNorm().Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(g.Validate().ok());
  ExpectSameNumerics(before, g);
  return g;
}

TEST(FoldBatchNorm, IntoConvWithAndWithoutBias) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 3, 6, 6});
  g.AddInitializer("w1", RandomTensor({4, 3, 3, 3}, 1));
  g.AddInitializer("b1", RandomTensor({4}, 2));
  g.AddNode("Conv", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}, "conv1");
  AddBn(g, "c1", "bn1", 4, 10);
  g.AddInitializer("w2", RandomTensor({4, 1, 3, 3}, 3));
  g.AddNode("Conv", {"bn1", "w2"}, {"c2"}, {{"group", int64_t{4}}}, "depthwise");
  AddBn(g, "c2", "y", 4, 20);
  g.AddOutput("y");
  const ir::Graph folded = Fold(g);
  EXPECT_EQ(OpTypes(folded), (std::vector<std::string>{"Conv", "Conv"}));
  EXPECT_EQ(folded.nodes[1].outputs[0], "y");
  ASSERT_EQ(folded.nodes[1].inputs.size(), 3u);
  EXPECT_EQ(ShapeOf(folded, folded.nodes[1].inputs[2]), (Shape{4}));
}

TEST(FoldBatchNorm, IntoGroupedConvTranspose) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 4, 3, 3});
  g.AddInitializer("w", RandomTensor({4, 3, 2, 2}, 4));  // group 2: M = 6
  g.AddInitializer("b", RandomTensor({6}, 5));
  g.AddNode("ConvTranspose", {"x", "w", "b"}, {"c"},
            {{"group", int64_t{2}}, {"strides", Ints{2, 2}}});
  AddBn(g, "c", "y", 6, 30);
  g.AddOutput("y");
  EXPECT_EQ(OpTypes(Fold(g)), (std::vector<std::string>{"ConvTranspose"}));
}

TEST(FoldBatchNorm, IntoGemm) {
  for (int64_t trans_b : {0, 1}) {
    ir::Graph g = NewGraph(13);
    F32Input(g, "x", {3, 5});
    g.AddInitializer("w", RandomTensor(trans_b ? Shape{4, 5} : Shape{5, 4}, 6));
    g.AddInitializer("c", RandomTensor({3, 1}, 7));  // broadcast along columns
    g.AddNode("Gemm", {"x", "w", "c"}, {"g"},
              {{"transB", trans_b}, {"alpha", 0.5f}, {"beta", 2.0f}});
    AddBn(g, "g", "y", 4, 40);
    g.AddOutput("y");
    const ir::Graph folded = Fold(g);
    EXPECT_EQ(OpTypes(folded), (std::vector<std::string>{"Gemm"})) << trans_b;
    EXPECT_EQ(ShapeOf(folded, folded.nodes[0].inputs[2]), (Shape{3, 4}));
  }
  ir::Graph no_c = NewGraph(13);
  F32Input(no_c, "x", {2, 5});
  no_c.AddInitializer("w", RandomTensor({5, 4}, 8));
  no_c.AddNode("Gemm", {"x", "w"}, {"g"});
  AddBn(no_c, "g", "y", 4, 50);
  no_c.AddOutput("y");
  EXPECT_EQ(OpTypes(Fold(no_c)), (std::vector<std::string>{"Gemm"}));
}

TEST(FoldBatchNorm, SharedWeightsStayForTheOtherReader) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  g.AddInitializer("w", RandomTensor({2, 2, 1, 1}, 9));
  g.AddNode("Conv", {"x", "w"}, {"a"});
  AddBn(g, "a", "bn", 2, 60);
  g.AddNode("Conv", {"bn", "w"}, {"y"});
  g.AddOutput("y");
  const ir::Graph folded = Fold(g);
  EXPECT_EQ(OpTypes(folded), (std::vector<std::string>{"Conv", "Conv"}));
  EXPECT_NE(folded.nodes[0].inputs[1], "w");
  EXPECT_EQ(folded.nodes[1].inputs[1], "w");
}

TEST(FoldBatchNorm, LeavesWhatItMustNotFold) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  F32Input(g, "runtime_scale", {2});
  g.AddInitializer("w", RandomTensor({2, 2, 1, 1}, 9));
  g.AddNode("Conv", {"x", "w"}, {"a"});
  AddBn(g, "a", "bn_a", 2, 70);
  g.AddNode("Relu", {"a"}, {"other_reader"});  // the conv output has a second reader
  g.AddNode("Conv", {"x", "w"}, {"b"});
  AddBn(g, "b", "bn_b", 2, 80);
  g.nodes.back().inputs[1] = "runtime_scale";  // not a constant
  g.AddNode("Relu", {"x"}, {"r"});
  AddBn(g, "r", "bn_r", 2, 90);  // not after a conv
  g.AddOutput("bn_a");
  g.AddOutput("other_reader");
  g.AddOutput("bn_b");
  g.AddOutput("bn_r");
  ASSERT_TRUE(InferShapes().Run(g).ok());
  ASSERT_TRUE(FoldBatchNorm().Run(g).ok());
  EXPECT_EQ(CountOps(g, "BatchNormalization"), 3);
}

TEST(FoldBatchNorm, MalformedParametersNameTheNode) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 2, 4, 4});
  g.AddInitializer("w", RandomTensor({2, 2, 1, 1}, 9));
  g.AddNode("Conv", {"x", "w"}, {"a"});
  AddBn(g, "a", "y", 2, 70);
  g.nodes.back().name = "bn7";
  g.AddOutput("y");
  ir::Graph bad_eps = g;
  bad_eps.nodes.back().attributes["epsilon"] = std::string("tiny");
  Status s = FoldBatchNorm().Run(bad_eps);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("BatchNormalization node 'bn7'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("epsilon"), std::string::npos) << s.message();
  ir::Graph bad_size = g;
  bad_size.initializers["y_mean"] = RandomTensor({3}, 1);
  s = FoldBatchNorm().Run(bad_size);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("BatchNormalization node 'bn7'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace aorta::passes::testing
