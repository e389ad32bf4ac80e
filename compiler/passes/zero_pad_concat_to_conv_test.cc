#include "compiler/passes/zero_pad_concat_to_conv.h"

#include <gtest/gtest.h>

#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

TEST(ZeroPadConcatToConv, ChannelPaddingBecomesAnIdentityEmbedding) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 3, 4, 5});
  g.AddInitializer("z0", Tensor::FromVector<float>({1, 2, 4, 5}, std::vector<float>(40, 0.0f)));
  g.AddInitializer("z1", Tensor::FromVector<float>({1, 1, 4, 5}, std::vector<float>(20, 0.0f)));
  g.AddNode("Relu", {"x"}, {"r"});
  g.AddNode("Concat", {"z0", "r", "z1"}, {"y"}, {{"axis", int64_t{1}}}, "pad");
  g.AddOutput("y");
  ASSERT_TRUE(InferShapes().Run(g).ok());
  const ir::Graph before = g;
  Status s = ZeroPadConcatToConv().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"Relu", "Conv"}));
  const ir::Node& conv = g.nodes[1];
  EXPECT_EQ(conv.name, "pad");
  ASSERT_EQ(conv.inputs.size(), 2u);
  EXPECT_EQ(conv.inputs[0], "r");
  const Tensor* w = g.FindInitializer(conv.inputs[1]);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape(), (Shape{6, 3, 1, 1}));
  // Input channel c lands at output channel 2 + c; rows 0, 1 and 5 are zero.
  const std::vector<float> v = w->ToVector<float>();
  for (int64_t o = 0; o < 6; ++o)
    for (int64_t c = 0; c < 3; ++c)
      EXPECT_EQ(v[static_cast<size_t>(o * 3 + c)], o == c + 2 ? 1.0f : 0.0f) << o << "," << c;
  ExpectSameNumerics(before, g);
}

TEST(ZeroPadConcatToConv, LeavesRealConcatenationsAlone) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "a", {1, 2, 3, 3});
  F32Input(g, "b", {1, 2, 3, 3});
  g.AddInitializer("k", RandomTensor({1, 2, 3, 3}, 3));  // not zero
  g.AddNode("Concat", {"a", "b"}, {"ab"}, {{"axis", int64_t{1}}});
  g.AddNode("Concat", {"a", "k"}, {"ak"}, {{"axis", int64_t{1}}});
  g.AddNode("Concat", {"a", "a"}, {"aa"}, {{"axis", int64_t{2}}});
  g.AddOutput("ab");
  g.AddOutput("ak");
  g.AddOutput("aa");
  ASSERT_TRUE(InferShapes().Run(g).ok());
  ASSERT_TRUE(ZeroPadConcatToConv().Run(g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Concat", "Concat", "Concat"}));
}

}  // namespace
}  // namespace aorta::passes::testing
