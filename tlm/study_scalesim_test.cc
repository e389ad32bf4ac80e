#include "tlm/study_scalesim.h"

#include <gtest/gtest.h>

namespace aorta::study {
namespace {

constexpr char kHeader[] =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

TEST(ScaleSim, ParsesTheBundledTopology) {
  Result<std::vector<ScaleSimLayer>> l =
      ReadScaleSimCsv(std::string(AORTA_TEST_SOURCE_DIR) + "/models/studies/scalesim_small.csv");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->size(), 4u);
  const ScaleSimLayer& c2 = (*l)[1];
  EXPECT_EQ(c2.name, "Conv2");
  EXPECT_EQ(c2.ifmap_h, 17);
  EXPECT_EQ(c2.ifmap_w, 17);
  EXPECT_EQ(c2.filter_h, 3);
  EXPECT_EQ(c2.channels, 16);
  EXPECT_EQ(c2.filters, 16);
  EXPECT_EQ(c2.stride, 2);
  EXPECT_EQ(c2.line, 3);
  EXPECT_FALSE(c2.is_gemm());
  EXPECT_TRUE((*l)[3].is_gemm());  // FC4: the filter covers the IFMAP
}

TEST(ScaleSim, AcceptsLinesWithoutTrailingCommaAndCrLf) {
  std::string text =
      "layer name,ifmap height,ifmap width,filter height,filter width,channels,"
      "num filter,strides\r\n\r\nA,4,4,1,1,8,8,1\r\n";
  Result<std::vector<ScaleSimLayer>> l = ParseScaleSimCsv(text, "x.csv");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->at(0).line, 3);
}

void ExpectError(const std::string& text, const std::string& what) {
  Result<std::vector<ScaleSimLayer>> l = ParseScaleSimCsv(text, "t.csv");
  ASSERT_FALSE(l.ok()) << "accepted: " << text;
  EXPECT_NE(l.status().ToString().find(what), std::string::npos)
      << l.status().ToString() << " (expected '" << what << "')";
}

TEST(ScaleSim, BadRowsAreNamed) {
  const std::string h = kHeader;
  ExpectError("", "no header");
  ExpectError(h, "no layers");
  ExpectError("Layer, IFMAP Height\n", "t.csv:1: the header has 2 columns");
  ExpectError(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Filters, "
      "Strides,\n",
      "header column 7 is 'Filters', expected 'Num Filter'");
  ExpectError(h + "A, 8, 8, 3, 3, 4, 4,\n", "t.csv:2: 7 fields, expected 8");
  ExpectError(h + "A, 8, 8, 3, x3, 4, 4, 1,\n", "layer 'A': Filter Width is 'x3'");
  ExpectError(h + "A, 8, 8, 3, 3, 0, 4, 1,\n", "Channels is '0', not a positive integer");
  ExpectError(h + "A, 8, 8, 3, 3, 4, 4, -1,\n", "Strides is '-1'");
  ExpectError(h + "A, 8, 8, 9, 3, 4, 4, 1,\n", "the 9x3 filter is larger than the 8x8 IFMAP");
  ExpectError(h + "A, 8, 8, 3, 3, 4, 4, 1,\nA, 8, 8, 3, 3, 4, 4, 1,\n",
              "t.csv:3: layer 'A' is named twice");
  ExpectError(h + ", 8, 8, 3, 3, 4, 4, 1,\n", "no name");
  EXPECT_FALSE(ReadScaleSimCsv("/nonexistent/topology.csv").ok());
}

TEST(ScaleSim, GraphHasAConvOrGemmAndReluPerRow) {
  Result<std::vector<ScaleSimLayer>> l = ParseScaleSimCsv(
      std::string(kHeader) + "Conv, 10, 12, 3, 5, 4, 6, 2,\nFC, 2, 2, 2, 2, 8, 10, 1,\n", "t");
  ASSERT_TRUE(l.ok());
  ir::Graph g = ScaleSimGraph(*l, "topo", 7);
  EXPECT_EQ(g.name, "topo");
  ASSERT_EQ(g.inputs.size(), 2u);
  ASSERT_EQ(g.outputs.size(), 2u);
  EXPECT_EQ(g.inputs[0], "Conv_ifmap");
  const ir::ValueInfo* in = g.FindValue("Conv_ifmap");
  ASSERT_NE(in, nullptr);
  ASSERT_TRUE(in->StaticShape().has_value());
  EXPECT_EQ(*in->StaticShape(), (Shape{1, 4, 10, 12}));
  const ir::Node* conv = g.FindNode("Conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->op_type, "Conv");
  EXPECT_EQ(*conv->GetInts("strides"), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(*conv->GetInts("pads"), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(g.FindInitializer("Conv_w")->shape(), (Shape{6, 4, 3, 5}));
  const ir::Node* fc = g.FindNode("FC");
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->op_type, "Gemm");
  EXPECT_EQ(g.FindInitializer("FC_w")->shape(), (Shape{10, 32}));
  EXPECT_EQ(g.Producer("FC_ofmap")->op_type, "Relu");
  // Deterministic weights from the seed.
  ir::Graph again = ScaleSimGraph(*l, "topo", 7);
  EXPECT_EQ(again.FindInitializer("Conv_w")->ToDoubles(), g.FindInitializer("Conv_w")->ToDoubles());
  ir::Graph other = ScaleSimGraph(*l, "topo", 8);
  EXPECT_NE(other.FindInitializer("Conv_w")->ToDoubles(), g.FindInitializer("Conv_w")->ToDoubles());
}

}  // namespace
}  // namespace aorta::study
