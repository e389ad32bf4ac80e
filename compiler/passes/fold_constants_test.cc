#include "compiler/passes/fold_constants.h"

#include <gtest/gtest.h>

#include "compiler/passes/graph_edit.h"
#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/test_util.h"
#include "compiler/reference/executor.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;

// InferShapes then FoldConstants; numerics checked against the unfolded graph when the
// reference can run it.
void InferAndFold(ir::Graph& g, std::map<std::string, Shape> overrides = {}, bool compare = true) {
  Status s = InferShapes(std::move(overrides)).Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const ir::Graph before = g;
  s = FoldConstants().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(g.Validate().ok());
  if (compare) ExpectSameNumerics(before, g);
}

TEST(FoldConstants, ShapeChainOfAnExportedFlatten) {
  ir::Graph g = NewGraph(13);
  g.AddInput(
      "x", DType::kF32,
      {ir::Dim::Symbolic("N"), ir::Dim::Static(4), ir::Dim::Symbolic("H"), ir::Dim::Static(5)});
  g.AddInitializer("zero", Tensor::Scalar<int64_t>(0));
  g.AddInitializer("axes0", I64({0}));
  g.AddNode("Shape", {"x"}, {"shape"});
  g.AddNode("Gather", {"shape", "zero"}, {"batch"}, {{"axis", int64_t{0}}});
  g.AddNode("Unsqueeze", {"batch", "axes0"}, {"batch1"});
  g.AddNode("Constant", {}, {"minus1"}, {{"value_ints", Ints{-1}}});
  g.AddNode("Concat", {"batch1", "minus1"}, {"target"}, {{"axis", int64_t{0}}});
  g.AddNode("Reshape", {"x", "target"}, {"flat"});
  g.AddNode("Relu", {"flat"}, {"y"});
  g.AddOutput("y");
  InferAndFold(g, {{"x", {2, 4, 3, 5}}});
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Reshape", "Relu"}));
  const Tensor* target = g.FindInitializer(g.nodes[0].inputs[1]);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->ToInt64s(), (Ints{2, -1}));
}

TEST(FoldConstants, ArithmeticCastSliceSqueezeAndConstantOfShape) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2, 3});
  g.AddNode("Constant", {}, {"c"},
            {{"value", Tensor::FromVector<float>({1, 3}, {1.0f, 2.0f, 3.0f})}});
  g.AddInitializer("two", Tensor::Scalar<float>(2.0f));
  g.AddNode("Mul", {"c", "two"}, {"c2"});
  g.AddNode("Sub", {"c2", "two"}, {"c3"});  // {0, 2, 4}
  g.AddNode("Add", {"x", "c3"}, {"s"});
  // ConstantOfShape({2, 3}) of 0.5, cast to i64 (0) and back, sliced, squeezed.
  g.AddNode("ConstantOfShape", {"dims"}, {"half"},
            {{"value", Tensor::FromVector<float>({1}, {0.5f})}});
  g.AddInitializer("dims", I64({1, 2, 3}));
  g.AddNode("Cast", {"half"}, {"half_i"}, {{"to", int64_t{7}}});
  g.AddNode("Cast", {"half_i"}, {"zeros"}, {{"to", int64_t{1}}});
  g.AddInitializer("st", I64({0}));
  g.AddInitializer("en", I64({1}));
  g.AddNode("Slice", {"zeros", "st", "en"}, {"sl"});
  g.AddInitializer("ax", I64({0}));
  g.AddNode("Squeeze", {"sl", "ax"}, {"z"});
  g.AddNode("Add", {"s", "z"}, {"y"});
  g.AddOutput("y");
  InferAndFold(g, {}, false);
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Add", "Add"}));
  const Tensor x = RandomTensor({2, 3}, 9);
  auto y = reference::RunReference(g, {{"x", x}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_FLOAT_EQ(y->at("y").at<float>(i), x.at<float>(i) + 2.0f * static_cast<float>(i % 3));
  }
  const Tensor* c3 = g.FindInitializer(g.nodes[0].inputs[1]);
  ASSERT_NE(c3, nullptr);
  EXPECT_EQ(c3->ToVector<float>(), (std::vector<float>{0.0f, 2.0f, 4.0f}));
  const Tensor* z = g.FindInitializer("z");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->shape(), (Shape{2, 3}));
  EXPECT_EQ(z->dtype(), DType::kF32);
}

TEST(FoldConstants, LeavesNodesReadingRuntimeValues) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {1, 3, 4, 4});
  g.AddInitializer("w", RandomTensor({2, 3, 1, 1}, 1));
  g.AddNode("Conv", {"x", "w"}, {"c"});
  g.AddNode("Relu", {"c"}, {"y"});
  g.AddOutput("y");
  InferAndFold(g);
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Conv", "Relu"}));
}

TEST(FoldConstants, ErrorsNameTheNode) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {3});
  g.AddInitializer("data", I64({4, 5, 6}));
  g.AddInitializer("idx", I64({7}));
  g.AddNode("Gather", {"data", "idx"}, {"bad"}, {}, "gather_oob");
  g.AddNode("Cast", {"bad"}, {"badf"}, {{"to", int64_t{1}}});
  g.AddNode("Add", {"x", "badf"}, {"y"});
  g.AddOutput("y");
  // InferShapes already evaluates this small constant; FoldConstants must report it too.
  Status s = FoldConstants().Run(g);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Gather node 'gather_oob'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("out of range"), std::string::npos) << s.message();

  ir::Graph c = NewGraph(13);
  c.AddNode("Constant", {}, {"y"}, {{"sparse_value", std::string("?")}}, "empty_const");
  c.AddOutput("y");
  s = FoldConstants().Run(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Constant node 'empty_const'"), std::string::npos) << s.message();
}

// An If guarded by a constant: cond = (k >= 1) with k an initializer.
ir::Graph ConstantGuard(float k) {
  ir::Graph g = NewGraph(13);
  F32Input(g, "x", {2});
  g.AddInitializer("k", Tensor::Scalar<float>(k));
  g.AddInitializer("one", Tensor::Scalar<float>(1.0f));
  g.AddNode("GreaterOrEqual", {"k", "one"}, {"cond"});
  g.AddNode("Relu", {"x"}, {"r"});
  // then: (r * w) + k, w the branch's own initializer; its output "t" is also a name of the
  // outer graph's, so it must be renamed apart.
  ir::Graph then = NewGraph(13);
  then.AddInitializer("w", Tensor::FromVector<float>({2}, {2.0f, 3.0f}));
  then.AddNode("Mul", {"r", "w"}, {"t"}, {}, "mul");
  then.AddNode("Add", {"t", "k"}, {"sum"}, {}, "add");
  then.AddOutput("sum");
  // else: the outer value x itself (no node computes it in the branch).
  ir::Graph other = NewGraph(13);
  other.AddOutput("x");
  ir::Node& n = g.AddNode(
      "If", {"cond"}, {"y"},
      {{"then_branch", ir::Subgraph{std::make_shared<const ir::Graph>(std::move(then))}},
       {"else_branch", ir::Subgraph{std::make_shared<const ir::Graph>(std::move(other))}}},
      "guard");
  for (const std::string& v : ir::ImplicitInputs(n)) n.inputs.push_back(v);
  g.AddNode("Sigmoid", {"y"}, {"t"}, {}, "outer_t");
  g.AddOutput("t");
  return g;
}

TEST(FoldConstants, IfWithAConstantConditionBecomesItsThenBranch) {
  ir::Graph g = ConstantGuard(2.0f);
  const ir::Graph before = g;
  Status s = FoldConstants().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(g.Validate().ok()) << g.Validate().ToString();
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Relu", "Mul", "Add", "Sigmoid"}));
  // The branch's Add writes the If's output; its Mul a fresh name, not the outer "t".
  EXPECT_EQ(g.Producer("y")->op_type, "Add");
  EXPECT_NE(g.Producer("y")->inputs[0], "t");
  EXPECT_EQ(g.Producer("t")->name, "outer_t");
  ExpectSameNumerics(before, g);
}

TEST(FoldConstants, IfWithAConstantConditionBecomesItsElseBranch) {
  ir::Graph g = ConstantGuard(0.5f);
  const ir::Graph before = g;
  Status s = FoldConstants().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The else branch passes the outer x through: an Identity writes the If's output.
  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"Relu", "Identity", "Sigmoid"}));
  EXPECT_EQ(g.Producer("y")->inputs, (std::vector<std::string>{"x"}));
  ExpectSameNumerics(before, g);
}

TEST(FoldConstants, IfWithARuntimeConditionStays) {
  ir::Graph g = ConstantGuard(2.0f);
  g.nodes[0].inputs = {"x", "one"};  // cond = x >= 1: known only at run time
  g.nodes[0].outputs = {"cond2"};
  g.AddNode("ReduceMin", {"cond2f"}, {"cond"}, {{"keepdims", int64_t{0}}});
  g.AddNode("Cast", {"cond2"}, {"cond2f"}, {{"to", int64_t{1}}});
  Status s = SortNodes(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = FoldConstants().Run(g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(g.Producer("y")->op_type, "If");
}

}  // namespace
}  // namespace aorta::passes::testing
