#include "compiler/passes/fold_pad_into_window.h"

#include <gtest/gtest.h>

#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

// x [1, 3, 5, 6] -> Pad(pads, value) -> `reader` -> y, pads / value as inputs (opset 13) or
// attributes (opset 9).
ir::Graph PadThen(const std::string& reader, const std::vector<int64_t>& pads, float value,
                  int64_t opset = 13, std::map<std::string, ir::Attribute> attrs = {}) {
  ir::Graph g = NewGraph(opset);
  F32Input(g, "x", {1, 3, 5, 6});
  if (opset < 11) {
    g.AddNode("Pad", {"x"}, {"p"}, {{"pads", pads}, {"value", value}}, "pad");
  } else {
    g.AddInitializer("pads", I64(pads));
    g.AddInitializer("value", Tensor::Scalar<float>(value));
    g.AddNode("Pad", {"x", "pads", "value"}, {"p"}, {}, "pad");
  }
  if (reader == "Conv") {
    g.AddInitializer("w", RandomTensor({4, 3, 3, 3}, 2));
    if (!attrs.count("auto_pad")) attrs["pads"] = std::vector<int64_t>{1, 0, 0, 1};
    g.AddNode("Conv", {"p", "w"}, {"y"}, attrs, "conv");
  } else {
    attrs["kernel_shape"] = std::vector<int64_t>{2, 3};
    g.AddNode(reader, {"p"}, {"y"}, attrs, "pool");
  }
  g.AddOutput("y");
  EXPECT_TRUE(InferShapes().Run(g).ok());
  return g;
}

TEST(FoldPadIntoWindow, ZeroPadBecomesTheConvsPadding) {
  for (int64_t opset : {9, 13}) {
    ir::Graph g = PadThen("Conv", {0, 0, 2, 1, 0, 0, 0, 3}, 0.0f, opset);
    const ir::Graph before = g;
    ASSERT_TRUE(FoldPadIntoWindow().Run(g).ok());
    ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"Conv"})) << opset;
    EXPECT_EQ(g.nodes[0].inputs[0], "x");
    // [t, l, b, r] = [1, 0, 0, 1] + [2, 1, 0, 3].
    EXPECT_EQ(std::get<std::vector<int64_t>>(g.nodes[0].attributes.at("pads")),
              (std::vector<int64_t>{3, 1, 0, 4}));
    ExpectSameNumerics(before, g);
  }
}

TEST(FoldPadIntoWindow, AveragePoolCountsThePadding) {
  ir::Graph g = PadThen("AveragePool", {0, 0, 1, 1, 0, 0, 1, 1}, 0.0f);
  const ir::Graph before = g;
  ASSERT_TRUE(FoldPadIntoWindow().Run(g).ok());
  ASSERT_EQ(OpTypes(g), (std::vector<std::string>{"AveragePool"}));
  EXPECT_EQ(std::get<int64_t>(g.nodes[0].attributes.at("count_include_pad")), 1);
  ExpectSameNumerics(before, g);
}

TEST(FoldPadIntoWindow, LeavesWhatDoesNotMeanTheSame) {
  struct Case {
    std::string label, reader;
    std::vector<int64_t> pads;
    float value;
    std::map<std::string, ir::Attribute> attrs;
  };
  const std::vector<Case> cases = {
      {"value 0.5", "Conv", {0, 0, 1, 1, 0, 0, 1, 1}, 0.5f, {}},
      {"channel padding", "AveragePool", {0, 1, 0, 0, 0, 0, 0, 0}, 0.0f, {}},
      {"crop", "Conv", {0, 0, -1, 0, 0, 0, 0, 0}, 0.0f, {}},
      {"max pool (pads with -inf)", "MaxPool", {0, 0, 1, 1, 0, 0, 1, 1}, 0.0f, {}},
      {"avg pool excluding its own padding",
       "AveragePool",
       {0, 0, 1, 1, 0, 0, 1, 1},
       0.0f,
       {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}},
      {"auto_pad", "Conv", {0, 0, 1, 1, 0, 0, 1, 1}, 0.0f, {{"auto_pad", std::string("VALID")}}},
  };
  for (const Case& c : cases) {
    ir::Graph g = PadThen(c.reader, c.pads, c.value, 13, c.attrs);
    ASSERT_TRUE(FoldPadIntoWindow().Run(g).ok()) << c.label;
    EXPECT_EQ(CountOps(g, "Pad"), 1) << c.label;
  }
}

}  // namespace
}  // namespace aorta::passes::testing
