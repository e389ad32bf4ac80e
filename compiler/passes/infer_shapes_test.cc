#include "compiler/passes/infer_shapes.h"

#include <gtest/gtest.h>

#include "compiler/passes/test_util.h"
#include "compiler/reference/executor.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;

// Runs InferShapes, expects success, checks every value against the reference, returns the
// shape of `out`.
Shape InferOk(ir::Graph& g, const std::string& out, std::map<std::string, Shape> overrides = {}) {
  Status s = InferShapes(std::move(overrides)).Run(g);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return {};
  ExpectShapesMatchReference(g);
  return ShapeOf(g, out);
}

// A graph with one op reading input x (and initializers), output y.
Shape OneOp(const std::string& op, const Shape& x, std::map<std::string, ir::Attribute> attrs,
            std::vector<std::pair<std::string, Tensor>> consts = {}, int64_t opset = 13) {
  ir::Graph g = NewGraph(opset);
  F32Input(g, "x", x);
  std::vector<std::string> inputs = {"x"};
  for (auto& [name, t] : consts) {
    inputs.push_back(name);
    if (!name.empty()) g.AddInitializer(name, t);
  }
  g.AddNode(op, inputs, {"y"}, std::move(attrs), "n");
  g.AddOutput("y");
  return InferOk(g, "y");
}

TEST(InferShapes, ConvPadsStridesDilationsGroups) {
  const Tensor w = RandomTensor({4, 3, 3, 3}, 1);
  // Asymmetric pads, stride 2, dilation 2: (11 + 1 + 2 - 5) / 2 + 1 = 5 and (9 - 5) / 2 + 1 = 3.
  EXPECT_EQ(OneOp("Conv", {1, 3, 11, 9},
                  {{"pads", Ints{1, 0, 2, 0}}, {"strides", Ints{2, 2}}, {"dilations", Ints{2, 2}}},
                  {{"w", w}}),
            (Shape{1, 4, 5, 3}));
  EXPECT_EQ(OneOp("Conv", {1, 3, 7, 8}, {{"auto_pad", std::string("SAME_UPPER")},
                                         {"strides", Ints{2, 3}}},
                  {{"w", w}}),
            (Shape{1, 4, 4, 3}));
  EXPECT_EQ(OneOp("Conv", {1, 3, 7, 8}, {{"auto_pad", std::string("SAME_LOWER")}}, {{"w", w}}),
            (Shape{1, 4, 7, 8}));
  EXPECT_EQ(OneOp("Conv", {1, 3, 7, 8}, {{"auto_pad", std::string("VALID")}}, {{"w", w}}),
            (Shape{1, 4, 5, 6}));
  // Depthwise with bias.
  EXPECT_EQ(OneOp("Conv", {2, 6, 5, 5}, {{"group", int64_t{6}}, {"pads", Ints{1, 1, 1, 1}}},
                  {{"w", RandomTensor({12, 1, 3, 3}, 2)}, {"b", RandomTensor({12}, 3)}}),
            (Shape{2, 12, 5, 5}));
  // 1-D convolution.
  EXPECT_EQ(OneOp("Conv", {1, 2, 10}, {{"strides", Ints{3}}}, {{"w", RandomTensor({5, 2, 4}, 4)}}),
            (Shape{1, 5, 3}));
}

TEST(InferShapes, ConvTransposeOutputPaddingAndOutputShape) {
  const Tensor w = RandomTensor({3, 2, 3, 3}, 5);  // C=3 -> M=2 (4 with group... below)
  // 2 * (4 - 1) + 1 + 3 - 1 - 1 = 8.
  EXPECT_EQ(OneOp("ConvTranspose", {1, 3, 4, 4},
                  {{"strides", Ints{2, 2}}, {"output_padding", Ints{1, 1}},
                   {"pads", Ints{1, 1, 1, 1}}},
                  {{"w", w}}),
            (Shape{1, 2, 8, 8}));
  EXPECT_EQ(OneOp("ConvTranspose", {1, 3, 4, 5},
                  {{"strides", Ints{2, 2}}, {"output_shape", Ints{8, 10}}}, {{"w", w}}),
            (Shape{1, 2, 8, 10}));
  EXPECT_EQ(OneOp("ConvTranspose", {1, 3, 4, 5},
                  {{"strides", Ints{2, 2}}, {"auto_pad", std::string("SAME_UPPER")}}, {{"w", w}}),
            (Shape{1, 2, 8, 10}));
  EXPECT_EQ(OneOp("ConvTranspose", {1, 4, 3, 3},
                  {{"group", int64_t{2}}, {"dilations", Ints{2, 2}}},
                  {{"w", RandomTensor({4, 3, 2, 2}, 6)}, {"b", RandomTensor({6}, 7)}}),
            (Shape{1, 6, 5, 5}));
}

TEST(InferShapes, PoolingCeilMode) {
  const std::map<std::string, ir::Attribute> k3s2 = {{"kernel_shape", Ints{3, 3}},
                                                     {"strides", Ints{2, 2}}};
  EXPECT_EQ(OneOp("MaxPool", {1, 2, 6, 6}, k3s2), (Shape{1, 2, 2, 2}));
  auto ceil = k3s2;
  ceil["ceil_mode"] = int64_t{1};
  EXPECT_EQ(OneOp("MaxPool", {1, 2, 6, 6}, ceil), (Shape{1, 2, 3, 3}));
  ceil["pads"] = Ints{1, 1, 1, 1};
  ceil["count_include_pad"] = int64_t{1};
  EXPECT_EQ(OneOp("AveragePool", {1, 2, 6, 6}, ceil), (Shape{1, 2, 4, 4}));
  EXPECT_EQ(OneOp("GlobalAveragePool", {2, 5, 7, 3}, {}), (Shape{2, 5, 1, 1}));
  EXPECT_EQ(OneOp("GlobalMaxPool", {2, 5, 7}, {}), (Shape{2, 5, 1}));
}

TEST(InferShapes, GemmAndMatMulBroadcasting) {
  EXPECT_EQ(OneOp("Gemm", {5, 3}, {{"transA", int64_t{1}}, {"transB", int64_t{1}}},
                  {{"b", RandomTensor({4, 5}, 1)}, {"c", RandomTensor({1, 4}, 2)}}),
            (Shape{3, 4}));
  EXPECT_EQ(OneOp("MatMul", {2, 1, 3, 4}, {}, {{"b", RandomTensor({5, 4, 6}, 3)}}),
            (Shape{2, 5, 3, 6}));
  EXPECT_EQ(OneOp("MatMul", {4}, {}, {{"b", RandomTensor({3, 4, 6}, 4)}}), (Shape{3, 6}));
  EXPECT_EQ(OneOp("MatMul", {2, 3, 4}, {}, {{"b", RandomTensor({4}, 5)}}), (Shape{2, 3}));
}

TEST(InferShapes, ElementwiseBroadcastingAndActivations) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "a", {2, 1, 4});
  F32Input(g, "b", {3, 1});
  g.AddNode("Add", {"a", "b"}, {"s"});
  g.AddNode("Sum", {"s", "a", "b"}, {"t"});
  g.AddNode("HardSwish", {"t"}, {"u"});
  g.AddNode("Softmax", {"u"}, {"y"});
  g.AddOutput("y");
  EXPECT_EQ(InferOk(g, "y"), (Shape{2, 3, 4}));
}

// The exported-PyTorch pattern: the reshape target is computed from the input's shape, whose
// batch and spatial dims are dynamic until --input-shape resolves them.
TEST(InferShapes, ShapeSubgraphWithDynamicInput) {
  ir::Graph g = NewGraph(13);
  g.AddInput("x", DType::kF32,
             {ir::Dim::Symbolic("N"), ir::Dim::Static(4), ir::Dim::Symbolic("H"),
              ir::Dim::Symbolic("W")});
  g.AddInitializer("zero", I64({0}));
  g.AddInitializer("minus1", I64({-1}));
  g.AddInitializer("axes0", I64({0}));
  g.AddNode("Shape", {"x"}, {"shape"});
  g.AddNode("Gather", {"shape", "zero"}, {"batch"}, {{"axis", int64_t{0}}});
  g.AddNode("Concat", {"batch", "minus1"}, {"target"}, {{"axis", int64_t{0}}});
  g.AddNode("Reshape", {"x", "target"}, {"flat"});
  g.AddNode("Unsqueeze", {"flat", "axes0"}, {"y"});
  g.AddOutput("y");
  EXPECT_EQ(InferOk(g, "y", {{"x", {2, 4, 3, 5}}}), (Shape{1, 2, 60}));
  EXPECT_EQ(ShapeOf(g, "target"), (Shape{2}));
  EXPECT_EQ(g.FindValue("target")->dtype, DType::kI64);
}

TEST(InferShapes, ReshapeFlattenTranspose) {
  EXPECT_EQ(OneOp("Reshape", {2, 3, 4}, {}, {{"s", I64({0, -1, 2})}}), (Shape{2, 6, 2}));
  EXPECT_EQ(OneOp("Flatten", {2, 3, 4, 5}, {{"axis", int64_t{-2}}}), (Shape{6, 20}));
  EXPECT_EQ(OneOp("Transpose", {2, 3, 4}, {{"perm", Ints{2, 0, 1}}}), (Shape{4, 2, 3}));
  EXPECT_EQ(OneOp("Transpose", {2, 3, 4}, {}), (Shape{4, 3, 2}));
}

TEST(InferShapes, SqueezeUnsqueezeByOpset) {
  EXPECT_EQ(OneOp("Squeeze", {1, 3, 1, 2}, {{"axes", Ints{2}}}, {}, 11), (Shape{1, 3, 2}));
  EXPECT_EQ(OneOp("Squeeze", {1, 3, 1, 2}, {}, {{"a", I64({0, -2})}}, 13), (Shape{3, 2}));
  EXPECT_EQ(OneOp("Squeeze", {1, 3, 1, 2}, {}, {}, 13), (Shape{3, 2}));
  EXPECT_EQ(OneOp("Unsqueeze", {3, 2}, {{"axes", Ints{0, 3}}}, {}, 9), (Shape{1, 3, 2, 1}));
  EXPECT_EQ(OneOp("Unsqueeze", {3, 2}, {}, {{"a", I64({-1, 1})}}, 13), (Shape{3, 1, 2, 1}));
}

TEST(InferShapes, ConcatSlicePadGatherCast) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "a", {2, 3, 4});
  F32Input(g, "b", {2, 5, 4});
  g.AddNode("Concat", {"a", "b"}, {"c"}, {{"axis", int64_t{-2}}});
  EXPECT_EQ(InferOk(g, "c"), (Shape{2, 8, 4}));

  // Negative step, clamped end: rows 7, 5, 3 of 8; every other column from 1.
  EXPECT_EQ(OneOp("Slice", {2, 8, 4}, {},
                  {{"st", I64({-1, 1})}, {"en", I64({2, 100})}, {"ax", I64({1, 2})},
                   {"sp", I64({-2, 2})}}),
            (Shape{2, 3, 2}));
  EXPECT_EQ(OneOp("Slice", {6, 4}, {{"starts", Ints{1}}, {"ends", Ints{-1}}}, {}, 9),
            (Shape{4, 4}));
  EXPECT_EQ(OneOp("Pad", {1, 2, 3, 3}, {}, {{"p", I64({0, 0, 1, 2, 0, 0, 3, -1})}}),
            (Shape{1, 2, 7, 4}));
  EXPECT_EQ(OneOp("Pad", {1, 2, 3, 3}, {{"pads", Ints{0, 0, 1, 1, 0, 0, 1, 1}}}, {}, 9),
            (Shape{1, 2, 5, 5}));
  EXPECT_EQ(OneOp("Gather", {5, 4}, {{"axis", int64_t{1}}},
                  {{"i", Tensor::FromVector<int64_t>({2, 3}, {0, 1, 2, 3, -1, 0})}}),
            (Shape{5, 2, 3}));
  ir::Graph cast = NewGraph(13);
  F32Input(cast, "x", {2, 3});
  cast.AddNode("Cast", {"x"}, {"y"}, {{"to", int64_t{7}}});  // INT64
  cast.AddOutput("y");
  EXPECT_EQ(InferOk(cast, "y"), (Shape{2, 3}));
  EXPECT_EQ(cast.FindValue("y")->dtype, DType::kI64);
}

TEST(InferShapes, ResizeScalesSizesAndUpsample) {
  EXPECT_EQ(OneOp("Resize", {1, 2, 3, 4},
                  {{"coordinate_transformation_mode", std::string("asymmetric")},
                   {"nearest_mode", std::string("floor")}},
                  {{"", Tensor()}, {"sc", Tensor::FromVector<float>({4}, {1, 1, 2, 3})}}),
            (Shape{1, 2, 6, 12}));
  EXPECT_EQ(OneOp("Resize", {1, 2, 3, 4},
                  {{"coordinate_transformation_mode", std::string("asymmetric")},
                   {"nearest_mode", std::string("floor")}},
                  {{"", Tensor()}, {"", Tensor()}, {"sz", I64({1, 2, 6, 8})}}),
            (Shape{1, 2, 6, 8}));
  EXPECT_EQ(OneOp("Upsample", {1, 2, 3, 4}, {},
                  {{"sc", Tensor::FromVector<float>({4}, {1, 1, 2, 2})}}, 9),
            (Shape{1, 2, 6, 8}));
}

TEST(InferShapes, ShapeStartEndConstantAndConstantOfShape) {
  ir::Graph g = NewGraph(15);
  F32Input(g, "x", {2, 3, 4, 5});
  g.AddNode("Shape", {"x"}, {"hw"}, {{"start", int64_t{-2}}});
  g.AddNode("Constant", {}, {"k"}, {{"value_ints", Ints{7, 7}}});
  g.AddNode("Add", {"hw", "k"}, {"dims"});
  g.AddNode("ConstantOfShape", {"dims"}, {"y"}, {{"value", Tensor::FromVector<float>({1}, {2})}});
  g.AddOutput("y");
  ASSERT_TRUE(InferShapes().Run(g).ok());
  EXPECT_EQ(ShapeOf(g, "hw"), (Shape{2}));
  EXPECT_EQ(ShapeOf(g, "y"), (Shape{11, 12}));
  EXPECT_EQ(g.FindValue("y")->dtype, DType::kF32);
}

// ---- errors -------------------------------------------------------------------------------------

Status InferError(ir::Graph& g, std::map<std::string, Shape> overrides = {}) {
  Status s = InferShapes(std::move(overrides)).Run(g);
  EXPECT_FALSE(s.ok());
  return s;
}

TEST(InferShapes, UnknownOpIsNamed) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 3});
  g.AddNode("Relu", {"x"}, {"r"});
  g.AddNode("Celu", {"r"}, {"y"}, {}, "mystery");
  g.AddOutput("y");
  Status s = InferError(g);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("Celu node 'mystery'"), std::string::npos) << s.message();
}

TEST(InferShapes, MalformedAttributesNameTheNode) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 3, 8, 8});
  g.AddInitializer("w", RandomTensor({4, 3, 3, 3}, 1));
  g.AddNode("Conv", {"x", "w"}, {"y"}, {{"strides", 2.0f}}, "conv7");
  g.AddOutput("y");
  Status s = InferError(g);
  EXPECT_NE(s.message().find("Conv node 'conv7'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("strides"), std::string::npos) << s.message();

  g.nodes[0].attributes = {{"group", int64_t{2}}};
  s = InferError(g);
  EXPECT_NE(s.message().find("conv7"), std::string::npos);
  EXPECT_NE(s.message().find("group 2"), std::string::npos) << s.message();

  g.nodes[0].attributes = {{"pads", Ints{1, 1}}};
  s = InferError(g);
  EXPECT_NE(s.message().find("conv7"), std::string::npos);
  EXPECT_NE(s.message().find("do not match 2 spatial dims"), std::string::npos) << s.message();
}

TEST(InferShapes, NonConstantReshapeTarget) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 6});
  g.AddInput("shape", DType::kI64, ir::StaticDims({2}));
  g.AddNode("Reshape", {"x", "shape"}, {"y"}, {}, "r");
  g.AddOutput("y");
  Status s = InferError(g);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("Reshape node 'r'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("must be a constant"), std::string::npos) << s.message();
}

TEST(InferShapes, InputShapeOverrides) {
  ir::Graph g = NewGraph(13);
  g.AddInput("x", DType::kF32, {ir::Dim::Symbolic("N"), ir::Dim::Static(3)});
  g.AddNode("Relu", {"x"}, {"y"});
  g.AddOutput("y");
  ir::Graph dynamic = g;
  Status s = InferError(dynamic);
  EXPECT_NE(s.message().find("input 'x' has dynamic dims Nx3"), std::string::npos) << s.message();
  ir::Graph wrong = g;
  s = InferError(wrong, {{"x", {4, 5}}});
  EXPECT_NE(s.message().find("disagrees"), std::string::npos) << s.message();
  ir::Graph unknown = g;
  s = InferError(unknown, {{"z", {4, 3}}});
  EXPECT_NE(s.message().find("no such input"), std::string::npos) << s.message();
  EXPECT_EQ(InferOk(g, "y", {{"x", {4, 3}}}), (Shape{4, 3}));
}

TEST(InferShapes, DeclaredShapeThatDisagrees) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 3});
  g.AddNode("Transpose", {"x"}, {"y"}, {}, "t");
  g.AddOutput("y", DType::kF32, ir::StaticDims({2, 3}));
  Status s = InferError(g);
  EXPECT_NE(s.message().find("Transpose node 't'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("declared"), std::string::npos) << s.message();
}

TEST(InferShapes, EveryReferenceOpHasARule) {
  const std::vector<std::string> rules = InferShapes::SupportedOps();
  for (const std::string& op : reference::SupportedOps()) {
    EXPECT_TRUE(std::find(rules.begin(), rules.end(), op) != rules.end()) << op;
  }
}

}  // namespace
}  // namespace aorta::passes::testing
